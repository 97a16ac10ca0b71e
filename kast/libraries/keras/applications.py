"""keras.applications: pretrained models and the preprocessing each family expects.

The facts come from `kast/data/keras_applications.json`, generated from an
installed Keras by `scripts/gen_keras_applications.py` (never imported at lint
time): for every constructor its module, the mode of that module's
`preprocess_input` ("caffe", "tf", "torch", or "none" for the identity),
whether the model rescales inside (it then expects 0-255 pixels), and the
defaults of `weights=` and `include_preprocessing=`.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context, bool_of
from kast.analysis.dataflow import Data
from kast.analysis.models import FIXED, Layer, Model, Pretrained, Tensor
from kast.analysis.values import UNKNOWN_VALUE, Const, Ref, Value
from kast.libraries.keras.names import generated_table

PREFIX = "keras.applications."


def table() -> dict[str, Any]:
    """The generated table; empty when the data file is absent."""
    return generated_table("keras_applications.json")


def constructor(qualname: str) -> tuple[str, dict[str, Any]] | None:
    """(canonical constructor name, its row) for `keras.applications.ResNet50` or `...resnet50.ResNet50`."""
    data = table()
    name = data.get("constructor_aliases", {}).get(qualname, qualname)
    row = data.get("constructors", {}).get(name)
    return (name, row) if row is not None else None


def mode_of(value: Value) -> str | None:
    """The mode of a `preprocess_input` function reference; None when it is not one kast knows."""
    if not isinstance(value, Ref):
        return None
    row = table().get("functions", {}).get(value.qualname)
    return row.get("mode") if row is not None and value.qualname.endswith(".preprocess_input") else None


def make_application(context: Context, qualname: str, args: Args, node: cst.Call) -> Value:
    """`EfficientNetB0(include_top=False, weights="imagenet")`: a model with the family's input expectations."""
    found = constructor(qualname)
    model = Model("application", node, complete=False)
    context.picture.models.append(model)
    if found is None:
        return model
    name, row = found
    weights = args.value("weights")
    pretrained = weights is None and row.get("weights_default") == "imagenet" \
        or isinstance(weights, Const) and isinstance(weights.value, str)
    internal = bool(row.get("internal_preprocessing"))
    if internal and row.get("include_preprocessing") is not None:
        internal = bool_of(args.get("include_preprocessing"), bool(row["include_preprocessing"])) is True
    mode = row.get("preprocess_input")
    if pretrained and isinstance(mode, str) and not args.starred:
        model.pretrained = Pretrained(name.rsplit(".", 1)[1], str(row.get("module")), mode, internal, node)
    feed = args.value("input_tensor")
    if isinstance(feed, Tensor):
        model.feed = feed
    return model


def preprocess(context: Context, mode: str, args: Args, node: cst.Call) -> Value:
    """`resnet50.preprocess_input(x)`: x in the family's input range."""
    x = args.value("x", 0)
    if isinstance(x, Data):
        return lineage.scaled(x, node, mode)
    if isinstance(x, Tensor):
        return Tensor(node, Layer("preprocess_input", node, role=FIXED, scale=mode), x)
    return UNKNOWN_VALUE


def resolve(qualname: str) -> Callee | None:
    if not qualname.startswith(PREFIX):
        return None
    if qualname.endswith(".preprocess_input"):
        mode = mode_of(Ref(qualname))
        return Callee(preprocess, mode) if mode is not None else None
    if qualname.rsplit(".", 1)[1][:1].isupper() and constructor(qualname) is not None:
        return Callee(make_application, qualname)
    return None

