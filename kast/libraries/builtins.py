"""Python's built-in functions, where they carry data facts or constants."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context
from kast.analysis.dataflow import Data, KeyedDict, Keys
from kast.analysis.values import UNKNOWN_VALUE, Const, Counter, Mapping, Sequence, Steps, Value


@dataclass(frozen=True, slots=True, eq=False)
class Enumerated(Value):
    """`enumerate(xs)`, element by element."""

    element: Value
    node: cst.CSTNode


def _len(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`len(["cat", "dog"])`: the length of a literal list or dict is known."""
    first = args.positional[0][0] if len(args.positional) == 1 and not args.keywords else None
    if isinstance(first, (Sequence, Mapping)):
        return Const(len(first.items), node)
    return UNKNOWN_VALUE


def _container(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`list(x)`, `tuple(x)`: the same elements."""
    first = args.positional[0][0] if len(args.positional) == 1 and not args.keywords else None
    if isinstance(first, Data):
        return lineage.apply(lineage.KEEP, first, node)
    if isinstance(first, Sequence):
        return Sequence(first.items, node)
    return UNKNOWN_VALUE


def _map(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`map(f, X)`: f applied to each row of X."""
    if len(args.positional) != 2 or args.keywords:
        return UNKNOWN_VALUE
    func, data = args.positional[0][0], args.positional[1][0]
    if not isinstance(data, Data):
        return UNKNOWN_VALUE
    element = lineage.data_element(data, node)
    result = context.call_value(func, Args([(element, args.positional[1][1])], {}, False), node)
    return lineage.collected(result, node) if isinstance(result, Data) else UNKNOWN_VALUE


def _range(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`range(stop)`, `range(start, stop, step)`: loop indices; the step matters for windows."""
    if args.keywords or args.starred or not 1 <= len(args.positional) <= 3:
        return UNKNOWN_VALUE
    step = args.positional[2][0] if len(args.positional) == 3 else Const(1)
    value = step.value if isinstance(step, Const) and isinstance(step.value, int) else None
    return Steps(value, node)


def _enumerate(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`enumerate(xs)`: (index, element) pairs."""
    first = args.positional[0][0] if len(args.positional) == 1 and not args.keywords else None
    element = lineage.element(first, node) if first is not None else None
    return Enumerated(element if element is not None else UNKNOWN_VALUE, node)


@dataclass(frozen=True, slots=True, eq=False)
class Zipped(Value):
    """`zip(a, b, ...)`."""

    items: tuple[Value, ...]
    node: cst.CSTNode


def _zip(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    return Zipped(tuple(value for value, _ in args.positional), node) if not args.keywords else UNKNOWN_VALUE


def keys_of(value: Value, node: cst.CSTNode) -> Keys | None:
    """What kind of dict keys the elements of `value` make: class names ("str") or indices ("int")."""
    if isinstance(value, Keys):
        return value
    if isinstance(value, Steps):
        return Keys("int", node)
    if isinstance(value, Sequence) and value.items and all(isinstance(v, Const) for v in value.items):
        kinds = {type(v.value) for v in value.items}  # type: ignore[attr-defined]
        return Keys("str", node) if kinds == {str} else Keys("int", node) if kinds == {int} else None
    if isinstance(value, Data) and value.labels is not None and value.labels.encoding == "integer":
        return Keys("int", node)
    return None


def _dict(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`dict(zip(keys, values))`, `dict(enumerate(values))`: a dict whose keys kast knows the kind of."""
    first = args.positional[0][0] if len(args.positional) == 1 and not args.keywords else None
    if isinstance(first, Mapping):
        return first
    if isinstance(first, Enumerated):
        return KeyedDict("int", node)
    if isinstance(first, Zipped) and len(first.items) == 2:
        found = keys_of(first.items[0], node)
        return KeyedDict(found.kind, node) if found is not None else UNKNOWN_VALUE
    return UNKNOWN_VALUE


def element(value: Value, node: cst.CSTNode) -> Value | None:
    """What a loop over a built-in's result binds."""
    if isinstance(value, Steps):
        return Counter(value)
    if isinstance(value, Enumerated):
        return Sequence((Counter(Steps(1, node)), value.element), node)
    return None


FUNCTIONS = {
    "builtins.range": Callee(_range),
    "builtins.zip": Callee(_zip),
    "builtins.dict": Callee(_dict),
    "builtins.enumerate": Callee(_enumerate),
    "builtins.len": Callee(_len),
    "builtins.list": Callee(_container),
    "builtins.tuple": Callee(_container),
    "builtins.map": Callee(_map),
}
# Built-in types kast reads as values (a dtype: `astype(int)`).
TYPES = frozenset({"int", "float", "str", "bool"})
NAMES = frozenset(name.split(".", 1)[1] for name in FUNCTIONS) | TYPES
