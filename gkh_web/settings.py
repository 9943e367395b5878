"""Settings read from the environment, one place for every knob.

The embedded defaults run on one machine with no outside services (SQLite in
``data/``); each setting swaps in a real service without code changes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'data' / 'gkh.db'}"


@dataclass(frozen=True)
class Settings:
    """What the app needs to know about its surroundings."""

    database_url: str
    """SQLAlchemy URL of the main database (``GKH_DATABASE_URL``)."""

    max_document_payment_kopecks: int
    """Cap for one payment document's «Сумма платежа» (``GKH_MAX_DOCUMENT_PAYMENT_KOPECKS``)."""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process; call ``get_settings.cache_clear()`` in tests after changing env."""
    return Settings(
        database_url=os.environ.get("GKH_DATABASE_URL") or _default_database_url(),
        max_document_payment_kopecks=int(
            os.environ.get("GKH_MAX_DOCUMENT_PAYMENT_KOPECKS", str(500_000 * 100))
        ),
    )
