"""What the scripts that generate kast/data/ from installed Keras share.

Imported by ``gen_keras_arguments.py`` and ``gen_keras_applications.py``
(which run from this folder, so it is on their ``sys.path``); never by kast.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
import os
import sys
import types
import warnings


def log(msg: str) -> None:
    print(msg, file=sys.stderr)


def quiet_environment() -> None:
    """TensorFlow's backend, and none of its chatter."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    warnings.filterwarnings("ignore")
    for name in ("tensorflow", "absl", "keras", "tf_keras"):
        logging.getLogger(name).setLevel(logging.ERROR)


def try_import(name: str, tag: str) -> types.ModuleType | None:
    try:
        return importlib.import_module(name)
    except Exception as exc:  # ImportError, or a backend failing to load
        log(f"[{tag}] {name} not importable: {exc!r}")
        return None


def keras_packages(tag: str) -> list[tuple[str, types.ModuleType]]:
    """``keras`` (if it is Keras 3) and ``tf_keras``, whichever import."""
    found = []
    for name in ("keras", "tf_keras"):
        module = try_import(name, tag)
        if module is None:
            continue
        if name == "keras" and not str(getattr(module, "__version__", "")).startswith("3"):
            log(f"[{tag}] skipping keras {module.__version__}: not Keras 3")
            continue
        found.append((name, module))
    return found


@contextlib.contextmanager
def silenced():
    """Swallow the warnings and prints that building Keras objects emits."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield
