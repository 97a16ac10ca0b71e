"""Source positions of a few nodes, computed in one cheap code-generation pass.

LibCST knows no positions after parsing; its PositionProvider regenerates the
whole module and records a range for every node, behind a MetadataWrapper that
walks the tree once more.  kast needs positions only for the handful of nodes
it reports, so it runs LibCST's position-tracking code generation directly and
records just those nodes (and the children their syntactic range is taken
from).  The ranges are the same as PositionProvider's.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Iterator

import libcst as cst
from libcst._position import CodePosition, CodeRange
from libcst.metadata.position_provider import PositionProvider, PositionProvidingCodegenState

_NOTHING: AbstractContextManager[None] = nullcontext()


class _TargetedState(PositionProvidingCodegenState):
    """PositionProvider's codegen state, recording only the wanted nodes."""

    __slots__ = ("wanted", "starts")

    def __init__(self, module: cst.Module, provider: PositionProvider, wanted: set[int]) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline,
                         provider=provider)
        self.wanted = wanted
        self.starts: dict[int, list[CodePosition]] = {}

    def _update_position(self, value: str) -> None:
        if "\r" in value:
            super()._update_position(value)
            return
        newlines = value.count("\n")
        if newlines:
            self.line += newlines
            self.column = len(value) - value.rfind("\n") - 1
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.starts.setdefault(id(node), []).append(CodePosition(self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            start = self.starts[id(node)].pop()
            if node not in self.provider._computed:
                self.provider._computed[node] = CodeRange(start, CodePosition(self.line, self.column))

    def record_syntactic_position(self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None,
                                  end_node: cst.CSTNode | None = None) -> AbstractContextManager[None]:
        # Called for most nodes of the module: a shared no-op context for the unwanted ones
        # costs a fraction of a generator-based one.
        if id(node) not in self.wanted:
            return _NOTHING
        return self._record(node, start_node, end_node)

    @contextmanager
    def _record(self, node: cst.CSTNode, start_node: cst.CSTNode | None,
                end_node: cst.CSTNode | None) -> Iterator[None]:
        for child in (start_node, end_node):
            if child is not None:
                self.wanted.add(id(child))
        start = CodePosition(self.line, self.column)
        try:
            yield
        finally:
            end = CodePosition(self.line, self.column)
            computed = self.provider._computed
            if start_node is not None and start_node in computed:
                start = computed[start_node].start
            if end_node is not None and end_node in computed:
                end = computed[end_node].end
            computed[node] = CodeRange(start, end)


def locate(module: cst.Module, nodes: list[cst.CSTNode]) -> dict[cst.CSTNode, CodeRange]:
    """Ranges of `nodes` (lines 1-based, columns 0-based, end exclusive)."""
    provider = PositionProvider()
    state = _TargetedState(module, provider, {id(n) for n in nodes})
    module._codegen(state)
    return {node: provider._computed[node] for node in nodes if node in provider._computed}
