"""Shared helpers for kast's tests."""

from __future__ import annotations

import textwrap

import pytest

from kast.config import Settings
from kast.api import lint_source as lint_bytes
from kast.diagnostics import Diagnostic


def lint(source: str, select: tuple[str, ...] = ("ALL",), path: str = "train.py") -> list[Diagnostic]:
    """Lint a source string with every rule selected (unless told otherwise)."""
    result = lint_bytes(textwrap.dedent(source).encode(), path, Settings(select=select))
    assert result.internal_error is None, result.internal_error
    return result.diagnostics


def codes(source: str, select: tuple[str, ...] = ("ALL",)) -> list[str]:
    return [d.code for d in lint(source, select)]


@pytest.fixture
def lint_codes():
    return codes


def pytest_configure(config: pytest.Config) -> None:
    # Slow tests (the corpus run, real pre-commit runs, building and installing the wheel) are part of
    # the default run; `-m "not slow"` leaves them out.
    config.addinivalue_line("markers", "slow: slow integration test (up to a minute or two); "
                                       "deselect with -m 'not slow'")
