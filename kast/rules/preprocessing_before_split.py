"""K202 preprocessing-before-split: a feature preprocessor is fit on the whole data set before the split.

## What it does
Checks scalers, imputers, PCA, feature selectors, vectorizers, tokenizers and
`Normalization.adapt` that are fit on data that has not been split yet, when
a train/test split (`train_test_split`, a slice, `KFold`, `cross_val_score`)
of that data comes after and the preprocessor's output reaches the split or
the model.  Encoding the target's class names (`LabelEncoder` on `y`) is not
reported, nor a preprocessor that learns nothing from the data
(`PolynomialFeatures`, `Normalizer`), nor one whose output is only plotted or
overwritten before use.

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

from kast.analysis.dataflow import FEATURE_PREPROCESSORS, Data, Estimator, fitted_kind, learns_from_data
from kast.analysis.picture import Picture
from kast.analysis.values import Sequence
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires, snippet

CODE = "K202"
NAME = "preprocessing-before-split"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
df = pd.read_csv("data.csv")
X = df.drop(columns=["y"]).values
scaler = StandardScaler()
X = scaler.fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, df["y"], test_size=0.2)
""", line=8),
    Fires("""
import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
X = np.load("features.npy")
pca = PCA(n_components=10).fit(X)
X_train, X_test = train_test_split(X)
X_train, X_test = pca.transform(X_train), pca.transform(X_test)
""", line=6),
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


def _model_transforms(picture: Picture) -> set[int]:
    """The fitted objects (by id) whose transform reaches data a model is trained on or predicts from."""
    inputs = [fit.x for fit in picture.fits] + [fit.validation_data for fit in picture.fits] \
        + [inference.x for inference in picture.inferences]
    return {id(t.estimator) for value in inputs for item in (value.items if isinstance(value, Sequence) else (value,))
            if isinstance(item, Data) for t in item.transforms}


def _reaches_model(estimator: object, model_transforms: set[int]) -> bool:
    """True when `estimator` transforms a part of a split, or data a model is trained on or predicts from.

    A Keras preprocessing layer is taken to be used in the model it was made for.
    """
    if not isinstance(estimator, Estimator):
        return True
    if any(isinstance(value, Data) and value.role is not None for value in estimator.transformed):
        return True
    return id(estimator) in model_transforms


def check(picture: Picture) -> Iterator[Finding]:
    reported: set[int] = set()
    model_transforms = _model_transforms(picture)
    for split in picture.splits:
        for value in split.inputs:
            if not isinstance(value, Data):
                continue
            for event in picture.fit_events:
                if event.order > split.order or id(event.node) in reported:
                    continue
                if fitted_kind(event.estimator) not in FEATURE_PREPROCESSORS or not learns_from_data(event.estimator):
                    continue
                fitted = event.data
                if not isinstance(fitted, Data) or fitted.role is not None or fitted.sample:
                    continue  # fit on data kast cannot see, a part of a split, or one sample at a time
                transformed_by_it = any(t.estimator is event.estimator for t in value.transforms)
                same_rows = fitted.origin is not None and fitted.origin is value.origin \
                    and value.role is None
                if not (transformed_by_it or (same_rows and _reaches_model(event.estimator, model_transforms))):
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
