"""Realistic fixture scripts under fixtures/ give exactly their expected findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kast.config import Settings
from kast.api import lint_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXPECTED: dict[str, list[list[object]]] = json.loads((FIXTURES / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_findings(name: str) -> None:
    result = lint_file(FIXTURES / name, name, Settings())
    assert result.internal_error is None
    assert [[d.code, d.span.line] for d in result.diagnostics] == EXPECTED[name]


def test_every_fixture_has_expectations() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.py")) == sorted(EXPECTED)
