"""kast's public entry points: lint a source, lint paths, fix a source.

The command line, the language server and the parallel runner all go through
these functions; nothing above them needs to know whether a file is a script
or a notebook.  This is the one place that decides it (by the file's name) and
hands the bytes to `kast.core` (a script) or `kast.notebook` (a notebook).

    lint_source(data, path, settings) -> FileResult     one file's bytes; never raises
    lint_paths(paths, resolver, ...)  -> LintRun        discovery, cache, parallel jobs
    fix_source(data, path, settings)  -> SourceFix      the fixed bytes, and what was fixed

Importing this module is cheap: LibCST and the rules are loaded on the first
lint, so a run that the cache answers never loads them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kast.config import Resolver, Settings
from kast.diagnostics import FileResult

if TYPE_CHECKING:
    from kast.cache import Cache
    from kast.files import Discovery, Target
    from kast.fix import FixOutcome

NOTEBOOK_SUFFIX = ".ipynb"


def is_notebook(path: str) -> bool:
    """Whether `path` names a Jupyter notebook (by its suffix, as Jupyter and Ruff decide)."""
    return path.lower().endswith(NOTEBOOK_SUFFIX)


def lint_source(data: bytes, path: str, settings: Settings) -> FileResult:
    """Lint one file's bytes, reported under `path` (a notebook when it ends in .ipynb); never raises."""
    if is_notebook(path):
        from kast.notebook import lint_notebook

        return lint_notebook(data, path, settings)
    return _lint_script(data, path, settings)


def _lint_script(data: bytes, path: str, settings: Settings) -> FileResult:
    from kast.core import (
        SourceError,
        decode_source,
        describe_internal_error,
        k000_diagnostic,
        k000_if_selected,
        lint_text,
    )

    result = FileResult(path)
    try:
        text = decode_source(data)
    except SourceError as error:
        result.diagnostics = k000_if_selected(path, error, settings)
        return result
    try:
        result.diagnostics = lint_text(text, path, settings, data)
        if result.diagnostics:
            result.source = text
    except RecursionError:
        result.diagnostics = [k000_diagnostic(path, SourceError("too deeply nested to analyse"))]
    except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the others
        result.internal_error = describe_internal_error(exc)
    result.warnings = _noqa_warnings(text, path)
    return result


def _noqa_warnings(text: str, path: str, cell: int | None = None) -> list[str]:
    from kast.suppress import unknown_noqa_codes

    where = f"{path}:cell {cell}" if cell is not None else path
    return [f"{where}:{line}: {problem}" for line, problem in unknown_noqa_codes(text)]


def lint_file(path: Path, display: str, settings: Settings) -> FileResult:
    """Read and lint one file; a file that cannot be read becomes K000."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return unreadable(display, exc, settings)
    return lint_source(data, display, settings)


def unreadable(display: str, exc: OSError, settings: Settings) -> FileResult:
    """The result for a file that cannot be read: K000 saying why."""
    from kast.core import SourceError, k000_if_selected

    reason = exc.strerror or type(exc).__name__
    return FileResult(display, k000_if_selected(display, SourceError(f"cannot read the file: {reason}"), settings))


# --- many files ------------------------------------------------------------------------------------


@dataclass
class LintRun:
    """What linting some paths gave: one result per target, in order, and the warnings met on the way."""

    targets: list[Target]
    results: list[FileResult]
    warnings: list[str] = field(default_factory=list)


def discover(paths: Sequence[str], resolver: Resolver | None = None) -> Discovery:
    """The files `paths` name or hold, with their settings (see `kast.files`)."""
    from kast.files import discover as find

    return find(list(paths) or ["."], resolver)


def lint_paths(paths: Sequence[str] | Discovery, resolver: Resolver | None = None, jobs: int = 1,
               cache: Cache | None = None) -> LintRun:
    """Lint every file that `paths` name or hold (or an earlier `discover`'s files), in a stable order."""
    from kast.files import Discovery
    from kast.runner import lint_targets

    found = paths if isinstance(paths, Discovery) else discover(paths, resolver)
    results = lint_targets(found.targets, jobs, cache)
    warnings = list(found.warnings)
    warnings += [warning for result in results for warning in result.warnings]
    warnings += cache.warnings if cache is not None else []
    return LintRun(list(found.targets), results, warnings)


# --- fixing ----------------------------------------------------------------------------------------


@dataclass
class SourceFix:
    """What fixing one file's bytes did: its text before and after, and the bytes to write (None: unchanged)."""

    original: str
    outcome: FixOutcome
    data: bytes | None

    @property
    def fixed(self) -> int:
        return len(self.outcome.fixed) if self.data is not None else 0

    def diff(self, display: str) -> str:
        """The change as a unified diff, `a/` and `b/` prefixed as git prints it."""
        from kast.fix import unified_diff

        return unified_diff(self.original, self.outcome.text, display) if self.data is not None else ""


def fix_source(data: bytes, path: str, settings: Settings, unsafe: bool = False) -> SourceFix:
    """Apply the fixes (safe ones; unsafe ones too when asked) to one file's bytes; never writes anything.

    A script keeps its encoding (PEP 263 cookie, BOM); a notebook keeps its
    JSON byte for byte outside the lines that changed.  A script that cannot be
    decoded is left as it is.
    """
    from kast.fix import FixOutcome, encode_like, fix_notebook, fix_text

    if is_notebook(path):
        outcome = fix_notebook(data, path, settings, unsafe)
        original = data.decode("utf-8", errors="surrogateescape")
        changed = bool(outcome.fixed) and outcome.text != original
        return SourceFix(original, outcome, outcome.text.encode("utf-8", errors="surrogateescape") if changed else None)
    from kast.parse import SourceError, decode_source

    try:
        original = decode_source(data)
    except SourceError:
        return SourceFix("", FixOutcome(""), None)
    outcome = fix_text(original, path, settings, unsafe)
    changed = bool(outcome.fixed) and outcome.text != original
    return SourceFix(original, outcome, encode_like(outcome.text, data) if changed else None)


def fix_file(path: Path, display: str, settings: Settings, unsafe: bool = False, write: bool = True) -> SourceFix:
    """Fix one file on disk (written back only when something changed and `write` is true)."""
    fixed = fix_source(path.read_bytes(), display, settings, unsafe)
    if write and fixed.data is not None:
        _write_keeping_mode(path, fixed.data)
    return fixed


def _write_keeping_mode(path: Path, data: bytes) -> None:
    # Written in place (not replaced by a new file): links, owner and permissions stay.
    with open(os.fspath(path), "r+b") as stream:
        stream.write(data)
        stream.truncate()
