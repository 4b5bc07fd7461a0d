"""The default routing table: the rail is chosen by the payment's settlement currency.

Rules are data (id, currencies, rail), evaluated in order; the first that accepts the
currency wins. The full rules engine (predicates over any field, screening, limits)
replaces this table later without changing the stage.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from schemas.canonical import Payment, account_key
from schemas.issues import Issue

ANY_CURRENCY = "*"


@dataclass(frozen=True)
class RouteRule:
    id: str
    currencies: frozenset[str]
    rail: str

    def accepts(self, payment: Payment) -> bool:
        currency = payment.interbank_settlement_amount.currency
        return ANY_CURRENCY in self.currencies or currency in self.currencies


@dataclass(frozen=True)
class RouteDecision:
    rail: str
    rule_id: str
    shard: int


class RuleTable:
    def __init__(self, rules: Iterable[RouteRule], shards: int) -> None:
        self.rules = tuple(rules)
        if shards < 1:
            raise ValueError("at least one settlement shard")
        self.shards = shards

    def route(self, payment: Payment) -> RouteDecision | Issue:
        for rule in self.rules:
            if rule.accepts(payment):
                return RouteDecision(rule.rail, rule.id, shard_of(debtor_key(payment), self.shards))
        currency = payment.interbank_settlement_amount.currency
        return Issue(code="AM03", rule="route.no_rule", path="CdtTrfTxInf/IntrBkSttlmAmt/@Ccy",
                     message=f"no rail is configured for {currency} payments")


def debtor_key(payment: Payment) -> str:
    return account_key(payment.debtor_account, payment.debtor_agent) or f"doc:{payment.document_id}"


def shard_of(key: str, shards: int) -> int:
    """Stable across processes and hosts (crc32), unlike Python's salted `hash()`."""
    return zlib.crc32(key.encode("utf-8")) % shards
