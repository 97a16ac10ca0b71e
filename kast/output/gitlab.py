"""`--output-format gitlab`: a GitLab Code Quality report (`artifacts:reports:codequality`).

A JSON array of Code Climate issues.  Severity: error -> major, warning ->
minor, info -> info; GitLab keeps `critical` and `blocker` for findings that
must stop a merge on their own, which is the exit status's job here.  Paths
are relative to the repository root, as GitLab requires.  The fingerprint is
`stable_fingerprints` (path, code, the line's normalised text and an occurrence
index, never the line number), so GitLab's merge-request widget does not
report a finding as fixed and new again when lines are inserted above it.  A
notebook finding points at line 1 of the .ipynb and names its cell in the
description, because its lines count within the cell.
"""

from __future__ import annotations

import json

from kast.diagnostics import Diagnostic, FileResult, Severity
from kast.output import (
    SourceLines,
    display_path,
    in_cell,
    message_with_hint,
    stable_fingerprints,
)

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def _issue(d: Diagnostic, fingerprint: str) -> dict[str, object]:
    description = in_cell(f"{d.code} {d.name}: {message_with_hint(d)}", d.span, d.cell)
    lines = {"begin": d.span.line, "end": d.span.end_line} if d.cell is None else {"begin": 1, "end": 1}
    return {
        "type": "issue",
        "description": description,
        "check_name": d.code,
        "categories": ["Bug Risk"],
        "fingerprint": fingerprint,
        "severity": _SEVERITY[d.severity],
        "location": {"path": display_path(d.path), "lines": lines},
    }


def render(results: list[FileResult], diagnostics: list[Diagnostic]) -> str:
    fingerprints = stable_fingerprints(diagnostics, SourceLines.of(results))
    issues = [_issue(d, fingerprint) for d, fingerprint in zip(diagnostics, fingerprints)]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
