#!/usr/bin/env python3
"""Regenerate ``kast/data/keras_names.json`` from installed Keras packages.

kast never imports Keras while linting.  To flag typos such as
``loss="binary_crossentropyy"`` or ``activation="sofmax"`` it instead reads a
static list of the string identifiers Keras accepts, stored in
``kast/data/keras_names.json``.  This script produces that file.

It is run BY HAND, by a maintainer, when a Keras release adds, removes or
renames identifiers -- never at lint time, never in CI.  Run it in a throwaway
virtual environment (not the project's own venv), for example::

    python -m venv /tmp/kerasnames-venv
    /tmp/kerasnames-venv/bin/pip install keras tf_keras tensorflow-cpu
    # (or: pip install keras jax jaxlib  and  export KERAS_BACKEND=jax)
    /tmp/kerasnames-venv/bin/python scripts/gen_keras_names.py

then review the diff of the JSON and commit it.

Sources.  It imports whichever of ``keras`` (Keras 3) and ``tf_keras``
(Keras 2) are importable; if only one is, only that one is used and recorded
under ``"sources"``.  For each of losses / metrics / optimizers / activations
it gathers candidate names from:

* the registries (``keras.src.<kind>.ALL_OBJECTS_DICT`` in Keras 3),
* the public namespaces (``keras.<kind>``, ``tf_keras.<kind>``) and the
  globals of the implementing modules (``tf_keras.src.<kind>``, which is what
  tf_keras' ``deserialize()`` looks names up in), plus tf_keras' activation
  layer classes,
* string literals in the source of each ``get()`` / ``deserialize()``
  (e.g. tf_keras' case-insensitive optimizer table),

and the candidates of both packages are pooled.  Every candidate is then
VERIFIED against each package by calling ``<package>.<kind>.get(name)``; a name
is kept only if the call succeeds and returns a real object of that kind (a
``Loss``/``Metric``/``Optimizer`` instance, or a loss/metric/activation
function).  The type check matters: tf_keras' ``metrics.get()`` returns unknown
strings unchanged instead of raising, and tf_keras' ``losses.get()`` happily
returns module globals such as ``get`` or ``tf``.

``model.compile`` additionally resolves a few strings itself, before calling
``get()``: ``"accuracy"``/``"acc"`` (and in tf_keras ``"crossentropy"``/``"ce"``)
as metrics, and in Keras 3 ``"crossentropy"``/``"ce"`` as losses, all compared
case-insensitively (``str(x).lower()``).  These are verified by compiling and
evaluating a tiny model, added (lower-cased) to the ``losses``/``metrics``
lists, and listed under ``"compile_case_insensitive"``.

Names that ``get()`` recognises but cannot instantiate without constructor
arguments (``"MeanIoU"`` needs ``num_classes``) are not valid bare strings, so
they are left out of the main lists, but they are not typos either; they are
listed under ``"needs_arguments"`` so kast can say so instead of suggesting a
spelling.

Optimizer names are matched case-insensitively by both packages
(``"Adam"`` == ``"adam"``), so they are stored lower-cased and the file says
``"optimizers_case_insensitive": true``.  ``activations.get(None)`` means
``"linear"``, which is in the list.

Output is deterministic: sorted lists, sorted keys, one item per line.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import inspect
import io
import json
import logging
import os
import re
import sys
import types
import warnings
from pathlib import Path

KINDS = ("losses", "metrics", "optimizers", "activations")

# Strings that model.compile() resolves itself, case-insensitively, depending
# on the shapes of y_true / y_pred, before (or instead of) calling get().
COMPILE_SPECIALS = ("accuracy", "acc", "crossentropy", "ce")

# Helpers living next to the registries that get() may hand back but that are
# not losses/metrics/activations.
_UTILITY_NAMES = frozenset({"get", "serialize", "deserialize"})

# Typos that must never be accepted: a sanity check on the verification logic.
_NEGATIVE_CONTROLS = {
    "losses": "binary_crossentropyy",
    "metrics": "binary_crossentropyy",
    "optimizers": "adamm",
    "activations": "sofmax",
}

_IDENT = re.compile(r"""["']([A-Za-z_][A-Za-z0-9_]*)["']""")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "kast" / "data" / "keras_names.json"


def _log(msg: str) -> None:
    print(msg, file=sys.stderr)


def _quiet_environment() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "KERAS_BACKEND" not in os.environ:
        # Keras 3 defaults to TensorFlow; pick another installed backend if
        # TensorFlow is absent so that `pip install keras jax jaxlib` works.
        if importlib.util.find_spec("tensorflow") is None:
            for backend in ("jax", "torch", "numpy"):
                if backend == "numpy" or importlib.util.find_spec(backend):
                    os.environ["KERAS_BACKEND"] = backend
                    break
    warnings.filterwarnings("ignore")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)


def _try_import(name: str):
    try:
        return importlib.import_module(name)
    except Exception as exc:  # ImportError, or a backend failing to load
        _log(f"[gen_keras_names] {name} not importable: {exc!r}")
        return None


@contextlib.contextmanager
def _silenced():
    """Swallow the prints/log lines some get() calls emit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(
            io.StringIO()
        ):
            yield


class Package:
    """Uniform access to one Keras flavour (``keras`` 3 or ``tf_keras``)."""

    def __init__(self, name: str, module: types.ModuleType):
        self.name = name
        self.module = module
        self.version = str(getattr(module, "__version__", "unknown"))
        self.api = {kind: getattr(module, kind) for kind in KINDS}
        self.src = {
            kind: _try_import(f"{name}.src.{kind}") for kind in KINDS
        }
        self.loss_base = self._first_attr(
            [f"{name}.losses.Loss", f"{name}.src.losses.Loss"]
        )
        self.metric_base = self._first_attr(
            [f"{name}.metrics.Metric", f"{name}.src.metrics.Metric"]
        )
        opt_bases = [
            f"{name}.optimizers.Optimizer",
            f"{name}.src.optimizers.Optimizer",
            f"{name}.src.optimizers.optimizer.Optimizer",
            f"{name}.src.optimizers.legacy.optimizer_v2.OptimizerV2",
            f"{name}.src.optimizers.optimizer_v2.optimizer_v2.OptimizerV2",
        ]
        self.optimizer_bases = tuple(
            b for b in (self._first_attr([p]) for p in opt_bases) if b is not None
        )
        self.layer_base = self._first_attr([f"{name}.layers.Layer"])

    def _first_attr(self, dotted_paths):
        for path in dotted_paths:
            mod_name, _, attr = path.rpartition(".")
            try:
                mod = importlib.import_module(mod_name)
            except Exception:
                continue
            obj = getattr(mod, attr, None)
            if isinstance(obj, type):
                return obj
        return None

    # -- candidate harvesting ------------------------------------------------

    def candidates(self, kind: str) -> set[str]:
        names: set[str] = set()
        modules = [self.api[kind], self.src[kind]]
        if kind == "activations" and self.src[kind] is not None:
            modules.append(getattr(self.src[kind], "activation_layers", None))
        for mod in modules:
            if mod is None:
                continue
            registry = getattr(mod, "ALL_OBJECTS_DICT", None)
            if isinstance(registry, dict):
                names.update(k for k in registry if isinstance(k, str))
            names.update(n for n in dir(mod) if not n.startswith("_"))
            for fn_name in ("get", "deserialize"):
                fn = getattr(mod, fn_name, None)
                try:
                    source = inspect.getsource(fn) if fn else ""
                except (OSError, TypeError):
                    source = ""
                names.update(_IDENT.findall(source))
        return names

    # -- verification --------------------------------------------------------

    def _is_from(self, obj, *subpackages: str) -> bool:
        module = getattr(obj, "__module__", None) or ""
        prefixes = tuple(f"{self.name}.src.{s}" for s in subpackages)
        return module.startswith(prefixes)

    def _is_y_true_y_pred_function(self, obj, *subpackages: str) -> bool:
        """A loss/metric function: ``fn(y_true, y_pred, ...)`` from Keras.

        Filters out helpers that share the module namespace, e.g. tf_keras'
        ``is_categorical_crossentropy(loss)`` or ``clone_metric(metric)``.
        """
        if not (inspect.isfunction(obj) and self._is_from(obj, *subpackages)):
            return False
        try:
            params = list(inspect.signature(obj).parameters)
        except (TypeError, ValueError):
            return False
        return params[:2] == ["y_true", "y_pred"]

    def _kind_bases(self, kind: str) -> tuple:
        bases = {
            "losses": (self.loss_base,),
            "metrics": (self.metric_base, self.loss_base),
            "optimizers": self.optimizer_bases,
            "activations": (self.layer_base,),
        }[kind]
        return tuple(b for b in bases if b is not None)

    def needs_arguments(self, kind: str, name: str) -> bool:
        """True if ``name`` names a class of this kind that get() finds but
        cannot build without constructor arguments (e.g. ``"MeanIoU"``, which
        needs ``num_classes``), so get() raises TypeError."""
        try:
            with _silenced():
                self.api[kind].get(name)
            return False
        except TypeError:
            pass
        except Exception:
            return False
        keys = (name, name.lower()) if kind == "optimizers" else (name,)
        bases = self._kind_bases(kind)
        for mod in (self.src[kind], self.api[kind]):
            if mod is None:
                continue
            registry = getattr(mod, "ALL_OBJECTS_DICT", None) or {}
            for key in keys:
                obj = registry.get(key, getattr(mod, key, None))
                if isinstance(obj, type) and bases and issubclass(obj, bases):
                    return True
        return False

    def _is_kind(self, kind: str, obj) -> bool:
        if obj is None or isinstance(obj, (str, bytes, types.ModuleType, type)):
            return False
        if getattr(obj, "__name__", None) in _UTILITY_NAMES:
            return False
        if kind == "optimizers":
            return bool(self.optimizer_bases) and isinstance(obj, self.optimizer_bases)
        if not callable(obj):
            return False
        if kind == "losses":
            if self.loss_base is not None and isinstance(obj, self.loss_base):
                return True
            return self._is_y_true_y_pred_function(obj, "losses")
        if kind == "metrics":
            for base in (self.metric_base, self.loss_base):
                if base is not None and isinstance(obj, base):
                    return True
            return self._is_y_true_y_pred_function(obj, "metrics", "losses")
        if kind == "activations":
            if self.layer_base is not None and isinstance(obj, self.layer_base):
                return True
            if not (inspect.isfunction(obj) or inspect.isbuiltin(obj)):
                return False
            module = getattr(obj, "__module__", None) or ""
            return self._is_from(obj, "activations", "ops", "backend") or (
                module.startswith("tensorflow.")
            )
        raise ValueError(kind)

    def accepts(self, kind: str, name: str) -> bool:
        try:
            with _silenced():
                obj = self.api[kind].get(name)
        except Exception:
            return False
        return self._is_kind(kind, obj)

    def compile_accepts(self, loss: str | None = None, metric: str | None = None) -> bool:
        """True if compile(loss=..., metrics=[...]) + evaluate() works."""
        import numpy as np

        k = self.module
        try:
            with _silenced():
                model = k.Sequential(
                    [k.Input(shape=(3,)), k.layers.Dense(2, activation="softmax")]
                )
                model.compile(
                    optimizer="sgd",
                    loss=loss if loss is not None else "mse",
                    metrics=[metric] if metric is not None else None,
                )
                x = np.zeros((4, 3), dtype="float32")
                y = np.eye(2, dtype="float32")[[0, 1, 0, 1]]
                model.evaluate(x, y, verbose=0)
            return True
        except Exception:
            return False


def _load_packages() -> list[Package]:
    packages = []
    for name in ("keras", "tf_keras"):
        module = _try_import(name)
        if module is None:
            continue
        if name == "keras" and not str(getattr(module, "__version__", "")).startswith("3"):
            _log(f"[gen_keras_names] skipping keras {module.__version__}: not Keras 3")
            continue
        packages.append(Package(name, module))
    return packages


def generate(packages: list[Package]) -> dict:
    result: dict = {
        "generated_by": "scripts/gen_keras_names.py",
        "sources": {p.name: p.version for p in packages},
    }
    result["needs_arguments"] = {}
    compile_ci: dict[str, set[str]] = {"losses": set(), "metrics": set()}

    for kind in KINDS:
        pool: set[str] = set()
        for pkg in packages:
            pool |= pkg.candidates(kind)
        if kind == "optimizers":
            pool |= {n.lower() for n in pool}
        accepted: set[str] = set()
        for pkg in packages:
            control = _NEGATIVE_CONTROLS[kind]
            if pkg.accepts(kind, control):
                raise SystemExit(
                    f"verification is broken: {pkg.name}.{kind}.get({control!r}) accepted"
                )
            ok = {n for n in pool if pkg.accepts(kind, n)}
            _log(f"[gen_keras_names] {pkg.name}.{kind}: {len(ok)} of {len(pool)} candidates")
            accepted |= ok
        if kind == "optimizers":
            # Both packages lower-case built-in optimizer names before lookup;
            # confirm that, then store the lower-case spelling.
            for pkg in packages:
                for n in sorted(accepted):
                    if pkg.accepts(kind, n) and not (
                        pkg.accepts(kind, n.lower()) and pkg.accepts(kind, n.upper())
                    ):
                        raise SystemExit(
                            f"{pkg.name}: optimizer {n!r} is not case-insensitive"
                        )
            accepted = {n.lower() for n in accepted}
        result[kind] = sorted(accepted)
        # Names get() recognises but cannot instantiate without arguments:
        # not valid as bare strings, yet not typos either.
        needs_args = {
            n for n in pool - accepted
            if any(pkg.needs_arguments(kind, n) for pkg in packages)
        }
        if kind == "optimizers":
            needs_args = {n.lower() for n in needs_args} - accepted
        result["needs_arguments"][kind] = sorted(needs_args)

    # Strings that model.compile() resolves itself (case-insensitively).
    for pkg in packages:
        if pkg.compile_accepts(metric="binary_crossentropyy") or pkg.compile_accepts(
            loss="binary_crossentropyy"
        ):
            raise SystemExit(f"{pkg.name}: compile check accepted a typo")
        for special in COMPILE_SPECIALS:
            variants = (special, special.upper(), special.capitalize())
            for kind, kwarg in (("metrics", "metric"), ("losses", "loss")):
                if all(pkg.compile_accepts(**{kwarg: v}) for v in variants):
                    compile_ci[kind].add(special)
    for kind, names in compile_ci.items():
        result[kind] = sorted(set(result[kind]) | names)

    result["optimizers_case_insensitive"] = True
    result["compile_case_insensitive"] = {k: sorted(v) for k, v in compile_ci.items()}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-o", "--output", type=Path, default=DEFAULT_OUTPUT,
        help=f"where to write the JSON (default: {DEFAULT_OUTPUT})",
    )
    args = parser.parse_args(argv)

    _quiet_environment()
    packages = _load_packages()
    if not packages:
        _log("[gen_keras_names] neither keras (3.x) nor tf_keras is importable")
        return 1
    data = generate(packages)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=True) + "\n"
    args.output.write_text(text, encoding="utf-8")
    sizes = ", ".join(f"{k}={len(data[k])}" for k in KINDS)
    _log(f"[gen_keras_names] wrote {args.output} ({data['sources']}; {sizes})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
