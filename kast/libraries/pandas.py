"""pandas: readers, frames and series, and what their methods do to the data facts."""

from __future__ import annotations

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context
from kast.analysis.dataflow import Data, Labels
from kast.analysis.values import UNKNOWN_VALUE, Method, Sequence, Value
from kast.libraries import common
from kast.libraries.common import effect, source


def _get_dummies(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`pd.get_dummies(labels)`: one-hot labels."""
    return Data(node, labels=Labels("onehot", node))


def _frame(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`pd.DataFrame(x)`, `pd.Series(x)`: the rows of x in a frame; new data otherwise."""
    item = args.first("data")
    if item is not None and isinstance(item[0], Data):
        return lineage.apply(lineage.KEEP, item[0], node)
    return Data(node, origin=node)


def _factorize(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`pd.factorize(y)`: (integer codes, uniques)."""
    item = args.first("values")
    if item is None or not isinstance(item[0], Data):
        return UNKNOWN_VALUE
    return Sequence((lineage.apply(lineage.CODES, item[0], node), UNKNOWN_VALUE), node)


def _factorize_method(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    assert isinstance(method.receiver, Data)
    return Sequence((lineage.apply(lineage.CODES, method.receiver, node), UNKNOWN_VALUE), node)


FUNCTIONS = {
    "pandas.DataFrame": Callee(_frame),
    "pandas.Series": Callee(_frame),
    "pandas.Categorical": effect(lineage.KEEP),
    "pandas.factorize": Callee(_factorize),
    "pandas.concat": Callee(common.concatenate),
    "pandas.get_dummies": Callee(_get_dummies),
}

METHODS = {Data: {
    **{name: common.method(lineage.KEEP)
       for name in ("copy", "to_numpy", "drop", "dropna", "fillna", "head", "tail", "sample", "reset_index",
                    "sort_index")},
    **{name: common.method(lineage.VALUES) for name in ("map", "replace", "apply", "pop")},
    "factorize": _factorize_method,
}}

# Attributes of a frame or series that hold its rows as they are; `.cat.codes` are class ids.
ATTRIBUTES = {Data: {**{name: lineage.KEEP for name in ("values", "iloc", "loc", "array", "cat")},
                     "codes": lineage.CODES}}


def resolve(qualname: str) -> Callee | None:
    """pandas' readers (`pd.read_csv`, `pd.read_parquet` ...) start new data."""
    module, _, name = qualname.rpartition(".")
    if module == "pandas" and name.startswith(("read_", "load")):
        return source()
    return None
