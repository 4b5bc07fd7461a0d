"""Writing a canonical `Statement` as MT940 or MT950 pages (DOMAIN §1.8, §3.3, §8.8-8.9).

A statement longer than `max_chars` is split into pages, each its own message: `:28C:`
keeps the statement number and numbers the pages from the statement's sequence number
(1 when it has none); the first page opens with 60F (60M when the statement is itself
a continuation page, its opening balance `ITBD`), later pages with 60M; every page but
the last closes with 62M, the intermediate balance computed from the entries, dated
with the closing balance's date; the last closes with 62F (62M when the closing balance
is `ITBD`), then `:64:`, each `:65:` and the closing `:86:`. `max_chars` counts the text
block as the validator does (block 4 between `{4:` and `}`, CRLF line ends included).

Default 2,000: the statement length SWIFT message standards have long set for
MT940/MT950 pages, far below the 10,000 of a FIN message (M50), which the core validator
enforces. (The 2,000 figure is from the brief and bank format guides; the current SWIFT
Category 9 guide was not available to confirm it.) With `sender_bic` and `receiver_bic`
each page is a full FIN message in input form (`blocks.format_message`); with both
None it is a bare text block ended by a `-` line, as corporate downloads are.

What MT cannot carry is reported as a `Loss` (truncation, characters outside the X set
replaced, DOMAIN §3.4); what it cannot express at all is an `mt9.render` issue and then
no page is written: an entry in another currency, amounts too long for `15d`, no booked
balance, balances that do not add up.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from schemas.canonical import Balance, Statement
from translators.base import Loss, Translated
from translators.swift.blocks import format_message, format_text_block
from translators.swift.statements_fields import (
    CLOSING_AVAILABLE,
    CLOSING_FINAL,
    FORWARD_AVAILABLE,
    INTERMEDIATE,
    OPENING_FIRST,
    booked_balances,
    closing_balance,
    format_balance,
    opening_balance,
    signed,
)
from translators.swift.statements_lines import Fields, TextWriter, entry_fields
from translators.swift.statements_rules import money_text

MAX_STATEMENT_CHARACTERS: Final = 2_000
MIN_STATEMENT_CHARACTERS: Final = 700        # room for the longest header, :61: + 6-line :86: and 62M (~690)
_TEXT_BLOCK_OVERHEAD: Final = 5              # CRLF after {4: and CRLF- before }


def _same_bic(one: str | None, other: str | None) -> bool:
    def normal(bic: str) -> str:
        return bic + "XXX" if len(bic) == 8 else bic
    return one is not None and other is not None and normal(one) == normal(other)


def from_statement(statement: Statement, *, sender_bic: str | None, receiver_bic: str | None,
                   message_type: str = "mt940", max_chars: int = MAX_STATEMENT_CHARACTERS) -> Translated[list[str]]:
    """The statement as MT940 (or MT950) pages, each a FIN message or, without BICs, a bare text block.

    ValueError for a misuse: only one of the BICs, an unknown message type, `max_chars` below
    `MIN_STATEMENT_CHARACTERS`. A statement MT cannot express gives no page and `mt9.render` issues.
    """
    kind = message_type.lower().removeprefix("mt")
    if kind not in ("940", "950"):
        raise ValueError(f"from_statement writes mt940 or mt950, not {message_type!r}")
    if (sender_bic is None) != (receiver_bic is None):
        raise ValueError("give both sender_bic and receiver_bic (a FIN message) or neither (bare text blocks)")
    if max_chars < MIN_STATEMENT_CHARACTERS:
        raise ValueError(f"max_chars must be at least {MIN_STATEMENT_CHARACTERS}")
    writer = TextWriter()
    plan = _plan(statement, kind, sender_bic, writer)
    if plan is None or writer.issues:
        return Translated([], tuple(writer.losses), tuple(writer.issues))
    pages = plan.pages(max_chars, writer)
    if writer.issues:
        return Translated([], tuple(writer.losses), tuple(writer.issues))
    texts = [format_message(kind, sender_bic, receiver_bic, page) if sender_bic is not None and receiver_bic
             is not None else format_text_block(page) + "\r\n-\r\n" for page in pages]
    return Translated(texts, tuple(writer.losses), tuple(writer.issues))


def field_length(tag: str, value: str) -> int:
    """Characters of `:TAG:value` in a text block, each inner line end a CRLF, plus the CRLF after it."""
    return len(tag) + 2 + len(value) + value.count("\n") + 2


_Item = tuple[Fields, Decimal]           # an entry's :61: (+ :86:) fields and its signed amount


def _size(item: _Item) -> int:
    return sum(field_length(tag, value) for tag, value in item[0])


@dataclass
class _Plan:
    """Everything a page needs, rendered once: the header, the entries with their signed amounts, the end."""

    kind: str
    header: Fields
    statement_number: str
    first_page: int
    page_width: int
    numbered: bool
    opening: Balance
    closing: Balance
    entries: list[_Item]
    trailer: Fields

    def _number(self, page: int, pages_known_single: bool) -> str:
        if pages_known_single and not self.numbered:
            return self.statement_number
        return f"{self.statement_number}/{str(page).zfill(self.page_width)}"

    def _balance(self, tag: str, value: Decimal) -> str:
        credit = value >= 0
        balance = Balance(type_code=INTERMEDIATE, amount=self.closing.amount.model_copy(update={"value": abs(value)}),
                          credit=credit, date=self.closing.date)
        return format_balance(balance)

    def pages(self, max_chars: int, writer: TextWriter) -> list[Fields]:
        """Pages of at most `max_chars` (text block), filled in order; the last also holds 62F, 64, 65, 86."""
        limit = max_chars - _TEXT_BLOCK_OVERHEAD
        try:
            groups = self._fill(limit)
        except ValueError as exc:                   # an intermediate balance longer than 15d
            writer.fail("balances", f"an intermediate balance (62M/60M) cannot be written: {exc}")
            return []
        final = field_length("62F", format_balance(self.closing)) + sum(
            field_length(tag, value) for tag, value in self.trailer)
        before = groups[-1]
        start = self._running_before(groups, before)
        if self._length(len(groups), before, start) + final <= limit:
            return self._render(groups)
        # the closing fields do not fit on the last page: a new last page takes them, with as many of the
        # previous page's last entries as fit beside them
        tail: list[_Item] = []
        tail_opening = start + sum((amount for _, amount in before), Decimal(0))
        if self._length(len(groups) + 1, tail, tail_opening) + final > limit:
            writer.fail("statement", f"the closing fields (62F, 64, 65, :86:) do not fit in a page of {max_chars} "
                        "characters")
            return []
        while before:
            item = before[-1]
            if self._length(len(groups) + 1, [item, *tail], tail_opening - item[1]) + final > limit:
                break
            tail.insert(0, before.pop())
            tail_opening -= item[1]
        groups.append(tail)
        return self._render(groups)

    def _fill(self, limit: int) -> list[list[_Item]]:
        """Entries packed greedily: each page with its header, its entries and a 62M within the limit."""
        groups: list[list[_Item]] = []
        current: list[_Item] = []
        running = signed(self.opening)
        used = self._header_length(1, running)
        for item in self.entries:
            size = _size(item)
            closing_size = field_length("62M", self._balance("62M", running + item[1]))
            if current and used + size + closing_size > limit:
                groups.append(current)
                current = []
                used = self._header_length(1 + len(groups), running)
            current.append(item)
            used += size
            running += item[1]
        groups.append(current)
        return groups

    def _running_before(self, groups: list[list[_Item]], group: list[_Item]) -> Decimal:
        """The running balance at the start of `group` (the opening plus every earlier page's entries)."""
        total = signed(self.opening)
        for earlier in groups:
            if earlier is group:
                break
            total += sum((amount for _, amount in earlier), Decimal(0))
        return total

    def _length(self, page: int, items: list[_Item], opening: Decimal) -> int:
        """Header (60a for the balance `opening`) and entries of page `page` (1-based), without its closing."""
        return self._header_length(page, opening) + sum(map(_size, items))

    def _header_length(self, page: int, opening: Decimal) -> int:
        number = self._number(self.first_page + page - 1, False)
        return (sum(field_length(tag, value) for tag, value in self.header) + field_length("28C", number)
                + field_length("60M", self._balance("60M", opening)))

    def _render(self, groups: list[list[_Item]]) -> list[Fields]:
        pages: list[Fields] = []
        running = signed(self.opening)
        for number, group in enumerate(groups):
            last = number == len(groups) - 1
            page: Fields = [*self.header, ("28C", self._number(self.first_page + number, len(groups) == 1))]
            if number == 0:
                tag = "60F" if self.opening.type_code == OPENING_FIRST else "60M"
                page.append((tag, format_balance(self.opening)))
            else:
                page.append(("60M", self._balance("60M", running)))
            for fields, amount in group:
                page.extend(fields)
                running += amount
            if last:
                page.append(("62F" if self.closing.type_code == CLOSING_FINAL else "62M", format_balance(self.closing)))
                page.extend(self.trailer)
            else:
                page.append(("62M", self._balance("62M", running)))
            pages.append(page)
        return pages


def _plan(statement: Statement, kind: str, sender_bic: str | None, writer: TextWriter) -> _Plan | None:
    booked = _booked(statement, writer)
    if booked is None:
        return None
    opening, closing = booked
    currency = opening.amount.currency
    header: Fields = [("20", writer.reference(statement.reference or statement.statement_id.upper()[:16], ":20:"))]
    if statement.related_reference:
        if kind == "940":
            header.append(("21", writer.reference(statement.related_reference, ":21:")))
        else:
            writer.losses.append(Loss(":21:", "", "MT950 has no related reference"))
    header.append(("25", _account(statement, sender_bic, writer)))
    number, first_page, width, numbered = _numbers(statement, writer)
    entries = [(entry_fields(entry, position, kind, currency, closing, writer),
                entry.amount.value if entry.credit else -entry.amount.value)
               for position, entry in enumerate(statement.entries, start=1)]
    return _Plan(kind, header, number, first_page, width, numbered, opening, closing, entries,
                 _trailer(statement, kind, currency, writer))


def _booked(statement: Statement, writer: TextWriter) -> tuple[Balance, Balance] | None:
    """Opening and closing booked balances, one computed from the other and the entries if missing."""
    opening, closing = opening_balance(statement), closing_balance(statement)
    total = sum((entry.amount.value if entry.credit else -entry.amount.value for entry in statement.entries),
                Decimal(0))
    if opening is None and closing is None:
        writer.fail("statement", "the statement has no opening or closing booked balance (OPBD, ITBD, CLBD): "
                    "60a and 62a cannot be written")
        return None
    if opening is None:
        assert closing is not None
        opening = _computed(OPENING_FIRST, signed(closing) - total, closing)
    if closing is None:
        closing = _computed(CLOSING_FINAL, signed(opening) + total, opening)
    currency = opening.amount.currency
    for position, entry in enumerate(statement.entries, start=1):
        if entry.amount.currency != currency:
            writer.fail(f"entries[{position}]", f"entry {position} is in {entry.amount.currency} on a statement in "
                        f"{currency}: an MT statement has one currency")
    for balance in (closing, *statement.balances):
        if balance.amount.currency != currency:
            writer.fail("balances", f"a {balance.type_code} balance is in {balance.amount.currency} on a statement "
                        f"in {currency}: an MT statement has one currency (C27)")
    if not writer.issues and signed(opening) + total != signed(closing):
        writer.fail("balances", f"opening {money_text(signed(opening), currency)} + entries "
                    f"{money_text(total, currency)} differs from closing {money_text(signed(closing), currency)}")
    for balance in (opening, closing, *statement.balances):
        try:
            format_balance(balance)
        except ValueError as exc:
            writer.fail("balances", f"the {balance.type_code} balance cannot be written as 15d: {exc}")
    return opening, closing


def _computed(type_code: str, value: Decimal, other: Balance) -> Balance:
    return Balance(type_code=type_code, amount=other.amount.model_copy(update={"value": abs(value)}),
                   credit=value >= 0, date=other.date)


def _account(statement: Statement, sender_bic: str | None, writer: TextWriter) -> str:
    """`:25:`: the IBAN or account id, prefixed `BIC/` when the servicing bank is not the sender."""
    account, servicer = statement.account, statement.account_servicer
    text = account.id
    servicer_bic = servicer.bic if servicer is not None else None
    if not account.is_iban and servicer_bic and not _same_bic(servicer_bic, sender_bic):
        text = f"{servicer_bic}/{account.id}"
    elif servicer is not None and not _same_bic(servicer_bic, sender_bic):
        writer.losses.append(Loss("account_servicer", "", "the servicing bank is not the sender and :25: holds an "
                                  "IBAN (or the bank has no BIC): MT carries no other bank"))
    if servicer is not None and servicer.model_dump(exclude_defaults=True).keys() - {"bic"}:
        writer.losses.append(Loss("account_servicer", "the BIC", "only the servicing bank's BIC is carried"))
    extras = account.model_dump(exclude_defaults=True).keys() - {"id", "scheme"}
    if extras:
        writer.losses.append(Loss("account", "the account id", f"MT :25: carries no {', '.join(sorted(extras))}"))
    return writer.text(text, ":25:", length=35)


def _numbers(statement: Statement, writer: TextWriter) -> tuple[str, int, int, bool]:
    """Statement number, first page number, page-number width, whether the statement gave a page number."""
    number = statement.statement_number or "0"
    if not number.isdigit() or len(number) > 5:
        digits = "".join(char for char in number if char.isdigit())[-5:] or "0"
        writer.losses.append(Loss(":28C:", digits, f"the statement number {number!r} is not 5n"))
        number = digits
    sequence = statement.sequence_number
    if sequence is None:
        return number, 1, 0, False
    if not sequence.isdigit() or len(sequence) > 5 or int(sequence) == 0:
        writer.losses.append(Loss(":28C:", "1", f"the page number {sequence!r} is not 5n from 1"))
        return number, 1, 0, True
    return number, int(sequence), len(sequence), True


def _trailer(statement: Statement, kind: str, currency: str, writer: TextWriter) -> Fields:
    trailer: Fields = []
    booked = set(map(id, booked_balances(statement)))
    available = [b for b in statement.balances if b.type_code == CLOSING_AVAILABLE]
    forward = [b for b in statement.balances if b.type_code == FORWARD_AVAILABLE]
    others = [b for b in statement.balances if id(b) not in booked and b.type_code not in (CLOSING_AVAILABLE,
                                                                                          FORWARD_AVAILABLE)]
    for balance in others:
        writer.losses.append(Loss("balances", "", f"a {balance.type_code} balance has no MT field"))
    if available:
        trailer.append(("64", _balance_text(available[0])))
        if len(available) > 1:
            writer.losses.append(Loss(":64:", "the first", "MT has one closing available balance"))
    if forward and kind == "950":
        writer.losses.append(Loss(":65:", "", "MT950 has no forward available balance"))
    elif forward:
        trailer.extend(("65", _balance_text(balance)) for balance in forward)
    if statement.information:
        text = writer.text(statement.information, ":86:", length=65, lines=6) if kind == "940" else ""
        if text:
            trailer.append(("86", text))
        elif kind == "950":
            writer.losses.append(Loss(":86:", "", "MT950 has no :86: information to the account owner"))
    if statement.created_at is not None:
        writer.losses.append(Loss("created_at", "", "MT940/MT950 carry no creation time in the text block"))
    return trailer


def _balance_text(balance: Balance) -> str:
    try:
        return format_balance(balance)
    except ValueError:
        return ""                 # reported by _booked

