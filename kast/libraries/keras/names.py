"""Keras names: every import style folded into one canonical dotted path.

`tensorflow.keras.layers.Dense`, `tf_keras.layers.Dense`, `keras.src.layers.core.dense.Dense`
and `keras.layers.core.Dense` all become `keras.layers.Dense`, so that the
rest of kast speaks one dialect whatever the script imports.
"""

from __future__ import annotations

import json
import pkgutil
from functools import cache
from typing import Any

# Prefixes under which the Keras API lives, longest first.
KERAS_PREFIXES = (
    "tensorflow.compat.v1.keras",
    "tensorflow.compat.v2.keras",
    "tensorflow.python.keras",
    "tensorflow.keras",
    "keras.api._v2.keras",
    "keras.api.keras",
    "keras.src",
    "keras.api",
    "tf_keras.src",
    "tf_keras",
)

# Keras 2 kept classes in sub-modules (keras.layers.core.Dense); fold them away.
SUBMODULE_GROUPS = ("layers", "losses", "metrics", "optimizers", "activations", "models", "utils", "applications")

# TensorFlow 2 re-exports some Keras modules under its own name (tf.optimizers, tf.losses).
TF_ALIASES = ("optimizers", "losses", "metrics")

# Top-level packages whose import means the script uses Keras.
KERAS_PACKAGES = ("keras", "tensorflow", "tf_keras")


def canonical(qualname: str) -> str:
    """The canonical dotted name of an imported Keras object (other names unchanged)."""
    for group in TF_ALIASES:
        prefix = f"tensorflow.{group}"
        if qualname == prefix or qualname.startswith(prefix + "."):
            return "keras." + qualname[len("tensorflow."):]
    for prefix in KERAS_PREFIXES:
        if qualname == prefix or qualname.startswith(prefix + "."):
            qualname = "keras" + qualname[len(prefix):]
            break
    if qualname.startswith("keras."):
        parts = qualname.split(".")
        if len(parts) > 3 and parts[1] in SUBMODULE_GROUPS and parts[1] not in ("applications", "optimizers"):
            # keras.layers.core.dense.Dense -> keras.layers.Dense
            qualname = f"keras.{parts[1]}.{parts[-1]}"
        elif len(parts) > 3 and parts[1] == "engine":
            qualname = f"keras.models.{parts[-1]}"
    return qualname


def keras_member(qualname: str, group: str) -> str | None:
    """`Dense` for `keras.layers.Dense` and group "layers"; None when not in the group."""
    prefix = f"keras.{group}."
    if qualname.startswith(prefix):
        return qualname.rsplit(".", 1)[1]
    return None


def is_keras(qualname: str) -> bool:
    return qualname == "keras" or qualname.startswith("keras.")


@cache
def generated_table(name: str) -> dict[str, Any]:
    """`kast/data/<name>`, a table generated from an installed Keras; empty when the file is absent."""
    try:
        raw = pkgutil.get_data("kast", f"data/{name}")
    except OSError:
        return {}
    return json.loads(raw) if raw else {}
