"""K206 resample-before-split: over-sampling is applied to the whole data set before the split.

## What it does
Checks SMOTE, RandomOverSampler and other `fit_resample` over-samplers, and
`sklearn.utils.resample`, applied to data that is split into train and test
afterwards.

## Why is this bad?
Over-sampling makes copies (or near copies) of minority rows.  Split after
that, copies of the same row land in both train and test: the model is
scored on rows it has memorised, and the test score is far better than the
model's real performance on new data.

## Example
```python
X_res, y_res = SMOTE().fit_resample(X, y)
X_train, X_test, y_train, y_test = train_test_split(X_res, y_res)
```

Use instead:
```python
X_train, X_test, y_train, y_test = train_test_split(X, y)
X_train, y_train = SMOTE().fit_resample(X_train, y_train)
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.dataflow import Data
from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires, snippet

CODE = "K206"
NAME = "resample-before-split"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
from imblearn.over_sampling import SMOTE
from sklearn.model_selection import train_test_split
X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
X_train, X_test, y_train, y_test = train_test_split(X_res, y_res, test_size=0.2)
""", line=4),
    Fires("""
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.utils import resample
df = pd.read_csv("patients.csv")
minority = df[df["label"] == 1]
upsampled = resample(minority, replace=True, n_samples=1000)
balanced = pd.concat([df[df["label"] == 0], upsampled])
train, test = train_test_split(balanced, test_size=0.2)
""", line=7),
)
SILENT = (
    """
from imblearn.over_sampling import SMOTE
from sklearn.model_selection import train_test_split
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
X_bal, y_bal = SMOTE(random_state=0).fit_resample(X_train, y_train)
""",
    """
import pandas as pd
from sklearn.utils import resample
df = pd.read_csv("patients.csv")
boot = resample(df, n_samples=100)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    reported: set[int] = set()
    for split in picture.splits:
        for value in split.inputs:
            if not isinstance(value, Data) or value.resampled is None or id(value.resampled) in reported:
                continue
            reported.add(id(value.resampled))
            yield Finding(
                node=value.resampled,
                message=(
                    f"`{snippet(picture, value.resampled)}` over-samples the whole data set before it is split: "
                    "copies of the same rows end up in both train and test, so the test score is inflated."
                ),
                hint="Split first, then over-sample the training part only.",
                related=((split.node, "split here, after the over-sampling"),),
            )
