"""K604 augmented-evaluation-data: validation or test data goes through random augmentation.

## What it does
Checks `validation_data`, `evaluate()` and `predict()` inputs that are randomly
augmented: flows of an `ImageDataGenerator` built with random augmentation
(`rotation_range`, `width_shift_range`/`height_shift_range`, `shear_range`,
`zoom_range`, `horizontal_flip`/`vertical_flip`, `brightness_range`,
`channel_shift_range`) — typically `subset='validation'` of the training
generator — or a tf.data pipeline mapped through random augmentation layers
called with `training=True`.  A `predict()` inside a loop or comprehension is
taken for test-time augmentation averaged on purpose and left alone.

## Why is this bad?
Augmentation is meant to vary the training images.  Applied to validation or
test images it makes every evaluation a different random draw: the scores
that steer early stopping and checkpoints are noisy and lower than the
model's real quality, and the final test score is not the model's.

## Example
```python
datagen = ImageDataGenerator(rescale=1.0 / 255, rotation_range=30, horizontal_flip=True, validation_split=0.2)
train = datagen.flow_from_directory("data", subset="training")
val = datagen.flow_from_directory("data", subset="validation")
model.fit(train, validation_data=val)
```

Use instead:
```python
train = ImageDataGenerator(rescale=1.0 / 255, rotation_range=30, horizontal_flip=True,
                           validation_split=0.2).flow_from_directory("data", subset="training")
val = ImageDataGenerator(rescale=1.0 / 255, validation_split=0.2).flow_from_directory("data", subset="validation")
model.fit(train, validation_data=val)
```
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from kast.analysis.dataflow import Data
from kast.analysis.picture import Picture
from kast.analysis.values import Value
from kast.diagnostics import Severity
from kast.libraries.keras import models as keras_models
from kast.rules.base import Finding, Fires
from kast.rules.input_facts import x_of

CODE = "K604"
NAME = "augmented-evaluation-data"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
import tensorflow as tf
from tensorflow.keras.preprocessing.image import ImageDataGenerator
datagen = ImageDataGenerator(rescale=1.0 / 255, rotation_range=30, horizontal_flip=True, validation_split=0.2)
train = datagen.flow_from_directory("data", subset="training")
val = datagen.flow_from_directory("data", subset="validation")
model = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(train, validation_data=val, epochs=10)
""", line=9),
    Fires("""
import keras
from keras import layers
test_ds = keras.utils.image_dataset_from_directory("leaves/test", shuffle=False)
augment = keras.Sequential([layers.RandomFlip(), layers.RandomRotation(0.2)])
test_ds = test_ds.map(lambda x, y: (augment(x, training=True), y))
model = keras.models.load_model("leaves.keras")
model.evaluate(test_ds)
""", line=8),
)
SILENT = (
    """
import tensorflow as tf
from tensorflow.keras.preprocessing.image import ImageDataGenerator
train = ImageDataGenerator(rescale=1.0 / 255, rotation_range=30, validation_split=0.2).flow_from_directory(
    "data", subset="training")
val = ImageDataGenerator(rescale=1.0 / 255, validation_split=0.2).flow_from_directory("data", subset="validation")
model = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(train, validation_data=val, epochs=10)
""",
    """
import numpy as np
import keras
from keras import layers
augment = keras.Sequential([layers.RandomFlip(), layers.RandomRotation(0.1)])
model = keras.models.load_model("leaves.keras")
x = np.load("test.npy")
tta = np.mean([model.predict(augment(x, training=True)) for _ in range(8)], axis=0)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    reported: set[int] = set()
    for fit in picture.fits:
        source = _augmented(x_of(fit.validation_data))
        if source is not None and id(source) not in reported:
            reported.add(id(source))
            yield _finding("validation_data", fit.node, source)
    for inference in picture.inferences:
        if keras_models.METHOD_ROLES.get(inference.method) != keras_models.EVALUATE and inference.repeated:
            continue  # test-time augmentation: several augmented predictions, averaged
        source = _augmented(inference.x)
        if source is not None and id(source) not in reported:
            reported.add(id(source))
            yield _finding(f"{inference.method}()", inference.node, source)


def _augmented(value: Value | None) -> cst.CSTNode | None:
    """Where the data was randomly augmented, if it was."""
    if not isinstance(value, Data) or value.prediction is not None:
        return None
    if value.augmented is not None:
        return value.augmented
    return value.pipeline.augment if value.pipeline is not None else None


def _finding(where: str, node: cst.CSTNode, source: cst.CSTNode) -> Finding:
    return Finding(
        node=node,
        message=(
            f"The data for {where} is randomly augmented: every evaluation scores a different random "
            "distortion of the images, so the scores are noisy and lower than the model's real quality, and "
            "early stopping and checkpoints select on noise."
        ),
        hint="Evaluate on data without random augmentation: a separate generator with only rescale= for the "
             "validation subset, or no augmentation map on the validation and test pipelines.",
        related=((source, "random augmentation set here"),),
    )
