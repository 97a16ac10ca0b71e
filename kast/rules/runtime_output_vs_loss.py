"""K902 runtime-output-vs-loss: the built model's real output contradicts its loss.

## What it does
With `kast lint --verify`, kast builds each model and reads its real output:
the final activation (from the layer, or measured on a forward pass: values
outside [0, 1], rows that do not sum to 1), the output width, and the loss
and `from_logits` it was compiled with.  When those facts break one of the
K1 rules at a place where static analysis could not see the output layer
(layers made from a config dict, in a loop, by a helper in a list
comprehension, a subclassed model), K902 reports it, naming the K1 rule.

## Why is this bad?
The same as the K1 rule it names: a loss that expects probabilities fed raw
logits, softmax over one unit, a sigmoid under a categorical loss ... the
model trains towards the wrong objective and its predictions are wrong,
while nothing crashes.

## Example
```python
import keras

CONFIG = [{"units": 64, "activation": "relu"}, {"units": 1, "activation": None}]
model = keras.Sequential([keras.Input((16,))] + [keras.layers.Dense(**c) for c in CONFIG])
model.compile(optimizer="adam", loss="binary_crossentropy")
```

Use instead:
```python
CONFIG = [{"units": 64, "activation": "relu"}, {"units": 1, "activation": "sigmoid"}]
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.rules.base import Finding

CODE = "K902"
NAME = "runtime-output-vs-loss"
SEVERITY = Severity.ERROR
RUNTIME = True

FIRES = (
    "import keras\n"
    "CONFIG = [{'units': 8, 'activation': 'relu'}, {'units': 1, 'activation': None}]\n"
    "model = keras.Sequential([keras.Input((4,))] + [keras.layers.Dense(**c) for c in CONFIG])\n"
    "model.compile(optimizer='adam', loss='binary_crossentropy')\n",
)
SILENT = (
    "import keras\n"
    "CONFIG = [{'units': 8, 'activation': 'relu'}, {'units': 1, 'activation': 'sigmoid'}]\n"
    "model = keras.Sequential([keras.Input((4,))] + [keras.layers.Dense(**c) for c in CONFIG])\n"
    "model.compile(optimizer='adam', loss='binary_crossentropy')\n",
)


def check(picture: Picture) -> Iterator[Finding]:
    """Reported by the runtime verifier from the built model; static analysis has nothing to judge."""
    return iter(())
