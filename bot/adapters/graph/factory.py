"""The Graph calendar and mail from Settings. Importing this module costs nothing: the SDK is
imported when `graph_ports` is called (the CLI's cold start is measured)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config import Settings
from bot.domain.errors import InvalidInput

if TYPE_CHECKING:
    from azure.core.credentials_async import AsyncTokenCredential

    from bot.adapters.graph.calendar import GraphCalendar
    from bot.adapters.graph.client import RetryPolicy
    from bot.adapters.graph.mail import GraphMail


def missing_settings(settings: Settings, *, credential_given: bool = False) -> list[str]:
    """The GRAPH_* variables still to set; the tenant, app and secret are not needed when a
    credential is handed in."""
    needed: dict[str, object] = {"GRAPH_MAILBOX": settings.graph_mailbox}
    if not credential_given:
        needed |= {
            "GRAPH_TENANT_ID": settings.graph_tenant_id,
            "GRAPH_CLIENT_ID": settings.graph_client_id,
            "GRAPH_CLIENT_SECRET": settings.graph_client_secret,
        }
    return sorted(name for name, value in needed.items() if not value)


def graph_ports(
    settings: Settings,
    *,
    credential: AsyncTokenCredential | None = None,
    retry: RetryPolicy | None = None,
) -> tuple[GraphCalendar, GraphMail]:
    """One connection for the mailbox GRAPH_MAILBOX, shared by both adapters; close it with
    `calendar.connection.aclose()`. A credential handed in stays the caller's to close."""
    missing = missing_settings(settings, credential_given=credential is not None)
    if missing:
        raise InvalidInput(f"Outlook (Microsoft Graph) needs {', '.join(missing)} to be set.")
    from bot.adapters.graph.calendar import GraphCalendar
    from bot.adapters.graph.client import client_secret_credential, connect
    from bot.adapters.graph.mail import GraphMail
    from bot.adapters.tls import outbound_ssl_context

    assert settings.graph_mailbox is not None
    trust = outbound_ssl_context(settings.ca_bundles())  # CA_BUNDLE, for Graph and Entra ID
    connection = connect(
        credential or client_secret_credential(settings, ssl_context=trust),
        mailbox=settings.graph_mailbox,
        base_url=settings.graph_base_url,
        retry=retry,
        owns_credential=credential is None,
        ssl_context=trust,
    )
    return GraphCalendar(connection), GraphMail(connection)
