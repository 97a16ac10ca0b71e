"""K209 preprocessor-refit-at-inference: new data is encoded by a preprocessor fitted on that data itself.

## What it does
Checks `predict()`, `evaluate()` and `model(x)` inputs that went through a
preprocessor instance fitted on that very input (a second
`Tokenizer().fit_on_texts(new_texts)`, `StandardScaler().fit_transform(new_x)`,
a new `TextVectorization.adapt(new_texts)`), while the model was trained
through another fitted instance of the same class.  Silent when the training
instance is reused, or when the preprocessor comes from a file
(`tokenizer_from_json`, `joblib.load`).  A refit on test or validation data is
K201's finding.

## Why is this bad?
A preprocessor fitted on new data learns that data's own statistics or
vocabulary.  A new Tokenizer numbers words by their frequency in the new
texts, so word 17 means something else than it did in training; a new scaler
centres today's batch on its own mean, so every patient looks average.  The
model then reads inputs that mean something other than what it learnt, and
its predictions are wrong without any error.

## Example
```python
tokenizer = Tokenizer(num_words=10000)
tokenizer.fit_on_texts(train_texts)
model.fit(pad_sequences(tokenizer.texts_to_sequences(train_texts)), y_train)
new_tokenizer = Tokenizer(num_words=10000)
new_tokenizer.fit_on_texts(new_texts)
model.predict(pad_sequences(new_tokenizer.texts_to_sequences(new_texts)))
```

Use instead:
```python
model.predict(pad_sequences(tokenizer.texts_to_sequences(new_texts)))
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.dataflow import Data, FitEvent, same_class
from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires, snippet
from kast.rules.input_facts import inference_inputs

CODE = "K209"
NAME = "preprocessor-refit-at-inference"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
import pandas as pd
import tensorflow as tf
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences
train = pd.read_csv("train.csv")
tokenizer = Tokenizer(num_words=5000)
tokenizer.fit_on_texts(train["text"])
model = tf.keras.Sequential([tf.keras.layers.Embedding(5000, 16), tf.keras.layers.GlobalAveragePooling1D(),
                             tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(pad_sequences(tokenizer.texts_to_sequences(train["text"])), train["label"])
new = pd.read_csv("new.csv")["text"]
new_tokenizer = Tokenizer(num_words=5000)
new_tokenizer.fit_on_texts(new)
print(model.predict(pad_sequences(new_tokenizer.texts_to_sequences(new))))
""", line=15),
    Fires("""
import pandas as pd
import keras
from sklearn.preprocessing import StandardScaler
train = pd.read_csv("train.csv")
scaler = StandardScaler()
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(scaler.fit_transform(train[["a", "b"]]), train["y"])
today = pd.read_csv("today.csv")
print(model.predict(StandardScaler().fit_transform(today[["a", "b"]])))
""", line=11),
)
SILENT = (
    """
import pandas as pd
import keras
from sklearn.preprocessing import StandardScaler
train = pd.read_csv("train.csv")
scaler = StandardScaler()
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(scaler.fit_transform(train[["a", "b"]]), train["y"])
today = pd.read_csv("today.csv")
print(model.predict(scaler.transform(today[["a", "b"]])))
""",
    """
import json
import tensorflow as tf
from tensorflow.keras.preprocessing.text import tokenizer_from_json
from tensorflow.keras.preprocessing.sequence import pad_sequences
tokenizer = tokenizer_from_json(open("tok.json").read())
model = tf.keras.models.load_model("model.keras")
texts = json.load(open("incoming.json"))
print(model.predict(pad_sequences(tokenizer.texts_to_sequences(texts))))
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    reported: set[int] = set()
    for inference, x, trained in inference_inputs(picture):
        used = [t for _, data in trained for t in data.transforms]
        for transform in x.transforms:
            if any(t.estimator is transform.estimator for t in used):
                continue  # the training instance, reused
            twin = next((t for t in used if same_class(t.estimator, transform.estimator)), None)
            refit = _fit_on_itself(picture, transform.estimator, x)
            if twin is None or refit is None or id(refit.node) in reported:
                continue
            reported.add(id(refit.node))
            yield Finding(
                node=refit.node,
                message=(
                    f"`{snippet(picture, refit.node)}` fits a new preprocessor on the data that is then passed to "
                    f"{inference.method}(), while the model was trained through another one: the new one learns "
                    "this data's own statistics or vocabulary, so the encoded inputs mean something else than "
                    "in training and the predictions are wrong."
                ),
                hint=f"Reuse the preprocessor fitted on the training data (`{snippet(picture, twin.node, 40)}`'s "
                     "object) and only transform the new data; save it with the model if it is used elsewhere.",
                related=((twin.node, "the model was trained on data encoded here"),
                         (inference.node, f"{inference.method}() on the refit data")),
            )


def _fit_on_itself(picture: Picture, estimator: object, x: Data) -> FitEvent | None:
    """The fit of `estimator` on rows of `x` itself (not test or validation rows: that is K201)."""
    for event in picture.fit_events:
        fitted = event.data
        if event.estimator is estimator and isinstance(fitted, Data) and fitted.origin is not None \
                and fitted.origin is x.origin and fitted.role not in ("test", "validation"):
            return event
    return None
