"""K304 removed-keras-api: a model method that Keras no longer has.

## What it does
Checks calls of `predict_classes`, `predict_proba`, `fit_generator`,
`evaluate_generator` and `predict_generator` on a Keras model.

## Why is this bad?
`predict_classes` and `predict_proba` were removed in TensorFlow 2.6, and the
`*_generator` methods are gone in Keras 3 (TensorFlow 2.16+): the script stops
with `AttributeError` at that line, after the whole training run when the call
comes last.  `fit`, `evaluate` and `predict` accept generators,
`keras.utils.PyDataset`/`Sequence` objects and `tf.data` datasets directly.

`predict_proba` is reported on a Keras model only: scikit-learn estimators
still have it.

## Example
```python
model.fit_generator(train_flow, epochs=10)
classes = model.predict_classes(x_test)
```

Use instead:
```python
model.fit(train_flow, epochs=10)
classes = np.argmax(model.predict(x_test), axis=-1)  # softmax output
# classes = (model.predict(x_test) > 0.5).astype("int32")  # sigmoid output
```

## Fix safety
`fit_generator`/`evaluate_generator`/`predict_generator` become
`fit`/`evaluate`/`predict` with the same arguments, `predict_proba` becomes
`predict`, and `predict_classes(x)` becomes `np.argmax(model.predict(x),
axis=-1)` for a softmax output (adding `import numpy as np` when missing) or
`(model.predict(x) > 0.5).astype("int32")` for a sigmoid output. These are
safe: they compute what the removed method did. Without a known output
activation there is no fix.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from kast.analysis.models import Model
from kast.analysis.picture import MethodCall, Picture
from kast.analysis.values import UNKNOWN_VALUE, Known, Ref
from kast.diagnostics import Severity
from kast.libraries import sklearn
from kast.libraries.keras import models as keras_models
from kast.rules import edits
from kast.rules.base import Finding, Fires, FixPlan

CODE = "K304"
NAME = "removed-keras-api"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
import numpy as np
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense
model = Sequential([Dense(64, activation="relu", input_shape=(20,)), Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=5)
classes = model.predict_classes(x_test)
""", line=8, fixed='np.argmax(model.predict(x_test), axis=-1)'),
    Fires("""
import tensorflow as tf
from tensorflow.keras.preprocessing.image import ImageDataGenerator
flow = ImageDataGenerator(rescale=1 / 255).flow_from_directory("data/train", target_size=(64, 64))
model = tf.keras.models.load_model("base.h5")
model.fit_generator(flow, steps_per_epoch=len(flow), epochs=3)
""", line=6, fixed='model.fit'),
    Fires("""
from keras.models import load_model
def evaluate(net, test_flow):
    return net.evaluate_generator(test_flow, steps=len(test_flow))
""", line=4, fixed='net.evaluate'),
)
SILENT = (
    """
from sklearn.linear_model import LogisticRegression
import tensorflow as tf
clf = LogisticRegression().fit(X_train, y_train)
scores = clf.predict_proba(X_test)[:, 1]
""",
    """
import numpy as np
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_flow, epochs=3)
classes = np.argmax(model.predict(x_test), axis=-1)
""",
    """
def report(estimator, X):
    return estimator.predict_proba(X)
""",
    """
import numpy as np
def evaluate(learner, flow):
    return learner.predict_generator(flow)
""",
)

def check(picture: Picture) -> Iterator[Finding]:
    seen: set[int] = set()
    for call in picture.method_calls:
        if call.name not in keras_models.REMOVED_METHODS or id(call.node) in seen:
            continue
        model = call.receiver if isinstance(call.receiver, Model) else None
        if model is None:
            # A receiver kast cannot see may be a scikit-learn estimator, which still has predict_proba.
            if call.receiver is not UNKNOWN_VALUE or call.name in sklearn.ESTIMATOR_METHOD_NAMES:
                continue
            if not picture.imports_keras:
                continue
        seen.add(id(call.node))
        related: tuple[tuple[cst.CSTNode, str], ...] = ()
        if model is not None:
            made = "loaded" if model.kind == "loaded" else "built"
            related = ((model.node, f"the Keras model is {made} here"),)
        yield Finding(node=call.node, message=_message(call.name), hint=_hint(call.name, model), related=related,
                      fix=_replacement(picture, call, model))


_CONSEQUENCE = {
    keras_models.TRAIN: "the model is never trained",
    keras_models.EVALUATE: "the model is never evaluated",
    keras_models.PREDICT: "the script never gets its predictions",
}


def _message(name: str) -> str:
    removed = keras_models.REMOVED_METHODS[name]
    consequence = _CONSEQUENCE[keras_models.METHOD_ROLES[name]]
    return f"`{name}()` was removed from Keras models in {removed.removed_in}: this line raises AttributeError, " \
        f"so {consequence}."


def _hint(name: str, model: Model | None) -> str:
    if name == "predict_proba":
        return "Use model.predict(x): a sigmoid or softmax output already returns the probabilities."
    if name == "predict_classes":
        activation = _output_activation(model)
        argmax = "np.argmax(model.predict(x), axis=-1)"
        threshold = '(model.predict(x) > 0.5).astype("int32")'
        if activation == "softmax":
            return f"Use {argmax} for this softmax output."
        if activation == "sigmoid":
            return f"Use {threshold} for this sigmoid output."
        return f"Use {argmax} for a softmax output, or {threshold} for a sigmoid output."
    replacement = keras_models.REMOVED_METHODS[name].replacement
    return (f"Call model.{replacement}(...) with the same generator: {replacement}() accepts generators, "
            "keras.utils.Sequence/PyDataset objects and tf.data datasets (steps_per_epoch/steps keep working).")


def _output_activation(model: Model | None) -> str | None:
    outputs = model.output_layers() if model is not None else None
    if outputs is None or len(outputs) != 1 or not isinstance(outputs[0].activation, Known):
        return None
    return outputs[0].activation.value


def _replacement(picture: Picture, call: MethodCall, model: Model | None) -> FixPlan | None:
    """The call that does today what the removed method did."""
    node = call.node
    if not isinstance(node.func, cst.Attribute):
        return None
    method = keras_models.REMOVED_METHODS[call.name].replacement
    if method is not None:
        renamed = edits.renamed(node.func, method)
        return FixPlan(f"call {method}()", True, ((node.func, renamed),)) if renamed is not None else None
    activation = _output_activation(model)
    predict = node.with_changes(func=node.func.with_changes(attr=cst.Name("predict")))
    code = picture.module.code_for_node(predict)
    if activation == "sigmoid":
        text = f'({code} > 0.5).astype("int32")'
        return FixPlan("threshold predict() at 0.5", True, ((node, cst.parse_expression(text)),))
    if activation != "softmax":
        return None
    np = picture.module_names.get("np")
    if np is not None and not (isinstance(np, Ref) and np.qualname == "numpy"):
        return None  # `np` is something else here
    inserts = () if np is not None else ((edits.top_level_import_line(picture.statements, picture.span), "import numpy as np\n"),)
    return FixPlan("take the argmax of predict()", True,
                   ((node, cst.parse_expression(f"np.argmax({code}, axis=-1)")),), inserts)
