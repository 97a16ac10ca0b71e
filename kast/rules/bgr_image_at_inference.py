"""K211 bgr-image-at-inference: a model trained on RGB images predicts on BGR ones (or the reverse).

## What it does
Checks models trained on images from Keras or PIL loaders (RGB:
`flow_from_directory`, `image_dataset_from_directory`, `load_img`) that predict
on an image from `cv2.imread` or a `cv2.VideoCapture` frame (BGR) with no
`cv2.cvtColor(..., cv2.COLOR_BGR2RGB)` or channel reversal (`img[..., ::-1]`)
on the way, and the reverse.  Silent for grayscale reads and when OpenCV loads
both the training and the inference images.

## Why is this bad?
OpenCV stores colour images as blue, green, red; Keras and PIL as red, green,
blue.  A model that learnt that ripe tomatoes are red in the first channel
sees them as blue: colour features are swapped, and predictions on real
camera frames are wrong while the test set scored well.

## Example
```python
train = keras.utils.image_dataset_from_directory("fruit/train")
model.fit(train)
frame = cv2.imread("photo.jpg")
model.predict(np.expand_dims(frame, 0))
```

Use instead:
```python
frame = cv2.cvtColor(cv2.imread("photo.jpg"), cv2.COLOR_BGR2RGB)
model.predict(np.expand_dims(frame, 0))
```

## Fix safety
The fix wraps the `cv2.imread(...)` call in `cv2.cvtColor(..., cv2.COLOR_BGR2RGB)`
when the image goes straight from there to the model.  It is unsafe: the
image may be used elsewhere in BGR on purpose (drawing with OpenCV).
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires, FixPlan, snippet
from kast.rules.input_facts import inference_inputs

CODE = "K211"
NAME = "bgr-image-at-inference"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
import cv2
import numpy as np
import tensorflow as tf
train_ds = tf.keras.utils.image_dataset_from_directory("waste/train", image_size=(224, 224))
model = tf.keras.Sequential([tf.keras.layers.Rescaling(1.0 / 255), tf.keras.layers.Flatten(),
                             tf.keras.layers.Dense(4, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds)
frame = cv2.resize(cv2.imread("bin.jpg"), (224, 224))
print(model.predict(np.expand_dims(frame.astype("float32"), 0)))
""", line=11, fixed='cv2.cvtColor(cv2.imread("bin.jpg"), cv2.COLOR_BGR2RGB)'),
    Fires("""
import cv2
import numpy as np
from tensorflow.keras.preprocessing.image import ImageDataGenerator
from tensorflow.keras.models import load_model, Sequential
from tensorflow.keras.layers import Dense, Flatten
flow = ImageDataGenerator(rescale=1.0 / 255).flow_from_directory("gestures/train", target_size=(64, 64))
model = Sequential([Flatten(), Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(flow)
cap = cv2.VideoCapture(0)
ok, frame = cap.read()
model.predict(np.expand_dims(cv2.resize(frame, (64, 64)) / 255.0, 0))
""", line=13),
)
SILENT = (
    """
import cv2
import numpy as np
import tensorflow as tf
train_ds = tf.keras.utils.image_dataset_from_directory("waste/train", image_size=(224, 224))
model = tf.keras.Sequential([tf.keras.layers.Rescaling(1.0 / 255), tf.keras.layers.Flatten(),
                             tf.keras.layers.Dense(4, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds)
frame = cv2.cvtColor(cv2.imread("bin.jpg"), cv2.COLOR_BGR2RGB)
print(model.predict(np.expand_dims(cv2.resize(frame, (224, 224)), 0)))
rgb = cv2.imread("other.jpg")[..., ::-1]
print(model.predict(np.expand_dims(rgb, 0)))
""",
    """
import cv2
import numpy as np
import tensorflow as tf
train_ds = tf.keras.utils.image_dataset_from_directory("digits", color_mode="grayscale", image_size=(28, 28))
model = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds)
print(model.predict(np.expand_dims(cv2.imread("d.png", cv2.IMREAD_GRAYSCALE), 0)))
""",
)

_NAMES = {"rgb": "RGB", "bgr": "BGR"}


def check(picture: Picture) -> Iterator[Finding]:
    for inference, x, trained in inference_inputs(picture):
        if x.channels is None or inference.x_node is None:
            continue
        orders = {data.channels.value if data.channels is not None else None for _, data in trained}
        if len(orders) != 1:
            continue
        expected = orders.pop()
        given = x.channels.value
        if expected not in _NAMES or given not in _NAMES or expected == given:
            continue
        train_node = trained[-1][1].channels.node  # type: ignore[union-attr]
        code = "COLOR_BGR2RGB" if given == "bgr" else "COLOR_RGB2BGR"
        yield Finding(
            node=inference.x_node,
            message=(
                f"The model was trained on {_NAMES[expected]} images, but {inference.method}() receives "
                f"`{snippet(picture, inference.x_node)}`, a {_NAMES[given]} image "
                f"({'OpenCV reads and captures BGR' if given == 'bgr' else 'Keras and PIL load RGB'}): the red "
                "and blue channels are swapped, so colour features are wrong and so are the predictions."
            ),
            hint=f"Convert the channel order first: cv2.cvtColor(image, cv2.{code}) (or image[..., ::-1]).",
            related=((train_node, f"training images loaded as {_NAMES[expected]} here"),
                     (x.channels.node, f"{_NAMES[given]} image read here")),
            fix=_convert(picture, x.channels.node, code),
        )


def _convert(picture: Picture, read: cst.CSTNode, code: str) -> FixPlan | None:
    """`cv2.imread(path)` -> `cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2RGB)`."""
    if not isinstance(read, cst.Call) or picture.module.code_for_node(read.func) != "cv2.imread":
        return None
    wrapped = cst.parse_expression(f"cv2.cvtColor({picture.module.code_for_node(read)}, cv2.{code})")
    return FixPlan("convert the image to RGB with cv2.cvtColor", False, ((read, wrapped),))
