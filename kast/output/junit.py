"""`--output-format junit`: JUnit XML for CI test-report views (GitLab, Jenkins, Azure).

One test suite "kast" with one test case per linted file (classname `kast`,
name the path): a file without findings passes, each finding is a `<failure>`
of type the rule code, and a file kast could not analyse because of an
internal error carries an `<error>`.  The suite's `failures` and `errors` count
test cases, as JUnit readers expect, not findings.  ElementTree escapes markup;
characters XML 1.0 cannot hold at all (most C0 controls, lone surrogates) are
replaced with U+FFFD first, since ElementTree would write them raw and no
reader could parse the report.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from kast.diagnostics import Diagnostic, FileResult
from kast.output import concise_line, location, verdict_mark

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _testcase(suite: ET.Element, path: str, diagnostics: list[Diagnostic], internal_error: str | None) -> None:
    case = ET.SubElement(suite, "testcase", classname="kast", name=_xml(path), file=_xml(path))
    for d in diagnostics:
        failure = ET.SubElement(
            case,
            "failure",
            type=d.code,
            message=_xml(f"{location(d.path, d.span.line, d.span.column, d.cell)}: {d.message}{verdict_mark(d)}"),
        )
        failure.text = _xml(f"{concise_line(d)}\n{d.code} {d.name} ({d.severity.value})")
    if internal_error:
        error = ET.SubElement(case, "error", type="internal-error", message=_xml(internal_error))
        error.text = _xml(f"kast: internal error on {path}: {internal_error}")


def render(results: list[FileResult], diagnostics: list[Diagnostic]) -> str:
    by_path: dict[str, list[Diagnostic]] = {r.path: [] for r in results}
    for d in diagnostics:  # a finding on a file not in `results` still gets its test case
        by_path.setdefault(d.path, []).append(d)
    errors = {r.path: r.internal_error for r in results if r.internal_error}
    failed = sum(1 for found in by_path.values() if found)
    root = ET.Element("testsuites", name="kast", tests=str(len(by_path)), failures=str(failed),
                      errors=str(len(errors)))
    suite = ET.SubElement(root, "testsuite", name="kast", tests=str(len(by_path)), failures=str(failed),
                          errors=str(len(errors)), skipped="0")
    for path, found in by_path.items():
        _testcase(suite, path, found, errors.get(path))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
