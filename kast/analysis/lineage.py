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
- CODES: the integer codes of a categorical column (`.cat.codes`,
  `pd.factorize`): integer class labels.

The input-pipeline facts: a fixed scaling of the values (`Data.scale`: raw
pixels, divided by 255, ...) survives what keeps the values and is set by the
arithmetic that scales them (`binary`); the channel order of images survives
everything but a selection of columns or channels; the row order ("grouped"
class blocks, "shuffled") survives everything but a shuffle or a split that
shuffles.

A value that is one named column of a frame (`df["label"]`) says so
(`Data.column`) until its values change; columns written into a frame
(`df["x"] = ...`) are read back as they were written.
"""

from __future__ import annotations

from typing import Iterable

import libcst as cst

from kast.analysis.dataflow import (
    CENTERED,
    RAW,
    UNIT,
    Collection,
    Data,
    Fixed,
    Labels,
    Pipeline,
    Prediction,
    RowIndex,
    Transform,
)
from kast.analysis.calls import const
from kast.analysis.values import Sequence, Value

KEEP = "keep"
RESHAPE = "reshape"
FLATTEN = "flatten"
VALUES = "values"
COLUMNS = "columns"
CAST = "cast"
CODES = "codes"

EFFECTS = frozenset({KEEP, RESHAPE, FLATTEN, VALUES, COLUMNS, CAST, CODES})


def apply(effect: str, data: Data, node: cst.CSTNode) -> Data:
    """`data` after an operation of kind `effect` at `node`."""
    if effect in (KEEP, RESHAPE):
        return data.derived(node)
    if effect == FLATTEN:
        prediction = data.prediction._replace(flattened=True) if data.prediction is not None else None
        return data.derived(node, prediction=prediction)
    if effect == VALUES:
        return data.derived(node, prediction=None, labels=None, column=None, columns=(), parts=(), scale=None,
                            pipeline=None)
    if effect == COLUMNS:
        return data.derived(node, prediction=None, labels=None, column=None, columns=(), parts=(), channels=None,
                            pipeline=None)
    if effect == CAST:
        prediction = data.prediction
        if prediction is not None and prediction.post == "raw":
            prediction = prediction._replace(post="cast")
        return data.derived(node, prediction=prediction)
    if effect == CODES:
        return data.derived(node, prediction=None, labels=Labels("integer", node), columns=(), parts=(), scale=None,
                            channels=None)
    raise ValueError(f"unknown effect {effect!r}")


def column(data: Data, node: cst.CSTNode, name: str) -> Data:
    """`df[name]`: the column as written into the frame, or a column of the frame's rows."""
    for written, value in reversed(data.columns):
        if written == name and isinstance(value, Data):
            # The values written, in the frame's rows as they are now (split since, perhaps).
            return value.derived(node, column=name, role=data.role, role_node=data.role_node, origin=data.origin,
                                 part_of=data.part_of, resampled=data.resampled)
    return data.derived(node, prediction=None, labels=None, column=name, columns=(), parts=())


def column_written(frame: Data, node: cst.CSTNode, name: str | None, value: Value) -> Data:
    """The frame after `frame[name] = value`: it now holds what was written."""
    if not isinstance(value, Data):
        return frame.derived(node)
    transforms = frame.transforms + tuple(t for t in value.transforms if t not in frame.transforms)
    columns = frame.columns + ((name, value),) if name is not None else frame.columns
    return frame.derived(node, transforms=transforms, columns=columns)


def sliced(data: Data, node: cst.CSTNode, bounded: bool) -> Data:
    """`data[a:b]`: the same kind of rows; a bounded slice of a data set may be a part of a split."""
    if bounded and data.role in (None, "train") and data.prediction is None:
        return data.derived(node, part_of=data.part_of or data)
    return data.derived(node)


def split_part(data: Data, role: str) -> bool:
    """True when rows sliced from `data.part_of` and named for `role` are a part of a split of it.

    A slice of a whole data set named `X_test`, or a slice of a training set named `x_val`.
    """
    return data.part_of is not None and (data.role is None or (data.role == "train" and role == "validation"))


def rows_of(data: Data, node: cst.CSTNode, index: RowIndex) -> Data:
    """`data[train_idx]`: the rows of one part of a split; `data[perm]`: the rows in a new order."""
    if index.role is None:
        return data.derived(node, order=Fixed(index.order, index.node) if index.order else None)
    return data.derived(node, role=index.role, role_node=index.node, prediction=None, part_of=None)


def element(value: Value, node: cst.CSTNode) -> Value | None:
    """One element of `value` when it is iterated (`for row in X`); None when kast does not know."""
    if isinstance(value, Collection):
        return value.element if isinstance(value.element, Data) else None
    if isinstance(value, Data):
        if value.parts:
            return Sequence(tuple(data_element(p, node, value.pipeline) if isinstance(p, Data) else p
                                  for p in value.parts), node)
        return data_element(value, node)
    return None


def data_element(data: Data, node: cst.CSTNode, pipeline: Pipeline | None = None) -> Data:
    """One element (a row, a batch) of `data`, taken in a pass over its pipeline if it has one."""
    return data.derived(node, part_of=None, sample=True, pipeline=None, pass_of=pipeline or data.pipeline,
                        order=None)


def collected(data: Data, node: cst.CSTNode) -> Data:
    """`[f(row) for row in X]`, `list(map(f, X))`: the values per row, gathered into a data set again."""
    return data.derived(node, sample=False)


def unpacked(data: Data, node: cst.CSTNode) -> Data:
    """One of the names a data value is unpacked into (`x, y = batch`)."""
    return data.derived(node, prediction=None, labels=None, column=None, columns=(), parts=(), pipeline=None)


def gathered(value: Value, node: cst.CSTNode) -> Data | None:
    """`np.array(rows)` of a list filled in a loop (or a data value): the rows collected, in their order."""
    if isinstance(value, Collection):
        if not isinstance(value.element, Data):
            return Data(node, origin=node, order=value.order)
        return value.element.derived(node, sample=False, pass_of=value.element.pass_of, order=value.order,
                                     part_of=None)
    if isinstance(value, Data):
        return apply(KEEP, value, node)
    return None


def window(data: Data, node: cst.CSTNode, width: int, step: int | None) -> Data:
    """`series[i:i + width]` in a loop over `range(..., step)`: windows that overlap when step < width."""
    overlapping = step is not None and 0 < step < width
    return data.derived(node, windows=Fixed("overlapping", node) if overlapping else None, part_of=None,
                        prediction=None, labels=None)


def channels_reversed(data: Data, node: cst.CSTNode) -> Data:
    """`img[..., ::-1]`: the channel order reversed (BGR <-> RGB)."""
    flipped = {"rgb": "bgr", "bgr": "rgb"}.get(data.channels.value) if data.channels is not None else None
    return data.derived(node, channels=Fixed(flipped, node) if flipped else None)


def reordered(data: Data, node: cst.CSTNode, order: str) -> Data:
    """`data` with its rows in a new order: "shuffled" (a permutation) or "grouped" (sorted, class blocks)."""
    return data.derived(node, order=Fixed(order, node))


def literal(value: Value, node: cst.CSTNode) -> Data | None:
    """Numbers typed into the script (`[[5.1, 3.5, 1.4, 0.2]]`): raw input whose rows start here."""
    def numeric(v: Value) -> bool:
        if isinstance(v, Sequence):
            return bool(v.items) and all(numeric(item) for item in v.items)
        return const(v, (int, float)) is not None
    if isinstance(value, Sequence) and numeric(value):
        return Data(node, origin=node)
    return None


def combine(values: Iterable[Value], node: cst.CSTNode) -> Data | None:
    """The value of an operation on several operands (`a + b`): the lineage of the first data operand."""
    for value in values:
        if isinstance(value, Data):
            return apply(VALUES, value, node)
    return None


def scales_to_unit(factor: float) -> bool:
    """Multiplying by `factor` takes 0-255 pixels to [0, 1] (`1/255`, `0.00392`)."""
    return abs(factor * 255 - 1) < 1e-3


def scales_to_half(factor: float) -> bool:
    """Multiplying by `factor` takes 0-255 pixels to [0, 2] (`1/127.5`), the step before `- 1` centres them."""
    return abs(factor * 127.5 - 1) < 1e-3


# Intermediate scaling: x / 127.5 before the - 1 that centres it.
_HALF = "half"
# Pixels divided by 255 twice.
TWICE = "unit twice"


def binary(operator: str, left: Value, right: Value, node: cst.CSTNode) -> Data | None:
    """`left <operator> right` where one side is data: new values, with the fixed scaling they now have.

    `operator` is "+", "-", "*" or "/" (others: "?").  Dividing by 255 (or
    multiplying by 1/255) scales pixels to [0, 1], twice when they were
    already; `x / 127.5 - 1` centres them on [-1, 1]; any other arithmetic
    leaves the scaling unknown.
    """
    result = combine((left, right), node)
    if result is None:
        return None
    data, number = (left, right) if isinstance(left, Data) else (right, left)
    assert isinstance(data, Data)
    factor = const(number, (int, float))
    scale = data.scale.value if data.scale is not None else None
    if factor is None or data is right and operator in ("/", "-"):
        return result
    found: str | None = None
    by_255 = (operator == "/" and abs(factor - 255) < 1e-6) or (operator == "*" and scales_to_unit(factor))
    if by_255:
        found = UNIT if scale in (None, RAW) else TWICE if scale == UNIT else None
    elif operator == "/" and abs(factor - 127.5) < 1e-6 and scale in (None, RAW):
        found = _HALF
    elif operator == "-" and factor == 1 and scale == _HALF:
        found = CENTERED
    return result.derived(node, scale=Fixed(found, node)) if found is not None else result


def transformed(data: Data, node: cst.CSTNode, estimator: Value, labels: Labels | None = None) -> Data:
    """`data` through a fitted transform (`scaler.transform(x)`, `norm(x)`)."""
    return data.derived(node, transforms=data.transforms + (Transform(estimator, node),), labels=labels,
                        prediction=None, column=None, columns=(), scale=None, channels=None)


def scaled(data: Data, node: cst.CSTNode, scale: str | None) -> Data:
    """`data` through a fixed scaling (`Rescaling(1/255)(x)`, `preprocess_input(x)`); None: unknown."""
    if scale == UNIT and data.scale is not None and data.scale.value == UNIT:
        scale = TWICE
    return data.derived(node, scale=Fixed(scale, node) if scale is not None else None, prediction=None,
                        labels=None)


def with_role(data: Data, node: cst.CSTNode, role: str, role_node: cst.CSTNode, shuffles: bool = False) -> Data:
    """`data` as one part of a split, or named as one (`X_test = ...`); a split that shuffles reorders the rows."""
    order = Fixed("shuffled", node) if shuffles else data.order
    return data.derived(node, role=role, role_node=role_node, prediction=None, order=order)


def named_role(data: Data, node: cst.CSTNode, role: str, role_node: cst.CSTNode) -> Data:
    """`data` bound to a name that states a role: the name gives the role when nothing else did."""
    if data.role is None and data.prediction is None:
        return data.derived(node, role=role, role_node=role_node, part_of=None)
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
    complete = len(data) == len(items)
    encodings = {d.labels.encoding if d.labels is not None else None for d in data}
    labels = Labels(encodings.pop(), node) if len(encodings) == 1 and None not in encodings and complete else None
    # Whole data sets from different sources, one after another: the rows come in blocks.
    blocks = complete and len(data) >= 2 and all(d.role is None and d.origin is not None for d in data) \
        and len({id(d.origin) for d in data}) == len(data)
    return Data(node, role=roles.pop() if len(roles) == 1 and complete else None,
                origin=data[0].origin, transforms=data[0].transforms, resampled=over,
                contains_test=(node if test is not None and len(roles) > 1 else None), labels=labels,
                scale=_agreed([d.scale for d in data]) if complete else None,
                channels=_agreed([d.channels for d in data]) if complete else None,
                order=Fixed("grouped", node) if blocks else _agreed([d.order for d in data]),
                windows=next((d.windows for d in data if d.windows is not None), None),
                pass_of=data[0].pass_of, sample=False)


def join(values: list[Value]) -> Data | None:
    """What data values from the same rows have in common (the join after branches), or None.

    Each fact survives when every value has it; fitted transforms and written
    columns survive as far as all values share them.
    """
    if not values or not all(isinstance(v, Data) for v in values):
        return None
    data: list[Data] = values  # type: ignore[assignment]
    first = data[0]
    if any(d.origin is None or d.origin is not first.origin or d.role != first.role or d.prediction is not None
           or d.pipeline is not first.pipeline for d in data):
        return None

    def common(field: str) -> tuple[object, ...]:
        """The longest start every value's tuple shares."""
        shared: tuple[object, ...] = getattr(first, field)
        for d in data[1:]:
            other = getattr(d, field)
            length = 0
            while length < min(len(shared), len(other)) and shared[length] == other[length]:
                length += 1
            shared = shared[:length]
        return shared

    def same(field: str) -> object:
        value = getattr(first, field)
        return value if all(getattr(d, field) == value for d in data[1:]) else None

    return first.derived(first.node, transforms=common("transforms"), columns=common("columns"),
                         labels=same("labels"), resampled=same("resampled"), contains_test=same("contains_test"),
                         scale=_agreed([d.scale for d in data]), channels=_agreed([d.channels for d in data]),
                         order=_agreed([d.order for d in data]), windows=_agreed([d.windows for d in data]),
                         column=same("column"), part_of=same("part_of"), augmented=same("augmented"))


def _agreed(facts: list[Fixed | None]) -> Fixed | None:
    """The fact all parts share, or None."""
    values = {fact.value if fact is not None else None for fact in facts}
    return facts[0] if len(values) == 1 and facts[0] is not None else None


def stacked(parts: list[Value], node: cst.CSTNode) -> Data | None:
    """Columns of several values side by side (`np.hstack`): the rows of the first."""
    items: list[Value] = []
    for value in parts:
        items.extend(value.items if isinstance(value, Sequence) else [value])
    first = next((v for v in items if isinstance(v, Data)), None)
    return apply(COLUMNS, first, node) if first is not None else None
