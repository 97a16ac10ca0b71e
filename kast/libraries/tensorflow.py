"""TensorFlow functions outside Keras and tf.data: tensors as data, and identity ops on a model's output."""

from __future__ import annotations

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context
from kast.analysis.dataflow import Data
from kast.analysis.models import IDENTITY, Layer, Tensor
from kast.analysis.values import UNKNOWN_VALUE, Value
from kast.libraries import common, numpy


def _identity(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`tf.cast(x, tf.float32)`, `tf.identity(x)`: the same values (a mixed-precision output cast)."""
    first = args.value("x", 0)
    if isinstance(first, Tensor):
        return Tensor(node, Layer("Identity", node, role=IDENTITY), first)
    if isinstance(first, Data):
        return lineage.apply(lineage.CAST, first, node)
    return UNKNOWN_VALUE


FUNCTIONS = {
    "tensorflow.concat": Callee(common.concatenate, 1),
    **{f"{module}.argmax": numpy.FUNCTIONS["numpy.argmax"] for module in ("tensorflow", "tensorflow.math")},
    **{f"{module}.{name}": numpy.FUNCTIONS["numpy.round"]
       for module in ("tensorflow", "tensorflow.math") for name in ("round", "rint")},
    **{name: Callee(_identity) for name in ("tensorflow.cast", "tensorflow.identity", "keras.ops.cast",
                                            "tensorflow.convert_to_tensor")},
}

METHODS = {Data: {"numpy": common.method(lineage.KEEP)}}
