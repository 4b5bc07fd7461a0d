"""Ledger verdicts (pure): debit the debtor, credit the rail's clearing account, never overdraw."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from schemas.canonical import Account, Agent, Amount, Party, Payment, Source
from settlement.ledger import AccountState, BookingRequest, clearing_account_id, decide


def request(amount: str, currency: str = "EUR", debtor: str = "DE89370400440532013000", index: int = 0,
            rail: str = "target2") -> BookingRequest:
    payment = Payment(
        payment_id=f"p{index}", document_id="d1", index=index, message_type="pacs.008.001.08", msg_id="M1",
        source=Source(channel="amqp", sender="BANK", format="pacs.008.001.08", received_at=datetime.now(UTC)),
        interbank_settlement_amount=Amount(value=Decimal(amount), currency=currency), rail=rail,
        debtor=Party(name="A"), creditor=Party(name="B"), debtor_account=Account(id=debtor),
        debtor_agent=Agent(bic="COBADEFFXXX"))
    return BookingRequest(payment, b"")


def accounts(balance_minor: int = 10_000, currency: str = "EUR") -> dict[str, AccountState]:
    clearing = clearing_account_id("target2", currency)
    return {
        "DE89370400440532013000": AccountState("DE89370400440532013000", currency, "customer", balance_minor, 0, False),
        clearing: AccountState(clearing, currency, "clearing", 0, None, False),
    }


def test_a_covered_payment_debits_the_debtor_and_credits_the_rail_clearing_account() -> None:
    [verdict] = decide([request("25.50")], accounts())
    assert verdict.booked
    assert (verdict.debit_account, verdict.credit_account) == ("DE89370400440532013000", "clearing:target2:EUR")
    assert verdict.amount_minor == 2550


def test_insufficient_funds_is_AM04() -> None:
    [verdict] = decide([request("100.01")], accounts(balance_minor=10_000))
    assert not verdict.booked and verdict.issue is not None and verdict.issue.code == "AM04"


def test_earlier_payments_in_a_batch_use_up_the_funds_of_later_ones() -> None:
    verdicts = decide([request("60.00", index=0), request("60.00", index=1)], accounts(balance_minor=10_000))
    assert [v.booked for v in verdicts] == [True, False]


def test_an_unknown_debtor_account_is_AC02() -> None:
    [verdict] = decide([request("1.00", debtor="FR1420041010050500013M02606")], accounts())
    assert verdict.issue is not None and verdict.issue.code == "AC02"


def test_a_payment_in_another_currency_than_the_account_is_AM03() -> None:
    [verdict] = decide([request("1.00", currency="USD")], accounts())
    assert verdict.issue is not None and verdict.issue.code == "AM03"


def test_minor_units_follow_the_currency_exponent() -> None:
    jpy = accounts(balance_minor=1_000_000, currency="JPY")
    [verdict] = decide([request("1500", currency="JPY")], jpy)
    assert verdict.amount_minor == 1500
    [bad] = decide([request("1500.5", currency="JPY")], jpy)
    assert bad.issue is not None and bad.issue.code == "CH20"


def bank_transfer(settlement_account: str | None = None) -> BookingRequest:
    """An MT202: the instructing bank's money moves, not the ordering institution's account at that bank."""
    customer = request("40.00").payment
    payment = customer.model_copy(update={
        "kind": "institution", "message_type": "mt202", "instructing_agent": Agent(bic="COBADEFF"),
        "debtor_account": Account(id="ACCOUNT-AT-COBA", scheme=""),
        "settlement_account": Account(id=settlement_account, scheme="") if settlement_account else None})
    return BookingRequest(payment, b"")


def test_a_transfer_between_banks_debits_the_instructing_banks_loro_account() -> None:
    book = accounts()
    book["loro:COBADEFFXXX"] = AccountState("loro:COBADEFFXXX", "EUR", "customer", 10_000, 0, False)
    [verdict] = decide([bank_transfer()], book)
    assert verdict.booked and verdict.debit_account == "loro:COBADEFFXXX"


def test_a_settlement_account_named_by_the_sender_is_the_one_debited() -> None:
    book = accounts()
    book["VOSTRO-4711"] = AccountState("VOSTRO-4711", "EUR", "customer", 10_000, 0, False)
    [verdict] = decide([bank_transfer("VOSTRO-4711")], book)
    assert verdict.booked and verdict.debit_account == "VOSTRO-4711"
