"""K106 activation-with-from-logits: `from_logits=True` on an output that is already activated.

## What it does
Checks losses built with `from_logits=True` whose model output already ends
in a sigmoid or softmax.

## Why is this bad?
With `from_logits=True` the loss applies sigmoid/softmax itself.  On top of an
activated output, the probabilities are squashed a second time: a sigmoid of
values in [0, 1] lies in [0.5, 0.73], so the loss can never get confident,
gradients shrink, and the trained model's probabilities are miscalibrated.

## Example
```python
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True))
```

Use instead:
```python
model.add(layers.Dense(1))  # logits
model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True))
```
or keep the activation and drop `from_logits=True`.

## Fix safety
The fix drops `from_logits=True` from the loss. It is unsafe: removing the
activation from the output layer (and applying it to predict() output) is the
other valid repair, and the loss values change.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from kast.analysis.picture import Picture, trained_outputs
from kast.diagnostics import Severity
from kast.libraries.keras import activations as keras_activations
from kast.rules import edits
from kast.rules.base import Finding, Fires, FixPlan, snippet

CODE = "K106"
NAME = "activation-with-from-logits"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(10, activation="softmax")])
model.compile(loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
""", line=4, fixed='tf.keras.losses.SparseCategoricalCrossentropy()'),
    Fires("""
from tensorflow import keras
def build_model(n):
    return keras.Sequential([keras.layers.Input((n,)), keras.layers.Dense(1, activation="sigmoid")])
model = build_model(8)
model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
""", line=6, fixed='keras.losses.BinaryCrossentropy()'),
)
SILENT = (
    """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(10)])
model.compile(loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
""",
    """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(10, activation="softmax")])
model.compile(loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=False))
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for trained in trained_outputs(picture):
        activation = trained.activation
        if trained.from_logits is not True or activation not in keras_activations.PROBABILITY:
            continue
        logits_node = trained.loss.from_logits.node if trained.loss.from_logits.node is not None else trained.loss.node  # type: ignore[union-attr]
        fix = None
        if isinstance(trained.loss.node, cst.Call) and isinstance(trained.loss.from_logits.node, cst.Arg) \
                and any(arg is trained.loss.from_logits.node for arg in trained.loss.node.args):
            fix = FixPlan("drop from_logits=True", False,
                          ((trained.loss.node, edits.without_arg(trained.loss.node, trained.loss.from_logits.node)),))
        yield Finding(
            fix=fix,
            node=trained.loss.node,
            message=(
                f"The loss has from_logits=True, but the output `{snippet(picture, trained.output.node)}` "
                f"already applies {activation}: the {activation} is applied twice, the loss can never become "
                "confident and the trained probabilities are wrong."
            ),
            hint=f"Remove the {activation} from the output layer (and apply it to predict() output), "
                 "or drop from_logits=True.",
            related=((trained.activation_node, f"{activation} applied here"), (logits_node, "from_logits=True")),
        )
