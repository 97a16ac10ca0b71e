"""K501 removed-optimizer-argument: `lr=` or `decay=` given to a Keras optimizer.

## What it does
Checks calls of Keras optimizer classes (`keras.optimizers.Adam(...)`,
`tf.keras.optimizers.SGD(...)`, `from keras.optimizers import RMSprop`) that
pass `lr=` or a non-zero `decay=` (a literal 0, or a name bound to 0, is not
reported).  One optimizer call is one finding, whatever number of removed
arguments it has.  The `keras.optimizers.legacy` classes, which still take
both, are left alone.

## Why is this bad?
Keras 3 optimizers reject `lr=` (`ValueError: Argument(s) not recognized`), and
the TensorFlow 2.11–2.15 optimizers drop it with a log warning and train with
the default learning rate instead of the one the script chose.  `decay=` is
ignored by Keras 3 (a warning, then no decay at all) and raises `ValueError`
in TensorFlow 2.11–2.15: the learning-rate schedule the script asks for never
happens.

## Example
```python
opt = keras.optimizers.SGD(lr=0.01, decay=1e-6, momentum=0.9)
```

Use instead:
```python
schedule = keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-6)
opt = keras.optimizers.SGD(learning_rate=schedule, momentum=0.9)
```

## Fix safety
The fix renames `lr=` to `learning_rate=`. It is safe: that is the same
argument under its current name. `decay=` gets no fix (it needs a schedule).
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.calls import const
from kast.analysis.picture import Picture
from kast.analysis.values import Value
from kast.diagnostics import Severity
from kast.libraries.keras import optimizers as keras_optimizers
from kast.rules import edits
from kast.rules.base import Finding, Fires, FixPlan

CODE = "K501"
NAME = "removed-optimizer-argument"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.RMSprop(lr=1e-3), loss="binary_crossentropy")
""", line=4, fixed='learning_rate'),
    Fires("""
import tensorflow as tf
opt = tf.keras.optimizers.SGD(learning_rate=0.01, decay=1e-6, momentum=0.9, nesterov=True)
""", line=3),
    Fires("""
from keras.optimizers import Adam
def build(model, lr):
    model.compile(optimizer=Adam(lr=lr), loss="mse")
""", line=4, fixed='learning_rate'),
)
SILENT = (
    """
import tensorflow as tf
opt = tf.keras.optimizers.legacy.SGD(lr=0.01, decay=1e-6, momentum=0.9)
""",
    """
from tensorflow import keras
schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=1000, decay_rate=0.9)
opt = keras.optimizers.Adam(learning_rate=schedule)
""",
    """
import keras
opt = keras.optimizers.AdamW(learning_rate=1e-3, weight_decay=1e-4)
""",
    """
import keras
opt = keras.optimizers.SGD(learning_rate=0.01, decay=0.0)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    seen: set[int] = set()
    for optimizer in picture.optimizers:
        if id(optimizer.node) in seen or optimizer.name.startswith(keras_optimizers.LEGACY_PREFIX):
            continue
        seen.add(id(optimizer.node))
        short = optimizer.name.rsplit(".", 1)[1]
        removed = [(name, found) for name in keras_optimizers.REMOVED_ARGUMENTS
                   if (found := optimizer.keyword(name)) is not None and not (name == "decay" and _is_zero(found[0]))]
        if not removed:
            continue
        names = [name for name, _ in removed]
        first_arg = removed[0][1][1]
        effects = []
        hints = []
        fix = None
        if "lr" in names:
            effects.append("Keras 3 optimizers reject `lr` (ValueError), and TensorFlow 2.11-2.15 drops it with a "
                           "warning and trains with the default learning rate instead of this one")
            hints.append(f"Rename `lr=` to `learning_rate=`: `{short}(learning_rate=...)`.")
            lr_arg = dict(removed)["lr"]
            if edits.keyword_arg(optimizer.node, "learning_rate") is None and lr_arg[1].keyword is not None:
                fix = FixPlan("rename lr= to learning_rate=", True,
                              ((lr_arg[1].keyword, lr_arg[1].keyword.with_changes(value="learning_rate")),))
        if "decay" in names:
            effects.append("`decay=` no longer decays the learning rate: Keras 3 ignores it with only a warning "
                           "(training runs at a constant rate), and TensorFlow 2.11-2.15 raises ValueError")
            hints.append("For decay, pass a schedule: learning_rate=keras.optimizers.schedules.InverseTimeDecay("
                         "initial_rate, decay_steps=1, decay_rate=decay) reproduces the old per-step decay.")
        listed = " and ".join(f"{name}=" for name in names)
        yield Finding(
            fix=fix,
            node=first_arg,
            message=f"`{short}({listed}...)`: " + "; ".join(effects) + ".",
            hint=" ".join(hints),
            related=((optimizer.node, f"keras.optimizers.{short}, not the legacy optimizer"),),
        )


def _is_zero(value: Value) -> bool:
    """`decay=0`, `decay=0.0` or a name bound to 0: nothing was meant to decay, so nothing is lost."""
    return const(value, (int, float)) == 0
