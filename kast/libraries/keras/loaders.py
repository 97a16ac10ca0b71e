"""Keras data loaders: the bundled datasets."""

from __future__ import annotations

import libcst as cst

from kast.analysis.calls import Args, Callee, Context
from kast.analysis.dataflow import Data
from kast.analysis.values import Sequence, Value


def load_data(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`keras.datasets.<name>.load_data()`: ((x_train, y_train), (x_test, y_test))."""
    return Sequence(tuple(Sequence((Data(node, role=role, role_node=node, origin=node),
                                    Data(node, role=role, role_node=node, origin=node)), node)
                          for role in ("train", "test")), node)


def resolve(qualname: str) -> Callee | None:
    if qualname.startswith("keras.datasets.") and qualname.endswith(".load_data"):
        return Callee(load_data)
    return None
