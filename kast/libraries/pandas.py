"""pandas: readers, frames and series, and what their methods do to the data facts."""

from __future__ import annotations

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context
from kast.analysis.dataflow import Data, Labels
from kast.analysis.values import Value
from kast.libraries import common
from kast.libraries.common import source


def _get_dummies(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`pd.get_dummies(labels)`: one-hot labels."""
    return Data(node, labels=Labels("onehot", node))


FUNCTIONS = {
    "pandas.DataFrame": source(),
    "pandas.concat": Callee(common.concatenate),
    "pandas.get_dummies": Callee(_get_dummies),
}

METHODS = {Data: {
    **{name: common.method(lineage.KEEP)
       for name in ("copy", "to_numpy", "drop", "dropna", "fillna", "head", "tail", "sample", "reset_index",
                    "sort_index")},
    **{name: common.method(lineage.VALUES) for name in ("map", "replace", "apply", "pop")},
}}

# Attributes of a frame or series that hold its rows as they are.
ATTRIBUTES = {Data: {name: lineage.KEEP for name in ("values", "iloc", "loc", "array")}}


def resolve(qualname: str) -> Callee | None:
    """pandas' readers (`pd.read_csv`, `pd.read_parquet` ...) start new data."""
    module, _, name = qualname.rpartition(".")
    if module == "pandas" and name.startswith(("read_", "load")):
        return source()
    return None
