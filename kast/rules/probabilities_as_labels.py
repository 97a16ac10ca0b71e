"""K303 probabilities-as-labels: raw predict() output is used as class labels.

## What it does
Checks raw `model.predict()` output (probabilities or scores, without a
threshold or argmax) passed to label-based metrics (`accuracy_score`,
`f1_score`, `precision_score`, `recall_score`, `confusion_matrix`,
`classification_report`, ...) or compared with `==` to labels.

## Why is this bad?
Probabilities are almost never exactly equal to a 0/1 or class-id label:
`==` is False nearly everywhere and the accuracy computed from it is near 0,
while scikit-learn's label metrics raise on continuous input or, with one-hot
shapes, compute something else.  The score the script prints is wrong.

## Example
```python
proba = model.predict(X_test)
print(accuracy_score(y_test, proba))
```

Use instead:
```python
proba = model.predict(X_test)
print(accuracy_score(y_test, (proba > 0.5).astype(int)))  # argmax(axis=-1) for softmax
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.picture import Picture
from kast.analysis.values import Known
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires

CODE = "K303"
NAME = "probabilities-as-labels"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
from sklearn.metrics import accuracy_score
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
proba = model.predict(X_test)
print(accuracy_score(y_test, proba))
""", line=6),
    Fires("""
import numpy as np
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
pred = model.predict(x_test).ravel()
print((pred == y_test).mean())
""", line=6),
)
SILENT = (
    """
from sklearn.metrics import accuracy_score, roc_auc_score
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
proba = model.predict(X_test).ravel()
print(roc_auc_score(y_test, proba), accuracy_score(y_test, (proba > 0.5).astype(int)))
""",
    """
import numpy as np
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
pred = model.predict(x_test).argmax(axis=1)
print(np.mean(pred == y_test))
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for use in picture.prediction_uses:
        if use.kind not in ("label_metric", "equality") or use.prediction.post != "raw":
            continue
        output = use.prediction.output
        single = output is not None and output.units == Known(1)
        fix = "(p > 0.5).astype(int)" if single else "p.argmax(axis=-1)" if output is not None else \
            "(p > 0.5).astype(int) for one output unit, p.argmax(axis=-1) for softmax"
        where = f"{use.detail}()" if use.kind == "label_metric" else "`==` with the labels"
        yield Finding(
            node=use.node,
            message=(
                f"Raw predict() output (probabilities, not labels) goes to {where}: probabilities are almost "
                "never equal to a label, so the computed score is wrong (near 0, or an error)."
            ),
            hint=f"Turn the predictions into labels first: {fix}.",
            related=((use.prediction.node, "predictions made here"),),
        )
