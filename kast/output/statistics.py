"""`--statistics`: how often each rule fired, like `ruff --statistics`.

One row per code, most frequent first (ties by code): the count, the code,
`[*]` when at least one of those findings has a fix, and the rule's name.
As JSON, a list of {"code", "name", "count", "fixable"}.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from kast.diagnostics import Diagnostic


@dataclass(frozen=True, slots=True)
class CodeCount:
    """How many findings one rule produced."""

    code: str
    name: str
    count: int
    fixable: bool


def count_codes(diagnostics: list[Diagnostic]) -> list[CodeCount]:
    by_code: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_code.setdefault(d.code, []).append(d)
    counts = [
        CodeCount(code, found[0].name, len(found), any(d.fix is not None for d in found))
        for code, found in by_code.items()
    ]
    return sorted(counts, key=lambda c: (-c.count, c.code))


def render_statistics(diagnostics: list[Diagnostic], as_json: bool) -> str:
    counts = count_codes(diagnostics)
    if as_json:
        rows = [{"code": c.code, "name": c.name, "count": c.count, "fixable": c.fixable} for c in counts]
        return json.dumps(rows, indent=2) + "\n"
    if not counts:
        return ""
    count_width = max(len(str(c.count)) for c in counts)
    code_width = max(len(c.code) for c in counts)
    # The marker column is there only when something is fixable, as in Ruff.
    any_fixable = any(c.fixable for c in counts)
    lines = []
    for c in counts:
        marker = ("[*] " if c.fixable else "    ") if any_fixable else ""
        lines.append(f"{c.count:>{count_width}}\t{c.code:<{code_width}}\t{marker}{c.name}")
    return "".join(line + "\n" for line in lines)
