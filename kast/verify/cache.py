"""Verification answers by slice content: an unchanged model is not built again.

An answer is stored under a hash of the slice's request (its compiled code,
placeholders, the script's folder and name), kast's version and the
fingerprint of its files, the installed TensorFlow, Keras and tf_keras
versions and `TF_USE_LEGACY_KERAS`, so a different slice, an edited kast or a
different Keras never reads it.  Versions are read from
the installed packages' metadata: a run whose every slice is cached never
starts TensorFlow.  Only answers the child gave in full are kept (a build, a
build error, "not a model"); time-outs, memory kills, crashes and tampered
answers are not.  Entries are JSON, in `verify/` of kast's cache folder.

A cache folder is data the project can hold: a committed entry could claim
anything about its slice.  That is why no answer, fresh or cached, may lower
the exit status unless `--verify-can-refute` asks for it.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path
from typing import Any

from kast import __version__
from kast.cache import code_fingerprint

_KEPT = ("built", "error", "no-model")


def _installed(*names: str) -> str:
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "-"


def environment_key() -> str:
    """What, besides the slice, decides the answer: kast's and the libraries' versions."""
    return "\0".join((__version__, code_fingerprint(), _installed("tensorflow", "tensorflow-cpu", "tensorflow-macos"),
                      _installed("keras"), _installed("tf_keras", "tf-keras"),
                      os.environ.get("TF_USE_LEGACY_KERAS", "")))


class AnswerCache:
    """Answers by key; `get` and `put` never raise."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "verify"
        self.prefix = environment_key()

    def key(self, slice_key: str) -> str:
        return hashlib.sha256(f"{self.prefix}\0{slice_key}".encode()).hexdigest()

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key[2:]}.json"

    def get(self, slice_key: str) -> dict[str, Any] | None:
        try:
            answer = json.loads(self._entry(self.key(slice_key)).read_bytes())
        except (OSError, ValueError):
            return None
        return answer if isinstance(answer, dict) and answer.get("status") in _KEPT else None

    def put(self, slice_key: str, answer: dict[str, Any]) -> None:
        if answer.get("status") not in _KEPT:
            return
        entry = self._entry(self.key(slice_key))
        try:
            fresh = not self.folder.exists()
            entry.parent.mkdir(parents=True, exist_ok=True)
            if fresh:
                (self.folder / ".gitignore").write_text("# Created by kast.\n*\n", encoding="utf-8")
            temporary = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(answer), encoding="utf-8")
            os.replace(temporary, entry)
        except OSError:
            return
