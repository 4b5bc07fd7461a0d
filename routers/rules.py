"""The default routing table: the rail is chosen by the payment's settlement currency.

Rules are data (id, currencies, rail), evaluated in order; the first that accepts the
currency wins. The full rules engine (predicates over any field, screening, limits)
replaces this table later without changing the stage.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from schemas.canonical import Payment, debited_account_key
from schemas.issues import Issue

ANY_CURRENCY = "*"


ALL_KINDS = frozenset({"customer", "institution"})


@dataclass(frozen=True)
class RouteRule:
    """Payments in these currencies, of these kinds, go to this rail (when its message can carry them)."""

    id: str
    currencies: frozenset[str]
    rail: str
    kinds: frozenset[str] = ALL_KINDS

    def accepts(self, payment: Payment) -> bool:
        currency = payment.interbank_settlement_amount.currency
        return payment.kind in self.kinds and (ANY_CURRENCY in self.currencies or currency in self.currencies)


@dataclass(frozen=True)
class RouteDecision:
    rail: str
    rule_id: str
    shard: int


class RuleTable:
    """`carries` says which payment kinds each rail's message can carry (absent: any); a rule
    whose rail cannot carry a payment is passed over, so a bank-to-bank transfer never lands
    on a rail that speaks only customer credit transfers."""

    def __init__(self, rules: Iterable[RouteRule], shards: int,
                 carries: Mapping[str, frozenset[str]] | None = None) -> None:
        self.rules = tuple(rules)
        if shards < 1:
            raise ValueError("at least one settlement shard")
        self.shards = shards
        self.carries = dict(carries or {})

    def route(self, payment: Payment) -> RouteDecision | Issue:
        for rule in self.rules:
            if rule.accepts(payment) and payment.kind in self.carries.get(rule.rail, ALL_KINDS):
                return RouteDecision(rule.rail, rule.id, shard_of(debtor_key(payment), self.shards))
        currency = payment.interbank_settlement_amount.currency
        what = "payments" if payment.kind == "customer" else "transfers between financial institutions"
        return Issue(code="AM03", rule="route.no_rule", path="CdtTrfTxInf/IntrBkSttlmAmt/@Ccy",
                     message=f"no rail is configured for {currency} {what}")


def debtor_key(payment: Payment) -> str:
    return debited_account_key(payment) or f"doc:{payment.document_id}"


def shard_of(key: str, shards: int) -> int:
    """Stable across processes and hosts (crc32), unlike Python's salted `hash()`."""
    return zlib.crc32(key.encode("utf-8")) % shards
