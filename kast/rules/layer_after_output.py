"""K503 layer-after-output: a layer follows the output activation.

## What it does
Checks compiled models whose sigmoid or softmax output activation is followed
by another layer: a `Dropout` (or other noise layer), a `Dense` of the same
width, or another activation.

## Why is this bad?
The model's output is the last layer's, not the activated one.  A `Dropout`
after softmax zeroes and rescales the probabilities while training, so the
loss sees values above 1 and rows that do not sum to 1; a `Dense` after it
turns the probabilities back into unbounded scores, so a probability loss
clips them and `predict()` no longer returns probabilities.

## Example
```python
model.add(layers.Dense(10, activation="softmax"))
model.add(layers.Dropout(0.3))
```

Use instead:
```python
model.add(layers.Dropout(0.3))
model.add(layers.Dense(10, activation="softmax"))
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.models import ACTIVATION, IDENTITY, INPUT, WIDTH, Layer, Model, Tensor
from kast.analysis.picture import Picture
from kast.analysis.values import Known, Value
from kast.diagnostics import Severity
from kast.libraries.keras import activations as keras_activations
from kast.libraries.keras import layers as keras_layers
from kast.rules.base import Finding, Fires, snippet

CODE = "K503"
NAME = "layer-after-output"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout, Flatten
model = Sequential()
model.add(Flatten(input_shape=(28, 28)))
model.add(Dense(256, activation="relu"))
model.add(Dense(10, activation="softmax"))
model.add(Dropout(0.3))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""", line=8),
    Fires("""
import keras
from keras import layers
inputs = keras.Input(shape=(24,))
h = layers.Dense(48, activation="relu")(inputs)
h = layers.Dense(1)(h)
h = layers.Activation("sigmoid")(h)
outputs = layers.Dropout(0.1)(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy")
""", line=8),
    Fires("""
import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(40,)),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(5, activation=tf.nn.softmax),
    tf.keras.layers.Dense(5),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
""", line=7),
)
SILENT = (
    """
from tensorflow import keras
model = keras.Sequential([
    keras.layers.Dense(64, activation="sigmoid", input_shape=(8,)),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
""",
    """
from tensorflow import keras
model = keras.Sequential([
    keras.layers.Dense(64, activation="relu", input_shape=(8,)),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
""",
    """
import keras
from keras import layers
encoder = keras.Sequential([layers.Dense(32, activation="sigmoid"), layers.Dropout(0.2)])
inputs = keras.Input(shape=(16,))
outputs = layers.Dense(1, activation="sigmoid")(encoder(inputs))
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy")
""",
    """
from tensorflow import keras
model = keras.Sequential([
    keras.layers.Dense(10, activation="softmax", input_shape=(8,)),
    keras.layers.ActivityRegularization(l1=1e-4),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
""",
)

_MAX_CHAIN = 200


def check(picture: Picture) -> Iterator[Finding]:
    seen: set[int] = set()
    for model in picture.models:
        if not model.compiles or model.fixed_output is not None:
            continue  # an uncompiled model may be a piece of a bigger one
        for chain in _output_chains(model):
            found = _layer_after_activation(chain)
            if found is None or id(found[0].node) in seen:
                continue
            follower, activated, activation = found
            seen.add(id(follower.node))
            yield _finding(picture, follower, activated, activation)


def _output_chains(model: Model) -> list[list[Layer | None]]:
    """The layers leading to each model output, last first; None marks something kast cannot see."""
    if not model.complete:
        return []
    if model.kind == "sequential":
        chain: list[Layer | None] = []
        for entry in reversed(model.entries):
            if entry.conditional or not isinstance(entry.layer, Layer):
                chain.append(None)
                break
            if entry.layer.role == INPUT:
                break
            chain.append(entry.layer)
        return [chain]
    chains = []
    for output in model.outputs or ():
        tensor_chain: list[Layer | None] = []
        current: Value | None = output
        while isinstance(current, Tensor) and current.layer is not None and len(tensor_chain) < _MAX_CHAIN:
            tensor_chain.append(current.layer)
            current = current.source
        if isinstance(current, Tensor) and current.opaque:
            tensor_chain.append(None)
        chains.append(tensor_chain)
    return chains


def _probability_activation(layer: Layer) -> str | None:
    """'sigmoid' or 'softmax' when this layer applies it."""
    layer = layer.effective
    if layer.role in (ACTIVATION, WIDTH) and isinstance(layer.activation, Known) \
            and layer.activation.value in keras_activations.PROBABILITY:
        return layer.activation.value
    return None


def _width(layer: Layer) -> int | None:
    layer = layer.effective
    if layer.role == WIDTH and isinstance(layer.units, Known):
        return layer.units.value
    return None


def _layer_after_activation(chain: list[Layer | None]) -> tuple[Layer, Layer, str] | None:
    """(the layer right after the output activation, the activated layer, its activation), or None.

    `chain` lists the layers from the model output backwards.  Only layers kast
    understands may sit after the activation; a width-setting layer there must
    keep the activated layer's width (`Dense(10, softmax)` then `Dense(10)`),
    which tells the activation was meant as the output rather than a hidden
    sigmoid.
    """
    tail: list[Layer] = []
    for index, layer in enumerate(chain):
        if layer is None:
            return None
        activation = _probability_activation(layer)
        if activation is not None:
            return _judge_tail(tail, layer, activation, chain[index:])
        if layer.effective.role in (IDENTITY, WIDTH, ACTIVATION):
            tail.append(layer)
            continue
        return None  # a layer kast does not model (Reshape, Lambda, ...): stay silent
    return None


def _judge_tail(tail: list[Layer], activated: Layer, activation: str,
                upstream: list[Layer | None]) -> tuple[Layer, Layer, str] | None:
    """`tail` lists the layers after the activation, last first."""
    harmful = [layer for layer in tail if not _harmless(layer)]
    if not harmful:
        return None
    following_widths = [_width(layer) for layer in tail if _width_setting(layer)]
    if following_widths:
        own = _upstream_width(upstream)
        if own is None or any(width != own for width in following_widths):
            return None  # unknown widths, or a hidden sigmoid/softmax layer feeding a new head
    return harmful[-1], activated, activation


def _harmless(layer: Layer) -> bool:
    """A layer that leaves probabilities as they are, in training as at inference."""
    if layer.role == IDENTITY:
        return not keras_layers.row(layer.kind).noise
    return (layer.role == ACTIVATION and isinstance(layer.activation, Known)
            and layer.activation.value in keras_activations.IDENTITY_ON_UNIT_INTERVAL)


def _width_setting(layer: Layer) -> bool:
    return layer.effective.role == WIDTH


def _upstream_width(upstream: list[Layer | None]) -> int | None:
    """Width of the activated layer: its own, or that of the layer it activates."""
    for layer in upstream:
        if layer is None:
            return None
        if _width_setting(layer):
            return _width(layer)
        if layer.effective.role not in (IDENTITY, ACTIVATION):
            return None
    return None


def _finding(picture: Picture, follower: Layer, activated: Layer, activation: str) -> Finding:
    follower_text = snippet(picture, follower.node)
    role = follower.effective.role
    if role == IDENTITY:
        effect = (f"while training it zeroes and rescales the {activation} probabilities, so the loss sees values "
                  "above 1" + (" and rows that no longer sum to 1" if activation == "softmax" else "")
                  + ", and the activated values are not what the model outputs")
    elif role == WIDTH:
        effect = ("it turns the probabilities back into unbounded scores, so the loss and predict() no longer "
                  "see probabilities")
    else:
        effect = f"it transforms the {activation} probabilities again, so the model no longer outputs them"
    return Finding(
        node=follower.node,
        message=f"`{follower_text}` follows the {activation} output activation: {effect}.",
        hint=(f"Remove `{follower_text}`, or move it before the output layer so that {activation} is the "
              "last thing the model applies."),
        related=((activated.node, f"{activation} output activation here"),),
    )
