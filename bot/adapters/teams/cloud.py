"""The Bot Framework cloud the bot lives in, from Settings.

TEAMS_CLOUD picks one of the SDK's clouds (Public, USGov, USGovDoD, China); TEAMS_LOGIN_ENDPOINT,
TEAMS_OPENID_METADATA_URL and TEAMS_TOKEN_ISSUER override its parts, for a sovereign cloud the
SDK does not know yet and for the tests' local issuer. The SDK derives the signing keys' URL
from the metadata URL (a trailing `/openidconfiguration` becomes `/keys`) and compares the
token's issuer exactly.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from microsoft_teams.api.auth.cloud_environment import (
    CloudEnvironment,
    from_name,
    with_overrides,
)

from bot.config import Settings
from bot.domain.errors import InvalidInput

DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams"  # the public Bot Connector
_LOCAL = {"127.0.0.1", "localhost", "::1"}


def cloud_environment(settings: Settings) -> CloudEnvironment:
    """The SDK's CloudEnvironment for TEAMS_CLOUD with the TEAMS_* overrides applied."""
    try:
        base = from_name(settings.teams_cloud)
    except ValueError:
        raise InvalidInput(
            f"TEAMS_CLOUD must be one of Public, USGov, USGovDoD, China, not"
            f" '{settings.teams_cloud}'."
        ) from None
    return with_overrides(
        base,
        login_endpoint=_url("TEAMS_LOGIN_ENDPOINT", settings.teams_login_endpoint),
        openid_metadata_url=_url("TEAMS_OPENID_METADATA_URL", settings.teams_openid_metadata_url),
        token_issuer=_issuer(settings.teams_token_issuer),
    )


def service_url(settings: Settings) -> str:
    """Where proactive sends go: TEAMS_SERVICE_URL, else the public Bot Connector."""
    return _url("TEAMS_SERVICE_URL", settings.teams_service_url) or DEFAULT_SERVICE_URL


def _url(name: str, value: str | None) -> str | None:
    """An https URL without its trailing slash; plain http only to this machine (tests)."""
    if value is None:
        return None
    text = value.strip().rstrip("/")
    parts = urlsplit(text)
    host = parts.hostname
    secure = parts.scheme == "https" or (parts.scheme == "http" and host in _LOCAL)
    if not host or not secure:
        raise InvalidInput(f"{name} must be an https URL, not '{value}'.")
    return text


def _issuer(value: str | None) -> str | None:
    """Compared exactly with each token's `iss`: only surrounding spaces are forgiven."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        raise InvalidInput("TEAMS_TOKEN_ISSUER is empty: leave it unset for the cloud's issuer.")
    return text
