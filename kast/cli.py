"""The `kast` command: click wiring only.

Parses options, calls the core, picks an emitter.  Heavy modules (LibCST, the
rules, rich) are imported inside the commands so that `kast --help` and
`kast rule` start fast; nothing here imports an ML framework.
"""

from __future__ import annotations

import sys

import click

from kast import __version__

_FORMATS = ("full", "concise", "json")


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    """Split comma-separated codes: `--select K1,K203` and repeated options alike."""
    out: list[str] = []
    for value in values:
        out.extend(part.strip().upper() for part in value.split(",") if part.strip())
    for code in out:
        if code != "ALL" and (not code.startswith("K") or not code[1:].isdigit() or len(code) > 4):
            raise click.BadParameter(f"'{code}' is not a rule code or prefix (e.g. K1, K10, K101)")
    return tuple(out)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kast")
def main() -> None:
    """kast: a static analyser for Keras training scripts."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=True, file_okay=True))
@click.option("--output-format", "--format", "output_format", type=click.Choice(_FORMATS), default="full",
              show_default=True, help="How to print findings.")
@click.option("--select", multiple=True, help="Only these codes or prefixes (K1, K10, K101, ALL); comma-separated.")
@click.option("--extend-select", multiple=True, help="Add codes or prefixes to the selection.")
@click.option("--ignore", multiple=True, help="Leave out these codes or prefixes.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="info", show_default=True,
              help="Lowest severity that makes the exit status 1.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour in full output.")
def lint(paths: tuple[str, ...], output_format: str, select: tuple[str, ...], extend_select: tuple[str, ...],
         ignore: tuple[str, ...], exit_zero: bool, fail_on: str, color: str) -> None:
    """Check Keras training scripts (files or folders; default: the current folder)."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    from kast.config import Settings
    from kast.core import lint_paths
    from kast.diagnostics import Severity
    from kast.files import discover

    settings = Settings(select=_codes(select), extend_select=_codes(extend_select), ignore=_codes(ignore))
    files = discover(list(paths) or ["."])
    results = lint_paths(files, settings)
    diagnostics = sorted((d for r in results for d in r.diagnostics), key=lambda d: d.sort_key)

    if output_format == "json":
        from kast.output.json_format import render

        click.echo(render(results, diagnostics), nl=False)
    elif output_format == "concise":
        from kast.output.text import render_concise, summary_line

        click.echo(render_concise(diagnostics), nl=False)
        if diagnostics:
            click.echo(summary_line(results, diagnostics))
    else:
        from kast.output.text import render_full

        use_color = color == "always" or (color == "auto" and sys.stdout.isatty())
        render_full(results, diagnostics, sys.stdout, use_color)

    for result in results:
        if result.internal_error:
            click.echo(f"kast: internal error on {result.path}: {result.internal_error}", err=True)
    if any(r.internal_error for r in results):
        sys.exit(2)
    threshold = Severity(fail_on).rank
    failing = any(d.severity.rank >= threshold for d in diagnostics)
    sys.exit(1 if failing and not exit_zero else 0)


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
