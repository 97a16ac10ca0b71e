"""numpy: what its functions and array methods do to the data facts.

A row is the lineage effect of the call (`kast.analysis.lineage`); the few
calls that act on predictions (argmax, round) and the random label makers are
hooks.
"""

from __future__ import annotations

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context, const
from kast.analysis.dataflow import Collection, Data, Fixed, Labels, PredictionUse, RowIndex
from kast.analysis.values import UNKNOWN_VALUE, Const, Method, Ref, Sequence, Value
from kast.libraries import common
from kast.libraries.common import effect, source


def argmax(context: Context, data: Data, axis_arg: tuple[Value, cst.Arg] | None, node: cst.Call) -> Value:
    """`np.argmax(p, axis=...)` / `p.argmax(...)`: class ids from the prediction."""
    if data.prediction is None:
        return data.derived(node, labels=None)
    axis = const(axis_arg[0], int) if axis_arg is not None else None
    if data.prediction.post == "raw":
        context.picture.prediction_uses.append(PredictionUse(
            "argmax", data.prediction, node, axis=axis if isinstance(axis, int) else None))
    return data.derived(node, prediction=data.prediction._replace(post="argmax"))


def round_(context: Context, data: Data, node: cst.Call, decimals: tuple[Value, cst.Arg] | None = None) -> Value:
    """`np.round(p)` / `p.round()`: the prediction rounded to 0 or 1 (`p.round(2)` rounds for display)."""
    if data.prediction is None:
        return data.derived(node)
    if decimals is not None and const(decimals[0], int) != 0:
        return data.derived(node)  # rounded to decimals (or to a number kast does not know): still probabilities
    if data.prediction.post == "raw":
        context.picture.prediction_uses.append(PredictionUse("round", data.prediction, node))
    return data.derived(node, prediction=data.prediction._replace(post="rounded"))


def _argmax_function(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    first = args.positional[0][0] if args.positional else None
    if not isinstance(first, Data):
        return UNKNOWN_VALUE
    # Without an axis, numpy flattens and TensorFlow reduces axis 0: not the class axis.
    return argmax(context, first, args.get("axis", 1), node)


def _round_function(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    first = args.positional[0][0] if args.positional else None
    return round_(context, first, node, args.get("decimals", 1)) if isinstance(first, Data) else UNKNOWN_VALUE


def _where(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    first = args.positional[0][0] if args.positional else None
    if isinstance(first, Data) and len(args.positional) == 3:
        return first.derived(node)
    return UNKNOWN_VALUE


def _vector_shape(shape: Sequence) -> bool:
    """A literal shape that a vector of labels can have: `(n,)` or `(n, 1)`."""
    dims = [const(v, int) for v in shape.items]
    return len(dims) < 2 or (len(dims) == 2 and dims[1] == 1)


def _random_integers(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`np.random.randint(0, k, size=n)`: integer class labels (a vector of them)."""
    size = args.get("size", 2)
    if size is not None:
        shape = size[0]
        if isinstance(shape, Sequence):
            if not _vector_shape(shape):
                return Data(node)
        elif not isinstance(shape, Const):
            return Data(node)
    return Data(node, labels=Labels("integer", node))


def _default_rng(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    return Ref("numpy.random.Generator")


def _array(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`np.array(x)`: the same rows; numbers typed into the script are raw input."""
    item = args.first("object", "a")
    if item is None:
        return UNKNOWN_VALUE
    found = lineage.gathered(item[0], node) or lineage.literal(item[0], node)
    return found if found is not None else UNKNOWN_VALUE


def _constant_labels(context: Context, fill: object, args: Args, node: cst.Call) -> Value:
    """`np.zeros(n)`, `np.ones(n)`, `np.full(n, k)`: a vector of one class id (labels of a block of rows)."""
    shape = args.value("shape", 0)
    if isinstance(shape, Sequence) and not _vector_shape(shape):
        return Data(node, origin=node)  # an array of features, not a label vector
    if fill == "full" and const(args.value("fill_value", 1), int) is None:
        return Data(node, origin=node)
    return Data(node, origin=node, labels=Labels("integer", node))


_INTEGER_DTYPES = frozenset({"int", "int8", "int16", "int32", "int64", "uint8", "int_", "intc", "long"})


def is_integer_dtype(value: Value | None) -> bool:
    """`int`, `"int32"`, `np.int64` ..."""
    if isinstance(value, Const) and isinstance(value.value, str):
        return value.value in _INTEGER_DTYPES
    if isinstance(value, Ref):
        module, _, name = value.qualname.rpartition(".")
        return module in ("builtins", "numpy") and name in _INTEGER_DTYPES
    return False


def _astype(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    """`y.astype(int)`: the same values as another dtype; a named column made integer holds class ids."""
    data = method.receiver
    assert isinstance(data, Data)
    cast = lineage.apply(lineage.CAST, data, node)
    if data.column is not None and data.labels is None and is_integer_dtype(args.value("dtype", 0)):
        return cast.derived(node, labels=Labels("integer", node))
    return cast


def _permutation(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`np.random.permutation(n)`: row positions in a random order (of an array: its rows shuffled)."""
    first = args.value("x", 0)
    if isinstance(first, Data):
        return lineage.reordered(first, node, "shuffled")
    return RowIndex(None, node, "shuffled")


def _arange(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`np.arange(n)`: row positions in order (shuffled in place, they make a permutation)."""
    return RowIndex(None, node, None)


def _shuffle_in_place(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`np.random.shuffle(x)`: x's rows in a random order, in place."""
    item = args.get("x", 0)
    if item is not None:
        value = item[0]
        if isinstance(value, Data):
            context.rebind(item[1].value, lineage.reordered(value, node, "shuffled"))
        elif isinstance(value, RowIndex) and value.role is None:
            context.rebind(item[1].value, RowIndex(None, node, "shuffled"))
        elif isinstance(value, Collection):
            context.rebind(item[1].value, Collection(value.element, node, Fixed("shuffled", node)))
    return Const(None)


def _sort(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`np.sort(y)`: the values in sorted order (class blocks when they are labels)."""
    first = args.value("a", 0)
    return lineage.reordered(first, node, "grouped") if isinstance(first, Data) else UNKNOWN_VALUE


def _argsort(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`np.argsort(y)`: the row positions that sort y."""
    return RowIndex(None, node, "grouped") if isinstance(args.value("a", 0), Data) else UNKNOWN_VALUE


def _argmax_method(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    assert isinstance(method.receiver, Data)
    return argmax(context, method.receiver, args.get("axis", 0), node)


def _round_method(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    assert isinstance(method.receiver, Data)
    return round_(context, method.receiver, node, args.get("decimals", 0))


def _reshape_method(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    assert isinstance(method.receiver, Data)
    shape = [v for v, _ in args.positional]
    if len(shape) == 1 and isinstance(shape[0], Sequence):
        shape = list(shape[0].items)
    flat = len(shape) == 1 and const(shape[0], int) == -1
    return lineage.apply(lineage.FLATTEN if flat else lineage.RESHAPE, method.receiver, node)


FUNCTIONS = {
    **{f"numpy.{name}": source() for name in ("load", "loadtxt", "genfromtxt", "fromfile")},
    "numpy.concatenate": Callee(common.concatenate, 1),
    **{f"numpy.{name}": Callee(common.concatenate) for name in ("vstack", "row_stack")},
    "numpy.append": Callee(common.concatenate, 2),
    "numpy.argmax": Callee(_argmax_function),
    **{f"numpy.{name}": Callee(_round_function) for name in ("round", "rint", "around")},
    "numpy.where": Callee(_where),
    **{f"numpy.{name}": Callee(_array) for name in ("array", "asarray", "asanyarray")},
    **{f"numpy.{name}": effect(lineage.KEEP) for name in ("copy", "expand_dims", "atleast_2d")},
    "numpy.stack": Callee(common.concatenate, 1),
    **{f"numpy.{name}": Callee(common.stack_columns) for name in ("hstack", "column_stack", "dstack")},
    "numpy.zeros": Callee(_constant_labels, "zeros"),
    "numpy.ones": Callee(_constant_labels, "ones"),
    "numpy.full": Callee(_constant_labels, "full"),
    **{f"numpy.{name}": effect(lineage.FLATTEN) for name in ("squeeze", "ravel")},
    **{f"numpy.{name}": effect(lineage.VALUES) for name in ("log1p", "log", "sqrt", "clip", "nan_to_num")},
    "numpy.float32": effect(lineage.CAST),
    "numpy.random.randint": Callee(_random_integers),
    "numpy.random.Generator.integers": Callee(_random_integers),
    "numpy.random.default_rng": Callee(_default_rng),
    "numpy.random.permutation": Callee(_permutation),
    "numpy.random.Generator.permutation": Callee(_permutation),
    "numpy.random.shuffle": Callee(_shuffle_in_place),
    "numpy.random.Generator.shuffle": Callee(_shuffle_in_place),
    "random.shuffle": Callee(_shuffle_in_place),
    "numpy.arange": Callee(_arange),
    "numpy.sort": Callee(_sort),
    "numpy.unique": effect(lineage.KEEP),
    "numpy.argsort": Callee(_argsort),
}

METHODS = {Data: {
    "copy": common.method(lineage.KEEP),
    "__array__": common.method(lineage.KEEP),
    "tolist": common.method(lineage.KEEP),
    "reshape": _reshape_method,
    **{name: common.method(lineage.FLATTEN) for name in ("ravel", "flatten", "squeeze")},
    "astype": _astype,
    "argmax": _argmax_method,
    "round": _round_method,
}}


def resolve(qualname: str) -> Callee | None:
    """numpy's readers: `np.load*` and the like start new data."""
    module, _, name = qualname.rpartition(".")
    if module == "numpy" and name.startswith(("read_", "load")):
        return source()
    return None
