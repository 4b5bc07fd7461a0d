"""Round trips of MT940 statements (STYLE rule 9), with hypothesis.

1. parse∘render: a canonical statement MT940 can carry, written with `from_statement` (on
   as many pages as its size needs) and read back with `to_statement` + `join_pages`, is
   the same statement, with no loss and no issue.
2. render∘parse: an MT940 in canonical form (CRLF, amounts with the currency's decimals,
   balances that add up), read and written again, is the same text.
3. Arbitrary text never makes the reader or the validator raise.
"""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.canonical import Account, Agent, Amount, Balance, Entry, Source, Statement, statement_id_for
from schemas.codes import currency_exponent
from translators.swift.blocks import format_message, parse
from translators.swift.statements import RULES_BY_SPEC, check_continuity, from_statement, join_pages, to_statement
from translators.swift.validate import validate_message
from translators.swift.values import format_amount

SENDER, RECEIVER = "COBADEFFXXX", "BANKDEFFXXX"
SOURCE = Source(channel="cli", sender="property", format="mt940", received_at=datetime(2025, 11, 24, tzinfo=UTC))
X_CHARS = string.ascii_letters + string.digits + "/-?:().,'+ "
LINE_START = string.ascii_uppercase + string.digits + "(?.,'+/"       # a text-block line never starts with : or -
CURRENCIES = ("EUR", "USD", "JPY", "KWD")
ACCOUNTS = ("DE89370400440532013000", "GB29NWBK60161331926819", "0532013000", "12345678/0001234567")
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def x_text(min_size: int, max_size: int, *, first: str = X_CHARS) -> st.SearchStrategy[str]:
    return st.builds(lambda head, tail: head + tail, st.sampled_from(first),
                     st.text(X_CHARS, min_size=min_size - 1, max_size=max_size - 1))


def reference() -> st.SearchStrategy[str]:
    """A `:20:`/`:21:` 16x that keeps the T26 slash rule."""
    return x_text(1, 16).filter(lambda text: "//" not in text and not text.startswith("/") and not text.endswith("/"))


def owner_reference(servicer: bool) -> st.SearchStrategy[str]:
    """16x without `//` (which starts the servicer's reference) nor, before one, a trailing `/`."""
    return x_text(1, 16).filter(lambda text: "//" not in text and not (servicer and text.endswith("/")))


@st.composite
def entries(draw: st.DrawFn, currency: str) -> Entry:
    exponent = currency_exponent(currency) or 0
    value_date = draw(st.dates(date(2001, 1, 20), date(2078, 12, 10)))
    offset = draw(st.none() | st.integers(-40, 40))
    servicer = draw(st.none() | x_text(1, 16))
    owner = draw(st.none() | owner_reference(servicer is not None).filter(lambda text: text != "NONREF"))
    information = draw(st.none() | st.lists(x_text(1, 65, first=LINE_START), min_size=1, max_size=6).map("\n".join))
    return Entry(
        amount=Amount(value=Decimal(draw(st.integers(0, 10**11))).scaleb(-exponent), currency=currency),
        credit=draw(st.booleans()), reversal=draw(st.booleans()), value_date=value_date,
        booking_date=None if offset is None else value_date + timedelta(days=offset),
        funds_code=draw(st.none() | st.sampled_from(string.ascii_uppercase)),
        bank_transaction_code=draw(st.sampled_from(("NTRF", "NMSC", "FCHG", "S103", "S202", "NCHK", "F1A2"))),
        account_owner_reference=owner, account_servicer_reference=servicer,
        additional_info=draw(st.none() | x_text(1, 34, first=LINE_START)), information=information)


def balance(type_code: str, value: Decimal, currency: str, when: date) -> Balance:
    return Balance(type_code=type_code, amount=Amount(value=abs(value), currency=currency), credit=value >= 0,
                   date=when)


@st.composite
def statements(draw: st.DrawFn) -> Statement:
    currency = draw(st.sampled_from(CURRENCIES))
    exponent = currency_exponent(currency) or 0
    items = draw(st.lists(entries(currency), max_size=12))
    sequence = draw(st.none() | st.sampled_from(("1", "001", "00001")))
    if sequence is None:
        items = items[:2]                 # one page: `:28C:` without a page number stays so
    opening = Decimal(draw(st.integers(-(10**11), 10**11))).scaleb(-exponent)
    closing = opening + sum((e.amount.value if e.credit else -e.amount.value for e in items), Decimal(0))
    when = draw(st.dates(date(2001, 1, 1), date(2078, 12, 31)))
    balances = [balance("OPBD", opening, currency, when - timedelta(days=1)), balance("CLBD", closing, currency, when)]
    if draw(st.booleans()):
        balances.append(balance("CLAV", closing, currency, when))
    balances += [balance("FWAV", closing, currency, when + timedelta(days=day))
                 for day in range(1, draw(st.integers(0, 3)) + 1)]
    return Statement(
        statement_id=statement_id_for("roundtrip", 0), document_id="roundtrip", source=SOURCE, message_type="mt940",
        reference=draw(reference()), related_reference=draw(st.none() | reference()),
        account=Account(id=(account := draw(st.sampled_from(ACCOUNTS))), scheme="IBAN" if account[:2].isalpha()
                        else ""),
        account_servicer=Agent(bic=SENDER), statement_number=draw(st.from_regex(r"[0-9]{1,5}", fullmatch=True)),
        sequence_number=sequence, balances=tuple(balances), entries=tuple(items),
        information=draw(st.none() | st.lists(x_text(1, 65, first=LINE_START), min_size=1, max_size=6)
                         .map("\n".join)))


@PROPERTY
@given(statements(), st.integers(700, 2_000))
def test_statement_written_and_read_back_is_the_same(statement: Statement, max_chars: int) -> None:
    written = from_statement(statement, sender_bic=SENDER, receiver_bic=RECEIVER, max_chars=max_chars)
    assert written.issues == () and written.losses == ()
    pages = []
    for text in written.value:
        (message,) = parse(text.encode()).messages
        assert len(message.block("4").content) <= max_chars  # type: ignore[union-attr]
        assert validate_message(message, rules=RULES_BY_SPEC) == []
        read = to_statement(message, document_id="roundtrip", index=0, source=SOURCE)
        assert read.issues == () and read.losses == ()
        pages.append(read.value)
    assert check_continuity(pages) == []
    assert join_pages(pages) == statement


@st.composite
def canonical_mt940(draw: st.DrawFn) -> str:
    """One page, as `from_statement` writes it, built field by field."""
    currency = draw(st.sampled_from(CURRENCIES))
    exponent = currency_exponent(currency) or 0
    fields = [("20", draw(reference()))]
    if draw(st.booleans()):
        fields.append(("21", draw(reference())))
    fields.append(("25", draw(st.sampled_from(ACCOUNTS))))
    number = draw(st.from_regex(r"[0-9]{1,5}(/[0-9]{0,4}[1-9])?", fullmatch=True))
    fields.append(("28C", number))
    continuation = "/" in number and int(number.partition("/")[2]) > 1      # a later page opens with 60M
    running = Decimal(draw(st.integers(-(10**11), 10**11))).scaleb(-exponent)
    when = draw(st.dates(date(2001, 1, 1), date(2078, 12, 31)))

    def balance_text(value: Decimal, day: date) -> str:
        return f"{'C' if value >= 0 else 'D'}{day:%y%m%d}{currency}{format_amount(abs(value), currency)}"

    fields.append(("60M" if continuation else "60F", balance_text(running, when - timedelta(days=1))))
    for _ in range(draw(st.integers(0, 3))):
        amount = Decimal(draw(st.integers(0, 10**11))).scaleb(-exponent)
        mark = draw(st.sampled_from(("C", "D", "RC", "RD")))
        running += amount if mark in ("C", "RD") else -amount
        value_date = draw(st.dates(date(2001, 1, 20), date(2078, 12, 10)))
        offset = draw(st.none() | st.integers(-40, 40))
        entry_date = "" if offset is None else f"{value_date + timedelta(days=offset):%m%d}"
        funds = draw(st.sampled_from(("", "R", "D", "C")))
        servicer = draw(st.none() | x_text(1, 16))
        line = (f"{value_date:%y%m%d}{entry_date}{mark}{funds}{format_amount(amount, currency)}"
                f"{draw(st.sampled_from(('NTRF', 'S103', 'FCHG')))}{draw(owner_reference(servicer is not None))}")
        line += f"//{servicer}" if servicer else ""
        details = draw(st.none() | x_text(1, 34, first=LINE_START))
        fields.append(("61", line + (f"\n{details}" if details else "")))
        if draw(st.booleans()):
            fields.append(("86", "\n".join(draw(st.lists(x_text(1, 65, first=LINE_START), min_size=1, max_size=6)))))
    fields.append(("62F", balance_text(running, when)))
    if draw(st.booleans()):
        fields.append(("64", balance_text(running, when)))
    return format_message("940", SENDER, RECEIVER, fields)


@PROPERTY
@given(canonical_mt940())
def test_canonical_mt940_read_and_written_again_is_the_same_text(text: str) -> None:
    (message,) = parse(text.encode()).messages
    assert validate_message(message, rules=RULES_BY_SPEC) == []
    read = to_statement(message, document_id="roundtrip", index=0, source=SOURCE)
    assert read.issues == () and read.losses == ()
    written = from_statement(read.value, sender_bic=SENDER, receiver_bic=RECEIVER, max_chars=10_000)
    assert written.issues == () and written.losses == ()
    assert written.value == [text]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from((":20:", ":25:", ":28C:", ":60F:", ":60M:", ":61:", ":86:", ":62F:", ":62M:",
                                 ":64:", ":65:", "\n", "-", "C", "D", "RC", "RD", "251124", "1124", "EUR", "JPY",
                                 "10,00", "1,", ",", "NTRF", "NONREF", "//", "/", "{", "}", "é", " ", "0229")),
                max_size=60).map("".join))
def test_arbitrary_statement_text_never_raises(text: str) -> None:
    for message in parse(text, message_type="940").messages:
        validate_message(message, rules=RULES_BY_SPEC)
        to_statement(message, document_id="fuzz", index=message.index, source=SOURCE)
