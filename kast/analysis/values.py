"""Facts and abstract values.

A *fact* is something the script states about a model, its loss or its data:
either `Known` (a value and the node it was read from) or `UNKNOWN`.  Rules fire
on known facts only.

An *abstract value* is what the analysis thinks a Python expression evaluates to
while it walks the script in statement order: a constant, a reference to an
imported Keras object, a layer, a tensor of the functional API, a model, a loss,
a piece of data with its lineage, or `UNKNOWN_VALUE`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar, Union

import libcst as cst

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Known(Generic[T]):
    """A fact the script states: its value and the node that states it."""

    value: T
    node: cst.CSTNode | None = field(default=None, compare=False)


class Unknown:
    """A fact kast cannot resolve statically."""

    _instance: "Unknown | None" = None

    def __new__(cls) -> "Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN = Unknown()
Fact = Union[Known[T], Unknown]


def known_value(fact: "Fact[T]") -> T | None:
    return fact.value if isinstance(fact, Known) else None


# ------------------------------------------------------------ abstract values


class Value:
    """Base of every abstract value."""

    __slots__ = ()


class _UnknownValue(Value):
    __slots__ = ()

    def __repr__(self) -> str:
        return "<?>"


UNKNOWN_VALUE: Value = _UnknownValue()


@dataclass(frozen=True, slots=True, eq=False)
class Const(Value):
    """A Python literal (int, float, str, bool, None) or the result of simple arithmetic."""

    value: object
    node: cst.CSTNode | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Ref(Value):
    """A reference to an imported module, class or function, by canonical dotted name."""

    qualname: str


@dataclass(frozen=True, slots=True, eq=False)
class Sequence(Value):
    """A tuple or list literal, item by item (a starred item makes it UNKNOWN_VALUE)."""

    items: tuple[Value, ...]
    node: cst.CSTNode | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Mapping(Value):
    """A dict literal with constant keys (strings or numbers)."""

    items: tuple[tuple[object, Value], ...]
    node: cst.CSTNode | None = None

    def get(self, key: object) -> Value | None:
        for k, v in self.items:
            if k == key:
                return v
        return None


@dataclass(eq=False)
class Instance(Value):
    """An object of a class defined in the script (attributes set on `self`)."""

    cls: "UserClass"
    attributes: dict[str, Value] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, eq=False)
class UserFunction(Value):
    """A function defined in the script; calls to it are analysed at the call site."""

    node: cst.FunctionDef
    scope: object = None  # the scope the function was defined in (closures, globals)
    bound_self: Value | None = None


@dataclass(frozen=True, slots=True, eq=False)
class UserLambda(Value):
    """A lambda expression of the script; calls to it are analysed at the call site."""

    node: cst.Lambda
    scope: object = None


@dataclass(frozen=True, slots=True, eq=False)
class UserClass(Value):
    """A class defined in the script, with the canonical names of its bases."""

    node: cst.ClassDef
    bases: tuple[str, ...]
    methods: tuple[tuple[str, cst.FunctionDef], ...]

    def method(self, name: str) -> cst.FunctionDef | None:
        for n, f in self.methods:
            if n == name:
                return f
        return None


@dataclass(frozen=True, slots=True, eq=False)
class Steps(Value):
    """`range(...)`: loop indices with a known step (None when the step is not a literal)."""

    step: int | None
    node: cst.CSTNode | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Counter(Value):
    """A loop index over a range, plus a constant offset: `i`, `i + window` in `for i in range(...)`."""

    steps: Steps
    offset: int = 0


@dataclass(frozen=True, slots=True, eq=False)
class Method(Value):
    """`obj.name` of an object kast models, not yet called."""

    receiver: Value
    name: str
    node: cst.CSTNode | None = None
