"""Residents for the kiosk benchmark: one ЕСИА user, resident and personal account per kiosk.

Each kiosk pays something nobody else pays (a document can be in only one open
payment), so every simulated person gets an account of their own with two unpaid
documents, built by the demo loader's own code (``_DemoBuilder``: the same
services, tariffs, totals and checks as ``gkh demo``). The residents have accepted
the current agreement, so a sign-in goes straight to the cabinet, as it does for a
returning resident.

All users share one argon2 hash of the demo password, made once with the app's own
hasher: verifying it costs exactly what verifying a per-user hash does, and seeding
350 people does not spend half a minute hashing.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlmodel import select

from gkh_web.db.engine import session_scope
from gkh_web.db.esia_models import EsiaUser
from gkh_web.db.models import House, PaymentDocument, PersonalAccount, ProviderOrganisation, Resident
from gkh_web.domain.identifiers import snils_checksum
from gkh_web.esia.passwords import hash_password
from gkh_web.services.data.demo_data import (
    DEMO_HOUSES,
    DEMO_PASSWORD,
    DEMO_PROVIDERS,
    DemoAccount,
    DemoPlan,
    _DemoBuilder,
)
from gkh_web.services.identity.agreement import AGREEMENT_VERSION

KIOSK_SEED = 6006
KIOSK_PROVIDER = "rassvet"
KIOSK_HOUSE = "leninsky"
KIOSK_PLAN = DemoPlan(months=3, unpaid=2)


@dataclass(frozen=True)
class KioskPerson:
    """Who stands at kiosk ``index``: how they sign in and what they can pay."""

    index: int
    login: str
    password: str
    resident_id: int
    account_id: int
    unpaid_document_ids: tuple[int, ...]


def kiosk_phone(index: int) -> str:
    return f"+7903600{index:04d}"


def kiosk_snils(index: int) -> str:
    first9 = f"2{index:08d}"
    return first9 + snils_checksum(first9)


def seed_kiosk_people(database_url: str, count: int, *, first_index: int = 1,
                      as_of: date | None = None) -> list[KioskPerson]:
    """Add ``count`` kiosk people (indexes ``first_index``…) to the demo database at ``database_url``."""
    password_hash = hash_password(DEMO_PASSWORD)
    accepted_at = datetime.now(UTC)
    people: list[tuple[int, str, Resident]] = []
    with session_scope(database_url) as session:
        builder = _DemoBuilder(session, random.Random(KIOSK_SEED + first_index), as_of or date.today())
        for spec in DEMO_PROVIDERS:
            builder.providers[spec.key] = session.exec(
                select(ProviderOrganisation).where(ProviderOrganisation.name == spec.name)).one()
        for spec in DEMO_HOUSES:
            builder.houses[spec.key] = session.exec(select(House).where(
                House.street == spec.street, House.house_number == spec.house_number)).one()
        taken_els = set(session.exec(select(PersonalAccount.els)).all())
        for index in range(first_index, first_index + count):
            subject_id = str(uuid.uuid4())
            phone, email = kiosk_phone(index), f"kiosk{index:04d}@bench.example"
            session.add(EsiaUser(subject_id=subject_id, last_name="Киосков", first_name="Пользователь",
                                 middle_name=None, snils=kiosk_snils(index), phone=phone, email=email,
                                 password_hash=password_hash))
            resident = Resident(esia_subject_id=subject_id, last_name="Киосков", first_name="Пользователь",
                                snils=kiosk_snils(index), phone=phone, email=email,
                                agreement_version=AGREEMENT_VERSION, agreement_accepted_at=accepted_at)
            session.add(resident)
            session.flush()
            key = f"kiosk_{index}"
            builder.residents[key] = resident
            builder._add_account(DemoAccount(
                key, KIOSK_PROVIDER, KIOSK_HOUSE, f"к{index}", f"20{index:05d}", builder._random_els(taken_els),
                "01", f"Киосков Пользователь {index}", Decimal("50.00"), 2, key, KIOSK_PLAN,
            ))
            people.append((index, phone, resident))
        session.flush()
        result = []
        for index, phone, resident in people:
            account = builder.accounts[f"kiosk_{index}"]
            unpaid = session.exec(select(PaymentDocument.id).where(
                PaymentDocument.personal_account_id == account.id,
                PaymentDocument.paid_kopecks < PaymentDocument.total_kopecks,
            ).order_by(PaymentDocument.id)).all()
            result.append(KioskPerson(index, phone, DEMO_PASSWORD, resident.id, account.id, tuple(unpaid)))
    return result
