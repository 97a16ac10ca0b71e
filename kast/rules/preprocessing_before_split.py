"""K202 preprocessing-before-split: a feature preprocessor is fit on the whole data set before the split.

## What it does
Checks scalers, imputers, PCA, feature selectors, vectorizers, tokenizers and
`Normalization.adapt` that are fit on data that has not been split yet, when
a train/test split of that data (or of its transformed output) comes after.
Encoding the target's class names (`LabelEncoder` on `y`) is not reported.

## Why is this bad?
The statistics the preprocessor learns (means, variances, vocabularies,
principal components) include the test rows, so information from the test
set leaks into training: the test score is optimistic and the model does
worse on truly new data than the script reports.

## Example
```python
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y)
```

Use instead:
```python
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.dataflow import FEATURE_PREPROCESSORS, Data, fitted_kind
from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.rules.base import Finding, snippet

CODE = "K202"
NAME = "preprocessing-before-split"
SEVERITY = Severity.WARNING

FIRES = (
    """
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
df = pd.read_csv("data.csv")
X = df.drop(columns=["y"]).values
scaler = StandardScaler()
X = scaler.fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, df["y"], test_size=0.2)
""",
    """
import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
X = np.load("features.npy")
pca = PCA(n_components=10).fit(X)
X_train, X_test = train_test_split(X)
""",
)
SILENT = (
    """
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder, StandardScaler
df = pd.read_csv("data.csv")
y = LabelEncoder().fit_transform(df["label"])
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns=["label"]).values, y)
scaler = StandardScaler().fit(X_train)
""",
    """
import pandas as pd
from sklearn.preprocessing import StandardScaler
df = pd.read_csv("data.csv")
X = StandardScaler().fit_transform(df.values)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    reported: set[int] = set()
    for split in picture.splits:
        for value in split.inputs:
            if not isinstance(value, Data):
                continue
            for event in picture.fit_events:
                if event.order > split.order or id(event.node) in reported:
                    continue
                if fitted_kind(event.estimator) not in FEATURE_PREPROCESSORS:
                    continue
                fitted = event.data
                if isinstance(fitted, Data) and fitted.role is not None:
                    continue
                transformed_by_it = any(t.estimator is event.estimator for t in value.transforms)
                same_rows = isinstance(fitted, Data) and fitted.origin is not None and fitted.origin is value.origin \
                    and value.role is None
                if not (transformed_by_it or same_rows):
                    continue
                reported.add(id(event.node))
                yield Finding(
                    node=event.node,
                    message=(
                        f"`{snippet(picture, event.node)}` is fit on the whole data set before it is split into "
                        "train and test: the test rows' statistics leak into the preprocessing the model is "
                        "trained with, so the test score is optimistic."
                    ),
                    hint="Split first, fit the preprocessor on the training part only, then transform both parts.",
                    related=((split.node, "the split comes after, here"),),
                )
