"""The default routing table: rail by settlement currency; shard by debtor account."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from routers.rules import RouteDecision, RouteRule, RuleTable, shard_of
from schemas.canonical import Account, Agent, Amount, Party, Payment, Source
from schemas.issues import Issue


def payment(currency: str, debtor_iban: str = "DE89370400440532013000") -> Payment:
    return Payment(
        payment_id="p1", document_id="d1", index=0, message_type="pacs.008.001.08", msg_id="M1",
        source=Source(channel="amqp", sender="BANK", format="pacs.008.001.08", received_at=datetime.now(UTC)),
        interbank_settlement_amount=Amount(value=Decimal("10.00"), currency=currency),
        debtor=Party(name="A"), creditor=Party(name="B"), debtor_account=Account(id=debtor_iban),
        debtor_agent=Agent(bic="COBADEFFXXX"))


TABLE = RuleTable([RouteRule("eur", frozenset({"EUR"}), "target2"), RouteRule("usd", frozenset({"USD"}), "fedwire")],
                  shards=4)


def test_the_first_rule_accepting_the_currency_chooses_the_rail() -> None:
    decision = TABLE.route(payment("USD"))
    assert isinstance(decision, RouteDecision)
    assert (decision.rail, decision.rule_id) == ("fedwire", "usd")


def test_a_currency_no_rule_accepts_is_rejected_with_AM03() -> None:
    issue = TABLE.route(payment("CHF"))
    assert isinstance(issue, Issue)
    assert (issue.code, issue.rule) == ("AM03", "route.no_rule")


def test_payments_of_one_debtor_account_always_land_on_the_same_shard() -> None:
    shards = {TABLE.route(payment("EUR")).shard for _ in range(5)}  # type: ignore[union-attr]
    assert len(shards) == 1
    assert shard_of("DE89370400440532013000", 4) == shard_of("DE89370400440532013000", 4)


def test_shards_spread_accounts() -> None:
    seen = {shard_of(f"ACCOUNT{i}", 8) for i in range(200)}
    assert seen == set(range(8))
