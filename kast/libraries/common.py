"""Hooks that several libraries share: data sources, operations by their lineage effect, splits.

A function row is `Callee(hook, row)`; the hooks here read rows of data:
`effect(EFFECT)` for a call that returns its first argument's rows changed as
`kast.analysis.lineage` says, `source()` for a call that reads new data.
"""

from __future__ import annotations

from typing import NamedTuple

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context, bool_of, const
from kast.analysis.dataflow import Collection, Data, Estimator, FitEvent, Labels, Split
from kast.analysis.values import UNKNOWN_VALUE, Method, Sequence, Value


def _source(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    return Data(node, origin=node)


def _effect(context: Context, effect: str, args: Args, node: cst.Call) -> Value:
    item = args.first("a", "object", "x")
    first = item[0] if item is not None else None
    return lineage.apply(effect, first, node) if isinstance(first, Data) else UNKNOWN_VALUE


def _method_effect(effect: str):  # type: ignore[no-untyped-def]
    def hook(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
        receiver = method.receiver
        return lineage.apply(effect, receiver, node) if isinstance(receiver, Data) else UNKNOWN_VALUE
    hook.__name__ = f"method_{effect}"
    return hook


_METHOD_HOOKS = {effect: _method_effect(effect) for effect in lineage.EFFECTS}


def source() -> Callee:
    """A call that reads new data (`pd.read_csv`, `np.load`): its rows start here."""
    return Callee(_source)


def effect(kind: str) -> Callee:
    """A function whose first argument's rows come back changed as `kind` says (`lineage`)."""
    return Callee(_effect, kind)


def method(kind: str):  # type: ignore[no-untyped-def]
    """A method of a data value whose rows come back changed as `kind` says (`lineage`)."""
    return _METHOD_HOOKS[kind]


def concatenate(context: Context, axis_position: int | None, args: Args, node: cst.Call) -> Value:
    """`np.concatenate([a, b])`, `pd.concat(...)`: the rows of several values one after another.

    `axis_position`: where the function takes `axis`; along another axis than
    the rows it joins columns (`np.concatenate([a, b], axis=1)`).
    """
    axis = args.value("axis", axis_position) if axis_position is not None else None
    if const(axis, int) not in (None, 0):
        return stack_columns(context, None, args, node)
    first = args.positional[0][0] if args.positional else None
    if isinstance(first, Collection):  # np.concatenate(batches) of a list filled in a loop
        gathered = lineage.gathered(first, node)
        return gathered if gathered is not None else UNKNOWN_VALUE
    parts = [value for value, _ in args.positional[:1 if axis_position == 1 else 2]]
    return lineage.concatenated(parts, node)


def split(context: Context, shuffles_by_default: bool, args: Args, node: cst.Call) -> Value:
    """train_test_split(*arrays): a (train, held-out) pair per array, in the documented order.

    The held-out part of a whole data set is test data; of a training set
    (a nested split), validation data.  `shuffles_by_default`: the function's
    default for `shuffle=`.
    """
    if args.starred:
        return UNKNOWN_VALUE
    inputs = [value for value, _ in args.positional]
    shuffles = bool_of(args.get("shuffle"), shuffles_by_default)
    context.picture.splits.append(Split(node, tuple(inputs), context.picture.tick(), shuffles))
    outputs: list[Value] = []
    for value in inputs:
        base = value if isinstance(value, Data) else Data(node, origin=node)
        held_out = "validation" if base.role in ("train", "validation") else "test"
        for role in ("train", held_out):
            outputs.append(lineage.with_role(base, node, role, node, shuffles is True))
    return Sequence(tuple(outputs), node)


# ------------------------------------------------------- fitted estimators


class EstimatorRow(NamedTuple):
    """A class with the fit/transform protocol (scikit-learn, imbalanced-learn, the Keras Tokenizer)."""

    kind: str  # "scaler", "encoder", "imputer", "decomposition", "selector", "vectorizer", "tokenizer", ...
    learns: str = "statistics"  # what fit() learns from the data: "statistics", "vocabulary" or "nothing"
    labels: str | None = None  # the label encoding of its transform() output
    sampling: str | None = None  # resamplers: "over" or "under"


# Pipelines and column transformers: they learn what their steps learn.
PIPELINE = EstimatorRow("pipeline")


def make_estimator(context: Context, row: tuple[str, EstimatorRow], args: Args, node: cst.Call) -> Value:
    qualname, spec = row
    made = Estimator(qualname, node, spec.kind, learns=spec.learns, labels=spec.labels, sampling=spec.sampling)
    context.picture.estimators.append(made)
    return made


def estimator(qualname: str, spec: EstimatorRow) -> Callee:
    return Callee(make_estimator, (qualname, spec))


def fit_event(context: Context, estimator: Value, item: tuple[Value, cst.Arg] | None, node: cst.Call) -> None:
    """`estimator` learns from the data in `item` at `node`."""
    if item is None:
        return
    if isinstance(estimator, Estimator):
        estimator.fitted_on.append(item[0])
    context.picture.fit_events.append(FitEvent(estimator, item[0], node, item[1].value, context.picture.tick()))


def _fitted_data(args: Args) -> tuple[Value, cst.Arg] | None:
    return args.get("X", 0) or args.get("texts", 0) or args.get("y", 0) or args.get("raw_documents", 0)


def _transform(method: Method, args: Args, node: cst.Call) -> Value:
    estimator = method.receiver
    data = _fitted_data(args)
    labels = None
    if isinstance(estimator, Estimator) and estimator.labels is not None:
        labels = Labels(estimator.labels, node)
    base = data[0] if data is not None and isinstance(data[0], Data) else Data(node)
    if isinstance(estimator, Estimator):
        estimator.transformed.append(base)
    return lineage.transformed(base, node, estimator, labels)


def fit(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    """`estimator.fit(X)`: learns from X, returns the estimator."""
    fit_event(context, method.receiver, _fitted_data(args), node)
    return method.receiver


def fit_only(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    """`tokenizer.fit_on_texts(texts)`: learns, returns None."""
    fit_event(context, method.receiver, _fitted_data(args), node)
    return UNKNOWN_VALUE


def fit_transform(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    fit_event(context, method.receiver, _fitted_data(args), node)
    return _transform(method, args, node)


def transform(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    return _transform(method, args, node)


def fit_resample(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    """`sampler.fit_resample(X, y)`: (X, y) re-sampled."""
    fit_event(context, method.receiver, _fitted_data(args), node)
    over = not (isinstance(method.receiver, Estimator) and method.receiver.sampling == "under")
    outputs = []
    for item in (args.get("X", 0), args.get("y", 1)):
        base = item[0] if item is not None and isinstance(item[0], Data) else Data(node)
        outputs.append(lineage.resampled(base, node, over) if base.role is None else base.derived(node))
    return Sequence(tuple(outputs), node)


ESTIMATOR_METHODS = {Estimator: {
    "fit": fit,
    "partial_fit": fit,
    "fit_transform": fit_transform,
    "transform": transform,
}}
# The methods that return transformed data (`scaler.transform(X)`).
TRANSFORMING = frozenset(name for name, hook in ESTIMATOR_METHODS[Estimator].items()
                         if hook in (transform, fit_transform))


def stack_columns(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`np.hstack([a, b])`, `np.column_stack(...)`: columns side by side, the rows of the first."""
    stacked = lineage.stacked([value for value, _ in args.positional[:1]], node)
    return stacked if stacked is not None else UNKNOWN_VALUE
