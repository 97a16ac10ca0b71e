"""The parser and its guard rails: bytes to text, text to LibCST modules, or a located SourceError.

Everything between a file's bytes and LibCST's tree that can go wrong is
handled here, before LibCST sees the text: decoding as Python does (BOM,
PEP 263 cookie), a size limit, bracket nesting and expression chains too deep
for LibCST's native parser (which can crash the process on them), and long
files cut into pieces of whole top-level statements so the parser's memory
stays bounded.  Syntax errors are worded and placed by CPython's own parser.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings

import libcst as cst

from kast.analysis.positions import first_lines_of
from kast.diagnostics import line_starts

# Files above this size are not analysed (K000): a training script is kilobytes.
MAX_BYTES = 8 * 1024 * 1024
# Bracket nesting beyond this is refused before LibCST sees it: CPython itself
# stops at 200, and LibCST's native parser can crash the process on deep nests.
MAX_NESTING = 190
_BRACKETS = str.maketrans({c: None for c in map(chr, range(128)) if c not in "()[]{}"})
# Chains without brackets (`a + b + ...`, `x.a.b...`, `f()()...`, `not not ...`, an
# `elif` after an `elif`) nest LibCST's tree one level per link, and its native parser
# recurses once per level: it takes seconds at a thousand links and kills the process
# (stack overflow) at a few thousand.  Deeper than this, the file is refused (K000).
MAX_DEPTH = 1000
# Every level of such a chain costs one of these characters or keywords; a file with
# fewer of them in all cannot hold a chain that deep, and skips the exact check.
_LINK_CHARACTERS = str.maketrans({c: None for c in map(chr, range(128)) if c not in ".+-*/%&|^~@([<>"})
_LINK_KEYWORDS = re.compile(r"\b(?:and|or|not|if|elif|lambda|await)\b")


class SourceError(Exception):
    """The file cannot be analysed; reported as K000 at (line, column)."""

    def __init__(self, message: str, line: int = 1, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def decode_source(data: bytes) -> str:
    """Bytes to text as Python reads them (BOM, PEP 263 cookie); SourceError when impossible."""
    if b"\x00" in data:
        raise SourceError("binary file: it contains NUL bytes and is not Python source")
    if len(data) > MAX_BYTES:
        raise SourceError(f"file too large to analyse ({len(data) / 1e6:.1f} MB > {MAX_BYTES / 1e6:.0f} MB)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise SourceError(f"bad encoding declaration: {exc}") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1)
        raise SourceError(
            f"invalid {encoding} byte 0x{data[exc.start]:02x}: not valid text in the file's encoding "
            "(add a PEP 263 coding line if the file is not UTF-8)",
            line,
            column,
        ) from None
    except LookupError:
        raise SourceError(f"unknown encoding '{encoding}' in the coding line") from None


def _check_nesting(text: str) -> None:
    depth = deepest = 0
    for char in text.translate(_BRACKETS):
        if char in "([{":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif depth:
            depth -= 1
    if deepest <= MAX_NESTING:
        return
    # Brackets inside strings may inflate the count: let CPython decide.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<kast>", "exec", flags=0x400, dont_inherit=True)  # ast.PyCF_ONLY_AST
    except (SyntaxError, RecursionError, MemoryError, ValueError) as exc:
        line = getattr(exc, "lineno", None) or 1
        raise SourceError(f"too deeply nested to analyse ({deepest} levels of brackets)", line) from None
    if deepest > 1000:
        raise SourceError(f"too deeply nested to analyse ({deepest} levels of brackets)")


def _links(text: str) -> int:
    return len(text.translate(_LINK_CHARACTERS)) + len(_LINK_KEYWORDS.findall(text))


def _check_depth(text: str, tree: ast.Module | None = None, offsets: list[int] | None = None) -> None:
    """SourceError when the syntax tree of `text` (CPython's `tree`, if at hand) is deeper than MAX_DEPTH.

    `offsets`: where each line of `text` starts, then len(text), if at hand.

    A chain lies inside one top-level statement: only a statement with more links
    than MAX_DEPTH in its own text is walked.
    """
    if _links(text) <= MAX_DEPTH:
        return
    if tree is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return  # LibCST reports the syntax error, located
        except (RecursionError, MemoryError):  # CPython's own "too deeply nested"
            raise SourceError("too deeply nested to analyse") from None
    if offsets is None:
        offsets = line_starts(text) + [len(text)]
    deepest, line = 0, 1
    for statement, first in zip(tree.body, first_lines_of(tree.body)):
        end = statement.end_lineno or len(offsets) - 1
        if _links(text[offsets[first - 1]:offsets[min(end, len(offsets) - 1)]]) <= MAX_DEPTH:
            continue
        stack: list[tuple[ast.AST, int]] = [(statement, 2)]  # a loop, not recursion: the tree is deep
        while stack:
            node, depth = stack.pop()
            if isinstance(node, ast.BoolOp):
                depth += len(node.values) - 2  # flat in CPython's tree, one level per `and` in LibCST's
            if depth > deepest:
                deepest, line = depth, getattr(node, "lineno", line)
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    if deepest > MAX_DEPTH:
        raise SourceError(f"too deeply nested to analyse ({deepest} levels of expressions)", line)


def check_syntax(text: str, flags: int = 0x400) -> None:
    """SourceError, worded and placed by CPython's parser, when `text` does not compile (`flags`: compile()'s)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<kast>", "exec", flags=flags, dont_inherit=True)
    except SyntaxError as exc:
        raise SourceError(f"syntax error: {exc.msg}", exc.lineno or 1, max((exc.offset or 1) - 1, 0)) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise SourceError(f"cannot be parsed: {type(exc).__name__}") from None


def parse(text: str) -> cst.Module:
    """LibCST module of `text`; SourceError with the parser's location on failure."""
    _check_nesting(text)
    _check_depth(text)
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        # CPython's parser words errors better ("'(' was never closed") and places
        # them where the mistake is; ask it, on this error path only.
        check_syntax(text)
        # CPython accepts the file: only LibCST refuses it (thousands of strings in one
        # implicit concatenation, say), so do not call it a syntax error.
        message = str(exc.message).strip().splitlines()[0] if exc.message else "invalid syntax"
        raise SourceError(f"valid Python that LibCST cannot parse: {message}", exc.raw_line, exc.raw_column) from None
    except cst.CSTValidationError as exc:
        # LibCST's native tokenizer knows a newer Unicode than this Python: it takes a
        # character such as U+13460 for a name, which its own node check then refuses.
        # CPython says where the character is; if it accepts the file, say LibCST refused it.
        check_syntax(text)
        raise SourceError(f"cannot be parsed by LibCST: {exc}") from None
    except RecursionError:
        raise SourceError("too deeply nested to analyse") from None


# Files longer than this are parsed in pieces of whole top-level statements: LibCST's
# parser holds several times the tree's size while it works (about 300 MB for a
# 20,000-line file, against 70 MB in pieces), and a piece at a time keeps that bounded.
PIECES_ABOVE_LINES = 2_000
# A piece is at least this long.  LibCST's parser costs more per character the longer
# the module (2.0 us a character at 200 lines, 2.65 at 2,000, 4.3 at 4,000): the
# 20,000-line file parses in 2.05 s in pieces of 500 lines, 2.66 s in pieces of 2,000.
PIECE_LINES = 500


def parse_in_pieces(text: str) -> tuple[list[tuple[cst.Module, int]], list[int] | None]:
    """The script as LibCST modules of whole top-level statements: ([(piece, lines before it)], first lines).

    One piece for an ordinary file.  The cut points are the first lines of
    top-level statements, from CPython's parser, which are returned too (for
    `kast.analysis.positions`; None when CPython's parser was not asked); a piece
    LibCST refuses on its own falls back to parsing the whole file (which then
    reports the error).
    """
    if text.count("\n") <= PIECES_ABOVE_LINES:
        return [(parse(text), 0)], None
    _check_nesting(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [(parse(text), 0)], None
    offsets = line_starts(text) + [len(text)]  # Python's line breaks only, as ast counts them
    _check_depth(text, tree, offsets)
    starts = first_lines_of(tree.body)
    del tree
    cuts = [1]
    for start in starts:
        if start - cuts[-1] >= PIECE_LINES:
            cuts.append(start)
    cuts.append(len(offsets))
    pieces = []
    try:
        for begin, end in zip(cuts, cuts[1:]):
            pieces.append((cst.parse_module(text[offsets[begin - 1]:offsets[end - 1]]), begin - 1))
    except (cst.ParserSyntaxError, cst.CSTValidationError, RecursionError):
        return [(parse(text), 0)], None
    return pieces, starts
