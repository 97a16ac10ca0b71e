"""`--output-format github`: GitHub Actions workflow commands that annotate the pull request.

`::error file=train.py,line=3,endLine=3,col=5,endColumn=20,title=kast (K101)::message`,
one per finding: error stays error, warning stays warning, info becomes notice.
Paths are relative to the repository root, as GitHub matches them against the
checkout.  Columns (1-based code points) are given only for a span on one line;
GitHub draws nothing sensible for a column range across lines.  A notebook
finding names its cell in the title and gives no line, because the line of the
raw .ipynb (JSON) that GitHub would point at has nothing to do with the cell's.
"""

from __future__ import annotations

from kast.diagnostics import Diagnostic, FileResult, Severity
from kast.output import display_path, message_with_hint

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message as the runner unescapes it (actions/toolkit `escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as data, and `:` and `,` which end a value (`escapeProperty`)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _properties(d: Diagnostic) -> dict[str, str]:
    properties = {"file": display_path(d.path)}
    if d.cell is not None:
        properties["title"] = f"kast ({d.code}) cell {d.cell}, line {d.span.line}"
        return properties
    properties.update(line=str(d.span.line), endLine=str(d.span.end_line))
    if d.span.end_line == d.span.line:
        properties.update(col=str(d.span.column + 1), endColumn=str(d.span.end_column + 1))
    properties["title"] = f"kast ({d.code})"
    return properties


def command(d: Diagnostic) -> str:
    """The workflow command that annotates one finding."""
    properties = ",".join(f"{key}={escape_property(value)}" for key, value in _properties(d).items())
    return f"::{_COMMAND[d.severity]} {properties}::{escape_data(f'{d.name}: {message_with_hint(d)}')}"


def render(results: list[FileResult], diagnostics: list[Diagnostic]) -> str:
    lines = [command(d) for d in diagnostics]
    # An internal error is no finding in a file, but the job log must still show it.
    lines += [
        f"::error file={escape_property(display_path(r.path))},title=kast internal error::"
        f"{escape_data(r.internal_error)}"
        for r in results
        if r.internal_error
    ]
    return "".join(line + "\n" for line in lines)
