"""The pure core of kast: source bytes in, diagnostics out.

`lint_bytes` reads one file's bytes (PEP 263 cookie honoured), parses them once
with LibCST, builds the semantic picture once, and lets every selected rule
judge it.  Bad input becomes a K000 diagnostic; an exception inside kast is
reported for that file and never stops the others.
"""

from __future__ import annotations

import ast
import gc
import io
import re
import time
import tokenize
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import libcst as cst

from kast.analysis.interpreter import build_picture
from kast.analysis.picture import Picture
from kast.analysis.positions import first_lines_of
from kast.config import Settings
from kast.diagnostics import Diagnostic, Edit, FileResult, Fix, Related, Severity, Span, line_starts
from kast.rules import BY_CODE, RULES, Rule
from kast.rules.base import FixPlan

# Files above this size are not analysed (K000): a training script is kilobytes.
MAX_BYTES = 8 * 1024 * 1024
# Bracket nesting beyond this is refused before LibCST sees it: CPython itself
# stops at 200, and LibCST's native parser can crash the process on deep nests.
MAX_NESTING = 190
# A file that mentions none of these is only checked for syntax errors.
_ML_MENTION = re.compile(rb"keras|tensorflow|tf_keras|sklearn")
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


def check_syntax(text: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<kast>", "exec", flags=0x400, dont_inherit=True)
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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a tree is built and walked.

    A LibCST tree is hundreds of thousands of objects with no cycles, and every
    full collection scans them all again: on a 20,000-line file the collector
    alone made the analysis 35% slower.  Cycles made meanwhile are collected
    once it runs again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def k000_diagnostic(path: str, error: SourceError) -> Diagnostic:
    rule = BY_CODE["K000"]
    line = max(error.line, 1)
    return Diagnostic(
        path=path,
        code=rule.code,
        name=rule.name,
        severity=rule.severity,
        message=f"{error.message}; kast could not check this file.",
        span=Span(line, error.column, line, error.column + 1),
        hint="Fix the file so that Python can parse it.",
    )


def k000_if_selected(path: str, error: SourceError, settings: Settings) -> list[Diagnostic]:
    """The K000 diagnostic for `error`, unless the settings leave K000 out."""
    return [k000_diagnostic(path, error)] if settings.is_selected("K000", Severity.ERROR) else []


def lint_text(text: str, path: str, settings: Settings, data: bytes | None = None,
              phases: dict[str, float] | None = None) -> list[Diagnostic]:
    """Diagnostics for one script's text; raises only on an internal error.

    `phases`, when given, adds the seconds spent parsing, building the picture
    and judging (rules, positions, noqa) under those names (the benchmark's rows).
    """
    selected = [r for r in RULES if r.code != "K000" and settings.is_selected(r.code, r.severity)]
    raw = data if data is not None else text.encode("utf-8", "surrogatepass")
    clock = _PhaseClock(phases)
    try:
        if not _ML_MENTION.search(raw) or not selected:
            check_syntax(text)
            clock.lap("parse")
            return []
    except SourceError as error:
        clock.lap("parse")
        return k000_if_selected(path, error, settings)
    with _collector_paused():
        try:
            chunks, statement_lines = parse_in_pieces(text)
        except SourceError as error:
            clock.lap("parse")
            return k000_if_selected(path, error, settings)
        clock.lap("parse")
        picture = build_picture(chunks[0][0], path, chunks, text, statement_lines)
        clock.lap("picture")
        diagnostics = judge(picture, selected)
        # Drop the tree while the collector still sleeps: freed by reference counting now,
        # it is not scanned once more by the first collection after.
        picture.release()
        del picture, chunks
    if diagnostics and not settings.ignore_noqa:
        from kast.suppress import apply

        diagnostics = apply(text, diagnostics)
    clock.lap("rules")
    return diagnostics


class _PhaseClock:
    """Adds the time since the last lap to a named phase, when there is somewhere to add it."""

    __slots__ = ("phases", "since")

    def __init__(self, phases: dict[str, float] | None) -> None:
        self.phases = phases
        self.since = time.perf_counter() if phases is not None else 0.0

    def lap(self, phase: str) -> None:
        if self.phases is not None:
            now = time.perf_counter()
            self.phases[phase] = self.phases.get(phase, 0.0) + now - self.since
            self.since = now


def judge(picture: Picture, rules: list[Rule]) -> list[Diagnostic]:
    """Run `rules` over a picture and place their findings in the file."""
    findings = [(rule, finding) for rule in rules for finding in rule.check(picture)]
    if not findings:
        return []
    nodes = [f.node for _, f in findings] + [node for _, f in findings for node, _ in f.related]
    nodes += [old for _, f in findings if f.fix is not None for old, _ in f.fix.replacements]
    spans = picture.spans(nodes)
    diagnostics: dict[tuple[str, Span, str], Diagnostic] = {}
    for rule, finding in findings:
        span = spans[finding.node]
        diagnostic = Diagnostic(
            path=picture.path,
            code=rule.code,
            name=rule.name,
            severity=rule.severity,
            message=finding.message,
            span=span,
            hint=finding.hint,
            related=tuple(Related(picture.path, spans[node], text) for node, text in finding.related),
            fix=_fix(picture, finding.fix, spans) if finding.fix is not None else None,
        )
        diagnostics.setdefault((rule.code, span, finding.message), diagnostic)
    return sorted(diagnostics.values(), key=lambda d: d.sort_key)


def _fix(picture: Picture, plan: FixPlan, spans: dict[cst.CSTNode, Span]) -> Fix | None:
    """Text edits of a fix plan: each replaced node's span gets the new node's code."""
    edits = []
    for old, new in plan.replacements:
        if old not in spans:
            return None
        edits.append(Edit(spans[old], picture.module.code_for_node(new)))
    edits.extend(Edit(Span(line, 0, line, 0), text) for line, text in plan.inserts)
    return Fix(plan.description, tuple(edits), plan.safe)


def lint_bytes(data: bytes, path: str, settings: Settings) -> FileResult:
    """Lint one file's bytes (a notebook when `path` ends in .ipynb); never raises."""
    if path.endswith(".ipynb"):
        from kast.notebook import lint_notebook

        return lint_notebook(data, path, settings)
    result = FileResult(path)
    try:
        text = decode_source(data)
    except SourceError as error:
        result.diagnostics = k000_if_selected(path, error, settings)
        return result
    try:
        result.diagnostics = lint_text(text, path, settings, data)
        if result.diagnostics:
            result.source = text
    except RecursionError:
        result.diagnostics = [k000_diagnostic(path, SourceError("too deeply nested to analyse"))]
    except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the others
        result.internal_error = describe_internal_error(exc)
    return result


def describe_internal_error(exc: BaseException) -> str:
    """One line naming an exception inside kast and where it was raised."""
    import traceback  # an internal error only

    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" ({Path(frame.filename).name}:{frame.lineno})" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


def lint_file(path: Path, display: str, settings: Settings) -> FileResult:
    """Read and lint one file; unreadable files become K000."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return unreadable(display, exc, settings)
    return lint_bytes(data, display, settings)


def unreadable(display: str, exc: OSError, settings: Settings) -> FileResult:
    """The result for a file that cannot be read: K000 saying why."""
    reason = exc.strerror or type(exc).__name__
    return FileResult(display, k000_if_selected(display, SourceError(f"cannot read the file: {reason}"), settings))
