"""TensorFlow functions outside Keras and tf.data: tensors as data."""

from __future__ import annotations

from kast.analysis import lineage
from kast.analysis.calls import Callee
from kast.analysis.dataflow import Data
from kast.libraries import common, numpy

FUNCTIONS = {
    "tensorflow.concat": Callee(common.concatenate),
    **{f"{module}.argmax": numpy.FUNCTIONS["numpy.argmax"] for module in ("tensorflow", "tensorflow.math")},
    **{f"{module}.{name}": numpy.FUNCTIONS["numpy.round"]
       for module in ("tensorflow", "tensorflow.math") for name in ("round", "rint")},
}

METHODS = {Data: {"numpy": common.method(lineage.KEEP)}}
