"""K109 output-units-vs-classes: the output layer's width differs from the number of classes.

## What it does
Checks models trained on labels whose number of classes the script states
(`to_categorical(y, num_classes)`, `to_categorical(y, N)` with a
`num_classes` / `n_classes` constant) against the number of units of the
output layer.

## Why is this bad?
With one-hot labels of width N and an output of M units, Keras either fails
with a shape error after the data is loaded, or (with sparse labels or
broadcasting) trains a model that can never predict some classes, or predicts
classes that do not exist.

## Example
```python
y = keras.utils.to_categorical(y, num_classes=10)
model.add(layers.Dense(100, activation="softmax"))
model.fit(x, y)
```

Use instead:
```python
y = keras.utils.to_categorical(y, num_classes=10)
model.add(layers.Dense(10, activation="softmax"))
model.fit(x, y)
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.dataflow import Data
from kast.analysis.picture import Picture
from kast.analysis.values import Known
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires, snippet

CODE = "K109"
NAME = "output-units-vs-classes"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
import keras
num_classes = 10
y = keras.utils.to_categorical(labels, num_classes)
model = keras.Sequential([keras.layers.Dense(100, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(x, y)
""", line=5),
    Fires("""
import tensorflow as tf
from sklearn.model_selection import train_test_split
NUM_CLASSES = 5
y = tf.keras.utils.to_categorical(stars, num_classes=NUM_CLASSES)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
model = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(X_train, y_train)
""", line=7),
)
SILENT = (
    """
import keras
num_classes = 10
y = keras.utils.to_categorical(labels, num_classes)
model = keras.Sequential([keras.layers.Dense(num_classes, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(x, y)
""",
    """
import keras
y = keras.utils.to_categorical(labels)
model = keras.Sequential([keras.layers.Dense(100, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(x, y)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for fit in picture.fits:
        labels = fit.y.labels if isinstance(fit.y, Data) else None
        if labels is None or labels.encoding != "onehot" or not isinstance(labels.classes, Known):
            continue
        outputs = fit.model.output_layers()
        if outputs is None or len(outputs) != 1 or not isinstance(outputs[0].units, Known):
            continue
        units, classes = outputs[0].units.value, labels.classes.value
        if units == classes:
            continue
        yield Finding(
            node=outputs[0].node,
            message=(
                f"The output layer `{snippet(picture, outputs[0].node)}` has {units} units, but the labels are "
                f"one-hot encoded with {classes} classes: training fails on the shape mismatch or the model "
                "predicts classes that do not exist."
            ),
            hint=f"Give the output layer {classes} units (use the same num_classes constant for both).",
            related=((labels.classes.node or labels.node, f"{classes} classes stated here"),
                     (fit.node, "trained on those labels here")),
        )
