import hashlib
import hmac

import pytest

from bot.errors import ForbiddenError, SignatureError
from webhooks.signature import sign, verify_hub_signature

BODY = b'{"object":"page","entry":[]}'


def test_sign_matches_meta_definition():
    expected = "sha256=" + hmac.new(b"s3cret", BODY, hashlib.sha256).hexdigest()
    assert sign("s3cret", BODY) == expected


def test_valid_signature_passes():
    verify_hub_signature("s3cret", BODY, sign("s3cret", BODY))


def test_uppercase_hex_is_accepted():
    header = sign("s3cret", BODY)
    verify_hub_signature("s3cret", BODY, "sha256=" + header.split("=", 1)[1].upper())


@pytest.mark.parametrize("header", [
    None,
    "",
    "sha1=" + "0" * 40,
    "sha256=" + "0" * 64,
    "sha256=nothex",
])
def test_bad_or_missing_signature_is_refused(header):
    with pytest.raises(SignatureError):
        verify_hub_signature("s3cret", BODY, header)


def test_signature_of_other_body_is_refused():
    with pytest.raises(SignatureError):
        verify_hub_signature("s3cret", BODY + b" ", sign("s3cret", BODY))


def test_signature_with_other_secret_is_refused():
    with pytest.raises(SignatureError):
        verify_hub_signature("s3cret", BODY, sign("another", BODY))


def test_no_secret_configured_refuses_even_a_matching_signature():
    with pytest.raises(ForbiddenError):
        verify_hub_signature("", BODY, sign("", BODY))
