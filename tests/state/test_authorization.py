"""Handlers never trust ids from the browser: every public handler can be called over the
websocket with any argument, so these call them directly with another resident's ids."""

from __future__ import annotations

import reflex as rx
import sqlalchemy as sa

from gkh_web.db.engine import session_scope
from gkh_web.db.models import Resident, ResidentAccountLink
from gkh_web.services.identity import residents
from gkh_web.services.identity.esia_client import EsiaClaims
from gkh_web.state.cabinet import CabinetState
from gkh_web.state.session import SessionState


def _state(cls):
    root = rx.State(_reflex_internal_init=True)
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _signed_in_token(snils: str) -> str:
    """Open a real session for the demo resident with this СНИЛС, as finish_sign_in does."""
    with session_scope() as session:
        resident = session.exec(sa.select(Resident).where(Resident.snils == snils)).scalars().one()
        claims = EsiaClaims(resident.esia_subject_id, resident.last_name, resident.first_name,
                            resident.middle_name, resident.snils, resident.phone, resident.email)
        return residents.sign_in_resident(session, claims)


def _account_ids_linked_to(snils: str) -> list[int]:
    with session_scope() as session:
        rows = session.exec(
            sa.select(ResidentAccountLink.personal_account_id)
            .join(Resident, Resident.id == ResidentAccountLink.resident_id)
            .where(Resident.snils == snils)
        ).scalars().all()
        return list(rows)


def _link_count() -> int:
    with session_scope() as session:
        return session.exec(sa.select(sa.func.count()).select_from(ResidentAccountLink)).scalar_one()


IVANOV_SNILS, SIDOROV_SNILS = "14526738979", "16349572899"


async def test_unlink_with_another_residents_account_id_is_refused(demo_db):
    cabinet = _state(CabinetState)
    session_state = await cabinet.get_state(SessionState)
    session_state._token = _signed_in_token(SIDOROV_SNILS)
    ivanovs_account = _account_ids_linked_to(IVANOV_SNILS)[0]
    before = _link_count()
    cabinet.unlink_account_id = ivanovs_account  # as if the browser had sent it
    result = await cabinet.confirm_unlink()
    assert _link_count() == before
    assert ivanovs_account in _account_ids_linked_to(IVANOV_SNILS)
    assert "не подключён к вашему кабинету" in str(result)


async def test_asking_to_unlink_an_account_not_on_the_page_does_nothing(demo_db):
    cabinet = _state(CabinetState)
    (await cabinet.get_state(SessionState))._token = _signed_in_token(SIDOROV_SNILS)
    await cabinet.reload()
    cabinet.ask_unlink(_account_ids_linked_to(IVANOV_SNILS)[0])
    assert cabinet.unlink_account_id == 0


async def test_without_a_session_the_cabinet_loads_nothing(demo_db):
    cabinet = _state(CabinetState)
    await cabinet.reload()
    assert cabinet.accounts == [] and not cabinet.loaded


async def test_an_ended_session_is_refused_even_if_the_tab_still_holds_its_token(demo_db):
    cabinet = _state(CabinetState)
    session_state = await cabinet.get_state(SessionState)
    token = _signed_in_token(IVANOV_SNILS)
    session_state._token = token
    await cabinet.reload()
    assert len(cabinet.accounts) == 3
    with session_scope() as session:
        residents.end_session(session, token)
    await cabinet.reload()
    assert cabinet.accounts == []
    assert session_state._token == ""
