"""False alarms seen on real code: each idiom is reported as it should be, no more.

Each case has a program where the rule must report exactly what it says
(`count` findings), and the correct or harmless idiom, where it must stay silent.
"""

from __future__ import annotations

import pytest

from tests.conftest import codes, lint

PRELUDE = """
import numpy as np
import pandas as pd
import tensorflow as tf
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
df = pd.read_csv("data.csv")
X = df.drop(columns=["label"]).values
y = df["label"].values
"""

# (idiom, code, program with `count` findings of code, count, silent program)
CASES = [
    ("one optimizer call is one K501 finding", "K501", """
import keras
opt = keras.optimizers.SGD(lr=0.01, decay=1e-6, momentum=0.9)
""", 1, """
import keras
opt = keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
"""),
    ("decay=0.0 and a decay bound to 0 are not reported", "K501", """
import keras
DECAY = 1e-4
opt = keras.optimizers.Adam(learning_rate=1e-3, decay=DECAY)
""", 1, """
import keras
DECAY = 0
opt = keras.optimizers.Adam(learning_rate=1e-3, decay=DECAY)
opt2 = keras.optimizers.Adam(learning_rate=1e-3, decay=0.0)
"""),
    ("rounding to decimals for display is no threshold", "K302", """
import numpy as np
import keras
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(loss="categorical_crossentropy")
p = model.predict(x)
labels = np.round(p)
""", 1, """
import numpy as np
import keras
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(loss="categorical_crossentropy")
p = model.predict(x)
print(p.round(2), np.round(p, 3), np.around(p, decimals=4))
print(np.argmax(p, axis=-1))
"""),
    ("under-sampling is not K206", "K206", """
from imblearn.over_sampling import RandomOverSampler
from sklearn.model_selection import train_test_split
X_bal, y_bal = RandomOverSampler().fit_resample(X, y)
X_train, X_test, y_train, y_test = train_test_split(X_bal, y_bal)
""", 1, """
import pandas as pd
from imblearn.under_sampling import NearMiss, RandomUnderSampler
from sklearn.model_selection import train_test_split
from sklearn.utils import resample
X_bal, y_bal = RandomUnderSampler().fit_resample(X, y)
X_nm, y_nm = NearMiss().fit_resample(X, y)
df = pd.read_csv("d.csv")
majority = resample(df[df.y == 0], replace=False, n_samples=500)
balanced = pd.concat([majority, df[df.y == 1]])
train, test = train_test_split(balanced)
X_train, X_test, y_train, y_test = train_test_split(X_bal, y_bal)
"""),
    ("a fitted output only plotted, or overwritten, is no leak", "K202", PRELUDE + """
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y)
""", 1, PRELUDE + """
from sklearn.decomposition import PCA
import matplotlib.pyplot as plt
embedded = PCA(n_components=2).fit_transform(X)
plt.scatter(embedded[:, 0], embedded[:, 1], c=y)
scaled = StandardScaler().fit_transform(X)
scaled = X.copy()
X_train, X_test, y_train, y_test = train_test_split(scaled, y)
"""),
    ("preprocessors that learn nothing are never K202", "K202", PRELUDE + """
from sklearn.preprocessing import MinMaxScaler
X = MinMaxScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y)
""", 1, PRELUDE + """
from sklearn.preprocessing import FunctionTransformer, PolynomialFeatures, Normalizer
X = PolynomialFeatures(degree=2).fit_transform(X)
X = FunctionTransformer(np.log1p).fit_transform(X)
X = Normalizer().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y)
"""),
    ("per-sample scaling in a loop is no leak", "K202", PRELUDE + """
from sklearn.preprocessing import MinMaxScaler
scaler = MinMaxScaler()
series = scaler.fit_transform(X)
x_train, x_test = train_test_split(series)
""", 1, PRELUDE + """
from sklearn.preprocessing import MinMaxScaler
scaler = MinMaxScaler()
series = [scaler.fit_transform(np.asarray(s).reshape(-1, 1)) for s in df["raw"]]
x_train, x_test = train_test_split(series)
"""),
    ("an identity activation layer after softmax keeps the probabilities", "K101", """
import keras
inputs = keras.Input((8,))
x = keras.layers.Dense(4)(inputs)
outputs = keras.layers.Activation("linear", dtype="float32")(x)
model = keras.Model(inputs, outputs)
model.compile(loss="categorical_crossentropy")
""", 1, """
import keras
inputs = keras.Input((8,))
x = keras.layers.Dense(4, activation="softmax")(inputs)
outputs = keras.layers.Activation("linear", dtype="float32", name="predictions")(x)
model = keras.Model(inputs, outputs)
model.compile(loss="categorical_crossentropy")
"""),
    ("a subclass's own predict() makes its predictions unknown", "K301", """
import numpy as np
import keras
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.out = keras.layers.Dense(1, activation="sigmoid")
    def call(self, inputs):
        return self.out(inputs)
net = Net()
net.compile(loss="binary_crossentropy")
classes = np.argmax(net.predict(x), axis=-1)
""", 1, """
import numpy as np
import keras
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.out = keras.layers.Dense(1, activation="sigmoid")
    def call(self, inputs):
        return self.out(inputs)
    def predict(self, x):
        return np.concatenate([1 - super().predict(x), super().predict(x)], axis=-1)
net = Net()
net.compile(loss="binary_crossentropy")
classes = np.argmax(net.predict(x), axis=-1)
"""),
    ("a test set refit through another instance is K201's finding only", "K203", PRELUDE + """
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy")
model.fit(X_train, y_train)
model.evaluate(X_test, y_test)
""", 1, PRELUDE + """
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = StandardScaler().fit_transform(X_test)
norm = tf.keras.layers.Normalization()
norm.adapt(X_train)
other = tf.keras.layers.Normalization()
other.adapt(X_test)
model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy")
model.fit(X_train, y_train)
model.evaluate(X_test, y_test)
second = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
second.compile(loss="binary_crossentropy")
second.fit(norm(X_train), y_train)
second.evaluate(other(X_test), y_test)
"""),
]


@pytest.mark.parametrize(("idiom", "code", "fires", "count", "silent"), CASES, ids=[c[0] for c in CASES])
def test_reported_once(idiom: str, code: str, fires: str, count: int, silent: str) -> None:
    assert codes(fires).count(code) == count, idiom


@pytest.mark.parametrize(("idiom", "code", "fires", "count", "silent"), CASES, ids=[c[0] for c in CASES])
def test_idiom_stays_silent(idiom: str, code: str, fires: str, count: int, silent: str) -> None:
    assert code not in codes(silent), idiom


TEST_AS_VALIDATION = PRELUDE + """
X_train, X_test, y_train, y_test = train_test_split(X, y)
model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy")
model.fit(X_train, y_train, validation_data=(X_test, y_test){callbacks})
model.evaluate(X_test, y_test)
"""


@pytest.mark.parametrize(("callbacks", "named", "unnamed"), [
    ("", (), ("early stopping", "checkpoint")),
    (", callbacks=[tf.keras.callbacks.EarlyStopping(patience=3)]", ("early stopping",), ("checkpoint",)),
    (", callbacks=[tf.keras.callbacks.ModelCheckpoint('best.keras', save_best_only=True)]", ("best checkpoint",),
     ("early stopping",)),
])
def test_k205_names_only_the_callbacks_that_are_there(callbacks: str, named: tuple[str, ...],
                                                       unnamed: tuple[str, ...]) -> None:
    found = [d for d in lint(TEST_AS_VALIDATION.format(callbacks=callbacks)) if d.code == "K205"]
    assert len(found) == 1
    for words in named:
        assert words in found[0].message
    for words in unnamed:
        assert words not in found[0].message


def test_k402_is_silent_on_class_labels() -> None:
    source = """
import pandas as pd
import keras
df = pd.read_csv("d.csv")
y = df["grade"].astype(int)
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(loss="mse", metrics=["accuracy"])
model.fit(df[["a"]].values, y)
"""
    assert "K402" not in codes(source)
    assert "K402" in codes(source.replace('df["grade"].astype(int)', 'df["price"].values'))
