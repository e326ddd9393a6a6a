"""azure-identity's token requests with the same trust as every other outbound client.

azure-core's `connection_verify` takes a CA file and trusts that file ALONE; the context from
`bot.adapters.tls` trusts it besides the public CAs. aiohttp takes a context only on its
session's connector, and a session can only be made inside the event loop: so it is made
when the transport opens, as azure-core's own transport makes its session.
"""

from __future__ import annotations

import ssl

import aiohttp
from azure.core.pipeline.transport import AioHttpTransport


# azure-core exports its transports lazily (a module `__getattr__`): mypy sees Any.
class TrustingTransport(AioHttpTransport):  # type: ignore[misc]
    session: aiohttp.ClientSession | None

    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__()
        self._context = context

    async def open(self) -> None:
        if self.session is None:
            self.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=self._context),
                trust_env=True,  # HTTPS_PROXY, as azure-core's own session honours it
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,  # as azure-core's own: it decodes bodies itself
            )
        await super().open()
