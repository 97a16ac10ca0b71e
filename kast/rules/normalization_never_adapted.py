"""K210 normalization-never-adapted: a `Normalization()` layer that never learns its statistics.

## What it does
Checks `keras.layers.Normalization()` layers built without `mean=` and
`variance=`, used in a model that is trained or asked to predict, with no
`.adapt(...)` call on that layer.  Silent when the layer or the model goes
through a function kast does not analyse, gets its weights from
`set_weights`/`load_weights`, or the model comes from `load_model`.

## Why is this bad?
An un-adapted Normalization layer has mean 0 and variance 1: it passes the
data through unchanged.  The script looks normalised but the model trains on
raw features (pixels in 0-255, prices in the hundreds of thousands), so it
trains slowly or not at all and its predictions are off.  Keras does not warn.

## Example
```python
norm = keras.layers.Normalization()
model = keras.Sequential([norm, keras.layers.Dense(1)])
model.fit(x_train, y_train)
```

Use instead:
```python
norm = keras.layers.Normalization()
norm.adapt(x_train)
model = keras.Sequential([norm, keras.layers.Dense(1)])
model.fit(x_train, y_train)
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires, snippet

CODE = "K210"
NAME = "normalization-never-adapted"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
import keras
(x_train, y_train), _ = keras.datasets.cifar10.load_data()
model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Normalization(), keras.layers.Flatten(),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train)
""", line=4),
    Fires("""
import tensorflow as tf
norm = tf.keras.layers.Normalization(axis=-1)
inputs = tf.keras.Input(shape=(8,))
outputs = tf.keras.layers.Dense(1)(norm(inputs))
model = tf.keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="mse")
model.fit(x, y)
""", line=3),
)
SILENT = (
    """
import tensorflow as tf
norm = tf.keras.layers.Normalization(axis=-1)
norm.adapt(x_train)
model = tf.keras.Sequential([norm, tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train)
""",
    """
import keras
norm = keras.layers.Normalization(mean=[0.5, 3.0], variance=[0.1, 2.0])
model = keras.Sequential([norm, keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y)
""",
    """
import keras
norm = keras.layers.Normalization()
model = keras.Sequential([norm, keras.layers.Dense(1)])
model.load_weights("weights.h5")
model.predict(x)
""",
    """
import keras
norm = keras.layers.Normalization()
prepare(norm, x_train)
model = keras.Sequential([norm, keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    adapted = {id(event.estimator) for event in picture.fit_events}
    reported: set[int] = set()
    for model in picture.models:
        used = model.fits or [i for i in picture.inferences if i.model is model]
        if not used or model.kind == "loaded" or id(model) in picture.escaped:
            continue
        first = used[0]
        for layer in model.all_layers():
            if not layer.needs_adapt or id(layer) in adapted or id(layer) in picture.escaped \
                    or id(layer.node) in reported:
                continue
            reported.add(id(layer.node))
            yield Finding(
                node=layer.node,
                message=(
                    f"`{snippet(picture, layer.node)}` is never adapted and has no mean= or variance=: it keeps "
                    "mean 0 and variance 1 and passes the data through unchanged, so the model trains and "
                    "predicts on unnormalised inputs."
                ),
                hint="Call .adapt() on the training inputs before fit(), e.g. norm.adapt(x_train), or give "
                     "mean= and variance= when the statistics are known.",
                related=((first.node, "the model is used here without it being adapted"),),
            )
