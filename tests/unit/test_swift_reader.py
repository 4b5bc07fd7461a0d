"""A file of SWIFT MT messages as intake reads it (issue 4, "Bad input"; DOMAIN §1).

Every defect gives a precise issue (the rule, the SWIFT error code in the message, the
field as path, an ISO reason code), never an exception, and the other messages of a
multi-message file are still read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from schemas.canonical import Source
from schemas.issues import Issue, Severity
from translators.base import DocumentReading, ReadContext
from translators.detect import read_document

SAMPLES = Path(__file__).resolve().parents[2] / "config" / "samples"
MT103 = (SAMPLES / "mt103-single-eur.fin").read_bytes().decode()
MT940 = (SAMPLES / "mt940-statement.fin").read_bytes().decode()
CONTEXT = ReadContext(document_id="doc-1", source=Source(channel="cli", sender="T", format="unknown",
                                                         received_at=datetime(2026, 11, 25, tzinfo=UTC)))


def read(text: str) -> DocumentReading:
    return read_document(text.encode(), CONTEXT)


def errors(issues: tuple[Issue, ...] | list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity is Severity.ERROR]


def transaction_errors(text: str) -> list[Issue]:
    reading = read(text)
    assert reading.accepted, reading.issues
    [transaction] = list(reading.transactions())
    assert transaction.rejected
    return errors(transaction.issues)


def test_a_valid_mt103_is_one_customer_payment_with_its_ids() -> None:
    reading = read(MT103)
    assert (reading.format, reading.kind, reading.msg_id, reading.number_of_transactions) == (
        "mt103", "payments", "COBA-MT-261125-1", 1)
    assert reading.duplicate_key is not None and reading.duplicate_key.startswith("fin:sha256:")
    [transaction] = list(reading.transactions())
    assert errors(transaction.issues) == [] and transaction.payment is not None
    payment = transaction.payment
    assert (payment.kind, payment.message_type, payment.msg_id) == ("customer", "mt103", "COBA-MT-261125-1")
    assert payment.uetr == "6f1c1f2e-3b7a-4d2c-9e51-0a8b7c6d5e4f"
    assert str(payment.interbank_settlement_amount.value) in ("18250.00", "18250")
    assert payment.debtor_account is not None and payment.debtor_account.id == "DE89370400440532013000"


@pytest.mark.parametrize(("change", "rule", "path", "code", "swift_code"), [
    ((":20:COBA-MT-261125-1", ":20:COBA-MT-261125-12"), "mt.field_format", ":20:", "FF01", "T33"),
    ((":70:/INV/2026-1187 MACHINE PARTS", ":70:L1\r\nL2\r\nL3\r\nL4\r\nL5"), "mt.field_format", ":70:", "FF01", "T"),
    (("EUR18250,00\r\n:33B", "EUR18250.00\r\n:33B"), "mt.amount", ":32A:", "AM12", "T"),
    (("EUR18250,00\r\n:33B", "EUR18250,001\r\n:33B"), "money.precision", ":32A:", "CH20", "C03"),
    ((":32A:261125", ":32A:260230"), "mt.date", ":32A:", "DT01", "T50"),
    (("MUSTER MASCHINENBAU", "MÜSTER MASCHINENBAU"), "mt.field_format", ":50K:", "FF01", "T"),
    ((":71A:SHA", ":71A:XYZ"), "mt.code", ":71A:", "FF01", "T08"),
    ((":71A:SHA", ":71A:SHA\r\n:99:UNKNOWN"), "mt.unknown_tag", ":99:", "FF01", "T13"),
    ((":23B:CRED\r\n:32A:261125EUR18250,00", ":32A:261125EUR18250,00\r\n:23B:CRED"), "mt.field_order", ":23B:",
     "FF01", "T13"),
])
def test_each_defect_of_a_message_is_named_precisely(change: tuple[str, str], rule: str, path: str, code: str,
                                                     swift_code: str) -> None:
    old, new = change
    assert old in MT103
    found = transaction_errors(MT103.replace(old, new))
    matching = [i for i in found if i.rule == rule and i.path.startswith(path)]
    assert matching, found
    assert matching[0].code.startswith(code) and matching[0].message.startswith(swift_code), matching[0]


def test_an_amount_with_more_decimals_than_the_currency_has() -> None:
    found = transaction_errors(MT103.replace("EUR18250,00\r\n:33B:EUR18250,00", "JPY18250,5\r\n:33B:JPY18250,5"))
    assert [(i.rule, i.path, i.code, i.message[:4]) for i in found] == [
        ("money.precision", ":32A:", "CH20", "C03:"), ("money.precision", ":33B:", "CH20", "C03:")]


@pytest.mark.parametrize(("text", "rule"), [
    (MT103.replace("\r\n-}", "\r\n"), "mt.text_block"),          # no -} terminator
    (MT103[:120], "mt.text_block"),                                   # truncated inside block 4
    (MT103.replace("{3:{121:", "{3:{{121:"), "mt.stray_text"),       # unbalanced braces: the rest is stray
])
def test_a_broken_block_structure_is_an_ff01_issue_with_a_position(text: str, rule: str) -> None:
    reading = read(text)
    found = errors(reading.issues) + [i for t in reading.transactions() for i in errors(t.issues)]
    structural = [i for i in found if i.rule == rule]
    assert structural, found
    assert all(i.code == "FF01" and i.path.startswith("line ") and ", column " in i.path for i in structural)


def test_the_other_messages_of_a_file_are_still_read_when_one_is_bad() -> None:
    reading = read((SAMPLES / "mt103-batch-one-bad.fin").read_bytes().decode())
    assert reading.accepted and reading.number_of_transactions == 3 and reading.msg_id is None
    transactions = list(reading.transactions())
    assert [t.rejected for t in transactions] == [False, False, True]
    [issue] = errors(transactions[2].issues)
    assert (issue.rule, issue.path, issue.code) == ("mt.field_format", "message 3/:20:", "FF01")
    assert transactions[2].payment is not None and transactions[2].reference == "COBA-BATCH-0003-XYZ"


def test_a_message_too_broken_to_map_still_gets_a_reference_for_its_report() -> None:
    broken = MT103.replace(":32A:261125EUR18250,00\r\n", "")
    reading = read(MT103 + "\r\n" + broken)
    first, second = list(reading.transactions())
    assert not first.rejected and second.rejected
    assert second.reference == "COBA-MT-261125-1"
    assert any(i.rule == "mt.missing_field" and "32A" in i.path + i.message for i in second.issues)


def test_an_mt940_is_read_as_statements_and_checked_page_to_page() -> None:
    reading = read(MT940)
    assert (reading.format, reading.kind, reading.number_of_transactions) == ("mt940", "statements", None)
    pages = list(reading.statements())
    assert [errors(p.issues) for p in pages] == [[], []]
    assert [(p.statement.sequence_number, len(p.statement.entries)) for p in pages if p.statement] == [
        ("001", 2), ("002", 1)]


def test_a_statement_page_that_does_not_carry_the_balance_over_is_rejected() -> None:
    broken = MT940.replace(":60M:C261125EUR267050,00", ":60M:C261125EUR267000,00")
    pages = list(read(broken).statements())
    found = [i for p in pages for i in errors(p.issues)]
    assert any(i.path.startswith("message 2/") for i in found), found


def test_confirmations_and_free_format_messages_are_kept() -> None:
    mt199 = ("{1:F01COBADEFFAXXX0000000000}{2:I199QNXGDEFFXXXXN}{4:\r\n:20:QUERY-1\r\n:21:COBA-MT-1\r\n"
             ":79:PLEASE CONFIRM RECEIPT\r\n-}")
    reading = read(mt199)
    assert (reading.format, reading.kind, reading.accepted) == ("mt199", "other", True)
    with_payment = read(MT103 + "\r\n" + mt199)
    assert with_payment.kind == "payments" and len(list(with_payment.transactions())) == 1
    assert any(i.rule == "mt.kept_message" and i.severity is Severity.INFO for i in with_payment.issues)


def test_a_file_of_messages_the_gateway_does_not_process_is_rejected() -> None:
    mt101 = MT103.replace("{2:I103", "{2:I101")
    reading = read(mt101)
    assert not reading.accepted and reading.format == "mt101"
    assert [i.rule for i in errors(reading.issues)] == ["mt.unsupported_message"]


def test_a_statement_among_payments_is_rejected_alone() -> None:
    reading = read(MT103 + "\r\n" + MT940)
    transactions = list(reading.transactions())
    assert [t.rejected for t in transactions] == [False, True, True]
    assert errors(transactions[1].issues)[0].rule == "mt.unsupported_message"


def test_text_outside_any_message_rejects_the_whole_file() -> None:
    reading = read(MT103 + "\r\nTHIS LINE IS NOT A MESSAGE\r\n" + MT103)
    assert not reading.accepted
    assert errors(reading.issues)[0].rule == "mt.stray_text"
