import pytest

from gkh_web.domain.masks import looks_like_phone, mask_phone, mask_snils


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("9", "+7 (9"),
        ("903", "+7 (903)"),
        ("9035", "+7 (903) 5"),
        ("9035550101", "+7 (903) 555-01-01"),
        ("89035550101", "+7 (903) 555-01-01"),
        ("+7 903 555 01 01", "+7 (903) 555-01-01"),
        ("+7 (903) 555-01-01", "+7 (903) 555-01-01"),
        ("8", "+7"),
        ("+7", "+7"),
        ("+7 (903) 555-01-011", "+7 (903) 555-01-01"),
    ],
)
def test_phone_mask_formats_progressively(typed, shown):
    assert mask_phone(typed) == shown


@pytest.mark.parametrize("typed", ["ivanov@example.com", "Иванов", "", "a1"])
def test_non_phone_logins_are_left_alone(typed):
    assert mask_phone(typed) == typed
    assert not looks_like_phone(typed) or typed == ""


def test_masking_is_stable_when_reapplied():
    for typed in ("9", "90355", "9035550101", "89035550"):
        once = mask_phone(typed)
        assert mask_phone(once) == once


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("1", "1"),
        ("1452", "145-2"),
        ("145267389", "145-267-389"),
        ("1452673897", "145-267-389 7"),
        ("14526738979", "145-267-389 79"),
        ("145-267-389 79", "145-267-389 79"),
        ("145267389791", "145-267-389 79"),
    ],
)
def test_snils_mask(typed, shown):
    assert mask_snils(typed) == shown
    assert mask_snils(shown) == shown
