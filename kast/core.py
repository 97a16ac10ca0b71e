"""Linting one script's text: parse -> picture -> rules -> diagnostics.

`lint_text` parses the text once (through `kast.parse` and its guard rails),
builds the semantic picture once, lets every selected rule judge it, and
applies the `# noqa` comments.  Bad input becomes a K000 diagnostic.  Which
kind of file a path holds (a script, a notebook) is decided above this module,
in `kast.api`.
"""

from __future__ import annotations

import gc
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import libcst as cst

from kast.analysis.interpreter import build_picture
from kast.analysis.picture import Picture
from kast.config import Settings
from kast.diagnostics import Diagnostic, Edit, Fix, Related, Severity, Span
from kast.parse import (  # noqa: F401 - re-exported: the parser's names as the benchmark and tests know them
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NESTING,
    PIECE_LINES,
    PIECES_ABOVE_LINES,
    SourceError,
    check_syntax,
    decode_source,
    parse,
    parse_in_pieces,
)
from kast.rules import BY_CODE, RULES, Rule
from kast.rules.base import FixPlan

# A file that mentions none of these is only checked for syntax errors.
_ML_MENTION = re.compile(rb"keras|tensorflow|tf_keras|sklearn")


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


def describe_internal_error(exc: BaseException) -> str:
    """One line naming an exception inside kast and where it was raised."""
    import traceback  # an internal error only

    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" ({Path(frame.filename).name}:{frame.lineno})" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"
