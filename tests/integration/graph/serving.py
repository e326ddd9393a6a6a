"""Serve the Graph fake: Graph on plain HTTP, the token endpoint on HTTPS.

azure-identity refuses an authority that is not https, so the fake also listens with a
certificate from a throwaway CA made here with `cryptography` (already installed with
azure-identity); the credential trusts that CA through azure-core's `connection_verify`.
Graph itself stays on http://127.0.0.1, which kiota allows for a local address only.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.fakes.graph_api import GraphApiFake
from tests.fakes.threaded import listening


@contextmanager
def serve(fake: GraphApiFake) -> Iterator[GraphApiFake]:
    """Until exit: `fake.base_url` (http, Graph v1.0), `fake.authority` (https) and
    `fake.ca_file` (the CA to trust for the authority)."""
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        ca, cert, key = throwaway_ca(Path(folder))
        port = stack.enter_context(listening(fake.app, name="Graph fake"))
        tls_port = stack.enter_context(listening(fake.app, name="Graph fake", tls=(cert, key)))
        fake.base_url = f"http://127.0.0.1:{port}/v1.0"
        fake.authority = f"https://127.0.0.1:{tls_port}"
        fake.ca_file = str(ca)
        yield fake


def throwaway_ca(folder: Path, name: str = "rrbot throwaway test CA") -> tuple[Path, Path, Path]:
    """A CA valid for a day and a server certificate it signed for 127.0.0.1 and localhost:
    (CA certificate, server certificate, server key), as PEM files in `folder`. Two CAs
    trusted at once need two names: a verifier picks the issuer by name."""
    now = dt.datetime.now(dt.UTC)
    valid = (now - dt.timedelta(minutes=5), now + dt.timedelta(days=1))
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    ca = (
        _builder(ca_name, ca_name, ca_key.public_key(), valid)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
    server = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    cert = (
        _builder(server, ca_name, key.public_key(), valid)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(_usage(ca=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    valid: tuple[dt.datetime, dt.datetime],
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid[0])
        .not_valid_after(valid[1])
    )


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=not ca,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
