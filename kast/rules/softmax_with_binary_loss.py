"""K104 softmax-with-binary-loss: a softmax output trained with binary crossentropy.

## What it does
Checks models whose output is a softmax over two or more units and whose loss
is `binary_crossentropy` (or the binary focal variant).

## Why is this bad?
Binary crossentropy treats every unit as an independent yes/no question, while
softmax makes the units compete.  The model still trains, but the metric
`"accuracy"` then resolves to *binary* accuracy, averaged over every unit: with
10 classes a model that predicts nothing right scores 90%.  The reported
accuracy is inflated and model selection is misled.

## Example
```python
model.add(layers.Dense(4, activation="softmax"))
model.compile(loss="binary_crossentropy", metrics=["accuracy"])
```

Use instead:
```python
model.add(layers.Dense(4, activation="softmax"))
model.compile(loss="categorical_crossentropy", metrics=["accuracy"])
```
(`sparse_categorical_crossentropy` for integer labels.)

## Fix safety
The fix switches to the categorical counterpart of the loss. It is unsafe:
with integer labels `sparse_categorical_crossentropy` is the right one, and
multi-label targets want sigmoid outputs instead; the user chooses.
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.picture import Picture, trained_outputs
from kast.diagnostics import Severity
from kast.libraries.keras import losses as keras_losses
from kast.rules import edits
from kast.rules.base import Finding, Fires, FixPlan, snippet

CODE = "K104"
NAME = "softmax-with-binary-loss"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""", line=4, fixed='"categorical_crossentropy"'),
    Fires("""
import keras
from keras import layers
model = keras.Sequential()
model.add(layers.Dense(4))
model.add(layers.Softmax())
model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy())
""", line=7, fixed='keras.losses.CategoricalCrossentropy()'),
)
SILENT = (
    """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
""",
    """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(5, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for trained in trained_outputs(picture):
        units = trained.units
        if trained.activation != "softmax" or units is None or units < 2:
            continue
        if trained.loss.name not in keras_losses.BINARY_LOSSES:
            continue
        categorical = trained.loss.name.replace("binary", "categorical")
        replacement = edits.loss_replaced(trained.loss.node, categorical)
        yield Finding(
            fix=FixPlan(f"use the {categorical} loss", False, ((trained.loss.node, replacement),))
            if replacement is not None else None,
            node=trained.loss.node,
            message=(
                f"The {units}-unit softmax output `{snippet(picture, trained.output.node)}` is trained with "
                f"'{trained.loss.name}': every unit is scored as an independent yes/no answer, and "
                "'accuracy' becomes binary accuracy over all units, inflated (it counts the many correct zeros)."
            ),
            hint="Use loss=\"categorical_crossentropy\" for one-hot labels (\"sparse_categorical_crossentropy\" "
                 "for integer labels); for multi-label targets use sigmoid instead of softmax.",
            related=((trained.activation_node, "softmax applied here"),),
        )
