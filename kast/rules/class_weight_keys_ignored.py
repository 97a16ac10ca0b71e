"""K506 class-weight-keys-ignored: `fit(class_weight=...)` keyed by names or by values the labels never take.

## What it does
Checks `fit(class_weight=d)` where `d` is a dict literal, `dict(zip(keys,
weights))` or `dict(enumerate(weights))` whose keys are strings (class names,
`generator.class_indices.keys()`) or integers outside the class indices the
model's output takes (keys 1 and 2 for a sigmoid output whose labels are 0
and 1).

## Why is this bad?
Keras 3 looks a sample's weight up by its integer class and gives weight 1.0
to every class it does not find; keys that are not those integers are
silently ignored (tf.keras raised an error).  The imbalance handling the
script relies on does nothing: the rare class gets no extra weight and the
model still ignores it.

## Example
```python
class_weight = {"low": 1.0, "medium": 1.5, "high": 4.0}
model.fit(X, y, class_weight=class_weight)
```

Use instead:
```python
class_weight = {i: w for i, w in enumerate(weights)}  # keys are the integer labels 0, 1, 2
model.fit(X, y, class_weight=class_weight)
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.dataflow import KeyedDict
from kast.analysis.models import FitCall
from kast.analysis.picture import Picture
from kast.analysis.values import Known, Mapping
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires

CODE = "K506"
NAME = "class-weight-keys-ignored"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
import keras
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y, class_weight={"low": 1.0, "medium": 1.5, "high": 4.0})
""", line=5),
    Fires("""
import numpy as np
from sklearn.utils.class_weight import compute_class_weight
from tensorflow.keras.preprocessing.image import ImageDataGenerator
from tensorflow.keras.models import load_model
train = ImageDataGenerator(rescale=1.0 / 255).flow_from_directory("train")
weights = compute_class_weight("balanced", classes=np.unique(train.classes), y=train.classes)
model = load_model("m.keras")
model.fit(train, class_weight=dict(zip(train.class_indices.keys(), weights)))
""", line=9),
    Fires("""
import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y, class_weight={1: 1.0, 2: 9.0})
""", line=5),
)
SILENT = (
    """
import numpy as np
import keras
from sklearn.utils.class_weight import compute_class_weight
classes = np.unique(y_train)
weights = compute_class_weight("balanced", classes=classes, y=y_train)
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y_train, class_weight=dict(zip(classes, weights)))
model.fit(X, y_train, class_weight=dict(enumerate(weights)))
model.fit(X, y_train, class_weight={0: 1.0, 1: 10.0})
""",
    """
import keras
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y, class_weight=load_weights_from_config())
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for fit in picture.fits:
        weights = fit.class_weight
        node = fit.node
        why: str | None = None
        if isinstance(weights, KeyedDict) and weights.kind == "str":
            why, node = "its keys are class names (strings)", weights.node
        elif isinstance(weights, Mapping) and weights.items and weights.node is not None:
            keys = [key for key, _ in weights.items]
            node = weights.node
            if any(isinstance(key, str) for key in keys):
                why = "its keys are strings"
            else:
                classes = _class_count(fit)
                outside = [k for k in keys if isinstance(k, int) and classes is not None and not 0 <= k < classes]
                if outside:
                    why = (f"its keys include {', '.join(map(str, outside))}, but the {classes} classes the output "
                           f"takes are 0 to {classes - 1}")
        if why is None:
            continue
        yield Finding(
            node=node,
            message=(
                f"class_weight= is a dict, but {why}: Keras looks each sample's weight up by its integer class "
                "and silently gives weight 1.0 to classes it does not find, so the class weighting does nothing."
            ),
            hint="Key the weights by the integer class indices the labels take: dict(enumerate(weights)) or "
                 "{class_index: weight}; for a generator, map names through generator.class_indices.",
            related=((fit.node, "trained with these class weights here"),),
        )


def _class_count(fit: FitCall) -> int | None:
    """The number of classes the model's single output predicts: its units (2 for a 1-unit sigmoid)."""
    outputs = fit.model.output_layers()
    if outputs is None or len(outputs) != 1 or not isinstance(outputs[0].units, Known):
        return None
    activation = outputs[0].activation.value if isinstance(outputs[0].activation, Known) else None
    units = outputs[0].units.value
    if units == 1 and activation == "sigmoid":
        return 2
    return units if units > 1 and activation == "softmax" else None


