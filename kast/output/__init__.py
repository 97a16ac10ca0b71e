"""Emitters: one per output format, each turning diagnostics into text."""

from __future__ import annotations

FORMATS = ("full", "concise", "json")


def location(path: str, line: int, column: int, cell: int | None = None) -> str:
    """`path:line:col` with a 1-based column, or `path:cell N:line:col` inside a notebook."""
    where = f"{path}:cell {cell}" if cell is not None else path
    return f"{where}:{line}:{column + 1}"
