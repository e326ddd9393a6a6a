"""Which certificates outbound HTTPS trusts (Graph, Entra ID, Slack), and how to tell an
untrusted certificate from any other failure to connect.

CA_BUNDLE (or its earlier name GRAPH_CA_BUNDLE) is trusted IN ADDITION to the public CAs
(the system's store and certifi's), not instead of them. A TLS-inspecting proxy re-signs what
it inspects, but Microsoft asks that Microsoft 365 traffic (Entra ID, Graph) be exempted
from inspection, and proxies commonly exempt other hosts too; one setting for every client
then has to accept both the proxy's certificates and the real ones. Adding a CA widens trust
only by the CA the organisation already trusts on its own machines.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from pathlib import Path

from bot.domain.errors import InvalidInput

SETTING = "CA_BUNDLE"
_MAX_CHAIN = 12  # how far along an exception's causes to look


def outbound_ssl_context(bundles: Mapping[str, Path]) -> ssl.SSLContext | None:
    """The context for every outbound HTTPS client; None (each library's own default) when
    no bundle is set. `bundles` maps the setting's name to its file, for the messages."""
    if not bundles:
        return None
    context = ssl.create_default_context()  # the system's store
    try:
        import certifi

        context.load_verify_locations(cafile=certifi.where())  # what httpx trusts by default
    except ImportError:  # pragma: no cover - certifi comes with httpx
        pass
    for name, path in bundles.items():
        if not path.is_file():
            raise InvalidInput(f"{name}: {path} is not a file; give the CA certificate (PEM).")
        try:
            context.load_verify_locations(cafile=str(path))
        except (ssl.SSLError, ValueError, UnicodeDecodeError):
            raise InvalidInput(
                f"{name}: {path} holds no CA certificate in PEM form (-----BEGIN CERTIFICATE-----)."
            ) from None
    return context


def untrusted_certificate(err: BaseException) -> str | None:
    """Why the server's certificate was refused (OpenSSL's words), when that is what `err`
    comes down to; None for any other failure. Follows `__cause__`, `__context__` and
    azure-core's `inner_exception`, as httpx, aiohttp and azure-core wrap the ssl error."""
    current: BaseException | None = err
    for _ in range(_MAX_CHAIN):
        if current is None:
            return None
        if isinstance(current, ssl.SSLCertVerificationError):
            original = getattr(current, "certificate_error", current)  # aiohttp wraps it
            words = getattr(original, "verify_message", None) or getattr(original, "reason", None)
            return str(words or "certificate verify failed")
        inner = getattr(current, "inner_exception", None)
        current = (
            current.__cause__
            or current.__context__
            or (inner if isinstance(inner, BaseException) else None)
        )
    return None


def untrusted_advice(reason: str) -> str:
    """What `rrbot doctor` and the logs say about an untrusted certificate."""
    return (
        f"certificate not trusted ({reason}): if a proxy inspects TLS on this network, set"
        f" {SETTING} to its CA certificate file (PEM)"
    )
