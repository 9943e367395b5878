"""The README's demo logins and accounts are the ones the demo data really creates."""

from pathlib import Path

import pytest

from gkh_web.domain.identifiers import format_snils
from gkh_web.services.data.demo_data import (
    DEMO_ACCOUNT_TO_LINK,
    DEMO_LOGINS,
    DEMO_UNLINKED_ACCOUNTS,
    LARGE_DEMO_LOGIN,
)

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _readme_row(text: str) -> str:
    rows = [line for line in README.splitlines() if line.startswith("|") and text in line]
    assert rows, f"README has no table row with {text!r}"
    return rows[0]


@pytest.mark.parametrize("login", [*DEMO_LOGINS, LARGE_DEMO_LOGIN], ids=lambda login: login.key)
def test_readme_lists_each_demo_login_as_created(login):
    row = _readme_row(login.phone)
    for value in (login.email, format_snils(login.snils)):
        assert f"`{value}`" in row
    assert f"пароль у всех `{login.password}`" in README


@pytest.mark.parametrize("account", [DEMO_ACCOUNT_TO_LINK, *DEMO_UNLINKED_ACCOUNTS], ids=lambda a: a.key)
def test_readme_lists_accounts_for_linking_and_paying_by_any_account(account):
    assert f"`{account.number}`" in README
    assert f"`{account.izhku}`" in README


def _settings_read_from_environment() -> list[str]:
    import re

    root = Path(__file__).resolve().parents[2] / "gkh_web"
    sources = (root / "settings.py").read_text(encoding="utf-8") + (root / "sandbox_gateway/config.py").read_text(
        encoding="utf-8")
    return sorted(set(re.findall(r"""(?:environ\.get|env|positive_int)\(\s*["'](GKH_[A-Z_]+)["']""", sources)))


@pytest.mark.parametrize("name", _settings_read_from_environment())
def test_readme_documents_every_setting(name):
    assert f"`{name}`" in README, f"{name} is read from the environment but not in the README's settings"
