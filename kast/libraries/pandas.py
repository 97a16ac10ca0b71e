"""pandas: readers, frames and series, and what their methods do to the data facts."""

from __future__ import annotations

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context, const
from kast.analysis.dataflow import Data, Fixed, Labels
from kast.analysis.values import UNKNOWN_VALUE, Method, Sequence, Value
from kast.libraries import common
from kast.libraries.common import effect, source


def _get_dummies(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`pd.get_dummies(labels)`: one-hot labels."""
    return Data(node, labels=Labels("onehot", node))


def _frame(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`pd.DataFrame(x)`, `pd.Series(x)`: the rows of x in a frame; new data otherwise."""
    item = args.first("data")
    found = lineage.gathered(item[0], node) if item is not None else None
    return found if found is not None else Data(node, origin=node)


def _factorize(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`pd.factorize(y)`: (integer codes, uniques)."""
    item = args.first("values")
    if item is None or not isinstance(item[0], Data):
        return UNKNOWN_VALUE
    return Sequence((lineage.apply(lineage.CODES, item[0], node), UNKNOWN_VALUE), node)


def _factorize_method(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    assert isinstance(method.receiver, Data)
    return Sequence((lineage.apply(lineage.CODES, method.receiver, node), UNKNOWN_VALUE), node)


def _sort_values(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    """`df.sort_values("label")`: the rows in blocks of equal values of that column."""
    data = method.receiver
    assert isinstance(data, Data)
    key = args.value("by", 0)
    column = const(key, str) or (const(key.items[0], str) if isinstance(key, Sequence) and key.items else None)
    return data.derived(node, order=Fixed("grouped", node, column)) if column else lineage.apply(lineage.KEEP, data,
                                                                                                   node)


def _sample(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    """`df.sample(frac=1)`: rows drawn at random, in a random order."""
    data = method.receiver
    assert isinstance(data, Data)
    return lineage.reordered(data, node, "shuffled")


FUNCTIONS = {
    "pandas.DataFrame": Callee(_frame),
    "pandas.Series": Callee(_frame),
    "pandas.Categorical": effect(lineage.KEEP),
    "pandas.factorize": Callee(_factorize),
    "pandas.concat": Callee(common.concatenate, 1),
    "pandas.get_dummies": Callee(_get_dummies),
}

METHODS = {Data: {
    **{name: common.method(lineage.KEEP)
       for name in ("copy", "to_numpy", "drop", "dropna", "fillna", "head", "tail", "reset_index", "sort_index",
                    "rename", "assign", "set_index", "reindex", "drop_duplicates", "query", "bfill", "ffill",
                    "infer_objects", "convert_dtypes", "to_frame", "merge", "join")},
    # Some of the columns, or new values for the same rows.
    **{name: common.method(lineage.COLUMNS) for name in ("select_dtypes", "filter")},
    **{name: common.method(lineage.VALUES)
       for name in ("interpolate", "clip", "abs", "isin", "isna", "notna", "isnull", "notnull", "diff",
                    "pct_change", "cumsum", "shift", "rank")},
    "sample": _sample,
    "sort_values": _sort_values,
    # `Series.map` shares its name with `Dataset.map`: tf_data.map_elements does both.
    **{name: common.method(lineage.VALUES) for name in ("replace", "apply", "pop")},
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
