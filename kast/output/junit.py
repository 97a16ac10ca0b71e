"""`--output-format junit`: JUnit XML for CI test-report views (GitLab, Jenkins, Azure).

One test suite "kast"; each finding is one failed test case (classname the
path, name `CODE at path:line:col`, a `<failure>` of type the rule code), each
file without findings one passing test case (named by its path), and a file
kast could not analyse because of an internal error one test case with an
`<error>`.  So `tests` and `failures` count findings, as a reader of the
report expects, and a clean file still shows as checked.  ElementTree escapes
markup; characters XML 1.0 cannot hold at all (most C0 controls, lone
surrogates) are replaced with U+FFFD first, since ElementTree would write them
raw and no reader could parse the report.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from kast.diagnostics import Diagnostic, FileResult
from kast.output import concise_line, location, verdict_mark

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _finding_case(suite: ET.Element, d: Diagnostic) -> None:
    where = location(d.path, d.span.line, d.span.column, d.cell)
    case = ET.SubElement(suite, "testcase", classname=_xml(d.path), name=_xml(f"{d.code} at {where}"),
                         file=_xml(d.path), line=str(d.span.line))
    failure = ET.SubElement(case, "failure", type=d.code, message=_xml(f"{where}: {d.message}{verdict_mark(d)}"))
    failure.text = _xml(f"{concise_line(d)}\n{d.code} {d.name} ({d.severity.value})")


def render(results: list[FileResult], diagnostics: list[Diagnostic]) -> str:
    with_findings = {d.path for d in diagnostics}
    errors = {r.path: r.internal_error for r in results if r.internal_error}
    passed = [r.path for r in results if r.path not in with_findings and r.path not in errors]
    tests = len(diagnostics) + len(passed) + len(errors)
    counts = {"tests": str(tests), "failures": str(len(diagnostics)), "errors": str(len(errors))}
    root = ET.Element("testsuites", {"name": "kast", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "kast", **counts, "skipped": "0"})
    for d in diagnostics:
        _finding_case(suite, d)
    for path in passed:
        ET.SubElement(suite, "testcase", classname=_xml(path), name=_xml(path), file=_xml(path))
    for path, message in errors.items():
        case = ET.SubElement(suite, "testcase", classname=_xml(path), name=_xml(path), file=_xml(path))
        error = ET.SubElement(case, "error", type="internal-error", message=_xml(message or ""))
        error.text = _xml(f"kast: internal error on {path}: {message}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
