"""Variables the Teams SDK reads behind our back, refused before it can read them.

The SDK reads CLIENT_ID, CLIENT_SECRET, TENANT_ID, MANAGED_IDENTITY_CLIENT_ID, SERVICE_URL,
CLOUD, PORT, OAUTH_URL and DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS from the environment,
and copies `.env` (found from the working directory up) into the environment when it is first
imported. rrbot passes every one of them explicitly, which outranks the environment, except:

- CLIENT_SECRET: with it the SDK uses its own MSAL token path (instance discovery on), even
  though a token provider is given: the secret wins in the SDK's choice of credentials.
- DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS: always passed as False, so it cannot switch
  validation off; refused all the same, so nobody believes that it has.

Both are refused at start with one line naming the variable and where the value belongs.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping

from bot.domain.errors import InvalidInput

_OFF = {"", "0", "false", "no", "off"}


def refuse_sdk_environment(environ: Mapping[str, str] | None = None) -> None:
    """Raise InvalidInput naming the first variable that would change what the SDK does.
    Imports the SDK first, so that what it copies from `.env` is looked at too."""
    with warnings.catch_warnings():
        # Its import defines a preview HTML-widget policy rrbot does not use, and warns so on
        # stderr at every start.
        warnings.filterwarnings("ignore", "HtmlWidgetSecurityPolicy is in preview")
        import microsoft_teams.apps  # noqa: F401  # its import runs load_dotenv(find_dotenv())

    env = os.environ if environ is None else environ
    if env.get("CLIENT_SECRET"):
        raise InvalidInput(
            "CLIENT_SECRET is set (in the environment or .env): the Teams SDK would use it"
            " instead of rrbot's token path; unset it and give the bot's secret as"
            " TEAMS_CLIENT_SECRET."
        )
    allow = env.get("DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS")
    if allow is not None and allow.strip().lower() not in _OFF:
        raise InvalidInput(
            "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS is set: rrbot validates every Teams"
            " request's token and cannot be told not to; unset it."
        )
