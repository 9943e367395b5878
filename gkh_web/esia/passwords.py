"""Password hashing for the demo ЕСИА identity provider (argon2id via argon2-cffi).

One place that knows the hashing parameters, so the demo loader and the
future sign-in flow hash and verify the same way.

Parameters: argon2id with 19 MiB, 2 passes, 1 lane — OWASP's recommended
minimum (Password Storage Cheat Sheet), about 20 ms of CPU per check. The
library default (RFC 9106 low-memory: 64 MiB, 3 passes, 4 lanes) costs ~170 ms
of CPU and four threads per check: on the 2-core kiosk server 200 kiosks
signing in together queued for half a minute, timed out and slowed every click
(bench/kiosks.py). Hashes made with other parameters still verify (they carry
their own) and ``needs_rehash`` reports them.

Even so, each process checks (or hashes) one password at a time, in a thread of its own:
a crowd of sign-ins queues there instead of taking every thread, all the memory
and both cores at once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_LANES = 1

_hasher = PasswordHasher(time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_LANES)
_hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="esia-argon2")
"""Its one thread starts on the first check, so a process forked before that (a server worker) gets its own."""


def hash_password(password: str) -> str:
    """An argon2id hash with its own random salt, safe to store in ``esia_user.password_hash``.

    Made in the same single hashing thread as the checks: a burst of registrations queues there too.
    """
    return _hashing.submit(_hasher.hash, password).result()


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_password(password_hash: str, password: str) -> bool:
    """True if ``password`` matches the stored hash; False for a wrong password or a broken hash.

    Blocks the calling thread until this process's hashing thread gets to it.
    """
    return _hashing.submit(_verify, password_hash, password).result()


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    return _hasher.check_needs_rehash(password_hash)
