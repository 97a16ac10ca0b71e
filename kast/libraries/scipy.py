"""SciPy's sparse matrices: the rows of a matrix in another storage."""

from __future__ import annotations

from kast.analysis import lineage
from kast.analysis.calls import Callee
from kast.analysis.dataflow import Data
from kast.libraries import common
from kast.libraries.common import effect

_FORMATS = ("csr_matrix", "csc_matrix", "coo_matrix", "lil_matrix", "dok_matrix", "bsr_matrix", "dia_matrix",
            "csr_array", "csc_array", "coo_array", "lil_array")

FUNCTIONS = {
    **{f"scipy.sparse.{name}": effect(lineage.KEEP) for name in _FORMATS},
    "scipy.sparse.vstack": Callee(common.concatenate),
    "scipy.sparse.hstack": Callee(common.stack_columns),
}

METHODS = {Data: {name: common.method(lineage.KEEP) for name in ("toarray", "todense", "tocsr", "tocsc")}}
ATTRIBUTES = {Data: {"A": lineage.KEEP}}
