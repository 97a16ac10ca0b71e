"""K201 preprocessor-fit-on-test: a scaler, encoder or tokenizer is fit on test or validation data.

## What it does
Checks `.fit()`, `.fit_transform()`, `.fit_on_texts()` and `.adapt()` of
preprocessing objects (scikit-learn scalers, encoders, imputers, PCA,
vectorizers, pipelines; Keras `Tokenizer`, `Normalization`,
`TextVectorization`) whose data is the test or validation part of a split, or
a variable named as test or validation data (`X_test`, `x_val`, `test_df`).

## Why is this bad?
A preprocessor fit on the test set learns the test set's own statistics:
the test features are scaled differently from the training features the
model learnt from, so predictions on them are systematically off, and the
test score no longer measures how the model does on new data.

## Example
```python
X_train = scaler.fit_transform(X_train)
X_test = scaler.fit_transform(X_test)
```

Use instead:
```python
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)
```

## Fix safety
When the same object was already fit on the training data, the fix turns
`fit_transform(X_test)` into `transform(X_test)`. It is safe: the object then
keeps the training statistics, which is what the rest of the script expects.
Other shapes (`fit(X_test)` alone, `adapt`) get no fix.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from kast.analysis.dataflow import Data, FitEvent, fitted_kind, learns_from_data
from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.rules import edits
from kast.rules.base import Finding, Fires, FixPlan, snippet

CODE = "K201"
NAME = "preprocessor-fit-on-test"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.fit_transform(X_test)
""", line=7, fixed='scaler.transform'),
    Fires("""
import tensorflow as tf
from sklearn.model_selection import train_test_split
X_train, X_val, y_train, y_val = train_test_split(X, y)
normalizer = tf.keras.layers.Normalization()
normalizer.adapt(X_val)
""", line=6),
    Fires("""
from tensorflow.keras.preprocessing.text import Tokenizer
tokenizer = Tokenizer(num_words=10000)
tokenizer.fit_on_texts(test_texts)
""", line=4),
)
SILENT = (
    """
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)
""",
    """
import tensorflow as tf
from sklearn.model_selection import train_test_split
X_train, X_val, y_train, y_val = train_test_split(X, y)
normalizer = tf.keras.layers.Normalization()
normalizer.adapt(X_train)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for event in picture.fit_events:
        data = event.data
        if not isinstance(data, Data) or data.role not in ("test", "validation") or data.sample:
            continue  # a fit on one sample at a time is per-sample scaling, the same for every set
        if fitted_kind(event.estimator) in (None, "embedding") or not learns_from_data(event.estimator):
            continue  # a stateless transform computes the same thing whatever it is fit on
        which = "test" if data.role == "test" else "validation"
        related = ((data.role_node, f"{which} data from here"),) if data.role_node is not None else ()
        yield Finding(
            fix=_transform_instead(picture, event),
            node=event.node,
            message=(
                f"`{snippet(picture, event.node)}` fits the preprocessing on {which} data: it learns that "
                f"set's own statistics, so the {which} features are transformed differently from the "
                "training features and the model's predictions and scores on them are off."
            ),
            hint="Fit on the training data only and call transform() (not fit_transform/adapt) on the "
                 f"{which} data.",
            related=related,
        )


def _transform_instead(picture: Picture, event: FitEvent) -> FixPlan | None:
    """`fit_transform(X_test)` -> `transform(X_test)` when the same object was already fit on training data."""
    func = event.node.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "fit_transform":
        return None
    fit_on_train = any(
        earlier.estimator is event.estimator and earlier.order < event.order
        and isinstance(earlier.data, Data) and earlier.data.role == "train"
        for earlier in picture.fit_events
    )
    if not fit_on_train:
        return None
    replacement = edits.renamed(func, "transform")
    return FixPlan("use transform() with the scaler fit on the training data", True, ((func, replacement),)) \
        if replacement is not None else None
