"""Bad input gets a K000 diagnostic with a clear message, never a traceback,
and never stops the other files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kast.cli import main
from kast.config import Settings
from kast.api import lint_source as lint_bytes

BUGGY = b'import keras\nmodel = keras.Sequential([keras.layers.Dense(1)])\nmodel.compile(loss="binary_crossentropy")\n'


def k000(data: bytes) -> list[tuple[int, str]]:
    result = lint_bytes(data, "bad.py", Settings())
    assert result.internal_error is None
    return [(d.span.line, d.message) for d in result.diagnostics if d.code == "K000"]


def test_syntax_error_is_located_where_python_puts_it() -> None:
    [(line, message)] = k000(b"import keras\nmodel = keras.Sequential(\nmodel.compile(loss='bce')\n")
    assert line == 2 and "'(' was never closed" in message


def test_python2_print_statement() -> None:
    [(line, message)] = k000(b"import keras\nprint 'done'\n")
    assert line == 2 and "print" in message


def test_empty_file_has_no_finding() -> None:
    assert lint_bytes(b"", "empty.py", Settings()).diagnostics == []


def test_comment_only_file_has_no_finding() -> None:
    assert lint_bytes(b"# keras notes\n", "notes.py", Settings()).diagnostics == []


def test_invalid_utf8_without_cookie() -> None:
    [(line, message)] = k000(b"import keras\nname = 'caf\xe9'\n")
    assert line == 2 and "utf-8" in message


def test_latin1_cookie_is_honoured() -> None:
    data = b"# -*- coding: latin-1 -*-\nimport keras\nname = 'caf\xe9'\n" + BUGGY.split(b"\n", 1)[1]
    codes = [d.code for d in lint_bytes(data, "latin.py", Settings()).diagnostics]
    assert codes == ["K101"]


def test_utf8_bom_is_accepted() -> None:
    codes = [d.code for d in lint_bytes(b"\xef\xbb\xbf" + BUGGY, "bom.py", Settings()).diagnostics]
    assert codes == ["K101"]


def test_binary_file() -> None:
    [(_, message)] = k000(b"\x7fELF\x00\x01\x02keras")
    assert "binary" in message


@pytest.mark.parametrize("depth", [300, 3000])
def test_deeply_nested_brackets_are_refused_before_the_parser(depth: int) -> None:
    [(_, message)] = k000(b"import keras\nx = " + b"[" * depth + b"]" * depth + b"\n")
    assert "nested" in message


def test_deep_but_legal_nesting_is_analysed() -> None:
    assert k000(b"import keras\nx = " + b"(" * 100 + b"1" + b")" * 100 + b"\n") == []


CHAIN = " + ".join(["1"] * 1200)


@pytest.mark.parametrize(("source", "line"), [
    (f"import keras\n@decorate({CHAIN})\ndef f():\n    pass\n", 2),
    (f"import keras\nclass A:\n    def f(self):\n        return {CHAIN}\n", 4),
    ("import keras\n" + "x = 1 + 1\n" * 900 + f"y = {CHAIN}\n", 902),
])
def test_a_chain_deeper_than_the_limit_is_refused_wherever_it_stands(source: str, line: int) -> None:
    """Each top-level statement's links are counted on its own; the deep one is found and located."""
    [(at, message)] = k000(source.encode())
    assert at == line and "too deeply nested" in message and "levels of expressions" in message


def test_many_short_chains_are_not_one_deep_chain() -> None:
    assert k000(b"import keras\n" + b"x = a.b.c + d.e * f(g)[h] - i\n" * 2000) == []


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    assert k000(b"import keras\nx = '" + b"[" * 500 + b"'\n") == []


def test_too_many_indentation_levels() -> None:
    source = "import keras\n" + "".join("    " * i + f"def f{i}():\n" for i in range(120)) + "    " * 120 + "pass\n"
    [(_, message)] = k000(source.encode())
    assert "indentation" in message


def test_huge_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kast.parse.MAX_BYTES", 1000)
    [(_, message)] = k000(b"import keras\n" + b"x = 1\n" * 1000)
    assert "too large" in message


def test_file_without_ml_mention_is_only_syntax_checked() -> None:
    assert lint_bytes(b"import os\nprint(os.getcwd())\n", "tool.py", Settings()).diagnostics == []
    [(line, _)] = k000(b"import os\nprint 'x'\n")
    assert line == 2


def test_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "a_bad.py").write_bytes(b"import keras\nx = (\n")
    (tmp_path / "b_binary.py").write_bytes(b"\x00\x00")
    (tmp_path / "c_buggy.py").write_bytes(BUGGY)
    result = CliRunner().invoke(main, ["lint", "--output-format", "json", str(tmp_path)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(Path(d["path"]).name, d["code"]) for d in report["diagnostics"]] == [
        ("a_bad.py", "K000"), ("b_binary.py", "K000"), ("c_buggy.py", "K101")]
    assert report["summary"]["files"] == 3


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["lint", str(tmp_path / "nope.py")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_internal_error_is_reported_for_that_file_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kast.core

    real = kast.core.build_picture

    def explode(module, path, *rest):  # type: ignore[no-untyped-def]
        if path.endswith("boom.py"):
            raise RuntimeError("simulated failure")
        return real(module, path, *rest)

    monkeypatch.setattr(kast.core, "build_picture", explode)
    (tmp_path / "boom.py").write_bytes(BUGGY)
    (tmp_path / "fine.py").write_bytes(BUGGY)
    result = CliRunner().invoke(main, ["lint", "--output-format", "json", str(tmp_path)])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert [Path(d["path"]).name for d in report["diagnostics"]] == ["fine.py"]
    assert "simulated failure" in report["internal_errors"][0]["message"]
    assert "internal error" in result.stderr and "Traceback" not in result.stderr
