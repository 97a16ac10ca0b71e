"""K110 label-encoding-vs-loss: the labels' encoding does not match the crossentropy variant.

## What it does
Checks `fit()` calls whose labels have a known encoding against the model's
loss: `sparse_categorical_crossentropy` fed one-hot labels (`to_categorical`,
`pd.get_dummies`, a dense `OneHotEncoder`), or `categorical_crossentropy` on
a 2+ unit output fed integer class ids (`LabelEncoder`, `randint`).

## Why is this bad?
The sparse loss reads each label as one class id; fed a one-hot row it fails
on the shape, or (with a single column) learns the wrong targets.  The
categorical loss reads each label as a distribution over the classes; fed an
integer id it multiplies the id into the log-probabilities, a meaningless
loss, and the model learns nothing useful.

## Example
```python
y = to_categorical(y)
model.compile(loss="sparse_categorical_crossentropy")
model.fit(x, y)
```

Use instead:
```python
y = to_categorical(y)
model.compile(loss="categorical_crossentropy")
model.fit(x, y)
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.dataflow import Data
from kast.analysis.picture import Picture
from kast.analysis.values import Known
from kast.diagnostics import Severity
from kast.rules.base import Finding, Fires

CODE = "K110"
NAME = "label-encoding-vs-loss"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense
from tensorflow.keras.utils import to_categorical
y_train = to_categorical(y_train)
model = Sequential([Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train)
""", line=7),
    Fires("""
from sklearn.preprocessing import LabelEncoder
from tensorflow import keras
encoder = LabelEncoder()
y = encoder.fit_transform(df["species"])
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss=keras.losses.categorical_crossentropy)
model.fit(X, y)
""", line=7),
)
SILENT = (
    """
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense
from tensorflow.keras.utils import to_categorical
y_train = to_categorical(y_train)
model = Sequential([Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x_train, y_train)
""",
    """
from sklearn.preprocessing import LabelEncoder
from tensorflow import keras
y = LabelEncoder().fit_transform(df["species"])
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for fit in picture.fits:
        labels = fit.y.labels if isinstance(fit.y, Data) else None
        if labels is None or fit.compile is None:
            continue
        pairs = fit.compile.loss_per_output()
        if len(pairs) != 1:
            continue
        output, loss = pairs[0]
        units = output.units.value if isinstance(output.units, Known) else None
        # LabelBinarizer one-hot encodes 3+ classes; two classes it leaves as one 0/1 column.
        onehot = labels.encoding == "onehot" or (labels.encoding == "binarized" and units is not None and units > 2)
        if loss.name == "sparse_categorical_crossentropy" and onehot:
            yield Finding(
                node=loss.node,
                message=(
                    "'sparse_categorical_crossentropy' expects one integer class id per sample, but the "
                    "labels are one-hot encoded: training fails on the label shape or learns the wrong targets."
                ),
                hint="Use loss=\"categorical_crossentropy\" with one-hot labels, or drop the one-hot encoding.",
                related=((labels.node, "labels one-hot encoded here"), (fit.node, "trained on them here")),
            )
        elif (loss.name == "categorical_crossentropy" and labels.encoding == "integer"
              and isinstance(output.units, Known) and output.units.value >= 2):
            yield Finding(
                node=loss.node,
                message=(
                    f"'categorical_crossentropy' expects one-hot labels over the {output.units.value} outputs, "
                    "but the labels are integer class ids: the loss is meaningless and the model learns "
                    "nothing useful."
                ),
                hint="Use loss=\"sparse_categorical_crossentropy\" for integer labels, or one-hot encode them "
                     "with keras.utils.to_categorical.",
                related=((labels.node, "integer labels made here"), (fit.node, "trained on them here")),
            )
