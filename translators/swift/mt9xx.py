"""MT900, MT910, MT199 and MT299: recognised, validated and summarised for storage (no canonical payment).

MT900 (confirmation of debit) and MT910 (confirmation of credit) tell an account owner
that its account was debited or credited: `:20:`, `:21:` (the reference of the
instruction it confirms), `:25a:`, `:13D:`, `:32A:` value date, currency and amount,
the ordering parties (MT910) and `:72:`. MT199 and MT299 (free format, Category 1 and
2) carry `:20:`, `:21:` and a `:79:` narrative. Their structures are the core specs in
`messages.py`; this module adds the MT910 network rule and `summarise`.

MT910 network validated rule C1: either field 50a or field 52a must be present (C06).
Some open implementations read it as "one and not both"; the SRU2025 text could not be
checked here, so only the absence of both is reported.

Sources: SWIFT Standards MT SRU2025, Category 9 (MT900, MT910: format specifications and
network validated rule C1 of MT910), Category 1 and 2 (MT199, MT299).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from schemas.issues import Issue
from translators.swift.messages import MessageView, NetworkRule
from translators.swift.model import FinMessage, swift_issue
from translators.swift.statements_fields import money_value
from translators.swift.validate import validate_message
from translators.swift.values import parse_yymmdd

_issue = swift_issue
MESSAGE_TYPES: Final = frozenset({"900", "910", "199", "299"})


def ordering_party_present(view: MessageView) -> Iterable[Issue]:
    """MT910 C1 (C06): field 50a or field 52a must be present."""
    if not view.fields("50") and not view.fields("52"):
        yield _issue("mt9.C06", "C06: an MT910 names who ordered the credit: field 50a (ordering customer) or "
                     "52a (ordering institution) must be present", ":50a:")


RULES_BY_SPEC: Final[dict[str, tuple[NetworkRule, ...]]] = {"910": (ordering_party_present,)}


def validate_other(message: FinMessage, *, message_type: str | None = None) -> list[Issue]:
    """The core checks of an MT900/910/199/299 plus its network rules; never raises."""
    return validate_message(message, message_type=message_type, rules=RULES_BY_SPEC)


def summarise(message: FinMessage) -> dict[str, str | None]:
    """What the pipeline stores of an MT900/910/199/299: type, references, account, :32A:, narrative.

    Values are texts as written except `value_date` (ISO 8601) and `amount` (a decimal
    with a point and the currency's ISO 4217 decimals: `1000,` EUR is `1000.00`); a part
    that cannot be read is None (validation says why). Never raises.
    """
    kind = message.message_type
    amount_field = message.field("32A")
    value_date = currency = amount = None
    if amount_field is not None:
        text = amount_field.value
        try:
            value_date = parse_yymmdd(text[:6]).isoformat()
        except ValueError:
            value_date = None
        currency = text[6:9] if len(text) >= 9 and text[6:9].isalpha() else None
        try:
            amount = str(money_value(text[9:], currency or ""))
        except ValueError:
            amount = None
    account = next((field.value.split("\n")[0] for field in message.fields if field.tag in ("25", "25P")), None)
    narrative_field = message.field("79") or message.field("72")
    reference, related = message.field("20"), message.field("21")
    return {
        "message_type": f"mt{kind}" if kind else None,
        "sender_bic": message.sender_bic,
        "receiver_bic": message.receiver_bic,
        "reference": reference.value if reference is not None else None,
        "related_reference": related.value if related is not None else None,
        "account": account,
        "value_date": value_date,
        "currency": currency,
        "amount": amount,
        "narrative": narrative_field.value if narrative_field is not None else None,
    }
