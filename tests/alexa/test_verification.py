"""Request verification with a locally made certificate chain, as Alexa signs its requests.

The verifier is ask-sdk-webservice-support's RequestVerifier and TimestampVerifier; the chain is
served from a local mapping through AlexaRequestVerifier's `fetch_chain` instead of S3, and the
local root is the only trust root.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from guide_bot.speakers.alexa import AlexaRequestVerifier, AlexaSetupError, alexa_verifiers
from guide_bot.speakers.alexa.askws import VerificationException
from tests.alexa.harness import AlexaHarness, body_of, envelope
from tests.alexa.pki import CHAIN_URL, AlexaPki, leaf_certificate


class ChainServer:
    """What S3 would serve, by URL; counts the downloads."""

    def __init__(self, chains: dict[str, bytes]) -> None:
        self.chains = chains
        self.fetched: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.fetched.append(url)
        try:
            return self.chains[url]
        except KeyError:
            raise OSError(f"HTTP Error 404: Not Found ({url})") from None


@pytest.fixture(scope="module")
def pki() -> AlexaPki:
    return AlexaPki.make()


@pytest.fixture
def chains(pki: AlexaPki) -> ChainServer:
    return ChainServer({CHAIN_URL: pki.chain()})


@pytest.fixture
async def alexa(pki: AlexaPki, chains: ChainServer) -> Iterator[AlexaHarness]:
    verifiers = alexa_verifiers(trust_roots=[pki.root], fetch_chain=chains)
    async with AlexaHarness(verify=True, verifiers=verifiers) as harness:
        yield harness  # type: ignore[misc]


def refused(caplog: pytest.LogCaptureFixture, status: int, reason: str) -> None:
    """The request got 400 for `reason` (so that a test fails if it is refused for another)."""
    assert status == 400
    reasons = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Refused")]
    assert any(reason in message for message in reasons), reasons


def signed(
    pki: AlexaPki,
    data: dict[str, Any],
    *,
    url: str = CHAIN_URL,
    key: rsa.RSAPrivateKey | None = None,
) -> tuple[bytes, dict[str, str]]:
    body = body_of(data)
    return body, {"SignatureCertChainUrl": url, "Signature-256": pki.sign(body, key)}


async def test_a_correctly_signed_request_is_answered(
    alexa: AlexaHarness, pki: AlexaPki, chains: ChainServer
) -> None:
    status, answer = await alexa.post_raw(*signed(pki, envelope("launch")))
    again, _ = await alexa.post_raw(*signed(pki, envelope("help")))
    assert status == 200
    assert "Which routine" in answer["response"]["outputSpeech"]["ssml"]
    assert again == 200
    assert chains.fetched == [CHAIN_URL]  # downloaded once, then cached


async def test_a_tampered_body_is_refused(
    alexa: AlexaHarness, pki: AlexaPki, caplog: pytest.LogCaptureFixture
) -> None:
    body, headers = signed(pki, envelope("start_routine_resolved"))
    tampered = body.replace(b"neck-release", b"foot-reset")
    assert tampered != body
    status, _ = await alexa.post_raw(tampered, headers)
    refused(caplog, status, "Request body is not valid")


async def test_a_signature_by_another_key_is_refused(
    alexa: AlexaHarness, pki: AlexaPki, caplog: pytest.LogCaptureFixture
) -> None:
    status, _ = await alexa.post_raw(*signed(pki, envelope("launch"), key=pki.intermediate_key))
    refused(caplog, status, "Request body is not valid")


@pytest.mark.parametrize(
    "url",
    [
        "http://s3.amazonaws.com/echo.api/echo-api-cert-12.pem",
        "https://notamazon.com/echo.api/echo-api-cert-12.pem",
        "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert-12.pem",
        "https://s3.amazonaws.com/invalid.path/echo-api-cert-12.pem",
        "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert-12.pem",
        "https://s3.amazonaws.com:563/echo.api/echo-api-cert-12.pem",
    ],
)
async def test_a_wrong_certificate_url_is_refused_before_any_download(
    alexa: AlexaHarness,
    pki: AlexaPki,
    chains: ChainServer,
    url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    chains.chains[url] = pki.chain()  # even if something were served there
    status, _ = await alexa.post_raw(*signed(pki, envelope("launch"), url=url))
    refused(caplog, status, "Signature Certificate URL has invalid")
    assert chains.fetched == []


async def test_a_chain_that_cannot_be_downloaded_is_refused(
    alexa: AlexaHarness, pki: AlexaPki, caplog: pytest.LogCaptureFixture
) -> None:
    other = "https://s3.amazonaws.com/echo.api/echo-api-cert-13.pem"  # 404 on the fake S3
    status, _ = await alexa.post_raw(*signed(pki, envelope("launch"), url=other))
    refused(caplog, status, "Unable to load certificate")


async def test_an_expired_signing_certificate_is_refused(
    alexa: AlexaHarness, pki: AlexaPki, chains: ChainServer, caplog: pytest.LogCaptureFixture
) -> None:
    now = datetime.now(UTC)
    expired = leaf_certificate(
        pki.signing_key,
        (pki.intermediate, pki.intermediate_key),
        not_before=now - timedelta(days=100),
        not_after=now - timedelta(days=10),
    )
    url = "https://s3.amazonaws.com/echo.api/echo-api-cert-expired.pem"
    chains.chains[url] = pki.chain(expired)
    status, _ = await alexa.post_raw(*signed(pki, envelope("launch"), url=url))
    refused(caplog, status, "Certificate chain is not valid")


async def test_a_certificate_for_another_name_is_refused(
    alexa: AlexaHarness, pki: AlexaPki, chains: ChainServer, caplog: pytest.LogCaptureFixture
) -> None:
    now = datetime.now(UTC)
    elsewhere = leaf_certificate(
        pki.signing_key,
        (pki.intermediate, pki.intermediate_key),
        names=("echo-api.example.com",),
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=30),
    )
    url = "https://s3.amazonaws.com/echo.api/echo-api-cert-other-name.pem"
    chains.chains[url] = pki.chain(elsewhere)
    status, _ = await alexa.post_raw(*signed(pki, envelope("launch"), url=url))
    refused(caplog, status, "Certificate chain is not valid")


async def test_a_chain_from_an_untrusted_authority_is_refused(
    alexa: AlexaHarness, pki: AlexaPki, chains: ChainServer, caplog: pytest.LogCaptureFixture
) -> None:
    stranger = AlexaPki.make()  # same names, its own root, which nobody trusts
    url = "https://s3.amazonaws.com/echo.api/echo-api-cert-stranger.pem"
    chains.chains[url] = stranger.chain()
    status, _ = await alexa.post_raw(*signed(stranger, envelope("launch"), url=url))
    refused(caplog, status, "Certificate chain is not valid")


@pytest.mark.parametrize(("age_s", "status"), [(200, 400), (-200, 400), (100, 200)])
async def test_the_timestamp_must_be_within_150_seconds(
    alexa: AlexaHarness,
    pki: AlexaPki,
    age_s: int,
    status: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    moment = datetime.now(UTC) - timedelta(seconds=age_s)
    answer_status, _ = await alexa.post_raw(*signed(pki, envelope("launch", now=moment)))
    if status == 400:
        refused(caplog, answer_status, "Timestamp verification failed")
    assert answer_status == status


@pytest.mark.parametrize("missing", ["SignatureCertChainUrl", "Signature-256"])
async def test_a_request_without_signature_headers_is_refused(
    alexa: AlexaHarness, pki: AlexaPki, missing: str, caplog: pytest.LogCaptureFixture
) -> None:
    body, headers = signed(pki, envelope("launch"))
    del headers[missing]
    status, _ = await alexa.post_raw(body, headers)
    refused(caplog, status, "Missing Signature/Certificate")


async def test_a_signed_request_for_another_skill_is_refused(
    alexa: AlexaHarness, pki: AlexaPki, caplog: pytest.LogCaptureFixture
) -> None:
    data = envelope("launch")
    data["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.not-this-one"
    status, _ = await alexa.post_raw(*signed(pki, data))
    refused(caplog, status, "Skill ID Verification failed")


async def test_audio_player_events_are_verified_too(alexa: AlexaHarness, pki: AlexaPki) -> None:
    good, _ = await alexa.post_raw(*signed(pki, envelope("playback_stopped")))
    unsigned, _ = await alexa.post_raw(body_of(envelope("playback_stopped")))
    assert (good, unsigned) == (200, 400)


def test_verification_needs_the_skill_id() -> None:
    with pytest.raises(AlexaSetupError, match="GUIDE_BOT_ALEXA_SKILL_ID"):
        AlexaHarness(verify=True, verifiers=[], skill_id=None)


def test_the_chain_is_checked_at_the_verifier_clock(pki: AlexaPki) -> None:
    """The same good chain, refused once the clock passes the signing certificate's expiry."""
    later = pki.signing_cert.not_valid_after_utc + timedelta(seconds=1)
    fresh = AlexaRequestVerifier(trust_roots=[pki.root], now=lambda: datetime.now(UTC))
    stale = AlexaRequestVerifier(trust_roots=[pki.root], now=lambda: later)
    fresh._validate_cert_chain(pki.chain())
    fresh._validate_end_certificate(pki.signing_cert)
    with pytest.raises(VerificationException, match="Certificate chain is not valid"):
        stale._validate_cert_chain(pki.chain())
    with pytest.raises(VerificationException, match="expired"):
        stale._validate_end_certificate(pki.signing_cert)


def test_a_signing_certificate_without_digital_signature_use_is_refused(pki: AlexaPki) -> None:
    now = datetime.now(UTC)
    leaf = leaf_certificate(
        pki.signing_key,
        (pki.intermediate, pki.intermediate_key),
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=30),
        digital_signature=False,
    )
    verifier = AlexaRequestVerifier(trust_roots=[pki.root])
    with pytest.raises(VerificationException, match="Certificate chain is not valid"):
        verifier._validate_cert_chain(pki.chain(leaf))


def test_garbage_instead_of_a_chain_is_refused(pki: AlexaPki) -> None:
    verifier = AlexaRequestVerifier(trust_roots=[pki.root])
    with pytest.raises(VerificationException):
        verifier._validate_cert_chain(b"<html>Access Denied</html>")
