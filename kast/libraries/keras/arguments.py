"""The keyword arguments Keras accepts, per callable, and the Keras 1 names they replaced.

The facts come from `kast/data/keras_arguments.json`, generated from an
installed Keras 3 and tf_keras by `scripts/gen_keras_arguments.py` (never
imported at lint time).  Keys are canonical names: `keras.layers.Dense`,
`keras.Model.fit`, `keras.Sequential.compile`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from kast.analysis.models import Model
from kast.analysis.values import Method, Ref, Value
from kast.libraries.keras.names import generated_table, is_keras
from kast.libraries.keras.optimizers import REMOVED_ARGUMENTS


def table() -> dict[str, Any]:
    """The generated table; empty when the data file is absent."""
    return generated_table("keras_arguments.json")


def key_for(func: Value) -> str | None:
    """The table's key for a callable kast sees called: a Keras class or function, or a model method."""
    if isinstance(func, Ref):
        if not is_keras(func.qualname):
            return None
        return func.qualname if func.qualname in table().get("callables", {}) else None
    if isinstance(func, Method) and isinstance(func.receiver, Model) and func.receiver.kind != "loaded":
        owner = "keras.Sequential" if func.receiver.kind == "sequential" else "keras.Model"
        key = f"{owner}.{func.name}"
        return key if key in table().get("callables", {}) else None
    return None


class Verdict(NamedTuple):
    """What is wrong with one keyword argument of a Keras call."""

    keyword: str
    current: str | None  # the name it has today (None: removed)
    certain: bool  # renaming it is all there is to do
    removed_in_keras3: bool  # tf_keras takes it, Keras 3 rejects it
    note: str | None = None


def row(key: str) -> dict[str, Any]:
    """The table's entry for `key` (an entry may be "=OTHER": the same as OTHER's)."""
    callables = table()["callables"]
    entry = callables[key]
    for _ in range(10):
        if not isinstance(entry, str):
            break
        entry = callables[entry.removeprefix("=")]
    return entry if isinstance(entry, dict) else {}


def accepted(key: str) -> set[str]:
    """The keyword names Keras 3 takes for `key`."""
    row_ = row(key).get("keras3") or {}
    return set(row_.get("keyword_only", ())) | set(row_.get("positional", ()))


def judge(key: str, keyword: str) -> Verdict | None:
    """The verdict on `keyword` passed to `key`; None when Keras 3 takes it (or kast cannot tell)."""
    entry = row(key)
    current = entry.get("keras3")
    if not current or current.get("any_keyword") or keyword in accepted(key):
        return None  # not in Keras 3 at all (fit_generator: K304's), takes any keyword, or takes this one
    old = (entry.get("keras1") or {}).get(keyword)
    if old is not None:
        return Verdict(keyword, old.get("to"), bool(old.get("certain")), False, old.get("note"))
    legacy = entry.get("tf_keras") or {}
    in_tf_keras = (keyword in legacy.get("positional", ()) or keyword in legacy.get("added", ())) \
        and keyword not in legacy.get("removed", ())
    if in_tf_keras:
        return Verdict(keyword, None, False, True)
    return None


def removed_by_k501(key: str, keyword: str) -> bool:
    """`lr=` / `decay=` on an optimizer: rule K501's finding."""
    return key.startswith("keras.optimizers.") and keyword in REMOVED_ARGUMENTS


def rejects_single_string(key: str, keyword: str) -> bool:
    """`compile(metrics="accuracy")`: Keras 3 wants a list."""
    method = key.rsplit(".", 1)[-1]
    checks = table().get("value_checks", {}).get(f"keras.Model.{method}", {})
    return "single string" in checks.get(keyword, {})
