"""Tests for gkh_web.domain.qr: ГОСТ Р 56042-2014 payload."""

import dataclasses

import pytest

from gkh_web.domain.identifiers import (
    is_valid_correspondent_account,
    is_valid_inn,
    is_valid_settlement_account,
)
from gkh_web.domain.qr import (
    PaymentRequisites,
    QrPayloadError,
    gost_56042_payload,
    gost_paym_period,
    parse_gost_56042_payload,
)

# domain.md §4.5 — the ЖКУ fixture, reproduced character for character.
FIXTURE = (
    "ST00012|Name=ООО «УК Пример»|PersonalAcc=40702810200000012345|BankName=ПАО СБЕРБАНК"
    "|BIC=044525225|CorrespAcc=30101810400000000225|PayeeINN=7709123453|KPP=770901001"
    "|Sum=523456|Purpose=Оплата ЖКУ за ноябрь 2026, ЕЛС 77АБ123456|PersAcc=100200300"
    "|PaymPeriod=112026|TechCode=02|LastName=Иванов|FirstName=Иван|MiddleName=Иванович"
    "|PayerAddress=г. Москва, ул. Примерная, д. 1, кв. 1"
)

REQUISITES = PaymentRequisites(
    name="ООО «УК Пример»",
    personal_acc="40702810200000012345",
    bank_name="ПАО СБЕРБАНК",
    bic="044525225",
    correspondent_acc="30101810400000000225",
    payee_inn="7709123453",
    kpp="770901001",
)

FIXTURE_KWARGS = {
    "sum_kopecks": 523456,
    "purpose": "Оплата ЖКУ за ноябрь 2026, ЕЛС 77АБ123456",
    "pers_acc": "100200300",
    "paym_period": "112026",
    "payer_last_name": "Иванов",
    "payer_first_name": "Иван",
    "payer_middle_name": "Иванович",
    "payer_address": "г. Москва, ул. Примерная, д. 1, кв. 1",
}


def payload(requisites=REQUISITES, **overrides):
    return gost_56042_payload(requisites, **{**FIXTURE_KWARGS, **overrides})


def test_fixture_is_reproduced_exactly():
    assert payload() == FIXTURE


def test_fixture_requisites_pass_checksums():
    assert is_valid_settlement_account(REQUISITES.bic, REQUISITES.personal_acc)
    assert is_valid_correspondent_account(REQUISITES.bic, REQUISITES.correspondent_acc)
    assert is_valid_inn(REQUISITES.payee_inn)


def test_requisites_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        REQUISITES.name = "Другая УК"


def test_gost_paym_period():
    assert gost_paym_period(2026, 11) == "112026"
    assert gost_paym_period(2027, 1) == "012027"
    with pytest.raises(ValueError):
        gost_paym_period(2026, 13)


def test_payload_starts_with_utf8_header_and_mandatory_order():
    text = payload()
    assert text.startswith("ST00012|Name=")
    keys = [part.split("=", 1)[0] for part in text[8:].split("|")]
    assert keys[:5] == ["Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc"]
    assert keys[5:13] == [
        "PayeeINN",
        "KPP",
        "Sum",
        "Purpose",
        "PersAcc",
        "PaymPeriod",
        "TechCode",
        "LastName",
    ]
    assert not text.endswith("|")


def test_optional_fields_are_omitted_when_missing():
    text = gost_56042_payload(
        dataclasses.replace(REQUISITES, kpp=None),
        sum_kopecks=100,
        purpose="Оплата ЖКУ",
        pers_acc="ЛС-1",
    )
    assert text == (
        "ST00012|Name=ООО «УК Пример»|PersonalAcc=40702810200000012345|BankName=ПАО СБЕРБАНК"
        "|BIC=044525225|CorrespAcc=30101810400000000225|PayeeINN=7709123453"
        "|Sum=100|Purpose=Оплата ЖКУ|PersAcc=ЛС-1|TechCode=02"
    )


def test_blank_payer_fields_are_omitted():
    text = payload(payer_middle_name="  ", payer_address="")
    assert "MiddleName" not in text and "PayerAddress" not in text
    assert "FirstName=Иван" in text


def test_kpp_may_be_omitted_for_individual_entrepreneur():
    requisites = PaymentRequisites(
        "ИП Петров",
        "40802810200000012345",
        "ПАО СБЕРБАНК",
        "044525225",
        "30101810400000000225",
        "500100732259",
    )
    parsed = parse_gost_56042_payload(
        gost_56042_payload(requisites, sum_kopecks=1, purpose="ЖКУ", pers_acc="1")
    )
    assert parsed["PayeeINN"] == "500100732259"
    assert "KPP" not in parsed


def test_extra_fields_come_last_in_given_order():
    text = payload(extra={"ServiceName": "Отопление", "Phone": "+79990000000"})
    assert text.endswith(
        "|PayerAddress=г. Москва, ул. Примерная, д. 1, кв. 1"
        "|ServiceName=Отопление|Phone=+79990000000"
    )


@pytest.mark.parametrize("key", ["Sum", "Name", "TechCode", "PersAcc", "LastName"])
def test_extra_may_not_repeat_a_field(key):
    with pytest.raises(QrPayloadError, match="дважды"):
        payload(extra={key: "1"})


@pytest.mark.parametrize("key", ["", "1Key", "Имя", "Key=", "Key|"])
def test_extra_key_must_be_ascii_name(key):
    with pytest.raises(QrPayloadError, match="имя реквизита"):
        payload(extra={key: "1"})


def test_separator_changes_when_pipe_is_in_a_value():
    text = payload(purpose="Оплата | ЖКУ")
    assert text.startswith("ST00012#Name=")
    assert "#Purpose=Оплата | ЖКУ#" in text
    assert parse_gost_56042_payload(text)["Purpose"] == "Оплата | ЖКУ"


def test_separator_skips_every_used_candidate():
    text = payload(purpose="a|b#c;d:e^f_g~h{i}j", payer_address="x")
    assert text[7] == "!"
    assert text.count("!") == len(parse_gost_56042_payload(text))  # header + between pairs


def test_no_free_separator_is_an_error():
    with pytest.raises(QrPayloadError, match="разделител"):
        payload(purpose="|#;:^_~{}!$%&()*+,/@")


def test_round_trip_through_parser():
    parsed = parse_gost_56042_payload(payload())
    assert parsed["Sum"] == "523456"
    assert parsed["PaymPeriod"] == "112026"
    assert parsed["TechCode"] == "02"
    assert parsed["Name"] == "ООО «УК Пример»"


def test_parser_rejects_foreign_text():
    with pytest.raises(QrPayloadError):
        parse_gost_56042_payload("https://example.org")


def test_line_breaks_in_values_become_spaces():
    text = payload(payer_address="г. Москва,\nул. Примерная")
    assert "\n" not in text
    assert "PayerAddress=г. Москва, ул. Примерная" in text


def test_empty_correspondent_account_becomes_zero():
    text = payload(dataclasses.replace(REQUISITES, correspondent_acc=""))
    assert "|CorrespAcc=0|" in text


def test_custom_tech_code():
    assert "|TechCode=01|" in payload(tech_code="01")
    with pytest.raises(QrPayloadError):
        payload(tech_code="2")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Наименование получателя"),
        ("name", "Я" * 161, "Наименование получателя"),
        ("personal_acc", "4070281020000001234", "Счёт получателя"),
        ("personal_acc", "4070281020000001234X", "Счёт получателя"),
        ("bank_name", "Б" * 46, "Название банка"),
        ("bank_name", " ", "Название банка"),
        ("bic", "04452522", "БИК"),
        ("bic", "04452522X", "БИК"),
        ("correspondent_acc", "301018104000000002250", "Корреспондентский счёт"),
        ("correspondent_acc", "30101-810", "Корреспондентский счёт"),
        ("payee_inn", "770912345", "ИНН получателя"),
        ("payee_inn", "", "ИНН получателя"),
        ("kpp", "77090100", "КПП получателя"),
    ],
)
def test_requisite_limits(field, value, message):
    with pytest.raises(QrPayloadError, match=message):
        payload(dataclasses.replace(REQUISITES, **{field: value}))


def test_name_of_exactly_160_and_bank_of_45_are_allowed():
    assert "Name=" + "N" * 160 + "|" in payload(dataclasses.replace(REQUISITES, name="N" * 160))
    assert "BankName=" + "Б" * 45 + "|" in payload(
        dataclasses.replace(REQUISITES, bank_name="Б" * 45)
    )


def test_mandatory_block_over_300_bytes_is_rejected():
    # 160 Cyrillic letters = 320 bytes of UTF-8: fits the character limit, not the byte limit.
    with pytest.raises(QrPayloadError, match="не помещаются"):
        payload(dataclasses.replace(REQUISITES, name="Я" * 160))


def test_mandatory_block_of_exactly_300_bytes_is_allowed():
    base = (
        "Name=|PersonalAcc=40702810200000012345|BankName=ПАО СБЕРБАНК"
        "|BIC=044525225|CorrespAcc=30101810400000000225"
    )
    room = 300 - len(base.encode("utf-8"))  # bytes left for the name
    two_byte_letters = room - 160  # 160 characters, some of them Cyrillic (2 bytes each)
    assert 0 < two_byte_letters < 160
    name = "Я" * two_byte_letters + "N" * (160 - two_byte_letters)
    assert len(name.encode("utf-8")) == room
    assert "Name=" + name + "|" in payload(dataclasses.replace(REQUISITES, name=name))
    one_byte_too_many = "Я" + name[:-1]
    with pytest.raises(QrPayloadError, match="не помещаются"):
        payload(dataclasses.replace(REQUISITES, name=one_byte_too_many))


def test_purpose_limits():
    assert "Purpose=" + "П" * 210 in payload(purpose="П" * 210)
    with pytest.raises(QrPayloadError, match="Назначение платежа"):
        payload(purpose="П" * 211)
    with pytest.raises(QrPayloadError, match="Назначение платежа"):
        payload(purpose="  ")


def test_pers_acc_is_required():
    with pytest.raises(QrPayloadError, match="лицевого счёта"):
        payload(pers_acc=" ")


@pytest.mark.parametrize(
    ("kopecks", "text"), [(0, "0"), (1, "1"), (100000, "100000"), (10**18 - 1, "9" * 18)]
)
def test_sum_is_plain_kopecks(kopecks, text):
    assert f"|Sum={text}|" in payload(sum_kopecks=kopecks)


@pytest.mark.parametrize("kopecks", [-1, 10**18])
def test_sum_out_of_range(kopecks):
    with pytest.raises(QrPayloadError, match="Сумма"):
        payload(sum_kopecks=kopecks)


@pytest.mark.parametrize("kopecks", [5234.56, "523456", True, None])
def test_sum_must_be_int(kopecks):
    with pytest.raises(TypeError):
        payload(sum_kopecks=kopecks)


def test_errors_are_value_errors():
    assert issubclass(QrPayloadError, ValueError)
