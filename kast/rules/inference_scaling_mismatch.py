"""K207 inference-scaling-mismatch: predict() gets inputs scaled differently from the training inputs.

## What it does
Checks `predict()`, `evaluate()` and `model(x)` inputs whose fixed scaling
differs from the one the model was trained on: training images divided by 255
(`/ 255`, `* (1 / 255)`, `ImageDataGenerator(rescale=1./255)`, a `Rescaling`
layer or a `.map()` outside the model, `tf.image.convert_image_dtype`,
`keras.utils.normalize`, a `preprocess_input`) and inference images that never
got that scaling (from `load_img`/`img_to_array`, `cv2.imread`,
`PIL.Image.open`, raw arrays), or got it twice (the model scales inside with a
`Rescaling` layer, and the input is divided by 255 again).  Fitted transforms
(scalers) are K203's.  When the scaling of either side comes from somewhere
kast cannot see, the rule stays silent.

## Why is this bad?
The model learnt its weights for inputs in one range.  Given pixels 255 times
larger (or smaller), every activation is off: predictions are confidently
wrong, usually one class for every image, and nothing raises an error.  This
is the most common reason a model that scored well in training "predicts
wrong" on the images a user tries it on.

## Example
```python
train = ImageDataGenerator(rescale=1.0 / 255).flow_from_directory("train")
model.fit(train)
x = image.img_to_array(image.load_img("photo.jpg", target_size=(150, 150)))
model.predict(np.expand_dims(x, 0))
```

Use instead:
```python
x = image.img_to_array(image.load_img("photo.jpg", target_size=(150, 150))) / 255.0
model.predict(np.expand_dims(x, 0))
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.dataflow import RAW, UNIT
from kast.analysis.lineage import TWICE
from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires, snippet
from kast.rules.input_facts import SCALES, inference_inputs, scale_of

CODE = "K207"
NAME = "inference-scaling-mismatch"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
import numpy as np
import tensorflow as tf
from tensorflow.keras.preprocessing import image
from tensorflow.keras.preprocessing.image import ImageDataGenerator
train = ImageDataGenerator(rescale=1.0 / 255).flow_from_directory("data/train", target_size=(150, 150))
model = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(train, epochs=5)
x = image.img_to_array(image.load_img("photo.jpg", target_size=(150, 150)))
print(model.predict(np.expand_dims(x, 0)))
""", line=11),
    Fires("""
import cv2
import numpy as np
from tensorflow import keras
(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train.astype("float32") / 255
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train)
digit = cv2.imread("digit.png", cv2.IMREAD_GRAYSCALE)
print(model.predict(digit.reshape(1, 28, 28)))
""", line=11),
    Fires("""
import numpy as np
import keras
train_ds = keras.utils.image_dataset_from_directory("flowers", image_size=(180, 180))
model = keras.Sequential([keras.layers.Rescaling(1.0 / 255), keras.layers.Flatten(),
                          keras.layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, epochs=3)
img = keras.utils.img_to_array(keras.utils.load_img("rose.jpg", target_size=(180, 180))) / 255.0
model.predict(np.expand_dims(img, 0))
""", line=10),
)
SILENT = (
    """
import numpy as np
import keras
train_ds = keras.utils.image_dataset_from_directory("flowers", image_size=(180, 180))
model = keras.Sequential([keras.layers.Rescaling(1.0 / 255), keras.layers.Flatten(),
                          keras.layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, epochs=3)
img = keras.utils.img_to_array(keras.utils.load_img("rose.jpg", target_size=(180, 180)))
model.predict(np.expand_dims(img, 0))
""",
    """
import numpy as np
from tensorflow import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train)
model.evaluate(x_test, y_test)
""",
    """
import numpy as np
from tensorflow import keras
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(load_training_images(), labels)
model.predict(np.load("new.npy"))
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for inference, x, trained in inference_inputs(picture):
        seen = scale_of(x)
        if seen is None or inference.x_node is None:
            continue
        scales = [scale_of(data) for _, data in trained]
        if any(s is None for s in scales) or len({s.value for s in scales if s is not None}) != 1:
            continue
        expected = scales[-1]
        assert expected is not None
        if expected.value == seen.value:
            continue
        fit = trained[-1][0]
        ratio = _consequence(expected.value, seen.value)
        yield Finding(
            node=inference.x_node,
            message=(
                f"The model was trained on {SCALES[expected.value]}, but {inference.method}() receives "
                f"`{snippet(picture, inference.x_node)}`, {SCALES[seen.value]}: {ratio} The model sees inputs "
                "in a range it never learnt, so its predictions are wrong (often one class for everything)."
            ),
            hint=_hint(expected.value, seen.value),
            related=((expected.node, "training inputs scaled here"), (seen.node, "inference input from here"),
                     (fit.node, "trained here")),
        )


def _consequence(trained: str, given: str) -> str:
    if trained == UNIT and given == RAW:
        return "every value is 255 times larger than in training."
    if trained == RAW and given == UNIT:
        return "if the model scales inside (a Rescaling layer), the input is divided by 255 twice."
    if given == TWICE:
        return "the input is divided by 255 twice."
    return "the scaling differs."


def _hint(trained: str, given: str) -> str:
    if trained == UNIT and given == RAW:
        return "Scale the input as in training: divide it by 255.0 before predict() (or put a Rescaling(1./255) " \
               "layer in the model and feed raw pixels everywhere)."
    if trained == RAW:
        return "Feed raw 0-255 pixels, as in training: the model does its own scaling, so drop the / 255 here."
    return "Apply exactly the scaling the training inputs got (the same preprocess_input or division)."
