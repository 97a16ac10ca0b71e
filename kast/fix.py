"""Applying fixes: text edits, a fixed-point loop, a revert when the result does not parse, and text diffs.

A rule's fix is a list of text edits (made from LibCST node replacements, so
the rest of the line, comments and formatting stay as they were).  `fix_text`
lints, applies every selected fix whose edits do not overlap an earlier one,
and lints again, until nothing is left to fix or `MAX_ROUNDS` is reached.  A
round whose result no longer parses is retried fix by fix, and a fix that
breaks the parse is reverted and reported.  `fix_notebook` does the same cell
by cell and writes the sources back into the notebook's own JSON text, so
that nothing but the edited lines changes.

The diffs between two texts live here too: `unified_diff` for `--diff` and
`minimal_change` (the one replacement an editor applies for "fix all").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kast.config import Settings
from kast.diagnostics import Diagnostic, Edit, Fix, Span, line_starts

MAX_ROUNDS = 10


def _offset(starts: list[int], text: str, line: int, column: int) -> int:
    if line > len(starts):
        return len(text)
    return min(starts[line - 1] + column, len(text))


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """`text` with non-overlapping `edits` applied (positions are those of `text`)."""
    starts = line_starts(text)
    placed = sorted(((_offset(starts, text, e.span.line, e.span.column),
                      _offset(starts, text, e.span.end_line, e.span.end_column), e.replacement) for e in edits),
                    key=lambda item: (item[0], item[1]))
    out: list[str] = []
    cursor = 0
    for start, end, replacement in placed:
        if start < cursor:
            raise ValueError("overlapping edits")
        out.append(text[cursor:start])
        out.append(replacement)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _overlaps(a: Span, b: Span) -> bool:
    a_start, a_end = (a.line, a.column), (a.end_line, a.end_column)
    b_start, b_end = (b.line, b.column), (b.end_line, b.end_column)
    if a_start == a_end or b_start == b_end:  # insertions clash only when they meet inside the other
        return a_start < b_end and b_start < a_end
    return a_start < b_end and b_start < a_end


def wanted(diagnostic: Diagnostic, unsafe: bool) -> Fix | None:
    """The diagnostic's fix when it may be applied (safe, or unsafe ones allowed)."""
    fix = diagnostic.fix
    if fix is None or not fix.edits or (not fix.safe and not unsafe):
        return None
    return fix


def choose(diagnostics: Sequence[Diagnostic], unsafe: bool) -> list[tuple[Diagnostic, Fix]]:
    """The fixes to apply in one round: in file order, skipping any that overlaps one already chosen."""
    chosen: list[tuple[Diagnostic, Fix]] = []
    taken: list[tuple[int | None, Span]] = []
    seen_edits: set[tuple[Edit, ...]] = set()
    for diagnostic in sorted(diagnostics, key=lambda d: d.sort_key):
        fix = wanted(diagnostic, unsafe)
        if fix is None:
            continue
        if fix.edits in seen_edits:  # two findings, one repair (an import added for both)
            continue
        if any(edit.cell == cell and _overlaps(edit.span, span) for edit in fix.edits for cell, span in taken):
            continue
        chosen.append((diagnostic, fix))
        seen_edits.add(fix.edits)
        taken.extend((edit.cell, edit.span) for edit in fix.edits)
    return chosen


@dataclass
class FixOutcome:
    """What fixing one file did."""

    text: str
    fixed: list[Diagnostic] = field(default_factory=list)
    remaining: list[Diagnostic] = field(default_factory=list)
    reverted: list[str] = field(default_factory=list)  # one message per fix that broke the parse


def _parses(text: str) -> bool:
    from kast.parse import SourceError, parse

    try:
        parse(text)
    except SourceError:
        return False
    return True


def fix_text(text: str, path: str, settings: Settings, unsafe: bool = False) -> FixOutcome:
    """Apply fixes to one script's text until none is left (at most MAX_ROUNDS rounds)."""
    from kast.core import lint_text

    outcome = FixOutcome(text)
    refused: set[tuple[str, str]] = set()  # (code, edit texts) of fixes that broke the parse
    diagnostics = lint_text(text, path, settings)
    for _ in range(MAX_ROUNDS):
        candidates = [d for d in diagnostics if _key(d) not in refused]
        chosen = choose(candidates, unsafe)
        if not chosen:
            break
        new_text = apply_edits(outcome.text, [e for _, fix in chosen for e in fix.edits])
        if not _parses(new_text):
            new_text = outcome.text
            kept = []
            for diagnostic, fix in chosen:
                trial = apply_edits(new_text, fix.edits)
                if _parses(trial):
                    new_text = trial
                    kept.append((diagnostic, fix))
                    break  # positions of the others are stale now: next round
                refused.add(_key(diagnostic))
                outcome.reverted.append(f"{diagnostic.path}:{diagnostic.span.line}:{diagnostic.span.column + 1}: "
                                        f"{diagnostic.code} fix reverted: the result would not parse")
            chosen = kept
            if not chosen:
                continue
        outcome.fixed.extend(d for d, _ in chosen)
        outcome.text = new_text
        diagnostics = lint_text(new_text, path, settings)
    outcome.remaining = diagnostics
    return outcome


def _key(diagnostic: Diagnostic) -> tuple[str, str]:
    fix = diagnostic.fix
    return diagnostic.code, repr(fix.edits if fix else ())


def fix_notebook(data: bytes, path: str, settings: Settings, unsafe: bool = False) -> FixOutcome:
    """Fix a notebook's code cells; the JSON text is kept byte for byte outside the edited lines."""
    from kast.notebook import cell_source_spans, lint_notebook, with_cell_sources

    outcome = FixOutcome(data.decode("utf-8", errors="surrogateescape"))
    result = lint_notebook(data, path, settings)
    if result.internal_error or not any(wanted(d, unsafe) for d in result.diagnostics):
        outcome.remaining = result.diagnostics
        return outcome
    try:
        spans = cell_source_spans(outcome.text)
    except ValueError:  # not nbformat 4 JSON (an old format version): left as it is
        outcome.remaining = result.diagnostics
        return outcome
    sources = {number: "".join(span.values) for number, span in enumerate(spans, start=1) if span is not None}
    broken = sum(d.code == "K000" for d in result.diagnostics)
    refused: set[tuple[str, str]] = set()
    for _ in range(MAX_ROUNDS):
        chosen = choose([d for d in result.diagnostics if _key(d) not in refused], unsafe)
        if not chosen:
            break
        by_cell: dict[int, list[Edit]] = {}
        for diagnostic, fix in chosen:
            for edit in fix.edits:
                by_cell.setdefault(edit.cell or diagnostic.cell or 0, []).append(edit)
        if any(cell not in sources for cell in by_cell):
            break
        edited = {cell: apply_edits(sources[cell], edits) for cell, edits in by_cell.items()}
        text = with_cell_sources(outcome.text, edited)
        new_result = lint_notebook(text.encode("utf-8", errors="surrogateescape"), path, settings)
        if sum(d.code == "K000" for d in new_result.diagnostics) > broken:
            for diagnostic, _ in chosen:
                refused.add(_key(diagnostic))
                outcome.reverted.append(f"{diagnostic.path}:cell {diagnostic.cell}:{diagnostic.span.line}: "
                                        f"{diagnostic.code} fix reverted: the result would not parse")
            continue
        outcome.fixed.extend(d for d, _ in chosen)
        outcome.text = text
        sources.update(edited)
        result = new_result
    outcome.remaining = result.diagnostics
    return outcome


# --- texts: encoding and diffs ---------------------------------------------------------------------


def encode_like(text: str, original: bytes) -> bytes:
    """`text` in the encoding the original bytes used (PEP 263 cookie, BOM)."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(original).readline)
    except SyntaxError:
        encoding = "utf-8"
    return text.encode(encoding, errors="surrogateescape")


def unified_diff(old: str, new: str, path: str) -> str:
    """The change from `old` to `new` as a unified diff of `a/path` and `b/path`."""
    import difflib

    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        f"a/{path}", f"b/{path}"))


@dataclass(frozen=True, slots=True)
class TextChange:
    """Replace code points [start, end) of a text with `text` (offsets into the whole text)."""

    start: int
    end: int
    text: str


def minimal_change(old: str, new: str) -> TextChange:
    """The single replacement that turns `old` into `new`: what lies between their common prefix and suffix."""
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    # Never split a \r\n pair: the edit would land between the two halves of one line break.
    if 0 < prefix < len(old) and old[prefix - 1] == "\r" and old[prefix] == "\n":
        prefix -= 1
    end = len(old) - suffix
    if 0 < end < len(old) and old[end - 1] == "\r" and old[end] == "\n":
        suffix -= 1
        end += 1
    return TextChange(prefix, end, new[prefix:len(new) - suffix])
