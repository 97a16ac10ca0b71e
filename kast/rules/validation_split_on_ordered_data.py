"""K602 validation-split-on-ordered-data: `validation_split=` on rows that come in class blocks.

## What it does
Checks `fit(x, y, validation_split=f)` calls whose arrays are visibly ordered:
per-class blocks concatenated (`np.concatenate([normal, abnormal])`, labels
from `np.zeros`/`np.ones` blocks), rows appended in a loop over class folders
or labels, or sorted by the label, with no shuffle in between
(`np.random.permutation`/`shuffle`, `sklearn.utils.shuffle`,
`train_test_split`, `df.sample(frac=1)`).

## Why is this bad?
Keras takes the validation set from the *last* fraction of the arrays, before
any shuffling (`fit(shuffle=True)` only shuffles the training part).  On rows
in class blocks the validation set is one class: validation accuracy says
nothing (or the model is never validated on the other classes), early
stopping and checkpoints select on it, and the class is partly missing from
training.

## Example
```python
X = np.concatenate([normal, abnormal])
y = np.concatenate([np.zeros(len(normal)), np.ones(len(abnormal))])
model.fit(X, y, validation_split=0.2)
```

Use instead:
```python
X, y = sklearn.utils.shuffle(X, y, random_state=0)
model.fit(X, y, validation_split=0.2)
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.calls import const
from kast.analysis.dataflow import Data, Fixed
from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires

CODE = "K602"
NAME = "validation-split-on-ordered-data"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
import numpy as np
import pandas as pd
import keras
normal = pd.read_csv("normal.csv").to_numpy()
abnormal = pd.read_csv("abnormal.csv").to_numpy()
X = np.concatenate([normal, abnormal])
y = np.concatenate([np.zeros(len(normal)), np.ones(len(abnormal))])
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y, epochs=10, validation_split=0.2)
""", line=11),
    Fires("""
import os
import numpy as np
import keras
images, labels = [], []
for label, name in enumerate(sorted(os.listdir("data"))):
    for fname in os.listdir(os.path.join("data", name)):
        images.append(keras.utils.img_to_array(keras.utils.load_img(os.path.join("data", name, fname))))
        labels.append(label)
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(np.array(images), np.array(labels), validation_split=0.1, shuffle=True)
""", line=12),
)
SILENT = (
    """
import numpy as np
import pandas as pd
import keras
from sklearn.utils import shuffle
normal = pd.read_csv("normal.csv").to_numpy()
abnormal = pd.read_csv("abnormal.csv").to_numpy()
X = np.concatenate([normal, abnormal])
y = np.concatenate([np.zeros(len(normal)), np.ones(len(abnormal))])
X, y = shuffle(X, y, random_state=0)
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y, epochs=10, validation_split=0.2)
""",
    """
import numpy as np
import keras
X = np.concatenate([np.load("a.npy"), np.load("b.npy")])
y = np.concatenate([np.zeros(100), np.ones(100)])
perm = np.random.permutation(len(X))
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X[perm], y[perm], validation_split=0.2)
""",
    """
import pandas as pd
import keras
df = pd.read_csv("sales.csv").sort_values("date")
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(df[["price", "promo"]].values, df["units"].values, validation_split=0.2)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for fit in picture.fits:
        split = fit.validation_split
        if split is None or const(split, (int, float)) in (None, 0) or fit.validation_data is not None:
            continue
        order = _grouped(fit.y) or _grouped(fit.x)
        if order is None:
            continue
        yield Finding(
            node=fit.node,
            message=(
                "fit(validation_split=...) takes the validation set from the last rows, before shuffling, but "
                "these rows come in blocks (classes one after another): the validation set is the last block, "
                "one class, so the validation scores are meaningless and that class is partly missing from "
                "training."
            ),
            hint="Shuffle the rows first (X, y = sklearn.utils.shuffle(X, y, random_state=0)), or split with "
                 "train_test_split(..., stratify=y) and pass validation_data=.",
            related=((order.node, "rows put in blocks here"),),
        )


def _grouped(value: object) -> Fixed | None:
    """The grouped row order of `value`, when a sort is by the column that is the labels (or none)."""
    if not isinstance(value, Data) or value.order is None or value.order.value != "grouped":
        return None
    key = value.order.key
    if key is not None and value.column != key:
        return None  # sorted by something else than these labels (a date: a time-ordered validation set)
    return value.order
