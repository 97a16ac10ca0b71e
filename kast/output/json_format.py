"""`--output-format json` and `json-lines`: the contract of shared/spec/output.md (1-based columns).

`json` is one report object; `json-lines` streams the same diagnostic objects,
one compact object per line, for tools that read findings as they come.
"""

from __future__ import annotations

import json

from kast import __version__
from kast.diagnostics import Diagnostic, FileResult, Related, Severity, Span
from kast.output import message_with_hint


def _span(span: Span) -> dict[str, object]:
    return {"line": span.line, "column": span.column + 1, "end_line": span.end_line, "end_column": span.end_column + 1}


def _related(r: Related) -> dict[str, object]:
    item: dict[str, object] = {"path": r.path, **_span(r.span), "message": r.message}
    if r.cell is not None:
        item["cell"] = r.cell
    return item


def diagnostic_to_dict(d: Diagnostic) -> dict[str, object]:
    item: dict[str, object] = {
        "path": d.path,
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": message_with_hint(d),
        **_span(d.span),
        "related": [_related(r) for r in d.related],
        "fix": None if d.fix is None else {
            "safe": d.fix.safe,
            "description": d.fix.description,
            "edits": [{**_span(e.span), "replacement": e.replacement} for e in d.fix.edits],
        },
        "verified": d.verified,
        "hint": d.hint,
    }
    # Only notebook findings have a cell: .py consumers see the shape they always saw.
    if d.cell is not None:
        item["cell"] = d.cell
    return item


def render(results: list[FileResult], diagnostics: list[Diagnostic],
           verification: dict[str, object] | None = None) -> str:
    report: dict[str, object] = {
        "version": 1,
        "tool": {"name": "kast", "version": __version__},
        "summary": {
            "files": len(results),
            "diagnostics": len(diagnostics),
            "errors": sum(1 for d in diagnostics if d.severity is Severity.ERROR),
        },
        "diagnostics": [diagnostic_to_dict(d) for d in diagnostics],
        "internal_errors": [{"path": r.path, "message": r.internal_error} for r in results if r.internal_error],
    }
    if verification is not None:
        report["verification"] = verification
    # One diagnostic per line inside an indented report: readable, and written by json's C
    # encoder (indent=2 over thousands of diagnostics takes the slow pure-Python path).
    lines = []
    for key, value in report.items():
        if isinstance(value, list) and value:
            items = ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in value)
            lines.append(f"  {json.dumps(key)}: [\n{items}\n  ]")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def render_lines(results: list[FileResult], diagnostics: list[Diagnostic]) -> str:
    """One JSON object per diagnostic per line; internal errors are left to the exit status and stderr."""
    return "".join(
        json.dumps(diagnostic_to_dict(d), ensure_ascii=False, separators=(",", ":")) + "\n" for d in diagnostics
    )
