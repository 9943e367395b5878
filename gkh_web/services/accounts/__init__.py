"""Personal accounts: the cabinet's list, linking and the access checks (``linking``), finding an account
without a resident (``lookup``), and the providers' bank requisites (``providers``).

The package's names are the API the states and the payment page use; the modules say how.
"""

from gkh_web.services.accounts.linking import (
    MSG_ADDRESS_MISMATCH,
    MSG_CHOOSE_PROVIDER,
    MSG_DOCUMENT_NOT_ACCESSIBLE,
    AccessDenied,
    AccountLinkError,
    LinkedAccountView,
    LinkOutcome,
    link_by_address,
    link_by_identifier,
    linked_account_ids,
    linked_accounts,
    require_accessible_document,
    require_linked_account,
    unlink,
)
from gkh_web.services.accounts.lookup import (
    AccountLookupError,
    HouseChoice,
    ProviderChoice,
    PublicAccountView,
    find_accounts_to_pay,
    house_suggestions,
    providers_for_house,
    public_account,
    regions,
)

__all__ = [
    "MSG_ADDRESS_MISMATCH",
    "MSG_CHOOSE_PROVIDER",
    "MSG_DOCUMENT_NOT_ACCESSIBLE",
    "AccessDenied",
    "AccountLinkError",
    "AccountLookupError",
    "HouseChoice",
    "LinkOutcome",
    "LinkedAccountView",
    "ProviderChoice",
    "PublicAccountView",
    "find_accounts_to_pay",
    "house_suggestions",
    "link_by_address",
    "link_by_identifier",
    "linked_account_ids",
    "linked_accounts",
    "providers_for_house",
    "public_account",
    "regions",
    "require_accessible_document",
    "require_linked_account",
    "unlink",
]
