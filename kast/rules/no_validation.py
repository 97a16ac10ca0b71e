"""K504 no-validation: fit() without any validation data.

## What it does
Checks `model.fit(...)` calls that pass neither `validation_data` nor
`validation_split` (calls with `*args`/`**kwargs` are left alone: the
argument may be in there; so are subclassed models, whose custom training
step often has no validation to speak of).

## Why is this bad?
Without validation the training history holds the training loss only, and
the training loss keeps falling while the model over-fits.  Nothing shows
when to stop, `EarlyStopping` and `ModelCheckpoint` can only watch the
training loss, and the number of epochs is a guess.

## Example
```python
model.fit(x_train, y_train, epochs=50, batch_size=32)
```

Use instead:
```python
model.fit(x_train, y_train, epochs=50, batch_size=32, validation_split=0.2)
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires

CODE = "K504"
NAME = "no-validation"
SEVERITY = Severity.INFO

FIRES = (
    Fires("""
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train, epochs=50, batch_size=32)
""", line=5),
    Fires("""
import keras
def train(x, y):
    model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=5, callbacks=[keras.callbacks.EarlyStopping(monitor="loss")])
    return model
""", line=6),
)
SILENT = (
    """
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train, epochs=50, validation_split=0.2)
""",
    """
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(train_ds, epochs=10, validation_data=val_ds)
""",
    """
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train, **fit_options)
""",
)

_VALIDATION = frozenset({"validation_data", "validation_split"})
# fit(x, y, batch_size, epochs, verbose, callbacks, validation_split, validation_data, ...)
_POSITIONAL_VALIDATION = 6


def check(picture: Picture) -> Iterator[Finding]:
    seen: set[int] = set()
    for fit in picture.fits:
        node = fit.node
        if id(node) in seen:
            continue
        seen.add(id(node))
        if fit.model.kind == "subclassed":
            continue  # GANs, VAEs and custom train_step models often have no validation to speak of
        if any(arg.star for arg in node.args):
            continue
        if any(arg.keyword is not None and arg.keyword.value in _VALIDATION for arg in node.args):
            continue
        if sum(1 for arg in node.args if arg.keyword is None) > _POSITIONAL_VALIDATION:
            continue
        yield Finding(
            node=node,
            message=(
                "fit() trains without validation_data or validation_split: the history holds the training "
                "loss only, which keeps falling while the model over-fits, so over-fitting cannot be seen and "
                "callbacks can only watch the training loss."
            ),
            hint="Pass validation_split=0.2, or validation_data=(x_val, y_val) from a held-out split.",
        )
