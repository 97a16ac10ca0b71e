"""Keras data loaders: the bundled datasets, image files, directory datasets and ImageDataGenerator flows.

A loader's output is data with its input-pipeline facts: pixels as loaded
(`RAW`, 0-255) or rescaled, the channel order (Keras and PIL load RGB), and,
for directory datasets and generator flows, a `Pipeline`: whether it shuffles
(each documented default is a row here), augments, and which subset it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context, bool_of, const
from kast.analysis.dataflow import RAW, UNIT, Data, Fixed, Generator, Keys, Labels, Pipeline
from kast.analysis.values import UNKNOWN_VALUE, Const, Method, Sequence, Value
from kast.libraries.keras import applications

# The bundled datasets whose inputs are images: their colour channels.
IMAGE_DATASETS = {"mnist": "gray", "fashion_mnist": "gray", "cifar10": "rgb", "cifar100": "rgb"}

# ImageDataGenerator arguments that augment at random when set.
AUGMENTATION_ARGUMENTS = ("rotation_range", "width_shift_range", "height_shift_range", "shear_range", "zoom_range",
                          "horizontal_flip", "vertical_flip", "brightness_range", "channel_shift_range")

# Whether a loader shuffles when `shuffle=` is not given.
SHUFFLES_BY_DEFAULT = {
    "flow": True, "flow_from_directory": True, "flow_from_dataframe": True,
    "image_dataset_from_directory": True, "text_dataset_from_directory": True,
    "audio_dataset_from_directory": True, "timeseries_dataset_from_array": False,
}
# What the labels of a loader are, by `label_mode=` / `class_mode=`.
LABEL_MODES = {"int": "integer", "sparse": "integer", "binary": "integer", "categorical": "onehot"}


@dataclass(frozen=True, slots=True, eq=False)
class ClassIndices(Value):
    """A loader's `class_indices`: class folder names (strings) mapped to class indices."""

    node: cst.CSTNode


def _channels(args: Args, node: cst.CSTNode) -> Fixed | None:
    mode = args.value("color_mode")
    if mode is None:
        return Fixed("rgb", node)
    text = const(mode, str)
    return Fixed("gray" if text == "grayscale" else "rgb", node) if text in ("rgb", "rgba", "grayscale") else None


def _labels(args: Args, keyword: str, default: str, node: cst.CSTNode) -> Labels | None:
    mode = args.value(keyword)
    text = default if mode is None else const(mode, str)
    encoding = LABEL_MODES.get(text) if isinstance(text, str) else None
    return Labels(encoding, node) if encoding else None


def _pipeline(name: str, args: Args, node: cst.Call, augment: cst.CSTNode | None = None) -> Pipeline:
    shuffle = bool_of(args.get("shuffle"), SHUFFLES_BY_DEFAULT[name])
    subset = const(args.value("subset"), str)
    return Pipeline(root=node, shuffle=node if shuffle else None, reshuffles=bool(shuffle),
                    shuffle_known=shuffle is not None, augment=augment, subset=subset)


def load_data(context: Context, name: str, args: Args, node: cst.Call) -> Value:
    """`keras.datasets.<name>.load_data()`: ((x_train, y_train), (x_test, y_test)); images as raw pixels."""
    channels = IMAGE_DATASETS.get(name)

    def part(role: str, inputs: bool) -> Data:
        data = Data(node, role=role, role_node=node, origin=node)
        if inputs and channels is not None:
            data = data.derived(node, scale=Fixed(RAW, node), channels=Fixed(channels, node))
        return data
    return Sequence(tuple(Sequence((part(role, True), part(role, False)), node) for role in ("train", "test")), node)


def load_img(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`load_img(path)`: one image, RGB (or grayscale), pixels 0-255."""
    return Data(node, origin=node, scale=Fixed(RAW, node), channels=_channels(args, node))


def directory_dataset(context: Context, name: str, args: Args, node: cst.Call) -> Value:
    """`image_dataset_from_directory(...)`: batches of (images, labels), shuffled unless shuffle=False."""
    pipeline = _pipeline(name, args, node)
    images = Data(node, origin=node, pipeline=pipeline)
    if name == "image_dataset_from_directory":
        images = images.derived(node, scale=Fixed(RAW, node), channels=_channels(args, node))
    labels = Data(node, origin=node, labels=_labels(args, "label_mode", "int", node))
    return images.derived(node, parts=(images, labels))


def timeseries_dataset(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1)`: windows."""
    length = const(args.value("sequence_length", 2), int)
    stride = const(args.value("sequence_stride", 3), int) if args.get("sequence_stride", 3) is not None else 1
    windows = _windows(args.value("data", 0), length, stride, node,
                       pipeline=_pipeline("timeseries_dataset_from_array", args, node))
    targets = args.value("targets", 1)
    target = targets.derived(node) if isinstance(targets, Data) else Data(node, origin=node)
    return windows.derived(node, parts=(windows, target))


def timeseries_generator(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`TimeseriesGenerator(data, targets, length, stride=1)`: windows of `length` every `stride` steps."""
    length = const(args.value("length", 2), int)
    stride = const(args.value("stride"), int) if args.get("stride") is not None else 1
    windows = _windows(args.value("data", 0), length, stride, node)
    return windows.derived(node, parts=(windows, Data(node, origin=node)))


def _windows(data: Value | None, length: int | None, stride: int | None, node: cst.Call, **changes: object) -> Data:
    """The windows a time-series loader cuts from `data`: overlapping when each starts before the last ends."""
    base = data if isinstance(data, Data) else Data(node, origin=node)
    overlapping = length is not None and stride is not None and stride < length
    return base.derived(node, windows=Fixed("overlapping", node) if overlapping else None, part_of=None, **changes)


def image_data_generator(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`ImageDataGenerator(rescale=1./255, rotation_range=20, ...)`."""
    augment = None
    for name in AUGMENTATION_ARGUMENTS:
        item = args.get(name)
        if item is None:
            continue
        value = item[0]
        if isinstance(value, Const) and value.value not in (0, 0.0, False, None) or isinstance(value, Sequence):
            augment = item[1]
            break
    scale: Fixed | None = Fixed(RAW, node)
    known = True
    rescale = args.get("rescale")
    if rescale is not None:
        factor = const(rescale[0], (int, float))
        if isinstance(factor, (int, float)) and lineage.scales_to_unit(factor):
            scale = Fixed(UNIT, rescale[1].value)
        elif not (isinstance(rescale[0], Const) and rescale[0].value in (None, 0, 1)):
            scale, known = None, False
    function = args.get("preprocessing_function")
    if function is not None and not (isinstance(function[0], Const) and function[0].value is None):
        mode = applications.mode_of(function[0])
        if mode is None:
            scale, known = None, False
        else:
            scale = Fixed(mode, function[1].value)  # the family's preprocess_input (rescale= comes after it)
    return Generator(node, scale, augment, known)


def flow(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    """`generator.flow_from_directory(...)`, `.flow(x, y)`: batches scaled and augmented by the generator."""
    generator = method.receiver
    name = method.name
    if not isinstance(generator, Generator):
        return UNKNOWN_VALUE
    pipeline = _pipeline(name, args, node, generator.augment)
    if name == "flow":
        x = args.value("x", 0)
        base = x if isinstance(x, Data) else Data(node, origin=node)
        scale = base.scale if generator.scale is not None and generator.scale.value == RAW else generator.scale
        images = base.derived(node, pipeline=pipeline, scale=scale, part_of=None, prediction=None)
        y = args.value("y", 1)
        labels = y if isinstance(y, Data) else Data(node, origin=node)
    else:
        images = Data(node, origin=node, pipeline=pipeline, scale=generator.scale, channels=_channels(args, node))
        labels = Data(node, origin=node, labels=_labels(args, "class_mode", "categorical", node))
    return images.derived(node, parts=(images, labels))


def listed_labels(context: Context, data: Data, node: cst.CSTNode) -> Value:
    """`generator.classes` / `.labels`: the labels in the loader's file order, whatever order it yields."""
    if data.pipeline is None:
        return UNKNOWN_VALUE
    return Data(node, origin=data.pipeline.root, labels=Labels("integer", node), listing=data.pipeline)


def _image_to_array(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    first = args.value("img", 0)
    return lineage.apply(lineage.KEEP, first, node) if isinstance(first, Data) else UNKNOWN_VALUE


def normalize(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`keras.utils.normalize(x)`: rows scaled to unit L2 norm, a fixed scaling."""
    first = args.value("x", 0)
    return lineage.scaled(first, node, "l2") if isinstance(first, Data) else UNKNOWN_VALUE


_LOADER_MODULES = ("keras.utils.", "keras.preprocessing.", "keras.preprocessing.image.")

FUNCTIONS = {
    **{f"{module}load_img": Callee(load_img) for module in ("keras.utils.", "keras.preprocessing.image.")},
    **{f"{module}img_to_array": Callee(_image_to_array)
       for module in ("keras.utils.", "keras.preprocessing.image.")},
    **{f"{module}{name}": Callee(directory_dataset, name) for module in _LOADER_MODULES
       for name in ("image_dataset_from_directory", "text_dataset_from_directory", "audio_dataset_from_directory")},
    **{f"{module}timeseries_dataset_from_array": Callee(timeseries_dataset)
       for module in ("keras.utils.", "keras.preprocessing.", "keras.preprocessing.timeseries.")},
    "keras.preprocessing.sequence.TimeseriesGenerator": Callee(timeseries_generator),
    "keras.preprocessing.image.ImageDataGenerator": Callee(image_data_generator),
    "keras.utils.normalize": Callee(normalize),
}

def class_indices(context: Context, data: Data, node: cst.CSTNode) -> Value:
    """`generator.class_indices`: {class folder name: class index}."""
    return ClassIndices(node) if data.pipeline is not None else UNKNOWN_VALUE


def class_names(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    return Keys("str", node)


def class_ids(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    return Keys("int", node)


METHODS = {Generator: {name: flow for name in ("flow", "flow_from_directory", "flow_from_dataframe")},
           ClassIndices: {"keys": class_names, "values": class_ids}}
ATTRIBUTES = {Data: {"classes": listed_labels, "labels": listed_labels, "class_indices": class_indices}}


def resolve(qualname: str) -> Callee | None:
    if qualname.startswith("keras.datasets.") and qualname.endswith(".load_data"):
        return Callee(load_data, qualname.split(".")[2])
    return None

