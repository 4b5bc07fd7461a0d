"""MT940/MT950 statements: golden files, every :61: subfield, page balances, continuity, pagination.

Golden cases are discovered in tests/golden/swift/ (SOURCE.md there says what each shows):
`<name>.fin` (or `.sta`) is read; `<name>.json` holds the expected canonical statements
(MT940/MT950) or `summarise` dicts (MT900/910/199/299); `<name>.out.fin` (`.out.sta`) the
statements written back with `from_statement`. `UPDATE_GOLDEN=1` rewrites the expectations
(refused on CI).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from schemas.canonical import Account, Agent, Amount, Balance, Entry, Source, Statement, statement_id_for
from schemas.issues import Severity
from tests.conftest import ON_CI, ROOT
from translators.swift import mt9xx
from translators.swift.blocks import parse
from translators.swift.fields import StatementLine, parse_statement_line
from translators.swift.model import FinMessage
from translators.swift.statements import (
    MAX_STATEMENT_CHARACTERS,
    RULES_BY_SPEC,
    ContinuityChecker,
    check_continuity,
    from_statement,
    join_pages,
    to_statement,
)
from translators.swift.statements_fields import read_balance
from translators.swift.validate import validate_message
from translators.swift.values import format_amount

GOLDEN = ROOT / "tests" / "golden" / "swift"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
SOURCE = Source(channel="filedrop", sender="golden", format="mt940", received_at=datetime(2025, 12, 31, tzinfo=UTC))
ALL_RULES = {**RULES_BY_SPEC, **mt9xx.RULES_BY_SPEC}
STATEMENT_TYPES = ("940", "950")
STATEMENTS = TypeAdapter(list[Statement])


OWN_TYPES = (*STATEMENT_TYPES, *sorted(mt9xx.MESSAGE_TYPES))       # the folder also holds payment cases


def golden_cases() -> list[Path]:
    inputs = sorted(path for path in GOLDEN.iterdir() if path.suffix in (".fin", ".sta") and ".out." not in path.name)
    return [path for path in inputs if parse(path.read_bytes()).messages[0].message_type in OWN_TYPES]


def expect(path: Path, actual: bytes) -> None:
    """Compare with the golden file byte for byte, or rewrite it under UPDATE_GOLDEN=1."""
    if UPDATE:
        if ON_CI:
            pytest.fail("UPDATE_GOLDEN=1 is refused on CI: expectations change only by a reviewed commit")
        path.write_bytes(actual)
    assert path.exists(), f"{path.name} is missing (run with UPDATE_GOLDEN=1 and check it by hand)"
    assert actual == path.read_bytes(), path.name


def read(message: FinMessage, document_id: str) -> Statement:
    translated = to_statement(message, document_id=document_id, index=message.index, source=SOURCE)
    assert translated.issues == () and translated.losses == ()
    return translated.value


@pytest.mark.parametrize("case", golden_cases(), ids=lambda path: path.name)
def test_golden(case: Path) -> None:
    file = parse(case.read_bytes())
    assert file.issues == ()
    for message in file.messages:
        assert validate_message(message, rules=ALL_RULES) == [], f"the golden input {case.name} is clean"
    document_id = f"golden-{case.stem}"
    if file.messages[0].message_type not in STATEMENT_TYPES:
        summaries = [mt9xx.summarise(message) for message in file.messages]
        expect(case.with_suffix(".json"), (json.dumps(summaries, indent=2) + "\n").encode())
        return
    statements = [read(message, document_id) for message in file.messages]
    expect(case.with_suffix(".json"), STATEMENTS.dump_json(statements, indent=2) + b"\n")
    pages = []
    for message, statement in zip(file.messages, statements, strict=True):
        written = from_statement(statement, sender_bic=message.sender_bic, receiver_bic=message.receiver_bic,
                                 message_type=statement.message_type)
        assert written.issues == () and written.losses == ()
        pages += written.value
    separator = "" if file.messages[0].headerless else "\r\n"
    rendered = separator.join(pages) + separator
    expect(case.with_suffix(".out" + case.suffix), rendered.encode())
    again = parse(rendered.encode())
    assert [read(message, document_id) for message in again.messages] == statements
    assert check_continuity(statements) == []


def test_multipage_golden_joins_into_one_statement_that_balances() -> None:
    file = parse((GOLDEN / "mt940-multipage.fin").read_bytes())
    pages = [read(message, "multi") for message in file.messages]
    joined = join_pages(pages)
    assert [balance.type_code for balance in joined.balances] == ["OPBD", "CLBD", "CLAV"]
    assert len(joined.entries) == 5
    total = sum((e.amount.value if e.credit else -e.amount.value for e in joined.entries), Decimal(0))
    assert Decimal("5000.00") + total == Decimal("25.25")
    assert [page.balances[1].credit for page in pages[:2]] == [True, False]   # 62M C5900,00 then D50,00


# --- :61: subfields ---------------------------------------------------------------------------------

def page(*lines: str, opening: str = "C251123EUR100,00", closing: str | None = None, number: str = "1/1") -> FinMessage:
    """A bare MT940 page around the given :61:/:86: lines; the closing balance adds up unless given."""
    text = f":20:R\n:25:X\n:28C:{number}\n:60F:{opening}\n" + "".join(f"{line}\n" for line in lines)
    if closing is None:
        start = read_balance(opening)
        assert start is not None
        total = start.signed
        for line in lines:
            if line.startswith(":61:"):
                read = parse_statement_line(line[4:])
                assert isinstance(read, StatementLine)
                total += read.amount_value if read.is_credit else -read.amount_value
        mark = "C" if total >= 0 else "D"
        closing = f"{mark}251124{start.currency}{format_amount(abs(total), start.currency)}"
    return parse(text + f":62F:{closing}\n-\n", message_type="940").messages[0]


def entry_of(line: str, *more: str) -> Entry:
    message = page(line, *more)
    assert validate_message(message, rules=RULES_BY_SPEC) == []
    translated = to_statement(message, document_id="d", index=0, source=SOURCE)
    assert translated.issues == ()
    (entry,) = translated.value.entries
    return entry


@pytest.mark.parametrize(("line", "expected"), [
    # value date only, no entry date
    (":61:251124C10,00NTRFNONREF", {"value_date": date(2025, 11, 24), "booking_date": None}),
    # entry date in the value date's year
    (":61:2511241125C10,00NTRFNONREF", {"booking_date": date(2025, 11, 25)}),
    # across the year end: booked 31 December, value 2 January
    (":61:2601021231C10,00NTRFNONREF", {"value_date": date(2026, 1, 2), "booking_date": date(2025, 12, 31)}),
    # and the other way: value 31 December, booked 2 January
    (":61:2512310102C10,00NTRFNONREF", {"value_date": date(2025, 12, 31), "booking_date": date(2026, 1, 2)}),
    # D/C marks: RC is a debit that reverses a credit, RD a credit that reverses a debit (DOMAIN §8.42)
    (":61:251124C10,00NTRFNONREF", {"credit": True, "reversal": False}),
    (":61:251124D10,00NTRFNONREF", {"credit": False, "reversal": False}),
    (":61:251124RC10,00NTRFNONREF", {"credit": False, "reversal": True, "funds_code": None}),
    (":61:251124RD10,00NTRFNONREF", {"credit": True, "reversal": True, "funds_code": None}),
    # funds code: CR + digits is credit with funds code R, never RC (DOMAIN §1.8)
    (":61:251124CR10,00NTRFNONREF", {"credit": True, "reversal": False, "funds_code": "R"}),
    (":61:251124RDR10,00NTRFNONREF", {"credit": True, "reversal": True, "funds_code": "R"}),
    # amount: trailing comma, one decimal, both read with the currency's two decimals
    (":61:251124C1000,NTRFNONREF", {"amount": Amount(value=Decimal("1000.00"), currency="EUR")}),
    (":61:251124C0,5NTRFNONREF", {"amount": Amount(value=Decimal("0.50"), currency="EUR")}),
    # transaction type identification: N + code, F + code (first advice), S + MT
    (":61:251124C10,00NTRFNONREF", {"bank_transaction_code": "NTRF"}),
    (":61:251124D10,00NMSCNONREF", {"bank_transaction_code": "NMSC"}),
    (":61:251124D10,00FCHGNONREF", {"bank_transaction_code": "FCHG"}),
    (":61:251124C10,00S103NONREF", {"bank_transaction_code": "S103"}),
    # references: NONREF is no reference; // starts the servicer's
    (":61:251124C10,00NTRFNONREF", {"account_owner_reference": None, "account_servicer_reference": None}),
    (":61:251124C10,00NTRFINV-42", {"account_owner_reference": "INV-42", "account_servicer_reference": None}),
    (":61:251124C10,00NTRFNONREF//BANK-1", {"account_owner_reference": None, "account_servicer_reference": "BANK-1"}),
    (":61:251124C10,00NTRFA/B//C/D", {"account_owner_reference": "A/B", "account_servicer_reference": "C/D"}),
    (":61:251124C10,00NTRF1234567890123456//1234567890123456",
     {"account_owner_reference": "1234567890123456", "account_servicer_reference": "1234567890123456"}),
    # supplementary details on the second line
    (":61:251124C10,00NTRFNONREF//B1\nSUPPLEMENTARY, 34 CHARACTERS AT MO",
     {"additional_info": "SUPPLEMENTARY, 34 CHARACTERS AT MO", "account_servicer_reference": "B1"}),
])
def test_statement_line_subfields(line: str, expected: dict[str, object]) -> None:
    entry = entry_of(line)
    assert {name: getattr(entry, name) for name in expected} == expected


def test_amounts_take_the_currency_decimals() -> None:
    for currency, written, value in (("JPY", "1000,", "1000"), ("KWD", "1,5", "1.500"), ("EUR", "7,", "7.00")):
        message = page(":61:251124C" + written + "NTRFNONREF", opening=f"C251123{currency}0,")
        assert validate_message(message, rules=RULES_BY_SPEC) == []
        statement = to_statement(message, document_id="d", index=0, source=SOURCE).value
        assert str(statement.entries[0].amount.value) == value
        assert str(statement.balances[1].amount.value) == value


def test_information_86_is_kept_whole_with_its_lines_and_spaces() -> None:
    text = "\n".join(["/EREF/E2E-1/REMI/FIRST LINE  ", " SECOND STARTS WITH A SPACE", "3", "4", "5", "X" * 65])
    entry = entry_of(":61:251124C10,00NTRFNONREF", ":86:" + text)
    assert entry.information == text


def test_closing_86_belongs_to_the_statement() -> None:
    message = parse(":20:R\n:25:X\n:28C:1\n:60F:C251123EUR1,00\n:61:251124C1,00NTRFNONREF\n:86:ENTRY\n"
                    ":62F:C251124EUR2,00\n:86:WHOLE STATEMENT\nSECOND LINE\n-\n", message_type="940").messages[0]
    statement = to_statement(message, document_id="d", index=0, source=SOURCE).value
    assert statement.entries[0].information == "ENTRY"
    assert statement.information == "WHOLE STATEMENT\nSECOND LINE"


def test_25_with_a_bic_names_the_servicing_bank_and_25p_loses_the_owner_bic() -> None:
    message = parse(":20:R\n:25:COBADEFFXXX/0532013000\n:28C:1\n:60F:C251123EUR1,00\n:62F:C251124EUR1,00\n-\n",
                    message_type="940").messages[0]
    statement = to_statement(message, document_id="d", index=0, source=SOURCE).value
    assert statement.account == Account(id="0532013000", scheme="")
    assert statement.account_servicer == Agent(bic="COBADEFFXXX")
    message = parse(":20:R\n:25P:DE89370400440532013000\nBANKDEFFXXX\n:28C:1\n:60F:C251123EUR1,00\n"
                    ":62F:C251124EUR1,00\n-\n", message_type="940").messages[0]
    translated = to_statement(message, document_id="d", index=0, source=SOURCE)
    assert translated.value.account == Account(id="DE89370400440532013000")
    assert [loss.path for loss in translated.losses] == [":25P:"]


# --- balances, per page and per currency -------------------------------------------------------------

def rules_of(message: FinMessage) -> list[tuple[str, str, str]]:
    return [(issue.rule, issue.path, issue.message) for issue in validate_message(message, rules=RULES_BY_SPEC)]


def test_opening_plus_entries_is_the_closing_balance_rc_a_debit_rd_a_credit() -> None:
    lines = (":61:251124C100,00NTRFNONREF", ":61:251124RC30,00NTRFNONREF", ":61:251124RD5,00NTRFNONREF",
             ":61:251124D0,50NCHGNONREF")
    assert rules_of(page(*lines, closing="C251124EUR174,50")) == []
    ((rule, path, message),) = rules_of(page(*lines, closing="C251124EUR234,50"))
    assert (rule, path) == ("mt9.balance", ":62F:")
    assert "gives C 174,50 EUR" in message and "found C 234,50 EUR" in message and "difference C 60,00 EUR" in message


def test_a_debit_balance_is_negative_in_the_arithmetic() -> None:
    assert rules_of(page(":61:251124D150,00NTRFNONREF", opening="C251123EUR100,00",
                         closing="D251124EUR50,00")) == []


def test_each_page_balances_on_its_own_intermediate_balances() -> None:
    page_2 = parse(":20:R\n:25:X\n:28C:5/2\n:60M:C251124EUR10,00\n:61:251124D3,00NTRFNONREF\n"
                   ":62M:C251124EUR7,00\n-\n", message_type="940").messages[0]
    assert rules_of(page_2) == []
    wrong = parse(page_2.text.replace(":62M:C251124EUR7,00", ":62M:C251124EUR8,00"), message_type="940").messages[0]
    assert [rule for rule, _, _ in rules_of(wrong)] == ["mt9.balance"]


def test_balances_in_two_currencies_cannot_be_summed() -> None:
    issues = validate_message(page(":61:251124C1,00NTRFNONREF", closing="C251124USD101,00"), rules=RULES_BY_SPEC)
    assert [(issue.rule, issue.path) for issue in issues] == [("mt9.C27", ":62F:")]
    mixed = validate_message(page(closing="C251124EUX100,00"), rules=RULES_BY_SPEC)
    assert ("mt9.balance", Severity.WARNING) in [(issue.rule, issue.severity) for issue in mixed]


def test_page_balance_options_follow_the_page_number() -> None:
    first_with_60m = parse(":20:R\n:25:X\n:28C:5/1\n:60M:C251124EUR1,00\n:62F:C251124EUR1,00\n-\n",
                           message_type="940").messages[0]
    assert [(rule, path) for rule, path, _ in rules_of(first_with_60m)] == [("mt9.page_balance", ":60M:")]
    later_with_60f = parse(first_with_60m.text.replace("5/1", "5/2").replace("60M", "60F"),
                           message_type="940").messages[0]
    assert [(rule, path) for rule, path, _ in rules_of(later_with_60f)] == [("mt9.page_balance", ":60F:")]


# --- continuity between pages and statements ---------------------------------------------------------

def statement(number: str, sequence: str | None, opening: tuple[str, str], closing: tuple[str, str],
              *, account: str = "DE89370400440532013000", index: int = 0) -> Statement:
    """A page with only balances: (type code, signed amount) for its opening and closing."""
    def balance(type_code: str, amount: str) -> Balance:
        value = Decimal(amount)
        return Balance(type_code=type_code, amount=Amount(value=abs(value), currency="EUR"), credit=value >= 0,
                       date=date(2025, 11, 24))
    total = Decimal(closing[1]) - Decimal(opening[1])
    entries = (Entry(amount=Amount(value=abs(total), currency="EUR"), credit=total >= 0),) if total else ()
    return Statement(statement_id=statement_id_for("c", index), document_id="c", index=index, source=SOURCE,
                     message_type="mt940", account=Account(id=account), statement_number=number,
                     sequence_number=sequence, balances=(balance(*opening), balance(*closing)), entries=entries)


def found(issues: list) -> list[tuple[str, str, Severity]]:  # type: ignore[type-arg]
    return [(issue.rule, issue.path, issue.severity) for issue in issues]


def test_pages_and_statements_that_follow_each_other_raise_nothing() -> None:
    chain = [statement("7", "1", ("OPBD", "10"), ("ITBD", "20"), index=0),
             statement("7", "2", ("ITBD", "20"), ("CLBD", "5"), index=1),
             statement("8", "1", ("OPBD", "5"), ("CLBD", "-3"), index=2),
             statement("9", None, ("OPBD", "-3"), ("CLBD", "0"), index=3)]
    assert check_continuity(chain) == []


def test_a_missing_page_is_a_gap_warning() -> None:
    issues = check_continuity([statement("7", "1", ("OPBD", "10"), ("ITBD", "20")),
                               statement("7", "3", ("ITBD", "20"), ("CLBD", "5"), index=1)])
    assert found(issues) == [("mt9.gap", "statement 2", Severity.WARNING)]
    assert "pages 2 to 2 are missing" in issues[0].message


def test_a_balance_not_carried_to_the_next_page_is_an_error() -> None:
    issues = check_continuity([statement("7", "1", ("OPBD", "10"), ("ITBD", "20")),
                               statement("7", "2", ("ITBD", "21"), ("CLBD", "5"), index=1)])
    assert found(issues) == [("mt9.continuity", "statement 2/:60M:", Severity.ERROR)]
    assert "opens with C 21,00 EUR" in issues[0].message and "closed with C 20,00 EUR" in issues[0].message


def test_a_balance_not_carried_to_the_next_statement_is_an_error() -> None:
    issues = check_continuity([statement("7", None, ("OPBD", "10"), ("CLBD", "20")),
                               statement("8", None, ("OPBD", "-20"), ("CLBD", "5"), index=1)])
    assert found(issues) == [("mt9.continuity", "statement 2/:60F:", Severity.ERROR)]


def test_a_wrong_28c_statement_number_on_a_continuation_page() -> None:
    issues = check_continuity([statement("7", "1", ("OPBD", "10"), ("ITBD", "20")),
                               statement("6", "2", ("ITBD", "20"), ("CLBD", "5"), index=1)])
    assert [rule for rule, _, _ in found(issues)] == ["mt9.gap", "mt9.gap", "mt9.gap"]
    messages = " ".join(issue.message for issue in issues)
    assert "closes with 62M" in messages and "pages 1 to 1 are missing" in messages and "out of order" in messages


def test_statement_numbers_compare_as_numbers_and_jumps_are_gaps() -> None:
    assert check_continuity([statement("00007", "001", ("OPBD", "1"), ("ITBD", "2")),
                             statement("7", "2", ("ITBD", "2"), ("CLBD", "2"), index=1)]) == []
    issues = check_continuity([statement("7", None, ("OPBD", "1"), ("CLBD", "2")),
                               statement("10", None, ("OPBD", "2"), ("CLBD", "2"), index=1)])
    assert found(issues) == [("mt9.gap", "statement 2", Severity.WARNING)]
    assert "2 statement(s) missing" in issues[0].message


def test_a_page_after_the_final_page_and_an_unfinished_statement() -> None:
    after_final = check_continuity([statement("7", "1", ("OPBD", "1"), ("CLBD", "2")),
                                    statement("7", "2", ("ITBD", "2"), ("CLBD", "2"), index=1)])
    assert [issue.rule for issue in after_final] == ["mt9.gap"] and "after its final page" in after_final[0].message
    checker = ContinuityChecker()
    assert checker.add(statement("7", "1", ("OPBD", "1"), ("ITBD", "2"))) == []
    (unfinished,) = checker.finish()
    assert unfinished.rule == "mt9.gap" and "final page is missing" in unfinished.message


def test_accounts_chain_separately() -> None:
    assert check_continuity([statement("7", None, ("OPBD", "1"), ("CLBD", "2")),
                             statement("3", None, ("OPBD", "9"), ("CLBD", "9"), account="OTHER", index=1),
                             statement("8", None, ("OPBD", "2"), ("CLBD", "4"), index=2)]) == []


# --- writing: pagination and what MT cannot carry ---------------------------------------------------

def long_statement(count: int, *, information: str | None = "END OF STATEMENT", forward: int = 0) -> Statement:
    """`count` entries of every shape (reversals, funds codes, references, 6-line :86:), balances that add up."""
    entries = []
    running = Decimal("1000.00")
    for number in range(count):
        amount = Decimal(number * 7919 % 1_000_000 + 1) / 100
        credit = number % 3 != 0
        entries.append(Entry(
            amount=Amount(value=amount, currency="EUR"), credit=credit, reversal=number % 17 == 0,
            value_date=date(2025, 12, 31), booking_date=date(2026, 1, 2) if number % 5 == 0 else date(2025, 12, 31),
            funds_code="R" if number % 13 == 0 else None,
            bank_transaction_code=("NTRF", "NMSC", "FCHG", "S103")[number % 4],
            account_owner_reference=f"INV-{number}" if number % 2 else None,
            account_servicer_reference=f"BANK-{number}" if number % 3 else None,
            additional_info="SUPPLEMENTARY DETAILS" if number % 7 == 0 else None,
            information="\n".join(f"LINE {line} OF ENTRY {number}".ljust(65, ".") for line in range(6))
            if number % 10 == 0 else f"PAYMENT {number}"))
        running += amount if credit else -amount
    balance = Balance(type_code="CLBD", amount=Amount(value=abs(running), currency="EUR"), credit=running >= 0,
                      date=date(2025, 12, 31))
    extra = [balance.model_copy(update={"type_code": "CLAV"})]
    extra += [balance.model_copy(update={"type_code": "FWAV", "date": date(2026, 1, day)}) for day in
              range(1, forward + 1)]
    return Statement(
        statement_id=statement_id_for("long", 0), document_id="long", index=0, source=SOURCE, message_type="mt940",
        reference="STMT-LONG", account=Account(id="DE89370400440532013000"), account_servicer=Agent(bic="COBADEFFXXX"),
        statement_number="00001", sequence_number="1",
        balances=(Balance(type_code="OPBD", amount=Amount(value=Decimal("1000.00"), currency="EUR"), credit=True,
                          date=date(2025, 12, 30)), balance, *extra),
        entries=tuple(entries), information=information)


def written_pages(statement: Statement, **options: object) -> list[FinMessage]:
    written = from_statement(statement, sender_bic="COBADEFFXXX", receiver_bic="BANKDEFFXXX", **options)  # type: ignore[arg-type]
    assert written.issues == () and written.losses == ()
    return [parse(text.encode()).messages[0] for text in written.value]


def test_a_long_statement_is_split_into_pages_that_join_back_into_it() -> None:
    original = long_statement(500)
    pages = written_pages(original)
    assert len(pages) > 10
    for number, message in enumerate(pages, start=1):
        block = message.block("4")
        assert block is not None and len(block.content) <= MAX_STATEMENT_CHARACTERS     # and far below M50's 10,000
        assert _value(message, "28C") == f"00001/{number}"
        last = number == len(pages)
        assert [field.tag for field in message.fields if field.tag[:2] in ("60", "62")] == [
            "60F" if number == 1 else "60M", "62F" if last else "62M"]
        assert validate_message(message, rules=RULES_BY_SPEC) == []
    read_pages = [to_statement(message, document_id="long", index=0, source=SOURCE).value for message in pages]
    assert check_continuity(read_pages) == []
    assert join_pages(read_pages) == original


def _value(message: FinMessage, tag: str) -> str:
    field = message.field(tag)
    assert field is not None
    return field.value


def test_closing_fields_that_do_not_fit_move_to_a_last_page_of_their_own() -> None:
    original = long_statement(30, information="\n".join("CLOSING INFORMATION".ljust(65, "-") for _ in range(6)),
                              forward=5)
    for limit in (700, 900, 1200, MAX_STATEMENT_CHARACTERS):
        pages = written_pages(original, max_chars=limit)
        assert all(len(message.block("4").content) <= limit for message in pages)  # type: ignore[union-attr]
        assert [message.fields[-1].tag for message in pages[-1:]] == ["86"]
        read_pages = [to_statement(message, document_id="long", index=0, source=SOURCE).value for message in pages]
        assert join_pages(read_pages) == original, limit


def test_a_short_statement_keeps_its_28c_as_written() -> None:
    single = long_statement(3).model_copy(update={"statement_number": "42", "sequence_number": None})
    (message,) = written_pages(single)
    assert _value(message, "28C") == "42"
    paged = written_pages(long_statement(60).model_copy(update={"statement_number": "42", "sequence_number": None}))
    assert [_value(message, "28C") for message in paged[:2]] == ["42/1", "42/2"]


def test_what_mt_cannot_express_is_an_issue_and_no_page() -> None:
    statement = long_statement(3)
    in_usd = statement.entries[0].model_copy(update={"amount": Amount(value=Decimal(1), currency="USD")})
    cases = {
        "entries[1]": statement.model_copy(update={"entries": (in_usd, *statement.entries[1:])}),
        "balances": statement.model_copy(update={"entries": statement.entries[1:]}),
        "statement": statement.model_copy(update={"balances": ()}),
    }
    for path, broken in cases.items():
        written = from_statement(broken, sender_bic=None, receiver_bic=None)
        assert written.value == [] and written.issues[0].rule == "mt9.render" and written.issues[0].path == path
    with pytest.raises(ValueError, match="both"):
        from_statement(statement, sender_bic="COBADEFFXXX", receiver_bic=None)
    with pytest.raises(ValueError, match="at least"):
        from_statement(statement, sender_bic=None, receiver_bic=None, max_chars=500)


def test_what_mt_must_shorten_or_replace_is_a_loss() -> None:
    entry = long_statement(1).entries[0].model_copy(update={
        "information": "CAFÉ & CO\n" + "\n".join(["X" * 70] * 6), "account_owner_reference": "A//B",
        "end_to_end_id": "E2E-NOT-IN-MT"})
    statement = long_statement(1).model_copy(update={"entries": (entry,), "created_at": datetime(2025, 12, 31,
                                                                                                tzinfo=UTC)})
    written = from_statement(statement, sender_bic=None, receiver_bic=None)
    assert written.issues == ()
    reasons = " | ".join(f"{loss.path}: {loss.reason}" for loss in written.losses)
    for expected in (":86:[1]: characters outside the SWIFT X set", ":86:[1]: the field holds 6*65x: truncated",
                     ":61:[1]/reference", ":61:[1]/end-to-end id", "created_at"):
        assert expected in reasons
    (text,) = written.value
    assert ":86:CAFE + CO\r\n" in text
    mt950 = from_statement(statement, sender_bic=None, receiver_bic=None, message_type="mt950")
    assert ":86:" not in mt950.value[0] and any("MT950 has no :86:" in loss.reason for loss in mt950.losses)
