"""Broken statements: each gives a precise issue (rule, SWIFT code in the message, field path), never an exception.

Every case is a bare MT940 page with one thing wrong. The validator (core checks plus
`RULES_BY_SPEC`) must name it; `to_statement` must still give a statement, leaving out
what it cannot read with an `mt9.unmapped` issue.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from schemas.canonical import Source
from translators.swift import mt9xx
from translators.swift.blocks import parse
from translators.swift.mt940_quirks import german_structured_86
from translators.swift.statements import RULES_BY_SPEC, to_statement
from translators.swift.validate import validate_message

SOURCE = Source(channel="cli", sender="hostile", format="mt940", received_at=datetime(2025, 11, 24, tzinfo=UTC))


def page(lines: str, *, opening: str = "C251123EUR100,00", closing: str = "C251124EUR110,00") -> str:
    return f":20:R\n:25:X\n:28C:1/1\n:60F:{opening}\n{lines}\n:62F:{closing}\n-\n"


# name: (page text, rule, SWIFT code at the start of the message, path, entries to_statement keeps)
CASES = {
    "decimal point instead of comma": (
        page(":61:251124C10.00NTRFNONREF"), "mt.amount", "T40", ":61:", 0),
    "too many decimals for EUR": (
        page(":61:251124C10,005NTRFNONREF", closing="C251124EUR110,01"), "money.precision", "C03", ":61:", 1),
    "decimals on JPY": (
        page(":61:251124C10,5NTRFNONREF", opening="C251123JPY100,", closing="C251124JPY110,"),
        "money.precision", "C03", ":61:", 1),
    "decimals on a balance": (
        page(":61:251124C10,00NTRFNONREF", closing="C251124EUR110,001"), "money.precision", "C03", ":62F:", 1),
    "amount longer than 15d": (
        page(":61:251124C1234567890123,45NTRFNONREF"), "mt.amount", "T43", ":61:", 0),
    "impossible value date": (
        page(":61:2513321124C10,00NTRFNONREF"), "mt.date", "T50", ":61:", 1),
    "impossible entry date": (
        page(":61:2511240230C10,00NTRFNONREF"), "mt.date", "T50", ":61:", 1),
    "29 February outside a leap year": (
        page(":61:2503010229C10,00NTRFNONREF"), "mt9.entry_date", "T50", ":61:", 1),
    "impossible balance date": (
        page(":61:251124C10,00NTRFNONREF", closing="C251131EUR110,00"), "mt.date", "T50", ":62F:", 1),
    "balance arithmetic wrong": (
        page(":61:251124C10,00NTRFNONREF", closing="C251124EUR111,00"), "mt9.balance", "", ":62F:", 1),
    "unknown debit/credit mark": (
        page(":61:251124X10,00NTRFNONREF"), "mt.field_format", "T51", ":61:", 0),
    "MT942 mark in an MT940": (
        page(":61:251124EC10,00NTRFNONREF"), "mt.code", "T51", ":61:", 1),
    "transaction type not S, N or F": (
        page(":61:251124C10,00XTRFNONREF"), "mt.code", "T53", ":61:", 1),
    "owner reference of 17 characters": (
        page(":61:251124C10,00NTRF12345678901234567"), "mt.field_format", "T33", ":61:", 0),
    "supplementary details of 35 characters": (
        page(":61:251124C10,00NTRFNONREF\n" + "D" * 35), "mt.field_format", "T33", ":61:/line 2", 0),
    ":86: of 7 lines": (
        page(":61:251124C10,00NTRFNONREF\n:86:1\n2\n3\n4\n5\n6\n7"), "mt.field_format", "T33", ":86:/line 7", 1),
    ":86: line of 66 characters": (
        page(":61:251124C10,00NTRFNONREF\n:86:" + "A" * 66), "mt.field_format", "T33", ":86:", 1),
    "non-X character in :86:": (
        page(":61:251124C10,00NTRFNONREF\n:86:CAFÉ"), "mt.field_format", "T34", ":86:", 1),
    "non-X character in :61:": (
        page(":61:251124C10,00NTRFNON_REF"), "mt.field_format", "T34", ":61:", 0),
    ":86: before any :61:": (
        page(":86:ORPHAN\n:61:251124C10,00NTRFNONREF"), "mt9.C24", "C24", ":86:", 1),
    "balances in different currencies": (
        page(":61:251124C10,00NTRFNONREF", closing="C251124USD110,00"), "mt9.C27", "C27", ":62F:", 1),
    "balance currency unknown": (
        page(":61:251124C10,00NTRFNONREF", opening="C251123EUX100,00", closing="C251124EUX110,00"),
        "money.currency", "T52", ":60F:", 1),
}


@pytest.mark.parametrize("name", CASES)
def test_a_broken_statement_gives_a_precise_issue(name: str) -> None:
    text, rule, swift_code, path, kept = CASES[name]
    (message,) = parse(text, message_type="940").messages
    issues = validate_message(message, rules=RULES_BY_SPEC)
    matching = [issue for issue in issues if issue.rule == rule and issue.path == path]
    assert matching, [(issue.rule, issue.path, issue.message) for issue in issues]
    assert matching[0].message.startswith(swift_code)
    translated = to_statement(message, document_id="d", index=0, source=SOURCE)
    assert len(translated.value.entries) == kept
    if kept == 0:
        assert [issue.rule for issue in translated.issues] == ["mt9.unmapped"]


def test_a_statement_without_any_readable_balance_still_reads() -> None:
    (message,) = parse(":20:R\n:25:X\n:28C:1\n:60F:C25112EUR1,\n:61:251124C1,NTRFNONREF\n:62F:X\n-\n",
                       message_type="940").messages
    translated = to_statement(message, document_id="d", index=0, source=SOURCE)
    assert translated.value.entries[0].amount.currency == "XXX"
    assert [issue.path for issue in translated.issues] == [":60F:", ":61:", ":62F:"]


def test_any_message_reads_as_a_statement_without_raising() -> None:
    for text in ("{1:F01BANKDEFFAXXX0000000000}{2:I103COBADEFFXXXXN}{4:\r\n:20:X\r\n:32A:251124EUR1,\r\n-}",
                 ":20:\n-\n", "{4:\n-}", ":61:\n:86:\n:62M:\n:28C:/\n-\n", "\x00\x01garbage"):
        for message in parse(text, message_type="940").messages:
            validate_message(message, rules=RULES_BY_SPEC)
            assert to_statement(message, document_id="d", index=0, source=SOURCE).value.document_id == "d"


def test_mt910_names_who_ordered_the_credit() -> None:
    text = ("{1:F01BANKDEFFAXXX0000000000}{2:I910COBADEFFXXXXN}{4:\r\n:20:C1\r\n:21:R1\r\n:25:0532013000\r\n"
            ":32A:251124EUR1,00\r\n-}")
    (message,) = parse(text).messages
    ((rule, path, code),) = [(issue.rule, issue.path, issue.message[:4]) for issue in mt9xx.validate_other(message)]
    assert (rule, path, code) == ("mt9.C06", ":50a:", "C06:")
    assert mt9xx.summarise(message)["amount"] == "1.00"


def test_german_structured_86_quirk_reads_the_purpose_and_the_end_to_end_reference() -> None:
    text = page(":61:251124C10,00NTRFNONREF\n:86:166?00SEPA-UEBERWEISUNG?100599?20EREF+INV-2025-0042?21SVWZ+RECHNUN\n"
                "G 42?30COBADEFFXXX?31DE89370400440532013000?32MUSTERFIRMA GMBH")
    (message,) = parse(text, message_type="940").messages
    plain = to_statement(message, document_id="d", index=0, source=SOURCE).value.entries[0]
    assert plain.remittance is None
    entry = to_statement(message, document_id="d", index=0, source=SOURCE,
                         quirks=["mt940.german_structured_86"]).value.entries[0]
    assert entry.end_to_end_id == "INV-2025-0042"
    assert entry.remittance is not None and entry.remittance.unstructured == ("RECHNUNG 42",)
    assert entry.information == plain.information                       # the :86: itself stays whole
    assert german_structured_86(plain.model_copy(update={"information": "FREE TEXT"})).remittance is None
    with pytest.raises(ValueError, match="unknown MT940 quirk"):
        to_statement(message, document_id="d", index=0, source=SOURCE, quirks=["no.such.quirk"])
