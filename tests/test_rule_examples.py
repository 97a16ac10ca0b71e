"""Every rule's own examples: FIRES must report the rule, SILENT must not."""

from __future__ import annotations

import pytest

from kast.rules import RULES
from kast.rules.base import Fires
from tests.conftest import codes, lint

# Runtime rules (K9) fire only under --verify: tests/test_verify.py runs their examples.
STATIC = [rule for rule in RULES if not rule.runtime]
FIRING = [(rule.code, i, src) for rule in STATIC for i, src in enumerate(rule.fires)]
EXPECTED = [(rule.code, i, rule.fires[i], expected) for rule in STATIC for i, expected in enumerate(rule.expected)]
QUIET = [(rule.code, i, src) for rule in STATIC for i, src in enumerate(rule.silent)]


@pytest.mark.parametrize(("code", "index", "source"), FIRING, ids=[f"{c}-fires-{i}" for c, i, _ in FIRING])
def test_example_fires(code: str, index: int, source: str) -> None:
    assert code in codes(source), f"{code} example {index} did not fire"


@pytest.mark.parametrize(("code", "index", "source", "expected"), EXPECTED,
                         ids=[f"{c}-fires-{i}-where" for c, i, _, _ in EXPECTED])
def test_example_fires_at_its_line_with_its_fix(code: str, index: int, source: str, expected: Fires | None) -> None:
    assert expected is not None, f"{code} example {index} does not say where it fires (use Fires(source, line=...))"
    found = [d for d in lint(source) if d.code == code]
    at_line = [d for d in found if d.span.line == expected.line]
    assert at_line, f"{code} example {index}: expected at line {expected.line}, found at {[d.span.line for d in found]}"
    replacements = [d.fix.edits[0].replacement for d in at_line if d.fix is not None and d.fix.edits]
    if expected.fixed is None:
        assert not replacements, f"{code} example {index} has a fix the example does not state: {replacements}"
    else:
        assert expected.fixed in replacements, f"{code} example {index}: fix writes {replacements}"


@pytest.mark.parametrize(("code", "index", "source"), QUIET, ids=[f"{c}-silent-{i}" for c, i, _ in QUIET])
def test_example_stays_silent(code: str, index: int, source: str) -> None:
    assert code not in codes(source), f"{code} silent example {index} fired"


def test_every_rule_has_examples_and_docs() -> None:
    for rule in RULES:
        assert rule.fires and rule.silent, rule.code
        for section in ("## What it does", "## Why is this bad?", "## Example", "Use instead:"):
            assert section in rule.doc, f"{rule.code} docs lack {section}"


def test_codes_and_names_are_unique() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)
