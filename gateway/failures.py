"""Which failures are the world's (retry until it recovers) and which are the message's.

Infrastructure faults — the broker or the database unreachable, a deadlock, a booking race,
a full disk — clear by themselves: stages retry them (in place when ordered). Anything else
raised by a handler is unexpected: retried a bounded number of times, then the message that
causes it is isolated and parked, so one bad payment never blocks a settlement shard.
"""

from __future__ import annotations

import errno

import aiormq
import asyncpg

from settlement.ledger import ConcurrentBooking

UNEXPECTED_ATTEMPTS = 3      # in-place attempts before an ordered stage isolates the culprit

_TRANSIENT: tuple[type[BaseException], ...] = (
    ConnectionError, TimeoutError,
    aiormq.exceptions.AMQPConnectionError, aiormq.exceptions.ChannelInvalidStateError,
    asyncpg.exceptions.PostgresConnectionError, asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.TooManyConnectionsError, asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.DeadlockDetectedError, asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.LockNotAvailableError, asyncpg.exceptions.QueryCanceledError,
    asyncpg.exceptions.AdminShutdownError, asyncpg.exceptions.CrashShutdownError,
    ConcurrentBooking,
)
_TRANSIENT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EAGAIN, errno.ENFILE, errno.EMFILE}


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, _TRANSIENT):
        return True
    return isinstance(exc, OSError) and exc.errno in _TRANSIENT_ERRNOS
