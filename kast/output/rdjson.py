"""`--output-format rdjson`: the reviewdog Diagnostic Format, for `reviewdog -f=rdjson`.

rdjson positions are 1-based lines and 1-based columns counted in UTF-8
bytes, end exclusive; they are computed from the reported line's text (code
points + 1 when the text is unknown).  Paths are as given on the command line,
as reviewdog resolves them against the directory it runs in, like any
linter's output.  Fix edits become suggestions, which reviewdog posts as
GitHub / GitLab suggested changes.  A notebook finding has no range and names
its cell in the message: its lines count within a cell, not in the .ipynb.
"""

from __future__ import annotations

import json

from kast.diagnostics import Diagnostic, FileResult, Severity, Span
from kast.output import (
    INFORMATION_URI,
    SourceLines,
    concise_line,
    in_cell,
    message_with_hint,
    rule_url,
)

_SEVERITY = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}


def _range(sources: SourceLines, path: str, span: Span) -> dict[str, object]:
    def position(line: int, column: int) -> dict[str, int]:
        return {"line": line, "column": sources.column(path, line, column, None, "utf-8") + 1}

    return {"start": position(span.line, span.column), "end": position(span.end_line, span.end_column)}


def _diagnostic(d: Diagnostic, sources: SourceLines) -> dict[str, object]:
    location: dict[str, object] = {"path": d.path}
    if d.cell is None:
        location["range"] = _range(sources, d.path, d.span)
    item: dict[str, object] = {
        "message": in_cell(message_with_hint(d), d.span, d.cell),
        "location": location,
        "severity": _SEVERITY[d.severity],
        "source": {"name": "kast", "url": INFORMATION_URI},
        "code": {"value": d.code, "url": rule_url(d.code)},
    }
    if d.fix is not None and d.cell is None:
        item["suggestions"] = [
            {"range": _range(sources, d.path, e.span), "text": e.replacement} for e in d.fix.edits
        ]
    item["original_output"] = concise_line(d)
    return item


def render(results: list[FileResult], diagnostics: list[Diagnostic]) -> str:
    sources = SourceLines.of(results)
    worst = max((d.severity for d in diagnostics), key=lambda s: s.rank, default=Severity.INFO)
    report = {
        "source": {"name": "kast", "url": INFORMATION_URI},
        "severity": _SEVERITY[worst],
        "diagnostics": [_diagnostic(d, sources) for d in diagnostics],
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
