"""K105 sigmoid-with-categorical-loss: independent sigmoids trained as one categorical distribution.

## What it does
Checks models whose output is a sigmoid over two or more units trained with
`categorical_crossentropy` or `sparse_categorical_crossentropy`.

## Why is this bad?
Categorical crossentropy assumes the outputs form one probability
distribution that sums to 1.  Sigmoid units do not: Keras rescales them to sum
to 1 inside the loss, the unnormalised outputs drift, and `predict()` returns
per-class scores that are not the class probabilities the loss was about.
Thresholds and confidence read from them are wrong.

## Example
```python
outputs = layers.Dense(10, activation="sigmoid")(x)
model.compile(loss="sparse_categorical_crossentropy")
```

Use instead:
```python
outputs = layers.Dense(10, activation="softmax")(x)
model.compile(loss="sparse_categorical_crossentropy")
```
(For multi-label targets keep sigmoid and use `binary_crossentropy`.)

## Fix safety
With `categorical_crossentropy` the fix uses `binary_crossentropy`
(multi-label), with `sparse_categorical_crossentropy` it makes the output a
softmax. Both are unsafe: which one is right depends on whether the classes
exclude each other.
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.picture import Picture, TrainedOutput, trained_outputs
from kast.diagnostics import Severity
from kast.libraries.keras import losses as keras_losses
from kast.rules import edits
from kast.rules.base import Finding, Fires, FixPlan, snippet

CODE = "K105"
NAME = "sigmoid-with-categorical-loss"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
from tensorflow.keras.layers import Dense
from tensorflow.keras.models import Sequential
model = Sequential([Dense(64, activation="relu"), Dense(10, activation="sigmoid")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
""", line=4, fixed='"softmax"'),
    Fires("""
import tensorflow as tf
inputs = tf.keras.Input((3,))
outputs = tf.keras.layers.Dense(6, activation=tf.nn.sigmoid)(inputs)
model = tf.keras.Model(inputs, outputs)
model.compile(loss=tf.keras.losses.CategoricalCrossentropy(from_logits=False))
""", line=4, fixed='tf.keras.losses.BinaryCrossentropy(from_logits=False)'),
)
SILENT = (
    """
from tensorflow.keras.layers import Dense
from tensorflow.keras.models import Sequential
model = Sequential([Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
""",
    """
from tensorflow.keras.layers import Dense
from tensorflow.keras.models import Sequential
model = Sequential([Dense(10, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
""",
)


# The categorical crossentropies (not the focal one), dense or sparse.
_CROSSENTROPY = (keras_losses.CATEGORICAL_LOSSES | keras_losses.SPARSE_LOSSES) - {"categorical_focal_crossentropy"}


def check(picture: Picture) -> Iterator[Finding]:
    for trained in trained_outputs(picture):
        units = trained.units
        if trained.activation != "sigmoid" or units is None or units < 2:
            continue
        if trained.loss.name not in _CROSSENTROPY:
            continue
        yield Finding(
            fix=_matching(trained),
            node=trained.activation_node,
            message=(
                f"The {units}-unit sigmoid output `{snippet(picture, trained.output.node)}` is trained with "
                f"'{trained.loss.name}', which assumes one distribution over the classes: the sigmoids are "
                "renormalised inside the loss and predict() returns scores that are not class probabilities."
            ),
            hint="Use activation=\"softmax\" for single-label classes; for multi-label targets keep sigmoid "
                 "and use loss=\"binary_crossentropy\".",
            related=((trained.loss.node, f"'{trained.loss.name}' set here"),),
        )


def _matching(trained: TrainedOutput) -> FixPlan | None:
    """One-hot labels: the multi-label loss for the sigmoids; integer labels: softmax over the classes."""
    if trained.loss.name == "categorical_crossentropy":
        replacement = edits.loss_replaced(trained.loss.node, "binary_crossentropy")
        target = trained.loss.node
        description = "use the binary_crossentropy loss (multi-label)"
    else:
        replacement = edits.activation_replaced(trained.activation_node, "softmax")
        target = trained.activation_node
        description = 'use activation "softmax"'
    return FixPlan(description, False, ((target, replacement),)) if replacement is not None else None
