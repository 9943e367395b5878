"""A provider's ИНН and bank accounts are checked before it is stored."""

import pytest

from gkh_web.db.models import ProviderOrganisation
from gkh_web.services.accounts.providers import (
    ProviderRequisitesError,
    check_provider_requisites,
    provider_requisites_problems,
)


def _provider(**changes) -> ProviderOrganisation:
    fields = dict(
        name="Общество с ограниченной ответственностью «УК Пример»", short_name="ООО «УК Пример»",
        kind="management", inn="7709123453", kpp="770901001", address="г. Москва, ул. Примерная, д. 1",
        phone="+74950000000", email="uk@example.com", recipient_name="ООО «УК Пример»",
        bank_name="ПАО Сбербанк", bik="044525225", settlement_account="40702810200000012345",
        correspondent_account="30101810400000000225",
    )
    fields.update(changes)
    return ProviderOrganisation(**fields)


def test_valid_requisites_pass():
    assert provider_requisites_problems(_provider()) == []
    check_provider_requisites(_provider())


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"inn": "6200098765"}, "ИНН 6200098765: неверное контрольное число"),
        ({"inn": "770912345"}, "ИНН 770912345: неверное контрольное число или длина"),
        ({"settlement_account": "40702810300000012345"}, "Расчётный счёт 40702810300000012345 не соответствует БИК"),
        ({"bik": "044525187"}, "Расчётный счёт 40702810200000012345 не соответствует БИК 044525187"),
        ({"correspondent_account": "30101810500000000225"}, "Корр. счёт 30101810500000000225 не соответствует"),
        ({"kpp": "77090100"}, "КПП 77090100: ожидается 9 знаков"),
        ({"bik": "04452522"}, "БИК 04452522: ожидается 9 цифр"),
        ({"kind": "bank"}, "Неизвестный вид организации «bank»"),
    ],
)
def test_each_bad_requisite_is_named(changes, expected):
    with pytest.raises(ProviderRequisitesError) as caught:
        check_provider_requisites(_provider(**changes))
    assert any(problem.startswith(expected) for problem in caught.value.problems), caught.value.problems


def test_all_problems_are_listed_at_once():
    problems = provider_requisites_problems(_provider(inn="6200098765", settlement_account="40702810300000012345"))
    assert len(problems) == 2
