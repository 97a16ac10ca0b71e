"""`--output-format sarif`: SARIF 2.1.0 as GitHub code scanning reads it.

One run; the driver lists every rule kast has (id, name, descriptions, the rule
docs as help, default level), so an upload documents the rules even where they
did not fire, each with its page under docs/rules/ as `helpUri`.  Paths are
URIs relative to the repository root under `%SRCROOT%`, the base GitHub
resolves against the checkout.  Each result carries two partial fingerprints:
kast's own line hash (path, code, line text, occurrence) and
`primaryLocationLineHash`, the one GitHub code scanning follows an alert by.

Columns are UTF-16 code units (`columnKind: utf16CodeUnits`), computed from the
reported line's text: it is SARIF's default unit, the one CodeQL emits, and the
one GitHub's web views (JavaScript strings) place highlights by, so a
non-BMP character before a finding still lands the highlight on it.

A notebook finding is placed at line 1 of the .ipynb, with its cell in the
message and in `properties`: its lines count within a code cell and would
point into the notebook's JSON, and its fixes are not offered for the same
reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from kast import __version__
from kast.diagnostics import Diagnostic, FileResult, Severity, Span
from kast.output import (
    INFORMATION_URI,
    SourceLines,
    in_cell,
    line_hashes,
    message_with_hint,
    repository_path,
    repository_root,
    rule_url,
    stable_fingerprints,
)
from kast.rules import RULES, Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
# Versioned ("name/vN", as SARIF suggests) so that a later recipe can sit beside this one.
FINGERPRINT_KEY = "kastLineHash/v1"
# The key GitHub code scanning matches alerts across commits by (it computes its own when absent).
LINE_HASH_KEY = "primaryLocationLineHash"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub's own severity scale for non-security alerts.
_PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}
# The families of shared/spec/rules.md, by the code's first digit.
_FAMILY = {
    "K0": "analyser",
    "K1": "model-output-vs-loss",
    "K2": "data-leakage",
    "K3": "predictions",
    "K4": "metrics-and-names",
    "K5": "training-setup",
    "K9": "runtime-verifier",
}
_SECTION = re.compile(r"^## (.+)$", re.MULTILINE)


def _what_it_does(rule: Rule) -> str:
    """The `## What it does` and `## Why is this bad?` sections as flowing text."""
    # split() with a group alternates: preamble, title, body, title, body, ...
    pieces = _SECTION.split(rule.doc)
    sections = {title.strip(): body for title, body in zip(pieces[1::2], pieces[2::2])}
    wanted = (sections.get("What it does", ""), sections.get("Why is this bad?", ""))
    return " ".join(" ".join(body.split()) for body in wanted if body.strip()) or rule.summary


def _rule_descriptor(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _what_it_does(rule)},
        "helpUri": rule_url(rule.code),
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "tags": ["keras", _FAMILY.get(rule.code[:2], "other")],
            # "Unknown means silent": a rule fires only on facts it knows.
            "precision": "high",
            "problem.severity": _PROBLEM_SEVERITY[rule.severity],
        },
    }


def _artifact_location(path: str) -> dict[str, object]:
    relative = repository_path(path)
    if relative is None:  # outside the repository: an absolute file URI, no base
        return {"uri": Path(path).absolute().as_uri()}
    return {"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}


def _region(sources: SourceLines, path: str, span: Span, cell: int | None) -> dict[str, object]:
    if cell is not None:
        return {"startLine": 1}
    return {
        "startLine": span.line,
        "startColumn": sources.column(path, span.line, span.column, None, "utf-16") + 1,
        "endLine": span.end_line,
        "endColumn": sources.column(path, span.end_line, span.end_column, None, "utf-16") + 1,
    }


def _physical(sources: SourceLines, path: str, span: Span, cell: int | None) -> dict[str, object]:
    return {"artifactLocation": _artifact_location(path), "region": _region(sources, path, span, cell)}


def _result(d: Diagnostic, rule_index: dict[str, int], fingerprint: str, line_hash: str,
            sources: SourceLines) -> dict[str, object]:
    result: dict[str, object] = {"ruleId": d.code}
    if d.code in rule_index:
        result["ruleIndex"] = rule_index[d.code]
    result["level"] = _LEVEL[d.severity]
    result["message"] = {"text": in_cell(message_with_hint(d), d.span, d.cell)}
    result["locations"] = [{"physicalLocation": _physical(sources, d.path, d.span, d.cell)}]
    result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint, LINE_HASH_KEY: line_hash}
    if d.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": _physical(sources, r.path, r.span, r.cell),
                "message": {"text": in_cell(r.message, r.span, r.cell)},
            }
            for number, r in enumerate(d.related, start=1)
        ]
    if d.fix is not None and d.fix.edits and d.cell is None:
        result["fixes"] = [{
            "description": {"text": d.fix.description},
            "artifactChanges": [{
                "artifactLocation": _artifact_location(d.path),
                "replacements": [
                    {"deletedRegion": _region(sources, d.path, e.span, None), "insertedContent": {"text": e.replacement}}
                    for e in d.fix.edits
                ],
            }],
            "properties": {"applicability": "safe" if d.fix.safe else "unsafe"},
        }]
    properties: dict[str, object] = {"name": d.name}
    if d.cell is not None:
        properties["cell"] = d.cell
    if d.verified is not None:
        properties["verified"] = d.verified
    result["properties"] = properties
    return result


def _invocation(results: list[FileResult]) -> dict[str, object]:
    failed = [r for r in results if r.internal_error]
    invocation: dict[str, object] = {"executionSuccessful": not failed}
    if failed:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "error",
                "message": {"text": f"kast: internal error on {r.path}: {r.internal_error}"},
                "locations": [{"physicalLocation": {"artifactLocation": _artifact_location(r.path)}}],
            }
            for r in failed
        ]
    return invocation


def render(results: list[FileResult], diagnostics: list[Diagnostic]) -> str:
    rule_index = {rule.code: number for number, rule in enumerate(RULES)}
    sources = SourceLines.of(results)
    fingerprints = stable_fingerprints(diagnostics, sources)
    hashes = line_hashes(diagnostics, sources)
    run = {
        "tool": {
            "driver": {
                "name": "kast",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(rule) for rule in RULES],
            }
        },
        "invocations": [_invocation(results)],
        # SARIF §3.14.14: the base URI ends with a slash so that relative URIs resolve under it.
        "originalUriBaseIds": {SRCROOT: {"uri": repository_root().as_uri().rstrip("/") + "/"}},
        "columnKind": "utf16CodeUnits",
        "results": [_result(d, rule_index, fp, line_hash, sources)
                    for d, fp, line_hash in zip(diagnostics, fingerprints, hashes)],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
