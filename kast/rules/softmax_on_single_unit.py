"""K102 softmax-on-single-unit: a softmax over one output unit.

## What it does
Checks models whose output layer has exactly one unit and a softmax
activation (`activation="softmax"`, an `Activation("softmax")` or a
`Softmax()` layer after it).

## Why is this bad?
Softmax normalises across the units of the last axis.  Over a single unit the
result is always exactly 1.0, whatever the input: the model predicts the
positive class for every sample, its loss gives no gradient, and nothing is
learned.

## Example
```python
model.add(layers.Dense(1, activation="softmax"))
model.compile(loss="binary_crossentropy", optimizer="adam")
```

Use instead:
```python
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam")
```

## Fix safety
The fix turns the softmax into a sigmoid on the one-unit layer. It is safe: a
softmax over one unit can only ever output 1.0, so no script relies on it.
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.models import OutputLayer
from kast.analysis.picture import Picture
from kast.analysis.values import Known
from kast.diagnostics import Severity
from kast.rules import edits
from kast.rules.base import Finding, Fires, FixPlan, snippet

CODE = "K102"
NAME = "softmax-on-single-unit"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
from tensorflow import keras
model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy")
""", line=3, fixed='"sigmoid"'),
    Fires("""
import keras
from keras import layers
inputs = keras.Input((6,))
x = layers.Dense(1)(inputs)
outputs = layers.Activation("softmax")(x)
model = keras.Model(inputs, outputs)
""", line=5, fixed='"sigmoid"'),
)
SILENT = (
    """
from tensorflow import keras
model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
""",
    """
from tensorflow import keras
model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(2, activation="softmax")])
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    seen: set[int] = set()
    for model in picture.models:
        outputs: list[OutputLayer] = list(model.output_layers() or ())
        outputs += [o for call in model.compiles for o in (call.outputs or ())]
        for output in outputs:
            if id(output.node) in seen:
                continue
            if output.units == Known(1) and output.activation == Known("softmax"):
                seen.add(id(output.node))
                related = ()
                if isinstance(output.activation, Known) and output.activation.node is not output.node:
                    related = ((output.activation.node, "softmax applied here"),)
                stated = output.activation.node if isinstance(output.activation, Known) else None
                replacement = edits.activation_replaced(stated, "sigmoid") \
                    if stated is not None and stated is not output.node else None
                yield Finding(
                    fix=FixPlan('use activation "sigmoid"', True, ((stated, replacement),))
                    if stated is not None and replacement is not None else None,
                    node=output.node,
                    message=(
                        f"Softmax over the single unit of `{snippet(picture, output.node)}` always outputs 1.0: "
                        "every sample is predicted as the positive class and the loss gives no gradient."
                    ),
                    hint="Use activation=\"sigmoid\" for one unit (binary), or give the layer one unit per class.",
                    related=related,
                )
