#!/usr/bin/env python3
"""Regenerate ``kast/data/keras_applications.json``: how each pretrained model wants its input.

kast never imports Keras while linting.  Rule K208 (pretrained-preprocessing-
mismatch) needs to know, for a ``keras.applications`` model, what input its
ImageNet weights expect: some families preprocess inside the model and want
raw 0-255 pixels (EfficientNet, ConvNeXt, MobileNetV3...), so ``x / 255`` or
``rescale=1./255`` in front of them is wrong; the others want their own
module's ``preprocess_input``, and the modes differ (``caffe``: RGB->BGR and
mean subtraction, ``tf``: scaling to [-1, 1], ``torch``: scaling to [0, 1] and
ImageNet mean/std), so another family's ``preprocess_input`` is wrong too.
This script writes those facts to ``kast/data/keras_applications.json``.

It is run BY HAND, by a maintainer, when a Keras release adds or changes an
application -- never at lint time, never in CI.  Run it in a throwaway virtual
environment (not the project's own venv), for example::

    python -m venv /tmp/kerasdata-venv
    /tmp/kerasdata-venv/bin/pip install keras tf_keras tensorflow-cpu
    /tmp/kerasdata-venv/bin/python scripts/gen_keras_applications.py

then review the diff of the JSON and commit it.  It builds every model once
(with ``weights=None``: nothing is downloaded), which takes a few minutes and a
few GB of memory.

Sources and verification
------------------------
It reads whichever of ``keras`` (Keras 3) and ``tf_keras`` (Keras 2) are
importable, and records their versions under ``"sources"``.  For each package:

* every public submodule of ``<package>.applications`` (``resnet50``,
  ``efficientnet``...) has its ``preprocess_input`` CALLED on a small test
  image of known pixel values, and the result is matched against the four
  possible transforms, whose constants are under ``"modes"``: ``caffe``,
  ``tf``, ``torch``, and ``none`` (the identity: a placeholder kept because the
  model rescales internally).  Exactly one must match.  The function's source
  is read as a second witness: the ``mode="..."`` it passes to
  ``imagenet_utils.preprocess_input``, or a bare ``return x``; the two must
  agree.  ``"how"`` says what was seen.
* every public model constructor (``keras.applications.ResNet50``...) is
  BUILT with ``weights=None, include_top=False`` at a small input size, and the
  layers in front of its first convolution are examined: a ``Rescaling`` or
  ``Normalization`` there means the model preprocesses internally
  (``"internal_preprocessing": true``), and the sub-model up to the last of
  them is run on all-0 and all-255 images to record what it maps 0-255 to
  (``"maps_0_255_to"``; with ``weights=None`` an un-adapted ``Normalization``
  is the identity, so EfficientNet shows [0, 1]; with the ImageNet weights its
  statistics are loaded on top).  ``inspect.signature`` gives the defaults of
  ``weights`` and ``include_preprocessing`` (``null``: no such parameter; the
  model then always preprocesses as recorded).

A model is stated to expect ``"0-255"`` when it preprocesses internally;
otherwise it expects what its module's ``preprocess_input`` produces, and
``"expects"`` names that mode.  Keras 3 is the reference; where tf_keras has the
same model or module and says something else, the ``"tf_keras"`` field holds
only the fields that differ; a model or module only tf_keras has (RegNet,
ResNetRS) carries ``"packages": ["tf_keras"]``.

Layout
------
``"constructors"``: ``keras.applications.<Name>`` -> ``{"module",
"exported_by", "preprocess_input", "internal_preprocessing", "expects",
"maps_0_255_to", "stem", "include_preprocessing", "weights_default",
"packages", "tf_keras"}``, where ``module`` is the submodule that defines it
(``resnet`` for ``ResNet50``, ``mobilenet_v3`` for ``MobileNetV3Large``),
whose ``preprocess_input`` is the one that matches it, and ``exported_by``
lists the submodules it can be imported from (``["resnet", "resnet50"]``;
none for ``MobileNetV3Large``).  ``"constructor_aliases"`` maps those
spellings (``keras.applications.resnet50.ResNet50``) to the constructor's key.
``"stem"`` names the preprocessing layers found.  ``"modules"``: submodule -> ``{"preprocess_input" (mode), "how",
"constructors", "packages", "tf_keras"}``.  ``"functions"``: the canonical
names ``keras.applications.<module>.preprocess_input`` and
``...decode_predictions`` -> ``{"module", "mode"}``, the mode being that of the
module's ``preprocess_input`` (``decode_predictions`` only identifies the
family).  ``keras.applications.imagenet_utils.preprocess_input`` takes the mode
as an argument; ``"imagenet_utils"`` records its default and choices.  Keys
are kast's canonical names: ``tensorflow.keras.applications.X`` and
``tf_keras.applications.X`` fold to ``keras.applications.X``
(``canonical()`` in ``kast/libraries/keras/names.py``).

Output is deterministic: sorted keys and lists, rounded numbers.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import re
import sys
import types
from pathlib import Path

from keras_env import keras_packages, log, quiet_environment, silenced

TAG = "gen_keras_applications"

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "kast" / "data" / "keras_applications.json"

# The transforms that imagenet_utils.preprocess_input implements, as functions
# of a channels-last RGB array in 0-255.
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
TORCH_MEAN = (0.485, 0.456, 0.406)
TORCH_STD = (0.229, 0.224, 0.225)
MODES = {
    "caffe": f"RGB to BGR, then minus the ImageNet mean {list(CAFFE_MEAN_BGR)} (BGR order); no scaling",
    "tf": "x / 127.5 - 1: 0-255 to [-1, 1]",
    "torch": f"x / 255, minus {list(TORCH_MEAN)}, divided by {list(TORCH_STD)} (RGB order)",
    "none": "the identity: the model preprocesses internally and wants 0-255 pixels",
}

# Small enough to build fast, large enough for every family's minimum size
# (InceptionV3 75, Xception 71, NASNet 32).
INPUT_SIZE = 96

_PREPROCESSING_LAYERS = ("Rescaling", "Normalization")
_MODE_IN_SOURCE = re.compile(r"""mode\s*=\s*["'](\w+)["']""")


def _test_image():
    """A 1x2x2x3 channels-last RGB image with distinct values per channel."""
    import numpy as np

    return np.array(
        [[[[0.0, 64.0, 128.0], [255.0, 200.0, 100.0]], [[30.0, 90.0, 250.0], [12.0, 180.0, 40.0]]]],
        dtype="float32",
    )


def _expected(mode: str, x):
    import numpy as np

    if mode == "caffe":
        return x[..., ::-1] - np.array(CAFFE_MEAN_BGR, dtype="float32")
    if mode == "tf":
        return x / 127.5 - 1.0
    if mode == "torch":
        return (x / 255.0 - np.array(TORCH_MEAN, dtype="float32")) / np.array(TORCH_STD, dtype="float32")
    if mode == "none":
        return x.copy()
    raise ValueError(mode)


def classify_preprocess_input(fn) -> tuple[str, str]:
    """(mode, how) for one ``preprocess_input``, by calling it and by reading it."""
    import numpy as np

    x = _test_image()
    with silenced():
        out = np.asarray(fn(x.copy()), dtype="float32")
    matches = [m for m in MODES if np.allclose(out, _expected(m, x), atol=1e-3)]
    if len(matches) != 1:
        raise SystemExit(f"{fn.__module__}.preprocess_input matches {matches or 'no mode'}")
    mode = matches[0]
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        source = ""
    body = source.split('"""')[-1] if source.count('"""') >= 2 else source
    named = _MODE_IN_SOURCE.findall(body)
    if named:
        if named != [mode]:
            raise SystemExit(f"{fn.__module__}.preprocess_input: called it gives {mode}, its source says {named}")
        how = f"called on a test image: {mode}; its source passes mode={mode!r} to imagenet_utils.preprocess_input"
    elif mode == "none" and re.search(r"^\s*return x\s*$", body, re.MULTILINE):
        how = "called on a test image: unchanged; its source returns x as it is"
    else:
        how = f"called on a test image: {mode}"
    return mode, how


class Package:
    def __init__(self, name: str, module: types.ModuleType):
        self.name = name
        self.module = module
        self.version = str(getattr(module, "__version__", "unknown"))
        self.apps = module.applications

    def submodules(self) -> dict[str, types.ModuleType]:
        return {
            n: getattr(self.apps, n) for n in dir(self.apps)
            if not n.startswith("_") and inspect.ismodule(getattr(self.apps, n))
        }

    def constructors(self) -> dict[str, object]:
        return {
            n: getattr(self.apps, n) for n in dir(self.apps)
            if n[:1].isupper() and callable(getattr(self.apps, n))
        }

    def defining_module(self, fn) -> str:
        return fn.__module__.rsplit(".", 1)[-1]

    def stem(self, name: str, fn) -> dict:
        """Build the model and look at what comes before its first convolution."""
        import numpy as np

        k = self.module
        with silenced():
            k.backend.clear_session()
            model = fn(weights=None, include_top=False, input_shape=(INPUT_SIZE, INPUT_SIZE, 3))
        pre = []
        for layer in _flat_layers(model):
            kind = type(layer).__name__
            if "Conv" in kind or kind == "Dense":
                break
            if kind in _PREPROCESSING_LAYERS:
                pre.append(layer)
        info: dict = {"internal_preprocessing": bool(pre)}
        if pre:
            sub = k.Model(model.inputs, pre[-1].output)
            images = np.stack([np.zeros((INPUT_SIZE, INPUT_SIZE, 3)), np.full((INPUT_SIZE, INPUT_SIZE, 3), 255.0)]).astype("float32")
            with silenced():
                out = np.asarray(sub.predict(images, verbose=0))
            info["maps_0_255_to"] = [round(float(out[0].min()), 3), round(float(out[1].max()), 3)]
            info["stem"] = [type(layer).__name__ for layer in pre]
        del model
        gc.collect()
        return info


def _flat_layers(model):
    """The model's layers in order, nested models and layers flattened."""
    out = []
    for layer in model.layers:
        inner = getattr(layer, "layers", None)
        if isinstance(inner, list) and inner and layer is not model:
            out.extend(_flat_layers(layer))
        else:
            out.append(layer)
    return out


def _signature_default(fn, name: str):
    try:
        param = inspect.signature(fn).parameters.get(name)
    except (TypeError, ValueError):
        return None
    if param is None:
        return None
    return param.default if param.default is not param.empty else None


def describe_package(pkg: Package) -> tuple[dict, dict]:
    modules: dict[str, dict] = {}
    for name, mod in sorted(pkg.submodules().items()):
        if name == "imagenet_utils" or not hasattr(mod, "preprocess_input"):
            continue
        mode, how = classify_preprocess_input(mod.preprocess_input)
        modules[name] = {
            "preprocess_input": mode,
            "how": how,
            "decode_predictions": hasattr(mod, "decode_predictions"),
            "exports": sorted(n for n in dir(mod) if n[:1].isupper()),
        }
    constructors: dict[str, dict] = {}
    for name, fn in sorted(pkg.constructors().items()):
        home = pkg.defining_module(fn)
        if home not in modules:
            raise SystemExit(f"{pkg.name}: {name} is defined in {fn.__module__}, which has no public preprocess_input")
        exported_by = sorted(m for m, info in modules.items() if name in info["exports"])
        include_pre = _signature_default(fn, "include_preprocessing")
        has_include_pre = "include_preprocessing" in inspect.signature(fn).parameters
        log(f"[{TAG}] {pkg.name} {name}: building")
        stem = pkg.stem(name, fn)
        if has_include_pre and include_pre and not stem["internal_preprocessing"]:
            raise SystemExit(f"{pkg.name} {name}: include_preprocessing=True but no preprocessing layer found")
        mode = modules[home]["preprocess_input"]
        if stem["internal_preprocessing"] and mode != "none":
            raise SystemExit(f"{pkg.name} {name}: preprocesses internally, yet {home}.preprocess_input is {mode}")
        entry = {
            "module": home,
            "exported_by": exported_by,
            "preprocess_input": mode,
            "internal_preprocessing": stem["internal_preprocessing"],
            "expects": "0-255" if stem["internal_preprocessing"] else mode,
            "include_preprocessing": include_pre if has_include_pre else None,
            "weights_default": _signature_default(fn, "weights"),
        }
        if "maps_0_255_to" in stem:
            entry["maps_0_255_to"] = stem["maps_0_255_to"]
            entry["stem"] = stem["stem"]
        constructors[name] = entry
    for m, info in modules.items():
        info["constructors"] = sorted(n for n, c in constructors.items() if c["module"] == m or m in c["exported_by"])
        del info["exports"]
    return modules, constructors


def _merge(per_package: dict[str, dict]) -> dict:
    """One record from {package: record}: Keras 3's, with tf_keras' differences."""
    names = sorted(per_package)
    base_name = "keras" if "keras" in per_package else names[0]
    merged = dict(per_package[base_name])
    packages = ["keras3" if n == "keras" else n for n in names]
    merged["packages"] = packages
    for other in names:
        if other == base_name:
            continue
        diff = {k: v for k, v in per_package[other].items() if merged.get(k) != v}
        if diff:
            merged[other] = diff
    return merged


def generate(packages: list[Package]) -> dict:
    modules_by_pkg: dict[str, dict] = {}
    constructors_by_pkg: dict[str, dict] = {}
    imagenet_utils: dict = {}
    for pkg in packages:
        modules_by_pkg[pkg.name], constructors_by_pkg[pkg.name] = describe_package(pkg)
        utils = pkg.apps.imagenet_utils.preprocess_input
        default = _signature_default(utils, "mode")
        with silenced():
            choices = [m for m in ("caffe", "tf", "torch") if classify_preprocess_input(lambda x, m=m, f=utils: f(x, mode=m))[0] == m]
        imagenet_utils[pkg.name] = {"default_mode": default, "modes": choices}
    modules: dict[str, dict] = {}
    for name in sorted({n for d in modules_by_pkg.values() for n in d}):
        modules[name] = _merge({p: d[name] for p, d in modules_by_pkg.items() if name in d})
    constructors: dict[str, dict] = {}
    for name in sorted({n for d in constructors_by_pkg.values() for n in d}):
        constructors[f"keras.applications.{name}"] = _merge(
            {p: d[name] for p, d in constructors_by_pkg.items() if name in d}
        )
    functions: dict[str, dict] = {}
    for name, info in modules.items():
        functions[f"keras.applications.{name}.preprocess_input"] = {"module": name, "mode": info["preprocess_input"]}
        if info.get("decode_predictions"):
            functions[f"keras.applications.{name}.decode_predictions"] = {"module": name, "mode": info["preprocess_input"]}
        info.pop("decode_predictions", None)
    utils = _merge(imagenet_utils)
    aliases = {
        f"keras.applications.{m}.{key.rsplit('.', 1)[1]}": key
        for key, c in constructors.items()
        for m in c["exported_by"] + [e for p in ("tf_keras",) for e in c.get(p, {}).get("exported_by", [])]
    }
    return {
        "generated_by": "scripts/gen_keras_applications.py",
        "sources": {p.name: p.version for p in packages},
        "modes": MODES,
        "imagenet_utils": utils,
        "modules": modules,
        "functions": functions,
        "constructors": constructors,
        "constructor_aliases": dict(sorted(aliases.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"where to write the JSON (default: {DEFAULT_OUTPUT})")
    args = parser.parse_args(argv)
    quiet_environment()
    packages = [Package(name, module) for name, module in keras_packages(TAG)]
    if not packages:
        log(f"[{TAG}] neither keras (3.x) nor tf_keras is importable")
        return 1
    data = generate(packages)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=True) + "\n"
    args.output.write_text(text, encoding="utf-8")
    log(f"[{TAG}] wrote {args.output} ({data['sources']}; {len(data['constructors'])} constructors)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
