"""What kast knows about other people's code: library behaviour as data, by canonical name.

The interpreter (`kast.analysis.interpreter`) knows Python; what a library call
does is looked up here.  Each library has its module (`keras/`, `sklearn`,
`imblearn`, `numpy`, `scipy`, `pandas`, `tensorflow`, `tf_data`, `images`
(OpenCV, PIL), `sklearn_pandas`, and Python's `builtins`) holding rows of data
for the common cases and hooks for the few calls that need code.  A module may define:

- `FUNCTIONS`: canonical name -> `Callee(hook, row)` for calls of imported names;
- `resolve(qualname)`: a `Callee` for names that follow a pattern (every class
  under `keras.layers` is a layer);
- `METHODS`: value type -> {method name: hook(context, method, args, node)};
- `ATTRIBUTES`: value type -> {attribute name: a lineage effect, or a hook
  `hook(context, owner, node) -> Value`}.

Teaching kast a function is one row in the module of its library.
"""

from __future__ import annotations

from typing import Callable

import libcst as cst

from kast.analysis.calls import Callee
from kast.analysis.dataflow import Folds, RowIndex
from kast.analysis.models import Layer, Loss, Model
from kast.analysis.values import Sequence, UserClass, Value
from kast.libraries import (
    builtins,
    images,
    imblearn,
    keras,
    numpy,
    pandas,
    scipy,
    sklearn,
    sklearn_pandas,
    tensorflow,
    tf_data,
)
from kast.libraries.keras import arguments as keras_arguments
from kast.libraries.keras import layers as keras_layers
from kast.libraries.keras import losses as keras_losses
from kast.libraries.keras import models as keras_models
from kast.libraries.keras.names import KERAS_PACKAGES, is_keras
from kast.libraries.keras.names import canonical as keras_canonical

LIBRARIES = (*keras.MODULES, sklearn, sklearn_pandas, imblearn, numpy, scipy, pandas, tensorflow, tf_data, images,
             builtins)

# Old module paths that moved, by their current one.
_MOVED = (
    ("sklearn.cross_validation.", "sklearn.model_selection."),
    ("sklearn.grid_search.", "sklearn.model_selection."),
)

FUNCTIONS: dict[str, Callee] = {}
_RESOLVERS: list[Callable[[str], Callee | None]] = []
METHODS: dict[type, dict[str, Callable[..., Value]]] = {}
ATTRIBUTES: dict[type, dict[str, object]] = {}
for _library in LIBRARIES:
    FUNCTIONS.update(getattr(_library, "FUNCTIONS", {}))
    if hasattr(_library, "resolve"):
        _RESOLVERS.append(_library.resolve)
    for _kind, _table in getattr(_library, "METHODS", {}).items():
        METHODS.setdefault(_kind, {}).update(_table)
    for _kind, _effects in getattr(_library, "ATTRIBUTES", {}).items():
        ATTRIBUTES.setdefault(_kind, {}).update(_effects)

TRACKED_METHODS = keras_models.TRACKED_METHODS
WEIGHT_SETTERS = keras_models.WEIGHT_SETTERS

_FOUND: dict[str, Callee | None] = {}


def canonical(qualname: str) -> str:
    """The one name kast knows an imported object by, whatever the import style."""
    qualname = keras_canonical(qualname)
    for old, new in _MOVED:
        if qualname.startswith(old):
            return new + qualname[len(old):]
    return qualname


def function(qualname: str) -> Callee | None:
    """What calling the imported object `qualname` does; None when kast does not know it."""
    try:
        return _FOUND[qualname]
    except KeyError:
        pass
    found = FUNCTIONS.get(qualname)
    if found is None:
        for resolve in _RESOLVERS:
            found = resolve(qualname)
            if found is not None:
                break
    _FOUND[qualname] = found
    return found


def method(receiver: Value, name: str) -> Callable[..., Value] | None:
    """The hook of `receiver.name(...)` for a value kast models; None when unknown.

    A method a Keras model subclass defines itself does what its code does, not what Keras's does.
    """
    if isinstance(receiver, Model) and name in receiver.overrides:
        return None
    table = METHODS.get(type(receiver))
    return table.get(name) if table is not None else None


def attribute(owner: Value, name: str) -> object | None:
    """What reading `owner.name` gives: a lineage effect (`df.values`) or a hook (`generator.classes`)."""
    table = ATTRIBUTES.get(type(owner))
    return table.get(name) if table is not None else None


def call_object(value: Value) -> Callable[..., Value] | None:
    """The hook of calling a library object kast models (`layer(x)`, `model(x)`)."""
    if isinstance(value, Layer):
        return keras_layers.apply_layer
    if isinstance(value, Model):
        return keras_models.call_model
    if isinstance(value, Loss):
        return keras_losses.call_loss
    return None


def argument_key(func: Value) -> str | None:
    """The name under which the Keras argument table knows `func`'s keywords, if it does."""
    return keras_arguments.key_for(func)


def builtin(name: str) -> str | None:
    """The qualified name of a Python built-in kast models (`len`), for a name the script does not bind."""
    return f"builtins.{name}" if name in builtins.NAMES else None


def element(value: Value, node: cst.CSTNode) -> Value | None:
    """What iterating a library value gives (the folds of a cross-validation splitter)."""
    if isinstance(value, Folds):
        return Sequence((RowIndex("train", value.node), RowIndex("validation", value.node)), node)
    return builtins.element(value, node)


def user_class_hook(cls: UserClass) -> Callable[..., Value] | None:
    """What instantiating a user class adds to it (a Keras model subclass is a model)."""
    return keras_models.subclassed if keras_models.is_model_class(cls) else None


def star_import(module: str, name: str) -> str | None:
    """The canonical name `name` has after `from module import *`, when kast knows it."""
    if is_keras(module) and name[:1].isupper():
        return canonical(f"{module}.{name}")
    return None


def is_framework(module: str) -> bool:
    """True when importing `module` means the script uses Keras."""
    return module.split(".", 1)[0] in KERAS_PACKAGES
