"""Data flow: splits and roles, fitted preprocessing, predictions and what is done with them.

The idioms that look like bugs but are right must stay silent (issue: precision)."""

from __future__ import annotations

import pytest

from tests.conftest import codes

PRELUDE = """
import numpy as np
import pandas as pd
import tensorflow as tf
from sklearn.metrics import accuracy_score, confusion_matrix, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
df = pd.read_csv("data.csv")
X = df.drop(columns=["label"]).values
y = df["label"].values
"""

SIGMOID = 'model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])\n' \
          'model.compile(optimizer="adam", loss="binary_crossentropy")\n'
SOFTMAX = 'model = tf.keras.Sequential([tf.keras.layers.Dense(3, activation="softmax")])\n' \
          'model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")\n'
LOGITS = 'model = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n' \
         'model.compile(optimizer="adam", loss=tf.keras.losses.BinaryCrossentropy(from_logits=True))\n'


def k(body: str) -> list[str]:
    return [c for c in codes(PRELUDE + body, select=("K2", "K3")) if c.startswith(("K2", "K3"))]


SILENT_IDIOMS = {
    "fit_transform train then transform test": """
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)
""" + SIGMOID + "model.fit(X_train, y_train)\np = model.predict(X_test)\n",
    "pipeline fit on train": """
from sklearn.pipeline import make_pipeline
from sklearn.decomposition import PCA
X_train, X_test, y_train, y_test = train_test_split(X, y)
prep = make_pipeline(StandardScaler(), PCA(5))
Xtr = prep.fit_transform(X_train)
""" + SIGMOID + "model.fit(Xtr, y_train)\nmodel.evaluate(prep.transform(X_test), y_test)\n",
    "normalization adapted on train": """
X_train, X_test, y_train, y_test = train_test_split(X, y)
norm = tf.keras.layers.Normalization()
norm.adapt(X_train)
model = tf.keras.Sequential([norm, tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy")
model.fit(X_train, y_train)
model.predict(X_test)
""",
    "argmax over softmax": SOFTMAX + "pred = np.argmax(model.predict(X), axis=-1)\nprint(accuracy_score(y, pred))\n",
    "threshold 0.5 on sigmoid": SIGMOID + "pred = (model.predict(X) > 0.5).astype(int)\nprint(accuracy_score(y, pred))\n",
    "threshold 0 on logits": LOGITS + "pred = (model.predict(X) > 0).astype(int)\n",
    "predict argmax accuracy_score": SOFTMAX + "p = model.predict(X)\nprint(accuracy_score(y, p.argmax(axis=1)))\n",
    "roc_auc on probabilities": SIGMOID + "p = model.predict(X).ravel()\nprint(roc_auc_score(y, p))\n",
    "validation from a split of training": """
X_train, X_test, y_train, y_test = train_test_split(X, y)
X_tr, X_val, y_tr, y_val = train_test_split(X_train, y_train)
""" + SIGMOID + "model.fit(X_tr, y_tr, validation_data=(X_val, y_val))\nmodel.evaluate(X_test, y_test)\n",
    "same scaler reused on new data": """
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler().fit(X_train)
""" + SIGMOID + """model.fit(scaler.transform(X_train), y_train)
new = pd.read_csv("new.csv").values
print(model.predict(scaler.transform(new)))
""",
    "label encoder before split": """
from sklearn.preprocessing import LabelEncoder
y_enc = LabelEncoder().fit_transform(y)
X_train, X_test, y_train, y_test = train_test_split(X, y_enc)
""",
    "smote after split": """
from imblearn.over_sampling import SMOTE
X_train, X_test, y_train, y_test = train_test_split(X, y)
X_bal, y_bal = SMOTE().fit_resample(X_train, y_train)
""",
    "confidence filter on softmax": SOFTMAX + "probs = model.predict(X)\nsure = probs.max(axis=1) > 0.9\n",
    "refit on train plus validation": """
X_rest, X_test, y_rest, y_test = train_test_split(X, y)
X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest)
final_scaler = StandardScaler().fit(X_rest)
scaler_tv = StandardScaler().fit(X_train_val)
""",
    "unknown predictions stay silent": "pred = clf.predict(X)\nprint(accuracy_score(y, pred))\n",
}


@pytest.mark.parametrize("body", SILENT_IDIOMS.values(), ids=SILENT_IDIOMS.keys())
def test_idioms_stay_silent(body: str) -> None:
    assert k(body) == []


BUGS = {
    "fit_transform on test": ("""
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.fit_transform(X_test)
""", ["K201"]),
    "fit on data named as validation": ("scaler = StandardScaler().fit(x_val)\n", ["K201"]),
    "scaler before split": ("""
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y)
""", ["K202"]),
    "never scaled before predict": ("""
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler()
X_train_s = scaler.fit_transform(X_train)
""" + SIGMOID + "model.fit(X_train_s, y_train)\np = model.predict(X_test)\n", ["K203"]),
    "fit on test": ("X_train, X_test, y_train, y_test = train_test_split(X, y)\n" + SIGMOID
                    + "model.fit(X_test, y_test)\n", ["K205"]),
    "nested split keeps the test role": ("""
X_train, X_test, y_train, y_test = train_test_split(X, y)
X_tr, X_val, y_tr, y_val = train_test_split(X_train, y_train)
""" + SIGMOID + "model.fit(X_tr, y_tr, validation_data=(X_test, y_test))\nmodel.evaluate(X_test, y_test)\n",
        ["K205"]),
    "argmax over one sigmoid unit": (SIGMOID + "p = model.predict(X)\nlabels = p.argmax(axis=-1)\n", ["K301"]),
    "round softmax": (SOFTMAX + "labels = model.predict(X).round()\n", ["K302"]),
    "accuracy_score on probabilities": (SIGMOID + "print(accuracy_score(y, model.predict(X)))\n", ["K303"]),
    "confusion matrix through a variable": (SIGMOID + "p = model.predict(X)\nconfusion_matrix(y_true=y, y_pred=p)\n",
                                            ["K303"]),
    "logits at 0.5": (LOGITS + "p = model.predict(X)\nlabels = p >= 0.5\n", ["K305"]),
    "model call on data": (LOGITS + "labels = model(X) > 0.5\n", ["K305"]),
}


@pytest.mark.parametrize(("body", "expected"), BUGS.values(), ids=BUGS.keys())
def test_bugs_are_found(body: str, expected: list[str]) -> None:
    assert k(body) == expected


def test_builder_function_predictions_are_tied_to_the_output() -> None:
    body = """
import keras
def build_model(n):
    inputs = keras.Input((n,))
    outputs = keras.layers.Dense(1, activation="sigmoid")(inputs)
    return keras.Model(inputs, outputs)
model = build_model(8)
model.compile(loss="binary_crossentropy")
labels = tf.argmax(model.predict(X), axis=-1)
"""
    assert k(body) == ["K301"]


def test_training_on_all_rows_without_scoring_on_test_is_not_a_leak() -> None:
    body = """
import keras
(x_train, _), (x_test, _) = keras.datasets.mnist.load_data()
digits = np.concatenate([x_train, x_test], axis=0)
model = keras.Sequential([keras.layers.Dense(784, activation="sigmoid")])
model.compile(loss="binary_crossentropy")
model.fit(digits, digits)
"""
    assert k(body) == []
