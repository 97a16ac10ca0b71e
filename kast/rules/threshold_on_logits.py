"""K305 threshold-on-logits: logit outputs are thresholded at 0.5.

## What it does
Checks `p > 0.5` (and `>=`, `<`, `<=` with 0.5) on the predictions of a model
whose output layer is linear and whose loss is built with `from_logits=True`.

## Why is this bad?
A logit's decision point is 0 (sigmoid(0) = 0.5).  Thresholding logits at 0.5
moves the decision boundary: every sample with a logit between 0 and 0.5 —
a predicted probability between 50% and 62% — is assigned the wrong class.

## Example
```python
model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True))
pred = model.predict(X_test) > 0.5
```

Use instead:
```python
pred = model.predict(X_test) > 0.0  # or tf.sigmoid(logits) > 0.5
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.picture import Picture
from kast.analysis.values import Known
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires, snippet

CODE = "K305"
NAME = "threshold-on-logits"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True))
pred = (model.predict(x_test) > 0.5).astype(int)
""", line=5),
    Fires("""
import numpy as np
import keras
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True))
score = model.predict(x_test).ravel()
label = np.where(score >= 0.5, 1, 0)
""", line=7),
)
SILENT = (
    """
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True))
pred = (model.predict(x_test) > 0).astype(int)
""",
    """
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy")
pred = (model.predict(x_test) > 0.5).astype(int)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for use in picture.prediction_uses:
        if use.kind != "threshold" or use.threshold != 0.5:
            continue
        prediction = use.prediction
        output = prediction.output
        if output is None or output.activation != Known("linear") or prediction.from_logits is not True:
            continue
        yield Finding(
            node=use.node,
            message=(
                f"The output `{snippet(picture, output.node)}` gives logits (the loss has from_logits=True), "
                "but the predictions are thresholded at 0.5: a logit's decision point is 0, so samples with "
                "a probability between 50% and 62% get the wrong class."
            ),
            hint="Threshold logits at 0 (p > 0), or apply a sigmoid first (tf.sigmoid(p) > 0.5).",
            related=((output.node, "linear (logit) output layer"), (prediction.node, "predictions made here")),
        )
