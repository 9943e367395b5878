"""Installs that repeat: every package the code imports is declared, and the lock file pins them all with hashes.

pyproject.toml is what people edit; requirements.lock (`make lock`) is what `make run` and `make test` install,
every package with its hashes (pip's --require-hashes refuses anything else). These tests catch the two ways
that drifts: an import of a package nobody declared (it works today only because another package pulls it in),
and a pyproject.toml edited without `make lock`.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from gkh_web.settings import PROJECT_ROOT

LOCK = PROJECT_ROOT / "requirements.lock"
APP_CODE = ("gkh_web",)
OTHER_CODE = ("tests", "bench", "scripts", "conftest.py", "rxconfig.py")
OUR_PACKAGES = {"gkh_web", "tests", "bench", "reference", "rxconfig"}
"""Our own top-level modules (bench/reference is the reference Reflex app the benchmarks compare with)."""
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _normalise(name: str) -> str:
    """PEP 503: «Pillow», «pillow» and «python_socketio» name the same distributions as their lowercase-dash forms."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject() -> dict:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _declared(requirements: list[str]) -> dict[str, str]:
    """``name → version`` of pinned requirements (every one of ours is pinned with ==)."""
    pins = {}
    for requirement in requirements:
        match = _PIN.match(requirement)
        assert match, f"pyproject.toml: {requirement!r} is not pinned with =="
        pins[_normalise(match.group(1))] = match.group(2)
    return pins


def _imported_modules(*places: str) -> dict[str, set[str]]:
    """Top-level module → files importing it, in every .py under ``places`` (imports inside functions included)."""
    modules: dict[str, set[str]] = {}
    for place in places:
        root = PROJECT_ROOT / place
        files = [root] if root.is_file() else [f for f in root.rglob("*.py") if ".web" not in f.parts]
        for file in files:
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    modules.setdefault(name.split(".")[0], set()).add(str(file.relative_to(PROJECT_ROOT)))
    return modules


def _undeclared(modules: dict[str, set[str]], declared: set[str]) -> list[str]:
    distributions = packages_distributions()
    missing = []
    for module, files in sorted(modules.items()):
        if module in sys.stdlib_module_names or module in OUR_PACKAGES:
            continue
        owners = {_normalise(d) for d in distributions.get(module, [])}
        if not owners:
            missing.append(f"{module} (not installed) in {sorted(files)[0]}")
        elif not owners & declared:
            missing.append(f"{module} (from {sorted(owners)}) in {sorted(files)[0]}")
    return missing


def test_the_app_imports_only_what_it_declares_as_a_dependency():
    declared = set(_declared(_pyproject()["project"]["dependencies"]))
    assert _undeclared(_imported_modules(*APP_CODE), declared) == []


def test_tests_benchmarks_and_scripts_import_only_declared_packages():
    project = _pyproject()["project"]
    declared = set(_declared(project["dependencies"])) | set(_declared(project["optional-dependencies"]["test"]))
    assert _undeclared(_imported_modules(*OTHER_CODE), declared) == []


def _locked() -> dict[str, tuple[str, int]]:
    """``name → (version, number of hashes)`` of every package in requirements.lock."""
    packages: dict[str, tuple[str, int]] = {}
    current = ""
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            current = _normalise(match.group(1))
            packages[current] = (match.group(2), 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, hashes = packages[current]
            packages[current] = (version, hashes + 1)
    return packages


def test_the_lock_file_pins_every_declared_package_at_its_declared_version():
    project = _pyproject()["project"]
    declared = _declared(project["dependencies"]) | _declared(project["optional-dependencies"]["test"])
    locked = _locked()
    stale = {name: (version, locked.get(name, ("missing", 0))[0])
             for name, version in declared.items() if locked.get(name, ("", 0))[0] != version}
    assert stale == {}, f"pyproject.toml changed without `make lock` (declared, locked): {stale}"


def test_every_locked_package_carries_a_hash_and_the_build_backend_is_locked_too():
    locked = _locked()
    assert len(locked) > 50  # the transitive closure, not just the direct pins
    assert [name for name, (_, hashes) in locked.items() if hashes == 0] == []
    build_backend = _pyproject()["build-system"]["requires"]
    assert [_normalise(re.split(r"[<>=!~ ]", r)[0]) for r in build_backend] == ["setuptools"]
    assert "setuptools" in locked  # `pip install --no-build-isolation -e .` builds with the locked one


def test_what_is_installed_here_is_what_the_lock_file_says():
    """The environment running the tests came from the lock file (`make setup`), not from a looser resolve."""
    from importlib.metadata import version

    locked = _locked()
    mismatched = {}
    for name, (locked_version, _) in locked.items():
        try:
            installed = version(name)
        except Exception:  # a package for another platform or Python (markers), absent here by design
            continue
        if installed != locked_version:
            mismatched[name] = (locked_version, installed)
    assert mismatched == {}
