"""Which data facts survive an operation.

A library row says what kind of operation a call is (`KEEP`, `FLATTEN`,
`VALUES` ...); this module alone decides what each kind does to the facts a
`Data` value carries: its role in a split, its origin, the fitted transforms it
went through, its label encoding, the prediction it holds.

- KEEP: the same rows and values in another container or view (`np.asarray`,
  `.values`, `.toarray()`, `.tolist()`, `pd.DataFrame(x)`, a row slice,
  `.copy()`, `.dropna()`): every fact survives.
- RESHAPE: the same values in another shape (`reshape`, `expand_dims`): every
  fact survives.
- FLATTEN: the values with the output axis gone (`ravel`, `squeeze`,
  `reshape(-1)`): a prediction is marked flattened.
- VALUES: new values computed from the old ones element by element (`np.log`,
  arithmetic, a comparison, `.map`): rows, role, origin and transforms survive;
  the values are no longer the labels or the prediction they were.
- COLUMNS: some columns or a mask of them (`df["age"]`, `x[:, 0]`): as VALUES.
- CAST: the same values as another dtype (`astype`): a raw prediction becomes
  "cast"; labels survive.
"""

from __future__ import annotations

from typing import Iterable

import libcst as cst

from kast.analysis.dataflow import Data, Labels, Prediction, Transform
from kast.analysis.values import Sequence, Value

KEEP = "keep"
RESHAPE = "reshape"
FLATTEN = "flatten"
VALUES = "values"
COLUMNS = "columns"
CAST = "cast"

EFFECTS = frozenset({KEEP, RESHAPE, FLATTEN, VALUES, COLUMNS, CAST})


def apply(effect: str, data: Data, node: cst.CSTNode) -> Data:
    """`data` after an operation of kind `effect` at `node`."""
    if effect in (KEEP, RESHAPE):
        return data.derived(node)
    if effect == FLATTEN:
        prediction = data.prediction._replace(flattened=True) if data.prediction is not None else None
        return data.derived(node, prediction=prediction)
    if effect in (VALUES, COLUMNS):
        return data.derived(node, prediction=None, labels=None)
    if effect == CAST:
        prediction = data.prediction
        if prediction is not None and prediction.post == "raw":
            prediction = prediction._replace(post="cast")
        return data.derived(node, prediction=prediction)
    raise ValueError(f"unknown effect {effect!r}")


def combine(values: Iterable[Value], node: cst.CSTNode) -> Data | None:
    """The value of an operation on several operands (`a + b`): the lineage of the first data operand."""
    for value in values:
        if isinstance(value, Data):
            return apply(VALUES, value, node)
    return None


def transformed(data: Data, node: cst.CSTNode, estimator: Value, labels: Labels | None = None) -> Data:
    """`data` through a fitted transform (`scaler.transform(x)`, `norm(x)`)."""
    return data.derived(node, transforms=data.transforms + (Transform(estimator, node),), labels=labels,
                        prediction=None)


def with_role(data: Data, node: cst.CSTNode, role: str, role_node: cst.CSTNode) -> Data:
    """`data` as one part of a split, or named as one (`X_test = ...`)."""
    return data.derived(node, role=role, role_node=role_node, prediction=None)


def named_role(data: Data, node: cst.CSTNode, role: str, role_node: cst.CSTNode) -> Data:
    """`data` bound to a name that states a role: the name gives the role when nothing else did."""
    if data.role is None and data.prediction is None:
        return data.derived(node, role=role, role_node=role_node)
    if data.role == "test" and role == "validation" and data.role_node is not None:
        return data.derived(node, role=role)  # a held-out part named as validation
    return data


def resampled(data: Data, node: cst.CSTNode, over: bool) -> Data:
    """`data` after re-sampling at `node`: over-sampling a whole data set is recorded, under-sampling is not."""
    if over and data.role is None:
        return data.derived(node, resampled=node)
    return data.derived(node)


def predicted(x: Value, node: cst.CSTNode, prediction: Prediction) -> Data:
    """What predict(x) returns: the rows of `x`, holding the model's outputs."""
    base = x if isinstance(x, Data) else Data(node)
    return Data(node, role=base.role, role_node=base.role_node, origin=base.origin, prediction=prediction)


def concatenated(parts: list[Value], node: cst.CSTNode) -> Data:
    """The rows of several values one after another (`np.concatenate`, `pd.concat`)."""
    items: list[Value] = []
    for value in parts:
        items.extend(value.items if isinstance(value, Sequence) else [value])
    data = [v for v in items if isinstance(v, Data)]
    if not data:
        return Data(node, origin=node)
    roles = {d.role for d in data}
    test = next((d for d in data if d.role == "test"), None)
    over = next((d.resampled for d in data if d.resampled is not None), None)
    return Data(node, role=roles.pop() if len(roles) == 1 and len(data) == len(items) else None,
                origin=data[0].origin, transforms=data[0].transforms, resampled=over,
                contains_test=(node if test is not None and len(roles) > 1 else None))
