"""The input-pipeline and row-order rules (K207-K211, K601-K604): the stay-silent clauses of the catalogue,
and the facts they stand on (each loader's shuffle default, a cache after a shuffle, per-class blocks)."""

from __future__ import annotations

import pytest

from tests.conftest import codes, lint

IMAGES_TRAINED = """
import cv2
import numpy as np
import keras
train_ds = keras.utils.image_dataset_from_directory("photos/train", image_size=(128, 128))
model = keras.Sequential([keras.layers.Rescaling(1.0 / 255), keras.layers.Flatten(),
                          keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, epochs=5)
"""

SILENT = {
    "K208 include_preprocessing=False": ("K208", """
import keras
inputs = keras.Input((224, 224, 3))
x = keras.layers.Rescaling(1.0 / 255)(inputs)
base = keras.applications.EfficientNetV2B0(include_top=False, include_preprocessing=False, input_tensor=x)
"""),
    "K208 preprocessing kast cannot resolve": ("K208", """
import keras
from my_project import prepare
inputs = keras.Input((224, 224, 3))
base = keras.applications.ResNet50V2(include_top=False, input_tensor=prepare(inputs))
"""),
    "K209 a refit on test data is K201's": ("K209", """
import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
import numpy as np
X_train, X_test, y_train, y_test = train_test_split(np.load("x.npy"), np.load("y.npy"))
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(StandardScaler().fit_transform(X_train), y_train)
model.evaluate(StandardScaler().fit_transform(X_test), y_test)
"""),
    "K210 set_weights": ("K210", """
import keras
norm = keras.layers.Normalization()
norm.set_weights(saved)
model = keras.Sequential([norm, keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y)
"""),
    "K210 a loaded model": ("K210", """
import keras
model = keras.models.load_model("house_prices.keras")
model.predict(x)
"""),
    "K211 OpenCV loads both sides": ("K211", """
import glob
import cv2
import numpy as np
import keras
images = np.array([cv2.resize(cv2.imread(p), (64, 64)) for p in glob.glob("train/*.jpg")])
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(images, labels)
model.predict(np.expand_dims(cv2.resize(cv2.imread("new.jpg"), (64, 64)), 0))
"""),
    "K601 evaluate() on a shuffling source": ("K601", """
from tensorflow.keras.preprocessing.image import ImageDataGenerator
from tensorflow.keras.models import load_model
model = load_model("m.keras")
test = ImageDataGenerator(rescale=1.0 / 255).flow_from_directory("data/test")
print(model.evaluate(test))
"""),
    "K602 train_test_split in between": ("K602", """
import numpy as np
import keras
from sklearn.model_selection import train_test_split
X = np.concatenate([np.load("cats.npy"), np.load("dogs.npy")])
y = np.concatenate([np.zeros(500), np.ones(500)])
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y)
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X_train, y_train, validation_split=0.2)
"""),
    "K602 df.sample(frac=1)": ("K602", """
import pandas as pd
import keras
df = pd.concat([pd.read_csv("normal.csv"), pd.read_csv("abnormal.csv")]).sample(frac=1, random_state=0)
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(df.drop(columns=["label"]).values, df["label"].values, validation_split=0.2)
"""),
    "K602 np.random.shuffle in place": ("K602", """
import numpy as np
import keras
X = np.concatenate([np.load("a.npy"), np.load("b.npy")])
y = np.concatenate([np.zeros(100), np.ones(100)])
idx = np.arange(len(X))
np.random.shuffle(idx)
X, y = X[idx], y[idx]
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y, validation_split=0.2)
"""),
    "K603 a group split": ("K603", """
import numpy as np
from sklearn.model_selection import GroupKFold
series = np.load("s.npy")
X = np.array([series[i:i + 48] for i in range(len(series) - 48)])
for train_idx, test_idx in GroupKFold(n_splits=4).split(X, groups=days):
    pass
"""),
}

FIRES = {
    "K207 convert_image_dtype in training, raw PIL at inference": ("K207", """
import numpy as np
import tensorflow as tf
from PIL import Image
images = tf.image.convert_image_dtype(np.load("train_uint8.npy"), tf.float32)
model = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(images, labels)
model.predict(np.expand_dims(np.asarray(Image.open("new.png")), 0))
"""),
    "K207 a tf.data map scales in training": ("K207", """
import numpy as np
import keras
train_ds = keras.utils.image_dataset_from_directory("photos/train", image_size=(64, 64))
train_ds = train_ds.map(lambda x, y: (x / 255.0, y))
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, epochs=5)
img = keras.utils.img_to_array(keras.utils.load_img("a.jpg", target_size=(64, 64)))
model.predict(np.expand_dims(img, 0))
"""),
    "K211 the reverse: trained on OpenCV images, predicts on load_img": ("K211", """
import glob
import cv2
import numpy as np
import keras
images = np.array([cv2.resize(cv2.imread(p), (64, 64)) for p in glob.glob("train/*.jpg")])
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(images, labels)
model.predict(np.expand_dims(keras.utils.img_to_array(keras.utils.load_img("new.jpg", target_size=(64, 64))), 0))
"""),
    "K601 text_dataset_from_directory shuffles by default": ("K601", """
import numpy as np
import keras
from sklearn.metrics import accuracy_score
test_ds = keras.utils.text_dataset_from_directory("reviews/test")
model = keras.models.load_model("m.keras")
y_true = np.concatenate([y for _, y in test_ds])
print(accuracy_score(y_true, (model.predict(test_ds) > 0.5).astype(int)))
"""),
    "K601 predictions compared with == to .labels": ("K601", """
import numpy as np
from tensorflow.keras.preprocessing.image import ImageDataGenerator
from tensorflow.keras.models import load_model
model = load_model("m.keras")
test = ImageDataGenerator().flow_from_dataframe(frame, directory="imgs")
print(np.mean(np.argmax(model.predict(test), axis=1) == test.labels))
"""),
    "K602 sorted by the label": ("K602", """
import pandas as pd
import keras
df = pd.read_csv("d.csv").sort_values("label")
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(df[["a", "b"]].values, df["label"].values, validation_split=0.2)
"""),
    "K603 ShuffleSplit of TimeseriesGenerator windows": ("K603", """
import numpy as np
from sklearn.model_selection import ShuffleSplit
from tensorflow.keras.preprocessing.sequence import TimeseriesGenerator
gen = TimeseriesGenerator(np.load("s.npy"), np.load("t.npy"), length=24)
X = np.concatenate([x for x, _ in gen])
for train_idx, test_idx in ShuffleSplit(n_splits=3).split(X):
    pass
"""),
    "K604 evaluate() on an augmenting generator's flow": ("K604", """
from tensorflow.keras.preprocessing.image import ImageDataGenerator
from tensorflow.keras.models import load_model
model = load_model("m.keras")
gen = ImageDataGenerator(rescale=1.0 / 255, zoom_range=0.2)
model.evaluate(gen.flow_from_directory("data/test", shuffle=False))
"""),
}


@pytest.mark.parametrize("case", SILENT, ids=list(SILENT))
def test_stays_silent(case: str) -> None:
    code, source = SILENT[case]
    assert code not in codes(source)


@pytest.mark.parametrize("case", FIRES, ids=list(FIRES))
def test_fires(case: str) -> None:
    code, source = FIRES[case]
    assert code in codes(source)


def test_k601_fix_adds_shuffle_false_to_a_loader_only_predicted_from() -> None:
    source = """
import numpy as np
from sklearn.metrics import classification_report
from tensorflow.keras.models import load_model
from tensorflow.keras.preprocessing.image import ImageDataGenerator
model = load_model("model.keras")
test = ImageDataGenerator(rescale=1.0 / 255).flow_from_directory("data/test", target_size=(150, 150))
print(classification_report(test.classes, np.argmax(model.predict(test), axis=1)))
"""
    found = [d for d in lint(source) if d.code == "K601"]
    assert len(found) == 1 and found[0].fix is not None and found[0].fix.safe
    assert found[0].fix.edits[0].replacement.endswith('target_size=(150, 150), shuffle=False)')


def test_k601_no_fix_when_the_loader_is_also_trained_on() -> None:
    source = """
import numpy as np
import keras
from sklearn.metrics import accuracy_score
ds = keras.utils.image_dataset_from_directory("photos")
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(ds)
y_true = np.concatenate([y for _, y in ds])
print(accuracy_score(y_true, np.argmax(model.predict(ds), axis=1)))
"""
    found = [d for d in lint(source) if d.code == "K601"]
    assert len(found) == 1 and found[0].fix is None


def test_k211_names_both_places_and_offers_cvtcolor() -> None:
    diagnostics = [d for d in lint(IMAGES_TRAINED + """
frame = cv2.imread("x.jpg")
model.predict(np.expand_dims(cv2.resize(frame, (128, 128)), 0))
""") if d.code == "K211"]
    assert len(diagnostics) == 1
    notes = [r.message for r in diagnostics[0].related]
    assert any("RGB" in n for n in notes) and any("BGR" in n for n in notes)
    fix = diagnostics[0].fix
    assert fix is not None and not fix.safe
    assert fix.edits[0].replacement == 'cv2.cvtColor(cv2.imread("x.jpg"), cv2.COLOR_BGR2RGB)'


def test_k207_points_at_the_input_and_names_the_training_scaling() -> None:
    diagnostics = [d for d in lint("""
import numpy as np
from tensorflow import keras
(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train / 255.0
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train)
raw = keras.utils.img_to_array(keras.utils.load_img("d.png", color_mode="grayscale", target_size=(28, 28)))
model.predict(raw[None])
""") if d.code == "K207"]
    assert len(diagnostics) == 1
    assert diagnostics[0].span.line == 10
    assert "[0, 1]" in diagnostics[0].message and "0-255" in diagnostics[0].message
    assert [r.span.line for r in diagnostics[0].related][:2] == [5, 9]
