"""tf.data: datasets built from arrays, and the steps of a pipeline.

A dataset built from arrays holds their rows (`from_tensor_slices((x, y))`
yields (x, y) pairs, in the arrays' order).  `.shuffle()` draws a new order on
every pass unless `reshuffle_each_iteration=False`; a `.cache()` after it keeps
the order of the first pass for all the others.  `.map(fn)` applies fn to each
element: kast runs fn on the element's facts (a fixed scaling, random
augmentation with training=True).  Batching, prefetching and the like keep the
elements as they are.
"""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context, bool_of
from kast.analysis.dataflow import Data, Pipeline
from kast.analysis.values import UNKNOWN_VALUE, Mapping, Method, Sequence, Value
from kast.libraries import common

DATASET = "tensorflow.data.Dataset"


def from_tensor_slices(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`Dataset.from_tensor_slices(x)` or `((x, y))`: the rows of the arrays, element by element."""
    first = args.positional[0][0] if args.positional else None
    pipeline = Pipeline(root=node)
    if isinstance(first, Data):
        return lineage.apply(lineage.KEEP, first, node).derived(node, pipeline=pipeline, part_of=None)
    items = first.items if isinstance(first, Sequence) else \
        tuple(v for _, v in first.items) if isinstance(first, Mapping) else ()
    data = next((item for item in items if isinstance(item, Data)), None)
    if data is None:
        return UNKNOWN_VALUE
    parts = tuple(items) if isinstance(first, Sequence) else ()
    return data.derived(node, parts=parts, labels=None, prediction=None, pipeline=pipeline, part_of=None)


def _with_pipeline(data: Data, node: cst.CSTNode, pipeline: Pipeline) -> Data:
    parts = tuple(p.derived(node, pipeline=pipeline) if isinstance(p, Data) else p for p in data.parts)
    return data.derived(node, pipeline=pipeline, parts=parts)


def shuffle(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    """`ds.shuffle(buffer)`: a new order on every pass (unless reshuffle_each_iteration=False)."""
    data = method.receiver
    assert isinstance(data, Data)
    if data.pipeline is None:
        return lineage.apply(lineage.KEEP, data, node)
    reshuffles = bool_of(args.get("reshuffle_each_iteration", 2), True)
    return _with_pipeline(data, node, replace(data.pipeline, shuffle=node, reshuffles=reshuffles is True,
                                              shuffle_known=reshuffles is not None))


def cache(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    """`ds.cache()`: every pass after the first reads the first pass's elements, in its order."""
    data = method.receiver
    assert isinstance(data, Data)
    pipeline = data.pipeline
    if pipeline is None or not pipeline.reshuffles:
        return lineage.apply(lineage.KEEP, data, node)
    return _with_pipeline(data, node, replace(pipeline, reshuffles=False))


def map_elements(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    """`ds.map(fn)`: fn applied to each element; its result is the new element.

    On data that is no pipeline this is pandas' `Series.map`: new values for the same rows.
    """
    data = method.receiver
    assert isinstance(data, Data)
    func = args.value("map_func", 0)
    element = lineage.element(data, node)
    if func is None or element is None or data.pipeline is None:
        return lineage.apply(lineage.VALUES, data, node)
    items = element.items if isinstance(element, Sequence) else (element,)
    call_args = Args([(item, cst.Arg(cst.Name("x"))) for item in items], {}, False)
    result = context.call_value(func, call_args, node)
    parts = result.items if isinstance(result, Sequence) else (result,)
    first = parts[0] if parts else None
    if not isinstance(first, Data):
        return lineage.apply(lineage.VALUES, data, node)
    augmented = next((p.augmented for p in parts if isinstance(p, Data) and p.augmented is not None), None)
    pipeline = data.pipeline if augmented is None else replace(data.pipeline, augment=augmented)
    rows = tuple(p.derived(node, sample=False, pass_of=None, pipeline=pipeline) if isinstance(p, Data) else p
                 for p in parts) if isinstance(result, Sequence) else ()
    return first.derived(node, sample=False, pass_of=None, pipeline=pipeline, parts=rows, origin=data.origin,
                         role=data.role, role_node=data.role_node)


FUNCTIONS = {
    f"{DATASET}.from_tensor_slices": Callee(from_tensor_slices),
    f"{DATASET}.from_tensors": Callee(from_tensor_slices),
}

# Steps only datasets have (a function calling one prepares data).
PIPELINE_ONLY_STEPS = frozenset({"prefetch", "padded_batch", "unbatch", "as_numpy_iterator", "interleave",
                                 "make_csv_dataset"})

METHODS = {Data: {
    # Pipeline steps that keep the elements as they are.
    **{name: common.method(lineage.KEEP)
       for name in ("batch", "unbatch", "prefetch", "repeat", "take", "skip", "shard", "padded_batch", "rebatch",
                    "with_options", "as_numpy_iterator", "interleave")},
    "shuffle": shuffle,
    "cache": cache,
    "map": map_elements,
}}
