"""The unit of work: one session, one transaction; nothing is kept unless `commit` is called."""

from __future__ import annotations

import asyncio
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.adapters.db.audit_repository import AuditChain, SqlAuditLog
from bot.adapters.db.booking_repository import SqlBookingClaims
from bot.adapters.db.case_repository import SqlCaseRepository
from bot.adapters.db.mail_threads import SqlMailThreads
from bot.adapters.db.outbox_repository import SqlOutbox
from bot.adapters.db.writer_turns import take, turn_for


class SqlUnitOfWork:
    """`async with SqlUnitOfWork(sessions, chain) as uow: ...; await uow.commit()`.

    Repositories exist from `__aenter__` to `__aexit__`; leaving the block rolls back whatever
    was not committed and returns the connection to the pool."""

    cases: SqlCaseRepository
    outbox: SqlOutbox
    audit: SqlAuditLog
    mail_threads: SqlMailThreads
    booking_claims: SqlBookingClaims
    session: AsyncSession

    def __init__(self, sessions: async_sessionmaker[AsyncSession], chain: AuditChain) -> None:
        self._sessions = sessions
        self._chain = chain  # how audit rows are signed
        self._turn: asyncio.Lock | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        bind = self._sessions.kw.get("bind")
        self._turn = turn_for(bind if isinstance(bind, AsyncEngine) else None)
        if self._turn is not None:  # SQLite: one writer; wait in line, not in a poll
            await take(self._turn)
        self.session = self._sessions()
        self.cases = SqlCaseRepository(self.session)
        self.outbox = SqlOutbox(self.session)
        self.audit = SqlAuditLog(self.session, self._chain)
        self.mail_threads = SqlMailThreads(self.session)
        self.booking_claims = SqlBookingClaims(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Closing rolls back whatever was not committed and returns the connection; objects
        # read here stay readable (detached, not expired) for whoever renders them next.
        try:
            await self.session.close()
        finally:
            if self._turn is not None:
                self._turn.release()

    async def commit(self) -> None:
        await self.session.commit()
