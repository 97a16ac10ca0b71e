"""Keras optimizers: which classes are optimizers, and the arguments current Keras no longer takes."""

from __future__ import annotations

import libcst as cst

from kast.analysis.calls import Args, Callee, Context
from kast.analysis.models import Optimizer
from kast.analysis.values import Value

# Keyword arguments of Keras 2 optimizers that Keras 3 (and TF 2.11+) optimizers do not honour,
# with the current name where there is one.
REMOVED_ARGUMENTS: dict[str, str | None] = {"lr": "learning_rate", "decay": None}

# Optimizers that still take the old arguments.
LEGACY_PREFIX = "keras.optimizers.legacy."


def make_optimizer(context: Context, qualname: str, args: Args, node: cst.Call) -> Value:
    made = Optimizer(qualname, node, tuple((name, value, arg) for name, (value, arg) in args.keywords.items()))
    context.picture.optimizers.append(made)
    return made


def resolve(qualname: str) -> Callee | None:
    """Classes under `keras.optimizers` (not its learning-rate schedules)."""
    if qualname.startswith("keras.optimizers.") and qualname.rsplit(".", 1)[1][:1].isupper() \
            and ".schedules." not in qualname:
        return Callee(make_optimizer, qualname)
    return None
