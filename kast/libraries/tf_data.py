"""tf.data: datasets built from arrays, and the steps of a pipeline.

A dataset built from arrays holds their rows (`from_tensor_slices((x, y))`
yields (x, y) pairs); batching, caching, prefetching and the like keep them.
"""

from __future__ import annotations

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context
from kast.analysis.dataflow import Data
from kast.analysis.values import UNKNOWN_VALUE, Mapping, Sequence, Value
from kast.libraries import common

DATASET = "tensorflow.data.Dataset"


def from_tensor_slices(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`Dataset.from_tensor_slices(x)` or `((x, y))`: the rows of the arrays, element by element."""
    first = args.positional[0][0] if args.positional else None
    if isinstance(first, Data):
        return lineage.apply(lineage.KEEP, first, node)
    items = first.items if isinstance(first, Sequence) else \
        tuple(v for _, v in first.items) if isinstance(first, Mapping) else ()
    data = next((item for item in items if isinstance(item, Data)), None)
    if data is None:
        return UNKNOWN_VALUE
    parts = tuple(items) if isinstance(first, Sequence) else ()
    return data.derived(node, parts=parts, labels=None, prediction=None)


FUNCTIONS = {
    f"{DATASET}.from_tensor_slices": Callee(from_tensor_slices),
    f"{DATASET}.from_tensors": Callee(from_tensor_slices),
}

# Pipeline steps that keep the elements as they are.
METHODS = {Data: {name: common.method(lineage.KEEP)
                  for name in ("batch", "unbatch", "prefetch", "cache", "repeat", "take", "skip", "shard",
                               "padded_batch", "rebatch", "with_options")}}
