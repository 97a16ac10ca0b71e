"""Jupyter notebooks: code cells joined into one script, findings mapped back to cells.

A notebook is read with nbformat (any format version, converted to v4 without
schema validation: kast needs the cells, not a schema verdict).  Every code
cell of a Python notebook is read as IPython reads it, line for line so that
positions survive:

- the indentation of a cell's first line is removed from its lines (IPython's
  leading-indent cleanup), and so are the prompts of code pasted from a
  session (`>>> `, `In [3]: `); both are put back in every reported column;
- line magics, shell escapes, help syntax and automagics (`ls ./data`,
  `pip install x`, `cd dir`: a magic's name without `%`, on a line that is no
  Python) are masked;
- a cell that starts with `%%time`, `%%timeit`, `%%capture` or `%%prun` is
  Python under its first line and is linted; other cell magics (`%%bash`,
  `%%writefile`...) hand their cell to something else, and it is skipped.

Each cell is compiled on its own, as Jupyter does: a cell that does not
compile is one K000 at that cell, and is left out.  The other cells are joined
in order into one script that the core lints once, with one picture across
cells (a model built in cell 3 and compiled in cell 5 is one model).  Each
finding is placed back in its cell: `Diagnostic.cell` is the cell's 1-based
position among all the notebook's cells, markdown included, and the span's
lines count within that cell.

`cell_source_spans` and `with_cell_sources` read and rewrite the sources in
the notebook's own JSON text, so that a fix changes only the lines it edits
and the file's indentation and layout stay byte for byte.
"""

from __future__ import annotations

import bisect
import json
import re
import warnings
from dataclasses import dataclass, replace

from kast.config import Settings
from kast.core import describe_internal_error, k000_if_selected, lint_text
from kast.diagnostics import Diagnostic, FileResult, Fix, Span
from kast.parse import MAX_BYTES, SourceError, check_syntax

# Embedded outputs (plots, tables) make notebooks far larger than their code;
# the code itself is held to the core's MAX_BYTES once the cells are joined.
MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024
# IPython escapes at the start of a statement: magic (%), shell (!), help (?),
# and the autocall forms `,f a b`, `;f a b`, `/f a b`.  None of them begins Python.
_ESCAPES = ("%", "!", "?", ",", ";", "/")
# Augmented and comparison operators whose `=` is not an assignment's.
_NOT_ASSIGNMENT_BEFORE = frozenset("=!<>:+-*/%&|^@")
_LINE_NUMBER = re.compile(r"\bline (\d+)\b")
# Cell magics whose body IPython runs as Python in the notebook's namespace.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
# IPython's default line magics and POSIX aliases: with automagic on (the default),
# `ls ./data` or `pip install x` without the `%` runs the magic.
AUTOMAGICS = frozenset("""
    alias alias_magic autoawait autocall automagic autosave bookmark cat cd clear colors conda config
    connect_info cp debug dhist dirs doctest_mode ed edit env gui hist history killbgscripts ldir less lf lk
    ll load load_ext loadpy logoff logon logstart logstate logstop ls lsmagic lx macro magic mamba man
    matplotlib micromamba mkdir more mv notebook page pastebin pdb pdef pdoc pfile pinfo pinfo2 pip popd
    pprint precision prun psearch psource pushd pwd pycat pylab qtconsole quickref recall rehashx reload_ext
    rep rerun reset reset_selective rm rmdir run save sc set_env store sx system tb time timeit unalias
    unload_ext uv who who_ls whos xdel xmode
""".split())
_AUTOMAGIC = re.compile(r"(?P<name>[A-Za-z_]\w*)[ \t]+\S")
_INDENT = re.compile(r"[ \t]+")
# Prompts IPython takes off code pasted from a session, when the cell's first line has one:
# the classic `>>> ` / `... ` and IPython's own `In [3]: ` / `   ...: `.
_PROMPTS = (re.compile(r"(?:>>>|\.\.\.)(?: |$)"), re.compile(r"(?:In \[\d+\]: |\s*\.\.\.+: )"))
# Compile a cell as IPython does: top-level `await` is allowed (autoawait).
_CELL_FLAGS = 0x400 | 0x2000  # ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


@dataclass(frozen=True, slots=True)
class CodeCell:
    """One code cell: its original text, its masked Python lines, where it sits in the joined script."""

    number: int  # 1-based position among all the notebook's cells
    source: str
    lines: tuple[str, ...]  # masked and dedented, line breaks removed
    first_line: int = 1  # line of the joined script that holds the cell's first line
    shifts: tuple[int, ...] = ()  # columns the leading-indent cleanup removed from each line

    @property
    def python(self) -> str:
        return "".join(line + "\n" for line in self.lines)

    def line_length(self, line: int) -> int:
        return len(self.lines[line - 1])

    def shift(self, line: int) -> int:
        """Columns to add to a column of `line` (1-based, within the cell) to count in the source as written."""
        return self.shifts[line - 1] if 0 < line <= len(self.shifts) else 0


def lint_notebook(data: bytes, path: str, settings: Settings) -> FileResult:
    """Lint one .ipynb file's bytes; never raises."""
    result = FileResult(path)
    cells: list[CodeCell] = []
    try:
        cells = read_code_cells(data)
        if cells:
            result.diagnostics = _lint_cells(cells, path, settings)
    except SourceError as error:
        result.diagnostics = k000_if_selected(path, error, settings)
    except RecursionError:
        result.diagnostics = k000_if_selected(path, SourceError("too deeply nested to analyse"), settings)
    except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the others
        result.internal_error = describe_internal_error(exc)
    result.warnings = _noqa_warnings(cells, path)
    shown = {d.cell for d in result.diagnostics} | {r.cell for d in result.diagnostics for r in d.related}
    if shown - {None}:
        result.cell_sources = {cell.number: cell.source for cell in cells if cell.number in shown}
    return result


def _noqa_warnings(cells: list[CodeCell], path: str) -> list[str]:
    from kast.suppress import unknown_noqa_codes

    return [f"{path}:cell {cell.number}:{line}: {problem}"
            for cell in cells for line, problem in unknown_noqa_codes(cell.python)]


def read_code_cells(data: bytes) -> list[CodeCell]:
    """The code cells of a Python notebook, masked and placed; SourceError if it is no notebook."""
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise SourceError(f"notebook too large to analyse ({len(data) / 1e6:.1f} MB > {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not a valid notebook: invalid UTF-8 byte 0x{data[exc.start]:02x} at offset {exc.start}") from None
    if not text.strip():
        return []  # an empty file is an empty notebook, as editors create it
    notebook = _read_notebook(text)
    if not _is_python(notebook.get("metadata")):
        return []
    raw_cells = notebook.get("cells")
    if not isinstance(raw_cells, list):
        raise SourceError("not a valid notebook: it has no list of cells")
    cells: list[CodeCell] = []
    first_line = 1
    for number, cell in enumerate(raw_cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if not isinstance(source, str):
            raise SourceError(f"not a valid notebook: cell {number} has no source text")
        lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if lines[-1] == "":
            lines.pop()
        python = python_lines(lines)
        if python is None:
            continue
        masked, shifts = python
        cells.append(CodeCell(number, source, tuple(masked), first_line, tuple(shifts)))
        first_line += len(lines)
    if sum(len(cell.python) for cell in cells) > MAX_BYTES:
        raise SourceError(f"code cells too large to analyse (> {MAX_BYTES / 1e6:.0f} MB of code)")
    return cells


def _read_notebook(text: str) -> dict[str, object]:
    import nbformat.converter  # noqa: PLC0415 - nbformat costs ~90 ms at import; only notebooks need it
    import nbformat.reader  # noqa: PLC0415

    try:
        raw = nbformat.reader.parse_json(text)
    except nbformat.reader.NotJSONError as exc:
        cause = exc.__cause__
        if isinstance(cause, json.JSONDecodeError):
            raise SourceError(f"not a valid notebook: not JSON ({cause.msg})", cause.lineno, cause.colno - 1) from None
        raise SourceError("not a valid notebook: not JSON") from None
    if not isinstance(raw, dict) or "nbformat" not in raw:
        raise SourceError("not a valid notebook: the JSON has no 'nbformat' version")
    major = raw["nbformat"]
    if not isinstance(major, int) or isinstance(major, bool) or major not in nbformat.versions:
        raise SourceError(f"not a valid notebook: unknown nbformat version {major!r}")
    try:
        notebook = nbformat.versions[major].to_notebook_json(raw, minor=raw.get("nbformat_minor", 0))
        notebook = nbformat.converter.convert(notebook, 4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises ValidationError, KeyError, TypeError... on malformed cells
        raise SourceError(f"not a valid notebook: {_first_line(exc)}") from None
    return dict(notebook)


def _first_line(exc: Exception) -> str:
    message = str(getattr(exc, "message", "") or exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__


def _is_python(metadata: object) -> bool:
    """False only when the notebook says its kernel speaks another language."""
    if not isinstance(metadata, dict):
        return True
    for key, field in (("language_info", "name"), ("kernelspec", "language")):
        info = metadata.get(key)
        language = info.get(field) if isinstance(info, dict) else None
        if isinstance(language, str) and language:
            return language.lower().startswith(("python", "ipython"))
    return True


def python_lines(lines: list[str]) -> tuple[list[str], list[int]] | None:
    """A code cell's lines as the Python IPython runs, line for line, with the columns each lost; None if no Python.

    None for an empty cell and for a cell handed to a cell magic that does not
    run Python (`%%bash`, `%%writefile`...).  The first line of a `%%time`-like
    cell becomes blank; the indentation of the first non-blank line is taken
    off every line that starts with it (IPython's leading-indent cleanup).
    """
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None
    lines = list(lines)
    stripped = lines[first].lstrip(" \t")
    if stripped.startswith("%%"):
        name = stripped[2:].split(maxsplit=1)[0] if stripped[2:].strip() else ""
        if name not in PYTHON_CELL_MAGICS:
            return None
        lines[first] = ""
        first = next((index for index, line in enumerate(lines) if line.strip()), None)
        if first is None:
            return None
    shifts = [0] * len(lines)
    indent = _INDENT.match(lines[first])
    if indent is not None:
        space = indent.group(0)
        for index, line in enumerate(lines):
            if line.startswith(space):
                lines[index] = line[len(space):]
                shifts[index] = len(space)
    for prompt in _PROMPTS:
        if prompt.match(lines[first]):
            for index, line in enumerate(lines):
                found = prompt.match(line)
                if found is not None:
                    lines[index] = line[found.end():]
                    shifts[index] += found.end()
            break
    return mask_ipython(lines), shifts


# --- IPython syntax, masked line for line -----------------------------------


@dataclass(slots=True)
class _LineScan:
    """What one physical line leaves open, and where its comment and first `=` are."""

    quote: str | None  # the open string's delimiter at the end of the line
    depth: int  # open brackets at the end of the line
    continued: bool  # ends with a backslash outside any string
    code_end: int  # where a comment starts, else the line's length
    assign_at: int  # index of the first bare `=` at bracket depth 0, else -1


def mask_ipython(lines: list[str]) -> list[str]:
    """The cell's lines with IPython syntax replaced by Python that parses in any indentation.

    Only a line that begins a statement is looked at: one outside any string,
    bracket or backslash continuation.  `%magic`, `!shell`, `?help` and the
    autocall escapes become `pass` at the same indentation; `x = !ls` and
    `x = %time f()` keep their target (`x = ...`); `obj?` / `obj??` become
    `pass`.  Continuation lines of a masked line (trailing backslash) become
    blank.  Everything else, `%` and `!=` inside expressions and all text in
    strings included, is left exactly as it is.
    """
    masked: list[str] = []
    quote: str | None = None
    depth = 0
    continued = False
    index = 0
    while index < len(lines):
        line = lines[index]
        statement_start = quote is None and depth == 0 and not continued
        replacement: str | None = None
        scan = _scan(line, quote, depth)
        if statement_start:
            replacement = _masked_statement(line, scan)
        if replacement is None:
            masked.append(line)
            quote, depth, continued = scan.quote, scan.depth, scan.continued
            index += 1
            continue
        masked.append(replacement)
        quote, depth, continued = None, 0, False
        # IPython joins an escaped line with the lines its trailing backslashes continue.
        while lines[index].endswith("\\") and index + 1 < len(lines):
            index += 1
            masked.append("")
        index += 1
    return masked


def _masked_statement(line: str, scan: _LineScan) -> str | None:
    code = line.lstrip(" \t\f")
    indent = line[: len(line) - len(code)]
    if code.startswith(_ESCAPES):
        return indent + "pass"
    if scan.assign_at >= 0:
        value = line[scan.assign_at + 1 :].lstrip(" \t")
        if value.startswith(("!", "%")):
            return line[: scan.assign_at + 1] + " ..."
    clean = scan.quote is None and scan.depth == 0 and not scan.continued
    if clean and line[: scan.code_end].rstrip().endswith("?"):
        return indent + "pass"  # `obj?` / `obj??`: `?` is never Python outside a string
    if clean and _is_automagic(line[: scan.code_end].strip()):
        return indent + "pass"
    return None


def _is_automagic(code: str) -> bool:
    """`ls ./data`, `pip install x`, `cd ..`: a magic's name, a space, then what no Python line can be."""
    match = _AUTOMAGIC.match(code)
    if match is None or match.group("name") not in AUTOMAGICS:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(code, "<cell>", "exec", flags=_CELL_FLAGS, dont_inherit=True)
    except SyntaxError:
        return True  # as Python it cannot run: IPython runs the magic
    except (ValueError, RecursionError, MemoryError):
        return False
    return False  # `time (x)`, `ls - la`: Python as written


def _scan(line: str, quote: str | None, depth: int) -> _LineScan:
    """Follow strings, comments and brackets through one physical line."""
    length = len(line)
    code_end = length
    assign_at = -1
    escaped_newline = False
    index = 0
    while index < length:
        char = line[index]
        if quote is not None:
            if char == "\\":
                escaped_newline = index + 1 == length
                index += 2
            elif line.startswith(quote, index):
                index += len(quote)
                quote = None
            else:
                index += 1
            continue
        if char == "#":
            code_end = index
            break
        if char in "'\"":
            quote = char * 3 if line.startswith(char * 3, index) else char
            index += len(quote)
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(depth - 1, 0)
        elif char == "=":
            if line.startswith("==", index):
                index += 2
                continue
            before = line[index - 1] if index else ""
            if depth == 0 and assign_at < 0 and before not in _NOT_ASSIGNMENT_BEFORE:
                assign_at = index
        index += 1
    if quote in ("'", '"') and not escaped_newline:
        quote = None  # an unterminated one-line string: a syntax error the compiler reports
    continued = quote is None and code_end == length and line.endswith("\\")
    return _LineScan(quote, depth, continued, code_end, assign_at)


# --- linting and mapping back -------------------------------------------------


def _lint_cells(cells: list[CodeCell], path: str, settings: Settings) -> list[Diagnostic]:
    """One K000 for each cell that does not compile on its own; the others linted as one script, in order."""
    broken: list[Diagnostic] = []
    runnable: list[CodeCell] = []
    for cell in cells:
        try:
            check_syntax(cell.python, _CELL_FLAGS)
        except SourceError as error:
            broken.extend(_in_cell(d, cell) for d in k000_if_selected(path, error, settings))
            continue
        runnable.append(cell)
    placed: list[CodeCell] = []
    first_line = 1
    for cell in runnable:
        placed.append(replace(cell, first_line=first_line))
        first_line += len(cell.lines)
    diagnostics = broken
    if placed:
        script = "".join(cell.python for cell in placed)
        locator = _CellLocator(placed)
        diagnostics += [locator.place(d) for d in lint_text(script, path, settings)]
    return sorted(diagnostics, key=lambda d: d.sort_key)


def _in_cell(diagnostic: Diagnostic, cell: CodeCell) -> Diagnostic:
    """A K000 found in one cell alone: its line already counts within the cell."""
    last = len(cell.lines)
    span = diagnostic.span
    if span.line > last:  # "expected an indented block" past the cell's end
        column = cell.line_length(last)
        span = Span(last, column, last, column + 1)
    shift = cell.shift(span.line)
    span = Span(span.line, span.column + shift, span.end_line, span.end_column + cell.shift(span.end_line))
    return replace(diagnostic, span=span, cell=cell.number)


class _CellLocator:
    """Turns lines of the joined script into (cell, line within the cell)."""

    def __init__(self, cells: list[CodeCell]) -> None:
        self.cells = cells
        self.starts = [cell.first_line for cell in cells]

    def cell_of(self, line: int) -> CodeCell:
        return self.cells[max(bisect.bisect_right(self.starts, line) - 1, 0)]

    def span(self, span: Span) -> tuple[CodeCell, Span]:
        """The span within its start cell; one that runs into the next cell ends with its own."""
        cell = self.cell_of(span.line)
        last = len(cell.lines)
        line, column = span.line - cell.first_line + 1, span.column
        if line > last:  # past the end of the script (an error at EOF)
            line, column = last, cell.line_length(last)
        end_line, end_column = span.end_line - cell.first_line + 1, span.end_column
        if end_line > last or (end_line, end_column) < (line, column):
            end_line, end_column = last, max(cell.line_length(last), column)
            if end_line == line and end_column == column:
                end_column += 1
        return cell, Span(line, column + cell.shift(line), end_line, end_column + cell.shift(end_line))

    def place(self, diagnostic: Diagnostic) -> Diagnostic:
        cell, span = self.span(diagnostic.span)
        related = []
        for note in diagnostic.related:
            note_cell, note_span = self.span(note.span)
            related.append(replace(note, span=note_span, cell=note_cell.number))
        message = diagnostic.message
        if diagnostic.code == "K000":
            message = _LINE_NUMBER.sub(lambda m: self._line_words(int(m.group(1)), cell), message)
        return replace(
            diagnostic,
            span=span,
            cell=cell.number,
            related=tuple(related),
            message=message,
            fix=self._fix(diagnostic.fix, cell),
        )

    def _fix(self, fix: Fix | None, cell: CodeCell) -> Fix | None:
        """Each edit placed in its own cell (an import may go to an earlier one); None when one crosses cells."""
        if fix is None:
            return None
        edits = []
        for edit in fix.edits:
            edit_cell, span = self.span(edit.span)
            if span.end_line - span.line != edit.span.end_line - edit.span.line:
                return None
            if "\n" in edit.replacement and any(edit_cell.shifts):
                return None  # new lines would need the indentation the cleanup took off
            edits.append(replace(edit, span=span, cell=edit_cell.number))
        return replace(fix, edits=tuple(edits))

    def _line_words(self, line: int, here: CodeCell) -> str:
        """`line N` of the joined script, said the way the user sees it."""
        cell = self.cell_of(line)
        local = line - cell.first_line + 1
        return f"line {local}" if cell is here else f"line {local} of cell {cell.number}"


# --- the sources in the notebook's own JSON text ----------------------------------------------------

_WHITESPACE = re.compile(r"[ \t\n\r]*")


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """Where one cell's `source` value lies in the notebook's JSON text, and the raw text of its pieces."""

    start: int
    end: int
    pieces: tuple[tuple[int, int], ...] | None  # (start, end) of each string of a list source; None for a string
    values: tuple[str, ...]  # the decoded strings (one for a string source)


def cell_source_spans(text: str) -> list[SourceSpan | None]:
    """For each cell of an nbformat 4 notebook's JSON text, in order, where its source is (None: no source).

    Values that kast does not edit (outputs, metadata) are skipped by the C JSON
    decoder; only the path `cells[i].source` is walked here.  ValueError when
    the text is not such a notebook.
    """
    decoder = json.JSONDecoder()
    spans: list[SourceSpan | None] = []
    index = _WHITESPACE.match(text, 1 if text.startswith("\ufeff") else 0).end()  # type: ignore[union-attr]
    for key, at in _members(text, index, decoder):
        if key != "cells":
            continue
        if not text.startswith("[", at):
            raise ValueError("cells is not a list")
        for item in _elements(text, at, decoder):
            spans.append(_source_of_cell(text, item, decoder))
        return spans
    raise ValueError("no cells")


def with_cell_sources(text: str, sources: dict[int, str]) -> str:
    """The notebook's JSON text with the sources of some cells (1-based numbers) replaced, all else kept as it was.

    A source stored as a list of lines stays one: lines that did not change
    keep their raw text, and new lines are written in the layout of the old
    ones (the same separator and indentation).
    """
    spans = cell_source_spans(text)
    ascii_only = text.isascii() and "\\u" in text
    out: list[str] = []
    cursor = 0
    for number in sorted(sources):
        span = spans[number - 1] if 0 < number <= len(spans) else None
        if span is None:
            raise ValueError(f"cell {number} has no source")
        out.append(text[cursor:span.start])
        out.append(_source_json(text, span, sources[number], ascii_only))
        cursor = span.end
    out.append(text[cursor:])
    return "".join(out)


def _source_json(text: str, span: SourceSpan, source: str, ascii_only: bool) -> str:
    if span.pieces is None:
        return json.dumps(source, ensure_ascii=ascii_only)
    lines = source.splitlines(keepends=True)
    if not lines:
        return "[]"
    pieces = span.pieces
    if not pieces:
        return "[" + ", ".join(json.dumps(line, ensure_ascii=ascii_only) for line in lines) + "]"
    opening = text[span.start + 1:pieces[0][0]]
    closing = text[pieces[-1][1]:span.end - 1]
    separator = text[pieces[0][1]:pieces[1][0]] if len(pieces) > 1 else "," + (opening or " ")
    import difflib

    raw: list[str] = []
    matcher = difflib.SequenceMatcher(None, span.values, lines, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            raw.extend(text[start:end] for start, end in pieces[old_start:old_end])
        else:
            raw.extend(json.dumps(line, ensure_ascii=ascii_only) for line in lines[new_start:new_end])
    return "[" + opening + separator.join(raw) + closing + "]"


def _members(text: str, index: int, decoder: json.JSONDecoder):  # type: ignore[no-untyped-def]
    """(key, index of the value) for each member of the object at `index`; the values are skipped."""
    if not text.startswith("{", index):
        raise ValueError("not an object")
    index = _WHITESPACE.match(text, index + 1).end()  # type: ignore[union-attr]
    if text.startswith("}", index):
        return
    while True:
        if not text.startswith('"', index):
            raise ValueError("expected a key")
        key, index = json.decoder.scanstring(text, index + 1)  # type: ignore[attr-defined]
        index = _WHITESPACE.match(text, index).end()  # type: ignore[union-attr]
        if not text.startswith(":", index):
            raise ValueError("expected ':'")
        index = _WHITESPACE.match(text, index + 1).end()  # type: ignore[union-attr]
        yield key, index
        _, index = decoder.raw_decode(text, index)
        index = _WHITESPACE.match(text, index).end()  # type: ignore[union-attr]
        if text.startswith("}", index):
            return
        if not text.startswith(",", index):
            raise ValueError("expected ','")
        index = _WHITESPACE.match(text, index + 1).end()  # type: ignore[union-attr]


def _elements(text: str, index: int, decoder: json.JSONDecoder) -> list[int]:
    """The index of each element of the array at `index`."""
    starts: list[int] = []
    index = _WHITESPACE.match(text, index + 1).end()  # type: ignore[union-attr]
    if text.startswith("]", index):
        return starts
    while True:
        starts.append(index)
        _, index = decoder.raw_decode(text, index)
        index = _WHITESPACE.match(text, index).end()  # type: ignore[union-attr]
        if text.startswith("]", index):
            return starts
        if not text.startswith(",", index):
            raise ValueError("expected ','")
        index = _WHITESPACE.match(text, index + 1).end()  # type: ignore[union-attr]


def _source_of_cell(text: str, index: int, decoder: json.JSONDecoder) -> SourceSpan | None:
    if not text.startswith("{", index):
        return None
    for key, at in _members(text, index, decoder):
        if key != "source":
            continue
        value, end = decoder.raw_decode(text, at)
        if isinstance(value, str):
            return SourceSpan(at, end, None, (value,))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return None
        pieces = []
        for start in _elements(text, at, decoder):
            _, stop = decoder.raw_decode(text, start)
            pieces.append((start, stop))
        return SourceSpan(at, end, tuple(pieces), tuple(value))
    return None
