"""Keras training callbacks that act on the validation score: stopping early, keeping the best weights."""

from __future__ import annotations

import libcst as cst

from kast.analysis.calls import Args, Callee, Context, bool_of
from kast.analysis.models import Callback
from kast.analysis.values import Value
from kast.libraries.keras.names import keras_member


def make_callback(context: Context, name: str, args: Args, node: cst.Call) -> Value:
    stops = name == "EarlyStopping"
    # EarlyStopping(restore_best_weights=True) and ModelCheckpoint(save_best_only=True) keep the best epoch.
    keeps_best = (stops and bool_of(args.get("restore_best_weights"), False) is True) or \
        (name == "ModelCheckpoint" and bool_of(args.get("save_best_only"), False) is True)
    return Callback(name, node, keeps_best, stops)


def resolve(qualname: str) -> Callee | None:
    name = keras_member(qualname, "callbacks")
    return Callee(make_callback, name) if name is not None and name[:1].isupper() else None
