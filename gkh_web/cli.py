"""``gkh``: database, demo data and import commands for operators and ``make``.

    gkh db upgrade                       создать или обновить схему базы данных
    gkh db current                       показать версию схемы
    gkh db ensure-demo                   загрузить демо-данные, только если база пуста
    gkh demo [--large] [--as-of ДАТА]    очистить базу и загрузить демо-данные
    gkh demo --if-empty                  то же, что gkh db ensure-demo
    gkh import ФАЙЛ                      загрузить платёжные документы из JSON
    gkh import reconciliation ФАЙЛ       загрузить ответы поставщика на уведомления об оплате
    gkh export notices --provider ИНН [--since ДАТА] [--until ДАТА] ФАЙЛ
                                         выгрузить поставщику уведомления об оплате (docs/notice-format.md)
    gkh esia add-user --last-name … …    добавить пользователя демо-ЕСИА
    gkh esia list-users                  показать пользователей демо-ЕСИА (без паролей)
    gkh esia list-clients                показать клиентов демо-ЕСИА и их адреса возврата
    gkh check-config                     проверить настройки (в GKH_ENV=production — никаких демо-значений)
    gkh sessions end-all                 завершить все открытые сеансы жителей (например, после инцидента)
    gkh purge [--dry-run]                удалить персональные данные, срок хранения которых истёк

Exit codes: 0 success, 1 the work failed (bad file, database not ready), 2 the
command line itself is wrong. Never imports Reflex, so it starts fast and runs
where the web app's dependencies are not wanted.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from gkh_web.db import migrate
from gkh_web.db.engine import create_database_if_missing, resolve_url, session_scope
from gkh_web.domain.contacts import format_phone
from gkh_web.domain.identifiers import format_snils
from gkh_web.esia import clients
from gkh_web.esia.users import EsiaUserInvalid, NewEsiaUser, add_esia_user, list_esia_users
from gkh_web.sandbox_gateway.config import get_sandbox_settings
from gkh_web.services import config_check, retention
from gkh_web.services.data.demo_data import (
    DEMO_ACCOUNT_TO_LINK,
    DEMO_LOGINS,
    DEMO_UNLINKED_ACCOUNTS,
    LARGE_DEMO_LOGIN,
    DemoSummary,
    demo_account_requisites,
    ensure_demo,
    load_demo,
)
from gkh_web.services.data.payment_import import import_payment_documents_file
from gkh_web.services.identity import residents
from gkh_web.services.mail.smtp import redacted
from gkh_web.services.payments import notices
from gkh_web.settings import SettingsError, get_settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

_ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (.*)", r"не указаны обязательные аргументы: \1"),
    (r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)",
     r"аргумент \1: неизвестное значение \2 (возможные: \3)"),
    (r"invalid choice: (.*?) \(choose from (.*)\)", r"неизвестная команда \1 (возможные: \2)"),
    (r"unrecognized arguments: (.*)", r"лишние аргументы: \1"),
    (r"argument (.*?): expected one argument", r"аргумент \1: нужно значение"),
    (r"argument (.*?): not allowed with argument (.*)", r"аргумент \1 нельзя указывать вместе с \2"),
    (r"^argument (.*?): ", r"аргумент \1: "),
)


class _RussianHelpFormatter(argparse.HelpFormatter):
    """argparse's help, with its few fixed English words in Russian."""

    _SECTIONS: ClassVar[dict[str, str]] = {
        "positional arguments": "аргументы", "options": "параметры", "optional arguments": "параметры"}

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "Использование: " if prefix is None else prefix)

    def start_section(self, heading):
        super().start_section(self._SECTIONS.get(heading, heading))


class _Parser(argparse.ArgumentParser):
    """Usage errors in Russian, exit code 2 (argparse's convention)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _RussianHelpFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="показать эту справку и выйти")

    def error(self, message):
        for pattern, replacement in _ARGPARSE_MESSAGES:
            message = re.sub(pattern, replacement, message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: ошибка: {message}\n")


def _iso_date(text: str) -> date:
    """--as-of ГГГГ-ММ-ДД."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ожидается дата в формате ГГГГ-ММ-ДД, получено «{text}»") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gkh", description="Оплата ЖКУ через ГИС ЖКХ: база данных, демо-данные, импорт.")
    commands = parser.add_subparsers(dest="command", metavar="КОМАНДА", title="команды")

    db = commands.add_parser("db", help="схема базы данных", description="Схема базы данных (миграции alembic).")
    db_commands = db.add_subparsers(dest="db_command", metavar="ДЕЙСТВИЕ", title="действия")
    create = db_commands.add_parser(
        "create", help="создать базу данных PostgreSQL, если её ещё нет (для SQLite ничего не делает)")
    create.add_argument("urls", nargs="*", metavar="URL",
                        help="адреса баз (по умолчанию GKH_DATABASE_URL)")
    db_commands.add_parser("upgrade", help="создать или обновить схему до последней версии")
    db_commands.add_parser("current", help="показать версию схемы")
    db_commands.add_parser("ensure-demo", help="загрузить демо-данные, только если в базе нет поставщиков")
    revision = db_commands.add_parser("revision", help="(разработчикам) новая миграция из изменений в моделях")
    revision.add_argument("message", metavar="СООБЩЕНИЕ", help="что меняет миграция")

    demo = commands.add_parser(
        "demo", help="очистить базу и загрузить демо-данные",
        description="Очищает ВСЕ данные (включая пользователей ЕСИА) и загружает демо-набор одной транзакцией.",
    )
    demo.add_argument("--large", action="store_true",
                      help="добавить жителя «Большой Набор»: 10 лицевых счетов × 36 документов × 12 услуг")
    demo.add_argument("--as-of", type=_iso_date, metavar="ГГГГ-ММ-ДД",
                      help="«сегодня» для демо-набора (по умолчанию текущая дата)")
    demo.add_argument("--if-empty", action="store_true", help="загрузить, только если база пуста (ничего не удалять)")

    imp = commands.add_parser(
        "import", help="загрузить платёжные документы из JSON",
        description="Загружает файл формата gkh.payment-documents (docs/import-format.md): всё или ничего.",
    )
    imp.add_argument("what", metavar="ФАЙЛ | reconciliation",
                     help="путь к JSON-файлу платёжных документов, не больше 10 МБ; или слово «reconciliation»")
    imp.add_argument("file", metavar="ФАЙЛ", nargs="?",
                     help="с «reconciliation»: файл ответов поставщика gkh.reconciliation (docs/notice-format.md)")
    exp = commands.add_parser("export", help="выгрузить уведомления об оплате поставщику",
                              description="Выгружает неотвеченные уведомления об оплате поставщика "
                                          "(формат gkh.payment-notices, docs/notice-format.md).")
    exp_commands = exp.add_subparsers(dest="export_command", metavar="ЧТО", title="что")
    notices = exp_commands.add_parser("notices", help="уведомления об оплате документов поставщика")
    notices.add_argument("--provider", required=True, metavar="ИНН", help="ИНН поставщика")
    notices.add_argument("--since", type=_iso_date, metavar="ГГГГ-ММ-ДД", help="оплачено не раньше этого дня (МСК)")
    notices.add_argument("--until", type=_iso_date, metavar="ГГГГ-ММ-ДД", help="оплачено не позже этого дня (МСК)")
    notices.add_argument("file", metavar="ФАЙЛ", help="куда записать JSON")
    _add_esia_commands(commands)
    commands.add_parser(
        "check-config", help="проверить настройки",
        description="Проверяет настройки окружения. В GKH_ENV=production отказывает, пока действует любое "
                    "демо-значение, и перечисляет все проблемы разом.",
    )
    sessions = commands.add_parser("sessions", help="сеансы жителей", description="Сеансы жителей в ГИС ЖКХ.")
    sessions_commands = sessions.add_subparsers(dest="sessions_command", metavar="ДЕЙСТВИЕ", title="действия")
    sessions_commands.add_parser("end-all", help="завершить все открытые сеансы (причина «revoked»)")
    purge = commands.add_parser(
        "purge", help="удалить персональные данные с истёкшим сроком хранения",
        description="Удаляет или очищает персональные данные, срок хранения которых истёк (GKH_RETENTION_*; "
                    "README, «Персональные данные и сроки хранения»). Платежи, их суммы и журнал остаются. "
                    "Сервер делает то же раз в сутки сам.",
    )
    purge.add_argument("--dry-run", action="store_true", help="только посчитать, ничего не менять")
    return parser


def _add_esia_commands(commands) -> None:
    """``gkh esia add-user`` / ``list-users``: accounts of the embedded demo ЕСИА."""
    esia = commands.add_parser(
        "esia", help="пользователи демо-ЕСИА",
        description="Учётные записи встроенной демо-ЕСИА: вход по телефону, e-mail или СНИЛС.",
    )
    esia_commands = esia.add_subparsers(dest="esia_command", metavar="ДЕЙСТВИЕ", title="действия")
    add = esia_commands.add_parser(
        "add-user", help="добавить пользователя",
        description="Добавляет пользователя демо-ЕСИА. Без --password пароль спрашивается дважды, не показываясь.",
    )
    add.add_argument("--last-name", required=True, metavar="ФАМИЛИЯ", help="фамилия")
    add.add_argument("--first-name", required=True, metavar="ИМЯ", help="имя")
    add.add_argument("--middle-name", metavar="ОТЧЕСТВО", help="отчество (если есть)")
    add.add_argument("--snils", required=True, metavar="СНИЛС", help="СНИЛС, например 145-267-389 79")
    add.add_argument("--phone", metavar="ТЕЛЕФОН",
                     help="мобильный телефон, например +7 903 555-01-01 (нужен телефон или почта, можно оба)")
    add.add_argument("--email", metavar="EMAIL", help="адрес электронной почты")
    add.add_argument("--password", metavar="ПАРОЛЬ",
                     help="пароль (не меньше 8 знаков, буквы и цифры); лучше не указывать и ввести по запросу")
    esia_commands.add_parser("list-users", help="показать пользователей (без паролей)")
    esia_commands.add_parser("list-clients", help="показать зарегистрированные системы и их адреса возврата")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code (also when argparse wants to exit)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:
        return int(exit_request.code or 0)
    handler = _handler(args)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return handler(args)
    except SettingsError as error:
        print(error, file=sys.stderr)
        return EXIT_FAILED
    except sa.exc.SQLAlchemyError as error:
        print(f"Ошибка базы данных: {error.__class__.__name__}: {error}".splitlines()[0], file=sys.stderr)
        return EXIT_FAILED


def _handler(args: argparse.Namespace):
    if args.command == "db":
        return {
            "create": _db_create, "upgrade": _db_upgrade, "current": _db_current, "ensure-demo": _ensure_demo,
            "revision": _db_revision,
        }.get(args.db_command)
    if args.command == "esia":
        return {"add-user": _esia_add_user, "list-users": _esia_list_users,
                "list-clients": _esia_list_clients}.get(args.esia_command)
    if args.command == "sessions":
        return {"end-all": _sessions_end_all}.get(args.sessions_command)
    if args.command == "export":
        return {"notices": _export_notices}.get(args.export_command)
    return {"demo": _demo, "import": _import, "check-config": _check_config, "purge": _purge}.get(args.command)


def _check_config(_args) -> int:
    settings = get_settings()
    problems = config_check.config_problems(settings)
    if problems:
        print(config_check.refusal_text(problems, settings.env), file=sys.stderr)
        return EXIT_FAILED
    print(f"Настройки годятся для GKH_ENV={settings.env}; публичный адрес {settings.public_url}")
    print(f"Квитанции по почте: через {redacted(settings.smtp_url)}, от {settings.mail_from}" if settings.smtp_url
          else "Квитанции по почте не отправляются (GKH_SMTP_URL не задан)")
    return EXIT_OK


def _refuse_demo_in_production() -> bool:
    """Demo data (known people, known passwords) never goes into a production database."""
    if get_settings().is_production:
        print("GKH_ENV=production: демо-данные не загружаются.", file=sys.stderr)
        return True
    return False


def _sessions_end_all(_args) -> int:
    if not _database_ready():
        return EXIT_FAILED
    with session_scope() as session:
        ended = residents.end_all_sessions(session, reason="revoked")
    print(f"Завершено сеансов: {ended}. Открытые вкладки покажут стартовый экран при следующем действии.")
    return EXIT_OK


def _purge(args) -> int:
    """``gkh purge``: every retention rule, one line each; ``--dry-run`` only counts."""
    get_settings()  # a bad GKH_RETENTION_* is said before anything is touched
    if not _database_ready():
        return EXIT_FAILED
    report = retention.purge(dry_run=args.dry_run)
    print(f"База данных: {_shown_url()}" + (" — пробный прогон, ничего не меняется" if args.dry_run else ""))
    if retention.sandbox_in_use(get_settings()):
        sandbox_url = make_url(get_sandbox_settings().database_url).render_as_string(hide_password=True)
        print(f"База песочницы шлюза: {sandbox_url}")
    for outcome in report.outcomes:
        print(f"  {outcome.rule.label} (старше {_age(outcome.keep)}): {_purge_verb(outcome, args.dry_run)}")
    print(f"Всего строк: {report.total}")
    return EXIT_OK


def _age(keep: timedelta) -> str:
    """«24 ч», «90 дн.»: how a retention reads in ``gkh purge``."""
    hours = int(keep.total_seconds() // 3600)
    if hours and hours % 24 == 0 and hours > 24:
        return f"{hours // 24} дн."
    return f"{hours} ч" if hours else f"{int(keep.total_seconds())} с"


def _purge_verb(outcome: retention.RuleOutcome, dry_run: bool) -> str:
    deleted = outcome.rule.how == retention.DELETE
    if dry_run:
        return f"{'будет удалено' if deleted else 'будет очищено'} {outcome.rows}"
    batches = f" ({outcome.batches} {_plural(outcome.batches, 'пакет', 'пакета', 'пакетов')})" if outcome.rows else ""
    return f"{'удалено' if deleted else 'очищено'} {outcome.rows}{batches}"


def _shown_url() -> str:
    """The database URL without its password, to say where the work happens."""
    return make_url(resolve_url()).render_as_string(hide_password=True)


def _db_create(args) -> int:
    for url in args.urls or [resolve_url()]:
        shown = make_url(url).render_as_string(hide_password=True)
        if make_url(url).get_backend_name() == "sqlite":
            print(f"База данных {shown}: SQLite, файл появится при первом подключении")
        else:
            print(f"База данных {shown}: {'создана' if create_database_if_missing(url) else 'уже есть'}")
    return EXIT_OK


def _db_upgrade(_args) -> int:
    print(f"База данных: {_shown_url()}")
    print("Применяю миграции…")
    migrate.upgrade()
    print(f"Схема базы данных в актуальной версии: {migrate.current_revision()}")
    return EXIT_OK


def _db_current(_args) -> int:
    current, head = migrate.current_revision(), migrate.head_revision()
    print(f"База данных: {_shown_url()}")
    print(f"Версия схемы: {current or 'нет (выполните «gkh db upgrade»)'}; последняя: {head}")
    return EXIT_OK if current == head else EXIT_FAILED


def _db_revision(args) -> int:
    print(f"База данных: {_shown_url()} (должна быть в актуальной версии)")
    migrate.new_revision(args.message)
    print("Новая миграция записана в gkh_web/db/migrations/versions/ — проверьте её перед коммитом.")
    return EXIT_OK


def _ensure_demo(_args) -> int:
    if _refuse_demo_in_production():
        return EXIT_FAILED
    _db_upgrade(_args)
    with session_scope() as session:
        loaded = ensure_demo(session)
    print("Демо-данные загружены." if loaded else "В базе уже есть поставщики — демо-данные не загружаю.")
    if loaded:
        _print_logins(large=False)
    return EXIT_OK


def _demo(args) -> int:
    if args.if_empty:
        return _ensure_demo(args)
    if _refuse_demo_in_production():
        return EXIT_FAILED
    _db_upgrade(args)
    as_of = args.as_of or date.today()
    with_large = " с большим набором…" if args.large else "…"
    print(f"Удаляю все данные и загружаю демо-набор на {as_of:%d.%m.%Y}{with_large}")
    started = time.perf_counter()
    with session_scope() as session:
        summary = load_demo(session, large=args.large, as_of=as_of)
    seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
    print(f"Готово за {seconds} с: {_describe_summary(summary)}.")
    _print_logins(large=args.large)
    return EXIT_OK


def _describe_summary(summary: DemoSummary) -> str:
    return (
        f"поставщиков {summary.providers}, домов {summary.houses}, лицевых счетов {summary.personal_accounts}, "
        f"платёжных документов {summary.payment_documents}, строк услуг {summary.service_lines}, "
        f"жителей {summary.residents}, пользователей ЕСИА {summary.esia_users}"
    )


def _print_logins(*, large: bool) -> None:
    """Who can sign in: any of phone, e-mail or СНИЛС with the password."""
    print("Вход через демо-ЕСИА (логин — телефон, e-mail или СНИЛС):")
    for login in DEMO_LOGINS + ((LARGE_DEMO_LOGIN,) if large else ()):
        print(f"  {login.fio}: {login.phone} / {login.email} / {login.snils}, пароль {login.password}")
    print("Лицевой счёт, который Кузнецова подключает при первом входе:")
    print(f"  {demo_account_requisites(DEMO_ACCOUNT_TO_LINK)}")
    print("Лицевые счета без владельца в ГИС ЖКХ, с неоплаченными документами («оплатить по другому лицевому счёту»):")
    for account in DEMO_UNLINKED_ACCOUNTS:
        print(f"  {demo_account_requisites(account)}")


def _import(args) -> int:
    if args.file is not None and args.what != "reconciliation":
        print(f"Неизвестно, что загружать: «{args.what}». Пример: gkh import reconciliation ФАЙЛ", file=sys.stderr)
        return EXIT_USAGE
    if not migrate.is_up_to_date():
        print("База данных не подготовлена: выполните «gkh db upgrade».", file=sys.stderr)
        return EXIT_FAILED
    if args.file is not None:
        return _import_reconciliation(args.file)
    args.file = args.what
    print(f"Загружаю {args.file} в {_shown_url()}…")
    with session_scope() as session:
        result = import_payment_documents_file(session, args.file)
    if not result.ok:
        print(f"Файл не загружен, в базу ничего не записано. Найдено ошибок: {len(result.errors)}", file=sys.stderr)
        for problem in result.errors:
            print(problem, file=sys.stderr)
        return EXIT_FAILED
    print(_loaded_message(result.created))
    return EXIT_OK


def _import_reconciliation(path: str) -> int:
    """``gkh import reconciliation ФАЙЛ``: the provider's answers, all or nothing."""
    with session_scope() as session:
        result = notices.import_reconciliation_file(session, path)
    if not result.ok:
        print(f"Файл не загружен, в базу ничего не записано. Найдено ошибок: {len(result.errors)}", file=sys.stderr)
        for problem in result.errors:
            print(problem, file=sys.stderr)
        return EXIT_FAILED
    print(f"Записано ответов: {result.recorded}; уже были записаны раньше: {result.already}")
    return EXIT_OK


def _export_notices(args) -> int:
    """``gkh export notices``: every unanswered notice of one provider, in a fixed order."""
    if not migrate.is_up_to_date():
        print("База данных не подготовлена: выполните «gkh db upgrade».", file=sys.stderr)
        return EXIT_FAILED
    with session_scope() as session:
        try:
            document = notices.export_notices(session, args.provider, args.since, args.until)
        except notices.ExportError as error:
            print(error, file=sys.stderr)
            return EXIT_FAILED
    with open(args.file, "w", encoding="utf-8") as out:
        out.write(notices.notices_json(document))
    print(f"Выгружено уведомлений: {len(document['notices'])} → {args.file}")
    return EXIT_OK


def _plural(number: int, one: str, few: str, many: str) -> str:
    """Russian plural form for a number: 1 документ, 2 документа, 5 документов."""
    if number % 10 == 1 and number % 100 != 11:
        return one
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return few
    return many


def _loaded_message(created: int) -> str:
    """«Загружен 1 платёжный документ», «Загружено 3 платёжных документа», «Загружено 5 платёжных документов»."""
    verb = _plural(created, "Загружен", "Загружено", "Загружено")
    noun = _plural(created, "платёжный документ", "платёжных документа", "платёжных документов")
    return f"{verb} {created} {noun}"



def _database_ready() -> bool:
    """Commands that write need the current schema; say how to get it otherwise."""
    if migrate.is_up_to_date():
        return True
    print("База данных не подготовлена: выполните «gkh db upgrade».", file=sys.stderr)
    return False


def _ask_password() -> str | None:
    """The password typed twice without echo; None (after saying why) when it cannot be had."""
    try:
        first = getpass.getpass("Пароль: ")
        second = getpass.getpass("Пароль ещё раз: ")
    except (EOFError, KeyboardInterrupt):
        print("\nПароль не введён — пользователь не добавлен.", file=sys.stderr)
        return None
    if first != second:
        print("Пароли не совпадают — пользователь не добавлен.", file=sys.stderr)
        return None
    return first


def _esia_add_user(args) -> int:
    if not _database_ready():
        return EXIT_FAILED
    password = args.password if args.password is not None else _ask_password()
    if password is None:
        return EXIT_FAILED
    new = NewEsiaUser(args.last_name, args.first_name, args.middle_name, args.snils, args.phone, args.email, password)
    try:
        with session_scope() as session:
            user = add_esia_user(session, new)
    except EsiaUserInvalid as invalid:
        print("Пользователь ЕСИА не добавлен:", file=sys.stderr)
        for problem in invalid.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_FAILED
    fio = " ".join(part for part in (user.last_name, user.first_name, user.middle_name) if part)
    print(f"Пользователь ЕСИА добавлен: {fio} (идентификатор {user.subject_id}).")
    logins = [format_phone(user.phone) if user.phone else None, user.email, f"СНИЛС {format_snils(user.snils)}"]
    print("Вход: " + " / ".join(login for login in logins if login))
    return EXIT_OK


def _esia_list_users(_args) -> int:
    if not _database_ready():
        return EXIT_FAILED
    with session_scope() as session:
        users = list_esia_users(session)
    if not users:
        print("Пользователей демо-ЕСИА нет (загрузите демо-данные: «gkh demo»).")
        return EXIT_OK
    print(f"Пользователи демо-ЕСИА ({len(users)}):")
    for user in users:
        print(f"  {user.fio}: {user.phone} / {user.email} / СНИЛС {user.snils}; идентификатор {user.subject_id}")
    return EXIT_OK


def _esia_list_clients(_args) -> int:
    if not _database_ready():
        return EXIT_FAILED
    with session_scope() as session:
        registered = clients.list_clients(session)
    if not registered:
        print("Клиентов демо-ЕСИА нет: сервер записывает свой при старте, «gkh demo» — при загрузке.")
        return EXIT_OK
    print(f"Клиенты демо-ЕСИА ({len(registered)}):")
    for client in registered:
        print(f"  {client.client_id}: " + ", ".join(client.redirect_uris))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
