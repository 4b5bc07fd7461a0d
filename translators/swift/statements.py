"""MT940 and MT950 statements to and from the canonical `Statement` (DOMAIN §1.8, §3.3, §8.11, §8.41-8.42).

One FIN message (one page) is one canonical `Statement`. The mapping, field by field:

    :20: / :21:          reference / related_reference
    :25:                 account: an IBAN (schwifty-valid) or another id; in `BIC/account`
                         form the BIC is the account_servicer
    :25P:                its account as :25:; its BIC is the account *owner's* (SWIFT MT940
                         field 25a), which the canonical model has no place for: a Loss
    sender (block 1/2)   account_servicer when :25: names no bank; none for a bare text block
    :28C:                statement_number, sequence_number, as written (00123, 001)
    :60F: / :60M:        first balance: OPBD / ITBD
    :62F: / :62M:        second balance: CLBD / ITBD
    :64:, each :65:      CLAV, FWAV
    :61:                 an Entry: value date; entry date (year inferred across the year end);
                         C/D/RC/RD as credit + reversal (RC: credit=False, reversal=True);
                         funds code; amount in the statement currency (the first readable 60a,
                         else 62a), with its ISO 4217 decimals;
                         type id (NTRF) as bank_transaction_code; owner reference (NONREF ->
                         None); servicer reference; supplementary details as additional_info
    :86: after a :61:    that entry's information, whole
    :86: after :62a:     the statement's information

`to_statement` never raises: what it cannot read (a field the validator rejects) is left
out with an `mt9.unmapped` issue; validate first (`validate_message(m, rules=RULES_BY_SPEC)`).
A clean page (`statements_page.py`: nothing for the validator to report) is read once for
both: `to_statement` then builds its entries from that reading, with the same result.
`from_statement` (`statements_render.py`) writes statements back, `check_continuity`
(`statements_continuity.py`) checks pages and statements of a file or stream against each
other, and `RULES_BY_SPEC` (`statements_rules.py`) holds the single-page rules; all four
are importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from schemas.canonical import Account, Agent, Balance, Entry, Source, Statement, statement_id_for
from schemas.codes import currency_exponent
from schemas.issues import Issue
from translators.base import Loss, Translated
from translators.iso20022.common import bic_problem, iban_problem
from translators.swift.fields import statement_line_components
from translators.swift.model import Field, FinMessage, swift_issue
from translators.swift.mt940_quirks import apply_quirks
from translators.swift.notation import NotationError
from translators.swift.statements_continuity import ContinuityChecker, check_continuity
from translators.swift.statements_fields import (
    BALANCE_TYPE_OF_TAG,
    NO_REFERENCE,
    booked_balances,
    closing_balance,
    entry_date,
    money_value_in,
    opening_balance,
    read_balance,
    read_statement_number,
    statement_date,
    to_balance,
)
from translators.swift.statements_page import StatementPage, statement_page
from translators.swift.statements_render import MAX_STATEMENT_CHARACTERS, from_statement
from translators.swift.statements_rules import RULES_BY_SPEC

__all__ = [
    "MAX_STATEMENT_CHARACTERS",
    "RULES_BY_SPEC",
    "ContinuityChecker",
    "check_continuity",
    "from_statement",
    "join_pages",
    "to_statement",
]

_issue = swift_issue
NO_CURRENCY: Final = "XXX"          # ISO 4217 "no currency": entries of a statement without a readable balance
_ENTRY: Final = Entry.model_validate
_CREDIT_MARKS: Final = frozenset(("C", "RD", "EC"))     # as StatementLine.is_credit
_REVERSAL_MARKS: Final = frozenset(("RC", "RD"))        # as StatementLine.is_reversal


def message_type_id(message: FinMessage) -> str:
    """`mt950` for an MT950, `mt940` otherwise (a bare statement is an MT940 unless declared)."""
    return "mt950" if message.message_type == "950" else "mt940"


@dataclass
class _Reading:
    """What `to_statement` collects while it walks the fields of one page."""

    message: FinMessage
    losses: list[Loss] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    balances: list[Balance] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    entry_issues: list[Issue] = field(default_factory=list)      # reported after the account check, as before
    currency: str | None = None
    exponent: int | None = None                                  # ISO 4217 decimals of `currency`
    reference: str | None = None
    related_reference: str | None = None
    account: Account | None = None
    account_servicer: Agent | None = None
    statement_number: str | None = None
    sequence_number: str | None = None
    information: str | None = None

    def unmapped(self, item: Field, what: str) -> None:
        self.issues.append(_unmapped(item, what))


def to_statement(message: FinMessage, *, document_id: str, index: int, source: Source,
                 quirks: Sequence[str] = ()) -> Translated[Statement]:
    """An MT940/MT950 page as a canonical `Statement` (DOMAIN §3.3); never raises.

    `quirks` names bank quirks to apply (`mt940_quirks.QUIRKS`), as the sender's profile
    lists them (STYLE rule 17); an unknown name is a ValueError (a configuration error).
    """
    fields = message.fields
    page = statement_page(message, "950" if message.message_type == "950" else "940")
    if page is None:
        currency = _statement_currency(message)
        reading = _Reading(message, currency=currency, exponent=currency_exponent(currency) if currency else None)
        _read_fields(reading, fields)
    else:                                             # a clean page: its lines as read once for the whole page
        reading = _Reading(message, currency=page.currency, exponent=page.exponent)
        _read_fields(reading, fields[:page.start])
        reading.entries = _page_entries(page)
        _read_fields(reading, fields[page.end:])
    account = reading.account
    if account is None:
        account = Account(id="", scheme="")
        reading.issues.append(_issue("mt9.unmapped", "the statement has no readable account (:25:)", ":25:"))
    reading.issues.extend(reading.entry_issues)
    servicer = reading.account_servicer
    if servicer is None and message.sender_bic is not None:
        servicer = Agent(bic=message.sender_bic)
    entries = apply_quirks(reading.entries, quirks)
    statement = Statement(
        statement_id=statement_id_for(document_id, index), document_id=document_id, index=index, source=source,
        message_type=message_type_id(message), reference=reading.reference,
        related_reference=reading.related_reference, account=account, account_servicer=servicer,
        statement_number=reading.statement_number, sequence_number=reading.sequence_number,
        balances=tuple(reading.balances), entries=tuple(entries), information=reading.information)
    return Translated(statement, tuple(reading.losses), tuple(reading.issues))


def _read_fields(reading: _Reading, fields: Sequence[Field]) -> None:
    """Each field into `reading`, in order (the whole page, or the fields around a clean page's lines)."""
    count = len(fields)
    previous = ""
    closed = False
    for position, item in enumerate(fields):
        tag = item.tag
        if tag == "61":
            following = fields[position + 1] if position + 1 < count else None
            _entry(reading, item, following.value if following is not None and following.tag == "86" else None)
        elif tag == "86":
            if previous != "61":                      # else: taken by its :61: (or part of one left unmapped)
                _information(reading, item, closed)
        elif tag in BALANCE_TYPE_OF_TAG:
            _balance(reading, item)
            closed = closed or tag[:2] == "62"
        elif tag == "20":
            reading.reference = item.value
        elif tag == "21":
            reading.related_reference = item.value
        elif tag in ("25", "25P"):
            _account(reading, item)
        elif tag == "28C":
            numbers = read_statement_number(item.value)
            if numbers is None:
                reading.unmapped(item, ":28C: statement number")
            else:
                reading.statement_number, reading.sequence_number = numbers
        else:
            reading.losses.append(Loss(f":{tag}:", "", f"field :{tag}: is not part of MT940/MT950"))
        previous = tag


def _page_entries(page: StatementPage) -> list[Entry]:
    """The entries of a clean page: as `_entry` makes them, from components already known to be right (valid
    dates, amounts read as `money_value_in` reads them)."""
    currency = page.currency
    make = Entry.__pydantic_validator__.validate_python        # what Entry.model_validate calls
    entries = []
    for parts, information, value, (value_date, booking_date) in zip(page.lines, page.information, page.amounts,
                                                                     page.dates, strict=True):
        _, _, mark, funds_code, _, transaction_type, owner, servicer, details = parts
        entries.append(make({
            "amount": {"value": value, "currency": currency},
            "credit": mark in _CREDIT_MARKS, "reversal": mark in _REVERSAL_MARKS,
            "booking_date": booking_date,
            "value_date": value_date, "funds_code": funds_code, "bank_transaction_code": transaction_type,
            "account_owner_reference": None if owner == NO_REFERENCE else owner,
            "account_servicer_reference": servicer, "additional_info": details, "information": information}))
    return entries


def _statement_currency(message: FinMessage) -> str | None:
    """The currency of the statement lines: that of the first readable 60a, else 62a, else 64/65 (C27 makes
    them share a currency; a :61: has none of its own)."""
    found: dict[str, str] = {}
    for item in message.fields:
        if item.tag in BALANCE_TYPE_OF_TAG and item.tag[:2] not in found:
            balance = read_balance(item.value)
            if balance is not None:
                found[item.tag[:2]] = balance.currency
    return next((found[number] for number in ("60", "62", "64", "65") if number in found), None)


def _balance(reading: _Reading, item: Field) -> None:
    found = read_balance(item.value)
    balance = to_balance(BALANCE_TYPE_OF_TAG[item.tag], found) if found is not None else None
    if balance is None:
        reading.unmapped(item, f":{item.tag}: balance")
        return
    reading.balances.append(balance)


def _account(reading: _Reading, item: Field) -> None:
    text, _, owner_bic = item.value.partition("\n")
    if owner_bic:
        reading.losses.append(Loss(":25P:", "the account", "the :25P: identifier code names the account owner; "
                                   "the canonical statement has no account owner"))
    bank, slash, rest = text.partition("/")
    if slash and rest and len(bank) in (8, 11) and bic_problem(bank) is None:
        reading.account_servicer = Agent(bic=bank)
        text = rest
    reading.account = Account(id=text) if iban_problem(text) is None else Account(id=text, scheme="")


def _entry(reading: _Reading, item: Field, information: str | None) -> None:
    """The `:61:` as an `Entry`, with the `:86:` that follows it; issues on its dates wait in `entry_issues`."""
    parts = statement_line_components(item.value)     # the subfields, as `StatementLine` holds them
    if parts.__class__ is NotationError:
        reading.unmapped(item, ":61: statement line")
        return
    assert not isinstance(parts, NotationError)
    (value_text, entry_text, mark, funds_code, amount, transaction_type, owner, servicer, details) = parts
    assert value_text is not None and amount is not None
    currency = reading.currency
    if currency is None:
        reading.currency = currency = NO_CURRENCY           # reported once, for the first :61:
        reading.exponent = currency_exponent(NO_CURRENCY)
        reading.issues.append(_issue("mt9.unmapped", f"the statement has no readable balance: the currency of the "
                                     f":61: on line {item.line} and later ones is unknown ({NO_CURRENCY} used)",
                                     ":61:"))
    value_date = statement_date(value_text)
    booking_date = None
    if value_date is None:
        reading.entry_issues.append(_unmapped(item, ":61: value date"))
    elif entry_text is not None:
        booking_date = entry_date(value_date, entry_text)
        if booking_date is None:
            reading.entry_issues.append(_unmapped(item, ":61: entry date"))
    # One validation of the whole entry, its amount included (pydantic builds the nested Amount).
    reading.entries.append(_ENTRY({
        "amount": {"value": money_value_in(amount, reading.exponent), "currency": currency},
        "credit": mark in _CREDIT_MARKS, "reversal": mark in _REVERSAL_MARKS, "booking_date": booking_date,
        "value_date": value_date, "funds_code": funds_code, "bank_transaction_code": transaction_type,
        "account_owner_reference": None if owner == NO_REFERENCE else owner,
        "account_servicer_reference": servicer, "additional_info": details, "information": information}))


def _unmapped(item: Field, what: str) -> Issue:
    return _issue("mt9.unmapped", f"the {what} on line {item.line} cannot be read; it is left out of the statement "
                  "(see the validation issues)", f":{item.tag}:")


def _information(reading: _Reading, item: Field, closed: bool) -> None:
    if closed:
        current = reading.information
        reading.information = item.value if current is None else f"{current}\n{item.value}"
        return
    reading.losses.append(Loss(":86:", "", f"the :86: on line {item.line} belongs to no statement line (C24)"))


def join_pages(pages: Sequence[Statement]) -> Statement:
    """The pages of one statement as one: the first page's identity and opening balance, every entry in
    order, the last page's closing, available and forward balances and closing information."""
    if not pages:
        raise ValueError("join_pages needs at least one page")
    first, last = pages[0], pages[-1]
    opening, closing = opening_balance(first), closing_balance(last)
    booked = set(map(id, booked_balances(last)))
    balances = [b for b in (opening, closing) if b is not None]
    balances += [b for b in last.balances if id(b) not in booked]
    entries = tuple(entry for page in pages for entry in page.entries)
    return first.model_copy(update={"balances": tuple(balances), "entries": entries,
                                    "information": last.information})
