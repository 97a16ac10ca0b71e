"""The data kast reports: spans, fixes and diagnostics.

Plain frozen dataclasses with no LibCST node inside, so that a diagnostic can be
serialised to every output format and cross a process boundary.  Coordinates
follow LibCST: lines 1-based, columns 0-based code points, end exclusive; each
emitter converts to its own convention.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

# Python's line breaks only: str.splitlines() also breaks at \f, \x1c and \u2028.
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_starts(text: str) -> list[int]:
    """Offset in `text` of the start of each line (Python's line breaks)."""
    return [0] + [match.end() for match in LINE_BREAK.finditer(text)]


class Severity(enum.Enum):
    """How sure kast is that the script is wrong."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True, slots=True)
class Span:
    """A range of source text: lines 1-based, columns 0-based, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Related:
    """A second location that explains a finding (e.g. where the loss is set)."""

    path: str
    span: Span
    message: str
    cell: int | None = None  # notebook code cell (1-based) the span lies in; None for a .py file


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text of `span` with `replacement` (an insertion when the span is empty)."""

    span: Span
    replacement: str
    cell: int | None = None  # notebook code cell the span counts in; None for a .py file


@dataclass(frozen=True, slots=True)
class Fix:
    """A repair: text edits that are safe (certainly meant) or unsafe."""

    description: str
    edits: tuple[Edit, ...]
    safe: bool


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding of one rule at one place of one file."""

    path: str
    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    hint: str = ""
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    verified: bool | None = None
    cell: int | None = None  # notebook code cell (1-based); span lines then count within that cell
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell or 0, self.span.line, self.span.column, self.code)


@dataclass
class FileResult:
    """What linting one file gave: its diagnostics, or the internal error that stopped it."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    internal_error: str | None = None
    source: str | None = None  # kept only when there is something to show
    # A notebook's code cells by their 1-based position among all its cells.
    cell_sources: dict[int, str] | None = None
    # What the user should know that is no finding (an unknown code in a `# noqa`), one line each.
    warnings: list[str] = field(default_factory=list)

    def line_text(self, line: int, cell: int | None = None) -> str | None:
        """Text of a 1-based line (of `cell` in a notebook) without its line break; None if unknown."""
        text = self.cell_sources.get(cell) if cell is not None and self.cell_sources else self.source
        if text is None:
            return None
        lines = LINE_BREAK.split(text)
        return lines[line - 1] if 0 < line <= len(lines) else None
