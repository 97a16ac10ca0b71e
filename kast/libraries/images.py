"""Image I/O outside Keras: OpenCV, PIL, scikit-image, imageio and TensorFlow's decoders.

What matters for a model's input is the channel order (OpenCV reads and
captures BGR; PIL, Keras and TensorFlow give RGB) and the pixel scale (0-255
as read; `tf.image.convert_image_dtype` to float gives [0, 1]).
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context, const
from kast.analysis.dataflow import RAW, UNIT, Data, Fixed
from kast.analysis.values import UNKNOWN_VALUE, Method, Ref, Sequence, Value
from kast.libraries import common
from kast.libraries.common import effect

# cv2.imread flags that read a single grayscale channel (IMREAD_GRAYSCALE is 0).
_GRAYSCALE_FLAGS = frozenset({"cv2.IMREAD_GRAYSCALE", "cv2.IMREAD_REDUCED_GRAYSCALE_2",
                              "cv2.IMREAD_REDUCED_GRAYSCALE_4", "cv2.IMREAD_REDUCED_GRAYSCALE_8"})
# cv2.cvtColor codes: the channel order they produce.
_CONVERSIONS = {"BGR2RGB": "rgb", "RGB2BGR": "bgr", "BGR2GRAY": "gray", "RGB2GRAY": "gray", "BGRA2RGB": "rgb",
                "BGRA2RGBA": "rgb", "BGR2RGBA": "rgb", "RGBA2BGR": "bgr", "GRAY2RGB": "rgb", "GRAY2BGR": "bgr",
                "RGBA2RGB": "rgb", "BGRA2BGR": "bgr", "BGR2HSV": "hsv", "RGB2HSV": "hsv", "BGR2LAB": "lab"}


def _image(node: cst.CSTNode, channels: str | None) -> Data:
    return Data(node, origin=node, scale=Fixed(RAW, node), channels=Fixed(channels, node) if channels else None)


def imread(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`cv2.imread(path[, flags])`: BGR, or one grayscale channel with IMREAD_GRAYSCALE (0)."""
    flag = args.value("flags", 1)
    if flag is None:
        return _image(node, "bgr")
    if isinstance(flag, Ref) and flag.qualname in _GRAYSCALE_FLAGS or const(flag, int) == 0:
        return _image(node, "gray")
    if isinstance(flag, Ref) and flag.qualname in ("cv2.IMREAD_COLOR", "cv2.IMREAD_UNCHANGED") \
            or const(flag, int) in (1, -1):
        return _image(node, "bgr")
    return _image(node, None)


def rgb_image(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """PIL, scikit-image, imageio and TensorFlow decoders: RGB pixels 0-255."""
    return _image(node, "rgb")


def cvt_color(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`cv2.cvtColor(img, cv2.COLOR_BGR2RGB)`: the image in another channel order."""
    image = args.value("src", 0)
    code = args.value("code", 1)
    if not isinstance(image, Data):
        return UNKNOWN_VALUE
    order = _CONVERSIONS.get(code.qualname.split(".", 1)[1].removeprefix("COLOR_")) \
        if isinstance(code, Ref) and code.qualname.startswith("cv2.COLOR_") else None
    return image.derived(node, channels=Fixed(order, node) if order in ("rgb", "bgr", "gray") else None)


@dataclass(frozen=True, slots=True, eq=False)
class VideoCapture(Value):
    """An OpenCV camera or video file."""

    node: cst.CSTNode


def capture(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`cv2.VideoCapture(...)`: its `read()` gives (ok, frame) with the frame in BGR."""
    return VideoCapture(node)


def capture_read(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    return Sequence((UNKNOWN_VALUE, _image(node, "bgr")), node)


def convert_image_dtype(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`tf.image.convert_image_dtype(img, tf.float32)`: integer pixels become floats in [0, 1]."""
    image = args.value("image", 0)
    dtype = args.value("dtype", 1)
    if not isinstance(image, Data):
        return UNKNOWN_VALUE
    floating = isinstance(dtype, Ref) and dtype.qualname in ("tensorflow.float32", "tensorflow.float16",
                                                             "tensorflow.float64") \
        or const(dtype, str) in ("float32", "float16", "float64")
    return lineage.scaled(image, node, UNIT) if floating else lineage.apply(lineage.CAST, image, node)


def pil_convert(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    """`image.convert("RGB")` / `("L")`."""
    data = method.receiver
    assert isinstance(data, Data)
    mode = const(args.value("mode", 0), str)
    channels = "rgb" if mode in ("RGB", "RGBA") else "gray" if mode == "L" else None
    return data.derived(node, channels=Fixed(channels, node) if channels else None)


# Operations that keep the pixels' scale and channel order.
_KEEP = ("cv2.resize", "cv2.flip", "cv2.GaussianBlur", "cv2.medianBlur", "cv2.blur", "cv2.bitwise_not",
         "cv2.copyMakeBorder", "cv2.warpAffine", "tensorflow.image.resize", "tensorflow.image.resize_with_pad",
         "tensorflow.image.central_crop", "tensorflow.image.flip_left_right", "tensorflow.expand_dims",
         "tensorflow.io.decode_image", "skimage.transform.resize")

FUNCTIONS = {
    "cv2.imread": Callee(imread),
    "cv2.cvtColor": Callee(cvt_color),
    "cv2.VideoCapture": Callee(capture),
    **{name: Callee(rgb_image) for name in ("PIL.Image.open", "skimage.io.imread", "imageio.imread",
                                             "imageio.v2.imread", "imageio.v3.imread", "matplotlib.pyplot.imread",
                                             "tensorflow.io.decode_jpeg", "tensorflow.io.decode_png",
                                             "tensorflow.image.decode_jpeg", "tensorflow.image.decode_png")},
    "tensorflow.image.convert_image_dtype": Callee(convert_image_dtype),
    **{name: effect(lineage.KEEP) for name in _KEEP},
}

METHODS = {
    VideoCapture: {"read": capture_read},
    Data: {"convert": pil_convert, "resize": common.method(lineage.KEEP)},
}
