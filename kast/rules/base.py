"""What a rule is and what it returns.

A rule module holds its documentation (the module docstring, in Ruff's
sections), its `CODE`, `NAME` and `SEVERITY`, examples that must fire (`FIRES`)
and must stay silent (`SILENT`), and a `check(picture)` that yields `Finding`s.
Rules read the semantic picture; they do no I/O and know nothing of config or
suppressions.
"""

from __future__ import annotations

from types import ModuleType
from typing import Callable, Iterable, NamedTuple

import libcst as cst

from kast.analysis.picture import Picture
from kast.diagnostics import Severity


class FixPlan(NamedTuple):
    """A repair as LibCST node replacements: each old node's text becomes the new node's code.

    `inserts` add whole lines (an import) before a 1-based line.  The engine
    turns the plan into text edits once positions are known, so only the
    replaced nodes change and the rest of the file keeps its formatting.
    """

    description: str
    safe: bool
    replacements: tuple[tuple[cst.CSTNode, cst.CSTNode], ...]
    inserts: tuple[tuple[int, str], ...] = ()


class Finding(NamedTuple):
    """A rule's verdict at one node, before it is placed in the file."""

    node: cst.CSTNode
    message: str  # what is wrong and what it does to the predictions
    hint: str  # how to fix it
    related: tuple[tuple[cst.CSTNode, str], ...] = ()
    fix: FixPlan | None = None


class Fires(NamedTuple):
    """An example that must fire: the code, the line of the finding, and the text its fix writes."""

    source: str
    line: int  # the line the finding is on, counted in `source` as written (its first line is 1)
    fixed: str | None = None  # where the rule fixes: the replacement text of the fix's first edit


class Rule(NamedTuple):
    code: str
    name: str
    severity: Severity
    doc: str
    fires: tuple[str, ...]
    silent: tuple[str, ...]
    check: Callable[[Picture], Iterable[Finding]]
    runtime: bool = False  # reported by the runtime verifier (--verify), not by static analysis
    expected: tuple[Fires | None, ...] = ()  # per example of `fires`: where it fires and what its fix writes

    @property
    def summary(self) -> str:
        """The first sentence of `## What it does`."""
        paragraph = self.doc.split("## What it does", 1)[-1].strip().split("\n\n", 1)[0]
        text = " ".join(paragraph.split())
        end = text.find(". ")
        return text if end < 0 else text[: end + 1]

    @classmethod
    def from_module(cls, module: ModuleType) -> "Rule":
        return cls(
            code=module.CODE,
            name=module.NAME,
            severity=module.SEVERITY,
            doc=(module.__doc__ or "").strip(),
            fires=tuple(example.source if isinstance(example, Fires) else example for example in module.FIRES),
            silent=tuple(module.SILENT),
            check=module.check,
            runtime=getattr(module, "RUNTIME", False),
            expected=tuple(example if isinstance(example, Fires) else None for example in module.FIRES),
        )


def snippet(picture: Picture, node: cst.CSTNode, limit: int = 48) -> str:
    """The source of `node` on one line, shortened to `limit` characters."""
    text = " ".join(picture.module.code_for_node(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
