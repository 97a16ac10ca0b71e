"""K205 test-data-in-training: the test set is trained on.

## What it does
Checks for test data reaching training: `fit()` receives the test part of a
split (or data named as test data), test rows are concatenated into the
training set of a model that is then scored on them, or the same test set is both `validation_data` (steering early
stopping and checkpoints) and the final `evaluate()` set.

## Why is this bad?
A model that has seen the test rows, or was selected on them, is scored on
data it was tuned to: the reported accuracy is optimistic and says nothing
about how the model will predict on new data.

## Example
```python
model.fit(x_train, y_train, validation_data=(x_test, y_test), callbacks=[early_stopping])
model.evaluate(x_test, y_test)
```

Use instead:
```python
x_tr, x_val, y_tr, y_val = train_test_split(x_train, y_train, test_size=0.1)
model.fit(x_tr, y_tr, validation_data=(x_val, y_val), callbacks=[early_stopping])
model.evaluate(x_test, y_test)
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.dataflow import Data
from kast.analysis.models import Callback, FitCall
from kast.analysis.picture import Picture
from kast.analysis.values import Sequence
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires, snippet
from kast.rules.input_facts import x_of

CODE = "K205"
NAME = "test-data-in-training"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
import numpy as np
import tensorflow as tf
from sklearn.model_selection import train_test_split
X_train, X_test, y_train, y_test = train_test_split(X, y)
X_all = np.concatenate([X_train, X_test])
y_all = np.concatenate([y_train, y_test])
model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
model.fit(X_all, y_all)
print(model.evaluate(X_test, y_test))
""", line=9),
    Fires("""
import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
model.fit(x_train, y_train, validation_data=(x_test, y_test))
model.evaluate(x_test, y_test)
""", line=5),
)
SILENT = (
    """
import keras
from sklearn.model_selection import train_test_split
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_tr, x_val, y_tr, y_val = train_test_split(x_train, y_train, test_size=0.1)
model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
model.fit(x_tr, y_tr, validation_data=(x_val, y_val))
model.evaluate(x_test, y_test)
""",
    """
import numpy as np
import keras
from sklearn.model_selection import train_test_split
X_rest, X_test, y_rest, y_test = train_test_split(X, y)
X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest)
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.fit(np.concatenate([X_train, X_val]), np.concatenate([y_train, y_val]))
model.evaluate(X_test, y_test)
""",
)


def _steers(fit: FitCall) -> str:
    """What the validation data decides in this fit(), by the callbacks it has."""
    callbacks = [c for c in fit.callbacks or () if isinstance(c, Callback)]
    roles = []
    if any(c.stops_on_validation for c in callbacks):
        roles.append("steers early stopping")
    if any(c.selects_on_validation and not c.stops_on_validation for c in callbacks):
        roles.append("selects the best checkpoint")
    elif any(c.selects_on_validation for c in callbacks):
        roles.append("restores the best weights")
    if roles:
        return " and ".join(roles)
    return "is watched during training (to choose the epochs and the settings)"


def check(picture: Picture) -> Iterator[Finding]:
    for fit in picture.fits:
        x = fit.x
        scored_on_test = next((i for i in picture.inferences if i.model is fit.model
                               and isinstance(i.x, Data) and i.x.role == "test"), None)
        if isinstance(x, Data) and x.contains_test is not None and scored_on_test is not None:
            # Training a generative model on every row is fine; scoring it on rows it saw is not.
            yield Finding(
                node=fit.node,
                message=(
                    "fit() trains on a set that has the test rows concatenated into it: the model has seen "
                    "the data it is evaluated on, so its test score is optimistic."
                ),
                hint="Train on the training (and validation) rows only; keep the test set out until the "
                     "final evaluation.",
                related=((x.contains_test, "test rows concatenated here"),
                         (scored_on_test.node, "and scored on the test rows here")),
            )
        elif isinstance(x, Data) and x.role == "test":
            related = ((x.role_node, "test data from here"),) if x.role_node is not None else ()
            yield Finding(
                node=fit.node,
                message=(
                    f"fit() trains on test data (`{snippet(picture, fit.node)}`): the model learns the rows "
                    "it is later evaluated on, so its test score is optimistic."
                ),
                hint="Train on the training split; use the test split only for the final evaluation.",
                related=related,
            )
        validation = x_of(fit.validation_data) if isinstance(fit.validation_data, Sequence) else None
        if not isinstance(validation, Data) or validation.role != "test":
            continue
        for inference in picture.inferences:
            if inference.model is not fit.model or inference.method != "evaluate":
                continue
            if isinstance(inference.x, Data) and inference.x.lineage == validation.lineage:
                yield Finding(
                    node=fit.validation_data.node if isinstance(fit.validation_data, Sequence)  # type: ignore[union-attr]
                    and fit.validation_data.node is not None else fit.node,
                    message=(
                        f"The test set is the validation_data that {_steers(fit)} and also the final "
                        "evaluate() set: the model was selected on the data it is scored on, so the reported "
                        "score is optimistic."
                    ),
                    hint="Split a validation set off the training data (validation_split= or "
                         "train_test_split) and keep the test set for the final evaluate() only.",
                    related=((inference.node, "evaluated on the same test set here"),),
                )
                break
