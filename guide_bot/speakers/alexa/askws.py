"""Importing ask-sdk-webservice-support on systems where its certvalidator dependency breaks.

ask_sdk_webservice_support.verifier imports `certvalidator`, which imports `oscrypto`; oscrypto
1.3.0 (the newest on PyPI) cannot parse OpenSSL version strings with a two-digit patch number
("OpenSSL 3.0.19") and raises LibraryNotFoundError at import (wbond/oscrypto issues 75 and 78,
fixed only on its unreleased master). Debian's and Ubuntu's current OpenSSL hit it, so the
verifier module does not even import there.

guide-bot never calls certvalidator: `verify.AlexaRequestVerifier` replaces the one method that
uses it (`_validate_cert_chain`) with cryptography's own X.509 path validation. So when, and only
when, the real import fails for that reason, a placeholder `certvalidator` is registered whose
validator refuses every chain; the library's other checks (certificate URL, end certificate,
body signature, timestamp) run unchanged. Import the library only through this module.
"""

from __future__ import annotations

import logging
import sys
from types import ModuleType
from typing import Any, NoReturn

logger = logging.getLogger(__name__)


class _PlaceholderError(Exception):
    """Stands in for certvalidator's PathError and ValidationError."""


class _RefusingValidator:
    """Refuses every chain: reaching it would mean a check was not replaced, so fail closed."""

    def __init__(self, *_args: Any, **_kwargs: Any) -> None:
        raise _PlaceholderError("certvalidator is unavailable here; chain not trusted")

    def validate_usage(self, *_args: Any, **_kwargs: Any) -> NoReturn:  # pragma: no cover
        raise _PlaceholderError("certvalidator is unavailable here; chain not trusted")


def _install_placeholder() -> None:
    package = ModuleType("certvalidator")
    errors = ModuleType("certvalidator.errors")
    errors.PathError = _PlaceholderError  # type: ignore[attr-defined]
    errors.ValidationError = _PlaceholderError  # type: ignore[attr-defined]
    package.CertificateValidator = _RefusingValidator  # type: ignore[attr-defined]
    package.errors = errors  # type: ignore[attr-defined]
    sys.modules["certvalidator"] = package
    sys.modules["certvalidator.errors"] = errors


def _certvalidator_importable() -> bool:
    try:
        import certvalidator  # noqa: F401
    except Exception as exc:  # oscrypto raises its own LibraryNotFoundError at import
        if type(exc).__name__ != "LibraryNotFoundError":
            raise
        logger.info(
            "certvalidator cannot load libcrypto (%s); using cryptography's path check", exc
        )
        return False
    return True


if "certvalidator" not in sys.modules and not _certvalidator_importable():
    _install_placeholder()

from ask_sdk_webservice_support import verifier as verifier_module  # noqa: E402
from ask_sdk_webservice_support.webservice_handler import WebserviceSkillHandler  # noqa: E402

RequestVerifier = verifier_module.RequestVerifier
TimestampVerifier = verifier_module.TimestampVerifier
AbstractVerifier = verifier_module.AbstractVerifier
VerificationException = verifier_module.VerificationException

__all__ = [
    "AbstractVerifier",
    "RequestVerifier",
    "TimestampVerifier",
    "VerificationException",
    "WebserviceSkillHandler",
    "verifier_module",
]
