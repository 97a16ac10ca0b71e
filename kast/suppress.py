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
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from kast.diagnostics import Diagnostic

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
            codes = frozenset(code.upper() for code in _CODE.findall(codes_text))
            previous = by_line.get(line, frozenset())
            by_line[line] = ALL if previous is ALL else previous | codes
    return Suppressions(by_line, file_all, tuple(prefixes))


def apply(text: str, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """`diagnostics` without those that a comment of `text` silences."""
    if not diagnostics:
        return diagnostics
    suppressions = parse_suppressions(text)
    if not suppressions.by_line and not suppressions.file_all and not suppressions.file_prefixes:
        return diagnostics
    return [d for d in diagnostics if not suppressions.silences(d)]
