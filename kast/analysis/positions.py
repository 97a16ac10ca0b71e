"""Source positions of a few nodes, without LibCST's whole-module metadata pass.

LibCST knows no positions after parsing; its PositionProvider regenerates the
whole module and records a range for every node, behind a MetadataWrapper that
walks the tree once more.  kast needs positions only for the handful of nodes
it reports, and finds them in one of two ways, both giving PositionProvider's
ranges:

- `locate_in_text`: an expression's code is generated on its own (a few dozen
  nodes) and looked up in the source.  An expression's code does not depend on
  where it stands (no indentation, no leading lines), so it is the exact text
  at its place; when that text occurs once in the file, that place is found.
- `locate`: otherwise, LibCST's position-tracking code generation over the
  whole module, recording just the wanted nodes (and the children their
  syntactic range is taken from).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Iterator, Sequence

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


# Nodes whose code is the same wherever they stand, but for the indentation of the block
# on the lines after a line break inside brackets: expressions and the parts of calls,
# subscripts and collections.  Not statements, whose leading lines and bodies are laid out
# by the blocks around them.
_PLACE_FREE = (cst.BaseExpression, cst.Arg, cst.Element, cst.DictElement, cst.StarredDictElement,
               cst.SubscriptElement, cst.Index, cst.Slice)
# Stands for the block's indentation while the code is generated: never in a linted file.
_BLOCK_INDENT = "\x00"


def _code_and_range(module: cst.Module, node: cst.CSTNode, indent: str) -> tuple[str, CodeRange | None]:
    provider = PositionProvider()
    state = _TargetedState(module, provider, {id(node)})
    state.indent_tokens.append(indent)
    node._codegen(state)
    return "".join(state.tokens), provider._computed.get(node)


def locate_in_text(module: cst.Module, text: str, line_offsets: Sequence[int], node: cst.CSTNode) -> CodeRange | None:
    """Range of `node` in `text` (the module's source) from its own code; None unless that code occurs once.

    `line_offsets` are the offsets of `text`'s line starts (`kast.diagnostics.line_starts`).
    A node spread over lines is matched with the same, unknown indentation before each
    indented line (one block's); the match must still be the only one.
    """
    if not isinstance(node, _PLACE_FREE) or _BLOCK_INDENT in text:
        return None
    code, relative = _code_and_range(module, node, _BLOCK_INDENT)
    if relative is None or not code:
        return None
    if _BLOCK_INDENT in code:
        first, *rest = (re.escape(part) for part in code.split(_BLOCK_INDENT))
        pattern = re.compile(first + r"([ \t\f]*)" + r"\1".join(rest))
        match = pattern.search(text)
        if match is None or pattern.search(text, match.start() + 1) is not None:
            return None
        found = match.start()
        code, relative = _code_and_range(module, node, match.group(1))
        if relative is None or not text.startswith(code, found):
            return None
    else:
        found = text.find(code)
        if found < 0 or text.find(code, found + 1) >= 0:
            return None
    line = bisect_right(line_offsets, found)  # 1-based line of the code's first character
    column = found - line_offsets[line - 1]

    def absolute(position: CodePosition) -> CodePosition:
        if position.line == 1:
            return CodePosition(line, column + position.column)
        return CodePosition(line + position.line - 1, position.column)

    return CodeRange(absolute(relative.start), absolute(relative.end))
