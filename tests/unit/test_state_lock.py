"""An event's lock on its tab's state outlasts the slowest handler (bench/kiosks.py, 200 kiosks).

Reflex's default lock is 10 s, shorter than one gateway timeout (15 s): a handler waiting on the
gateway or on ЕСИА, or queued for the CPU under overload, lost its lock and failed. The lock is
derived from the outside calls' timeouts, and the Reflex config really uses it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from gkh_web.settings import STATE_LOCK_MARGIN_SECONDS, get_settings
from tests.served import PROJECT_ROOT


@pytest.fixture
def timeouts(monkeypatch):
    def set_timeouts(esia: int, gateway: int):
        monkeypatch.setenv("GKH_ESIA_TIMEOUT_SECONDS", str(esia))
        monkeypatch.setenv("GKH_GATEWAY_TIMEOUT_SECONDS", str(gateway))
        get_settings.cache_clear()
        return get_settings()

    yield set_timeouts
    get_settings.cache_clear()


@pytest.mark.parametrize(("esia", "gateway"), [(5, 15), (30, 15), (1, 1)])
def test_the_lock_outlasts_two_outside_calls_of_the_slowest_kind(timeouts, esia, gateway):
    settings = timeouts(esia, gateway)
    assert settings.state_lock_seconds >= 2 * esia + STATE_LOCK_MARGIN_SECONDS
    assert settings.state_lock_seconds >= 2 * gateway + STATE_LOCK_MARGIN_SECONDS


def test_the_default_lock_is_longer_than_reflexs_ten_seconds(timeouts):
    assert timeouts(5, 15).state_lock_seconds == 40


def test_reflex_config_takes_the_lock_and_keeps_the_oplock_hold_time():
    probe = (
        "import json, rxconfig\n"
        "from reflex_base.config import get_config\n"
        "from reflex_base.environment import oplock_hold_time\n"
        "print(json.dumps([get_config().redis_lock_expiration, oplock_hold_time().total_seconds()]))\n"
    )
    env = {**os.environ, "GKH_GATEWAY_TIMEOUT_SECONDS": "21", "GKH_ESIA_TIMEOUT_SECONDS": "5"}
    env.pop("REFLEX_OPLOCK_HOLD_TIME", None)
    done = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    lock_ms, hold_seconds = json.loads(done.stdout.strip().splitlines()[-1])
    assert lock_ms == (2 * 21 + STATE_LOCK_MARGIN_SECONDS) * 1000
    assert hold_seconds == 5
