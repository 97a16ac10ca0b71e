"""K507 removed-keras-argument: a Keras 1 or 2 argument that current Keras rejects or ignores.

## What it does
Checks the keyword arguments of calls of Keras layers, models, model methods
(`fit`, `compile`, `evaluate` ...), callbacks and `ImageDataGenerator` against
what Keras 3 accepts: Keras 1 names (`output_dim=`, `init=`, `nb_epoch=`,
`border_mode=`, `subsample=`, `W_regularizer=`, `nb_filter=`, `dim_ordering=`
...), with their current name, and Keras 2 arguments Keras 3 no longer takes
(`batch_input_shape=` on a layer, `workers=` on `fit`), and `metrics=` given a
single string or metric instead of a list.  One call is one finding.  `lr=` and `decay=` on optimizers are
K501's.  The accepted names come from a table generated from Keras 3 and
tf_keras (never from importing Keras).

## Why is this bad?
Current Keras raises on these arguments (`TypeError: Unrecognized keyword
arguments`, `ValueError: Expected metrics to be a list`), so the script that
worked with an old Keras no longer builds or trains; the tutorial, answer or
repository it came from is silently out of date.

## Example
```python
model.add(Dense(output_dim=64, init="uniform"))
model.fit(X, y, nb_epoch=10)
```

Use instead:
```python
model.add(Dense(units=64, kernel_initializer="uniform"))
model.fit(X, y, epochs=10)
```

## Fix safety
The fix renames the arguments whose current name is certain (`nb_epoch=` ->
`epochs=`) and wraps a single metric in a list.  It is safe: those are
the same arguments under their current names.  Arguments that were removed,
or whose meaning or values changed (`nb_row`/`nb_col`, `dim_ordering='tf'`),
get no fix.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from kast.analysis.models import Metric
from kast.analysis.picture import KerasCall, Picture
from kast.analysis.values import Const
from kast.diagnostics import Severity
from kast.libraries.keras import arguments
from kast.rules.base import Finding, Fires, FixPlan

CODE = "K507"
NAME = "removed-keras-argument"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
from keras.models import Sequential
from keras.layers import Dense
model = Sequential()
model.add(Dense(output_dim=64, init="uniform", input_dim=20))
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(X, y, nb_epoch=10)
""", line=5, fixed='units'),
    Fires("""
from tensorflow.keras.layers import Conv2D
conv = Conv2D(64, (3, 3), border_mode="same")
""", line=3, fixed='padding'),
    Fires("""
import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam", metrics="accuracy")
""", line=4, fixed='["accuracy"]'),
)
SILENT = (
    """
import keras
model = keras.Sequential([keras.layers.Embedding(10000, output_dim=64), keras.layers.Dense(1)])
model.compile(loss="mse", optimizer="adam", metrics=["mae"])
model.fit(X, y, epochs=10, batch_size=32)
""",
    """
import keras
opt = keras.optimizers.Adam(lr=1e-3)
""",
    """
from my_layers import Dense
layer = Dense(output_dim=3)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for call in picture.keras_calls:
        problems: list[tuple[cst.Arg, str, str, tuple[tuple[cst.CSTNode, cst.CSTNode], ...] | None]] = []
        for name, (value, arg) in call.args.keywords.items():
            if arguments.removed_by_k501(call.key, name):
                continue
            single = isinstance(value, Const) and isinstance(value.value, str) or isinstance(value, Metric)
            if single and arguments.rejects_single_string(call.key, name):
                what = "a single string" if isinstance(value, Const) else "a single metric"
                problems.append((arg, f"`{name}=` is {what} (Keras 3 wants a list)",
                                 f"pass a list: {name}=[{_code(arg.value)}]", _listed(arg)))
                continue
            verdict = arguments.judge(call.key, name)
            if verdict is not None:
                problems.append((arg, _describe(verdict), _remedy(verdict), _renamed(call, arg, verdict)))
        if not problems:
            continue
        parts = call.key.rsplit(".", 2)
        callable_name = ".".join(parts[-2:]) if parts[-2] in ("Model", "Sequential") else parts[-1]
        replacements = tuple(r for *_, fix in problems if fix is not None for r in fix)
        yield Finding(
            node=problems[0][0],
            message=(f"`{callable_name}(...)` gets {'an argument' if len(problems) == 1 else 'arguments'} current "
                     "Keras no longer takes: " + "; ".join(text for _, text, _, _ in problems)
                     + f". Keras 3 raises on {'it' if len(problems) == 1 else 'them'}, so this line fails with "
                       "current Keras."),
            hint=_capitalised("; ".join(remedy for _, _, remedy, _ in problems)) + ".",
            fix=FixPlan("use the current argument names", True, replacements) if replacements else None,
        )


def _code(node: cst.BaseExpression) -> str:
    return cst.Module([]).code_for_node(node)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _describe(verdict: arguments.Verdict) -> str:
    if verdict.removed_in_keras3:
        return f"`{verdict.keyword}=` was removed in Keras 3"
    extra = f" ({verdict.note})" if verdict.note else ""
    if verdict.current is None:
        return f"`{verdict.keyword}=` is a Keras 1 argument with no current equivalent{extra}"
    return f"`{verdict.keyword}=` is the Keras 1 name of `{verdict.current}=`{extra}"


def _remedy(verdict: arguments.Verdict) -> str:
    if verdict.current is None:
        return f"remove `{verdict.keyword}=`"
    if verdict.certain:
        return f"rename `{verdict.keyword}=` to `{verdict.current}=`"
    return f"replace `{verdict.keyword}=` with `{verdict.current}=` (check the value: its meaning changed)"


def _renamed(call: KerasCall, arg: cst.Arg,
             verdict: arguments.Verdict) -> tuple[tuple[cst.CSTNode, cst.CSTNode], ...] | None:
    """`nb_epoch=` -> `epochs=`, when the rename is certain and the current name is not passed already."""
    if not verdict.certain or verdict.current is None or arg.keyword is None \
            or verdict.current in call.args.keywords or verdict.current not in arguments.accepted(call.key):
        return None
    return ((arg.keyword, arg.keyword.with_changes(value=verdict.current)),)


def _listed(arg: cst.Arg) -> tuple[tuple[cst.CSTNode, cst.CSTNode], ...] | None:
    """`metrics="accuracy"` -> `metrics=["accuracy"]`, `metrics=AUC()` -> `metrics=[AUC()]`."""
    return ((arg.value, cst.List([cst.Element(arg.value)])),)
