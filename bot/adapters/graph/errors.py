"""What a Microsoft Graph failure looks like to the rest of the bot, in plain words.

Nothing here imports msgraph or azure, so any module may catch these without paying for the SDK.
Messages name the operation, Graph's error code and what to fix; never a token, a secret or
the content of a request.
"""

from __future__ import annotations

import re

from bot.domain.errors import DomainError, InvalidInput, NotFound, Unavailable

_AADSTS = re.compile(r"AADSTS(\d{5,7})")
# Graph's codes are CamelCase words (ErrorItemNotFound, Request_ResourceNotFound); anything
# else a server or proxy sends back is not repeated.
_CODE = re.compile(r"[A-Za-z0-9_.]{1,64}")


def clean_code(code: object) -> str:
    text = str(code)
    return text if _CODE.fullmatch(text) else "unexpected_reply"


class GraphUnavailable(Unavailable):
    """Graph could not be reached, or kept answering 429/5xx after the client's own retries.

    Not in the outbox runner's never-succeeds list: an outbox row is tried again later (and
    its alert says so). The message says only what happened: a person's own action is not
    retried, and the service that called says so (`bot.services.not_now`).
    """

    code = "graph_unavailable"


class GraphNotAuthorised(GraphUnavailable):
    """Entra ID refused the app's credentials, or Graph refused the app a permission.

    A GraphUnavailable on purpose: the fix is an administrator's (a new secret, a granted
    permission, admin consent), after which the outbox's next retry succeeds without anyone
    re-entering the action.
    """

    code = "graph_not_authorised"


def token_refused(message: str) -> GraphNotAuthorised:
    """Entra ID's refusal (azure-identity's message) in words that say what to fix; the
    message itself is not repeated."""
    found = _AADSTS.search(message)
    aadsts = found.group(1) if found else ""
    if "invalid_client" in message or aadsts in ("7000215", "7000222"):
        why = (
            "the client secret was refused (wrong, or expired): create a new secret for the"
            " app registration and set GRAPH_CLIENT_SECRET"
        )
    elif "unauthorized_client" in message or aadsts == "700016":
        why = "no app with GRAPH_CLIENT_ID is registered in the tenant GRAPH_TENANT_ID"
    elif aadsts in ("90002", "900023"):
        why = "the tenant GRAPH_TENANT_ID was not found"
    else:
        why = "check GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET"
    code = f" (AADSTS{aadsts})" if aadsts else ""
    return GraphNotAuthorised(f"Microsoft Entra ID refused the app's credentials{code}: {why}.")


class ItemGone(NotFound):
    """The item a call was about (an event, an attachment) is not in the mailbox: unlike a
    missing mailbox, a caller that meant to delete it is done."""


def refusal(
    status: int,
    code: str,
    *,
    mailbox: str,
    what: str,
    permission: str,
    item: str | None,
) -> DomainError:
    """Graph's HTTP refusal of `what` as the domain error that says what to do about it.

    `item` is what a 404 ErrorItemNotFound means is gone; any other 404 (ErrorInvalidUser,
    MailboxNotEnabledForRESTAPI, ResourceNotFound ...) means the mailbox itself is missing.
    """
    if status == 401:
        return GraphNotAuthorised(
            f"Microsoft Graph did not accept the app's token for {what} (401 {code}): check that"
            " GRAPH_TENANT_ID is the tenant of the mailbox and the app registration."
        )
    if status == 403:
        return GraphNotAuthorised(
            f"Microsoft Graph refused {what} in the mailbox {mailbox} (403 {code}): the app"
            f" registration probably lacks the application permission {permission} (or admin"
            " consent for it), or an Exchange application access policy leaves this mailbox out."
        )
    if status == 404 and code == "ErrorItemNotFound" and item:
        return ItemGone(f"{item[0].upper()}{item[1:]} no longer exists in the mailbox {mailbox}.")
    if status == 404:
        return NotFound(
            f"The partnership mailbox {mailbox} does not exist in this tenant, or has no"
            f" Exchange Online mailbox ({code}); check GRAPH_MAILBOX."
        )
    if status == 429 or status >= 500:
        return GraphUnavailable(  # after kiota's retries, for the 429/503/504 it retries
            f"Microsoft Graph answered {status} ({code}) to {what}."
        )
    return InvalidInput(f"Microsoft Graph refused {what} ({status} {code}).")
