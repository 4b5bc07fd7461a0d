"""Continuity of statement pages and statements across messages, files and streams (DOMAIN §1.8, §8.41).

Pages of one statement share the account and the `:28C:` statement number and number
their pages 1, 2, 3...; the 62M closing balance of page n equals the 60M opening balance
of page n+1, and only the last page closes with 62F. Statements of one account follow
each other by statement number, each 60F equal to the previous 62F. What breaks a
chain:

* a missing page or statement (a jump in numbers, a page after a final 62F, a
  statement whose last page seen closes with 62M): `mt9.gap`, a WARNING: DOMAIN §8.41
  says alert, do not fail (the missing message may come in a later file);
* a balance that does not carry over where nothing is missing: `mt9.continuity`, an
  ERROR (AM10, as the page balance check). Between pages the D/C mark, currency, amount
  and date must be equal (the usage rule of 60a: "the same as field 62a of the previous
  message"); between statements the date is not compared, since banks date the next
  statement's 60F either with the previous closing date or with the statement date.

Statement number 0 (`:28C:00000`, used by banks that do not number statements) and
non-numeric numbers only chain pages, never statements. A statement number that falls
back to 1 starts a new year's count (the 28C usage rule resets it on 1 January).
`ContinuityChecker` keeps only the last statement of each account and currency, so a
stream of any length is checked in bounded memory (STYLE rule 18).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from schemas.canonical import Balance, Statement
from schemas.issues import Issue, Severity
from translators.swift.model import swift_issue
from translators.swift.statements_fields import CLOSING_FINAL, closing_balance, opening_balance, page_number
from translators.swift.statements_rules import money_text

_issue = swift_issue


def _number(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() and int(text) > 0 else None


def _path(statement: Statement) -> str:
    return f"statement {statement.index + 1}"


def _label(statement: Statement) -> str:
    page = f" page {statement.sequence_number}" if statement.sequence_number else ""
    return f"statement {statement.statement_number or '?'}{page}"


def _balance_text(balance: Balance) -> str:
    value = balance.amount.value if balance.credit else -balance.amount.value
    return f"{money_text(value, balance.amount.currency)} of {balance.date.isoformat()}"


@dataclass
class ContinuityChecker:
    """Feed statements in file order with `add`; call `finish` at the end of the file or stream."""

    last: dict[tuple[str, str], Statement] = field(default_factory=dict)

    @staticmethod
    def key(statement: Statement) -> tuple[str, str]:
        """Statements chain per account and currency (one account may report several currencies)."""
        balance = opening_balance(statement) or closing_balance(statement)
        return statement.account.id, balance.amount.currency if balance is not None else ""

    def add(self, statement: Statement) -> list[Issue]:
        """Issues of this statement against the previous one of its account; remembers it."""
        key = self.key(statement)
        previous = self.last.get(key)
        self.last[key] = statement
        if previous is None:
            page = page_number(statement.sequence_number)
            if page > 1:
                return [_issue("mt9.gap", f"{_label(statement)} is the first seen of its statement: pages 1 to "
                               f"{page - 1} are missing", _path(statement), Severity.WARNING)]
            return []
        return _follows(previous, statement)

    def finish(self) -> list[Issue]:
        """Statements whose last page seen says more pages follow (62M)."""
        issues = []
        for statement in self.last.values():
            closing = closing_balance(statement)
            if closing is not None and closing.type_code != CLOSING_FINAL:
                issues.append(_issue("mt9.gap", f"{_label(statement)} closes with an intermediate balance (62M) and "
                                     "no later page follows: the final page is missing", _path(statement),
                                     Severity.WARNING))
        return issues


def check_continuity(statements: Sequence[Statement]) -> list[Issue]:
    """Gaps (warnings) and broken balance chains (errors) between the pages and statements given, in order."""
    checker = ContinuityChecker()
    issues = [issue for statement in statements for issue in checker.add(statement)]
    return issues + checker.finish()


def _follows(previous: Statement, current: Statement) -> list[Issue]:
    path = _path(current)
    closed = closing_balance(previous)
    previous_final = closed is not None and closed.type_code == CLOSING_FINAL
    page, previous_page = page_number(current.sequence_number), page_number(previous.sequence_number)
    number, previous_number = _number(current.statement_number), _number(previous.statement_number)
    numbered = number is not None and previous_number is not None
    if (number == previous_number) if numbered else previous.statement_number == current.statement_number:
        if numbered:
            return _next_page(previous, current, previous_final)
        if not previous_final and page == previous_page + 1:
            return _carried(previous, current, compare_dates=True)
    issues = []
    if not previous_final:
        issues.append(_issue("mt9.gap", f"{_label(previous)} closes with 62M but {_label(current)} follows: its later "
                             "pages are missing", path, Severity.WARNING))
    if page > 1:
        issues.append(_issue("mt9.gap", f"{_label(current)} starts a statement: pages 1 to {page - 1} are missing",
                             path, Severity.WARNING))
    if numbered:
        assert number is not None and previous_number is not None
        if number > previous_number + 1:
            issues.append(_issue("mt9.gap", f"statement {current.statement_number} follows statement "
                                 f"{previous.statement_number} of the same account: {number - previous_number - 1} "
                                 "statement(s) missing", path, Severity.WARNING))
        elif number <= previous_number and number != 1:
            issues.append(_issue("mt9.gap", f"statement {current.statement_number} comes after statement "
                                 f"{previous.statement_number} of the same account: repeated or out of order", path,
                                 Severity.WARNING))
    return issues or _carried(previous, current, compare_dates=False)


def _next_page(previous: Statement, current: Statement, previous_final: bool) -> list[Issue]:
    """The same numbered statement again: its next page, a missing page, or a repetition."""
    path = _path(current)
    page, previous_page = page_number(current.sequence_number), page_number(previous.sequence_number)
    if previous_final:
        what = "repeats the statement" if page == 1 else "comes after its final page (62F)"
        return [_issue("mt9.gap", f"{_label(current)} {what}: a repeated or out-of-order message", path,
                       Severity.WARNING)]
    if page <= previous_page:
        return [_issue("mt9.gap", f"{_label(current)} comes after page {previous_page}: a repeated or out-of-order "
                       "page", path, Severity.WARNING)]
    if page > previous_page + 1:
        return [_issue("mt9.gap", f"{_label(current)} follows page {previous_page}: pages {previous_page + 1} to "
                       f"{page - 1} are missing", path, Severity.WARNING)]
    return _carried(previous, current, compare_dates=True)


def _carried(previous: Statement, current: Statement, *, compare_dates: bool) -> list[Issue]:
    closed, opened = closing_balance(previous), opening_balance(current)
    if closed is None or opened is None:
        return []
    same = (closed.credit == opened.credit or closed.amount.value == opened.amount.value == 0) \
        and closed.amount == opened.amount and (not compare_dates or closed.date == opened.date)
    if same:
        return []
    tag = ":60M:" if compare_dates else ":60F:"
    return [_issue("mt9.continuity", f"{_label(current)} opens with {_balance_text(opened)} but {_label(previous)} "
                   f"closed with {_balance_text(closed)}", f"{_path(current)}/{tag}")]
