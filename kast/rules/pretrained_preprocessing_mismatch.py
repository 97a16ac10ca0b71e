"""K208 pretrained-preprocessing-mismatch: a keras.applications model fed another family's preprocessing.

## What it does
Checks `keras.applications` models with ImageNet weights (the default) whose
input got preprocessing that contradicts their family: pixels already in
[0, 1] (`/ 255`, `rescale=1./255`, `Rescaling(1./255)`) into a family that
rescales inside the network and expects 0-255 (EfficientNet, EfficientNetV2,
ConvNeXt, MobileNetV3, RegNet, ResNetRS), or a `preprocess_input` from another
family's module whose mode differs (caffe, tf, torch).  Silent with
`weights=None`, `include_preprocessing=False`, and preprocessing kast cannot
resolve.  The families' modes come from a table generated from Keras itself.

## Why is this bad?
Pretrained weights only work on inputs prepared the way they were trained on.
`resnet50.preprocess_input` (caffe: BGR, ImageNet means subtracted) in front of
a ResNet50V2 (tf mode: [-1, 1]) or pixels in [0, 1] in front of an
EfficientNet that divides by 255 itself give the pretrained features inputs
they were never trained on: transfer learning still "trains", but with
features far worse than they should be, and predictions suffer.

## Example
```python
from tensorflow.keras.applications import ResNet50V2
from tensorflow.keras.applications.resnet50 import preprocess_input
gen = ImageDataGenerator(preprocessing_function=preprocess_input)
base = ResNet50V2(weights="imagenet", include_top=False)
```

Use instead:
```python
from tensorflow.keras.applications import ResNet50V2
from tensorflow.keras.applications.resnet_v2 import preprocess_input
gen = ImageDataGenerator(preprocessing_function=preprocess_input)
base = ResNet50V2(weights="imagenet", include_top=False)
```
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from kast.analysis.dataflow import UNIT, Data, Fixed
from kast.analysis.models import AUGMENTATION, FIXED, IDENTITY, ApplicationInput, Model, Tensor
from kast.analysis.picture import Picture
from kast.analysis.values import Value
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires

CODE = "K208"
NAME = "pretrained-preprocessing-mismatch"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
import keras
from keras import layers
inputs = layers.Input(shape=(224, 224, 3))
x = layers.Rescaling(1.0 / 255)(inputs)
base = keras.applications.EfficientNetB0(include_top=False, input_tensor=x, weights="imagenet")
outputs = layers.Dense(5, activation="softmax")(layers.GlobalAveragePooling2D()(base.output))
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="categorical_crossentropy")
""", line=5),
    Fires("""
import tensorflow as tf
from tensorflow.keras.applications import ResNet50V2
from tensorflow.keras.applications.resnet50 import preprocess_input
from tensorflow.keras.preprocessing.image import ImageDataGenerator
train = ImageDataGenerator(preprocessing_function=preprocess_input).flow_from_directory("train")
base = ResNet50V2(weights="imagenet", include_top=False, input_shape=(224, 224, 3))
out = tf.keras.layers.Dense(1, activation="sigmoid")(tf.keras.layers.GlobalAveragePooling2D()(base.output))
model = tf.keras.Model(inputs=base.input, outputs=out)
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(train, epochs=3)
""", line=6),
)
SILENT = (
    """
import tensorflow as tf
from tensorflow.keras.applications import EfficientNetB0
from tensorflow.keras.applications.efficientnet import preprocess_input
inputs = tf.keras.Input(shape=(224, 224, 3))
x = preprocess_input(inputs)
base = EfficientNetB0(include_top=False, weights="imagenet")
x = base(x, training=False)
outputs = tf.keras.layers.Dense(3, activation="softmax")(tf.keras.layers.GlobalAveragePooling2D()(x))
model = tf.keras.Model(inputs, outputs)
""",
    """
import keras
from keras import layers
inputs = layers.Input(shape=(224, 224, 3))
x = layers.Rescaling(1.0 / 255)(inputs)
base = keras.applications.EfficientNetB0(include_top=False, input_tensor=x, weights=None)
""",
    """
import tensorflow as tf
inputs = tf.keras.Input(shape=(224, 224, 3))
x = tf.keras.applications.mobilenet_v2.preprocess_input(inputs)
base = tf.keras.applications.MobileNetV2(include_top=False, weights="imagenet")
outputs = tf.keras.layers.Dense(2, activation="softmax")(base(x))
""",
)

# A walk back from an application's input through layers that leave the scaling as it is.
_PASSING = frozenset({AUGMENTATION, IDENTITY})
_MODE_WORDS = {"caffe": "caffe mode (BGR, ImageNet means subtracted)", "tf": "tf mode ([-1, 1])",
               "torch": "torch mode ([0, 1], ImageNet standardised)", "none": "raw 0-255 pixels",
               UNIT: "pixels already scaled to [0, 1]"}


def check(picture: Picture) -> Iterator[Finding]:
    for model in picture.models:
        pretrained = model.pretrained
        if pretrained is None:
            continue
        expected = "none" if pretrained.internal else pretrained.mode
        family = f"{pretrained.name} ({pretrained.module})"
        for fed, node in _feeds(picture, model):
            if fed == expected or fed not in _MODE_WORDS or (fed == UNIT and not pretrained.internal):
                continue
            wants = "raw 0-255 pixels: it rescales inside the network" if pretrained.internal else \
                f"inputs preprocessed in {_MODE_WORDS[expected]} by {pretrained.module}.preprocess_input"
            yield Finding(
                node=node,
                message=(
                    f"The ImageNet weights of {family} expect {wants}, but its input gets {_MODE_WORDS[fed]}: "
                    "the pretrained features see inputs they were never trained on, so the fine-tuned model "
                    "learns from much worse features and predicts worse than it should."
                ),
                hint=(f"Use keras.applications.{pretrained.module}.preprocess_input" if not pretrained.internal
                      else "Feed raw 0-255 pixels: remove the rescaling in front of the model (its own "
                           f"keras.applications.{pretrained.module}.preprocess_input is the identity)") + ".",
                related=((pretrained.node, f"{pretrained.name} with ImageNet weights"),),
            )
            break


def _feeds(picture: Picture, application: Model) -> list[tuple[str, cst.CSTNode]]:
    """The scalings that reach the application's input, each with where it was applied."""
    found: list[tuple[str, cst.CSTNode]] = []
    if application.feed is not None:
        scaling = _tensor_scaling(application.feed)
        if scaling is not None:
            found.append(scaling)
    # Model(inputs=base.input, ...) or Sequential([base, ...]): the training data goes straight in.
    for model in picture.models:
        direct = any(isinstance(i, ApplicationInput) and i.model is application for i in model.inputs or ()) or \
            (model.kind == "sequential" and model.entries and model.entries[0].layer is application)
        if not direct:
            continue
        for fit in model.fits:
            scale = fit.x.scale if isinstance(fit.x, Data) else None
            if isinstance(scale, Fixed) and scale.value is not None:
                found.append((scale.value, scale.node))
    return found


def _tensor_scaling(value: Value) -> tuple[str, cst.CSTNode] | None:
    """The nearest fixed scaling on the tensor path into an application (a Rescaling layer, preprocess_input)."""
    current: Value | None = value
    for _ in range(200):
        if not isinstance(current, Tensor) or current.layer is None:
            return None
        layer = current.layer
        if layer.role == FIXED and layer.scale is not None:
            return (layer.scale, layer.node) if layer.scale != "unknown" else None
        if layer.role not in _PASSING and layer.role != FIXED:  # FIXED without a scale: Resizing, CenterCrop
            return None
        current = current.source
    return None
