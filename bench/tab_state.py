"""What one kiosk tab keeps on the server: every state of a signed-in tab on «Оплата ЖКУ», by size.

    .venv/bin/python bench/tab_state.py

Builds the tab in memory over a fresh SQLite demo database (with «Большой Набор»), signs in Иванов and then
«Большой Набор», opens /pay as the page's on_load does and, for every state that holds anything, prints:

* pickled: the bytes Redis keeps for it between events (Reflex pickles each state on its own);
* in memory: the Python objects of its variables as a worker holds them while it has the tab's lease
  (``REFLEX_OPLOCK_ENABLED``), measured with tracemalloc by unpickling a copy.

So the memory a session costs can be read per state: rows kept per tab, copies per state. Writes
bench/out/tab_state.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import sys
import tempfile
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench/out/tab_state.json"
AS_OF = date(2026, 11, 25)


def _in_memory_bytes(blob: bytes) -> int:
    """Bytes allocated to rebuild a state from its pickle (its variables, not the class)."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    copy = pickle.loads(blob)
    size = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del copy
    return size


async def _tab_on_pay(snils: str) -> dict[str, tuple[int, int]]:
    import reflex as rx
    import sqlalchemy as sa
    from reflex.istate.data import ReflexURL, RouterData

    from gkh_web.db.engine import session_scope
    from gkh_web.db.esia_models import EsiaUser
    from gkh_web.services.identity import agreement, residents
    from gkh_web.services.identity.esia_client import EsiaClaims
    from gkh_web.state.pay import PayPageState
    from gkh_web.state.session import SessionState

    with session_scope() as session:
        user = session.exec(sa.select(EsiaUser).where(EsiaUser.snils == snils)).scalars().one()
        token = residents.sign_in_resident(session, EsiaClaims(
            user.subject_id, user.last_name, user.first_name, user.middle_name, user.snils, user.phone, user.email))
        resident = residents.resident_for_token(session, token, idle_limit_seconds=3600)
        agreement.accept_agreement(session, resident.id, email=resident.email)

    root = rx.State(_reflex_internal_init=True)
    root.router = RouterData(url=ReflexURL("http://kiosk.test/pay"))
    page = root.get_substate(PayPageState.get_full_name().split(".")[1:])
    (await page.get_state(SessionState))._token = token
    await page.open_page()
    sizes = {}
    for state in _all_states(root):
        blob = state._serialize()
        if blob:
            sizes[state.get_full_name().rsplit(".", 1)[-1]] = (len(blob), _in_memory_bytes(blob))
    return sizes


async def _tabs(snils_by_name: dict[str, str]) -> dict[str, dict[str, tuple[int, int]]]:
    """One event loop for all tabs: Reflex registers its states in a context variable of the first one."""
    return {name: await _tab_on_pay(snils) for name, snils in snils_by_name.items()}


def _all_states(state):
    yield state
    for child in state.substates.values():
        yield from _all_states(child)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-tab-") as tmp:
        os.environ["GKH_DATABASE_URL"] = f"sqlite:///{tmp}/gkh.db"
        from gkh_web.db.engine import session_scope
        from gkh_web.db.migrate import upgrade
        from gkh_web.services.data.demo_data import DEMO_LOGINS, LARGE_DEMO_LOGIN, load_demo

        upgrade(os.environ["GKH_DATABASE_URL"])
        with session_scope() as session:
            load_demo(session, large=True, as_of=AS_OF)
        ivanov = next(login for login in DEMO_LOGINS if login.key == "ivanov")
        tabs = asyncio.run(_tabs({"Иванов": ivanov.snils, "Большой Набор": LARGE_DEMO_LOGIN.snils}))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(tabs, ensure_ascii=False, indent=1))
    for who, sizes in tabs.items():
        print(f"\n## {who}: a signed-in tab on /pay")
        print(f"{'state':58} {'pickled, B':>11} {'in memory, B':>13}")
        for name, (pickled, memory) in sorted(sizes.items(), key=lambda item: -item[1][1]):
            print(f"{name:58} {pickled:>11} {memory:>13}")
        print(f"{'all states':58} {sum(p for p, _ in sizes.values()):>11} {sum(m for _, m in sizes.values()):>13}")


if __name__ == "__main__":
    main()
