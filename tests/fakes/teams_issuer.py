"""A local fake of the Bot Framework's token issuer: its OpenID metadata and signing keys
(JWKS), served over HTTP, and RS256 tokens signed as the Bot Connector signs the requests it
sends to a bot. The real Teams SDK validates them through the configurable cloud: point
TEAMS_OPENID_METADATA_URL at `metadata_url` (the SDK fetches `keys_url`, the same URL with
`/openidconfiguration` turned into `/keys`) and TEAMS_TOKEN_ISSUER at `issuer`.

`token(...)` signs with the published key unless told to forge (a key nobody published,
under the published key's id); every claim, and the key id, can be made wrong on purpose.
`key_fetches` counts the fetches of the keys.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.threaded import listening

ISSUER = "https://api.botframework.test"  # what TEAMS_TOKEN_ISSUER names in the tests
KEY_ID = "fictional-bot-framework-key-1"
_METADATA = "/v1/.well-known/openidconfiguration"
_KEYS = "/v1/.well-known/keys"


class TeamsIssuerFake:
    def __init__(self, issuer: str = ISSUER) -> None:
        self.issuer = issuer
        self.base_url = ""  # http://127.0.0.1:port, set by `issuing`
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.key_fetches = 0

    @property
    def metadata_url(self) -> str:
        return self.base_url + _METADATA

    @property
    def keys_url(self) -> str:
        return self.base_url + _KEYS

    def token(
        self,
        *,
        audience: str,
        service_url: str | None,
        issuer: str | None = None,
        expires_in: int = 3600,
        forged: bool = False,
        key_id: str | None = KEY_ID,
        **claims: Any,
    ) -> str:
        """A Bot Connector token for the bot `audience`, vouching for `service_url` (the
        `serviceurl` claim; None leaves it out). `expires_in` may be negative."""
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": issuer or self.issuer,
            "aud": audience,
            "iat": now - 60,
            "nbf": now - 60,
            "exp": now + expires_in,
        }
        if service_url is not None:
            body["serviceurl"] = service_url
        body.update(claims)
        key = self._forger if forged else self._key
        header = {} if key_id is None else {"kid": key_id}
        return jwt.encode(body, key, algorithm="RS256", headers=header)

    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route(_METADATA, self._metadata, methods=["GET"]),
                Route(_KEYS, self._keys, methods=["GET"]),
            ]
        )

    async def _metadata(self, _request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": "https://invalid.example/no-authorization",
                "jwks_uri": self.keys_url,
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _keys(self, _request: Request) -> JSONResponse:
        self.key_fetches += 1
        jwk = RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        jwk |= {"kid": KEY_ID, "use": "sig", "alg": "RS256", "endorsements": ["msteams"]}
        return JSONResponse({"keys": [jwk]})


@contextmanager
def issuing(fake: TeamsIssuerFake | None = None) -> Iterator[TeamsIssuerFake]:
    """The fake listening on 127.0.0.1 until exit (plain HTTP: the SDK fetches the keys with
    urllib, which a local address needs no certificate for)."""
    issuer = fake or TeamsIssuerFake()
    with listening(issuer.app, name="Teams issuer fake") as port:
        issuer.base_url = f"http://127.0.0.1:{port}"
        yield issuer
