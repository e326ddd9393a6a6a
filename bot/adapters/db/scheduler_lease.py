"""One scheduler per SQLite database, enforced by a lease row taken at start and renewed on
every tick.

SQLite is the embedded, single-node store: replicas belong on PostgreSQL, whose claims skip
rows another scheduler holds, so there no lease is needed. A second scheduler on the same file
would only queue for SQLite's one write lock, behind the first and the bot's own requests; a
mistaken second replica is therefore refused, loudly, at start.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db.models import SchedulerLeaseRow
from bot.domain.errors import DomainError

LEASE_NAME = "outbox"


class SchedulerAlreadyRunning(DomainError):
    code = "scheduler_already_running"


def this_process() -> str:
    """`host-pid`: who holds a lease or a claimed row, in words an operator can act on."""
    return f"{socket.gethostname()}-{os.getpid()}"[:128]


def gone_from_this_host(holder: str) -> bool:
    """A holder on this host whose process has gone (a crash, then a quick restart): its
    lease is stale at once, so a restart is not refused until the lease runs out."""
    host, _, pid = holder.rpartition("-")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) <= 0:
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, as another user
        return False
    return False


class SchedulerLease:
    def __init__(
        self,
        engine: AsyncEngine,
        *,
        holder: str,
        ttl: timedelta,
        zone: tzinfo,
        name: str = LEASE_NAME,
    ) -> None:
        self._engine = engine
        self.holder = holder
        self._ttl = ttl
        self._zone = zone  # for the time in the refusal, which a person reads
        self._name = name

    async def take(self, now: datetime) -> None:
        """Take or renew the lease until `now + ttl`, or refuse while another live holder has
        it. SQLite begins every transaction IMMEDIATE (engine.py), so the read and the write
        below cannot interleave with another process's."""
        table = SchedulerLeaseRow
        async with self._engine.begin() as connection:
            current = (
                await connection.execute(
                    select(table.holder, table.lease_until).where(table.name == self._name)
                )
            ).first()
            if current is not None:
                holder, until = current
                if holder != self.holder and until > now and not gone_from_this_host(holder):
                    raise SchedulerAlreadyRunning(
                        f"another scheduler ({holder}) holds this database until"
                        f" {until.astimezone(self._zone):%H:%M}; on SQLite only one may run"
                        " — use PostgreSQL for replicas"
                    )
                await connection.execute(delete(table).where(table.name == self._name))
            await connection.execute(
                insert(table).values(
                    name=self._name, holder=self.holder, lease_until=now + self._ttl
                )
            )

    async def release(self) -> None:
        """Let the next scheduler start at once (a clean stop)."""
        table = SchedulerLeaseRow
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(table).where(table.name == self._name, table.holder == self.holder)
            )


def lease_for(
    engine: AsyncEngine, *, holder: str, ttl: timedelta, zone: tzinfo
) -> SchedulerLease | None:
    """A lease on SQLite; None on PostgreSQL, where any number of schedulers may run."""
    if engine.dialect.name != "sqlite":
        return None
    return SchedulerLease(engine, holder=holder, ttl=ttl, zone=zone)
