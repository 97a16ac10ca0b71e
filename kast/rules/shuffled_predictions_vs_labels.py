"""K601 shuffled-predictions-vs-labels: predictions of a shuffling loader compared with labels in another order.

## What it does
Checks predictions made by `predict()` on a source that shuffles —
`flow`/`flow_from_directory`/`flow_from_dataframe` and
`image_dataset_from_directory`/`text_dataset_from_directory` without
`shuffle=False` (they shuffle by default), a tf.data pipeline with
`.shuffle(...)` and no `.cache()` after it — that are compared, by a
label-based metric or `==`, with labels in another order: the source's
`.classes`/`.labels` (file order), labels gathered in a second pass over the
source (`np.concatenate([y for x, y in ds])`), or the unshuffled arrays the
pipeline was built from.  Silent with `shuffle=False`, labels gathered in the
same loop as the predictions, `evaluate()`, or a `shuffle=` kast cannot read.

## Why is this bad?
The i-th prediction belongs to the i-th image the loader yielded, in shuffled
order; the i-th label belongs to the i-th file.  Compared row by row they do
not match: a perfect 3-class model scores about 0.33, the confusion matrix is
noise, and the model looks broken when it is not (or a broken one looks no
worse than the rest).

## Example
```python
test = datagen.flow_from_directory("test")
y_pred = model.predict(test).argmax(axis=1)
print(classification_report(test.classes, y_pred))
```

Use instead:
```python
test = datagen.flow_from_directory("test", shuffle=False)
y_pred = model.predict(test).argmax(axis=1)
print(classification_report(test.classes, y_pred))
```

## Fix safety
The fix adds `shuffle=False` to a generator or directory loader that is only
predicted from and evaluated on (never trained on), and that is no
`subset=` of a folder split with `validation_split=` (there `shuffle=` also
decides which files are in the subset).  It is safe: the order of a source
that is not trained on changes no result but the comparison.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from kast.analysis.dataflow import Data, Pipeline
from kast.analysis.picture import Picture
from kast.analysis.values import Value
from kast.diagnostics import Severity
from kast.rules import edits
from kast.rules.base import Finding, Fires, FixPlan

CODE = "K601"
NAME = "shuffled-predictions-vs-labels"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
import numpy as np
from sklearn.metrics import classification_report
from tensorflow.keras.models import load_model
from tensorflow.keras.preprocessing.image import ImageDataGenerator
model = load_model("model.keras")
test = ImageDataGenerator(rescale=1.0 / 255).flow_from_directory("data/test", target_size=(150, 150))
y_pred = np.argmax(model.predict(test), axis=1)
print(classification_report(test.classes, y_pred))
""", line=9,
          fixed='ImageDataGenerator(rescale=1.0 / 255).flow_from_directory("data/test", target_size=(150, 150), '
                'shuffle=False)'),
    Fires("""
import numpy as np
import keras
from sklearn.metrics import confusion_matrix
val_ds = keras.utils.image_dataset_from_directory("plants", validation_split=0.2, subset="validation", seed=1)
model = keras.models.load_model("plants.keras")
y_true = np.concatenate([y for x, y in val_ds], axis=0)
y_pred = np.argmax(model.predict(val_ds), axis=1)
print(confusion_matrix(y_true, y_pred))
""", line=9),
    Fires("""
import numpy as np
import tensorflow as tf
from sklearn.metrics import accuracy_score
x_test, y_test = np.load("x.npy"), np.load("y.npy")
test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).shuffle(1000).batch(64)
model = tf.keras.models.load_model("m.keras")
print(accuracy_score(y_test, model.predict(test_ds).argmax(axis=1)))
""", line=8),
)
SILENT = (
    """
import numpy as np
from sklearn.metrics import classification_report
from tensorflow.keras.models import load_model
from tensorflow.keras.preprocessing.image import ImageDataGenerator
model = load_model("model.keras")
test = ImageDataGenerator(rescale=1.0 / 255).flow_from_directory("data/test", shuffle=False)
y_pred = np.argmax(model.predict(test), axis=1)
print(classification_report(test.classes, y_pred))
""",
    """
import numpy as np
import keras
from sklearn.metrics import confusion_matrix
val_ds = keras.utils.image_dataset_from_directory("plants", validation_split=0.2, subset="validation", seed=1)
model = keras.models.load_model("plants.keras")
y_true, y_pred = [], []
for images, labels in val_ds:
    y_pred.append(np.argmax(model.predict_on_batch(images), axis=1))
    y_true.append(labels)
print(confusion_matrix(np.concatenate(y_true), np.concatenate(y_pred)))
""",
    """
import numpy as np
import tensorflow as tf
from sklearn.metrics import accuracy_score
x_val, y_val = np.load("x.npy"), np.load("y.npy")
val_ds = tf.data.Dataset.from_tensor_slices((x_val, y_val)).shuffle(1000).batch(64).cache()
model = tf.keras.models.load_model("m.keras")
probs = model.predict(val_ds)
y_true = np.concatenate([labels for _, labels in val_ds])
print(accuracy_score(y_true, probs.argmax(axis=1)))
""",
    """
import numpy as np
from sklearn.metrics import classification_report
from tensorflow.keras.models import load_model
from tensorflow.keras.preprocessing.image import ImageDataGenerator
model = load_model("model.keras")
test = ImageDataGenerator(rescale=1.0 / 255).flow_from_directory("data/test", shuffle=SHUFFLE)
print(classification_report(test.classes, np.argmax(model.predict(test), axis=1)))
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    reported: set[int] = set()
    for use in picture.prediction_uses:
        if use.kind not in ("label_metric", "equality") or id(use.node) in reported:
            continue
        source = use.prediction.source
        if not isinstance(source, Data) or source.sample or source.pipeline is None:
            continue
        pipeline = source.pipeline
        if pipeline.shuffle is None or not pipeline.shuffle_known:
            continue
        why = _misaligned(source, pipeline, use.other)
        if why is None:
            continue
        reported.add(id(use.node))
        yield Finding(
            node=use.node,
            message=(
                f"The predictions come from `predict()` on a source that shuffles, and are compared with "
                f"{why}: the rows do not line up, so the score or matrix is near chance whatever the model."
            ),
            hint=("Predict on a source that does not shuffle (shuffle=False on the loader, or no .shuffle() in "
                  "the evaluation pipeline), or collect the labels in the same loop as the predictions."),
            related=((pipeline.shuffle, "the source shuffles here"), (use.prediction.node, "predictions made here")),
            fix=_no_shuffle(picture, pipeline),
        )


def _misaligned(source: Data, pipeline: Pipeline, other: Value | None) -> str | None:
    """Why `other` (the labels) is in another order than the predictions; None when it is not known to be."""
    if not isinstance(other, Data):
        return None
    if other.listing is not None and other.listing.root is pipeline.root:
        return "the loader's labels in file order (`.classes` / `.labels`)"
    if other.pass_of is not None and other.pass_of.root is pipeline.root and \
            (pipeline.reshuffles or other.pass_of is not pipeline):
        return "labels gathered in another pass over the same shuffling source, which comes in a new order"
    for part in source.parts[1:]:
        if isinstance(part, Data) and part.lineage == other.lineage and other.pipeline is None \
                and other.pass_of is None:
            return "the labels the pipeline was built from, in their original order"
    return None


def _no_shuffle(picture: Picture, pipeline: Pipeline) -> FixPlan | None:
    """`flow_from_directory(...)` -> `flow_from_directory(..., shuffle=False)` for a loader never trained on."""
    call = pipeline.root
    if not isinstance(call, cst.Call) or pipeline.shuffle is not call:
        return None  # a tf.data .shuffle() step: removing it is for the author to decide
    if pipeline.subset is not None:
        return None  # a subset= loader: its files depend on shuffle=, and must match its training sibling
    if any(isinstance(fit.x, Data) and fit.x.pipeline is not None and fit.x.pipeline.root is call
           for fit in picture.fits):
        return None
    replacements = edits.keyword_set(call, "shuffle", "False")
    return FixPlan("pass shuffle=False", True, replacements) if replacements is not None else None
