"""The result cache: unchanged files are not analysed again.

An entry is keyed by a hash of the file's bytes, the name it is reported
under, its effective settings, kast's version and a fingerprint of kast's own
files (so an edited or reinstalled kast of the same version never reads what
another one wrote), and holds that file's
result as JSON (never pickle: a cache folder is data, and loading it must not
be able to run code).  The folder (`.kast_cache/` by default) carries a
`CACHEDIR.TAG` so backup tools skip it, and a `.gitignore` so git does.

A corrupt entry or an unwritable folder is reported once as a warning and
otherwise ignored: the file is simply analysed again.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from kast import __version__
from kast.config import Settings
from kast.diagnostics import Diagnostic, Edit, Fix, Related, Severity, Span

DEFAULT_DIR = ".kast_cache"
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by kast.\n"
        "# For information about cache directory tags see https://bford.info/cachedir/\n")
_FORMAT = 2
# What an entry gives back: diagnostics, the source (or None), notebook cell sources (or None), warnings.
Entry = tuple[list[Diagnostic], str | None, dict[int, str] | None, list[str]]


def _span(span: Span) -> list[int]:
    return [span.line, span.column, span.end_line, span.end_column]


def _diagnostic_to_json(d: Diagnostic) -> dict[str, Any]:
    return {
        "code": d.code, "name": d.name, "severity": d.severity.value, "message": d.message, "span": _span(d.span),
        "hint": d.hint, "cell": d.cell,
        "related": [[r.path, _span(r.span), r.message, r.cell] for r in d.related],
        "fix": None if d.fix is None else {
            "description": d.fix.description, "safe": d.fix.safe,
            "edits": [[_span(e.span), e.replacement] for e in d.fix.edits],
        },
    }


def _diagnostic_from_json(path: str, data: dict[str, Any]) -> Diagnostic:
    fix = data["fix"]
    return Diagnostic(
        path=path,
        code=data["code"],
        name=data["name"],
        severity=Severity(data["severity"]),
        message=data["message"],
        span=Span(*data["span"]),
        hint=data["hint"],
        cell=data["cell"],
        related=tuple(Related(p, Span(*s), m, c) for p, s, m, c in data["related"]),
        fix=None if fix is None else Fix(fix["description"], tuple(Edit(Span(*s), r) for s, r in fix["edits"]),
                                         fix["safe"]),
    )


def fingerprint(root: Path) -> str:
    """Name, size and modification time of every source and data file below `root`, hashed.

    Read from the file system only (no file is opened): a few hundred stat calls.
    """
    import hashlib

    digest = hashlib.blake2b(digest_size=16)
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".json")):
                path = os.path.join(folder, name)
                stat = os.stat(path)
                digest.update(f"{os.path.relpath(path, root)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """The fingerprint of the running kast's own files, once a run."""
    return fingerprint(Path(__file__).resolve().parent)


class Cache:
    """Results by content; `get` and `put` never raise."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.entries = folder / f"v{_FORMAT}-{__version__}"
        self.warnings: list[str] = []
        self._writable: bool | None = None

    def key(self, data: bytes, display: str, settings: Settings) -> str:
        import hashlib  # loads OpenSSL: only a run with the cache pays for it

        digest = hashlib.blake2b(digest_size=20)
        digest.update(f"{__version__}\0{code_fingerprint()}\0{display}\0{settings!r}\0"
                      .encode("utf-8", "surrogatepass"))
        digest.update(data)
        return digest.hexdigest()

    def _entry(self, key: str) -> Path:
        return self.entries / key[:2] / f"{key[2:]}.json"

    def get(self, key: str, display: str) -> Entry | None:
        """(diagnostics, source, cell sources, warnings) stored under `key`, or None."""
        entry = self._entry(key)
        try:
            raw = entry.read_bytes()
        except OSError:
            return None
        try:
            data = json.loads(raw)
            diagnostics = [_diagnostic_from_json(display, d) for d in data["diagnostics"]]
            cells = {int(k): v for k, v in data["cells"].items()} if data.get("cells") is not None else None
            warnings = [str(w) for w in data.get("warnings", ())]
            return diagnostics, data.get("source"), cells, warnings
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            self._warn(f"ignoring a corrupt cache entry {entry} ({type(exc).__name__}); the file is checked again")
            return None

    def put(self, key: str, diagnostics: list[Diagnostic], source: str | None, cells: dict[int, str] | None,
            warnings: list[str] | None = None) -> None:
        if self._writable is False or not self._prepare():
            return
        entry = self._entry(key)
        payload = json.dumps({"diagnostics": [_diagnostic_to_json(d) for d in diagnostics], "source": source,
                              "cells": cells, "warnings": warnings or []}, ensure_ascii=False)
        try:
            entry.parent.mkdir(exist_ok=True)
            # Write then rename, so a parallel kast never reads half an entry; the name is
            # this process's own, so two processes never write the same temporary file.
            temporary = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
            with open(temporary, "w", encoding="utf-8", errors="surrogatepass") as stream:
                stream.write(payload)
            os.replace(temporary, entry)
        except OSError as exc:
            self._writable = False
            self._warn(f"cannot write the cache in {self.folder} ({exc.strerror or exc}); running without it")

    def _prepare(self) -> bool:
        if self._writable:
            return True
        try:
            fresh = not self.folder.exists()
            self.entries.mkdir(parents=True, exist_ok=True)
            if fresh or not (self.folder / "CACHEDIR.TAG").exists():
                (self.folder / "CACHEDIR.TAG").write_text(_TAG, encoding="utf-8")
                (self.folder / ".gitignore").write_text("# Created by kast.\n*\n", encoding="utf-8")
            self._writable = True
        except OSError as exc:
            self._writable = False
            self._warn(f"cannot write the cache in {self.folder} ({exc.strerror or exc}); running without it")
        return bool(self._writable)

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def clean(folder: Path) -> bool:
    """Remove a cache folder; True if there was one.  Refuses a folder that is not a kast cache."""
    if not folder.exists():
        return False
    if not (folder / "CACHEDIR.TAG").exists() or "kast" not in (folder / "CACHEDIR.TAG").read_text(errors="replace"):
        raise OSError(f"{folder} does not look like a kast cache (no CACHEDIR.TAG written by kast); not removed")
    import shutil

    shutil.rmtree(folder)
    return True
