"""Provider organisations: their requisites are checked before they are stored.

A resident never types a provider's requisites (the seed: «реквизиты исполнителя ЖКУ
вводить не требуется»), so a wrong ИНН or a bank account whose key does not match the
БИК would send real money astray. Every path that stores a provider calls
``check_provider_requisites`` first.
"""

from __future__ import annotations

from gkh_web.db.models import PROVIDER_KINDS, ProviderOrganisation
from gkh_web.domain.identifiers import (
    is_valid_bik,
    is_valid_correspondent_account,
    is_valid_inn,
    is_valid_kpp,
    is_valid_settlement_account,
)


class ProviderRequisitesError(ValueError):
    """Requisites that must not be stored; ``problems`` lists every one in Russian."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def provider_requisites_problems(provider: ProviderOrganisation) -> list[str]:
    """Every problem with a provider's identity and bank requisites, empty when all is well."""
    problems = []
    if provider.kind not in PROVIDER_KINDS:
        problems.append(f"Неизвестный вид организации «{provider.kind}»")
    if not is_valid_inn(provider.inn):
        problems.append(f"ИНН {provider.inn}: неверное контрольное число или длина")
    if provider.kpp is not None and not is_valid_kpp(provider.kpp):
        problems.append(f"КПП {provider.kpp}: ожидается 9 знаков")
    if not is_valid_bik(provider.bik):
        problems.append(f"БИК {provider.bik}: ожидается 9 цифр")
        return problems  # the account keys depend on the БИК
    if not is_valid_settlement_account(provider.bik, provider.settlement_account):
        problems.append(
            f"Расчётный счёт {provider.settlement_account} не соответствует БИК {provider.bik} (ключ счёта)"
        )
    correspondent = provider.correspondent_account
    if correspondent and not is_valid_correspondent_account(provider.bik, correspondent):
        problems.append(f"Корр. счёт {provider.correspondent_account} не соответствует БИК {provider.bik} (ключ счёта)")
    return problems


def check_provider_requisites(provider: ProviderOrganisation) -> None:
    """Raise ProviderRequisitesError listing every problem, or return quietly."""
    problems = provider_requisites_problems(provider)
    if problems:
        raise ProviderRequisitesError(problems)
