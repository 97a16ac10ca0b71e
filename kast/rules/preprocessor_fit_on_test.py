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
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.dataflow import Data, fitted_kind
from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.rules.base import Finding, snippet

CODE = "K201"
NAME = "preprocessor-fit-on-test"
SEVERITY = Severity.ERROR

FIRES = (
    """
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.fit_transform(X_test)
""",
    """
import tensorflow as tf
from sklearn.model_selection import train_test_split
X_train, X_val, y_train, y_val = train_test_split(X, y)
normalizer = tf.keras.layers.Normalization()
normalizer.adapt(X_val)
""",
    """
from tensorflow.keras.preprocessing.text import Tokenizer
tokenizer = Tokenizer(num_words=10000)
tokenizer.fit_on_texts(test_texts)
""",
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
        if not isinstance(data, Data) or data.role not in ("test", "validation"):
            continue
        if fitted_kind(event.estimator) is None:
            continue
        which = "test" if data.role == "test" else "validation"
        related = ((data.role_node, f"{which} data from here"),) if data.role_node is not None else ()
        yield Finding(
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
