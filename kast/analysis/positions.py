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

import ast
import re
from bisect import bisect_right
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Iterator, NamedTuple, Sequence, cast

import libcst as cst
from libcst._position import CodePosition, CodeRange
from libcst.metadata.base_provider import BaseMetadataProvider
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
            computed = _ranges(self.provider)
            if start_node is not None and start_node in computed:
                start = computed[start_node].start
            if end_node is not None and end_node in computed:
                end = computed[end_node].end
            computed[node] = CodeRange(start, end)


def _ranges(provider: BaseMetadataProvider[CodeRange]) -> dict[cst.CSTNode, CodeRange]:
    """The ranges the codegen state recorded (typed by LibCST as lazily computed values)."""
    return cast("dict[cst.CSTNode, CodeRange]", provider._computed)


def locate(module: cst.Module, nodes: list[cst.CSTNode]) -> dict[cst.CSTNode, CodeRange]:
    """Ranges of `nodes` (lines 1-based, columns 0-based, end exclusive)."""
    provider = PositionProvider()
    state = _TargetedState(module, provider, {id(n) for n in nodes})
    module._codegen(state)
    computed = _ranges(provider)
    return {node: computed[node] for node in nodes if node in computed}


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
    return "".join(state.tokens), _ranges(provider).get(node)


class TextMatch(NamedTuple):
    """Where a node's code is in the text: its range when found once, else the lines it may start on."""

    range: CodeRange | None
    lines: tuple[int, ...] = ()


# A code found more often than this is left to the full pass (the search alone would cost more).
_MOST_CANDIDATES = 2_000


def locate_in_text(module: cst.Module, text: str, line_offsets: Sequence[int], node: cst.CSTNode) -> TextMatch:
    """`node`'s range in `text` (the module's source) from its own code, when that code occurs once.

    `line_offsets` are the offsets of `text`'s line starts (`kast.diagnostics.line_starts`).
    A node spread over lines is matched with the same, unknown indentation before each
    indented line (one block's); the match must still be the only one.  A code found
    several times gives the lines it starts on instead: the node is on one of them.
    """
    if not isinstance(node, _PLACE_FREE) or _BLOCK_INDENT in text or "\f" in text:
        # A form feed restarts LibCST's column count: columns are not offsets in the line.
        return TextMatch(None)
    code, relative = _code_and_range(module, node, _BLOCK_INDENT)
    if relative is None or not code:
        return TextMatch(None)
    starts: list[int] = []
    if _BLOCK_INDENT in code:
        first, *rest = (re.escape(part) for part in code.split(_BLOCK_INDENT))
        pattern = re.compile(first + r"([ \t\f]*)" + r"\1".join(rest))
        match = pattern.search(text)
        while match is not None and len(starts) <= _MOST_CANDIDATES:
            starts.append(match.start())
            match = pattern.search(text, match.start() + 1)
        if len(starts) == 1:
            match = pattern.match(text, starts[0])
            assert match is not None
            code, relative = _code_and_range(module, node, match.group(1))
            if relative is None or not text.startswith(code, starts[0]):
                return TextMatch(None)
    else:
        found = text.find(code)
        while found >= 0 and len(starts) <= _MOST_CANDIDATES:
            starts.append(found)
            found = text.find(code, found + 1)
    if len(starts) != 1:
        many = not starts or len(starts) > _MOST_CANDIDATES
        return TextMatch(None, () if many else tuple(sorted({bisect_right(line_offsets, s) for s in starts})))
    line = bisect_right(line_offsets, starts[0])  # 1-based line of the code's first character
    column = starts[0] - line_offsets[line - 1]

    def absolute(position: CodePosition) -> CodePosition:
        if position.line == 1:
            return CodePosition(line, column + position.column)
        return CodePosition(line + position.line - 1, position.column)

    assert relative is not None
    return TextMatch(CodeRange(absolute(relative.start), absolute(relative.end)))


class _Statement(NamedTuple):
    node: cst.BaseStatement
    piece: cst.Module
    line: int  # where its code starts, leading blank and comment lines included


def first_lines_of(body: list[ast.stmt]) -> list[int]:
    """First line of each of CPython's top-level statements (its first decorator's, if any)."""
    return [min([s.lineno] + [d.lineno for d in getattr(s, "decorator_list", [])]) for s in body]


def first_lines(text: str) -> list[int] | None:
    """`first_lines_of` the statements of `text`; None when CPython cannot parse it."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return first_lines_of(ast.parse(text).body)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _statements(pieces: list[tuple[cst.Module, int]], lines: list[int]) -> list[_Statement]:
    """The script's top-level statements and where their code starts; [] when unsure.

    `lines` are CPython's statements' first lines (`first_lines`).  LibCST keeps
    `a; b` as one statement line where CPython has two statements; the counts
    must agree in the end, or nothing is believed.
    """
    table = []
    index = 0
    for piece, _ in pieces:
        for statement in piece.body:
            if index >= len(lines):
                return []
            table.append(_Statement(statement, piece, lines[index] - len(statement.leading_lines)))
            index += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
    return table if index == len(lines) else []


def _locate_in_statement(statement: _Statement, text: str, line_offsets: Sequence[int],
                         nodes: list[cst.CSTNode]) -> dict[cst.CSTNode, CodeRange]:
    """Ranges of those of `nodes` inside `statement`: its code alone, generated from its first line."""
    if not 0 < statement.line <= len(line_offsets):
        return {}
    provider = PositionProvider()
    state = _TargetedState(statement.piece, provider, {id(n) for n in nodes})
    state.line, state.column = statement.line, 0
    statement.node._codegen(state)
    if not text.startswith("".join(state.tokens), line_offsets[statement.line - 1]):
        return {}  # not where CPython said: believe nothing
    computed = _ranges(provider)
    return {node: computed[node] for node in nodes if node in computed}


class Locator:
    """Ranges of nodes of one script, parsed in `pieces` ((module, lines before it)) from `text`.

    Cheapest first: an expression whose code occurs once in the text; then a code
    found on a few lines, by generating only the top-level statements on those
    lines (their first lines from CPython's parser, checked against the text);
    then the full pass over every piece.
    """

    def __init__(self, pieces: list[tuple[cst.Module, int]], text: str | None,
                 statement_lines: list[int] | None = None) -> None:
        self.pieces = pieces
        self.statement_lines = statement_lines  # `first_lines(text)`, when the caller has it
        # An expression's code is generated alike in every piece when they share a line break.
        same_breaks = len({piece.default_newline for piece, _ in pieces}) == 1
        self.text = text if same_breaks and text is not None and _BLOCK_INDENT not in text else None
        self._line_offsets: list[int] | None = None
        self._statements: list[_Statement] | None = None

    def locate(self, nodes: list[cst.CSTNode]) -> dict[cst.CSTNode, CodeRange]:
        found: dict[cst.CSTNode, CodeRange] = {}
        if self.text is not None:
            found = self._from_text(self.text, nodes)
        missing = [n for n in nodes if n not in found]
        for piece, offset in self.pieces:
            if not missing:
                break
            for node, pos in locate(piece, missing).items():
                found[node] = CodeRange(CodePosition(pos.start.line + offset, pos.start.column),
                                        CodePosition(pos.end.line + offset, pos.end.column))
            missing = [n for n in missing if n not in found]
        return found

    def _from_text(self, text: str, nodes: list[cst.CSTNode]) -> dict[cst.CSTNode, CodeRange]:
        if self._line_offsets is None:
            from kast.diagnostics import line_starts

            self._line_offsets = line_starts(text)
        offsets = self._line_offsets
        found: dict[cst.CSTNode, CodeRange] = {}
        candidates: dict[cst.CSTNode, tuple[int, ...]] = {}
        for node in nodes:
            match = locate_in_text(self.pieces[0][0], text, offsets, node)
            if match.range is not None:
                found[node] = match.range
            elif match.lines:
                candidates[node] = match.lines
        if not candidates:
            return found
        if self._statements is None:
            firsts = self.statement_lines if self.statement_lines is not None else first_lines(text)
            self._statements = _statements(self.pieces, firsts) if firsts is not None else []
        starts = [statement.line for statement in self._statements]
        by_statement: dict[int, list[cst.CSTNode]] = {}
        for node, lines in candidates.items():
            for index in {bisect_right(starts, line) - 1 for line in lines}:
                if index >= 0:
                    by_statement.setdefault(index, []).append(node)
        for index in sorted(by_statement):
            wanted = [n for n in by_statement[index] if n not in found]
            if wanted:
                found.update(_locate_in_statement(self._statements[index], text, offsets, wanted))
        return found
