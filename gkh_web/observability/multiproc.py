"""The directory where every worker process writes its metric values, set up before ``prometheus_client``
is imported anywhere in the process.

``prometheus_client`` chooses between in-memory and shared-file values once, when it is imported, by reading
``PROMETHEUS_MULTIPROC_DIR``. Granian runs several workers, and ``/metrics`` is answered by whichever worker
the scrape reaches, so each must count into files that the answering one adds up.

``prepare`` is called from ``rxconfig.py``, which the ``reflex run`` process (Granian's supervisor) reads
before it starts any worker: the first process to call it picks a fresh directory for this run, empties it
(no counts from a previous run), removes the directories of runs whose supervisor is gone, and exports the
path; workers — forked or spawned — inherit it and only use it. An operator may set the variable
themselves; then it is used as given and emptied only by them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"
OWNER_ENV = "GKH_METRICS_RUN_PID"
"""The pid of the process that made this run's directory (inherited by the workers)."""
RUN_PREFIX = "run-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prepare(base: Path) -> Path:
    """This run's metrics directory under ``base`` (made and exported on the first call of the run)."""
    given = os.environ.get(ENV)
    if given:
        Path(given).mkdir(parents=True, exist_ok=True)
        return Path(given)
    base.mkdir(parents=True, exist_ok=True)
    for old in base.glob(f"{RUN_PREFIX}*"):
        pid = old.name.removeprefix(RUN_PREFIX)
        if not pid.isdigit() or not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    directory = base / f"{RUN_PREFIX}{os.getpid()}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir()
    os.environ[ENV] = str(directory)
    os.environ[OWNER_ENV] = str(os.getpid())
    return directory


def dead_workers(directory: Path) -> set[int]:
    """Pids that left value files here and are no longer running (a worker Granian replaced or lost)."""
    pids = set()
    for path in directory.glob("*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            pids.add(int(pid))
    return pids
