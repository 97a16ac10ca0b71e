"""`--output-format json`: the contract of shared/spec/output.md (1-based columns)."""

from __future__ import annotations

import json

from kast import __version__
from kast.core import FileResult
from kast.diagnostics import Diagnostic, Severity


def diagnostic_to_dict(d: Diagnostic) -> dict[str, object]:
    return {
        "path": d.path,
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": f"{d.message} {d.hint}".strip(),
        "line": d.span.line,
        "column": d.span.column + 1,
        "end_line": d.span.end_line,
        "end_column": d.span.end_column + 1,
        "related": [
            {"path": r.path, "line": r.span.line, "column": r.span.column + 1,
             "end_line": r.span.end_line, "end_column": r.span.end_column + 1, "message": r.message}
            for r in d.related
        ],
        "fix": None if d.fix is None else {
            "safe": d.fix.safe,
            "description": d.fix.description,
            "edits": [
                {"line": e.span.line, "column": e.span.column + 1, "end_line": e.span.end_line,
                 "end_column": e.span.end_column + 1, "replacement": e.replacement}
                for e in d.fix.edits
            ],
        },
        "verified": d.verified,
        "hint": d.hint,
    }


def render(results: list[FileResult], diagnostics: list[Diagnostic]) -> str:
    report = {
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
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
