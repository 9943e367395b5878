"""The receipt link's token (``domain.receipt_link``): one payment, a signature, an expiry, nothing else."""

import pytest

from gkh_web.domain.receipt_link import (
    EXPIRED,
    INVALID,
    ReceiptLinkError,
    ReceiptToken,
    read_receipt_token,
    sign_receipt_token,
)

KEY = "a-key-of-the-server"
PUBLIC_ID = "0123456789abcdef0123456789abcdef"
NOW = 1_795_000_000


def _read(token: str, *, now: float = NOW, key: str = KEY, longest: int = 900) -> ReceiptToken:
    return read_receipt_token(token, key, now=now, longest_seconds=longest)


def _reason(token: str, **kwargs) -> str:
    with pytest.raises(ReceiptLinkError) as error:
        _read(token, **kwargs)
    return error.value.reason


def test_a_token_opens_its_payment_until_it_expires():
    token = sign_receipt_token(PUBLIC_ID, NOW + 900, KEY)
    assert _read(token) == ReceiptToken(PUBLIC_ID, NOW + 900)
    assert _read(token, now=NOW + 899.9).public_id == PUBLIC_ID
    assert _reason(token, now=NOW + 900) == EXPIRED
    assert _reason(token, now=NOW + 10**6) == EXPIRED


def test_the_token_is_short_enough_for_a_small_qr_code():
    token = sign_receipt_token(PUBLIC_ID, NOW + 900, KEY)
    assert len(token) == 32 + 1 + 10 + 1 + 22


def test_any_other_key_or_part_is_invalid():
    token = sign_receipt_token(PUBLIC_ID, NOW + 900, KEY)
    public_id, expiry, signature = token.split(".")
    assert _reason(token, key="another-key") == INVALID
    assert _reason(token, key="") == INVALID
    assert _reason(f"{'f' * 32}.{expiry}.{signature}") == INVALID
    assert _reason(f"{public_id}.{int(expiry) + 1}.{signature}") == INVALID  # moved expiry: INVALID, not EXPIRED
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    assert _reason(f"{public_id}.{expiry}.{flipped}") == INVALID
    assert _reason(f"{public_id.upper()}.{expiry}.{signature}") == INVALID


def test_longer_than_the_longest_link_is_invalid_even_with_the_key():
    assert _reason(sign_receipt_token(PUBLIC_ID, NOW + 901, KEY)) == INVALID
    assert _read(sign_receipt_token(PUBLIC_ID, NOW + 900, KEY)).expires_at == NOW + 900


@pytest.mark.parametrize("token", ["", ".", "..", "a.b.c", f"{PUBLIC_ID}.{NOW}", f"{PUBLIC_ID}.{NOW}.x.y",
                                   f"{PUBLIC_ID}.0{NOW}.AAAAAAAAAAAAAAAAAAAAAA", "A" * 81, None, 42])
def test_malformed_tokens_are_invalid(token):
    assert _reason(token) == INVALID


def test_only_a_payment_id_and_a_positive_expiry_are_signed():
    for public_id, expiry in (("not-a-payment", NOW), (PUBLIC_ID, 0), (PUBLIC_ID, -5)):
        with pytest.raises(ValueError):
            sign_receipt_token(public_id, expiry, KEY)
    with pytest.raises(ValueError):
        sign_receipt_token(PUBLIC_ID, NOW, "")
