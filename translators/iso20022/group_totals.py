"""The group header's control figures against what the message holds (DOMAIN §8.15).

NbOfTxs (AM18), CtrlSum (AM10) and a total amount element with its currency
(TtlIntrBkSttlmAmt, TtlRtrdIntrBkSttlmAmt) are checked the same way in every FI to FI
message; only the total element's name and the words for records and amounts differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from schemas.codes import RULES
from schemas.issues import Issue
from schemas.profiles import Profile
from translators.iso20022.common import Node, parse_decimal


@dataclass(frozen=True)
class Counted:
    """What pass 1 counted: records, the sum of their amounts, the currencies they are in."""

    records: int
    total: Decimal
    currencies: frozenset[str]


def _issue(rule: str, path: str, message: str) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message)


def group_totals_issues(header: Node, counted: Counted, profile: Profile, *, total_element: str, record: str,
                        records_word: str = "transactions", amounts_word: str = "settlement amounts") -> list[Issue]:
    """Every control figure of `header` the counted records contradict, and the profile's record limit."""
    issues: list[Issue] = []
    count = counted.records
    declared = header.get("NbOfTxs") or ""
    if not declared.isdigit() or int(declared) != count:
        issues.append(_issue("iso.nb_of_txs", "GrpHdr/NbOfTxs",
                             f"NbOfTxs is {declared!r} but the message holds {count} {records_word}"))
    control = header.child("CtrlSum")
    if control is not None and parse_decimal(control.value) != counted.total:
        issues.append(_issue("iso.ctrl_sum", control.path, f"CtrlSum is {control.value} but the {amounts_word} "
                             f"add up to {counted.total}"))
    total = header.child(total_element)
    if total is not None:
        currency = total.attribute("Ccy")
        if counted.currencies - {currency}:
            issues.append(_issue("iso.total_currency", total.path, f"{total_element} is in {currency} but the "
                                 f"{records_word} are in {', '.join(sorted(counted.currencies))}"))
        elif parse_decimal(total.value) != counted.total:
            issues.append(_issue("iso.total_amount", total.path, f"{total_element} is {total.value} but the "
                                 f"{amounts_word} add up to {counted.total}"))
    limit = profile.max_transactions_per_message
    if limit is not None and count > limit:
        issues.append(_issue("profile.max_transactions", f"{record}[{limit + 1}]", f"profile {profile.id} "
                             f"allows {limit} transaction(s) per message; this one has {count}"))
    return issues
