"""The metrics' shared directory (``observability.multiproc``): one fresh directory per run, old runs'
directories gone once their supervisor is, an operator's own directory left alone, dead workers found."""

from __future__ import annotations

import os
import subprocess
import sys

from gkh_web.observability import multiproc


def _gone_pid() -> int:
    """The pid of a process that has exited (a short child, waited for)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_run_gets_a_fresh_directory_and_old_runs_are_cleared(tmp_path, monkeypatch):
    for name in (multiproc.ENV, multiproc.OWNER_ENV):  # set, then removed: restored as it was after the test
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    dead_run = tmp_path / f"run-{_gone_pid()}"
    dead_run.mkdir()
    (dead_run / "counter_1.db").write_bytes(b"old counts")
    own = tmp_path / f"run-{os.getpid()}"
    own.mkdir()
    (own / "counter_2.db").write_bytes(b"counts of an earlier run with this pid")
    directory = multiproc.prepare(tmp_path)
    assert directory == own and list(directory.iterdir()) == [] and not dead_run.exists()
    assert os.environ[multiproc.ENV] == str(directory) and os.environ[multiproc.OWNER_ENV] == str(os.getpid())
    (directory / "counter_3.db").write_bytes(b"this run's counts")
    assert multiproc.prepare(tmp_path) == directory and (directory / "counter_3.db").exists()  # a worker: reused


def test_an_operators_directory_is_used_as_given(tmp_path, monkeypatch):
    given = tmp_path / "operator"
    monkeypatch.setenv(multiproc.ENV, str(given))
    (tmp_path / "base").mkdir()
    assert multiproc.prepare(tmp_path / "base") == given and given.is_dir()


def test_dead_workers_are_those_whose_process_is_gone(tmp_path):
    dead = _gone_pid()
    for name in (f"histogram_{dead}.db", f"counter_{os.getpid()}.db", f"gauge_max_{os.getpid()}.db"):
        (tmp_path / name).write_bytes(b"")
    assert multiproc.dead_workers(tmp_path) == {dead}
