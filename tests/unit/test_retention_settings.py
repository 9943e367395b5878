"""GKH_RETENTION_*: whole numbers above zero, or the operator is told which variable is wrong (issue 14 §5)."""

from __future__ import annotations

import pytest

from gkh_web.settings import SettingsError, get_settings

NAMES_AND_DEFAULTS = {
    "GKH_RETENTION_SESSION_HOURS": ("retention_session_hours", 24),
    "GKH_RETENTION_THROTTLE_HOURS": ("retention_throttle_hours", 24),
    "GKH_RETENTION_PAGE_TOKEN_HOURS": ("retention_page_token_hours", 24),
    "GKH_RETENTION_PAYMENT_EMAIL_DAYS": ("retention_payment_email_days", 90),
    "GKH_RETENTION_BATCH_SIZE": ("retention_batch_size", 1000),
}


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch):
    for name in NAMES_AND_DEFAULTS:
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_defaults():
    settings = get_settings()
    assert {name: getattr(settings, field) for name, (field, _) in NAMES_AND_DEFAULTS.items()} == {
        name: default for name, (_, default) in NAMES_AND_DEFAULTS.items()}


@pytest.mark.parametrize("name", NAMES_AND_DEFAULTS)
def test_a_positive_number_is_taken(monkeypatch, name):
    monkeypatch.setenv(name, " 7 ")
    get_settings.cache_clear()
    assert getattr(get_settings(), NAMES_AND_DEFAULTS[name][0]) == 7


@pytest.mark.parametrize("name", NAMES_AND_DEFAULTS)
@pytest.mark.parametrize("value", ["0", "-5", "24h", "1.5", "1e3", "٣", "２４"])
def test_anything_else_is_refused_naming_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    with pytest.raises(SettingsError) as refused:
        get_settings()
    assert str(refused.value) == (
        f"{name} must be a positive whole number (e.g. {name}={NAMES_AND_DEFAULTS[name][1]}), got {value!r}")
