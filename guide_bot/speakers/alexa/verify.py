"""Checking that a request really comes from Alexa, and the setting that turns the check off.

Amazon's rules for a skill hosted as a web service: the `SignatureCertChainUrl` header names an
https://s3.amazonaws.com/echo.api/ URL; the chain there leads to a trusted root; the signing
certificate is valid now and names echo-api.amazon.com; `Signature-256` is the RSA (PKCS#1 v1.5)
SHA-256 signature of the raw body; the request timestamp is within 150 s. ask-sdk-webservice-
support's RequestVerifier and TimestampVerifier do all of this; `AlexaRequestVerifier` changes two
of RequestVerifier's steps and keeps the rest:

* the chain is downloaded with a timeout (the library's urlopen has none) through a function that
  can be replaced, so tests serve a locally made chain without a network;
* the path to a trusted root is checked with cryptography's X.509 verifier (web PKI rules, the
  name echo-api.amazon.com, each certificate's validity at `now`, digitalSignature key usage)
  instead of certvalidator, which cannot load on current OpenSSL (see askws.py). Trust roots are
  certifi's (Mozilla's) unless given.
"""

from __future__ import annotations

import ipaddress
import logging
import urllib.request
import warnings
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import certifi
from cryptography import x509
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    Policy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from guide_bot.speakers.alexa.askws import (
    AbstractVerifier,
    RequestVerifier,
    TimestampVerifier,
    VerificationException,
)

logger = logging.getLogger(__name__)

ALEXA_SIGNING_NAME = "echo-api.amazon.com"
CHAIN_FETCH_TIMEOUT_S = 5.0
CHAIN_MAX_BYTES = 64 * 1024
CHAIN_CACHE_SIZE = 8

ChainFetcher = Callable[[str], bytes]
Clock = Callable[[], datetime]


class AlexaSetupError(ValueError):
    """The Alexa settings cannot work together; the message says which setting to change."""


def check_alexa_verify_setting(verify: bool, listen: str) -> None:
    """Refuse to serve unverified Alexa requests on anything but loopback.

    `listen` is the HTTP listen address (one host, or several separated by commas). With
    verification off, anyone who can reach the port could drive the skill, so only
    127.0.0.0/8, ::1 and "localhost" are allowed.
    """
    if verify:
        return
    hosts = [part.strip() for part in listen.split(",")]
    outside = [host or "(all interfaces)" for host in hosts if not _is_loopback(host)]
    if outside:
        raise AlexaSetupError(
            "GUIDE_BOT_ALEXA_VERIFY=false turns off Alexa request verification, which is allowed "
            f"only when the HTTP server listens on loopback; the listen address {listen!r} "
            f"includes {', '.join(outside)}. Set GUIDE_BOT_HTTP_LISTEN=127.0.0.1 (or ::1), or "
            "turn verification back on."
        )


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # another host name: it may resolve anywhere


def fetch_chain_over_https(url: str) -> bytes:
    """Download a certificate chain (the URL was checked to be Amazon's before this is called)."""
    with urllib.request.urlopen(url, timeout=CHAIN_FETCH_TIMEOUT_S) as response:
        data: bytes = response.read(CHAIN_MAX_BYTES + 1)
    if len(data) > CHAIN_MAX_BYTES:
        raise VerificationException("Signature certificate chain is too large")
    return data


def certifi_roots() -> list[x509.Certificate]:
    """The Mozilla trust roots shipped by certifi."""
    with open(certifi.where(), "rb") as handle, warnings.catch_warnings():
        # one old root has a negative serial number; cryptography warns but loads it
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return x509.load_pem_x509_certificates(handle.read())


def _require_digital_signature(
    _policy: Policy, _cert: x509.Certificate, usage: x509.KeyUsage
) -> None:
    if not usage.digital_signature:
        raise ValueError("the signing certificate's key usage lacks digitalSignature")


class AlexaRequestVerifier(RequestVerifier):
    """ask-sdk's RequestVerifier with an injectable chain source and cryptography's path check."""

    def __init__(
        self,
        *,
        trust_roots: Sequence[x509.Certificate] | None = None,
        fetch_chain: ChainFetcher = fetch_chain_over_https,
        now: Clock | None = None,
    ) -> None:
        super().__init__()
        roots = list(trust_roots) if trust_roots is not None else certifi_roots()
        if not roots:
            raise AlexaSetupError("no trust roots to check Alexa's certificate chain against")
        self._store = Store(roots)
        self._fetch_chain = fetch_chain
        self._now: Clock = now or (lambda: datetime.now(UTC))

    def _load_cert_chain(self, cert_url: str) -> bytes:
        cached: bytes | None = self._cert_cache.get(cert_url)
        if cached is not None:
            return cached
        try:
            data = self._fetch_chain(cert_url)
        except VerificationException:
            raise
        except (OSError, ValueError) as exc:
            raise VerificationException("Unable to load certificate from URL", exc) from exc
        if len(self._cert_cache) >= CHAIN_CACHE_SIZE:
            self._cert_cache.clear()
        self._cert_cache[cert_url] = data
        return data

    def _validate_cert_chain(self, cert_chain: bytes) -> None:
        try:
            certs = x509.load_pem_x509_certificates(cert_chain)
        except ValueError as exc:
            raise VerificationException("Certificate chain is not valid", exc) from exc
        ee_policy = ExtensionPolicy.webpki_defaults_ee().require_present(
            x509.KeyUsage, Criticality.AGNOSTIC, _require_digital_signature
        )
        verifier = (
            PolicyBuilder()
            .store(self._store)
            .time(self._now())
            .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ee_policy)
            .build_server_verifier(x509.DNSName(ALEXA_SIGNING_NAME))
        )
        try:
            verifier.verify(certs[0], certs[1:])
        except VerificationError as exc:
            raise VerificationException("Certificate chain is not valid", exc) from exc

    def _validate_end_certificate(self, x509_cert: x509.Certificate) -> None:
        # The library's version compares naive datetimes with the wall clock; same rules, with
        # the injectable clock and cryptography's timezone-aware fields.
        now = self._now()
        if not x509_cert.not_valid_before_utc <= now <= x509_cert.not_valid_after_utc:
            raise VerificationException("Signing Certificate expired")
        try:
            names = x509_cert.extensions.get_extension_for_class(
                x509.SubjectAlternativeName
            ).value.get_values_for_type(x509.DNSName)
        except x509.ExtensionNotFound as exc:
            raise VerificationException("Signing certificate has no alternative names") from exc
        if ALEXA_SIGNING_NAME not in names:
            raise VerificationException(
                f"{ALEXA_SIGNING_NAME} domain missing in Signature Certificate Chain"
            )


def alexa_verifiers(
    *,
    trust_roots: Sequence[x509.Certificate] | None = None,
    fetch_chain: ChainFetcher = fetch_chain_over_https,
    now: Clock | None = None,
) -> list[AbstractVerifier]:
    """The signature and timestamp verifiers every Alexa request goes through."""
    return [
        AlexaRequestVerifier(trust_roots=trust_roots, fetch_chain=fetch_chain, now=now),
        TimestampVerifier(),
    ]
