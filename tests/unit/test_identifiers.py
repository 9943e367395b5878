"""Tests for gkh_web.domain.identifiers: checksums and ГИС ЖКХ identifier masks."""

import pytest

from gkh_web.domain.identifiers import (
    IdentifierError,
    account_key,
    els_of_izhku,
    format_snils,
    is_valid_bik,
    is_valid_correspondent_account,
    is_valid_els,
    is_valid_fias_guid,
    is_valid_inn,
    is_valid_ipd,
    is_valid_izhku,
    is_valid_kpp,
    is_valid_settlement_account,
    is_valid_snils,
    izhku_of_ipd,
    make_correspondent_account,
    make_settlement_account,
    normalize_account_number,
    normalize_els,
    normalize_ipd,
    normalize_izhku,
    normalize_snils,
    snils_checksum,
    validate_bik,
    validate_inn,
    validate_kpp,
)

# --- СНИЛС (domain.md §1.6) ---------------------------------------------------

SNILS_VECTORS = [
    ("112233445", "95"),  # sum 95 < 100
    ("123456789", "64"),  # 165 mod 101
    ("087654303", "00"),  # 202 mod 101 = 0
    ("050234316", "00"),  # sum exactly 100
    ("016103396", "00"),  # sum exactly 101
    ("820981233", "00"),  # 201 mod 101 = 100 -> 00
    ("136571200", "49"),  # 150 mod 101
]


@pytest.mark.parametrize(("first9", "check"), SNILS_VECTORS)
def test_snils_checksum_vectors(first9, check):
    assert snils_checksum(first9) == check


@pytest.mark.parametrize(("first9", "check"), SNILS_VECTORS)
def test_snils_vectors_are_valid_in_display_form(first9, check):
    display = f"{first9[:3]}-{first9[3:6]}-{first9[6:]} {check}"
    assert is_valid_snils(display)
    assert normalize_snils(display) == first9 + check
    assert format_snils(first9 + check) == display


def test_snils_sum_of_100_and_101_really_are_those_sums():
    def weighted(digits):
        return sum(int(d) * w for d, w in zip(digits, range(9, 0, -1), strict=True))

    assert weighted("050234316") == 100
    assert weighted("016103396") == 101
    assert weighted("820981233") == 201


@pytest.mark.parametrize(
    "text",
    [
        "112-233-445 96",
        "123-456-789 65",
        "820-981-233 01",
        "820-981-233 10",
        "136-571-200 94",
        "087-654-303 01",
    ],
)
def test_snils_wrong_check_digits(text):
    with pytest.raises(IdentifierError) as error:
        normalize_snils(text)
    assert str(error.value) == "Проверьте СНИЛС: контрольное число не совпадает"
    assert not is_valid_snils(text)


def test_snils_remainder_100_gives_00_not_100():
    assert snils_checksum("820981233") == "00"
    with pytest.raises(IdentifierError, match="11 цифр"):
        normalize_snils("820-981-233 100")


@pytest.mark.parametrize(
    "text",
    [
        "11223344595",
        "112 233 445 95",
        "112-233-445-95",
        " 112-233-445 95 ",
        "112\u00a0233\u00a0445\u00a095",
        "112–233–445 95",
    ],
)
def test_normalize_snils_strips_separators(text):
    assert normalize_snils(text) == "11223344595"


@pytest.mark.parametrize(
    "text", ["1122334459", "112233445955", "112-233-445 9a", "СНИЛС", "１１２２３３４４５９５"]
)
def test_normalize_snils_wrong_length_or_characters(text):
    with pytest.raises(IdentifierError) as error:
        normalize_snils(text)
    assert str(error.value) == "СНИЛС состоит из 11 цифр"


@pytest.mark.parametrize("text", ["", "   ", None])
def test_normalize_snils_empty(text):
    with pytest.raises(IdentifierError, match="Введите СНИЛС"):
        normalize_snils(text)


@pytest.mark.parametrize(
    "text", ["001-001-998 00", "001-001-998 77", "000-000-001 99", "000-000-000 00"]
)
def test_old_snils_up_to_001_001_998_are_not_checked(text):
    assert is_valid_snils(text)


def test_snils_from_001_001_999_are_checked():
    good = "001001999" + snils_checksum("001001999")
    assert is_valid_snils(good)
    bad_check = "00" if good[9:] != "00" else "01"
    assert not is_valid_snils("001001999" + bad_check)


@pytest.mark.parametrize("first9", ["12345678", "1234567890", "12345678a", ""])
def test_snils_checksum_requires_nine_digits(first9):
    with pytest.raises(IdentifierError):
        snils_checksum(first9)


def test_format_snils_rejects_bad_input():
    with pytest.raises(IdentifierError):
        format_snils("123")


# --- ИНН ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "inn", ["7709123453", "7707083893", "7736207543", "500100732259", "771234567859"]
)
def test_valid_inn(inn):
    assert is_valid_inn(inn)
    assert validate_inn(f" {inn} ") == inn


@pytest.mark.parametrize(
    "inn",
    ["6200098765", "7709123454", "7707083894", "500100732258", "500100732249", "771234567858"],
)
def test_inn_wrong_checksum(inn):
    assert not is_valid_inn(inn)
    with pytest.raises(IdentifierError) as error:
        validate_inn(inn)
    assert str(error.value) == "Неверное контрольное число ИНН"


@pytest.mark.parametrize(
    "inn", ["770912345", "77091234533", "7709123453111", "77O9123453", "abcdefghij", "-7709123453"]
)
def test_inn_wrong_length(inn):
    assert not is_valid_inn(inn)
    with pytest.raises(IdentifierError) as error:
        validate_inn(inn)
    assert str(error.value) == "ИНН должен состоять из 10 или 12 цифр"


def test_inn_empty():
    with pytest.raises(IdentifierError, match="Введите ИНН"):
        validate_inn("")
    assert not is_valid_inn(None)


# --- КПП, БИК -------------------------------------------------------------------


@pytest.mark.parametrize("kpp", ["770901001", "773601001", "7736AB001", "7736ZZ001"])
def test_valid_kpp(kpp):
    assert is_valid_kpp(kpp)
    assert validate_kpp(kpp) == kpp


def test_kpp_letters_are_upper_cased():
    assert validate_kpp(" 7736ab001 ") == "7736AB001"


@pytest.mark.parametrize(
    "kpp", ["77090100", "7709010011", "A70901001", "770901A01", "7736АБ001", ""]
)
def test_invalid_kpp(kpp):
    assert not is_valid_kpp(kpp)


@pytest.mark.parametrize(
    ("bik", "ok"),
    [
        ("044525225", True),
        ("046015602", True),
        ("04452522", False),
        ("0445252250", False),
        ("04452522a", False),
        ("", False),
    ],
)
def test_bik(bik, ok):
    assert is_valid_bik(bik) is ok


def test_validate_bik_message():
    with pytest.raises(IdentifierError, match="БИК состоит из 9 цифр"):
        validate_bik("12345")


# --- Банковские счета (domain.md §1.9) ------------------------------------------


@pytest.mark.parametrize(
    ("bik", "account"),
    [
        ("044525225", "40702810200000012345"),
        ("044525225", "40702810138250123017"),
        ("046015602", "40703810152090000488"),
    ],
)
def test_valid_settlement_accounts(bik, account):
    assert is_valid_settlement_account(bik, account)
    assert account_key(bik, account) == account[8]


@pytest.mark.parametrize(
    ("bik", "account"),
    [("044525225", "30101810400000000225"), ("046015602", "30101810600000000602")],
)
def test_valid_correspondent_accounts(bik, account):
    assert is_valid_correspondent_account(bik, account)
    assert account_key(bik, account, correspondent=True) == account[8]


def test_worked_example_key_is_2():
    assert account_key("044525225", "40702810000000012345") == "2"
    assert account_key("044525225", "40702810900000012345") == "2"


@pytest.mark.parametrize("wrong_key", "013456789")
def test_every_other_key_is_invalid(wrong_key):
    account = "40702810" + wrong_key + "00000012345"
    assert not is_valid_settlement_account("044525225", account)


def test_settlement_account_is_bound_to_its_bank():
    assert not is_valid_settlement_account("046015602", "40702810200000012345")


def test_correspondent_and_settlement_keys_differ():
    assert not is_valid_settlement_account("044525225", "30101810400000000225")
    assert not is_valid_correspondent_account("044525225", "40702810200000012345")


def test_single_digit_typo_is_detected():
    good = "40702810200000012345"
    for position in range(20):
        digit = good[position]
        typo = good[:position] + str((int(digit) + 1) % 10) + good[position + 1 :]
        assert not is_valid_settlement_account("044525225", typo), position


@pytest.mark.parametrize(
    ("bik", "account"),
    [
        ("04452522", "40702810200000012345"),
        ("044525225", "4070281020000001234"),
        ("044525225", "4070281020000001234X"),
        ("", ""),
        (None, None),
    ],
)
def test_malformed_accounts_are_invalid(bik, account):
    assert not is_valid_settlement_account(bik, account)
    assert not is_valid_correspondent_account(bik, account)


def test_account_key_rejects_malformed_input():
    with pytest.raises(IdentifierError, match="20 цифр"):
        account_key("044525225", "123")
    with pytest.raises(IdentifierError, match="БИК"):
        account_key("1", "40702810200000012345")


def test_make_correspondent_account_reproduces_real_ones():
    assert make_correspondent_account("044525225") == "30101810400000000225"
    assert make_correspondent_account("046015602") == "30101810600000000602"


@pytest.mark.parametrize("bik", ["044525225", "046015602", "044525974", "040702615", "049205603"])
def test_made_correspondent_account_validates(bik):
    account = make_correspondent_account(bik)
    assert len(account) == 20
    assert account.startswith("30101810")
    assert account.endswith(bik[-3:])
    assert is_valid_correspondent_account(bik, account)


def test_make_settlement_account_reproduces_worked_example():
    assert make_settlement_account("044525225", serial=12345) == "40702810200000012345"
    assert make_settlement_account("044525225", "40702", 12345) == "40702810200000012345"


@pytest.mark.parametrize("bik", ["044525225", "046015602", "044525974"])
@pytest.mark.parametrize("prefix5", ["40702", "40703", "40817"])
@pytest.mark.parametrize("serial", [0, 1, 52090000488, 99999999999])
def test_made_settlement_accounts_validate(bik, prefix5, serial):
    account = make_settlement_account(bik, prefix5, serial=serial)
    assert len(account) == 20
    assert account[:5] == prefix5
    assert account[5:8] == "810"
    assert int(account[9:]) == serial
    assert is_valid_settlement_account(bik, account)


def test_make_settlement_account_rejects_bad_arguments():
    with pytest.raises(IdentifierError):
        make_settlement_account("044525225", "4070", serial=1)
    with pytest.raises(IdentifierError):
        make_settlement_account("044525225", serial=10**11)
    with pytest.raises(IdentifierError):
        make_settlement_account("044525225", serial=-1)
    with pytest.raises(TypeError):
        make_settlement_account("044525225", serial="1")
    with pytest.raises(IdentifierError):
        make_settlement_account("bad", serial=1)


# --- ЕЛС / ИЖКУ / ИПД -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "els"),
    [
        ("77АБ123456", "77АБ123456"),
        ("77аб123456", "77АБ123456"),
        (" 77 АБ 123456 ", "77АБ123456"),
        ("80KX478547", "80КХ478547"),
        ("80kx478547", "80КХ478547"),
        ("75ДА533315", "75ДА533315"),
        ("01ЁЯ000000", "01ЁЯ000000"),
        ("12AB345678", "12АВ345678"),
        ("12ET345678", "12ЕТ345678"),
        ("12MH345678", "12МН345678"),
        ("12OP345678", "12ОР345678"),
        ("12CY345678", "12СУ345678"),
    ],
)
def test_normalize_els(text, els):
    assert normalize_els(text) == els
    assert is_valid_els(text)


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    list(
        zip(
            "ABCEHKMOPTXY",
            "\u0410\u0412\u0421\u0415\u041d\u041a\u041c\u041e\u0420\u0422\u0425\u0423",
            strict=True,
        )
    ),
)
def test_latin_look_alikes_map_to_cyrillic_code_points(latin, cyrillic):
    els = normalize_els(f"00{latin}{latin.lower()}123456")
    assert els == f"00{cyrillic}{cyrillic}123456"
    assert all(ord(char) < 128 or "\u0400" <= char <= "\u04ff" for char in els)


@pytest.mark.parametrize(
    "text",
    [
        "77АБ12345",
        "77АБ1234567",
        "7АБ1234567",
        "77А1123456",
        "77DF123456",
        "77ABC12345",
        "АБ77123456",
        "77АБ12345A",
        "77АБ123456-01",
    ],
)
def test_invalid_els(text):
    assert not is_valid_els(text)
    with pytest.raises(IdentifierError) as error:
        normalize_els(text)
    assert str(error.value) == "ЕЛС — 10 знаков: 2 цифры, 2 буквы, 6 цифр, например 77АБ123456"


def test_els_empty():
    with pytest.raises(IdentifierError, match="Введите ЕЛС"):
        normalize_els("  ")


@pytest.mark.parametrize(
    ("text", "izhku"),
    [
        ("75ДА533315-01", "75ДА533315-01"),
        ("75да533315-01", "75ДА533315-01"),
        ("75ДA533315-01", "75ДА533315-01"),  # Latin «A» after Cyrillic «Д»
        ("75ДА533315–01", "75ДА533315-01"),
        ("75ДА533315 - 01", "75ДА533315-01"),
    ],
)
def test_normalize_izhku(text, izhku):
    assert normalize_izhku(text) == izhku
    assert is_valid_izhku(text)


@pytest.mark.parametrize(
    "text",
    [
        "75ДА533315-1",
        "75ДА53331501",
        "75ДА533315-001",
        "75ДА533315",
        "75ДА533315-0A",
        "75ДА533315-01-1126",
    ],
)
def test_invalid_izhku(text):
    assert not is_valid_izhku(text)
    with pytest.raises(IdentifierError, match="Идентификатор ЖКУ — 13 знаков"):
        normalize_izhku(text)


def test_els_of_izhku():
    assert els_of_izhku("75да533315-01") == "75ДА533315"
    with pytest.raises(IdentifierError):
        els_of_izhku("75ДА533315")


@pytest.mark.parametrize(
    ("text", "ipd"),
    [
        ("77АБ123456-01-1126", "77АБ123456-01-1126"),
        ("77ab123456-01-1126", "77АВ123456-01-1126"),
        (" 77АБ123456 — 01 — 1126 ", "77АБ123456-01-1126"),
    ],
)
def test_normalize_ipd(text, ipd):
    assert normalize_ipd(text) == ipd
    assert len(ipd) == 18
    assert is_valid_ipd(text)


@pytest.mark.parametrize(
    "text",
    [
        "77АБ123456-01-112",
        "77АБ123456-01-11261",
        "77АБ123456-01",
        "77АБ12345601-1126",
        "77АБ123456-01-11a6",
    ],
)
def test_invalid_ipd(text):
    assert not is_valid_ipd(text)
    with pytest.raises(IdentifierError, match="Идентификатор платёжного документа — 18 знаков"):
        normalize_ipd(text)


def test_izhku_of_ipd():
    assert izhku_of_ipd("77АБ123456-01-1126") == "77АБ123456-01"


@pytest.mark.parametrize(
    ("func", "message"),
    [
        (normalize_izhku, "Введите идентификатор ЖКУ"),
        (normalize_ipd, "Введите идентификатор платёжного документа"),
    ],
)
def test_gis_ids_empty(func, message):
    with pytest.raises(IdentifierError) as error:
        func("")
    assert str(error.value) == message


# --- Номер лицевого счёта, ФИАС ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("100200300", "100200300"),
        ("  ЛС-12/3  ", "ЛС-12/3"),
        ("a", "a"),
        ("1" * 30, "1" * 30),
        ("12 34", "12 34"),
        ("№ 5", "№ 5"),
    ],
)
def test_normalize_account_number(text, number):
    assert normalize_account_number(text) == number


@pytest.mark.parametrize("text", ["", "   ", "1" * 31, None])
def test_account_number_length(text):
    with pytest.raises(IdentifierError) as error:
        normalize_account_number(text)
    assert str(error.value) == "Номер лицевого счёта — от 1 до 30 знаков"


@pytest.mark.parametrize("text", ["---", "№", "/ /"])
def test_account_number_needs_letter_or_digit(text):
    with pytest.raises(IdentifierError, match="хотя бы одну букву или цифру"):
        normalize_account_number(text)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("0c5b2444-70a0-4932-980c-b4dc0d3f02b5", True),
        ("0C5B2444-70A0-4932-980C-B4DC0D3F02B5", True),
        ("0c5b244470a04932980cb4dc0d3f02b5", False),
        ("0c5b2444-70a0-4932-980c-b4dc0d3f02b", False),
        ("0c5b2444-70a0-4932-980c-b4dc0d3f02b5a", False),
        ("gc5b2444-70a0-4932-980c-b4dc0d3f02b5", False),
        ("", False),
        (None, False),
    ],
)
def test_fias_guid(text, ok):
    assert is_valid_fias_guid(text) is ok


def test_identifier_error_is_value_error():
    assert issubclass(IdentifierError, ValueError)
