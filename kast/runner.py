"""Linting many files: the cache first, then the rest in parallel.

Results come back in the order of the targets whatever the timing, so the
output of a run does not depend on how many jobs ran it.  Workers are forked
processes (the parent has already imported LibCST and the rules, so a worker
starts in milliseconds); each file's bytes are read in the parent, where the
cache key is computed, and only the files the cache does not know are sent to
the workers.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kast.cache import Cache
from kast.config import Settings
from kast.diagnostics import FileResult
from kast.files import Target

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

# Below this many files to analyse, starting workers costs more than it saves.
_PARALLEL_MIN_FILES = 8


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def lint_bytes(data: bytes, display: str, settings: Settings) -> FileResult:
    """`kast.api.lint_source`, imported on first use: a run the cache answers never loads LibCST."""
    from kast.api import lint_source

    return lint_source(data, display, settings)


def read_file(target: Target) -> bytes | FileResult:
    """The file's bytes, or the K000 result saying why it cannot be read."""
    try:
        return target.path.read_bytes()
    except OSError as exc:
        from kast.api import unreadable

        return unreadable(target.display, exc, target.settings)


def _lint_one(job: tuple[bytes, str, Settings]) -> FileResult:
    data, display, settings = job
    return lint_bytes(data, display, settings)


def _pool(jobs: int) -> "ProcessPoolExecutor":
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods and sys.platform != "darwin" else None)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context)


def _in_parallel(work: list[tuple[bytes, str, Settings]], workers: int) -> list[FileResult]:
    """Lint in worker processes; a worker that dies (a native crash) costs its file, not the run."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        with _pool(workers) as pool:
            # Small batches: files differ in size, and big batches leave a core idle at the end.
            return list(pool.map(_lint_one, work, chunksize=max(1, min(8, len(work) // (workers * 8)))))
    except BrokenProcessPool:
        pass
    # Which file killed it is unknown: each file again in its own process, so only that one is lost.
    results = []
    for job in work:
        try:
            with _pool(1) as pool:
                results.append(pool.submit(_lint_one, job).result())
        except BrokenProcessPool:
            results.append(FileResult(job[1], internal_error="the analysis crashed its worker process "
                                                             "(a native crash or out of memory)"))
    return results


def lint_targets(targets: Sequence[Target], jobs: int = 1, cache: Cache | None = None) -> list[FileResult]:
    """Lint every target, in order; `jobs` processes at most; unchanged files from `cache`."""
    results: list[FileResult | None] = [None] * len(targets)
    pending: list[tuple[int, bytes, str | None]] = []  # (index, bytes, cache key)
    for index, target in enumerate(targets):
        data = read_file(target)
        if isinstance(data, FileResult):
            results[index] = data
            continue
        key = None
        if cache is not None:
            key = cache.key(data, target.display, target.settings)
            hit = cache.get(key, target.display)
            if hit is not None:
                diagnostics, source, cells, warnings = hit
                results[index] = FileResult(target.display, diagnostics, None, source, cells, warnings)
                continue
        pending.append((index, data, key))

    work = [(data, targets[index].display, targets[index].settings) for index, data, _ in pending]
    if jobs > 1 and len(work) >= _PARALLEL_MIN_FILES:
        workers = min(jobs, len(work))
        # Import the analyser before forking, so that every worker starts with it loaded.
        import kast.core  # noqa: F401
        import kast.notebook  # noqa: F401

        fresh = _in_parallel(work, workers)
    else:
        fresh = [_lint_one(job) for job in work]

    for (index, _, key), result in zip(pending, fresh):
        results[index] = result
        if cache is not None and key is not None and result.internal_error is None:
            cache.put(key, result.diagnostics, result.source, result.cell_sources, result.warnings)
    return [r for r in results if r is not None]

