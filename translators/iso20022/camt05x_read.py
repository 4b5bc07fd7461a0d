"""One camt.052 `Rpt`, camt.053 `Stmt` or camt.054 `Ntfctn` as a canonical `Statement` (DOMAIN §2.7, §3.3).

The mapping, consistent with the MT940 reader (`translators/swift/statements.py`):

    Id                                   reference
    LglSeqNb, else ElctrncSeqNb          statement_number (as written)
    <record>Pgntn/PgNb                   sequence_number
    CreDtTm                              created_at
    Acct (Id/IBAN | Id/Othr/Id, Ccy...)  account; Acct/Svcr: account_servicer
    Bal                                  balances, in document order: Tp/CdOrPrtry/Cd (or Prtry), Amt@Ccy,
                                         CdtDbtInd (CRDT: credit), Dt/Dt or the date of Dt/DtTm
    Ntry                                 entries: Amt@Ccy; CdtDbtInd (the direction as it hits the account:
                                         a reversal keeps its own indicator, as MT RC = DBIT + RvslInd);
                                         RvslInd; Sts (Cd/Prtry from .07); BookgDt/ValDt (Dt or DtTm);
                                         AcctSvcrRef; BkTxCd/Prtry/Cd, else Domn as `PMNT/RCDT/ESCT`;
                                         NtryRef; AddtlNtryInf; from the first TxDtls: Refs/EndToEndId,
                                         Refs/AcctOwnrTxId, RmtInf (Ustrd, Strd), AddtlTxInf
    AddtlStmtInf / AddtlRptInf / ...     information

Each statement carries its own issues: currencies and their decimals (ISO 4217), dates that are
not real (when no XSD checked them), TxsSummry against the entries, and the balance arithmetic
(opening booked + booked entries = closing booked, per currency).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from pydantic import ValidationError

from schemas.canonical import Agent, Amount, Balance, Entry, Source, Statement, statement_id_for
from schemas.codes import RULES, fits_currency, is_currency
from schemas.issues import Issue, Severity
from translators.base import StatementReading
from translators.iso20022.camt05x_versions import (
    BALANCE_TYPES,
    BOOKED,
    ENTRY_STATUSES,
    FIRST_STATUS_CHOICE,
    CamtMessage,
    version_number,
)
from translators.iso20022.common import (
    Node,
    parse_date,
    parse_datetime,
    parse_decimal,
    read_account,
    read_agent,
    read_code,
    read_remittance,
)
from translators.swift.statements_fields import closing_balance, opening_balance

CREDIT: Final = "CRDT"
DEBIT: Final = "DBIT"
_TRUE: Final = frozenset({"true", "1"})


def issue(rule: str, path: str, message: str, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message, severity=severity)


class _Unreadable(Exception):
    """A mandatory element is missing or unreadable (only possible without an XSD)."""

    def __init__(self, path: str, what: str) -> None:
        super().__init__(what)
        self.path = path


class _Reader:
    """Reads one record, collecting the issues of its values as it goes."""

    def __init__(self, version: str) -> None:
        self.status_choice = version_number(version) >= FIRST_STATUS_CHOICE
        self.issues: list[Issue] = []

    def amount(self, node: Node | None, parent: Node, name: str = "Amt") -> Amount:
        if node is None:
            raise _Unreadable(f"{parent.path}/{name}", f"{name} is missing")
        value, currency = parse_decimal(node.value), node.attribute("Ccy") or ""
        if value is None or value < 0:
            raise _Unreadable(node.path, f"{name} is not a non-negative decimal amount")
        if not is_currency(currency):
            self.issues.append(issue("money.currency", node.path, f"{currency!r} is not an ISO 4217 currency"))
        elif not fits_currency(value, currency):
            self.issues.append(issue("money.precision", node.path,
                                     f"{node.value} has more decimals than {currency} allows"))
        if not currency.isalpha() or len(currency) != 3 or not currency.isupper():
            raise _Unreadable(node.path, f"{name}/@Ccy is not a currency code")
        return Amount(value=value, currency=currency)

    def credit(self, node: Node) -> bool:
        indicator = node.get("CdtDbtInd")
        if indicator not in (CREDIT, DEBIT):
            raise _Unreadable(f"{node.path}/CdtDbtInd", "CdtDbtInd is missing or not CRDT/DBIT")
        return indicator == CREDIT

    def date(self, node: Node | None, required: bool = False) -> date | None:
        """A DateAndDateTime2Choice: `Dt`, or the date of `DtTm`."""
        if node is None:
            if required:
                raise _Unreadable("", "date")
            return None
        text, moment = node.get("Dt"), node.get("DtTm")
        found = parse_date(text) if text is not None else None
        if found is None and moment is not None:
            stamp = parse_datetime(moment)
            found = stamp.date() if stamp is not None else None
        if found is None:
            shown = text if text is not None else moment
            self.issues.append(issue("camt.date", f"{node.path}/{'Dt' if text is not None else 'DtTm'}",
                                     f"{shown!r} is not a real calendar date"))
            if required:
                raise _Unreadable(node.path, "the date cannot be read")
        return found

    def moment(self, node: Node, name: str) -> datetime | None:
        text = node.get(name)
        found = parse_datetime(text)
        if text is not None and found is None:
            self.issues.append(issue("camt.date", f"{node.path}/{name}", f"{text!r} is not a real date-time"))
        return found

    def status(self, node: Node) -> str:
        status = node.child("Sts")
        code = (read_code(status) if self.status_choice else status.value) if status is not None else None
        if not code:
            raise _Unreadable(f"{node.path}/Sts", "Sts is missing")
        if code not in ENTRY_STATUSES:
            self.issues.append(issue("camt.code", f"{node.path}/Sts", f"entry status {code!r} is not one of "
                                     f"{', '.join(sorted(ENTRY_STATUSES))}", Severity.WARNING))
        return code

    def balance(self, node: Node) -> Balance:
        kind = read_code(node.at("Tp", "CdOrPrtry"))
        if not kind:
            raise _Unreadable(f"{node.path}/Tp", "the balance type is missing")
        if kind not in BALANCE_TYPES:
            self.issues.append(issue("camt.code", f"{node.path}/Tp/CdOrPrtry", f"balance type {kind!r} is not "
                                     f"one of {', '.join(sorted(BALANCE_TYPES))}", Severity.WARNING))
        when = self.date(node.child("Dt"))
        if when is None:
            raise _Unreadable(f"{node.path}/Dt", "the balance date is missing or unreadable")
        return Balance(type_code=kind, amount=self.amount(node.child("Amt"), node), credit=self.credit(node),
                       date=when)

    def entry(self, node: Node) -> Entry:
        details = node.child("NtryDtls")
        transaction = details.child("TxDtls") if details is not None else None
        references = transaction.child("Refs") if transaction is not None else None
        return Entry(
            amount=self.amount(node.child("Amt"), node), credit=self.credit(node),
            reversal=(node.get("RvslInd") or "").strip() in _TRUE, status=self.status(node),
            booking_date=self.date(node.child("BookgDt")), value_date=self.date(node.child("ValDt")),
            bank_transaction_code=bank_transaction_code(node.child("BkTxCd")),
            account_servicer_reference=node.get("AcctSvcrRef"), entry_reference=node.get("NtryRef"),
            end_to_end_id=references.get("EndToEndId") if references is not None else None,
            account_owner_reference=references.get("AcctOwnrTxId") if references is not None else None,
            additional_info=node.get("AddtlNtryInf"),
            information=transaction.get("AddtlTxInf") if transaction is not None else None,
            remittance=read_remittance(transaction.child("RmtInf")) if transaction is not None else None)


def bank_transaction_code(node: Node | None) -> str | None:
    """BkTxCd: the proprietary code (where MT940 types such as NTRF go, DOMAIN §3.3), else the ISO
    domain code as `PMNT/RCDT/ESCT` (Domn/Cd, Fmly/Cd, Fmly/SubFmlyCd)."""
    if node is None:
        return None
    proprietary = node.text("Prtry", "Cd")
    if proprietary:
        return proprietary
    domain = node.child("Domn")
    if domain is None:
        return None
    parts = [domain.get("Cd"), domain.text("Fmly", "Cd"), domain.text("Fmly", "SubFmlyCd")]
    return "/".join(part for part in parts if part) or None


def _servicer(account: Node | None) -> Agent | None:
    """Acct/Svcr: BICFI (.03+) or BIC (.02)."""
    servicer = account.child("Svcr") if account is not None else None
    agent = read_agent(servicer)
    if agent is not None and agent.bic is None and servicer is not None:
        legacy = servicer.text("FinInstnId", "BIC")
        if legacy:
            agent = agent.model_copy(update={"bic": legacy})
    return agent


def read_statement(node: Node, index: int, *, version: str, family: CamtMessage, document_id: str,
                   source: Source) -> StatementReading:
    """The record as a `Statement` with its issues; None and the reason when it cannot be read."""
    reader = _Reader(version)
    try:
        statement = _statement(reader, node, index, version, family, document_id, source)
    except _Unreadable as exc:
        where = exc.path or node.path
        return StatementReading(index, None, (*reader.issues, issue(
            "iso.structure", where, f"the {family.record} cannot be read: {exc}")))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return StatementReading(index, None, (*reader.issues, issue(
            "iso.structure", node.path, f"the {family.record} cannot be read ({where}: {first['msg']})")))
    issues = reader.issues + _summary_checks(node, statement) + balance_issues(statement, node.path)
    return StatementReading(index, statement, tuple(issues))


def _statement(reader: _Reader, node: Node, index: int, version: str, family: CamtMessage, document_id: str,
               source: Source) -> Statement:
    reference = node.get("Id")
    if not reference:
        raise _Unreadable(f"{node.path}/Id", "Id is missing")
    account_node = node.child("Acct")
    account = read_account(account_node)
    if account is None or not account.id:
        raise _Unreadable(f"{node.path}/Acct/Id", "the account identification is missing")
    period = node.child("FrToDt")
    if period is not None:
        start, end = reader.moment(period, "FrDtTm"), reader.moment(period, "ToDtTm")
        if start is not None and end is not None and _comparable(start, end) and start > end:
            reader.issues.append(issue("camt.date", period.path, "FrToDt ends before it starts"))
    balances = tuple(reader.balance(b) for b in node.children("Bal"))
    entries = tuple(reader.entry(e) for e in node.children("Ntry"))
    return Statement(
        statement_id=statement_id_for(document_id, index), document_id=document_id, index=index, source=source,
        message_type=version, reference=reference, account=account, account_servicer=_servicer(account_node),
        statement_number=node.get("LglSeqNb") or node.get("ElctrncSeqNb"),
        sequence_number=node.text(family.pagination, "PgNb"), created_at=reader.moment(node, "CreDtTm"),
        balances=balances, entries=entries, information=node.get(family.additional_info))


def _comparable(start: datetime, end: datetime) -> bool:
    return (start.utcoffset() is None) == (end.utcoffset() is None)


def _summary_checks(node: Node, statement: Statement) -> list[Issue]:
    """TxsSummry (TotalTransactions6): the number of entries and the credit and debit sums."""
    summary = node.child("TxsSummry")
    if summary is None:
        return []
    issues: list[Issue] = []
    count = summary.text("TtlNtries", "NbOfNtries")
    if count is not None and (not count.isdigit() or int(count) != len(statement.entries)):
        issues.append(issue("camt.entry_count", f"{summary.path}/TtlNtries/NbOfNtries",
                            f"NbOfNtries is {count!r} but the {node.path.rsplit('/', 1)[-1]} holds "
                            f"{len(statement.entries)} entries"))
    for name, credit in (("TtlCdtNtries", True), ("TtlDbtNtries", False)):
        stated = parse_decimal(summary.text(name, "Sum"))
        if stated is None:
            continue
        actual = sum((e.amount.value for e in statement.entries if e.credit is credit), Decimal(0))
        if stated != actual:
            issues.append(issue("camt.entry_sum", f"{summary.path}/{name}/Sum", f"{name}/Sum is {stated} but the "
                                f"{'credit' if credit else 'debit'} entries add up to {actual}"))
    return issues


def _signed(balance: Balance) -> Decimal:
    return balance.amount.value if balance.credit else -balance.amount.value


def _shown(value: Decimal, currency: str) -> str:
    return f"{'-' if value < 0 else ''}{abs(value)} {currency}"


def balance_issues(statement: Statement, path: str) -> list[Issue]:
    """Opening booked + booked entries = closing booked, per currency (OPBD/CLBD, or a page's two ITBD).

    The opening and closing balances are found as the MT940 reader orders them
    (`statements_fields.opening_balance` / `closing_balance`), one pair per currency.
    """
    issues: list[Issue] = []
    for currency in _currencies(b.amount.currency for b in statement.balances):
        view = statement.model_copy(update={"balances": tuple(
            b for b in statement.balances if b.amount.currency == currency)})
        opening, closing = opening_balance(view), closing_balance(view)
        if opening is None or closing is None:
            continue
        movement = sum((e.amount.value if e.credit else -e.amount.value for e in statement.entries
                        if e.status == BOOKED and e.amount.currency == currency), Decimal(0))
        expected = _signed(opening) + movement
        if expected != _signed(closing):
            issues.append(issue("camt.balance", f"{path}/Bal", (
                f"{currency}: opening {opening.type_code} {_shown(_signed(opening), currency)} plus booked entries "
                f"{_shown(movement, currency)} gives {_shown(expected, currency)}, but the closing "
                f"{closing.type_code} is {_shown(_signed(closing), currency)}")))
    return issues


def _currencies(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
