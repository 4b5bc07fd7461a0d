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


def bank_transfer(currency: str) -> Payment:
    return payment(currency).model_copy(update={
        "kind": "institution", "message_type": "mt202", "debtor_account": None,
        "instructing_agent": Agent(bic="COBADEFFXXX")})


MIXED = RuleTable([RouteRule("banks", frozenset({"*"}), "swift-fin", frozenset({"institution"})),
                   RouteRule("eur", frozenset({"EUR"}), "target2")], shards=4,
                  carries={"target2": frozenset({"customer"}), "swift-fin": frozenset({"customer", "institution"})})


def test_a_rule_may_take_only_transfers_between_banks() -> None:
    assert MIXED.route(bank_transfer("EUR")).rail == "swift-fin"        # type: ignore[union-attr]
    assert MIXED.route(payment("EUR")).rail == "target2"                # type: ignore[union-attr]


def test_a_rail_whose_message_cannot_carry_the_payment_is_passed_over() -> None:
    table = RuleTable([RouteRule("eur", frozenset({"EUR"}), "target2")], shards=4,
                      carries={"target2": frozenset({"customer"})})
    issue = table.route(bank_transfer("EUR"))
    assert isinstance(issue, Issue) and issue.code == "AM03"
    assert "financial institutions" in issue.message


def test_a_bank_transfer_is_sharded_by_the_instructing_banks_loro_account() -> None:
    decision = MIXED.route(bank_transfer("EUR"))
    assert decision.shard == shard_of("loro:COBADEFFXXX", 4)           # type: ignore[union-attr]
