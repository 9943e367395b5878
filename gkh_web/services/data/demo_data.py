"""Deterministic demo data: providers, houses, accounts, ЕПД, residents and ЕСИА users.

Everything a person or a test needs to remember is a constant here (logins,
ЕЛС, account numbers, addresses), so README, browser tests and this module
share one source. Volumes, recalculations and the like come from
``random.Random(seed)``, and dates from ``as_of``: the same seed and date
always give the same database.

Decisions (see also the module constants):

* The newest period is the month before ``as_of`` (as_of 25.11.2026 → октябрь
  2026, issued 01.11.2026, due 15.11.2026); ordinary accounts have 12 months
  of documents.
* ИПД = ИЖКУ + «-» + MMYY of the period: unique per account for 100 years.
* Residents (а), (б), (в) already have a ``resident`` row and linked accounts,
  but ``agreement_accepted_at`` is NULL: their first sign-in after a reset
  shows «Доступ гражданина в личный кабинет ГИС ЖКХ», as in the real flow.
  (г) Кузнецова has only an ЕСИА account: signing in creates her resident
  row, and she links ``DEMO_ACCOUNT_TO_LINK`` by hand.
* A document's debt or advance is a balance the system has no documents for
  (a debt from before the history, an overpayment): unpaid documents never
  repeat each other's amounts, so paying every unpaid document pays each
  kopeck once.
* ``large=True`` loads the ordinary set AND a resident «Большой Набор» with
  10 accounts × 36 documents × 12 services, for benchmarks.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlmodel import Session, select

from gkh_web.db.esia_models import EsiaUser
from gkh_web.db.models import (
    House,
    PaymentDocument,
    PersonalAccount,
    Premises,
    ProviderOrganisation,
    Resident,
    ResidentAccountLink,
    ServiceLine,
    flat_address,
    house_address,
    stored_id,
)
from gkh_web.domain.charges import charge_kopecks, check_service_line, document_total, line_to_pay
from gkh_web.domain.dates import due_date, issue_date, shift_month
from gkh_web.domain.identifiers import (
    is_valid_inn,
    make_correspondent_account,
    make_settlement_account,
    normalize_els,
    normalize_ipd,
    normalize_izhku,
)
from gkh_web.esia import clients
from gkh_web.esia.passwords import hash_password
from gkh_web.services.accounts.providers import check_provider_requisites
from gkh_web.settings import get_settings

DEMO_SEED = 2026
DEMO_PASSWORD = "Demo-2026!"
ORDINARY_HISTORY_MONTHS = 12
LARGE_ACCOUNTS = 10
LARGE_HISTORY_MONTHS = 36


# --- Logins -------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    """A demo person who signs in through the embedded ЕСИА (by phone, e-mail or СНИЛС)."""

    key: str
    last_name: str
    first_name: str
    middle_name: str | None
    phone: str
    email: str
    snils: str
    """11 digits; shown to people as «XXX-XXX-XXX YY»."""
    password: str
    purpose: str
    """What signing in as this person demonstrates."""
    has_resident: bool = True
    """False: the person has never opened the ГИС ЖКХ cabinet (no ``resident`` row)."""

    @property
    def fio(self) -> str:
        """Фамилия Имя Отчество."""
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "ivanov", "Иванов", "Иван", "Иванович", "+79035550101", "ivanov@example.com", "14526738979",
        DEMO_PASSWORD,
        "три подключённых лицевых счёта (два помещения, три поставщика) с неоплаченными"
        " документами, один документ оплачен частично, есть долг и пени",
    ),
    DemoLogin(
        "petrova", "Петрова", "Мария", "Сергеевна", "+79035550202", "petrova@example.com", "15238467169",
        DEMO_PASSWORD,
        "все документы оплачены: «В системе отсутствует информация о неоплаченных начислениях за ЖКУ»;"
        " льгота 50 % и аванс",
    ),
    DemoLogin(
        "sidorov", "Сидоров", "Пётр", "Алексеевич", "+79035550303", "sidorov@example.com", "16349572899",
        DEMO_PASSWORD,
        "подключён лицевой счёт, по которому поставщик (ТСН «Берёзовая роща») не выставил ни одного документа",
    ),
    DemoLogin(
        "kuznetsova", "Кузнецова", "Анна", "Викторовна", "+79035550404", "kuznetsova@example.com",
        "17450823975",
        DEMO_PASSWORD,
        "первый вход в ГИС ЖКХ: соглашение, затем подключение своего лицевого счёта №\u00a01001027"
        " (ИЖКУ 77НР482913-01)",
        has_resident=False,
    ),
)

LARGE_DEMO_LOGIN = DemoLogin(
    "large", "Большой", "Набор", None, "+79035550909", "large@example.com", "19672045399",
    DEMO_PASSWORD,
    "10 лицевых счетов, у каждого 36 платёжных документов по 12 услуг: проверка большого списка",
)


# --- Providers and services ------------------------------------------------------


@dataclass(frozen=True)
class DemoBank:
    """A bank by its public requisites; the correspondent account is derived from the БИК."""

    name: str
    bik: str


SBERBANK = DemoBank("ПАО Сбербанк", "044525225")
VTB = DemoBank("Банк ВТБ (ПАО)", "044525187")
ALFA_BANK = DemoBank("АО «Альфа-Банк»", "044525593")


@dataclass(frozen=True)
class DemoProvider:
    """A fictional исполнитель ЖКУ; ИНН = ``inn_prefix`` + a computed check digit."""

    key: str
    name: str
    short_name: str
    kind: str
    inn_prefix: str
    address: str
    phone: str
    email: str
    bank: DemoBank
    balance_account: str
    """«40702» commercial organisation, «40703» non-profit (ТСН, фонд)."""
    services: tuple[str, ...]
    """Codes from ``SERVICES`` this provider bills, in the order printed."""


@dataclass
class _VolumeInput:
    """What a volume formula may look at: the account and the volumes already drawn."""

    area: Decimal
    residents: int
    rng: random.Random
    volumes: dict[str, Decimal] = field(default_factory=dict)


VolumeRule = Callable[[_VolumeInput], Decimal]


def _area(context: _VolumeInput) -> Decimal:
    """Charged per m² of the flat (содержание жилого помещения, капремонт)."""
    return context.area


def _area_times(norm: str) -> VolumeRule:
    """A norm per m², e.g. Гкал of heating per m² per month paid evenly over the year."""
    return lambda context: (context.area * Decimal(norm)).quantize(Decimal("0.0001"))


def _per_resident(low_milli: int, high_milli: int, places: str = "0.001") -> VolumeRule:
    """Metered consumption: residents × a random per-person amount (in thousandths)."""

    def rule(context: _VolumeInput) -> Decimal:
        per_person = Decimal(context.rng.randint(low_milli, high_milli)) / 1000
        return (per_person * max(context.residents, 1)).quantize(Decimal(places))

    return rule


def _sum_of(*codes: str) -> VolumeRule:
    """Водоотведение = cold + hot water of the same month."""
    return lambda context: sum((context.volumes[code] for code in codes), Decimal(0))


def _residents(context: _VolumeInput) -> Decimal:
    """Charged per registered person (обращение с ТКО)."""
    return Decimal(max(context.residents, 1))


def _one(_context: _VolumeInput) -> Decimal:
    """A fixed monthly fee (домофон, антенна)."""
    return Decimal(1)


@dataclass(frozen=True)
class DemoService:
    """One service of a Moscow-like ЕПД with a plausible 2026 tariff (₽ per unit)."""

    name: str
    kind: str
    unit: str
    tariff: Decimal
    volume: VolumeRule


SERVICES: dict[str, DemoService] = {
    "maintenance": DemoService("Содержание жилого помещения", "housing", "м²", Decimal("38.40"), _area),
    "common_water": DemoService(
        "Холодная вода на содержание общего имущества", "housing", "м³", Decimal("58.25"), _area_times("0.0120")
    ),
    "cold_water": DemoService(
        "Холодное водоснабжение", "communal", "м³", Decimal("58.25"), _per_resident(2600, 4000)
    ),
    "hot_water": DemoService(
        "Горячее водоснабжение", "communal", "м³", Decimal("289.65"), _per_resident(1600, 2800)
    ),
    "drainage": DemoService("Водоотведение", "communal", "м³", Decimal("44.95"), _sum_of("cold_water", "hot_water")),
    "heating": DemoService("Отопление", "communal", "Гкал", Decimal("3412.56"), _area_times("0.0114")),
    "power_day": DemoService(
        "Электроснабжение (день)", "communal", "кВт·ч", Decimal("9.17"), _per_resident(55000, 95000, "1")
    ),
    "power_night": DemoService(
        "Электроснабжение (ночь)", "communal", "кВт·ч", Decimal("3.85"), _per_resident(25000, 45000, "1")
    ),
    "waste": DemoService("Обращение с ТКО", "communal", "чел.", Decimal("168.53"), _residents),
    "capital_repair": DemoService("Взнос на капитальный ремонт", "capital_repair", "м²", Decimal("28.40"), _area),
    "lock": DemoService("Запирающее устройство (домофон)", "other", "шт.", Decimal("62.00"), _one),
    "antenna": DemoService("Коллективная телеантенна", "other", "шт.", Decimal("98.00"), _one),
}

LARGE_SERVICES: tuple[str, ...] = (
    "maintenance", "common_water", "cold_water", "hot_water", "drainage", "heating",
    "power_day", "power_night", "waste", "capital_repair", "lock", "antenna",
)
"""The 12 lines of the large set's ЕПД (a full Moscow-style single document)."""

DEMO_PROVIDERS: tuple[DemoProvider, ...] = (
    DemoProvider(
        "rassvet", "Общество с ограниченной ответственностью «Управляющая компания «Рассвет»",
        "ООО «УК «Рассвет»", "management", "771801234",
        "125130, г. Москва, ул. Лесная, д. 12, корп. 2, пом. I", "+7 (495) 150-12-01", "info@uk-rassvet.example",
        SBERBANK, "40702",
        ("maintenance", "cold_water", "hot_water", "drainage", "heating", "waste", "lock"),
    ),
    DemoProvider(
        "severny", "Общество с ограниченной ответственностью «Управляющая компания «Северный квартал»",
        "ООО «УК «Северный квартал»", "management", "772804561",
        "117292, г. Москва, Профсоюзная ул., д. 56, пом. 3", "+7 (495) 150-56-03", "dispetcher@sev-kvartal.example",
        VTB, "40702",
        ("maintenance", "cold_water", "hot_water", "drainage", "heating", "waste"),
    ),
    DemoProvider(
        "energosbyt", "Акционерное общество «Энергосбыт Столица»", "АО «Энергосбыт Столица»", "resource",
        "773609872", "115035, г. Москва, Садовническая ул., д. 14, стр. 2", "+7 (495) 150-00-14",
        "lk@energosbyt-stolica.example", ALFA_BANK, "40702",
        ("power_day", "power_night"),
    ),
    DemoProvider(
        "fund", "Фонд капитального ремонта многоквартирных домов", "Фонд капремонта", "capital_repair",
        "770155310", "129090, г. Москва, ул. Гиляровского, д. 7", "+7 (495) 150-07-07", "fkr@fond-kapremont.example",
        SBERBANK, "40703",
        ("capital_repair",),
    ),
    DemoProvider(
        "berezka", "Товарищество собственников недвижимости «Берёзовая роща»", "ТСН «Берёзовая роща»",
        "management", "771467093", "127543, г. Москва, Берёзовая аллея, д. 7, кв. 1", "+7 (495) 150-77-01",
        "pravlenie@tsn-roscha.example", VTB, "40703",
        ("maintenance", "cold_water", "hot_water", "drainage", "heating"),
    ),
)


# --- Houses and accounts ---------------------------------------------------------


@dataclass(frozen=True)
class DemoHouse:
    """A Moscow-like apartment block; its ФИАС GUID is drawn from the seed."""

    key: str
    street: str
    house_number: str


DEMO_HOUSES: tuple[DemoHouse, ...] = (
    DemoHouse("lesnaya", "ул. Лесная", "12, корп. 2"),
    DemoHouse("profsoyuznaya", "Профсоюзная ул.", "56"),
    DemoHouse("berezovaya", "Берёзовая аллея", "7"),
    DemoHouse("leninsky", "Ленинский пр-т", "90"),
)
DEMO_REGION = "г. Москва"
DEMO_CITY = "Москва"


@dataclass(frozen=True)
class DemoPlan:
    """Which documents of an account exist and how they are paid."""

    months: int = ORDINARY_HISTORY_MONTHS
    """Documents issued, ending with the newest period (0: the provider issued none)."""
    unpaid: int = 0
    """The newest N documents are not paid."""
    partially_paid: int | None = None
    """1-based position from the newest of a document paid only in part."""
    debt_kopecks: int = 0
    """Задолженность за предыдущие периоды on the oldest unpaid (else the newest) document."""
    penalties_kopecks: int = 0
    advance_kopecks: int = 0
    """Аванс (a positive number) on the newest document."""
    benefit_percent: int = 0
    """Льгота on housing and communal services, % of the charge."""


@dataclass(frozen=True)
class DemoAccount:
    """A provider's personal account with fixed, documented identifiers."""

    key: str
    provider: str
    house: str
    flat: str
    number: str
    els: str
    service_suffix: str
    """The «-NN» of the ИЖКУ: the ordinal of this provider's bill for the ЕЛС."""
    payer: str
    area: Decimal
    residents: int
    linked_to: str | None
    plan: DemoPlan
    services: tuple[str, ...] | None = None
    """Overrides the provider's list (the large set's 12-line ЕПД)."""

    @property
    def izhku(self) -> str:
        """ИЖКУ = ЕЛС + «-» + two digits."""
        return f"{self.els}-{self.service_suffix}"


IVANOV = "Иванов Иван Иванович"
PETROVA = "Петрова Мария Сергеевна"

DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("ivanov_uk", "rassvet", "lesnaya", "15", "1001015", "77АБ123456", "01", IVANOV,
                Decimal("54.30"), 3, "ivanov", DemoPlan(unpaid=3, partially_paid=3)),
    DemoAccount("ivanov_power", "energosbyt", "lesnaya", "15", "5600100015", "77АБ123456", "02", IVANOV,
                Decimal("54.30"), 3, "ivanov", DemoPlan(unpaid=2)),
    DemoAccount("ivanov_fund", "fund", "profsoyuznaya", "8", "КР-0056-008", "77ВЕ654321", "01", IVANOV,
                Decimal("38.10"), 1, "ivanov", DemoPlan(unpaid=2, debt_kopecks=453_218, penalties_kopecks=12_740)),
    DemoAccount("petrova_uk", "severny", "profsoyuznaya", "31", "СК-56031", "77КМ240517", "01", PETROVA,
                Decimal("72.60"), 2, "petrova", DemoPlan(benefit_percent=50)),
    DemoAccount("petrova_power", "energosbyt", "profsoyuznaya", "31", "5600200031", "77КМ240517", "02", PETROVA,
                Decimal("72.60"), 2, "petrova", DemoPlan(advance_kopecks=30_000)),
    DemoAccount("sidorov_tsn", "berezka", "berezovaya", "5", "БР-005", "77ТС310058", "01",
                "Сидоров Пётр Алексеевич", Decimal("61.00"), 2, "sidorov", DemoPlan(months=0)),
    DemoAccount("kuznetsova_uk", "rassvet", "lesnaya", "27", "1001027", "77НР482913", "01",
                "Кузнецова Анна Викторовна", Decimal("45.80"), 1, None, DemoPlan(unpaid=1)),
    DemoAccount("smirnov_uk", "rassvet", "lesnaya", "42", "1001042", "77ОР551204", "01",
                "Смирнов Алексей Петрович", Decimal("63.20"), 4, None, DemoPlan(unpaid=1)),
    DemoAccount("volkova_uk", "severny", "profsoyuznaya", "3", "СК-56003", "77ХВ118345", "01",
                "Волкова Елена Дмитриевна", Decimal("39.50"), 1, None,
                DemoPlan(unpaid=2, debt_kopecks=1_234_567, penalties_kopecks=23_456, benefit_percent=30)),
    DemoAccount("orlova_tsn", "berezka", "berezovaya", "6", "БР-006", "77ЛН602214", "01",
                "Орлова Ольга Николаевна", Decimal("52.40"), 2, None, DemoPlan(months=0)),
    DemoAccount("lebedev_tsn", "berezka", "berezovaya", "9", "БР-009", "77ГЕ917330", "01",
                "Лебедев Николай Сергеевич", Decimal("67.90"), 3, None, DemoPlan(months=0)),
    DemoAccount("morozov_power", "energosbyt", "lesnaya", "64", "5600100064", "77ЕК903716", "01",
                "Морозов Дмитрий Игоревич", Decimal("88.00"), 3, None, DemoPlan(unpaid=1, advance_kopecks=50_000)),
)

DEMO_ACCOUNT_TO_LINK = next(account for account in DEMO_ACCOUNTS if account.key == "kuznetsova_uk")
"""What Кузнецова (г) types into «Подключить лицевой счёт»."""

DEMO_UNLINKED_ACCOUNTS: tuple[DemoAccount, ...] = tuple(
    account for account in DEMO_ACCOUNTS
    if account.linked_to is None and account.plan.unpaid and account is not DEMO_ACCOUNT_TO_LINK
)
"""Accounts nobody has linked (besides Кузнецова's), with unpaid documents: for «оплатить по другому лицевому счёту»."""

DEMO_IMPORT_TARGETS: tuple[DemoAccount, ...] = tuple(
    account for account in DEMO_ACCOUNTS if account.linked_to is None and not account.plan.months
)
"""ТСН «Берёзовая роща» accounts with no documents yet: tests/data/import/good/sample.json fills them."""


@dataclass(frozen=True)
class DemoSummary:
    """How many rows ``load_demo`` wrote, for the CLI to print."""

    providers: int
    houses: int
    personal_accounts: int
    payment_documents: int
    service_lines: int
    residents: int
    esia_users: int


def demo_account_address(spec: DemoAccount) -> str:
    """Postal address of a demo account's flat, formatted like the stored rows."""
    house = next(house for house in DEMO_HOUSES if house.key == spec.house)
    return flat_address(house_address(DEMO_REGION, house.street, house.house_number), spec.flat)


def demo_account_requisites(spec: DemoAccount) -> str:
    """One line a tester can copy into «Подключить лицевой счёт» or «Оплатить по другому лицевому счёту»."""
    provider = next(provider for provider in DEMO_PROVIDERS if provider.key == spec.provider)
    return (
        f"{spec.payer}: {demo_account_address(spec)}; {provider.short_name} "
        f"(ИНН {inn_with_check_digit(provider.inn_prefix)}),"
        f" лицевой счёт № {spec.number}, ЕЛС {spec.els}, ИЖКУ {spec.izhku}"
    )


def latest_period(as_of: date) -> tuple[int, int]:
    """The newest issued period: the month before ``as_of``."""
    return shift_month(as_of.year, as_of.month, -1)


def ipd_for(izhku: str, year: int, month: int) -> str:
    """ИПД = ИЖКУ + «-» + MMYY of the period (the convention of the demo and the docs)."""
    return normalize_ipd(f"{izhku}-{month:02d}{year % 100:02d}")


def inn_with_check_digit(prefix9: str) -> str:
    """A checksum-valid 10-digit ИНН: the one last digit that ``is_valid_inn`` accepts."""
    for digit in "0123456789":
        if is_valid_inn(prefix9 + digit):
            return prefix9 + digit
    raise AssertionError(f"no ИНН check digit for {prefix9}")  # (Σ mod 11) mod 10 always has one


# --- Loading -------------------------------------------------------------------------


def wipe_app_data(session: Session) -> None:
    """Delete every row of every table except alembic's, children first.

    The table list is read from the database, so tables added by later
    migrations are wiped too without touching this function.
    """
    metadata = sa.MetaData()
    metadata.reflect(bind=session.connection())
    for table in reversed(metadata.sorted_tables):
        if table.name != "alembic_version":
            session.execute(table.delete())


def load_demo(
    session: Session, *, large: bool = False, as_of: date | None = None, seed: int = DEMO_SEED
) -> DemoSummary:
    """Replace all data with the demo set; the caller's transaction makes it all-or-nothing.

    Nothing is committed here: use ``session_scope()`` (or commit) around it.
    """
    wipe_app_data(session)
    builder = _DemoBuilder(session, random.Random(seed), as_of or date.today())
    builder.load_ordinary()
    if large:
        builder.load_large()
    clients.register_own_client(session, get_settings())  # the demo ЕСИА knows this ГИС ЖКХ and its callback
    session.flush()
    return builder.summary()


def ensure_demo(session: Session, *, as_of: date | None = None) -> bool:
    """Load the demo set only into an empty database (no providers yet); True if it did."""
    if session.exec(select(ProviderOrganisation.id).limit(1)).first() is not None:
        return False
    load_demo(session, as_of=as_of)
    return True


class _DemoBuilder:
    """Writes the demo rows; keeps the ids of what it created so later rows can refer to them."""

    def __init__(self, session: Session, rng: random.Random, as_of: date) -> None:
        self.session = session
        self.rng = rng
        self.as_of = as_of
        self.providers: dict[str, ProviderOrganisation] = {}
        self.houses: dict[str, House] = {}
        self.premises: dict[tuple[str, str], Premises] = {}
        self.accounts: dict[str, PersonalAccount] = {}
        self.residents: dict[str, Resident] = {}
        self.counts = {"documents": 0, "lines": 0, "esia_users": 0}
        self.document_serial = 0

    # Reference data

    def load_ordinary(self) -> None:
        """Providers, houses, the documented accounts and the four demo people."""
        for provider in DEMO_PROVIDERS:
            self._add_provider(provider)
        for house in DEMO_HOUSES:
            self._add_house(house)
        for login in DEMO_LOGINS:
            self._add_person(login)
        for account in DEMO_ACCOUNTS:
            self._add_account(account)

    def load_large(self) -> None:
        """«Большой Набор»: 10 accounts × 36 documents × 12 services in one house."""
        self._add_person(LARGE_DEMO_LOGIN)
        taken = {account.els for account in DEMO_ACCOUNTS}
        for flat in range(1, LARGE_ACCOUNTS + 1):
            els = self._random_els(taken)
            plan = DemoPlan(
                months=LARGE_HISTORY_MONTHS,
                unpaid=self.rng.randint(1, 3),
                partially_paid=self.rng.choice((None, 1, 2)),
                debt_kopecks=self.rng.choice((0, 0, self.rng.randint(10_000, 900_000))),
                penalties_kopecks=self.rng.randint(0, 5_000),
                benefit_percent=self.rng.choice((0, 0, 0, 30, 50)),
            )
            self._add_account(DemoAccount(
                f"large_{flat}", "rassvet", "leninsky", str(flat), f"1004{flat:03d}", els, "01",
                LARGE_DEMO_LOGIN.fio, Decimal(self.rng.randint(3000, 12000)) / 100, self.rng.randint(1, 5),
                LARGE_DEMO_LOGIN.key, plan, LARGE_SERVICES,
            ))

    def _random_els(self, taken: set[str]) -> str:
        """A fresh ЕЛС «77» + 2 Cyrillic letters + 6 digits, unique within the demo."""
        while True:
            letters = "".join(self.rng.choice("АБВГДЕКМНОПРСТХ") for _ in range(2))
            els = normalize_els(f"77{letters}{self.rng.randint(0, 999_999):06d}")
            if els not in taken:
                taken.add(els)
                return els

    def _add_provider(self, spec: DemoProvider) -> None:
        """A provider with a valid ИНН, КПП and bank accounts keyed to the БИК."""
        inn = inn_with_check_digit(spec.inn_prefix)
        provider = ProviderOrganisation(
            name=spec.name, short_name=spec.short_name, kind=spec.kind, inn=inn, kpp=f"{inn[:4]}01001",
            address=spec.address, phone=spec.phone, email=spec.email, recipient_name=spec.short_name,
            bank_name=spec.bank.name, bik=spec.bank.bik,
            settlement_account=make_settlement_account(spec.bank.bik, spec.balance_account, int(spec.inn_prefix)),
            correspondent_account=make_correspondent_account(spec.bank.bik),
        )
        check_provider_requisites(provider)
        self._persist(provider)
        self.providers[spec.key] = provider

    def _add_house(self, spec: DemoHouse) -> None:
        """A house with a seed-drawn ФИАС GUID."""
        guid = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        house = House(region=DEMO_REGION, city=DEMO_CITY, street=spec.street, house_number=spec.house_number,
                      fias_guid=guid)
        self._persist(house)
        self.houses[spec.key] = house

    def _premises_for(self, house_key: str, flat: str) -> Premises:
        """The flat, created on first use (several accounts share one premises)."""
        key = (house_key, flat)
        if key not in self.premises:
            premises = Premises(house_id=stored_id(self.houses[house_key]), flat=flat)
            self._persist(premises)
            self.premises[key] = premises
        return self.premises[key]

    def _add_person(self, login: DemoLogin) -> None:
        """The ЕСИА account and, for people who have used ГИС ЖКХ before, their resident row."""
        subject_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        self.session.add(EsiaUser(
            subject_id=subject_id, last_name=login.last_name, first_name=login.first_name,
            middle_name=login.middle_name, snils=login.snils, phone=login.phone, email=login.email.lower(),
            password_hash=hash_password(login.password), created_at=self._moment(days_before=400),
        ))
        self.counts["esia_users"] += 1
        if login.has_resident:
            resident = Resident(
                esia_subject_id=subject_id, last_name=login.last_name, first_name=login.first_name,
                middle_name=login.middle_name, snils=login.snils, phone=login.phone, email=login.email.lower(),
                created_at=self._moment(days_before=200),
            )
            self._persist(resident)
            self.residents[login.key] = resident

    def _add_account(self, spec: DemoAccount) -> None:
        """The personal account, its link to a resident, and its documents."""
        account = PersonalAccount(
            number=spec.number, els=normalize_els(spec.els), izhku=normalize_izhku(spec.izhku),
            provider_id=stored_id(self.providers[spec.provider]),
            premises_id=stored_id(self._premises_for(spec.house, spec.flat)),
            payer_name=spec.payer, total_area=spec.area, residents_count=spec.residents,
        )
        self._persist(account)
        self.accounts[spec.key] = account
        if spec.linked_to is not None:
            self.session.add(ResidentAccountLink(
                resident_id=stored_id(self.residents[spec.linked_to]), personal_account_id=stored_id(account),
                linked_at=self._moment(days_before=190),
            ))
        self._add_documents(spec, account)

    def _persist(self, row) -> None:
        """Insert now, so the row's id can be used by the rows that refer to it."""
        self.session.add(row)
        self.session.flush()

    def _moment(self, *, days_before: int) -> datetime:
        """A fixed time of day ``days_before`` as_of, so timestamps are deterministic too."""
        return datetime.combine(self.as_of - timedelta(days=days_before), time(9, 30), tzinfo=UTC)

    # Documents

    def _add_documents(self, spec: DemoAccount, account: PersonalAccount) -> None:
        """All documents of one account: insert the documents, then their lines in bulk."""
        newest_year, newest_month = latest_period(self.as_of)
        services = spec.services or self._provider_spec(spec.provider).services
        documents, lines_by_document = [], []
        for age in range(spec.plan.months - 1, -1, -1):  # oldest first; age 0 = newest
            year, month = shift_month(newest_year, newest_month, -age)
            lines = self._service_lines(spec, services)
            documents.append(self._document(spec, account, year, month, age, lines))
            lines_by_document.append(lines)
        if not documents:
            return
        self.session.add_all(documents)
        self.session.flush()
        rows = [
            {**line, "payment_document_id": document.id}
            for document, lines in zip(documents, lines_by_document, strict=False)
            for line in lines
        ]
        self.session.execute(sa.insert(ServiceLine), rows)
        self.counts["documents"] += len(documents)
        self.counts["lines"] += len(rows)

    @staticmethod
    def _provider_spec(key: str) -> DemoProvider:
        return next(provider for provider in DEMO_PROVIDERS if provider.key == key)

    def _service_lines(self, spec: DemoAccount, services: tuple[str, ...]) -> list[dict]:
        """The month's lines: volume × tariff, an occasional перерасчёт, the account's льгота."""
        volume_input = _VolumeInput(spec.area, spec.residents, self.rng)
        lines = []
        for position, code in enumerate(services, start=1):
            service = SERVICES[code]
            volume = service.volume(volume_input)
            volume_input.volumes[code] = volume
            charged = charge_kopecks(volume, service.tariff)
            recalculation = self._recalculation(charged)
            benefit = _percent_of(charged, spec.plan.benefit_percent) if service.kind in ("housing", "communal") else 0
            lines.append(_checked_line(
                position=position, service_name=service.name, service_kind=service.kind, unit=service.unit,
                volume=volume, tariff=service.tariff, charged_kopecks=charged,
                recalculation_kopecks=recalculation, benefit_kopecks=benefit,
            ))
        return lines

    def _recalculation(self, charged: int) -> int:
        """One line in ten gets a доначисление or уменьшение of 2–25 % of its charge."""
        if self.rng.randrange(10):
            return 0
        share = _percent_of(charged, self.rng.randint(2, 25))
        return share if self.rng.randrange(2) else -share

    def _document(
        self, spec: DemoAccount, account: PersonalAccount, year: int, month: int, age: int, lines: list[dict]
    ) -> PaymentDocument:
        """One ЕПД with its debt/advance, penalties, total and what has been paid."""
        plan = spec.plan
        debt_age = plan.unpaid - 1 if plan.unpaid else 0
        debt = plan.debt_kopecks if age == debt_age else 0
        penalties = plan.penalties_kopecks if age == debt_age else 0
        advance = plan.advance_kopecks if age == 0 else 0
        total = document_total([line["to_pay_kopecks"] for line in lines], debt - advance, penalties)
        self.document_serial += 1
        return PaymentDocument(
            ipd=ipd_for(account.izhku, year, month),
            number=f"ПД-{year}-{month:02d}-{self.document_serial:06d}",
            personal_account_id=stored_id(account), period_year=year, period_month=month,
            issue_date=issue_date(year, month), due_date=due_date(year, month),
            debt_or_advance_kopecks=debt - advance, penalties_kopecks=penalties, total_kopecks=total,
            paid_kopecks=_paid(plan, age, total), status="issued",
        )

    def summary(self) -> DemoSummary:
        """Counts of what was written."""
        return DemoSummary(
            providers=len(self.providers), houses=len(self.houses), personal_accounts=len(self.accounts),
            payment_documents=self.counts["documents"], service_lines=self.counts["lines"],
            residents=len(self.residents), esia_users=self.counts["esia_users"],
        )


def _checked_line(**line) -> dict:
    """A service line with its «к оплате», checked by the same rule as imported lines."""
    line["to_pay_kopecks"] = line_to_pay(
        line["charged_kopecks"], line["recalculation_kopecks"], line["benefit_kopecks"]
    )
    check_service_line(
        line["charged_kopecks"], line["recalculation_kopecks"], line["benefit_kopecks"], line["to_pay_kopecks"]
    )
    return line


def _percent_of(kopecks: int, percent: int) -> int:
    """``percent`` % of an amount, rounded half-up to a whole kopeck."""
    share = Decimal(kopecks) * Decimal(percent) / 100
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _paid(plan: DemoPlan, age: int, total: int) -> int:
    """Paid in full unless among the newest ``unpaid``; the partly paid one gets 40 % in whole roubles."""
    if age >= plan.unpaid:
        return total
    if plan.partially_paid is not None and age == plan.partially_paid - 1:
        return _percent_of(total, 40) // 100 * 100
    return 0
