"""Half-typed code: a buggy training script typed one character at a time.

An editor (the language server, or `kast lint - --stdin-filename train.py` on
every keystroke) shows kast each prefix of the script as it is typed.  For
every prefix, through `lint_bytes` in-process: no crash, no internal error,
every span inside the text typed so far.  For a sample of 20 prefixes, the
same through the real stdin path in a child process, whose JSON must equal
the in-process result.  When the script is complete, its findings equal those
of the file linted from disk.  With pygls and pytest-lsp installed, a sample
of prefixes is also sent to `kast server` as didChange notifications, and its
final diagnostics are the file's.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from kast.config import Settings
from kast.api import lint_source as lint_bytes
from kast.output.json_format import render
from tests.strategies import assert_spans_inside

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = 10  # prefixes sent through the real stdin path, per script (20 in all)
LSP_SAMPLE = 20  # prefixes sent to the language server

# A second script unlike the fixture: functional and subclassed models, a scaler
# fitted on the test set, non-ASCII text, a noqa comment, CRLF line endings.
SCRIPT = """\
\"\"\"Entraînement du classifieur de défauts — 5 classes.\"\"\"
import numpy as np
import tensorflow as tf
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler
from sklearn.metrics import accuracy_score

X = np.load("features.npy")  # mesures, °C
y = np.load("labels.npy")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=1)
scaler = MinMaxScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.fit_transform(X_test)

inputs = tf.keras.Input(shape=(X.shape[1],))
x = tf.keras.layers.Dense(64, activation="relu")(inputs)
outputs = tf.keras.layers.Dense(5, activation="softmax")(x)
classifier = tf.keras.Model(inputs, outputs)
classifier.compile(optimizer=tf.keras.optimizers.Adam(lr=1e-3),
                   loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                   metrics=["accuracy"])
classifier.fit(X_train, y_train, epochs=30, validation_split=0.1)
pred = np.argmax(classifier.predict(X_test), axis=1)
print("précision :", accuracy_score(y_test, pred))


class Detector(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = tf.keras.layers.Dense(32, activation="relu")
        self.out = tf.keras.layers.Dense(1, activation="softmax")  # noqa: K999

    def call(self, x):
        return self.out(self.hidden(x))


detector = Detector()
detector.compile(optimizer="adam", loss="binary_crossentropy")
""".replace("\n", "\r\n")

SCRIPTS = {
    "example_train.py": (ROOT / "fixtures" / "example_train.py").read_bytes(),
    "defects_crlf.py": SCRIPT.encode("utf-8"),
}


def report_of(data: bytes, path: str = "train.py") -> list[dict[str, Any]]:
    result = lint_bytes(data, path, Settings())
    assert result.internal_error is None, result.internal_error
    diagnostics: list[dict[str, Any]] = json.loads(render([result], result.diagnostics))["diagnostics"]
    return diagnostics


def kast_lint(arguments: list[str], cwd: Path, data: bytes | None = None) -> list[dict[str, Any]]:
    completed = subprocess.run([sys.executable, "-m", "kast", "lint", "--isolated", "--no-cache",
                                "--output-format", "json", *arguments],
                               input=data, capture_output=True, cwd=cwd, timeout=120)
    stderr = completed.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr and completed.returncode in (0, 1), (completed.returncode, stderr)
    diagnostics: list[dict[str, Any]] = json.loads(completed.stdout)["diagnostics"]
    return diagnostics


def typed(data: bytes) -> list[bytes]:
    """Every prefix of the script, one character (not byte) at a time, as an editor sends it."""
    text = data.decode("utf-8")
    return [text[:end].encode("utf-8") for end in range(len(text) + 1)]


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_every_prefix_in_process(name: str) -> None:
    prefixes = typed(SCRIPTS[name])
    outcomes: dict[str, int] = {}
    for prefix in prefixes:
        result = lint_bytes(prefix, "train.py", Settings())
        assert result.internal_error is None, (result.internal_error, prefix.decode())
        assert_spans_inside(result, prefix.decode("utf-8"))
        kind = "K000" if any(d.code == "K000" for d in result.diagnostics) else "ok"
        outcomes[kind] = outcomes.get(kind, 0) + 1
    assert outcomes.get("ok", 0) > len(prefixes) // 20, outcomes  # the complete lines do get analysed


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_complete_script_equals_the_file_on_disk(name: str, tmp_path: Path) -> None:
    data = SCRIPTS[name]
    (tmp_path / "train.py").write_bytes(data)
    from_disk = kast_lint(["train.py"], tmp_path)
    assert from_disk, "the script is buggy: it must have findings"
    assert report_of(typed(data)[-1]) == from_disk
    assert kast_lint(["-", "--stdin-filename", "train.py"], tmp_path, data) == from_disk


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_sampled_prefixes_through_stdin(name: str, tmp_path: Path) -> None:
    prefixes = typed(SCRIPTS[name])
    step = max(len(prefixes) // SAMPLE, 1)
    sample = prefixes[step // 2::step][:SAMPLE]
    with ThreadPoolExecutor(max_workers=4) as pool:
        through_stdin = list(pool.map(
            lambda prefix: kast_lint(["-", "--stdin-filename", "train.py"], tmp_path, prefix), sample))
    for prefix, diagnostics in zip(sample, through_stdin):
        assert diagnostics == report_of(prefix), prefix.decode()


# --- the language server -------------------------------------------------------------------------


def _lsp_available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("pygls", "pytest_lsp", "lsprotocol")) and (
        ROOT / "kast" / "lsp.py").exists()


@pytest.mark.skipif(not _lsp_available(), reason="needs kast/lsp.py, pygls and pytest-lsp")
def test_typing_into_the_language_server(tmp_path: Path) -> None:
    asyncio.run(_replay_through_server(tmp_path))


async def _replay_through_server(workspace: Path) -> None:
    from lsprotocol import types
    from pytest_lsp import ClientServerConfig, client_capabilities

    (workspace / "kast.toml").write_text("")  # defaults, whatever lies above the temporary folder
    data = SCRIPTS["example_train.py"]
    path = workspace / "train.py"
    path.write_bytes(data)
    from_disk = kast_lint(["train.py"], workspace)
    text = data.decode("utf-8")
    uri = path.as_uri()
    client = await ClientServerConfig(server_command=[sys.executable, "-m", "kast", "server"]).start()
    try:
        await client.initialize_session(types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(workspace.as_uri(), "partial")]))

        async def published(version: int) -> list[types.Diagnostic]:
            """The diagnostics the server publishes for `version` of the buffer (stale ones skipped)."""
            async def wait() -> list[types.Diagnostic]:
                while True:
                    current = client.diagnostics.get(uri)
                    if current is not None and all((d.data or {}).get("version") == version for d in current) and (
                            current or version in empty_versions):
                        return list(current)
                    await asyncio.sleep(0.02)
            return await asyncio.wait_for(wait(), 20)

        # A buffer with no findings is published empty: an empty list carries no version, so remember
        # which versions are expected to be empty (from the in-process result).
        empty_versions: set[int] = set()
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="python", version=1, text="")))
        empty_versions.add(1)
        await published(1)
        step = max(len(text) // LSP_SAMPLE, 1)
        version = 1
        for end in [*range(step // 2, len(text), step), len(text)]:
            version += 1
            prefix = text[:end]
            if not report_of(prefix.encode("utf-8")):
                empty_versions.add(version)
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=prefix)]))
            if end % (3 * step) == step // 2:  # now and then wait for the lint, as a slow typist does
                got = await published(version)
                assert [d.code for d in got] == [d["code"] for d in report_of(prefix.encode("utf-8"))]
        final = await published(version)
        assert [(d.code, d.range.start.line + 1, d.range.start.character + 1, d.range.end.line + 1,
                 d.range.end.character + 1, d.message) for d in final] == [
            (d["code"], d["line"], d["column"], d["end_line"], d["end_column"], d["message"]) for d in from_disk]
        errors = [m.message for m in client.log_messages if "internal error" in m.message or "failed" in m.message]
        assert errors == []
        await client.shutdown_session()
    finally:
        await client.stop()
