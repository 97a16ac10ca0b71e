"""The `kast` command: click wiring and the exit-code policy only.

Parses options, calls `kast.api`, picks an emitter, and decides the exit
status (0 nothing at or above --fail-on, 1 findings, 2 a usage error, a bad
config or an internal error).  Heavy modules (LibCST, the rules, rich) are
imported inside the commands so that `kast --help` and `kast rule` start fast;
nothing here imports an ML framework.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, TextIO

import click

from kast import DISTRIBUTION, __version__
from kast.output import FORMATS

if TYPE_CHECKING:
    from pathlib import Path

    from kast.config import Resolver, Settings
    from kast.diagnostics import Diagnostic, FileResult


class ConfigProblem(click.ClickException):
    """A config file cannot be used: exit 2 with the file and key named."""

    exit_code = 2

    def show(self, file: object = None) -> None:
        click.echo(f"kast: error: {self.message}", err=True)


def _codes(values: tuple[str, ...], option: str) -> tuple[str, ...]:
    """Split comma-separated codes (`--select K1,K203` and repeated options alike); exit 2 on an unknown one."""
    from kast.config import ConfigError, parse_codes

    try:
        return parse_codes(values, option)
    except ConfigError as exc:
        raise click.BadParameter(str(exc).removeprefix(f"{option}: "), param_hint=f"'{option}'") from None


def warn(message: str) -> None:
    """One warning line on standard error."""
    click.echo(f"kast: warning: {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kast")
def main() -> None:
    """kast: a static analyser for Keras training scripts."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--output-format", "--format", "output_format", type=click.Choice(FORMATS), default=None,
              help="How to print findings  [default: full, or output-format in the config].")
@click.option("-o", "--output-file", type=click.Path(dir_okay=False),
              help="Write the output to this file instead of standard output (its folder is created).")
@click.option("--select", multiple=True, help="Only these codes or prefixes (K1, K10, K101, ALL); comma-separated.")
@click.option("--extend-select", multiple=True, help="Add codes or prefixes to the selection; comma-separated.")
@click.option("--ignore", multiple=True, help="Leave out these codes or prefixes; comma-separated.")
@click.option("--ignore-noqa", is_flag=True, help="Report findings even where a `# noqa` comment silences them.")
@click.option("--statistics", is_flag=True, help="Print how many findings each rule has instead of the findings.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="info", show_default=True,
              help="Lowest severity that makes the exit status 1.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour in full output.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="Use this config file for every file (no search for the closest one).")
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
@click.option("--show-settings", is_flag=True, help="Print the settings that apply to the first path, then exit.")
@click.option("--exclude", multiple=True,
              help="Globs to exclude, replacing the configured and default ones; comma-separated.")
@click.option("--extend-exclude", multiple=True,
              help="Globs to exclude in addition to the configured ones; comma-separated.")
@click.option("--respect-gitignore/--no-respect-gitignore", default=None,
              help="Skip files that .gitignore ignores  [default: on].")
@click.option("--force-exclude/--no-force-exclude", default=None,
              help="Apply excludes to files named on the command line too (for pre-commit).")
@click.option("--stdin-filename", help="With `-` as the path: the name the source read from stdin is reported under.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Files analysed in parallel  [default: all cores].")
@click.option("--no-cache", is_flag=True, help="Analyse every file, without reading or writing the cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False), envvar="KAST_CACHE_DIR",
              help="Where the cache lives  [default: .kast_cache in the project folder].")
@click.option("--fix", "apply_fix", is_flag=True, help="Apply safe fixes, then report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix: apply unsafe fixes too (they change behaviour).")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff instead of writing them.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="With --fix: exit 1 when anything was fixed.")
@click.option("--verify", is_flag=True,
              help="Build each model with TensorFlow to confirm or refute the findings. This RUNS PARTS OF YOUR "
                   "SCRIPTS (imports, helpers, the statements that build each model) in a child process; "
                   f"needs `pip install '{DISTRIBUTION}[verify]'`.")
@click.option("--show-refuted", is_flag=True, hidden=True,
              help="Accepted for compatibility: refuted findings are always shown, marked refuted.")
@click.option("--verify-can-refute", is_flag=True,
              help="With --verify: a finding the built model refutes no longer fails the run (config key "
                   "verify-can-refute).  Off by default: the script's own code runs in the build and could "
                   "fake a refutation.")
@click.option("-v", "--verbose", is_flag=True, help="With --verify: the sandbox's layers and every model's outcome.")
@click.option("--verify-timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="With --verify: seconds one model may take to build.")
def lint(paths: tuple[str, ...], output_format: str | None, output_file: str | None, select: tuple[str, ...],
         extend_select: tuple[str, ...], ignore: tuple[str, ...], ignore_noqa: bool, statistics: bool,
         exit_zero: bool, fail_on: str, color: str, config_file: str | None, isolated: bool, show_settings: bool,
         exclude: tuple[str, ...], extend_exclude: tuple[str, ...], respect_gitignore: bool | None,
         force_exclude: bool | None, stdin_filename: str | None, jobs: int | None, no_cache: bool,
         cache_dir: str | None, apply_fix: bool, unsafe_fixes: bool, diff: bool, exit_non_zero_on_fix: bool,
         verify: bool, show_refuted: bool, verify_timeout: float, verify_can_refute: bool, verbose: bool) -> None:
    """Check Keras training scripts (files or folders; default: the current folder; `-`: standard input)."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    from pathlib import Path

    from kast.config import ConfigError, Overrides, Resolver, split_list

    try:
        os.getcwd()
    except OSError:
        raise ConfigProblem("the current folder no longer exists; cd into an existing one") from None
    for path in paths:
        if path != "-" and not os.path.lexists(path):
            raise click.BadParameter(f"Path '{path}' does not exist.", param_hint="'PATHS...'")
    overrides = Overrides(
        select=_codes(select, "--select") or None, extend_select=_codes(extend_select, "--extend-select"),
        ignore=_codes(ignore, "--ignore"), ignore_noqa=ignore_noqa, exclude=split_list(exclude) or None,
        extend_exclude=split_list(extend_exclude), respect_gitignore=respect_gitignore, force_exclude=force_exclude,
    )
    try:
        resolver = Resolver(overrides, Path(config_file) if config_file else None, isolated)
        project = resolver.for_folder(Path.cwd())
        if show_settings:
            first = next((p for p in paths if p != "-"), stdin_filename or ".")
            config = resolver.for_folder(Path(first)) if os.path.isdir(first) else resolver.for_file(Path(first))
            import json

            click.echo(json.dumps(config.describe(), indent=2))
            return
        if verify:
            from kast.verify import missing

            problem = missing()
            if problem:
                raise ConfigProblem(problem)
        fixing = Fixing(unsafe_fixes, diff) if apply_fix or diff else None
        checked = _run(paths, stdin_filename, resolver, project.path, jobs, no_cache, cache_dir, fixing)
    except ConfigError as exc:
        raise ConfigProblem(str(exc)) from None
    if fixing is not None:
        for message in fixing.reverted:
            click.echo(f"kast: {message}", err=True)
        if fixing.fixed:
            verb = "would fix" if diff else "fixed"
            click.echo(f"kast: {verb} {fixing.fixed} problem{'s' if fixing.fixed != 1 else ''} in "
                       f"{len(fixing.files)} file{'s' if len(fixing.files) != 1 else ''}", err=True)
        if diff:
            sys.exit(1 if fixing.files else 0)
    results = [result for result, _ in checked]
    verification = _verify(checked, verify_timeout, verbose, _verify_cache(no_cache, cache_dir, project.path)) \
        if verify else None
    can_refute = verify_can_refute or project.verify_can_refute

    output_format = output_format or project.output_format or "full"
    diagnostics = sorted((d for r in results for d in r.diagnostics), key=lambda d: d.sort_key)
    stream = _open_output(output_file) if output_file else sys.stdout
    try:
        _emit(results, diagnostics, output_format, statistics, stream, color, output_file is None, verification)
    finally:
        if output_file:
            stream.close()

    for result in results:
        if result.internal_error:
            click.echo(f"kast: internal error on {result.path}: {result.internal_error}", err=True)
    if any(r.internal_error for r in results):
        sys.exit(2)
    from kast.diagnostics import Severity

    threshold = Severity(fail_on).rank
    # A refuted finding still fails the run unless refutations were allowed to lower it.
    failing = any(d.severity.rank >= threshold and (d.verified is not False or not can_refute) for d in diagnostics)
    if fixing is not None and exit_non_zero_on_fix and fixing.fixed:
        sys.exit(1)
    sys.exit(1 if failing and not exit_zero else 0)


def _open_output(path: str) -> TextIO:
    """The file `-o` names, opened for writing, its folder created; exit 2 with the reason when impossible."""
    try:
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        return open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed by the caller
    except OSError as exc:
        raise ConfigProblem(f"cannot write the output file {path}: {exc.strerror or exc}") from None


@dataclass
class Fixing:
    """What --fix / --diff asked for, and what it did."""

    unsafe: bool
    diff: bool
    fixed: int = 0
    files: list[str] = field(default_factory=list)
    reverted: list[str] = field(default_factory=list)

    def run(self, data: bytes, display: str, settings: "Settings") -> bytes | None:
        """The fixed file, or None when nothing changed (or it cannot be fixed); prints the diff with --diff."""
        from kast.api import fix_source

        fixed = fix_source(data, display, settings, self.unsafe)
        self.reverted.extend(fixed.outcome.reverted)
        if fixed.data is None:
            return None
        self.fixed += fixed.fixed
        self.files.append(display)
        if self.diff:
            click.echo(fixed.diff(display), nl=False)
            return None
        return fixed.data


def _run(paths: tuple[str, ...], stdin_filename: str | None, resolver: "Resolver", project_config: "Path | None",
         jobs: int | None, no_cache: bool, cache_dir: str | None,
         fixing: Fixing | None = None) -> "list[tuple[FileResult, Checked]]":
    """Lint the paths (or standard input), in a stable order; each result with what it was checked from."""
    from pathlib import Path

    from kast.api import discover, lint_paths, lint_source
    from kast.runner import available_cores

    if "-" in paths or (not paths and stdin_filename):
        if len(paths) > 1:
            raise click.UsageError("`-` (standard input) cannot be mixed with other paths")
        name = stdin_filename or "-"
        config = resolver.for_file(Path(name))
        if stdin_filename and config.force_exclude and config.is_excluded(Path(stdin_filename)):
            return []
        data = sys.stdin.buffer.read()
        settings = config.settings_for(Path(name), resolver.overrides.ignore_noqa)
        if fixing is not None:
            # Editors pipe the buffer through `kast fix -`: the fixed source goes to stdout.
            fixed = fixing.run(data, name, settings)
            if not fixing.diff:
                sys.stdout.buffer.write(fixed if fixed is not None else data)
                sys.stdout.flush()
                sys.exit(0)
            data = data if fixed is None else fixed
        result = lint_source(data, name, settings)
        for warning in result.warnings:
            warn(warning)
        return [(result, Checked(None, data, settings))]

    found = discover(paths, resolver)
    if fixing is not None:
        for target in found:
            try:
                fixed = fixing.run(target.path.read_bytes(), target.display, target.settings)
                if fixed is not None:
                    target.path.write_bytes(fixed)
            except OSError as exc:
                warn(f"cannot fix {target.display}: {exc.strerror or exc}")
    cache = None
    if not no_cache:
        from kast.cache import DEFAULT_DIR, Cache

        folder = Path(cache_dir) if cache_dir else (project_config.parent if project_config else Path.cwd()) / DEFAULT_DIR
        cache = Cache(folder)
    run = lint_paths(found, resolver, jobs or available_cores(), cache)
    for warning in run.warnings:
        warn(warning)
    return [(result, Checked(target.path, None, target.settings)) for result, target in zip(run.results, run.targets)]


class Checked(NamedTuple):
    """Where a result's source came from (a file, or the bytes of stdin) and its settings."""

    path: "Path | None"
    data: bytes | None
    settings: "Settings"


def _verify_cache(no_cache: bool, cache_dir: str | None, project_config: "Path | None") -> "Path | None":
    """The cache folder --verify keeps its answers in (as the lint cache's), or None with --no-cache."""
    from pathlib import Path

    from kast.cache import DEFAULT_DIR

    if no_cache:
        return None
    return Path(cache_dir) if cache_dir else (project_config.parent if project_config else Path.cwd()) / DEFAULT_DIR


def _verify(checked: "list[tuple[FileResult, Checked]]", time_limit: float, verbose: bool,
            cache_folder: "Path | None" = None) -> dict[str, object]:
    """Run the runtime verifier over the checked files; its report for JSON, and notes on stderr."""
    from kast.parse import SourceError, decode_source
    from kast.verify import notes, verify

    items = []
    for result, origin in checked:
        try:
            data = origin.data if origin.data is not None else origin.path.read_bytes()  # type: ignore[union-attr]
            items.append((result, decode_source(data), origin.settings))
        except (OSError, SourceError):
            continue
    try:
        report = verify(items, time_limit, cache_folder)
    except RuntimeError as exc:
        raise ConfigProblem(str(exc)) from None
    for line in notes(report, verbose):
        click.echo(f"kast: {line}", err=True)
    return report.to_json()


def _emit(results: "list[FileResult]", diagnostics: "list[Diagnostic]", output_format: str, statistics: bool,
          stream: "TextIO", color: str, to_terminal: bool, verification: dict[str, object] | None) -> None:
    """Write the findings (or their statistics) in the chosen format."""
    if statistics:
        from kast.output.statistics import render_statistics

        stream.write(render_statistics(diagnostics, as_json=output_format in ("json", "json-lines")))
        return
    if output_format == "full":
        from kast.output.text import render_full

        use_color = color == "always" or (color == "auto" and to_terminal and stream.isatty())
        render_full(results, diagnostics, stream, use_color)
    elif output_format == "concise":
        from kast.output.text import render_concise, summary_lines

        stream.write(render_concise(diagnostics))
        if diagnostics:
            stream.write("".join(line + "\n" for line in summary_lines(results, diagnostics)))
    elif output_format == "json":
        from kast.output.json_format import render

        stream.write(render(results, diagnostics, verification))
    else:
        from kast.output import renderer

        stream.write(renderer(output_format)(results, diagnostics))


@main.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
def rule(code: str | None, show_all: bool) -> None:
    """Show the documentation of a rule (kast rule K101), or list them all (--all)."""
    from kast.rules import BY_CODE, RULES, default_selected

    if show_all or code is None:
        rows = [(r.code, r.name, r.severity.value, "on" if default_selected(r) else "off", r.summary) for r in RULES]
        if not sys.stdout.isatty():
            # Plain, one rule a line, for pipes and scripts.
            width = max(len(r[1]) for r in rows)
            for row in rows:
                click.echo(f"{row[0]}  {row[1]:<{width}}  {row[2]:<7}  {row[3]:<3}  {row[4]}")
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title="kast rules")
        for column in ("code", "name", "severity", "default", "what it checks"):
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*row)
        Console().print(table)
        return
    found = BY_CODE.get(code.upper())
    if found is None:
        raise click.BadParameter(f"no rule {code}; `kast rule --all` lists them", param_hint="CODE")
    click.echo(f"# {found.code} {found.name} ({found.severity.value})\n")
    doc = found.doc.split("\n", 1)[1].strip() if "\n" in found.doc else found.doc
    click.echo(doc)


@main.command()
@click.option("--cache-dir", type=click.Path(file_okay=False), envvar="KAST_CACHE_DIR",
              help="The cache to remove  [default: .kast_cache in the project folder].")
def clean(cache_dir: str | None) -> None:
    """Remove kast's cache."""
    from pathlib import Path

    from kast.cache import DEFAULT_DIR
    from kast.cache import clean as remove
    from kast.config import ConfigError, Resolver

    if cache_dir:
        folder = Path(cache_dir)
    else:
        try:
            project = Resolver().for_folder(Path.cwd()).path
        except ConfigError as exc:
            raise ConfigProblem(str(exc)) from None
        folder = (project.parent if project else Path.cwd()) / DEFAULT_DIR
    try:
        removed = remove(folder)
    except OSError as exc:
        raise ConfigProblem(str(exc)) from None
    click.echo(f"Removed {folder}" if removed else f"No cache at {folder}")


@main.command()
def server() -> None:
    """Run the language server over stdio (needs `pip install 'kast-lint[lsp]'`)."""
    import importlib.util

    if importlib.util.find_spec("pygls") is None:
        raise ConfigProblem("the language server needs pygls, which is not installed; "
                            f"install it with: pip install '{DISTRIBUTION}[lsp]'")
    from kast.lsp import serve

    sys.exit(serve())


def _fix_command() -> click.Command:
    """`kast fix`: `kast lint --fix` under its own name, with every option of lint."""

    def callback(**options: object) -> None:
        options["apply_fix"] = True
        lint.callback(**options)  # type: ignore[misc]

    params = [p for p in lint.params if p.name != "apply_fix"]
    params.append(click.Option(["--fix", "apply_fix"], is_flag=True, hidden=True))
    return click.Command("fix", callback=callback, params=params,
                         help="Apply safe fixes (with --unsafe-fixes, all fixes) and report what remains.")


main.add_command(_fix_command())


def run() -> None:
    """The `kast` command (console script and `python -m kast`): `main`, then a fast exit.

    Once the output is written, tearing the interpreter down (freeing every module and
    the syntax trees, one object at a time) takes as long as linting a small file; like
    mypy, kast flushes its output and leaves without it.  `main` itself exits normally,
    so that it stays safe to call in-process (tests, other tools).
    """
    code: object = 0
    try:
        main()  # standalone mode: ends in SystemExit
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message"): Python prints it and exits 1
        print(code, file=sys.stderr)
        code = 1
    try:
        if not sys.stdout.closed:  # the language server closes it when the client says exit
            sys.stdout.flush()
    except (OSError, ValueError):  # the reader went away (a closed pipe): nothing more can be shown
        code = code or 1
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)
