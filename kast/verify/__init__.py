"""The runtime verifier: `kast lint --verify` builds each model with TensorFlow.

Static analysis sees the script's text; the verifier builds the models the
script defines, with real Keras, and checks what static analysis concluded.
It runs parts of the user's code, so it runs only when asked: the default
path never imports TensorFlow and never executes anything.

For each model of the static picture:
1. `slicer` cuts the statements that build and compile it (imports,
   constants, helpers, the model's own statements; never data loading, fit,
   predict, I/O or plotting; unknown values become placeholders);
2. `process` runs the slices in one child process (TensorFlow imported once,
   CPU only, silenced, time- and memory-limited), which `sandbox` confines by
   the operating system's own means (namespaces, rlimits, Landlock, seccomp);
3. `judge` puts the built model's real output and loss into the picture and
   lets the K1 rules judge again: each K1 finding is confirmed or refuted,
   K902 reports what only the built model shows, K901 a build that fails.

Install with `pip install 'kast-lint[verify]'`.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Any

from kast import DISTRIBUTION

INSTALL_HINT = f"pip install '{DISTRIBUTION}[verify]'"
_VERIFIABLE_KINDS = ("sequential", "functional", "subclassed")


@dataclass
class ModelReport:
    """What happened to one model."""

    path: str
    line: int
    name: str
    built: bool
    reason: str | None = None  # why it could not be verified
    placeholders: list[str] = field(default_factory=list)  # values that were guessed, and used
    fixes: list[str] = field(default_factory=list)  # codes of kast's safe fixes the build was made with
    seconds: float | None = None
    outputs: list[dict[str, Any]] = field(default_factory=list)  # activation, units, shape, range, row sums
    loss: Any = None  # the compiled loss as the built model has it
    cell: int | None = None  # a notebook's code cell (1-based) that holds `line`


@dataclass
class Report:
    """The verifier's run: per model, and the cost."""

    models: list[ModelReport] = field(default_factory=list)
    startup_seconds: float | None = None
    versions: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)  # files not verified, and why
    layers: dict[str, str] = field(default_factory=dict)  # the child's confinement, layer by layer
    cached: int = 0  # answers read from the cache instead of building

    def to_json(self) -> dict[str, Any]:
        return {
            "tensorflow": self.versions.get("tensorflow"),
            "keras": self.versions.get("keras"),
            "tf_keras": self.versions.get("tf_keras"),
            "startup_seconds": None if self.startup_seconds is None else round(self.startup_seconds, 3),
            "seconds": round(self.seconds, 3),
            "cached": self.cached,
            "models": [
                {"path": m.path, "line": m.line, "cell": m.cell, "name": m.name, "built": m.built, "reason": m.reason,
                 "placeholders": m.placeholders, "fixes": m.fixes, "seconds": m.seconds, "outputs": m.outputs, "loss": m.loss}
                for m in self.models
            ],
        }


def missing() -> str | None:
    """Why --verify cannot run here (TensorFlow not installed), or None.  Imports nothing."""
    if sys.platform == "win32":
        # The child's private answer channel is a pipe passed by descriptor, which Windows has not.
        return "--verify is not available on Windows: run it under WSL or on Linux"
    if importlib.util.find_spec("tensorflow") is None:
        return f"--verify needs TensorFlow, which is not installed; install it with: {INSTALL_HINT}"
    return None


@dataclass
class _Planned:
    model: Any
    name: str
    line: int
    job: dict[str, Any] | None
    reason: str | None
    answer: dict[str, Any] | None = None
    piece: Any = None  # the slicer's Slice


_JUDGED = "K1"


def _safe_fixed(result: Any, text: str, settings: Any) -> tuple[str, list[str]]:
    """The text the models are built from: the script with every safe fix of kast's applied.

    Old arguments (`lr=`), moved imports (`keras.layers.core`) and renamed APIs
    would stop the build before anything is checked; kast's own safe fixes are
    the script as its author meant it for today's Keras.  Used only when the
    fixes keep every line where it was (the static findings point at lines).
    Returns the text and the codes of the fixes applied.
    """
    if not any(d.fix is not None and d.fix.safe and not d.code.startswith(_JUDGED) for d in result.diagnostics):
        return text, []
    from dataclasses import replace as with_changes

    from kast.fix import fix_text

    # The findings the build is to judge (K1) keep their mistakes: fixing them would refute them.
    fixing = with_changes(settings, select=("ALL",), extend_select=(), ignore=(_JUDGED, "K9"))
    try:
        outcome = fix_text(text, result.path, fixing)
    except Exception:  # noqa: BLE001 - the original text is still a fine thing to build
        return text, []
    if not outcome.fixed or outcome.text.count("\n") != text.count("\n"):
        return text, []
    return outcome.text, sorted({d.code for d in outcome.fixed})


def verify(items: list[tuple[Any, str, Any]], time_limit: float | None = None,
           cache_folder: Any = None) -> Report:
    """Verify the models of each (FileResult, source text, Settings); updates the results in place.

    With `cache_folder`, answers are kept there by slice content (`kast.verify.cache`)."""
    from kast.verify.process import TIME_LIMIT, ChildFailed, Pool

    started = time.perf_counter()
    report = Report()
    import os

    pool = Pool(sorted({os.path.dirname(os.path.abspath(result.path)) for result, _, _ in items}))
    limit = time_limit or TIME_LIMIT
    try:
        answers: dict[str, dict[str, Any]] = {}
        if cache_folder is not None:
            from kast.verify.cache import AnswerCache

            pool.cache = AnswerCache(cache_folder)
        for result, text, settings in items:
            _verify_file(result, text, settings, pool, report, limit, answers)
    except ChildFailed as exc:
        raise RuntimeError(f"the verifier could not start TensorFlow: {exc}") from None
    finally:
        pool.close()
    report.startup_seconds = pool.startup_seconds
    report.versions = pool.versions
    report.layers = pool.layers
    report.seconds = time.perf_counter() - started
    return report


def _plan(picture: Any, tree: ast.Module, path: str, limit: float, next_id: int) -> list[_Planned]:
    from kast.verify.slicer import cut

    planned: list[_Planned] = []
    for model in picture.models:
        if model.kind not in _VERIFIABLE_KINDS:
            continue
        bindings = [b for b in picture.model_bindings if b.model is model]
        if not bindings:
            line = picture.span(model.node).line
            planned.append(_Planned(model, "?", line, None, "the model is never bound to a name"))
            continue
        binding = min(bindings, key=lambda b: b.depth)
        nodes = [binding.statement] + [c.node for c in model.compiles] + [e.node for e in model.entries]
        spans = picture.spans(nodes)
        line = spans[binding.statement].line
        anchors = [spans[n].line for n in nodes if n in spans]
        piece = cut(tree, binding.name, line, anchors, path)
        if piece.problem:
            planned.append(_Planned(model, binding.name, line, None, piece.problem, piece=piece))
        else:
            planned.append(_Planned(model, binding.name, line, piece.job(path, next_id + len(planned), limit), None,
                                    piece=piece))
    return planned


def _job_key(job: dict[str, Any]) -> str:
    """Slices with the same content get the same answer: build each once."""
    import hashlib

    content = json.dumps({k: v for k, v in job.items() if k not in ("id",)}, sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()


def _guess_reached(plan: _Planned) -> str | None:
    """Why a failed build is no finding: the failing statements use a value the slice only guessed."""
    answer = plan.answer or {}
    piece = plan.piece
    if answer.get("status") != "error" or piece is None or not piece.guesses:
        return None
    lines = set(answer.get("script_lines") or []) | ({answer["line"]} if isinstance(answer.get("line"), int) else set())
    if lines & set(piece.guessed_lines):
        return (f"the build failed on values the slice could only guess ({', '.join(piece.guesses)}: changed in "
                f"place by a statement --verify does not run): {_error_text(answer)}")
    return None


def _verify_file(result: Any, text: str, settings: Any, pool: Any, report: Report, limit: float,
                 answers: dict[str, dict[str, Any]], notebook: bool = False) -> None:
    import libcst as cst

    from kast.analysis.interpreter import build_picture

    if result.internal_error:
        return
    if result.path.endswith(".ipynb") and not notebook:
        _verify_notebook(result, text, settings, pool, report, limit, answers)
        return
    if any(d.code == "K000" for d in result.diagnostics):
        return
    try:
        module = cst.parse_module(text)
        tree = ast.parse(text, filename=result.path)
    except (cst.ParserSyntaxError, SyntaxError, ValueError, RecursionError, MemoryError):
        return
    picture = build_picture(module, result.path, source=text)
    build_text, fixes = _safe_fixed(result, text, settings)
    if fixes:
        try:
            tree = ast.parse(build_text, filename=result.path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            build_text, fixes = text, []
    planned = _plan(picture, tree, result.path, limit, len(report.models))
    for plan in planned:
        if plan.job is not None:
            plan.job["fixes"] = fixes
            key = _job_key(plan.job)
            if key not in answers:
                cached = pool.cache.get(key) if pool.cache is not None else None
                if cached is not None:
                    report.cached += 1
                    answers[key] = cached
                else:
                    answers[key] = pool.ask(plan.job)
                    if pool.cache is not None:
                        pool.cache.put(key, answers[key])
            plan.answer = dict(answers[key])
            if plan.answer.get("status") != "built":
                plan.reason = _guess_reached(plan) or plan.answer.get("reason") or _error_text(plan.answer)
        report.models.append(ModelReport(
            path=result.path, line=plan.line, name=plan.name, built=plan.reason is None, reason=plan.reason,
            fixes=fixes,
            placeholders=list((plan.answer or {}).get("placeholders_used", [])),
            seconds=(plan.answer or {}).get("seconds"),
            outputs=list((plan.answer or {}).get("outputs") or []),
            loss=(plan.answer or {}).get("loss"),
        ))
    _judge(result, text, settings, picture, planned, pool.versions, notebook)


def _verify_notebook(result: Any, text: str, settings: Any, pool: Any, report: Report, limit: float,
                     answers: dict[str, dict[str, Any]]) -> None:
    """A notebook's code cells, joined as kast lints them, verified as one script; findings back in cells."""
    from kast.notebook import read_code_cells
    from kast.parse import SourceError

    if any(d.code == "K000" for d in result.diagnostics):
        return
    try:
        cells = read_code_cells(text.encode("utf-8", "surrogateescape"))
    except (SourceError, ValueError, RecursionError):
        return
    if not cells:
        return
    script = "".join(cell.python for cell in cells)
    first = {cell.number: cell.first_line for cell in cells}

    def to_script(span: Any, cell: int | None) -> Any:
        shift = first.get(cell, 1) - 1 if cell is not None else 0
        return replace(span, line=span.line + shift, end_line=span.end_line + shift)

    def to_cell(span: Any) -> tuple[Any, int | None]:
        cell = max((c for c in cells if c.first_line <= span.line), key=lambda c: c.first_line, default=cells[0])
        shift = cell.first_line - 1
        return replace(span, line=span.line - shift, end_line=max(span.end_line - shift, 1)), cell.number

    result.diagnostics = [
        replace(d, span=to_script(d.span, d.cell), cell=None,
                related=tuple(replace(r, span=to_script(r.span, r.cell), cell=None) for r in d.related))
        for d in result.diagnostics]
    known = len(report.models)
    try:
        _verify_file(result, script, settings, pool, report, limit, answers, notebook=True)
    finally:
        placed = []
        for d in result.diagnostics:
            span, cell = to_cell(d.span)
            related = tuple(replace(r, span=to_cell(r.span)[0], cell=to_cell(r.span)[1]) for r in d.related)
            placed.append(replace(d, span=span, cell=cell, related=related))
        result.diagnostics = placed
        shown = {d.cell for d in placed} - {None}
        if shown:
            result.cell_sources = {cell.number: cell.source for cell in cells if cell.number in shown}
        for model in report.models[known:]:
            span, cell = to_cell(replace(placed[0].span if placed else _one_line(), line=model.line,
                                         end_line=model.line))
            model.line, model.cell = span.line, cell


def _one_line() -> Any:
    from kast.diagnostics import Span

    return Span(1, 0, 1, 0)


REFUSED = "refused by the sandbox"


def _error_text(answer: dict[str, Any]) -> str:
    message = " ".join(str(answer.get("message", "")).split())
    if len(message) > 300:
        message = message[:299] + "…"
    text = f"{answer.get('type', 'error')}: {message}" if message else str(answer.get("type", "error"))
    return f"{REFUSED}: {text}" if answer.get("refused") else text


# What stops a model from being verified, in the summary's words (first match wins).
_REASON_KINDS = (
    (REFUSED, "refused by the sandbox"),
    ("private answer channel", "wrote to kast's answer channel"),
    ("no answer within", "time limit"),
    ("longer than", "time limit"),
    ("MB of memory", "memory limit"),
    ("process exited", "the child process died"),
    ("ModuleNotFoundError", "a module that is not installed"),
    ("ImportError", "a module that is not installed"),
    ("only guess", "values the slice had to guess"),
    ("guessed", "values the slice had to guess"),
    ("placeholder", "values the slice had to guess"),
    ("is not a Keras model", "no Keras model after the build"),
    ("never bound", "the model has no name"),
    ("sys.exit", "the script exits"),
    ("not run by --verify", "needs data, a download or a prediction"),
)
# Reasons that are always printed, one line each: the sandbox stopped something.
_ALWAYS_SHOWN = ("refused by the sandbox", "wrote to kast's answer channel", "time limit", "memory limit",
                 "the child process died")


def reason_kind(reason: str) -> str:
    for needle, kind in _REASON_KINDS:
        if needle in reason:
            return kind
    return "an error in the build (K901 where it is the script's own)"


def notes(report: Report, verbose: bool = False) -> list[str]:
    """What kast says on stderr about a verification: a summary, and details when verbose."""
    from kast.verify import sandbox

    lines = []
    if not sandbox.IS_LINUX:
        lines.append(f"--verify runs parts of your scripts UNCONFINED on {sys.platform}: their code can read and "
                     "write your files and reach the network; run it only on code you trust")
    if verbose:
        lines.append("--verify runs parts of your scripts (imports, helpers and the statements that build each "
                     "model) with TensorFlow in a confined child process")
        lines += [f"sandbox: {name}: {text}" for name, text in report.layers.items()]
        for note in report.skipped:
            lines.append(note)
    kinds: dict[str, int] = {}
    for model in report.models:
        where = f"`{model.name}` ({model.path}:{f'cell {model.cell}:' if model.cell else ''}{model.line})"
        if model.built:
            if verbose:
                guessed = (f" with guessed values for {', '.join(model.placeholders)}: its output width is not "
                           "checked") if model.placeholders else ""
                fixed = f" built with kast's safe fixes for {', '.join(model.fixes)} applied" if model.fixes else ""
                lines.append(f"verified {where}{fixed}{guessed}")
            continue
        kind = reason_kind(model.reason or "")
        kinds[kind] = kinds.get(kind, 0) + 1
        if verbose or kind in _ALWAYS_SHOWN:
            lines.append(f"could not verify {where}: {model.reason}")
    built = sum(1 for m in report.models if m.built)
    files = len({m.path for m in report.models})
    by_reason = "; ".join(f"{count} {kind}" for kind, count in sorted(kinds.items(), key=lambda kv: -kv[1]))
    startup = f", TensorFlow start-up {report.startup_seconds:.1f} s" if report.startup_seconds else ""
    lines.append(f"--verify: {len(report.models)} model{'s' if len(report.models) != 1 else ''} in {files} "
                 f"file{'s' if files != 1 else ''}, {built} built"
                 + (f", {len(report.models) - built} not verified ({by_reason})" if by_reason else "")
                 + (f", {report.cached} from the cache" if report.cached else "")
                 + f", {report.seconds:.1f} s{startup}" + ("" if verbose else " (details with -v)"))
    return lines


def _names_argument(message: str, source: str) -> bool:
    """True when Keras's message quotes a name written in the finding's own span (`lr`, `Convolution2D`)."""
    import re

    return any(re.search(rf"(['\"`]){re.escape(name)}\1", message) for name in set(re.findall(r"[A-Za-z_]\w*", source)))


def _span_text(lines: list[str], span: Any) -> str:
    if not 0 < span.line <= len(lines):
        return ""
    if span.line == span.end_line:
        return lines[span.line - 1][span.column:span.end_column]
    return "\n".join(lines[span.line - 1:span.end_line])


def _judge(result: Any, text: str, settings: Any, picture: Any, planned: list[_Planned],
           versions: dict[str, str] | None = None, notebook: bool = False) -> None:
    from kast.core import judge as run_rules
    from kast.diagnostics import Span
    from kast.rules import BY_CODE, RULES
    from kast.verify import judge

    models = [p.model for p in planned]
    built = {id(p.model) for p in planned if p.answer is not None and p.answer.get("status") == "built"}
    static = list(result.diagnostics)
    owners = {id(d): judge.owner(picture, d, models) for d in static if d.code.startswith("K1")}
    for plan in planned:
        if id(plan.model) in built:
            judge.apply(picture, plan.model, plan.answer)  # type: ignore[arg-type]
    k1 = [r for r in RULES if r.code.startswith("K1") and settings.is_selected(r.code, r.severity)]
    again = run_rules(picture, k1) if built else []
    again_keys = {(d.code, d.span) for d in again}
    static_keys = {(d.code, d.span) for d in static}

    diagnostics = []
    for d in static:
        model = owners.get(id(d))
        if model is not None and id(model) in built:
            d = replace(d, verified=(d.code, d.span) in again_keys)
        diagnostics.append(d)

    added = []
    seen: set[tuple[str, Any]] = set()
    k902 = BY_CODE["K902"]
    if settings.is_selected(k902.code, k902.severity):
        for d in again:
            if (d.code, d.span) in static_keys or (d.code, d.span) in seen:
                continue  # one builder used for several models: one finding
            seen.add((d.code, d.span))
            model = judge.owner(picture, d, models)
            if model is None or id(model) not in built:
                continue
            added.append(replace(
                d, code=k902.code, name=k902.name, severity=k902.severity, verified=None,
                message=f"The built model shows what the script's text could not ({d.code} {d.name}): {d.message}",
            ))
    k901 = BY_CODE["K901"]
    lines = text.splitlines()
    versions = versions or {}
    made_with = f"Keras {versions.get('keras', '?')}, TensorFlow {versions.get('tensorflow', '?')}" + (
        f", tf_keras {versions['tf_keras']} (TF_USE_LEGACY_KERAS)" if versions.get("tf_keras") else "")
    for plan in planned:
        answer = plan.answer
        if answer is None or not judge.error_is_the_scripts(answer) or _guess_reached(plan):
            continue
        line = int(answer["line"])
        # A static error already standing on the failing line (a misspelt name, an argument of
        # old Keras that no safe fix covers) is what breaks the build: K901 would only repeat it.
        # Building confirms it only when Keras's message names what the finding points at.
        explained = [i for i, d in enumerate(diagnostics)
                     if d.severity.value == "error" and d.span.line <= line <= d.span.end_line]
        for index in explained:
            if _names_argument(str(answer.get("message", "")), _span_text(lines, diagnostics[index].span)):
                diagnostics[index] = replace(diagnostics[index], verified=True)
        key = ("K901", line)
        if not explained and key not in seen and settings.is_selected(k901.code, k901.severity):
            seen.add(key)
            source = lines[line - 1] if 0 < line <= len(lines) else ""
            indent = len(source) - len(source.lstrip())
            fixed = f"; built with kast's safe fixes for {', '.join(plan_fixes)} applied" if (
                plan_fixes := _fixes_of(plan)) else ""
            added.append(result_diagnostic(
                result.path, k901, Span(line, indent, line, max(len(source.rstrip()), indent + 1)),
                f"Building the model `{plan.name}` fails in Keras ({_error_text(answer)}) [{made_with}{fixed}]: "
                "the script would crash here before training.",
                "Fix the layer arguments or shapes at this line; the message above is Keras's own.",
            ))
    if added and not settings.ignore_noqa:
        from kast.suppress import apply

        added = apply(text, added)
    if added and not notebook:
        result.source = result.source or text
    result.diagnostics = sorted(diagnostics + added, key=lambda d: d.sort_key)


def _fixes_of(plan: _Planned) -> list[str]:
    return list((plan.job or {}).get("fixes") or [])


def result_diagnostic(path: str, rule: Any, span: Any, message: str, hint: str) -> Any:
    from kast.diagnostics import Diagnostic

    return Diagnostic(path=path, code=rule.code, name=rule.name, severity=rule.severity, message=message,
                      span=span, hint=hint)
