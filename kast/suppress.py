"""`# noqa` suppressions, applied centrally after the rules have run.

The grammar is flake8's and Ruff's:

- `# noqa` on a line silences every kast finding reported on that line;
- `# noqa: K101` / `# noqa: K101, K203` silences only those codes (codes of other
  tools, `# noqa: E501`, never silence kast);
- `# kast: noqa` on a line of its own silences the whole file, and
  `# kast: noqa: K2, K403` silences those codes or prefixes in the whole file.

Comments are found with `tokenize`, so a `#` inside a string is never read as
one.  A finding counts as being on a line when its span starts or ends there,
so a comment after the closing bracket of a multi-line call works too.

A kast code that no rule has (`# noqa: K999`) silences nothing and is
reported as a warning, with the nearest code.  `noqa_change` writes the
comment for the editor's "Disable CODE for this line".
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from kast.diagnostics import LINE_BREAK, Diagnostic, line_starts
from kast.fix import TextChange

# `noqa` then optionally `:` and codes; flake8 accepts `noqa:K101` and `NOQA : K101` alike.
LINE_NOQA = re.compile(r"#\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_FILE_NOQA = re.compile(r"#\s*kast\s*:\s*noqa(?P<rest>\s*:\s*(?P<codes>[A-Za-z0-9,\s]*))?\s*$", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]*", re.IGNORECASE)
# Cheap test before tokenizing: no `noqa` anywhere means nothing to find.
_MENTION = re.compile(r"noqa", re.IGNORECASE)

ALL = None  # a bare `# noqa`: every code


@dataclass(frozen=True, slots=True)
class Suppressions:
    """The suppression comments of one file."""

    # line -> codes silenced there, or ALL
    by_line: dict[int, frozenset[str] | None] = field(default_factory=dict)
    file_all: bool = False
    file_prefixes: tuple[str, ...] = ()

    def silences(self, diagnostic: Diagnostic) -> bool:
        code = diagnostic.code
        if self.file_all or any(code.startswith(prefix) for prefix in self.file_prefixes):
            return True
        for line in {diagnostic.span.line, diagnostic.span.end_line}:
            if line in self.by_line:
                codes = self.by_line[line]
                if codes is ALL or code in codes:
                    return True
        return False


def _comments(text: str) -> list[tuple[int, str, bool]]:
    """(line, comment text, comment stands alone on its line) for every comment of `text`.

    A file that stops tokenizing part-way (a syntax error) keeps the comments
    found before the error.
    """
    found: list[tuple[int, str, bool]] = []
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    last_line_with_code = 0
    try:
        for token in tokens:
            if token.type == tokenize.COMMENT:
                found.append((token.start[0], token.string, last_line_with_code != token.start[0]))
            elif token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
                last_line_with_code = token.end[0]
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def parse_suppressions(text: str) -> Suppressions:
    """The `# noqa` and `# kast: noqa` comments of a script."""
    if not _MENTION.search(text):
        return Suppressions()
    by_line: dict[int, frozenset[str] | None] = {}
    file_all = False
    prefixes: list[str] = []
    for line, comment, alone in _comments(text):
        if not _MENTION.search(comment):
            continue
        file_match = _FILE_NOQA.search(comment)
        if file_match and alone:
            codes = _CODE.findall(file_match.group("codes") or "")
            if file_match.group("rest") is None or not codes:
                file_all = True
            else:
                prefixes.extend(code.upper() for code in codes)
            continue
        if file_match:
            continue  # `# kast: noqa` after code is not a file-level directive, nor a line one
        line_match = LINE_NOQA.search(comment)
        if line_match is None:
            continue
        codes_text = line_match.group("codes")
        if codes_text is None:
            by_line[line] = ALL
        else:
            silenced = frozenset(code.upper() for code in _CODE.findall(codes_text))
            previous = by_line.get(line, frozenset())
            by_line[line] = ALL if previous is ALL else previous | silenced
    return Suppressions(by_line, file_all, tuple(prefixes))


def apply(text: str, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """`diagnostics` without those that a comment of `text` silences."""
    if not diagnostics:
        return diagnostics
    suppressions = parse_suppressions(text)
    if not suppressions.by_line and not suppressions.file_all and not suppressions.file_prefixes:
        return diagnostics
    return [d for d in diagnostics if not suppressions.silences(d)]


# --- unknown codes -----------------------------------------------------------------------------------

# A `noqa` comment that names a code that could be kast's (K and digits).
_KAST_CODES_MENTION = re.compile(r"noqa[^\n]*\bK[0-9]", re.IGNORECASE)
_KAST_CODE = re.compile(r"^K[0-9]+$")


def unknown_noqa_codes(text: str) -> list[tuple[int, str]]:
    """(line, what is wrong) for each kast code in a `# noqa` comment that no rule has."""
    if not _KAST_CODES_MENTION.search(text):
        return []
    from kast.config import known_codes, nearest_code

    codes = known_codes()
    problems: list[tuple[int, str]] = []
    for line, comment, alone in _comments(text):
        file_match = _FILE_NOQA.search(comment)
        if file_match and alone:
            # File-wide codes may be prefixes: one that starts no code silences nothing.
            named = [c.upper() for c in _CODE.findall(file_match.group("codes") or "")]
            unknown = [c for c in named if c.startswith("K") and not any(k.startswith(c) for k in codes)]
        else:
            match = None if file_match else LINE_NOQA.search(comment)
            if match is None or match.group("codes") is None:
                continue
            named = [c.upper() for c in _CODE.findall(match.group("codes"))]
            unknown = [c for c in named if _KAST_CODE.match(c) and c not in codes]
        for code in unknown:
            nearest = nearest_code(code)
            hint = f" (did you mean {nearest}?)" if nearest else ""
            problems.append((line, f"unknown rule code {code} in a `# noqa` comment silences nothing{hint}"))
    return problems


# --- editing: the quick fix "Disable CODE for this line" -------------------------------------------------


def _comments_and_open_lines(text: str) -> tuple[dict[int, str], set[int]]:
    """Comment text by 1-based line, and the lines whose end lies inside a token (a multi-line string).

    A text that stops tokenizing part-way keeps what was found before the error.
    """
    comments: dict[int, str] = {}
    open_lines: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.string
            elif token.start[0] < token.end[0] and token.type not in (tokenize.NEWLINE, tokenize.NL):
                open_lines.update(range(token.start[0], token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        pass
    return comments, open_lines


def noqa_change(text: str, lines: tuple[int, ...] | list[int], code: str) -> TextChange | None:
    """The edit that silences `code` with a `# noqa` comment on the first of `lines` that can hold one.

    An existing `# noqa: K101` is extended to `# noqa: K101, K102`; a new comment is
    appended at the end of the line (after any other comment, as flake8 and Ruff
    read it).  A line whose end is inside a string or continued by a backslash
    cannot take a comment.  None when a bare `# noqa` is already there, or no line can.
    """
    split = LINE_BREAK.split(text)
    starts = line_starts(text)
    comments, open_lines = _comments_and_open_lines(text)
    for line in lines:
        if not 0 < line <= len(split) or line in open_lines:
            continue
        line_text = split[line - 1]
        comment = comments.get(line)
        if comment is None:
            code_part = line_text.rstrip()
            if code_part.endswith("\\"):
                continue
            start = starts[line - 1] + len(code_part)
            return TextChange(start, starts[line - 1] + len(line_text), f"  # noqa: {code}")
        comment = comment.rstrip()
        comment_start = line_text.rfind(comment)
        match = LINE_NOQA.search(comment)
        if match is None:
            end = starts[line - 1] + len(line_text)
            return TextChange(starts[line - 1] + comment_start + len(comment), end, f"  # noqa: {code}")
        if match.group("codes") is None:
            return None  # a bare noqa comment silences every code already
        insert_at = starts[line - 1] + comment_start + match.end("codes")
        return TextChange(insert_at, insert_at, f", {code}")
    return None
