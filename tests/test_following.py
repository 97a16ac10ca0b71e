"""Real code kast must follow: lineage through common calls, splits, output layers, labels, training loops.

Each capability has a program where a rule fires only because kast follows the
code, and the correct idiom beside it, which must stay silent.
"""

from __future__ import annotations

import pytest

from tests.conftest import codes

TABULAR = """
import numpy as np
import pandas as pd
import tensorflow as tf
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
df = pd.read_csv("data.csv")
X = df.drop(columns=["label"]).values
y = df["label"].values
"""
SIGMOID = """
model = tf.keras.Sequential([tf.keras.layers.Dense(16, activation="relu"), tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
"""

# (capability, rule it enables, firing program, silent program)
CASES = [
    ("lineage through .toarray()", "K203", TABULAR + """
from sklearn.feature_extraction.text import TfidfVectorizer
texts_train, texts_test, y_train, y_test = train_test_split(df["text"], y)
vec = TfidfVectorizer().fit(texts_train)
Xtr = vec.transform(texts_train).toarray()
""" + SIGMOID + """
model.fit(Xtr, y_train)
model.predict(np.array(texts_test.tolist()))
""", TABULAR + """
from sklearn.feature_extraction.text import TfidfVectorizer
texts_train, texts_test, y_train, y_test = train_test_split(df["text"], y)
vec = TfidfVectorizer().fit(texts_train)
Xtr = vec.transform(texts_train).toarray()
""" + SIGMOID + """
model.fit(Xtr, y_train)
model.predict(vec.transform(texts_test).todense())
"""),
    ("lineage through pd.DataFrame(x) and pd.Series", "K202", TABULAR + """
scaled = pd.DataFrame(StandardScaler().fit_transform(X))
X_train, X_test, y_train, y_test = train_test_split(scaled, pd.Series(y))
""", TABULAR + """
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler().fit(X_train)
X_train = pd.DataFrame(scaler.transform(X_train))
"""),
    ("lineage through pad_sequences", "K203", """
import tensorflow as tf
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences
from sklearn.model_selection import train_test_split
import pandas as pd
df = pd.read_csv("reviews.csv")
train_texts, test_texts, y_train, y_test = train_test_split(df["text"], df["label"])
tok = Tokenizer(num_words=5000)
tok.fit_on_texts(train_texts)
x_train = pad_sequences(tok.texts_to_sequences(train_texts), maxlen=100)
model = tf.keras.Sequential([tf.keras.layers.Embedding(5000, 16), tf.keras.layers.GlobalAveragePooling1D(),
                             tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train)
model.evaluate(pad_sequences(test_texts, maxlen=100), y_test)
""", """
import tensorflow as tf
from tensorflow.keras.preprocessing.text import Tokenizer
from tensorflow.keras.preprocessing.sequence import pad_sequences
from sklearn.model_selection import train_test_split
import pandas as pd
df = pd.read_csv("reviews.csv")
train_texts, test_texts, y_train, y_test = train_test_split(df["text"], df["label"])
tok = Tokenizer(num_words=5000)
tok.fit_on_texts(train_texts)
x_train = pad_sequences(tok.texts_to_sequences(train_texts), maxlen=100)
model = tf.keras.Sequential([tf.keras.layers.Embedding(5000, 16), tf.keras.layers.GlobalAveragePooling1D(),
                             tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train)
model.evaluate(pad_sequences(tok.texts_to_sequences(test_texts), maxlen=100), y_test)
"""),
    ("lineage through scipy.sparse matrices", "K202", TABULAR + """
import scipy.sparse
from sklearn.decomposition import TruncatedSVD
Xs = scipy.sparse.csr_matrix(X)
reduced = TruncatedSVD(20).fit_transform(Xs)
X_train, X_test, y_train, y_test = train_test_split(reduced, y)
""", TABULAR + """
import scipy.sparse
from sklearn.decomposition import TruncatedSVD
X_train, X_test, y_train, y_test = train_test_split(scipy.sparse.csr_matrix(X), y)
svd = TruncatedSVD(20).fit(X_train)
"""),
    ("lineage through a list comprehension", "K203", TABULAR + """
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler().fit(X_train)
""" + SIGMOID + """
model.fit(scaler.transform(X_train), y_train)
rows = [row for row in X_test]
model.predict(np.array(rows))
""", TABULAR + """
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler().fit(X_train)
""" + SIGMOID + """
model.fit(scaler.transform(X_train), y_train)
rows = [row for row in scaler.transform(X_test)]
model.predict(np.array(rows))
"""),
    ("lineage through map over data", "K203", TABULAR + """
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler().fit(X_train)
""" + SIGMOID + """
model.fit(scaler.transform(X_train), y_train)
model.predict(np.array(list(map(lambda r: r, X_test))))
""", TABULAR + """
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler().fit(X_train)
""" + SIGMOID + """
model.fit(scaler.transform(X_train), y_train)
model.predict(np.array(list(map(lambda r: r, scaler.transform(X_test)))))
"""),
    ("lineage through df[col] = ... writes", "K202", """
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler
df = pd.read_csv("houses.csv")
df["area"] = MinMaxScaler().fit_transform(df[["area"]])
train, test = train_test_split(df, test_size=0.2)
""", """
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
df = pd.read_csv("houses.csv")
df["city"] = df["city"].str.lower()
train, test = train_test_split(df, test_size=0.2)
"""),
    ("lineage through np.stack and np.expand_dims", "K203", TABULAR + """
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler().fit(X_train)
""" + SIGMOID + """
model.fit(scaler.transform(X_train), y_train)
model.predict(np.expand_dims(X_test[0], 0))
model.predict(np.stack([X_test[0], X_test[1]]))
""", TABULAR + """
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler().fit(X_train)
X_test = scaler.transform(X_test)
""" + SIGMOID + """
model.fit(scaler.transform(X_train), y_train)
model.predict(np.expand_dims(X_test[0], 0))
model.predict(np.stack([X_test[0], X_test[1]]))
"""),
    ("a split done inside a helper", "K202", """
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
def load(path):
    df = pd.read_csv(path)
    X = StandardScaler().fit_transform(df.drop(columns=["y"]))
    return train_test_split(X, df["y"], test_size=0.2)
X_train, X_test, y_train, y_test = load("data.csv")
""", """
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
def load(path):
    df = pd.read_csv(path)
    X_train, X_test, y_train, y_test = train_test_split(df.drop(columns=["y"]), df["y"], test_size=0.2)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test
X_train, X_test, y_train, y_test = load("data.csv")
"""),
    ("the return value of a helper", "K203", TABULAR + """
def prepare(frame):
    return frame.drop(columns=["id"]).values
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler().fit(X_train)
""" + SIGMOID + """
model.fit(scaler.transform(X_train), y_train)
model.predict(prepare(pd.read_csv("new.csv")))
""", TABULAR + """
def prepare(frame):
    return scaler.transform(frame.drop(columns=["id"]).values)
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler().fit(X_train)
""" + SIGMOID + """
model.fit(scaler.transform(X_train), y_train)
model.predict(prepare(pd.read_csv("new.csv")))
"""),
    # ------------------------------------------------------------------ splits
    ("a slicing split", "K202", TABULAR + """
X = StandardScaler().fit_transform(X)
n = int(0.8 * len(X))
X_train, X_test = X[:n], X[n:]
""", TABULAR + """
n = int(0.8 * len(X))
X_train, X_test = X[:n], X[n:]
scaler = StandardScaler().fit(X_train)
print(X[:5])
"""),
    ("a slicing split with .iloc", "K202", """
import pandas as pd
from sklearn.preprocessing import StandardScaler
df = pd.read_csv("data.csv")
df[["a", "b"]] = StandardScaler().fit_transform(df[["a", "b"]])
train_df = df.iloc[:800]
test_df = df.iloc[800:]
""", """
import pandas as pd
from sklearn.preprocessing import StandardScaler
df = pd.read_csv("data.csv")
train_df = df.iloc[:800]
test_df = df.iloc[800:]
scaler = StandardScaler().fit(train_df[["a", "b"]])
"""),
    ("roles from the usual spellings of names", "K201", """
from sklearn.preprocessing import StandardScaler
import numpy as np
Xtrain, Xtest = np.load("xtr.npy"), np.load("xte.npy")
sc = StandardScaler()
Xtrain = sc.fit_transform(Xtrain)
Xtest = sc.fit_transform(Xtest)
testX = sc.fit_transform(np.load("more.npy"))
x_te = sc.fit_transform(np.load("even_more.npy"))
""", """
from sklearn.preprocessing import StandardScaler
import numpy as np
Xtrain, Xtest = np.load("xtr.npy"), np.load("xte.npy")
sc = StandardScaler()
Xtrain = sc.fit_transform(Xtrain)
Xtest = sc.transform(Xtest)
latest = sc.fit_transform(np.load("latest.npy"))
contest = sc.fit_transform(np.load("contest.npy"))
"""),
    ("KFold.split", "K202", TABULAR + """
from sklearn.model_selection import KFold
X = StandardScaler().fit_transform(X)
for train_idx, test_idx in KFold(n_splits=5).split(X):
    X_tr, X_va = X[train_idx], X[test_idx]
""", TABULAR + """
from sklearn.model_selection import StratifiedKFold
for train_idx, test_idx in StratifiedKFold(n_splits=5).split(X, y):
    scaler = StandardScaler().fit(X[train_idx])
    X_tr, X_va = scaler.transform(X[train_idx]), scaler.transform(X[test_idx])
"""),
    ("KFold folds have roles", "K201", TABULAR + """
from sklearn.model_selection import KFold
for train_idx, test_idx in KFold(n_splits=5).split(X):
    scaler = StandardScaler()
    a = scaler.fit_transform(X[train_idx])
    b = scaler.fit_transform(X[test_idx])
""", TABULAR + """
from sklearn.model_selection import KFold
for train_idx, test_idx in KFold(n_splits=5).split(X):
    scaler = StandardScaler()
    a = scaler.fit_transform(X[train_idx])
    b = scaler.transform(X[test_idx])
"""),
    ("cross_val_score after a whole-data fit", "K202", TABULAR + """
from sklearn.model_selection import cross_val_score
from sklearn.linear_model import LogisticRegression
X = StandardScaler().fit_transform(X)
print(cross_val_score(LogisticRegression(), X, y, cv=5))
""", TABULAR + """
from sklearn.model_selection import cross_val_score
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
print(cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y, cv=5))
"""),
    ("the old sklearn.cross_validation module", "K202", TABULAR + """
from sklearn.cross_validation import train_test_split as tts
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = tts(X, y)
""", TABULAR + """
from sklearn.cross_validation import train_test_split as tts
X_train, X_test, y_train, y_test = tts(X, y)
X_train = StandardScaler().fit_transform(X_train)
"""),
    # ------------------------------------------------------ preprocessing forms
    ("sklearn.preprocessing.scale on all rows", "K202", TABULAR + """
from sklearn.preprocessing import scale
X = scale(X)
X_train, X_test, y_train, y_test = train_test_split(X, y)
""", TABULAR + """
from sklearn.preprocessing import normalize
X = normalize(X)
X_train, X_test, y_train, y_test = train_test_split(X, y)
"""),
    ("minmax_scale on the test set", "K201", TABULAR + """
from sklearn.preprocessing import minmax_scale
X_train, X_test, y_train, y_test = train_test_split(X, y)
X_test = minmax_scale(X_test)
""", TABULAR + """
from sklearn.preprocessing import minmax_scale, normalize
X_train, X_test, y_train, y_test = train_test_split(X, y)
X_test = normalize(X_test)
"""),
    ("imblearn's old fit_sample", "K206", """
from imblearn.over_sampling import SMOTE
from sklearn.model_selection import train_test_split
X_res, y_res = SMOTE().fit_sample(X, y)
X_train, X_test, y_train, y_test = train_test_split(X_res, y_res)
""", """
from imblearn.over_sampling import SMOTE
from sklearn.model_selection import train_test_split
X_train, X_test, y_train, y_test = train_test_split(X, y)
X_res, y_res = SMOTE().fit_sample(X_train, y_train)
"""),
    ("sklearn-pandas DataFrameMapper", "K202", """
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn_pandas import DataFrameMapper
df = pd.read_csv("data.csv")
mapper = DataFrameMapper([(["age"], StandardScaler())])
X = mapper.fit_transform(df)
X_train, X_test = train_test_split(X)
""", """
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn_pandas import DataFrameMapper
df = pd.read_csv("data.csv")
train, test = train_test_split(df)
mapper = DataFrameMapper([(["age"], StandardScaler())])
X_train = mapper.fit_transform(train)
"""),
    # ------------------------------------------------------------ output layer
    ("the output layer behind Flatten", "K101", """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Conv1D(8, 3), tf.keras.layers.Dense(1), tf.keras.layers.Flatten()])
model.compile(loss="binary_crossentropy")
""", """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Conv1D(8, 3), tf.keras.layers.Dense(1, activation="sigmoid"),
                             tf.keras.layers.Flatten()])
model.compile(loss="binary_crossentropy")
"""),
    ("the output layer behind Reshape and Dropout", "K102", """
from keras import layers, models
model = models.Sequential([layers.Dense(1, activation="softmax"), layers.Reshape((1,)), layers.Dropout(0.1)])
model.compile(loss="binary_crossentropy")
""", """
from keras import layers, models
model = models.Sequential([layers.Dense(1, activation="sigmoid"), layers.Reshape((1,)), layers.Dropout(0.1)])
model.compile(loss="binary_crossentropy")
"""),
    ("the width carried through global pooling", "K102", """
import keras
inputs = keras.Input((32, 32, 3))
x = keras.layers.Conv2D(1, 1, activation="softmax")(inputs)
outputs = keras.layers.GlobalAveragePooling2D()(x)
model = keras.Model(inputs, outputs)
model.compile(loss="binary_crossentropy")
""", """
import keras
inputs = keras.Input((32, 32, 3))
x = keras.layers.Conv2D(10, 1)(inputs)
x = keras.layers.GlobalAveragePooling2D()(x)
outputs = keras.layers.Activation("softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(loss="sparse_categorical_crossentropy")
"""),
    ("an Activation after BatchNormalization", "K105", """
from tensorflow.keras import layers, Sequential
model = Sequential([layers.Dense(10), layers.BatchNormalization(), layers.Activation("sigmoid")])
model.compile(loss="categorical_crossentropy")
""", """
from tensorflow.keras import layers, Sequential
model = Sequential([layers.Dense(10), layers.BatchNormalization(), layers.Activation("softmax")])
model.compile(loss="categorical_crossentropy")
"""),
    ("an identity Activation or a dtype cast after the output", "K101", """
import tensorflow as tf
inputs = tf.keras.Input((8,))
x = tf.keras.layers.Dense(3)(inputs)
outputs = tf.keras.layers.Activation("linear", dtype="float32")(x)
model = tf.keras.Model(inputs, outputs)
model.compile(loss="categorical_crossentropy")
""", """
import tensorflow as tf
inputs = tf.keras.Input((8,))
x = tf.keras.layers.Dense(3, activation="softmax")(inputs)
x = tf.keras.layers.Activation("linear", dtype="float32")(x)
outputs = tf.cast(x, tf.float32)
model = tf.keras.Model(inputs, outputs)
model.compile(loss="categorical_crossentropy")
"""),
    # ------------------------------------------------------------------ labels
    ("astype(int) of a class column", "K110", """
import pandas as pd
import keras
df = pd.read_csv("iris.csv")
y = df["species_id"].astype(int)
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(loss="categorical_crossentropy")
model.fit(df[["a", "b"]].values, y)
""", """
import pandas as pd
import keras
df = pd.read_csv("iris.csv")
y = df["species_id"].astype(int)
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy")
model.fit(df[["a", "b"]].values, y)
"""),
    (".cat.codes of a class column", "K110", """
import pandas as pd
import keras
df = pd.read_csv("iris.csv")
y = df["species"].astype("category").cat.codes
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(loss="categorical_crossentropy")
model.fit(df[["a", "b"]].values, y)
""", """
import pandas as pd
import keras
df = pd.read_csv("iris.csv")
y = keras.utils.to_categorical(df["species"].astype("category").cat.codes)
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(loss="categorical_crossentropy")
model.fit(df[["a", "b"]].values, y)
"""),
    ("class-id columns from np.zeros / np.ones", "K110", """
import numpy as np
import keras
cats, dogs = np.load("cats.npy"), np.load("dogs.npy")
X = np.concatenate([cats, dogs])
y = np.concatenate([np.zeros(len(cats)), np.ones(len(dogs))])
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
model.compile(loss="categorical_crossentropy")
model.fit(X, y)
""", """
import numpy as np
import keras
cats, dogs = np.load("cats.npy"), np.load("dogs.npy")
X = np.concatenate([cats, dogs])
y = np.concatenate([np.zeros(len(cats)), np.ones(len(dogs))])
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy")
model.fit(X, y)
"""),
    ("LabelBinarizer output", "K110", """
import keras
from sklearn.preprocessing import LabelBinarizer
lb = LabelBinarizer()
y = lb.fit_transform(labels)
model = keras.Sequential([keras.layers.Dense(5, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy")
model.fit(X, y)
""", """
import keras
from sklearn.preprocessing import LabelBinarizer
lb = LabelBinarizer()
y = lb.fit_transform(labels)
model = keras.Sequential([keras.layers.Dense(5, activation="softmax")])
model.compile(loss="categorical_crossentropy")
model.fit(X, y)
"""),
    ("len() of a literal list as a class count", "K109", """
import keras
CLASSES = ["cat", "dog", "bird"]
y = keras.utils.to_categorical(labels, num_classes=len(CLASSES))
model = keras.Sequential([keras.layers.Dense(4, activation="softmax")])
model.compile(loss="categorical_crossentropy")
model.fit(X, y)
""", """
import keras
CLASSES = ["cat", "dog", "bird"]
y = keras.utils.to_categorical(labels, num_classes=len(CLASSES))
model = keras.Sequential([keras.layers.Dense(len(CLASSES), activation="softmax")])
model.compile(loss="categorical_crossentropy")
model.fit(X, y)
"""),
    # ------------------------------------------------------- training and use
    ("compile() with positional arguments", "K101", """
import keras
model = keras.Sequential([keras.layers.Dense(1)])
model.compile("adam", "binary_crossentropy")
""", """
import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile("adam", "binary_crossentropy", ["accuracy"])
"""),
    ("a loss object in a custom training loop", "K106", """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(10, activation="softmax")])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam()
for x_batch, y_batch in train_dataset:
    with tf.GradientTape() as tape:
        logits = model(x_batch, training=True)
        loss_value = loss_fn(y_batch, logits)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
""", """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(10)])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam()
for x_batch, y_batch in train_dataset:
    with tf.GradientTape() as tape:
        logits = model(x_batch, training=True)
        loss_value = loss_fn(y_batch, logits)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
"""),
    ("a loss function in a custom training loop", "K101", """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
with tf.GradientTape() as tape:
    loss = tf.reduce_mean(tf.keras.losses.binary_crossentropy(y, model(x)))
""", """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
with tf.GradientTape() as tape:
    loss = tf.reduce_mean(tf.keras.losses.binary_crossentropy(y, model(x), from_logits=True))
"""),
    ("model(x) on batches of a dataset is a prediction", "K301", """
import numpy as np
import tensorflow as tf
x_test, y_test = np.load("x.npy"), np.load("y.npy")
model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy")
for xb, yb in tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32):
    pred = np.argmax(model(xb), axis=-1)
""", """
import numpy as np
import tensorflow as tf
x_test, y_test = np.load("x.npy"), np.load("y.npy")
model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy")
for xb, yb in tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32):
    pred = (model(xb).numpy() > 0.5).astype(int)
"""),
    ("a literal list passed to predict is raw input", "K203", TABULAR + """
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler().fit(X_train)
""" + SIGMOID + """
model.fit(scaler.transform(X_train), y_train)
print(model.predict([[5.1, 3.5, 1.4, 0.2]]))
print(model.predict(np.array([[6.3, 2.9, 5.6, 1.8]])))
""", TABULAR + """
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler().fit(X_train)
""" + SIGMOID + """
model.fit(scaler.transform(X_train), y_train)
print(model.predict(scaler.transform([[5.1, 3.5, 1.4, 0.2]])))
"""),
]


@pytest.mark.parametrize(("capability", "code", "fires", "silent"), CASES, ids=[c[0] for c in CASES])
def test_capability_fires(capability: str, code: str, fires: str, silent: str) -> None:
    assert code in codes(fires), f"{capability}: {code} did not fire"


@pytest.mark.parametrize(("capability", "code", "fires", "silent"), CASES, ids=[c[0] for c in CASES])
def test_capability_stays_silent(capability: str, code: str, fires: str, silent: str) -> None:
    assert code not in codes(silent), f"{capability}: {code} fired on the correct idiom"
