"""``gkh esia add-user`` and ``gkh esia list-users``: checked input, Russian messages, exit codes, no hashes shown."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from gkh_web import cli
from gkh_web.db.engine import session_scope
from gkh_web.db.esia_models import EsiaUser
from gkh_web.esia.provider import authenticate

OLGA = ["--last-name", "Смирнова", "--first-name", "Ольга", "--middle-name", "Петровна",
        "--snils", "112-233-445 95", "--phone", "8 (916) 123-45-67", "--email", "Olga@Example.com"]


def esia_users(url: str) -> int:
    with session_scope(url) as session:
        return session.exec(select(func.count()).select_from(EsiaUser)).one()


def test_add_user_stores_normalised_data_and_the_user_can_sign_in(demo_db, capsys):
    assert cli.main(["esia", "add-user", *OLGA, "--password", "Secret-2026"]) == cli.EXIT_OK

    out = capsys.readouterr().out
    assert "Пользователь ЕСИА добавлен: Смирнова Ольга Петровна" in out
    assert "+7 (916) 123-45-67 / olga@example.com / СНИЛС 112-233-445 95" in out
    with session_scope(demo_db) as session:
        user = session.exec(select(EsiaUser).where(EsiaUser.snils == "11223344595")).one()
        assert (user.phone, user.email) == ("+79161234567", "olga@example.com")
        assert user.password_hash.startswith("$argon2id$")
        assert authenticate(session, "olga@example.com", "Secret-2026").subject_id == user.subject_id


def test_add_user_asks_for_the_password_twice_when_not_given(demo_db, monkeypatch):
    answers = iter(["Secret-2026", "Secret-2026"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: next(answers))

    assert cli.main(["esia", "add-user", *OLGA]) == cli.EXIT_OK
    with session_scope(demo_db) as session:
        assert authenticate(session, "+79161234567", "Secret-2026").ok


def test_mismatched_passwords_add_nobody(demo_db, monkeypatch, capsys):
    answers = iter(["Secret-2026", "Secret-2027"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: next(answers))
    before = esia_users(demo_db)

    assert cli.main(["esia", "add-user", *OLGA]) == cli.EXIT_FAILED

    assert "Пароли не совпадают" in capsys.readouterr().err
    assert esia_users(demo_db) == before


def test_every_problem_is_listed_in_russian_and_nothing_is_stored(demo_db, capsys):
    before = esia_users(demo_db)

    code = cli.main(["esia", "add-user", "--last-name", "Smirnova1", "--first-name", "Ольга",
                     "--snils", "112-233-445 96", "--phone", "12345", "--email", "olga@", "--password", "short"])

    err = capsys.readouterr().err
    assert code == cli.EXIT_FAILED
    assert "Пользователь ЕСИА не добавлен:" in err
    for problem in ("Фамилия: только буквы", "СНИЛС: Проверьте СНИЛС: контрольное число не совпадает",
                    "Телефон: Телефон — 10 цифр после +7", "Электронная почта: Проверьте адрес",
                    "Пароль: от 8 до 256 знаков"):
        assert problem in err
    assert esia_users(demo_db) == before


def test_phone_email_and_snils_of_an_existing_user_are_refused(demo_db, capsys):
    code = cli.main(["esia", "add-user", "--last-name", "Двойник", "--first-name", "Иван",
                     "--snils", "14526738979", "--phone", "+7 903 555-01-01", "--email", "IVANOV@example.com",
                     "--password", "Secret-2026"])

    err = capsys.readouterr().err
    assert code == cli.EXIT_FAILED
    assert "с таким СНИЛС уже есть" in err and "с таким телефоном уже есть" in err
    assert "с такой электронной почтой уже есть" in err


def test_missing_arguments_are_a_usage_error(demo_db, capsys):
    assert cli.main(["esia", "add-user", "--last-name", "Смирнова"]) == cli.EXIT_USAGE
    assert "не указаны обязательные аргументы" in capsys.readouterr().err


def test_list_users_shows_the_demo_people_without_hashes(demo_db, capsys):
    assert cli.main(["esia", "list-users"]) == cli.EXIT_OK

    out = capsys.readouterr().out
    assert "Пользователи демо-ЕСИА (4):" in out
    assert "Иванов Иван Иванович: +7 (903) 555-01-01 / ivanov@example.com / СНИЛС 145-267-389 79" in out
    assert "argon2" not in out


@pytest.mark.parametrize("command", [["esia", "list-users"], ["esia", "add-user", *OLGA, "--password", "Secret-2026"]])
def test_esia_commands_want_a_migrated_database(empty_db, command, capsys):
    assert cli.main(command) == cli.EXIT_FAILED
    assert "выполните «gkh db upgrade»" in capsys.readouterr().err


def test_a_phone_or_an_email_is_enough_but_one_is_needed(demo_db, capsys):
    """As on the registration page: Госуслуги accounts are registered with either."""
    without_phone = [arg for arg in OLGA if arg not in ("--phone", "8 (916) 123-45-67")]
    assert cli.main(["esia", "add-user", *without_phone, "--password", "Secret-2026"]) == cli.EXIT_OK
    assert "Вход: olga@example.com / СНИЛС 112-233-445 95" in capsys.readouterr().out

    neither = [arg for arg in without_phone if arg not in ("--email", "Olga@Example.com")]
    assert cli.main(["esia", "add-user", *neither, "--password", "Secret-2026"]) == cli.EXIT_FAILED
    assert "Укажите мобильный телефон или электронную почту" in capsys.readouterr().err
