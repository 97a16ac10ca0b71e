"""K301 argmax-on-single-output: argmax over the predictions of a one-unit output.

## What it does
Checks `np.argmax(p, axis=-1)`, `p.argmax(axis=1)` and `tf.argmax(p, axis=-1)`
on the predictions of a model whose output layer has a single unit.

## Why is this bad?
The argmax over an axis of length one is always 0: every sample is predicted
as class 0, whatever the model outputs.  A one-unit sigmoid output is the
probability of class 1; it must be thresholded, not argmax-ed.

## Example
```python
labels = np.argmax(model.predict(X_test), axis=1)
```

Use instead:
```python
labels = (model.predict(X_test) > 0.5).astype("int32").ravel()
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.picture import Picture
from kast.analysis.values import Known
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires, snippet

CODE = "K301"
NAME = "argmax-on-single-output"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
import numpy as np
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
pred = np.argmax(model.predict(x_test), axis=1)
""", line=5),
    Fires("""
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
probs = model.predict(x_test)
labels = tf.argmax(probs, axis=-1)
""", line=5),
)
SILENT = (
    """
import numpy as np
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
pred = np.argmax(model.predict(x_test), axis=1)
""",
    """
import numpy as np
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
pred = (model.predict(x_test) > 0.5).astype(int)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for use in picture.prediction_uses:
        prediction = use.prediction
        output = prediction.output
        if use.kind != "argmax" or use.axis not in (-1, 1) or prediction.flattened or output is None:
            continue
        if output.units != Known(1):
            continue
        yield Finding(
            node=use.node,
            message=(
                f"argmax over the last axis of predictions from the one-unit output "
                f"`{snippet(picture, output.node)}` is always 0: every sample is predicted as class 0."
            ),
            hint="Threshold the single probability instead: (p > 0.5).astype(\"int32\").",
            related=((output.node, "one-unit output layer"), (prediction.node, "predictions made here")),
        )
