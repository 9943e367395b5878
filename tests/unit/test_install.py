"""The README's two commands: `make run` needs no root, only `make test` installs Debian packages.

`make -n -B` prints every command a target would run from scratch (a fresh clone) without running one;
the checks read that plan. What `make run` really does as an ordinary user was walked by hand on a fresh
clone (see the README's «Быстрый старт»); these keep it from drifting back.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from gkh_web.settings import PROJECT_ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")

_RUNS_AS_ROOT = re.compile(r"(^\s*|[;&|{(]\s*)(sudo|apt-get|apt|dpkg)\s", re.MULTILINE)
"""A command line that starts a package manager or sudo (advice inside an ``echo "…"`` does not count)."""


def _plan(target: str) -> str:
    result = subprocess.run(["make", "-n", "-B", target], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=60, check=True)
    return "\n".join(line for line in result.stdout.splitlines() if not line.lstrip().startswith("echo "))


def test_make_run_never_calls_a_package_manager_or_sudo():
    plan = _plan("run")
    assert "reflex run" in plan  # the plan is the real one, down to serving
    assert _RUNS_AS_ROOT.findall(plan) == []


def test_make_run_installs_python_packages_only_from_the_lock_file_with_hashes():
    installs = [line for line in _plan("run").splitlines() if "pip install" in line]
    assert installs, "make run installs no Python packages"
    from_lock, project = installs
    assert "--require-hashes" in from_lock and "-r requirements.lock" in from_lock and "--no-deps" in from_lock
    assert "--no-deps" in project and "-e ." in project  # the project itself: nothing pulled past the lock


def test_only_make_test_installs_debian_packages():
    plan = _plan("test")
    assert "chromium" in plan
    assert _RUNS_AS_ROOT.findall(plan)  # the same check that finds nothing in `make run` finds these
