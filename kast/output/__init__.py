"""Emitters: one per output format, each turning diagnostics into text.

The machine formats share one signature, `render(results, diagnostics) -> str`,
and are looked up with `renderer(name)`; their modules are imported only when a
format is picked, so `import kast.output` stays cheap.  What more than one
emitter needs lives here: the rule docs address, the conversion of kast's
code-point columns to UTF-8 / UTF-16 offsets, paths relative to the repository,
and the line-based fingerprints that let CI services follow a finding across
edits.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:  # kast.core pulls in LibCST and the analysis; the emitters only read its results
    from kast.diagnostics import Diagnostic, FileResult, Span

FORMATS = ("full", "concise", "json", "json-lines", "sarif", "github", "rdjson", "gitlab", "junit")

# Format name -> "module:function"; every function has the `Renderer` signature.
_MACHINE_RENDERERS = {
    "json": "kast.output.json_format:render",
    "json-lines": "kast.output.json_format:render_lines",
    "sarif": "kast.output.sarif:render",
    "github": "kast.output.github:render",
    "rdjson": "kast.output.rdjson:render",
    "gitlab": "kast.output.gitlab:render",
    "junit": "kast.output.junit:render",
}
MACHINE_FORMATS = tuple(_MACHINE_RENDERERS)

INFORMATION_URI = "https://github.com/kast-lint/kast"
# The rule pages that scripts/gen_rule_docs.py writes into docs/rules/, as the repository shows them.
RULES_URL = f"{INFORMATION_URI}/blob/main/docs/rules/"

Renderer = Callable[["list[FileResult]", "list[Diagnostic]"], str]
Encoding = Literal["utf-8", "utf-16"]


def renderer(name: str) -> Renderer:
    """The render function of machine format `name`; ValueError for `full`/`concise` or an unknown name."""
    try:
        module_name, function = _MACHINE_RENDERERS[name].split(":")
    except KeyError:
        raise ValueError(f"no machine renderer for output format {name!r}") from None
    render: Renderer = getattr(importlib.import_module(module_name), function)
    return render


def rule_url(code: str) -> str:
    """Where the documentation of rule `code` is published: its page `docs/rules/CODE.md`."""
    return f"{RULES_URL}{code}.md"


def location(path: str, line: int, column: int, cell: int | None = None) -> str:
    """`path:line:col` with a 1-based column, or `path:cell N:line:col` inside a notebook."""
    where = f"{path}:cell {cell}" if cell is not None else path
    return f"{where}:{line}:{column + 1}"


# How every format marks a finding that `--verify` refuted: still shown, never silently dropped.
REFUTED_MARK = "[refuted by building the model]"


def verdict_mark(d: Diagnostic) -> str:
    """` [refuted by building the model]` for a refuted finding, else nothing."""
    return f" {REFUTED_MARK}" if d.verified is False else ""


def message_with_hint(d: Diagnostic) -> str:
    """The finding and how to fix it, as one text (marked when --verify refuted it)."""
    return f"{d.message} {d.hint}".strip() + verdict_mark(d)


def in_cell(text: str, span: Span, cell: int | None) -> str:
    """`text` led by its place in a notebook cell, for formats that can only point at the .ipynb itself."""
    return text if cell is None else f"cell {cell}, line {span.line}, column {span.column + 1}: {text}"


FIXABLE_MARK = "[*]"


def fixable(d: Diagnostic) -> bool:
    """Whether `kast fix` repairs this finding (it has a safe fix)."""
    return d.fix is not None and d.fix.safe and bool(d.fix.edits)


def fixable_with_unsafe(d: Diagnostic) -> bool:
    """Whether only `kast fix --unsafe-fixes` repairs this finding."""
    return d.fix is not None and not d.fix.safe and bool(d.fix.edits)


def concise_line(d: Diagnostic) -> str:
    """One finding on one line, as `--output-format concise` prints it; `[*]` when `kast fix` repairs it."""
    mark = f" {FIXABLE_MARK}" if fixable(d) else ""
    return f"{location(d.path, d.span.line, d.span.column, d.cell)}: {d.code}{mark} {message_with_hint(d)}"


def encoded_column(text: str | None, column: int, encoding: Encoding) -> int:
    """0-based offset, in code units of `encoding`, of the 0-based code-point `column` of a line.

    With the line's text unknown, code points are the best guess (exact for ASCII).
    A column past the end of the line (a K000 span at the end of the file) counts
    the missing characters as one unit each.
    """
    if text is None:
        return column
    prefix = text[:column]
    past_end = max(column - len(text), 0)
    # surrogatepass: a lone surrogate decoded from odd input still counts as one unit
    if encoding == "utf-8":
        return len(prefix.encode("utf-8", "surrogatepass")) + past_end
    return len(prefix.encode("utf-16-le", "surrogatepass")) // 2 + past_end


def _sha256(text: str) -> str:
    # surrogatepass: paths undecodable in the file system encoding carry lone surrogates
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class SourceLines(NamedTuple):
    """The text of reported lines, found through the lint results by path (and notebook cell)."""

    by_path: dict[str, FileResult]

    @classmethod
    def of(cls, results: list[FileResult]) -> SourceLines:
        return cls({result.path: result for result in results})

    def text(self, path: str, line: int, cell: int | None = None) -> str | None:
        result = self.by_path.get(path)
        return result.line_text(line, cell) if result is not None else None

    def column(self, path: str, line: int, column: int, cell: int | None, encoding: Encoding) -> int:
        """0-based `encoding` offset of a code-point column on a line of `path`."""
        return encoded_column(self.text(path, line, cell), column, encoding)


@lru_cache(maxsize=8)
def _repository_root(cwd: str) -> Path:
    start = Path(cwd)
    for directory in (start, *start.parents):
        # `.git` is a directory in a clone and a file in a worktree or submodule
        if (directory / ".git").exists():
            return directory
    return start


def repository_root() -> Path:
    """The top of the git work tree holding the current directory, or the current directory."""
    return _repository_root(os.getcwd())


def repository_path(path: str) -> str | None:
    """`path` relative to the repository root with forward slashes; None when it lies outside."""
    try:
        relative = os.path.relpath(os.path.abspath(path), repository_root())
    except ValueError:  # another drive on Windows
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
        return None
    return Path(relative).as_posix()


def display_path(path: str) -> str:
    """The path CI services expect: relative to the repository root, else as given."""
    return repository_path(path) or Path(path).as_posix()


def line_hashes(diagnostics: list[Diagnostic], sources: SourceLines) -> list[str]:
    """SARIF's `primaryLocationLineHash` for each diagnostic: `HASH:N`, as GitHub code scanning reads it.

    HASH is of the repository path and the reported line's text with its
    whitespace normalised (not of its number, so lines inserted above do not
    change it); N counts, from 1, the diagnostics whose line has the same HASH.
    """
    seen: dict[str, int] = {}
    hashes = []
    for d in diagnostics:
        text = sources.text(d.path, d.span.line, d.cell) or ""
        cell = f"cell {d.cell}" if d.cell is not None else ""
        digest = _sha256("\0".join((display_path(d.path), cell, " ".join(text.split()))))[:16]
        seen[digest] = seen.get(digest, 0) + 1
        hashes.append(f"{digest}:{seen[digest]}")
    return hashes


def stable_fingerprints(diagnostics: list[Diagnostic], sources: SourceLines) -> list[str]:
    """One fingerprint per diagnostic that survives edits elsewhere in the file.

    Hash of the repository path, the code, the reported line's text with its
    whitespace normalised, and the occurrence index among diagnostics sharing
    those three, so that unrelated lines inserted above do not change it but
    two identical findings on identical lines still differ.  The line number is
    left out on purpose.
    """
    seen: dict[tuple[str, str, str], int] = {}
    fingerprints = []
    for d in diagnostics:
        text = sources.text(d.path, d.span.line, d.cell) or ""
        key = (display_path(d.path), d.code, " ".join(text.split()))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        fingerprints.append(_sha256("\0".join((*key, str(occurrence)))))
    return fingerprints
