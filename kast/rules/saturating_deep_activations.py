"""K502 saturating-deep-activations: a deep stack of sigmoid/tanh hidden layers without normalization.

## What it does
Checks Sequential models for three or more hidden layers in a row that use
sigmoid or tanh (`Dense(..., activation="tanh")`, `Activation("sigmoid")`)
with no `BatchNormalization` or `LayerNormalization` between them.  The output
layer is not counted.

## Why is this bad?
Sigmoid and tanh saturate: their derivative is at most 0.25 (sigmoid) or 1
(tanh) and close to 0 for large inputs.  Backpropagation multiplies these
derivatives layer after layer, so the first layers of a deep stack receive
almost no gradient and barely train (vanishing gradients): the loss plateaus
early and the model underfits.

## Example
```python
model = keras.Sequential([
    layers.Dense(128, activation="sigmoid"),
    layers.Dense(64, activation="sigmoid"),
    layers.Dense(32, activation="sigmoid"),
    layers.Dense(1, activation="sigmoid"),
])
```

Use instead:
```python
model = keras.Sequential([
    layers.Dense(128, activation="relu"),
    layers.Dense(64, activation="relu"),
    layers.Dense(32, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
```
or put `layers.BatchNormalization()` between the saturating layers.
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.models import ACTIVATION, NORMALIZATION, WIDTH, Layer, Model
from kast.analysis.picture import Picture
from kast.analysis.values import Known
from kast.diagnostics import Severity
from kast.libraries.keras import layers as keras_layers
from kast.rules.base import Finding, Fires

CODE = "K502"
NAME = "saturating-deep-activations"
SEVERITY = Severity.INFO

FIRES = (
    Fires("""
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    layers.Input(shape=(30,)),
    layers.Dense(128, activation="sigmoid"),
    layers.Dense(64, activation="sigmoid"),
    layers.Dense(32, activation="sigmoid"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="sgd", loss="binary_crossentropy")
""", line=6),
    Fires("""
from keras.models import Sequential
from keras.layers import Dense, Activation, Dropout
model = Sequential()
model.add(Dense(256, input_dim=784))
model.add(Activation("tanh"))
model.add(Dropout(0.2))
model.add(Dense(256, activation="tanh"))
model.add(Dense(128))
model.add(Activation("tanh"))
model.add(Dense(10, activation="softmax"))
""", line=5),
)
SILENT = (
    """
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    layers.Dense(128, activation="tanh"),
    layers.BatchNormalization(),
    layers.Dense(64, activation="tanh"),
    layers.BatchNormalization(),
    layers.Dense(32, activation="tanh"),
    layers.Dense(1, activation="sigmoid"),
])
""",
    """
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    layers.Dense(64, activation="tanh"),
    layers.Dense(32, activation="tanh"),
    layers.Dense(1, activation="sigmoid"),
])
""",
    """
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    layers.Embedding(10000, 64),
    layers.LSTM(64, return_sequences=True),
    layers.LSTM(64, return_sequences=True),
    layers.LSTM(32),
    layers.Dense(1, activation="sigmoid"),
])
""",
)

_SATURATING = frozenset({"sigmoid", "tanh"})
_RUN = 3


def check(picture: Picture) -> Iterator[Finding]:
    seen: set[int] = set()
    for model in picture.models:
        if model.kind != "sequential" or not model.complete:
            continue
        for run in _saturating_runs(model):
            if id(run[0].node) in seen:
                continue
            seen.add(id(run[0].node))
            names = sorted({_activation(layer) or "" for layer in run})
            which = " and ".join(names)
            yield Finding(
                node=run[0].node,
                message=(
                    f"{len(run)} hidden layers in a row use {which} with no normalization between them: "
                    "their small derivatives multiply through the stack, so the first layers get almost no "
                    "gradient and barely train (vanishing gradients)."
                ),
                hint="Use relu (or gelu/swish) in the hidden layers, or add BatchNormalization between them.",
                related=tuple((layer.node, f"{_activation(layer)} hidden layer") for layer in run[1:]),
            )


def _hidden_layers(model: Model) -> list[Layer | None]:
    """The layers before the output layer, in order; None for an entry kast cannot see."""
    layers: list[Layer | None] = [
        entry.layer if isinstance(entry.layer, Layer) and not entry.conditional else None
        for entry in model.entries
    ]
    last_width = max((i for i, layer in enumerate(layers)
                      if layer is not None and layer.role == WIDTH), default=None)
    if last_width is None or any(layer is None for layer in layers[last_width:]):
        return []  # the output layer is not certain
    return layers[:last_width]


def _activation(layer: Layer) -> str | None:
    if layer.kind == "Activation" or (layer.role == WIDTH and not _recurrent(layer)):
        return layer.activation.value if isinstance(layer.activation, Known) else None
    return None


def _saturating_runs(model: Model) -> list[list[Layer]]:
    runs: list[list[Layer]] = []
    current: list[Layer] = []
    pending: Layer | None = None  # a linear Dense whose activation follows as an Activation layer
    for layer in _hidden_layers(model):
        activation = _activation(layer) if layer is not None else None
        if layer is None or layer.role == NORMALIZATION or _recurrent(layer):
            current, pending = _close(runs, current), None
        elif activation in _SATURATING:
            current.append(pending if layer.kind == "Activation" and pending is not None else layer)
            pending = None
        elif layer.role == WIDTH and activation == "linear":
            pending = layer  # Dense(...) then Activation("tanh"): one hidden layer
        elif layer.role in (WIDTH, ACTIVATION):
            current, pending = _close(runs, current), None  # relu & co. or an unknown activation
    _close(runs, current)
    return runs


def _recurrent(layer: Layer) -> bool:
    """Recurrent layers use tanh by design, with gates that carry the gradient."""
    return keras_layers.row(layer.kind).recurrent


def _close(runs: list[list[Layer]], current: list[Layer]) -> list[Layer]:
    if len(current) >= _RUN:
        runs.append(current)
    return []
