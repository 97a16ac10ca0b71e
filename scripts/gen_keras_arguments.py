#!/usr/bin/env python3
"""Regenerate ``kast/data/keras_arguments.json``: the keyword arguments Keras accepts.

kast never imports Keras while linting.  To report a Keras 1/2 argument that
current Keras rejects or ignores (rule K507: ``Dense(output_dim=64)``,
``fit(nb_epoch=10)``, ``Conv2D(border_mode="same")``, ``batch_input_shape=``
on a Keras 3 layer...) and to name its replacement, it reads this table
instead.  For every covered Keras callable it records:

* ``keras3``: the keyword arguments Keras 3 accepts, its positional parameters
  in order (so that ``Dense(64, "relu")`` can be mapped to names), and the
  accepted keywords that make Keras 3 emit a warning (``input_shape=`` on a
  layer, ``decay=`` on an optimizer: "no longer supported and will be
  ignored"), with the warning's text;
* ``tf_keras``: how Keras 2 (the ``tf_keras`` package, what ``tf.keras`` was
  up to TensorFlow 2.15) differs: the keywords it accepts that Keras 3 does not
  (``batch_input_shape``, ``weights``...) and the other way round, its own
  warnings, and its positional order where that differs;
* ``keras1``: the Keras 1 argument names that Keras 2 still converted, with
  their Keras 2 name (``output_dim`` -> ``units``, ``border_mode`` ->
  ``padding``, ``nb_epoch`` -> ``epochs``...), the value mapping where the
  value changes too (``dim_ordering="tf"`` -> ``data_format="channels_last"``),
  and whether the rename is ``certain``: same meaning, same value, and the new
  name accepted by Keras 3 for that callable, i.e. a safe automatic fix.

It is run BY HAND, by a maintainer, when a Keras release changes signatures --
never at lint time, never in CI.  Run it in a throwaway virtual environment
(not the project's own venv), for example::

    python -m venv /tmp/kerasdata-venv
    /tmp/kerasdata-venv/bin/pip install keras tf_keras tensorflow-cpu pandas pillow scipy
    /tmp/kerasdata-venv/bin/pip download --no-deps keras==2.3.1 -d /tmp/keras2
    /tmp/kerasdata-venv/bin/python scripts/gen_keras_arguments.py \\
        --keras2-source /tmp/keras2/Keras-2.3.1-py2.py3-none-any.whl

then review the diff of the JSON and commit it.  (pandas, pillow and scipy are
only there so that the ``ImageDataGenerator`` methods and ``STFTSpectrogram``
can be called.)  It takes a minute or two.

Sources and verification
------------------------
Keras 3 and tf_keras facts come from the installed packages (their versions
are recorded under ``"sources"``).  For each callable the explicit parameters
come from ``inspect.signature``.  When the callable takes ``**kwargs`` (every
layer, optimizer and a few methods do), what it really accepts is decided by
CALLING it: the object is constructed (the method is called on a tiny compiled
model) once without extra arguments, which must succeed, and then once per
candidate keyword.  A candidate is rejected when the call raises an error that
names it as unknown (``Unrecognized keyword arguments passed to Dense``,
``Keyword argument not understood``, ``Argument(s) not recognized``, ``got an
unexpected keyword argument``, ``... is deprecated ...``); it is accepted when
the call succeeds; any other error (the value was wrong) means another value
is tried.  Warnings (``warnings`` and ``logging``) that the call emits and the
plain call does not are recorded.  A nonsense keyword is tried on every
callable as a negative control: a callable that accepts it is marked
``"any_keyword": true`` (Keras 3's ``ReduceLROnPlateau`` and functional
``Model`` silently drop unknown keywords, so ``ReduceLROnPlateau(epsilon=...)``
does nothing), and what it accepts is then its explicit parameters, the keys
its source reads from ``kwargs`` and the keywords it warns about.  Candidates are the
explicit parameters of every ``__init__`` in the class's MRO in both
packages, the identifier-like string literals in their source (which is where
``kwargs.pop("input_dim")`` and tf_keras' ``allowed_kwargs`` set live), and
every Keras 1 name below; private (``_``) names are left out.  A callable that
cannot be constructed here (it needs torch, jax, orbax or a SavedModel on
disk) keeps its signature only and is marked ``"unverified"`` with the reason.

Keras 1 facts come from the SOURCE of Keras 2.3.1, the last Keras 2 release
that carried the Keras 1 compatibility layer: ``keras/legacy/interfaces.py``
(``generate_legacy_interface(conversions=[('output_dim', 'units'), ...],
value_conversions=...)`` and the ``*_args_preprocessor`` functions), which
decorator each class's ``__init__`` / each ``Model`` method uses (read from
``keras/layers/*.py``, ``keras/engine/*.py``, following the class hierarchy
and module-level aliases such as ``Convolution2D = Conv2D``), and the
``name = kwargs.pop('old_name')`` renames in method bodies (``fit``'s
``nb_epoch``, ``ReduceLROnPlateau``'s ``epsilon``).  ``--keras2-source`` takes
the Keras 2.3.1 wheel (``pip download --no-deps keras==2.3.1``), an unpacked
source tree, or a clone of https://github.com/keras-team/keras (then
``--keras2-rev``, default ``2.3.1``).  The git blob id of every file read is
recorded; those of the pinned release are checked against ``KERAS2_PIN``, so
the file records the tag and commit (keras-team/keras ``2.3.1`` =
``f295e8ee39d4ba841ac281a9337d69c7bc5e0eb6``) whatever the form of the source.
What the preprocessor functions do is not a table in that file but code; it is
described here in ``PREPROCESSOR_NOTES``, and the script checks that every
keyword those functions read from ``kwargs`` has a note and every note's
keyword is read there.  The Keras 2.0 announcement
(https://blog.keras.io/introducing-keras-2.html) summarises the same renames
for people.

A Keras 1 rename is ``certain`` when the conversion list renames it without a
value mapping, no preprocessor rewrites it, the Keras 2 source does not warn
that its meaning changed (``samples_per_epoch`` -> ``steps_per_epoch`` counts
batches, not samples: ``SEMANTICS_CHANGED``), and Keras 3 accepts the new name
for that callable (``nb_worker`` -> ``workers`` is not: Keras 3's ``fit`` has
no ``workers``).

Layout
------
``"callables"`` maps kast's canonical names to entries.  Keys:
``keras.layers.Dense``, ``keras.Input`` / ``keras.layers.Input``,
``keras.Model`` / ``keras.models.Model``, ``keras.Sequential`` /
``keras.models.Sequential``, ``keras.optimizers.Adam``,
``keras.optimizers.schedules.ExponentialDecay``,
``keras.callbacks.EarlyStopping``,
``keras.preprocessing.image.ImageDataGenerator``, ``keras.utils.to_categorical``;
a method is its class's key, a dot and the method name (``keras.Model.fit``,
``keras.Sequential.fit``, ``keras.Sequential.add``,
``keras.preprocessing.image.ImageDataGenerator.flow_from_directory``).
``tensorflow.keras.X``, ``tf_keras.X`` and ``keras.src....X`` all fold to
these (``canonical()`` in ``kast/libraries/keras/names.py``).  An entry identical
to another one (an alias such as ``Convolution2D``, ``keras.Sequential.fit``
for ``keras.Model.fit``) is stored as the string ``"=KEY"`` naming the key that
holds it.  An entry is::

    {"keras3": PART or null,        # null: Keras 3 has no such callable
     "tf_keras": DIFF, or PART when Keras 3 has none, or null,
     "keras1": {old_name: CONVERSION}}        # only where Keras 2 converted

    PART = {"positional": [names in positional order],
            "keyword_only": [the other accepted keywords],
            "warns": {keyword: message index},   # accepted, with a warning
            "deprecated": message index,         # the call itself warns
            "any_keyword": true,      # unknown keywords are silently ignored
            "import": "tensorflow.keras only",   # not importable as keras.X
            "unverified": "why"}      # signature only, not called
    DIFF = {"added": [keywords tf_keras accepts and Keras 3 does not],
            "removed": [keywords Keras 3 accepts and tf_keras does not],
            "positional": [...],      # only when the order differs
            "warns": ..., "deprecated": ..., "any_keyword": ..., "unverified": ...}
    CONVERSION = {"to": Keras 2 name or null (dropped), "certain": bool,
                  "values": {old value: new value},   # the value changes too
                  "note": "what else changed",
                  "keras3_accepts_old_name": true}   # e.g. input_dim

The keywords a callable accepts are ``positional + keyword_only``.  The key
``"*positional"`` in ``keras1`` describes a Keras 1 positional form
(``Conv2D(32, 3, 3)``) rather than a keyword.  ``"messages"`` holds the warning
texts the indices point to.  ``"keras1_renames_anywhere"`` lists, per Keras 1
name, every Keras 2 name it was converted to by any callable: a hint for a
keyword that a callable does not accept, never a reason to flag one it does
(``epsilon`` is a ``ReduceLROnPlateau`` rename but a valid ``Adam`` argument).
``"value_checks"`` records value-level facts that were tried out
(``compile(metrics="accuracy")``: Keras 3 raises, tf_keras accepts).
Optimizer ``lr=`` and ``decay=`` belong to rule K501 and are listed under
``"k501_keywords"`` so that K507 leaves them alone.

Output is deterministic: sorted keys and lists.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import hashlib
import importlib
import importlib.util
import inspect
import io
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import types
import warnings
import zipfile
from pathlib import Path

from keras_env import keras_packages, log, quiet_environment, try_import

TAG = "gen_keras_arguments"

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "kast" / "data" / "keras_arguments.json"

# The Keras 2 release whose legacy interfaces are read, and the git blob ids of
# the files read from it, as published on https://github.com/keras-team/keras
# (tag 2.3.1).  A source whose files have these ids is that commit.
KERAS2_PIN = {
    "repository": "keras-team/keras",
    "tag": "2.3.1",
    "commit": "f295e8ee39d4ba841ac281a9337d69c7bc5e0eb6",
    "blob": {"keras/legacy/interfaces.py": "45a0e310cda87df3b3af238dc83405878b0d4746"},
}

# Rule K501 owns these two optimizer arguments.
K501_KEYWORDS = ("decay", "lr")

# Keras 1 names whose Keras 2 counterpart means something else: the Keras 2
# source's generator_methods_args_preprocessor warns "The semantics of the
# Keras 2 argument `steps_per_epoch` is not the same as the Keras 1 argument
# `samples_per_epoch` ... Similarly `nb_val_samples`->`validation_steps` and
# `val_samples`->`steps` arguments have changed."  Checked against that text.
SEMANTICS_CHANGED = {
    "generator_methods_args_preprocessor": ("samples_per_epoch", "nb_val_samples", "val_samples"),
}

# What each *_args_preprocessor of keras/legacy/interfaces.py does with the
# keywords it reads from kwargs.  "to" is the Keras 2 keyword that receives the
# value (None: the argument was dropped).  Checked against the source: every
# keyword read there must be described, and every described one read.
PREPROCESSOR_NOTES = {
    "embedding_kwargs_preprocessor": {
        "dropout": (None, "removed from Embedding; a SpatialDropout1D layer after it does the same"),
    },
    "recurrent_args_preprocessor": {
        "forget_bias_init": ("unit_forget_bias", "forget_bias_init='one' became unit_forget_bias=True; other values were ignored"),
        "input_dim": ("input_shape", "input_dim and input_length became input_shape=(input_length, input_dim)"),
        "input_length": ("input_shape", "input_dim and input_length became input_shape=(input_length, input_dim)"),
    },
    "conv1d_args_preprocessor": {
        "input_dim": ("input_shape", "input_dim and input_length became input_shape=(input_length, input_dim)"),
        "input_length": ("input_shape", "input_dim and input_length became input_shape=(input_length, input_dim)"),
    },
    "conv2d_args_preprocessor": {
        "nb_row": ("kernel_size", "nb_row and nb_col became kernel_size=(nb_row, nb_col)"),
        "nb_col": ("kernel_size", "nb_row and nb_col became kernel_size=(nb_row, nb_col)"),
    },
    "separable_conv2d_args_preprocessor": {
        "init": ("depthwise_initializer", "init became both depthwise_initializer and pointwise_initializer"),
    },
    "deconv2d_args_preprocessor": {
        "output_shape": (None, "removed: the output shape is computed from the input"),
    },
    "conv3d_args_preprocessor": {
        "kernel_dim1": ("kernel_size", "kernel_dim1, kernel_dim2 and kernel_dim3 became kernel_size=(kernel_dim1, kernel_dim2, kernel_dim3)"),
        "kernel_dim2": ("kernel_size", "kernel_dim1, kernel_dim2 and kernel_dim3 became kernel_size=(kernel_dim1, kernel_dim2, kernel_dim3)"),
        "kernel_dim3": ("kernel_size", "kernel_dim1, kernel_dim2 and kernel_dim3 became kernel_size=(kernel_dim1, kernel_dim2, kernel_dim3)"),
    },
    "batchnorm_args_preprocessor": {
        "mode": (None, "removed: only mode=0 (feature-wise normalisation) was kept; mode=1 and mode=2 raise"),
    },
    "convlstm2d_args_preprocessor": {
        "forget_bias_init": ("unit_forget_bias", "forget_bias_init='one' became unit_forget_bias=True; other values were ignored"),
    },
    "zeropadding2d_args_preprocessor": {
        "padding": ("padding", "a dict {top_pad, bottom_pad, left_pad, right_pad} became ((top_pad, bottom_pad), (left_pad, right_pad))"),
    },
    "generator_methods_args_preprocessor": {
        "samples_per_epoch": ("steps_per_epoch", "steps_per_epoch counts batches: samples_per_epoch // batch_size"),
        "generator": ("generator", "read only to find the generator's batch_size"),
    },
}

# Keras 1 positional forms that Keras 2's preprocessors converted.  Read from
# the source (the branches on len(args) in conv2d/conv3d_args_preprocessor);
# the note says what the same call means in Keras 3.
POSITIONAL_NOTES = {
    "conv2d_args_preprocessor": "Keras 1 Conv2D(nb_filter, nb_row, nb_col): Keras 2 turned two int positional arguments after filters into kernel_size=(nb_row, nb_col); in Keras 3 the third positional argument is strides",
    "conv3d_args_preprocessor": "Keras 1 Conv3D(nb_filter, kernel_dim1, kernel_dim2, kernel_dim3): Keras 2 turned three int positional arguments after filters into kernel_size; in Keras 3 the third positional argument is strides",
}

_NEGATIVE_CONTROL = "kast_no_such_argument"

# Arguments some constructors need beyond the required ones (a callable value
# gets the package module).
BUILD_KWARGS = {
    "keras.layers.CategoryEncoding": {"num_tokens": 4},
    "keras.layers.Discretization": {"num_bins": 4},
    "keras.layers.InputLayer": {"shape": (3,)},
    "keras.layers.RandomPosterization": {"factor": 2},
    "keras.layers.DenseFeatures": {"feature_columns": lambda k: [__import__("tensorflow").feature_column.numeric_column("a")]},
    "keras.optimizers.Optimizer": {"learning_rate": 0.1, "name": "probe"},
    "keras.optimizers.MultiOptimizer": {"optimizer_map": lambda k: k.optimizers.OptimizerMap(k.optimizers.SGD())},
}

# An error that says the keyword itself is not accepted.
_REJECTED = re.compile(
    r"unrecognized|not recognized|not understood|not a valid argument|"
    r"unexpected keyword|is deprecated|no longer supported|not supported|"
    r"invalid keyword|unknown (keyword )?argument|multiple values for|does not support",
    re.IGNORECASE,
)
_IDENT = re.compile(r"""["']([A-Za-z_][A-Za-z0-9_]*)["']""")
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")

METHODS = {
    "Model": (
        "compile", "fit", "evaluate", "predict", "train_on_batch", "test_on_batch",
        "predict_on_batch", "fit_generator", "evaluate_generator", "predict_generator",
        "save", "save_weights", "summary",
    ),
    "Sequential": ("add", "pop"),
    "ImageDataGenerator": (
        "flow", "flow_from_directory", "flow_from_dataframe", "fit", "standardize",
        "random_transform", "get_random_transform", "apply_transform",
    ),
}


_TMP_DIRS: list[str] = []  # scratch directories, left out of recorded messages


def _one_line(text: str, limit: int = 240) -> str:
    text = _ADDRESS.sub("", " ".join(str(text).split()))
    for tmp in _TMP_DIRS:
        text = text.replace(tmp, "<tmp>")
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        try:
            self.messages.append(record.getMessage())
        except Exception:
            pass


@contextlib.contextmanager
def _recorded():
    """Collect the warnings and WARNING log records emitted inside."""
    handler = _Capture()
    loggers = [logging.getLogger(), logging.getLogger("absl"), logging.getLogger("tensorflow")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                messages: list[str] = []
                yield messages
        messages.extend(str(w.message) for w in caught)
        messages.extend(handler.messages)
    finally:
        for lg, level in zip(loggers, levels):
            lg.removeHandler(handler)
            lg.setLevel(level)


# --------------------------------------------------------------------------
# Keras 1 conversions, read from the Keras 2.3.1 source
# --------------------------------------------------------------------------


def _git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class Keras2Source:
    """Read-only access to a Keras 2 source: a wheel, a directory, or a git repository."""

    def __init__(self, path: Path, rev: str):
        self.path = path
        self.rev = rev
        self.commit: str | None = None
        self.blobs: dict[str, str] = {}
        if path.is_file() and zipfile.is_zipfile(path):
            self._zip = zipfile.ZipFile(path)
            self.kind = "wheel"
            self._names = sorted(n for n in self._zip.namelist() if n.startswith("keras/"))
        elif (path / "keras" / "legacy" / "interfaces.py").is_file():
            self.kind = "tree"
            self._names = sorted(
                p.relative_to(path).as_posix() for p in (path / "keras").rglob("*.py")
            )
        else:
            self.kind = "git"
            self.commit = self._git("rev-parse", f"{rev}^{{commit}}").strip()
            self._names = sorted(self._git("ls-tree", "-r", "--name-only", rev, "keras/").split())

    def _git(self, *args: str) -> str:
        git_dir = self.path / ".git" if (self.path / ".git").exists() else self.path
        return subprocess.run(
            ["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True, text=True
        ).stdout

    def names(self, prefix: str) -> list[str]:
        return [n for n in self._names if n.startswith(prefix) and n.endswith(".py")]

    def read(self, name: str) -> str:
        if self.kind == "wheel":
            data = self._zip.read(name)
        elif self.kind == "tree":
            data = (self.path / name).read_bytes()
        else:
            git_dir = self.path / ".git" if (self.path / ".git").exists() else self.path
            data = subprocess.run(
                ["git", f"--git-dir={git_dir}", "show", f"{self.rev}:{name}"],
                check=True, capture_output=True,
            ).stdout
        self.blobs[name] = _git_blob_id(data)
        return data.decode("utf-8")


def _module_name(path: str) -> str:
    mod = path[:-3].replace("/", ".")
    return mod[: -len(".__init__")] if mod.endswith(".__init__") else mod


def _resolve_relative(module: str, level: int, target: str | None, is_package: bool) -> str:
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join(parts + ([target] if target else []))


class Keras2Index:
    """Classes, aliases and imports of every module of the Keras 2 source."""

    def __init__(self, source: Keras2Source):
        self.source = source
        self.trees: dict[str, ast.Module] = {}
        self.classes: dict[str, dict[str, ast.ClassDef]] = {}
        self.functions: dict[str, dict[str, ast.FunctionDef]] = {}
        self.aliases: dict[str, dict[str, str]] = {}
        self.imports: dict[str, dict[str, tuple[str, str]]] = {}
        self.paths: dict[str, str] = {}
        # A package wins over a same-named module (keras/callbacks/ over the
        # stale keras/callbacks.py that 2.3.1 still ships), as in Python.
        for path in sorted(source.names("keras/"), key=lambda p: (not p.endswith("__init__.py"), p)):
            if not any(path.startswith(p) for p in ("keras/layers/", "keras/engine/", "keras/legacy/", "keras/callbacks", "keras/optimizers.py", "keras/models.py", "keras/__init__.py")):
                continue
            mod = _module_name(path)
            if mod in self.paths:
                continue  # keras/callbacks.py is shadowed by the keras/callbacks/ package
            self.paths[mod] = path
            tree = ast.parse(source.read(path))
            self.trees[mod] = tree
            classes, functions, aliases, imports = {}, {}, {}, {}
            for node in tree.body:
                if isinstance(node, ast.ClassDef):
                    classes[node.name] = node
                elif isinstance(node, ast.FunctionDef):
                    functions[node.name] = node
                elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
                    for t in node.targets:
                        if isinstance(t, ast.Name):
                            aliases[t.id] = node.value.id
                elif isinstance(node, ast.ImportFrom):
                    base = _resolve_relative(mod, node.level, node.module, path.endswith("__init__.py")) if node.level else (node.module or "")
                    for a in node.names:
                        imports[a.asname or a.name] = (base, a.name)
            self.classes[mod], self.functions[mod] = classes, functions
            self.aliases[mod], self.imports[mod] = aliases, imports

    def resolve(self, module: str, name: str, depth: int = 0) -> tuple[str, str] | None:
        """(module, class name) that ``name`` denotes inside ``module``."""
        if depth > 10 or module not in self.trees:
            return None
        if name in self.classes[module]:
            return module, name
        if name in self.aliases[module]:
            return self.resolve(module, self.aliases[module][name], depth + 1)
        if name in self.imports[module]:
            target_mod, target_name = self.imports[module][name]
            return self.resolve(target_mod, target_name, depth + 1)
        return None

    def mro(self, module: str, name: str) -> list[tuple[str, ast.ClassDef]]:
        out: list[tuple[str, ast.ClassDef]] = []
        todo = [(module, name)]
        while todo:
            mod, cls_name = todo.pop(0)
            node = self.classes.get(mod, {}).get(cls_name)
            if node is None or any(n is node for _, n in out):
                continue
            out.append((mod, node))
            for base in node.bases:
                base_name = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else None
                if base_name:
                    found = self.resolve(mod, base_name)
                    if found:
                        todo.append(found)
        return out

    def method(self, module: str, name: str, method: str) -> tuple[str, ast.FunctionDef] | None:
        for mod, cls in self.mro(module, name):
            for node in cls.body:
                if isinstance(node, ast.FunctionDef) and node.name == method:
                    return mod, node
        return None

    def public_names(self, module: str) -> dict[str, tuple[str, str]]:
        """Public classes importable from ``module`` (its __init__ imports and own classes)."""
        out: dict[str, tuple[str, str]] = {}
        for name in list(self.imports.get(module, {})) + list(self.classes.get(module, {})) + list(self.aliases.get(module, {})):
            if name.startswith("_"):
                continue
            found = self.resolve(module, name)
            if found:
                out[name] = found
        return out


def _literal_call_kwargs(call: ast.Call) -> dict:
    out = {}
    for kw in call.keywords:
        if kw.arg is None:
            continue
        if isinstance(kw.value, ast.Name):
            out[kw.arg] = ("name", kw.value.id)
        else:
            out[kw.arg] = ast.literal_eval(kw.value)
    return out


def _kwargs_keys_read(func: ast.FunctionDef) -> set[str]:
    """String keys a function reads from its ``kwargs`` dict."""
    keys: set[str] = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("pop", "get"):
            if isinstance(node.func.value, ast.Name) and node.func.value.id == "kwargs" and node.args:
                if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    keys.add(node.args[0].value)
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            right = node.comparators[0]
            if isinstance(right, ast.Name) and right.id == "kwargs" and isinstance(node.left, ast.Constant):
                keys.add(node.left.value)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if isinstance(node.value, ast.Name) and node.value.id == "kwargs":
                sl = node.slice
                if isinstance(sl, ast.Constant) and isinstance(sl.value, str):
                    keys.add(sl.value)
    return keys


def _string_constants(node: ast.AST) -> str:
    return " ".join(n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str))


def read_keras1_conversions(source: Keras2Source) -> tuple[dict, dict]:
    """Per canonical Keras key: {old keyword: conversion}, and a sources record."""
    index = Keras2Index(source)
    interfaces = index.trees["keras.legacy.interfaces"]
    functions = index.functions["keras.legacy.interfaces"]

    # 1. The decorators: legacy_X_support = generate_legacy_[method_]interface(...)
    decorators: dict[str, dict] = {}
    for node in interfaces.body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        func = node.value.func
        fname = func.id if isinstance(func, ast.Name) else None
        if fname not in ("generate_legacy_interface", "generate_legacy_method_interface"):
            continue
        args = _literal_call_kwargs(node.value)
        pre = args.get("preprocessor")
        decorators[node.targets[0].id] = {
            "conversions": [tuple(c) for c in args.get("conversions") or []],
            "value_conversions": args.get("value_conversions") or {},
            "preprocessor": pre[1] if pre else None,
        }

    # 2. The preprocessors: what they read from kwargs, including the
    # preprocessors they call.
    def called_preprocessors(name: str, seen=()) -> list[str]:
        out = [name]
        for node in ast.walk(functions[name]):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                callee = node.func.id
                if callee.endswith("_preprocessor") and callee in functions and callee not in seen + (name,):
                    out += called_preprocessors(callee, seen + (name,))
        return out

    checked: set[str] = set()

    def check_preprocessor(pre_name: str) -> None:
        if pre_name in checked:
            return
        checked.add(pre_name)
        read = _kwargs_keys_read(functions[pre_name])
        notes = PREPROCESSOR_NOTES.get(pre_name, {})
        if set(notes) != read:
            raise SystemExit(
                f"{pre_name} reads {sorted(read)} from kwargs but PREPROCESSOR_NOTES describes {sorted(notes)}"
            )
        for old, (new, _how) in notes.items():
            if new is not None and new not in _string_constants(functions[pre_name]):
                raise SystemExit(f"{pre_name}: note says {old} -> {new}, but {new!r} is not in its source")
        if pre_name in POSITIONAL_NOTES:
            src = ast.unparse(functions[pre_name])
            if "len(args)" not in src or "kernel_size" not in src:
                raise SystemExit(f"{pre_name}: positional note no longer matches the source")

    for pre_name, olds in SEMANTICS_CHANGED.items():
        text = _string_constants(functions[pre_name])
        for old in olds:
            if f"`{old}`" not in text:
                raise SystemExit(f"{pre_name}'s warning no longer mentions {old}")

    def conversions_of(decorator: str) -> dict[str, dict]:
        spec = decorators[decorator]
        out: dict[str, dict] = {}
        pres = called_preprocessors(spec["preprocessor"]) if spec["preprocessor"] else []
        for pre in pres:
            check_preprocessor(pre)
        changed = {o for p in pres for o in SEMANTICS_CHANGED.get(p, ())}
        for old, new in spec["conversions"]:
            entry: dict = {"to": new}
            if old in spec["value_conversions"]:
                entry["values"] = spec["value_conversions"][old]
            if old in changed:
                entry["note"] = "the meaning changed (the Keras 2 source warns about it)"
            out[old] = entry
        for pre in pres:
            for old, (new, how) in PREPROCESSOR_NOTES.get(pre, {}).items():
                if old in ("generator", "padding"):
                    # `generator` is a real argument, and ZeroPadding2D's
                    # `padding` keeps its name (only a dict value changed).
                    continue
                if old not in out:
                    out[old] = {"to": new, "note": how}
                else:
                    out[old].setdefault("note", how)
            if pre in POSITIONAL_NOTES:
                out.setdefault("*positional", {"to": "kernel_size", "note": POSITIONAL_NOTES[pre]})
        return out

    def decorator_of(func: ast.FunctionDef) -> str | None:
        for dec in func.decorator_list:
            if isinstance(dec, ast.Attribute) and isinstance(dec.value, ast.Name) and dec.value.id == "interfaces":
                return dec.attr
        return None

    def body_renames(func: ast.FunctionDef) -> dict[str, dict]:
        """``param = kwargs.pop('old')`` inside the function: old -> param."""
        params = {a.arg for a in func.args.args + func.args.kwonlyargs}
        out = {}
        for node in ast.walk(func):
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
                continue
            value = node.value
            if (
                isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "pop"
                and isinstance(value.func.value, ast.Name) and value.func.value.id == "kwargs"
                and value.args and isinstance(value.args[0], ast.Constant)
            ):
                old, new = value.args[0].value, node.targets[0].id
                if new in params and old != new:
                    out[old] = {"to": new}
        return out

    # 3. Where they apply: each public class's __init__ and Model's methods.
    result: dict[str, dict] = {}
    used = {"keras.legacy.interfaces"}
    groups = {
        "keras.layers": index.public_names("keras.layers"),
        "keras.callbacks": index.public_names("keras.callbacks"),
        "keras.optimizers": {
            n: ("keras.optimizers", n) for n in index.classes.get("keras.optimizers", {}) if not n.startswith("_")
        },
    }
    for prefix, names in groups.items():
        for public, (mod, cls) in sorted(names.items()):
            found = index.method(mod, cls, "__init__")
            if not found:
                continue
            init_mod, init = found
            conv = {}
            dec = decorator_of(init)
            if dec:
                conv.update(conversions_of(dec))
            conv.update(body_renames(init))
            if conv:
                result[f"{prefix}.{public}"] = conv
                used.add(init_mod)
    model = index.resolve("keras.models", "Model")
    sequential = index.resolve("keras.models", "Sequential")
    for key, (mod, cls) in (("keras.Model", model), ("keras.Sequential", sequential)):
        found = index.method(mod, cls, "__init__")
        dec = decorator_of(found[1]) if found else None
        if dec:
            result[key] = conversions_of(dec)
            used.add(found[0])
        for meth in METHODS["Model"]:
            found = index.method(mod, cls, meth)
            if not found:
                continue
            conv = {}
            dec = decorator_of(found[1])
            if dec:
                conv.update(conversions_of(dec))
            conv.update(body_renames(found[1]))
            if conv:
                result[f"{key}.{meth}"] = conv
                used.add(found[0])
    files = {index.paths[m]: source.blobs[index.paths[m]] for m in sorted(used)}
    record: dict = {"release": KERAS2_PIN["tag"] if source.kind != "git" else source.rev}
    if all(files.get(p) == b for p, b in KERAS2_PIN["blob"].items()):
        record.update(repository=KERAS2_PIN["repository"], tag=KERAS2_PIN["tag"], commit=KERAS2_PIN["commit"])
        if source.commit and source.commit != KERAS2_PIN["commit"]:
            raise SystemExit(f"{source.rev} is {source.commit}, not the pinned {KERAS2_PIN['commit']}")
    elif source.commit:
        record["commit"] = source.commit
    record["files"] = dict(sorted(files.items()))
    return result, record


# --------------------------------------------------------------------------
# Keras 3 / tf_keras: what each callable really accepts
# --------------------------------------------------------------------------


class Package:
    def __init__(self, name: str, module: types.ModuleType, tmp: Path):
        self.name = name
        self.module = module
        self.version = str(getattr(module, "__version__", "unknown"))
        self.tmp = tmp
        self._n = 0

    def fresh_path(self, suffix: str) -> str:
        self._n += 1
        return str(self.tmp / f"{self.name}_{self._n}{suffix}")

    # Public callables -------------------------------------------------------

    def image_module(self):
        for path in (f"{self.name}.preprocessing.image", f"{self.name}._tf_keras.keras.preprocessing.image"):
            mod = try_import(path, TAG)
            if mod is not None and hasattr(mod, "ImageDataGenerator"):
                return mod, path
        return None, None

    def callables(self) -> dict[str, object]:
        k = self.module
        out: dict[str, object] = {}
        for group in ("layers", "callbacks", "optimizers"):
            mod = getattr(k, group)
            for name in dir(mod):
                obj = getattr(mod, name)
                if not name.startswith("_") and inspect.isclass(obj):
                    out[f"keras.{group}.{name}"] = obj
        schedules = getattr(k.optimizers, "schedules", None)
        for name in dir(schedules or object()):
            obj = getattr(schedules, name)
            if not name.startswith("_") and inspect.isclass(obj):
                out[f"keras.optimizers.schedules.{name}"] = obj
        out["keras.Input"] = k.Input
        out["keras.layers.Input"] = k.layers.Input
        out["keras.utils.to_categorical"] = k.utils.to_categorical
        for key in ("keras.Model", "keras.models.Model"):
            out[key] = k.Model
        for key in ("keras.Sequential", "keras.models.Sequential"):
            out[key] = k.Sequential
        image, _ = self.image_module()
        if image is not None:
            out["keras.preprocessing.image.ImageDataGenerator"] = image.ImageDataGenerator
        for cls_key, cls_name in (("keras.Model", "Model"), ("keras.models.Model", "Model"), ("keras.Sequential", "Model"), ("keras.models.Sequential", "Model"), ("keras.Sequential", "Sequential"), ("keras.models.Sequential", "Sequential"), ("keras.preprocessing.image.ImageDataGenerator", "ImageDataGenerator")):
            owner = out.get(cls_key)
            if owner is None:
                continue
            for meth in METHODS[cls_name]:
                if hasattr(owner, meth):
                    out[f"{cls_key}.{meth}"] = getattr(owner, meth)
        return out

    def namespace_note(self, key: str) -> str | None:
        """For Keras 3: a callable reachable only as tensorflow.keras.X, not keras.X."""
        if self.name != "keras" or not key.startswith("keras.preprocessing.image.ImageDataGenerator"):
            return None
        mod = try_import("keras.preprocessing.image", TAG)
        if mod is not None and hasattr(mod, "ImageDataGenerator"):
            return None
        return "tensorflow.keras only"

    # Building arguments -------------------------------------------------------

    def tiny_model(self, compiled=True):
        k = self.module
        model = k.Sequential([k.Input(shape=(3,)), k.layers.Dense(2, activation="softmax")])
        if compiled:
            model.compile(optimizer="sgd", loss="categorical_crossentropy")
        return model

    def required_value(self, key: str, param: str):
        """A valid value for a required parameter, by name."""
        import numpy as np

        k = self.module
        simple = {
            "units": 2, "filters": 2, "kernel_size": 3, "rate": 0.5, "stddev": 0.1,
            "pool_size": 2, "output_size": 2, "activation": "relu", "axes": 1,
            "equation": "ab,bc->ac", "output_shape": 2, "input_dim": 10, "output_dim": 4,
            "head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 1, "num_heads": 2,
            "key_dim": 2, "num_bins": 4, "height": 4, "width": 4, "factor": 0.1,
            "height_factor": 0.1, "width_factor": 0.1, "n": 2, "scale": 1.0 / 255,
            "target_shape": (3,), "dims": (1,), "max_number": 2, "x": None, "y": None,
            "feature_columns": [], "initial_learning_rate": 0.1, "decay_steps": 10,
            "decay_rate": 0.9, "boundaries": [10], "values": [0.1, 0.01],
            "first_decay_steps": 10, "warmup_target": 0.1, "warmup_steps": 1,
        }
        if param in simple:
            return simple[param]
        if param in ("layer",):
            return k.layers.LSTM(2) if "Bidirectional" in key else k.layers.Dense(2)
        if param == "cell":
            return k.layers.LSTMCell(2)
        if param == "cells":
            return [k.layers.LSTMCell(2)]
        if param == "function":
            return lambda t: t
        if param == "layers":
            return [k.layers.Dense(2)]
        if param in ("inner_optimizer", "default_optimizer", "optimizer"):
            return k.optimizers.SGD()
        if param == "optimizer_map":
            return None
        if param in ("filename", "filepath", "backup_dir", "directory", "export_filepath", "checkpoint_filepath"):
            return self.fresh_path(".keras" if param == "filepath" else ".csv" if param == "filename" else "")
        if param == "schedule":
            return lambda epoch, lr=None: 0.1
        if param == "generator":
            def gen():
                while True:
                    yield np.zeros((2, 3), "float32"), np.eye(2, dtype="float32")
            return gen()
        raise LookupError(param)

    def invoker(self, key: str, obj, drop: frozenset = frozenset()):
        """(call(**kw), explain) for one callable, or raise LookupError."""
        import numpy as np

        k = self.module
        x = np.zeros((4, 3), "float32")
        y = np.eye(2, dtype="float32")[[0, 1, 0, 1]]
        owner, _, meth = key.rpartition(".")
        if key in ("keras.Model", "keras.models.Model"):
            def call(**kw):
                inp = k.Input(shape=(3,))
                return k.Model(inp, k.layers.Dense(2)(inp), **kw)
            return call
        if owner in ("keras.Model", "keras.models.Model", "keras.Sequential", "keras.models.Sequential"):
            args: dict = {
                "compile": dict(optimizer="sgd", loss="mse"),
                "fit": dict(x=x, y=y, epochs=1, verbose=0),
                "evaluate": dict(x=x, y=y, verbose=0),
                "predict": dict(x=x, verbose=0),
                "train_on_batch": dict(x=x, y=y),
                "test_on_batch": dict(x=x, y=y),
                "predict_on_batch": dict(x=x),
                "fit_generator": dict(steps_per_epoch=1, epochs=1, verbose=0),
                "evaluate_generator": dict(steps=1, verbose=0),
                "predict_generator": dict(steps=1, verbose=0),
                "summary": dict(print_fn=lambda *a, **kw: None),
                "add": {},
                "pop": {},
                "save": {},
                "save_weights": {},
            }[meth]

            def call(**kw):
                model = self.tiny_model(compiled=meth not in ("compile",))
                a = dict(args)
                if meth.endswith("_generator"):
                    a["generator"] = self.required_value(key, "generator")
                if meth == "add":
                    a["layer"] = k.layers.Dense(2)
                if meth == "save":
                    a["filepath"] = self.fresh_path(".keras")
                if meth == "save_weights":
                    a["filepath"] = self.fresh_path(".weights.h5")
                return getattr(model, meth)(**a, **kw)
            return call
        if owner == "keras.preprocessing.image.ImageDataGenerator":
            image, _ = self.image_module()
            imgs = np.zeros((2, 4, 4, 3), "float32")
            tmpdir = self.fresh_path("_images")
            os.makedirs(os.path.join(tmpdir, "a"), exist_ok=True)

            def call(**kw):
                gen = image.ImageDataGenerator()
                if meth == "flow":
                    return gen.flow(imgs, np.zeros(2), batch_size=1, **kw)
                if meth == "flow_from_directory":
                    return gen.flow_from_directory(tmpdir, **kw)
                if meth == "flow_from_dataframe":
                    import pandas as pd
                    frame = pd.DataFrame({"filename": ["a.png"], "class": ["a"]})
                    return gen.flow_from_dataframe(frame, directory=tmpdir, **kw)
                if meth == "fit":
                    return gen.fit(imgs, **kw)
                if meth == "standardize":
                    return gen.standardize(imgs[0].copy(), **kw)
                if meth == "random_transform":
                    return gen.random_transform(imgs[0], **kw)
                if meth == "get_random_transform":
                    return gen.get_random_transform((4, 4, 3), **kw)
                if meth == "apply_transform":
                    return gen.apply_transform(imgs[0], {}, **kw)
                raise LookupError(meth)
            return call
        if key == "keras.utils.to_categorical":
            return lambda **kw: obj([0, 1], **kw)
        if key in ("keras.Input", "keras.layers.Input"):
            return lambda **kw: obj(**({"shape": (3,)} | kw))
        if not inspect.isclass(obj):
            raise LookupError(key)
        sig = signature_of(obj)
        if sig is None:
            raise LookupError(key)
        required = [
            p for p in sig.parameters.values()
            if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]

        extra = {n: v for n, v in BUILD_KWARGS.get(key, {}).items() if n not in drop}

        def call(**kw):
            args = {p.name: self.required_value(key, p.name) for p in required if p.name not in extra}
            for name, value in extra.items():
                args[name] = value(k) if callable(value) else value
            return obj(**args, **kw)
        return call


def signature_of(obj) -> inspect.Signature | None:
    """The signature that describes a call of ``obj``: for a class, the first
    ``__init__`` in its MRO that is not a bare ``(*args, **kwargs)`` pass-through."""
    target = obj
    if inspect.isclass(obj):
        for klass in obj.__mro__:
            init = klass.__dict__.get("__init__")
            if init is None:
                continue
            try:
                sig = inspect.signature(init)
            except (TypeError, ValueError):
                continue
            params = list(sig.parameters.values())[1:]
            if params and all(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
                continue
            return sig.replace(parameters=params)
        return inspect.Signature([])  # only object.__init__: no arguments
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    if params and params[0].name == "self":
        params = params[1:]
    return sig.replace(parameters=params)


def _functional_class(pkg: Package):
    """The class that ``Model(inputs, outputs)`` really builds."""
    for path in (f"{pkg.name}.src.models.functional", f"{pkg.name}.src.engine.functional"):
        if importlib.util.find_spec(path.rsplit(".", 1)[0]) is None:
            continue
        try:
            mod = importlib.import_module(path)
        except ImportError:
            continue
        if hasattr(mod, "Functional"):
            return mod.Functional
    return None


def _functional_signature(pkg: Package) -> inspect.Signature | None:
    cls = _functional_class(pkg)
    if cls is None:
        return None
    sig = inspect.signature(cls.__init__)
    return sig.replace(parameters=list(sig.parameters.values())[1:])


def _source_candidates(obj) -> set[str]:
    """Identifier-like string literals in the __init__ (or function) source of
    ``obj`` and of every class in its MRO, plus their explicit parameters."""
    names: set[str] = set()
    targets = []
    if inspect.isclass(obj):
        targets = [klass.__dict__.get("__init__") for klass in obj.__mro__]
    else:
        targets = [obj]
    for fn in targets:
        if fn is None or fn is object.__init__:
            continue
        try:
            src = inspect.getsource(fn)
        except (OSError, TypeError):
            src = ""
        names.update(_IDENT.findall(src))
        try:
            names.update(
                p.name for p in inspect.signature(fn).parameters.values()
                if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name != "self"
            )
        except (TypeError, ValueError):
            pass
    return names


def _probe_values(name: str, defaults: list) -> list:
    heuristic = {
        "input_shape": (3,), "batch_input_shape": (None, 3), "input_dim": 3,
        "input_length": 2, "batch_size": 2, "dim_ordering": "tf", "border_mode": "same",
        "weights": [], "dtype": ["float32", "int64", "string"], "name": "probe", "trainable": True,
    }
    values = list(defaults)
    if name in heuristic:
        h = heuristic[name]
        values.extend(h if isinstance(h, list) and name != "weights" else [h])
    if name.endswith("_initializer") or name in ("init", "inner_init"):
        values.append("zeros")
    if name.endswith("_regularizer"):
        values.append("l2")
    if name.endswith("_constraint"):
        values.append("non_neg")
    values += [1, 0.5, "same", (1, 1), True, "probe", None]
    out, seen = [], set()
    for v in values:
        marker = repr(v)
        if marker not in seen:
            seen.add(marker)
            out.append(v)
    return out


def _rejects(exc: BaseException, name: str) -> bool:
    """True if the error says that keyword ``name`` is not accepted."""
    text = " ".join(str(a) for a in exc.args) if exc.args else str(exc)
    if isinstance(exc, TypeError) and re.search(r"takes no (keyword )?arguments", text):
        return True
    return name in text and bool(_REJECTED.search(text))


class Prober:
    def __init__(self, pkg: Package):
        self.pkg = pkg

    def run(self, fn, /, **kw):
        with _recorded() as messages:
            try:
                fn(**kw)
                error = None
            except BaseException as exc:  # noqa: BLE001 - any failure is data here
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                error = exc
        return error, [_one_line(m) for m in messages]

    def accepts(self, fn, name: str, values: list, baseline: set[str], /):
        """(verdict, warning): verdict "yes", "no" or "unknown"; the warning
        is a new message that names the keyword."""
        accepted = False
        word = re.compile(rf"\b{re.escape(name)}\b")
        for value in values:
            error, messages = self.run(fn, **{name: value})
            if error is None:
                accepted = True
                warn = next((m for m in sorted(set(messages) - baseline) if word.search(m)), None)
                if warn:
                    return "yes", warn
                if value is not None:
                    return "yes", None
                continue  # None may mean "not given": try a real value for a warning
            if _rejects(error, name) and not accepted:
                return "no", None
        return ("yes" if accepted else "unknown"), None


def describe(pkg: Package, key: str, obj, candidates: set[str], others_defaults: dict) -> dict:
    """What ``pkg`` accepts for one callable."""
    if key in ("keras.Model", "keras.models.Model"):
        sig = _functional_signature(pkg)
    else:
        sig = signature_of(obj)
    entry: dict = {}
    if sig is None:
        entry.update(positional=[], keywords=[], unverified="no signature")
        return entry
    params = list(sig.parameters.values())
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    explicit = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    has_var_kw = any(p.kind == p.VAR_KEYWORD for p in params)
    if inspect.isclass(obj):
        has_var_kw = has_var_kw or any(
            p.kind == p.VAR_KEYWORD for p in inspect.signature(obj.__init__).parameters.values()
        )
    entry["positional"] = positional
    n_positional_only = sum(p.kind == p.POSITIONAL_ONLY for p in params)
    if n_positional_only:
        entry["positional_only"] = n_positional_only
    keywords = set(explicit)
    warns: dict[str, str] = {}

    # The plain call must work.
    prober = Prober(pkg)
    try:
        call = pkg.invoker(key, obj)
        error, base_messages = prober.run(call)
        if error is not None and key in BUILD_KWARGS:
            # An extra argument this package does not take: leave it out.
            drop = frozenset(n for n in BUILD_KWARGS[key] if n in str(error))
            if drop:
                call = pkg.invoker(key, obj, drop)
                error, base_messages = prober.run(call)
        if error is not None:
            raise LookupError(f"{type(error).__name__}: {_one_line(error, 120)}")
    except LookupError as exc:
        entry["keywords"] = sorted(keywords)
        entry["unverified"] = f"could not be called here ({exc}); signature only"
        if has_var_kw:
            entry["unverified"] += "; takes **kwargs"
        return entry
    baseline = set(base_messages)
    own_name = key.rsplit(".", 1)[-1]
    deprecated = sorted(m for m in baseline if "deprecat" in m.lower() and own_name in m)
    if deprecated:
        entry["deprecated"] = deprecated[0]

    # Negative control.
    verdict, _ = prober.accepts(call, _NEGATIVE_CONTROL, [1], baseline)
    if verdict == "unknown":
        raise SystemExit(f"{pkg.name} {key}: the negative control neither passed nor was rejected")
    any_keyword = verdict == "yes"
    if any_keyword:
        # Unknown keywords are swallowed silently: "accepted" then means read
        # from kwargs by the source, or warned about.
        entry["any_keyword"] = True
        keywords |= _kwargs_read_by(_functional_class(pkg) if key in ("keras.Model", "keras.models.Model") else obj) - {_NEGATIVE_CONTROL}

    if has_var_kw:
        mro_defaults: dict[str, list] = {}
        for fn in ([klass.__dict__.get("__init__") for klass in obj.__mro__] if inspect.isclass(obj) else []):
            try:
                for p in inspect.signature(fn).parameters.values():
                    if p.default is not p.empty:
                        mro_defaults.setdefault(p.name, []).append(p.default)
            except (TypeError, ValueError):
                pass
        unknown = []
        for name in sorted(candidates - explicit - {_NEGATIVE_CONTROL, "self", "kwargs", "args"}):
            if not name.isidentifier() or name.startswith("_"):
                continue  # private keywords are nobody's business
            values = _probe_values(name, mro_defaults.get(name, []) + others_defaults.get(name, []))
            verdict, warn = prober.accepts(call, name, values, baseline)
            if verdict == "yes" and (warn or not any_keyword):
                keywords.add(name)
            if verdict == "yes" and warn and name in keywords:
                warns[name] = warn
            elif verdict == "unknown" and not any_keyword:
                unknown.append(name)
        if unknown:
            # Neither accepted nor named as unknown with any value: left out.
            log(f"[{TAG}] {pkg.name} {key}: undecided {unknown}")
    entry["keywords"] = sorted(keywords)
    if warns:
        entry["warns"] = dict(sorted(warns.items()))
    return entry


def _kwargs_read_by(obj) -> set[str]:
    """Keys that the function swallowing unknown keywords reads from ``kwargs``:
    ``obj`` itself, or the first ``__init__`` of its MRO that takes ``**kwargs``."""
    fns = [klass.__dict__.get("__init__") for klass in obj.__mro__] if inspect.isclass(obj) else [obj]
    keys: set[str] = set()
    for fn in fns:
        if fn is None or fn is object.__init__:
            continue
        try:
            if not any(p.kind == p.VAR_KEYWORD for p in inspect.signature(fn).parameters.values()):
                continue
        except (TypeError, ValueError):
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        except (OSError, TypeError, SyntaxError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                keys |= _kwargs_keys_read(node)
        break
    return keys


def _defaults(obj) -> dict[str, list]:
    out: dict[str, list] = {}
    fns = [klass.__dict__.get("__init__") for klass in obj.__mro__] if inspect.isclass(obj) else [obj]
    for fn in fns:
        if fn is None:
            continue
        try:
            for p in inspect.signature(fn).parameters.values():
                if p.default is not p.empty and p.default is not None:
                    out.setdefault(p.name, []).append(p.default)
        except (TypeError, ValueError):
            pass
    return out


def _finish_keras1(key: str, conversions: dict, k3: dict | None) -> dict:
    out = {}
    accepted = set(k3["keywords"]) if k3 else set()
    for old, conv in sorted(conversions.items()):
        entry = {"to": conv["to"]}
        for field in ("values", "note"):
            if field in conv:
                entry[field] = conv[field]
        certain = (
            conv["to"] is not None and "values" not in conv and "note" not in conv
            and conv["to"] in accepted and old not in accepted and not old.startswith("*")
        )
        if conv["to"] is not None and k3 is not None and conv["to"] not in accepted:
            entry.setdefault("note", f"Keras 3 does not accept `{conv['to']}` here either")
        if k3 is None and conv["to"] is not None:
            entry.setdefault("note", "Keras 3 has no such callable")
        if old in accepted:
            entry["keras3_accepts_old_name"] = True
        entry["certain"] = certain
        out[old] = entry
    return out


def generate(packages: list[Package], keras1: dict, keras1_record: dict) -> dict:
    by_pkg = {p.name: p for p in packages}
    objs = {p.name: p.callables() for p in packages}
    # Every callable either package has, and the Keras 2 ones with Keras 1
    # conversions that neither has any more (keras.layers.Deconvolution2D).
    keys = sorted(set().union(*[set(o) for o in objs.values()]) | set(keras1))
    all_keras1_names = {old for conv in keras1.values() for old in conv if not old.startswith("*")}
    entries: dict[str, dict] = {}
    for key in keys:
        present = {name: objs[name].get(key) for name in by_pkg}
        described: dict[str, dict | None] = {}
        for name, pkg in by_pkg.items():
            obj = present[name]
            if obj is None:
                described[name] = None
                continue
            candidates = set(all_keras1_names) | set(keras1.get(key, {}))
            defaults: dict[str, list] = {}
            for other in present.values():
                if other is not None:
                    candidates |= _source_candidates(other)
                    for n, vals in _defaults(other).items():
                        defaults.setdefault(n, []).extend(vals)
            if key in ("keras.Model", "keras.models.Model"):
                sig = _functional_signature(pkg)
                if sig:
                    candidates |= set(sig.parameters)
            described[name] = describe(pkg, key, obj, candidates, defaults)
            note = pkg.namespace_note(key)
            if note:
                described[name]["import"] = note
        k3 = described.get("keras")
        tk = described.get("tf_keras")
        entry: dict = {"keras3": k3}
        if "tf_keras" in by_pkg:
            if tk is None or k3 is None:
                entry["tf_keras"] = tk
            else:
                diff: dict = {
                    "added": sorted(set(tk["keywords"]) - set(k3["keywords"])),
                    "removed": sorted(set(k3["keywords"]) - set(tk["keywords"])),
                }
                if tk["positional"] != k3["positional"]:
                    diff["positional"] = tk["positional"]
                for field in ("warns", "unverified", "any_keyword", "deprecated"):
                    if field in tk:
                        diff[field] = tk[field]
                entry["tf_keras"] = diff
        if key in keras1:
            entry["keras1"] = _finish_keras1(key, keras1[key], k3)
        entries[key] = entry
        log(f"[{TAG}] {key}")

    # Value-level checks: metrics= given one string.
    value_checks: dict = {}
    for name, pkg in by_pkg.items():
        model = pkg.tiny_model(compiled=False)
        import numpy as np
        with _recorded():
            try:
                model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics="accuracy")
                model.fit(np.zeros((4, 3), "float32"), np.eye(2, dtype="float32")[[0, 1, 0, 1]], epochs=1, verbose=0)
                verdict = None
            except Exception as exc:
                verdict = f"{type(exc).__name__}: {_one_line(exc, 160)}"
        value_checks.setdefault("keras.Model.compile", {}).setdefault("metrics", {}).setdefault(
            "single string", {}
        )["keras3" if name == "keras" else name] = verdict or "accepted"

    # Compact: warning texts once, in "messages"; keywords once, either in
    # "positional" or in "keyword_only".
    texts = sorted({
        t for e in entries.values() for side in ("keras3", "tf_keras") if e.get(side)
        for t in list(e[side].get("warns", {}).values()) + ([e[side]["deprecated"]] if "deprecated" in e[side] else [])
    })
    number = {t: i for i, t in enumerate(texts)}
    for e in entries.values():
        for side in ("keras3", "tf_keras"):
            part = e.get(side)
            if not part:
                continue
            if "warns" in part:
                part["warns"] = {n: number[t] for n, t in part["warns"].items()}
            if "deprecated" in part:
                part["deprecated"] = number[part["deprecated"]]
            if "keywords" in part:
                part["keyword_only"] = sorted(set(part.pop("keywords")) - set(part["positional"]))
                if part.get("positional_only"):
                    raise SystemExit(f"{side}: positional-only parameters need a layout change")

    # Share identical entries.
    first_by_content: dict[str, str] = {}
    out_callables: dict[str, object] = {}
    order = sorted(keys, key=lambda k: (_alias_rank(k, objs), k))
    for key in order:
        text = json.dumps(entries[key], sort_keys=True)
        if text in first_by_content:
            out_callables[key] = "=" + first_by_content[text]
        else:
            first_by_content[text] = key
            out_callables[key] = entries[key]

    anywhere: dict[str, set[str]] = {}
    for conv in keras1.values():
        for old, c in conv.items():
            if not old.startswith("*") and c["to"]:
                anywhere.setdefault(old, set()).add(c["to"])
    return {
        "generated_by": "scripts/gen_keras_arguments.py",
        "sources": {p.name: p.version for p in packages} | {"keras1_conversions": keras1_record},
        "k501_keywords": list(K501_KEYWORDS),
        "keras1_renames_anywhere": {k: sorted(v) for k, v in sorted(anywhere.items())},
        "value_checks": value_checks,
        "messages": texts,
        "callables": dict(sorted(out_callables.items())),
    }


def _alias_rank(key: str, objs: dict) -> int:
    """Prefer the key whose last part is the object's own __name__ and that is
    not under keras.models (so keras.Model owns, keras.models.Model shares)."""
    last = key.rsplit(".", 1)[-1]
    owner = objs.get("keras", {}).get(key) or objs.get("tf_keras", {}).get(key)
    own_name = getattr(owner, "__name__", None)
    rank = 0 if own_name == last else 1
    if key.startswith("keras.models.") or key.startswith("keras.layers.Input"):
        rank += 2
    if key.startswith("keras.Sequential."):
        rank += 1
    return rank


def _dump(data: dict) -> str:
    """Compact JSON with one callable (and one message) per line, so that a
    regeneration's diff reads callable by callable."""
    def compact(value) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))

    lines = ["{"]
    top = sorted(data)
    for i, key in enumerate(top):
        end = "," if i < len(top) - 1 else ""
        value = data[key]
        if isinstance(value, dict) and key == "callables":
            items = sorted(value.items())
            lines.append(f"{compact(key)}:{{")
            lines += [f"{compact(k)}:{compact(v)}" + ("," if j < len(items) - 1 else "") for j, (k, v) in enumerate(items)]
            lines.append("}" + end)
        elif isinstance(value, list) and key == "messages":
            lines.append(f"{compact(key)}:[")
            lines += [compact(v) + ("," if j < len(value) - 1 else "") for j, v in enumerate(value)]
            lines.append("]" + end)
        else:
            lines.append(f"{compact(key)}:{compact(value)}{end}")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == json.loads(compact(data))
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keras2-source", type=Path, required=True,
                        help="Keras 2.3.1 wheel, unpacked source tree, or keras-team/keras git repository")
    parser.add_argument("--keras2-rev", default=KERAS2_PIN["tag"], help="git revision when --keras2-source is a repository")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"where to write the JSON (default: {DEFAULT_OUTPUT})")
    args = parser.parse_args(argv)

    keras1, record = read_keras1_conversions(Keras2Source(args.keras2_source, args.keras2_rev))
    quiet_environment()
    with tempfile.TemporaryDirectory(prefix="gen_keras_arguments_") as tmp:
        _TMP_DIRS.extend([tmp, os.path.realpath(tmp)])
        old_cwd = os.getcwd()
        os.chdir(tmp)
        try:
            packages = [Package(name, module, Path(tmp)) for name, module in keras_packages(TAG)]
            if not any(p.name == "keras" for p in packages):
                log(f"[{TAG}] Keras 3 is not importable")
                return 1
            data = generate(packages, keras1, record)
        finally:
            os.chdir(old_cwd)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(_dump(data), encoding="utf-8")
    log(f"[{TAG}] wrote {args.output} ({data['sources']['keras']}, {len(data['callables'])} callables)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
