"""A throwaway certificate authority that signs requests the way Alexa does.

Root CA -> intermediate CA -> signing certificate with the SAN echo-api.amazon.com, RSA 2048 and
SHA-256 like Amazon's; the chain file holds the signing certificate then the intermediate.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CHAIN_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _ca(
    name: str,
    key: rsa.RSAPrivateKey,
    issuer: tuple[x509.Certificate, rsa.RSAPrivateKey] | None,
    now: datetime,
) -> x509.Certificate:
    issuer_name, issuer_key = (issuer[0].subject, issuer[1]) if issuer else (_name(name), key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def leaf_certificate(
    key: rsa.RSAPrivateKey,
    issuer: tuple[x509.Certificate, rsa.RSAPrivateKey],
    *,
    names: tuple[str, ...] = ("echo-api.amazon.com",),
    not_before: datetime,
    not_after: datetime,
    digital_signature: bool = True,
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(_name(names[0]))
        .issuer_name(issuer[0].subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=digital_signature,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[1].public_key()),
            critical=False,
        )
        .sign(issuer[1], hashes.SHA256())
    )


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


@dataclass
class AlexaPki:
    """A root to trust, an intermediate, and a signing key with its certificate."""

    root: x509.Certificate
    intermediate: x509.Certificate
    intermediate_key: rsa.RSAPrivateKey
    signing_key: rsa.RSAPrivateKey
    signing_cert: x509.Certificate

    @classmethod
    def make(cls, now: datetime | None = None) -> AlexaPki:
        now = now or datetime.now(UTC)
        root_key, intermediate_key, signing_key = _key(), _key(), _key()
        root = _ca("Test Root CA", root_key, None, now)
        intermediate = _ca("Test Intermediate CA", intermediate_key, (root, root_key), now)
        signing_cert = leaf_certificate(
            signing_key,
            (intermediate, intermediate_key),
            not_before=now - timedelta(days=1),
            not_after=now + timedelta(days=90),
        )
        return cls(root, intermediate, intermediate_key, signing_key, signing_cert)

    def chain(self, leaf: x509.Certificate | None = None) -> bytes:
        """The PEM file Amazon serves: the signing certificate, then the intermediate."""
        return pem(leaf or self.signing_cert, self.intermediate)

    def sign(self, body: bytes, key: rsa.RSAPrivateKey | None = None) -> str:
        """The Signature-256 header: base64 of RSA PKCS#1 v1.5 over SHA-256 of the body."""
        signature = (key or self.signing_key).sign(body, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")
