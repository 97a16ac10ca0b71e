"""Data values and their lineage: labels and how they are encoded.

A `Data` value is an array-like the script computes (features, labels,
predictions).  It carries what kast knows of where it came from; every field is
optional, and an operation kast does not understand yields UNKNOWN_VALUE.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import libcst as cst

from kast.analysis.values import UNKNOWN, Fact, Value


@dataclass(frozen=True, slots=True)
class Labels:
    """Class labels in a known encoding.

    `encoding` is "onehot" (one column per class) or "integer" (one class id per
    row); `classes` is the number of classes where the script states it.
    """

    encoding: str
    node: cst.CSTNode
    classes: Fact[int] = UNKNOWN


@dataclass(frozen=True, slots=True, eq=False)
class Data(Value):
    """An array-like value with what kast knows of its lineage."""

    node: cst.CSTNode | None
    labels: Labels | None = None
    role: str | None = None  # "train" | "validation" | "test" from a split

    def derived(self, node: cst.CSTNode, **changes: object) -> "Data":
        """The same lineage, produced at `node` (a copy, slice, reshape ...)."""
        return replace(self, node=node, **changes)  # type: ignore[arg-type]


@dataclass(eq=False)
class Estimator(Value):
    """An object with fit/transform (scikit-learn preprocessor or encoder)."""

    qualname: str
    node: cst.CSTNode
    fitted_on: list[Value] = field(default_factory=list)
