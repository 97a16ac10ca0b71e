"""`full` and `concise` output for people.

`full` shows each finding as a block: code and name, location, the source line
with a marker under the span, the message, related locations and the fix hint,
then a summary.  Colour comes from rich, only on a terminal or when forced.
"""

from __future__ import annotations

from typing import TextIO

from kast.diagnostics import Diagnostic, FileResult, Severity
from kast.output import concise_line, location

# What --verify made of a finding.
_VERDICT = {True: "confirmed by building the model", False: "refuted by building the model"}
_VERDICT_SUFFIX = {verdict: f" [{text}]" for verdict, text in _VERDICT.items()}
_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold cyan"}


def render_concise(diagnostics: list[Diagnostic]) -> str:
    return "".join(f"{concise_line(d).rstrip()}{_VERDICT_SUFFIX.get(d.verified, '')}\n" for d in diagnostics)


def summary_line(results: list[FileResult], diagnostics: list[Diagnostic]) -> str:
    if not diagnostics:
        return f"All checks passed ({len(results)} file{'s' if len(results) != 1 else ''} checked)."
    files = len({d.path for d in diagnostics})
    counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    parts = [f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
    problems = len(diagnostics)
    return (f"Found {problems} problem{'s' if problems != 1 else ''} ({', '.join(parts)}) "
            f"in {files} file{'s' if files != 1 else ''}.")


def render_full(results: list[FileResult], diagnostics: list[Diagnostic], stream: TextIO, color: bool) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=stream, force_terminal=color, no_color=not color, highlight=False, soft_wrap=True,
                      emoji=False, color_system="standard" if color else None)
    by_path = {r.path: r for r in results}
    for d in diagnostics:
        style = _SEVERITY_STYLE[d.severity]
        console.print(f"[{style}]{d.severity.value}[{escape(d.code)}][/] [bold]{escape(d.name)}[/]")
        console.print(f"  [blue]-->[/] {escape(location(d.path, d.span.line, d.span.column, d.cell))}")
        result = by_path.get(d.path)
        line_text = result.line_text(d.span.line, d.cell) if result else None
        gutter = len(str(d.span.line))
        if line_text is not None:
            text = line_text.expandtabs(4)
            start = d.span.column
            end = d.span.end_column if d.span.end_line == d.span.line else len(text)
            width = max(1, min(end, len(text)) - start)
            pad = " " * gutter
            console.print(f"[blue]{pad} |[/]")
            console.print(f"[blue]{d.span.line} |[/] {escape(text)}")
            console.print(f"[blue]{pad} |[/] {' ' * start}[{style}]{'^' * width}[/]")
            console.print(f"[blue]{pad} |[/]")
        console.print(f"  {escape(d.message)}")
        for r in d.related:
            where = location(r.path, r.span.line, r.span.column, r.cell)
            console.print(f"  [blue]note:[/] {escape(where)}: {escape(r.message)}")
        if d.hint:
            console.print(f"  [green]help:[/] {escape(d.hint)}")
        if d.verified is not None:
            console.print(f"  [magenta]verified:[/] {_VERDICT[d.verified]}")
        console.print()
    console.print(f"[bold]{escape(summary_line(results, diagnostics))}[/]")
