"""A call as the interpreter hands it to a library model.

The interpreter evaluates a call's arguments (`Args`) and looks the callee up
in `kast.libraries`; what the library call does is a row of data there, or a
hook: a function `hook(context, row, args, node) -> Value`.  `Context` is the
part of the interpreter a hook may use: the picture to record facts on, and
where in the script the call happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Protocol

import libcst as cst

from kast.analysis.values import UNKNOWN, Const, Fact, Known, Mapping, Sequence, Value

if TYPE_CHECKING:
    from kast.analysis.picture import Picture


@dataclass
class Args:
    """The evaluated arguments of one call."""

    positional: list[tuple[Value, cst.Arg]]
    keywords: dict[str, tuple[Value, cst.Arg]]
    starred: bool  # *args or **kwargs present: an absent argument may still be passed

    def get(self, name: str, position: int | None = None) -> tuple[Value, cst.Arg] | None:
        if name in self.keywords:
            return self.keywords[name]
        if position is not None and position < len(self.positional):
            return self.positional[position]
        return None

    def value(self, name: str, position: int | None = None) -> Value | None:
        item = self.get(name, position)
        return item[0] if item is not None else None

    def absent(self, name: str, position: int | None = None) -> bool:
        """True when the argument is certainly not passed."""
        return not self.starred and self.get(name, position) is None

    def first(self, *names: str) -> tuple[Value, cst.Arg] | None:
        """The first positional argument, or the first of `names` passed by keyword."""
        for name in names:
            if name in self.keywords:
                return self.keywords[name]
        return self.positional[0] if self.positional else None


NO_ARGS = Args([], {}, False)


class Context(Protocol):
    """What a library hook may use of the interpreter."""

    picture: "Picture"
    conditional: int  # > 0 inside a branch or loop body
    depth: int  # user functions being run (0 at module level)

    def call_value(self, func: Value, args: Args, node: cst.Call) -> Value:
        """Call `func` as Python would (a user function, a lambda, a library object)."""

    def rebind(self, node: cst.BaseExpression, value: Value) -> None:
        """The value the name at `node` holds after an in-place change (`np.random.shuffle(X)`)."""


class Callee(NamedTuple):
    """What a library name does when called: a hook and the row of data it reads."""

    hook: Callable[[Context, Any, Args, cst.Call], Value]
    row: object = None


def const(value: Value | None, kind: type | tuple[type, ...]) -> Any:
    """The literal held by `value` when it is of `kind` (never a bool for int/float); else None."""
    if isinstance(value, Const) and isinstance(value.value, kind) and not isinstance(value.value, bool):
        return value.value
    return None


def int_fact(value: Value, node: cst.CSTNode) -> Fact[int]:
    number = const(value, int)
    return Known(number, node) if isinstance(number, int) else UNKNOWN


def bool_of(item: tuple[Value, cst.Arg] | None, default: bool | None) -> bool | None:
    """A boolean argument's value: `default` when absent, None when not a literal."""
    if item is None:
        return default
    value = item[0]
    return value.value if isinstance(value, Const) and isinstance(value.value, bool) else None


def items(value: Value, node: cst.CSTNode) -> list[tuple[Value, cst.CSTNode]]:
    """The items of a list/tuple value with their nodes; a single value as one item."""
    if isinstance(value, Sequence) and isinstance(value.node, (cst.List, cst.Tuple)):
        return [(v, e.value) for v, e in zip(value.items, value.node.elements)]
    if isinstance(value, Sequence):
        return [(v, node) for v in value.items]
    if isinstance(value, Mapping):
        return []
    return [(value, node)]
