"""«Доступ гражданина в личный кабинет ГИС ЖКХ»: the e-mail field under hostile input (``AgreementState.proceed``).

A refused address leaves the resident untouched: no e-mail written, the
agreement not accepted; the same tab then continues with a real address.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gkh_web.db.engine import session_scope
from gkh_web.db.models import Resident
from gkh_web.domain.contacts import MSG_EMAIL, MSG_EMAIL_MIXED_SCRIPTS
from gkh_web.services.identity.agreement import AGREEMENT_VERSION
from gkh_web.state.agreement import AgreementState
from tests.hostile.support import (
    CRLF,
    IMG_ONERROR,
    JS_URL,
    NUL,
    ONE_MB,
    RLO,
    SCRIPT,
    SQL_DROP,
    SQL_OR,
    TEN_K,
    ZWSP,
    app_snapshot,
    assert_russian,
    demo_login,
    redirect_path,
    signed_in_state,
)

KUZNETSOVA = demo_login("kuznetsova")

EMAIL_CASES = [
    pytest.param(SQL_OR + "@example.com", MSG_EMAIL, id="sql-or"),
    pytest.param("anna@example.com" + SQL_DROP, MSG_EMAIL, id="sql-drop"),
    pytest.param("anna';DROP--@example.com", MSG_EMAIL, id="sql-in-local-part"),
    pytest.param(SCRIPT + "@example.com", MSG_EMAIL, id="script-local-part"),
    pytest.param("anna@" + SCRIPT + ".ru", MSG_EMAIL, id="script-domain"),
    pytest.param(IMG_ONERROR, MSG_EMAIL, id="img-onerror"),
    pytest.param(JS_URL + "@example.com", MSG_EMAIL, id="javascript-url"),
    pytest.param('"anna"@example.com', MSG_EMAIL, id="quoted-local-part"),
    pytest.param("anna@example.com" + NUL, MSG_EMAIL, id="nul"),
    pytest.param(f"anna@example.com{CRLF}Bcc: evil@example.com", MSG_EMAIL, id="crlf-header-injection"),
    pytest.param(RLO + "moc.elpmaxe@anna", MSG_EMAIL, id="rtl-override"),
    pytest.param("anna" + ZWSP + "@example.com", MSG_EMAIL, id="zero-width-space"),
    pytest.param("\u0430nna@example.com", MSG_EMAIL_MIXED_SCRIPTS, id="cyrillic-a-in-latin-local-part"),
    pytest.param("anna@\u0435xample.com", MSG_EMAIL_MIXED_SCRIPTS, id="cyrillic-e-in-latin-domain"),
    pytest.param("анна@п\u006fчта.рф", MSG_EMAIL_MIXED_SCRIPTS, id="latin-o-in-cyrillic-domain"),
    pytest.param("\uff41nna@example.com", MSG_EMAIL, id="fullwidth-letter"),
    pytest.param("anna\uff20example.com", MSG_EMAIL, id="fullwidth-at-sign"),
    pytest.param("a" * TEN_K + "@example.com", MSG_EMAIL, id="10k-chars"),
    pytest.param("a" * ONE_MB, MSG_EMAIL, id="1mb"),
]


def _resident() -> Resident:
    with session_scope() as session:
        return session.exec(sa.select(Resident).where(Resident.snils == KUZNETSOVA.snils)).scalars().one()


@pytest.mark.parametrize(("typed", "message"), EMAIL_CASES)
async def test_a_hostile_email_is_refused_and_nothing_is_accepted(demo_db, typed, message):
    page = await signed_in_state(AgreementState, "kuznetsova", accept_agreement=False)
    assert await page.open_page() is None, "Кузнецова's first sign-in: the agreement page"
    page.set_accepted(True)
    before = app_snapshot(demo_db)

    result = await page.proceed({"email": typed})

    assert result is None, "still on the agreement page"
    assert_russian(page.email_error, message)
    assert app_snapshot(demo_db) == before
    assert _resident().agreement_accepted_at is None

    result = await page.proceed({"email": "anna.k@example.com"})
    assert redirect_path(result) == "/cabinet"
    resident = _resident()
    assert (resident.email, resident.agreement_version) == ("anna.k@example.com", AGREEMENT_VERSION)
