"""`full` and `concise` output for people.

`full` shows each finding as a block: code and name, location, the source line
with a marker under the span, the message, related locations and the fix hint,
then a summary.  `concise` is one line per finding, then the same summary.
A finding that `kast fix` repairs carries `[*]`, and the summary says how many
do (as Ruff does).  Colour comes from rich, only on a terminal or when forced;
plain output is written directly.
"""

from __future__ import annotations

from typing import TextIO

from kast.diagnostics import Diagnostic, FileResult, Severity
from kast.output import FIXABLE_MARK, concise_line, fixable, fixable_with_unsafe, location

# What --verify made of a finding.
_VERDICT = {True: "confirmed by building the model", False: "refuted by building the model"}
# A refuted finding's message already carries its mark (kast.output.verdict_mark).
_VERDICT_SUFFIX = {True: f" [{_VERDICT[True]}]"}
_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold cyan"}


def render_concise(diagnostics: list[Diagnostic]) -> str:
    return "".join(f"{concise_line(d).rstrip()}{_VERDICT_SUFFIX.get(d.verified, '')}\n" for d in diagnostics)


def summary_line(results: list[FileResult], diagnostics: list[Diagnostic]) -> str:
    if not results and not diagnostics:
        return "No files were checked."
    if not diagnostics:
        return f"All checks passed ({len(results)} file{'s' if len(results) != 1 else ''} checked)."
    files = len({d.path for d in diagnostics})
    counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    parts = [f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
    problems = len(diagnostics)
    return (f"Found {problems} problem{'s' if problems != 1 else ''} ({', '.join(parts)}) "
            f"in {files} file{'s' if files != 1 else ''}.")


def fixable_line(diagnostics: list[Diagnostic]) -> str | None:
    """`[*] N fixable with `kast fix`.` (and how many more the unsafe fixes repair); None when none is."""
    safe = sum(1 for d in diagnostics if fixable(d))
    unsafe = sum(1 for d in diagnostics if fixable_with_unsafe(d))
    if not safe and not unsafe:
        return None
    hidden = (f"{unsafe} hidden fix{'es' if unsafe != 1 else ''} can be enabled with `kast fix --unsafe-fixes`"
              if unsafe else "")
    if not safe:
        return f"No fixes available ({hidden})."
    return f"{FIXABLE_MARK} {safe} fixable with `kast fix`" + (f" ({hidden})." if hidden else ".")


def summary_lines(results: list[FileResult], diagnostics: list[Diagnostic]) -> list[str]:
    """The summary, then the fixable count when something is fixable."""
    footer = fixable_line(diagnostics)
    return [summary_line(results, diagnostics)] + ([footer] if footer else [])


Segment = tuple[str, "str | None"]  # text and its rich style (None: plain)


def _block(d: Diagnostic, result: FileResult | None) -> list[list[Segment]]:
    """The lines showing one finding, each a list of styled segments."""
    style = _SEVERITY_STYLE[d.severity]
    lines: list[list[Segment]] = [
        [(f"{d.severity.value}[{d.code}]", style), (f" {FIXABLE_MARK} " if fixable(d) else " ", None),
         (d.name, "bold")],
        [("  -->", "blue"), (" " + location(d.path, d.span.line, d.span.column, d.cell), None)],
    ]
    line_text = result.line_text(d.span.line, d.cell) if result else None
    if line_text is not None:
        text = line_text.expandtabs(4)
        # Columns count code points of the raw line; tabs widen on screen.
        start = len(line_text[: d.span.column].expandtabs(4))
        end = len(line_text[: d.span.end_column].expandtabs(4)) if d.span.end_line == d.span.line else len(text)
        width = max(1, min(end, len(text)) - start)
        pad = " " * len(str(d.span.line))
        lines += [
            [(f"{pad} |", "blue")],
            [(f"{d.span.line} |", "blue"), (" " + text, None)],
            [(f"{pad} |", "blue"), (" " + " " * start, None), ("^" * width, style)],
            [(f"{pad} |", "blue")],
        ]
    lines.append([("  " + d.message, None)])
    for r in d.related:
        lines.append([("  note:", "blue"), (f" {location(r.path, r.span.line, r.span.column, r.cell)}: {r.message}",
                                            None)])
    if d.hint:
        lines.append([("  help:", "green"), (" " + d.hint, None)])
    if d.verified is not None:
        lines.append([("  verified:", "magenta"), (" " + _VERDICT[d.verified], None)])
    lines.append([])
    return lines


def render_full(results: list[FileResult], diagnostics: list[Diagnostic], stream: TextIO, color: bool) -> None:
    """Each finding as a block with its source line; colour (through rich) only when asked."""
    by_path = {r.path: r for r in results}
    lines = [line for d in diagnostics for line in _block(d, by_path.get(d.path))]
    lines.extend([(line, "bold")] for line in summary_lines(results, diagnostics))
    if not color:
        # Plain text needs no terminal library: rich is imported only for colour.
        stream.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, force_terminal=True, highlight=False, soft_wrap=True, emoji=False,
                      color_system="standard")
    for line in lines:
        console.print(Text.assemble(*((text, style or "") for text, style in line)))
