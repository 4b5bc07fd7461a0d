"""Canonical statements written as camt.053 (statement) or camt.054 (notification), .001.08-.14.

Elements in XSD order (BankToCustomerStatementV08 and later; the paths used here are the same
up to .14, DOMAIN §2.7). What camt cannot carry from a canonical statement: `related_reference`
(MT :21:), `funds_code` (MT :61: subfield 4), and for camt.054 the balances (its records have
none). A statement number that is not a decimal number and a page number that is not
Max5NumericText are left out. Values camt cannot hold (no account, no balance in a camt.053,
text over 500 characters) raise ValueError: the caller asked for something impossible.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from lxml import etree

from schemas.canonical import Balance, Entry, Statement
from translators.iso20022 import xml
from translators.iso20022.camt05x_versions import RENDER_VERSIONS, CamtMessage, family_of
from translators.iso20022.common import (
    add,
    container,
    format_amount,
    new_message,
    write_account,
    write_agent,
    write_code,
    write_remittance,
)
from translators.swift.statements_fields import INTERMEDIATE, closing_balance, opening_balance

MAX_500: Final = 500                                   # Max500Text (AddtlNtryInf, AddtlTxInf, AddtlStmtInf)
_DOMAIN_CODE: Final = re.compile(r"([A-Z0-9]{1,4})/([A-Z0-9]{1,4})/([A-Z0-9]{1,4})")   # PMNT/RCDT/ESCT
_NUMBER: Final = re.compile(r"[0-9]{1,18}")           # Number: xs:decimal, fractionDigits 0, totalDigits 18
_PAGE: Final = re.compile(r"[0-9]{1,5}")              # Max5NumericText


def render_camt053(statements: Sequence[Statement], *, msg_id: str, created_at: datetime,
                   version: str = "camt.053.001.08") -> bytes:
    """A camt.053 BkToCstmrStmt with one `Stmt` per statement, valid against the XSD of `version`."""
    return _render(statements, msg_id, created_at, version, "camt.053")


def render_camt054(statements: Sequence[Statement], *, msg_id: str, created_at: datetime,
                   version: str = "camt.054.001.08") -> bytes:
    """A camt.054 BkToCstmrDbtCdtNtfctn with one `Ntfctn` per statement (balances are not carried)."""
    return _render(statements, msg_id, created_at, version, "camt.054")


def _render(statements: Sequence[Statement], msg_id: str, created_at: datetime, version: str,
            expected: str) -> bytes:
    if not version.startswith(expected + "."):
        raise ValueError(f"{version} is not a {expected} version")
    if not statements:
        raise ValueError(f"a {expected} needs at least one statement")
    family = family_of(version)
    document, message, _ = new_message(version, RENDER_VERSIONS, family.message, msg_id, created_at)
    for statement in statements:
        _record(message, statement, family)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)  # type: ignore[no-any-return]


def _moment(value: datetime) -> str:
    """ISODateTime: with its UTC offset when it has one (an offset-less value stays local time)."""
    return value.isoformat()


def _text(value: str | None, what: str) -> str | None:
    if value is not None and len(value) > MAX_500:
        raise ValueError(f"{what} has {len(value)} characters; camt allows {MAX_500}")
    return value


def _last_page(statement: Statement) -> bool:
    """LastPgInd: false only for a page that opens and then closes with an intermediate balance (MT 62M:
    a closing ITBD after an opening balance); a lone ITBD (camt.052 intraday) is not a page break."""
    closing = closing_balance(statement)
    return closing is None or closing.type_code != INTERMEDIATE or opening_balance(statement) is None


def _record(message: xml.XmlElement, statement: Statement, family: CamtMessage) -> None:
    """AccountStatement9 / AccountNotification17 and their later versions, in XSD order."""
    record = container(message, family.record)
    add(record, "Id", statement.reference or statement.statement_id)
    if statement.sequence_number and _PAGE.fullmatch(statement.sequence_number):
        pagination = container(record, family.pagination)
        add(pagination, "PgNb", statement.sequence_number)
        add(pagination, "LastPgInd", "true" if _last_page(statement) else "false")
    number = statement.statement_number
    if number and _NUMBER.fullmatch(number):
        add(record, "ElctrncSeqNb", number)
        add(record, "LglSeqNb", number)
    if statement.created_at is not None:
        add(record, "CreDtTm", _moment(statement.created_at))
    if not statement.account.id:
        raise ValueError(f"statement {statement.statement_id} has no account identification")
    write_account(record, "Acct", statement.account)
    account = record[-1]
    write_agent(account, "Svcr", statement.account_servicer, with_account=False)
    if family.has_balances:
        if not statement.balances:
            raise ValueError(f"statement {statement.statement_id} has no balance; a {family.family} needs one")
        for balance in statement.balances:
            _balance(record, balance)
    for entry in statement.entries:
        _entry(record, entry)
    add(record, family.additional_info, _text(statement.information, "the statement information"))


def _balance(parent: xml.XmlElement, balance: Balance) -> None:
    """CashBalance8: Tp/CdOrPrtry, Amt, CdtDbtInd, Dt/Dt."""
    element = container(parent, "Bal")
    write_code(container(element, "Tp"), "CdOrPrtry", balance.type_code)
    add(element, "Amt", format_amount(balance.amount.value, balance.amount.currency), Ccy=balance.amount.currency)
    add(element, "CdtDbtInd", "CRDT" if balance.credit else "DBIT")
    add(container(element, "Dt"), "Dt", balance.date.isoformat())


def _entry(parent: xml.XmlElement, entry: Entry) -> None:
    """ReportEntry10 and later: the entry, then one TxDtls with what belongs to the transaction."""
    element = container(parent, "Ntry")
    add(element, "NtryRef", entry.entry_reference)
    add(element, "Amt", format_amount(entry.amount.value, entry.amount.currency), Ccy=entry.amount.currency)
    add(element, "CdtDbtInd", "CRDT" if entry.credit else "DBIT")
    if entry.reversal:
        add(element, "RvslInd", "true")
    write_code(element, "Sts", entry.status)
    if entry.booking_date is not None:
        add(container(element, "BookgDt"), "Dt", entry.booking_date.isoformat())
    if entry.value_date is not None:
        add(container(element, "ValDt"), "Dt", entry.value_date.isoformat())
    add(element, "AcctSvcrRef", entry.account_servicer_reference)
    _bank_transaction_code(element, entry.bank_transaction_code)
    if entry.end_to_end_id or entry.account_owner_reference or entry.information or entry.remittance:
        transaction = container(container(element, "NtryDtls"), "TxDtls")
        if entry.end_to_end_id or entry.account_owner_reference:
            references = container(transaction, "Refs")
            add(references, "EndToEndId", entry.end_to_end_id)
            add(references, "AcctOwnrTxId", entry.account_owner_reference)
        write_remittance(transaction, entry.remittance)
        add(transaction, "AddtlTxInf", _text(entry.information, "the entry information"))
    add(element, "AddtlNtryInf", _text(entry.additional_info, "the entry's additional information"))


def _bank_transaction_code(parent: xml.XmlElement, code: str | None) -> None:
    """BkTxCd (mandatory, may be empty): `PMNT/RCDT/ESCT` as Domn, anything else (NTRF, S103) as Prtry/Cd."""
    element = container(parent, "BkTxCd")
    if not code:
        return
    domain = _DOMAIN_CODE.fullmatch(code)
    if domain is not None:
        structure = container(element, "Domn")
        add(structure, "Cd", domain.group(1))
        family = container(structure, "Fmly")
        add(family, "Cd", domain.group(2))
        add(family, "SubFmlyCd", domain.group(3))
    else:
        add(container(element, "Prtry"), "Cd", code)
