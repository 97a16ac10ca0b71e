"""K302 threshold-on-softmax: softmax predictions are thresholded or rounded instead of argmax-ed.

## What it does
Checks `p > 0.5`, `np.round(p)` and `p.round()` on the predictions of a model
whose output is a softmax over two or more units.

## Why is this bad?
A softmax row is a distribution over the classes: with three or more classes
the most likely class often has less than 0.5, so a row can come out with no
class at all (all zeros), and with ties it can get two.  The thresholded
matrix is not a label per sample, and metrics computed on it are wrong.

## Example
```python
pred = (model.predict(X_test) > 0.5).astype(int)
```

Use instead:
```python
pred = model.predict(X_test).argmax(axis=-1)
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.picture import Picture
from kast.analysis.values import Known
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires, snippet

CODE = "K302"
NAME = "threshold-on-softmax"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(3, activation="softmax")])
pred = (model.predict(x_test) > 0.5).astype(int)
""", line=4),
    Fires("""
import numpy as np
import keras
model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
labels = np.round(model.predict(x_test))
""", line=5),
)
SILENT = (
    """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
pred = (model.predict(x_test) > 0.5).astype(int)
""",
    """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(3, activation="softmax")])
probs = model.predict(x_test)
sure = probs.max(axis=1) > 0.9
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for use in picture.prediction_uses:
        if use.kind not in ("threshold", "round"):
            continue
        output = use.prediction.output
        if output is None or output.activation != Known("softmax"):
            continue
        units = output.units.value if isinstance(output.units, Known) else None
        if units is None or units < 2:
            continue
        what = f"thresholded at {use.threshold:g}" if use.kind == "threshold" else "rounded"
        yield Finding(
            node=use.node,
            message=(
                f"Predictions of the {units}-class softmax output `{snippet(picture, output.node)}` are {what}: "
                "a softmax row is a distribution over classes, so rows can get no class or several, and "
                "the result is not one label per sample."
            ),
            hint="Take the most likely class: p.argmax(axis=-1).",
            related=((output.node, "softmax output layer"), (use.prediction.node, "predictions made here")),
        )
