"""K901 model-build-failed: building the model as the script defines it raises.

## What it does
With `kast lint --verify`, kast builds each model the script defines with
real Keras (imports, constants, helper functions and the model's own
statements; never data loading or training).  When Keras refuses to build it
(a shape mismatch between layers, a bad argument), K901 reports Keras's own
message at the script line that made the failing layer.

It stays silent when the failure comes from a value kast had to guess (an
input width read from data it does not load), from a missing package, or
from anything but Keras itself: then the model is listed as "could not
verify" instead.

## Why is this bad?
The script crashes when it reaches this line, after the data has been
loaded and prepared: minutes or hours of a run lost to a mistake Keras can
show in a second.

## Example
```python
import keras
from keras import layers

inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(32, 3, activation="relu")(inputs)
x = layers.Dense(10, activation="softmax")(x)
x = layers.Conv2D(8, 3)(layers.Flatten()(x))   # Conv2D on a flat vector
model = keras.Model(inputs, x)
```

Use instead:
```python
inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(32, 3, activation="relu")(inputs)
x = layers.Flatten()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.rules.base import Finding

CODE = "K901"
NAME = "model-build-failed"
SEVERITY = Severity.ERROR
RUNTIME = True

FIRES = (
    "import keras\nfrom keras import layers\n"
    "model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Conv2D(8, 3)])\n"
    "model.compile(loss='mse')\n",
)
SILENT = (
    "import keras\nfrom keras import layers\n"
    "model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(1)])\n"
    "model.compile(loss='mse')\n",
)


def check(picture: Picture) -> Iterator[Finding]:
    """Reported by the runtime verifier after building the model; static analysis has nothing to judge."""
    return iter(())
