"""The rule pages in docs/rules are those scripts/gen_rule_docs.py writes from the rules' docstrings."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from kast.output import RULES_URL, rule_url
from kast.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "gen_rule_docs.py"


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_rule_docs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_pages_are_up_to_date() -> None:
    stale = _generator().stale()
    assert not stale, f"stale rule pages {stale}: run `python scripts/gen_rule_docs.py` and commit docs/rules"


def test_every_rule_has_a_page_made_from_its_docstring() -> None:
    for rule in RULES:
        page = (ROOT / "docs" / "rules" / f"{rule.code}.md").read_text(encoding="utf-8")
        assert page.splitlines()[2] == f"# {rule.code} {rule.name}"
        assert "## What it does" in page and rule.doc.split("## What it does", 1)[1].split("##")[0].strip() in page
    index = (ROOT / "docs" / "rules" / "index.md").read_text(encoding="utf-8")
    assert all(f"[{rule.code}]({rule.code}.md)" in index for rule in RULES)


def test_the_links_of_the_outputs_point_at_the_pages() -> None:
    for rule in RULES:
        url = rule_url(rule.code)
        assert url.startswith(RULES_URL)
        assert (ROOT / "docs" / "rules" / url.removeprefix(RULES_URL)).is_file()
    assert RULES_URL.endswith("/blob/main/docs/rules/")


def test_check_mode_reports_a_stale_page(tmp_path: Path) -> None:
    generator = _generator()
    assert generator.write(tmp_path)  # a fresh folder: every page written
    assert generator.stale(tmp_path) == []
    (tmp_path / "K102.md").write_text("edited by hand\n")
    (tmp_path / "K999.md").write_text("a rule that is gone\n")
    assert generator.stale(tmp_path) == ["K102.md", "K999.md"]
    generator.write(tmp_path)
    assert generator.stale(tmp_path) == [] and not (tmp_path / "K999.md").exists()


def test_the_script_runs_as_documented() -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "up to date" in proc.stdout
