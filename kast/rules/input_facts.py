"""Small judgements over the input pipeline that several K2/K6 rules share.

They read the picture's data facts (`Data.scale`, `Data.channels`,
`Data.pipeline`) and derive nothing from syntax.
"""

from __future__ import annotations

from collections.abc import Iterator

from kast.analysis.dataflow import CENTERED, L2, RAW, UNIT, Data, Fixed, Inference
from kast.analysis.lineage import TWICE
from kast.analysis.models import FitCall, Model
from kast.analysis.picture import Picture
from kast.analysis.values import Sequence, Value

# Scalings K207 compares, with how a message says them.
SCALES = {
    RAW: "raw pixels in 0-255",
    UNIT: "pixels scaled to [0, 1]",
    TWICE: "pixels divided by 255 twice (in [0, 1/255])",
    CENTERED: "pixels scaled to [-1, 1]",
    L2: "rows normalised to unit length (keras.utils.normalize)",
    "caffe": "pixels preprocessed in caffe mode (BGR, ImageNet means subtracted)",
    "tf": "pixels preprocessed in tf mode ([-1, 1])",
    "torch": "pixels preprocessed in torch mode ([0, 1], ImageNet standardised)",
    "none": "raw pixels in 0-255",
}


def scale_of(value: Value | None) -> Fixed | None:
    """The known fixed scaling of a data value; "none" (an identity preprocess_input) reads as raw."""
    if not isinstance(value, Data) or value.scale is None or value.scale.value not in SCALES:
        return None
    if value.scale.value == "none":
        return Fixed(RAW, value.scale.node)
    return value.scale


def x_of(value: Value | None) -> Value | None:
    """The inputs of fit()'s `validation_data=(x, y)` (or the data itself)."""
    if isinstance(value, Sequence) and value.items:
        return value.items[0]
    return value


def training_inputs(model: Model) -> list[tuple[FitCall, Data]] | None:
    """(fit, x) for every fit() of the model; None when one of them trains on something kast cannot see."""
    found = []
    for fit in model.fits:
        if not isinstance(fit.x, Data):
            return None
        found.append((fit, fit.x))
    return found or None


def inference_inputs(picture: Picture) -> Iterator[tuple[Inference, Data, list[tuple[FitCall, Data]]]]:
    """(inference, its data input, the model's training inputs) for every predict/evaluate/call on data
    (not on a prediction) of a model whose training inputs kast sees."""
    for inference in picture.inferences:
        x = inference.x
        if not isinstance(x, Data) or x.prediction is not None:
            continue
        trained = training_inputs(inference.model)
        if trained is not None:
            yield inference, x, trained
