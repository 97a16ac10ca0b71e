"""K203 unscaled-inference-input: the model is trained on transformed inputs but predicts on raw ones.

## What it does
Checks `predict()`, `evaluate()` and `model(x)` calls whose input never went
through the fitted transform (scaler, PCA, vectorizer, tokenizer ...) that the
model's training input went through.  An input refit through another object of
the same class (`StandardScaler().fit_transform(X_test)`) is K201's finding,
not this rule's.

## Why is this bad?
The model learnt on standardised features (means near 0, unit variance) and
now receives raw values in their original units, often orders of magnitude
larger: its outputs are garbage, yet nothing crashes.  An `evaluate()` on raw
inputs reports a score that has nothing to do with the model's real quality.

## Example
```python
model.fit(scaler.fit_transform(X_train), y_train)
model.predict(X_test)
```

Use instead:
```python
model.fit(scaler.fit_transform(X_train), y_train)
model.predict(scaler.transform(X_test))
```

## Fix safety
The fix wraps the input in the fitted object's `transform()`
(`model.predict(scaler.transform(X_test))`) when exactly one transform is
missing and the object has a plain name. It is unsafe: the data may already be
scaled some other way kast cannot see.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from kast.analysis.dataflow import Transform, fitted_kind, same_class
from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.libraries import common
from kast.rules.base import Finding, Fires, FixPlan, snippet
from kast.rules.input_facts import inference_inputs

CODE = "K203"
NAME = "unscaled-inference-input"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
import tensorflow as tf
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler()
X_train_scaled = scaler.fit_transform(X_train)
model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
model.compile(loss="mse")
model.fit(X_train_scaled, y_train)
pred = model.predict(X_test)
""", line=11, fixed='scaler.transform(X_test)'),
    Fires("""
import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = MinMaxScaler().fit(X_train)
model = keras.Sequential([keras.layers.Dense(1)])
model.fit(scaler.transform(X_train), y_train)
model.evaluate(X_test, y_test)
""", line=9, fixed='scaler.transform(X_test)'),
)
SILENT = (
    """
import tensorflow as tf
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)
model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
model.fit(X_train, y_train)
pred = model.predict(X_test)
""",
    """
import tensorflow as tf
from sklearn.model_selection import train_test_split
X_train, X_test, y_train, y_test = train_test_split(X, y)
norm = tf.keras.layers.Normalization()
norm.adapt(X_train)
model = tf.keras.Sequential([norm, tf.keras.layers.Dense(1)])
model.fit(X_train, y_train)
pred = model.predict(X_test)
""",
)


def _fitted(transforms: tuple[Transform, ...]) -> list[Transform]:
    return [t for t in transforms if fitted_kind(t.estimator) not in (None, "encoder", "resampler")]


def check(picture: Picture) -> Iterator[Finding]:
    for inference, x, trained in inference_inputs(picture):
        if inference.x_node is None:
            continue
        fit, trained_x = trained[-1]
        needed = _fitted(trained_x.transforms)
        if not needed:
            continue
        have = _fitted(x.transforms)
        missing = [t for t in needed
                   if not any(h.estimator is t.estimator or same_class(h.estimator, t.estimator) for h in have)]
        if not missing:
            continue
        transform = missing[0]
        yield Finding(
            fix=_wrap(transform, inference.x_node) if len(needed) == 1 else None,
            node=inference.x_node,
            message=(
                f"The model was trained on inputs transformed by `{snippet(picture, transform.node)}`, but "
                f"{inference.method}() receives `{snippet(picture, inference.x_node)}`, which never went "
                "through that fitted transform: the model sees features on a different scale than it learnt "
                "and its outputs are wrong."
            ),
            hint=f"Apply the same fitted transform first, e.g. {inference.method}(scaler.transform(...)), "
                 "or put the preprocessing inside the model (a Normalization layer).",
            related=((transform.node, "training input transformed here"), (fit.node, "trained here")),
        )


def _wrap(transform: Transform, x_node: cst.CSTNode) -> FixPlan | None:
    """`predict(X_test)` -> `predict(scaler.transform(X_test))` with the fitted object the training input used."""
    call = transform.node
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute) or \
            call.func.attr.value not in common.TRANSFORMING or not isinstance(call.func.value, cst.Name):
        return None
    if not isinstance(x_node, cst.BaseExpression):
        return None
    receiver = call.func.value.value
    wrapped = cst.Call(func=cst.Attribute(cst.Name(receiver), cst.Name("transform")), args=[cst.Arg(x_node)])
    return FixPlan(f"apply {receiver}.transform() first", False, ((x_node, wrapped),))
