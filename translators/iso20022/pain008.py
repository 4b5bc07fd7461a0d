"""pain.008 customer direct debit initiation, versions .001.02 and .001.08-.10 (DOMAIN §2, §4).

Root `Document/CstmrDrctDbtInitn`: `GrpHdr`, `PmtInf` 1..n (the creditor's batch: creditor,
account, agent, creditor scheme id, requested collection date, sequence type) and
`DrctDbtTxInf` 1..n inside each (the debtor, the mandate, the amount). The version table
is in `pain008_collection` (.02 `BIC`/`BICOrBEI`, later `BICFI`/`AnyBIC`, `UETR` from .08).

`read` makes the two passes of pain001: pass 1 streams with XSD validation and checks the
group and PmtInf NbOfTxs/CtrlSum (AM18/AM10); pass 2, `CollectionsReading.collections()`,
yields each collection as a canonical `Collection` with the issues that reject it alone
(IBAN, BIC, currency, duplicates, and the SEPA SDD mandate, sequence type and creditor
identifier rules). Collections have no pipeline yet: `read_document` gives intake a
`DocumentReading` of kind "other" carrying the document's issues and every collection's
errors, so a pain.008 is validated and stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from pydantic import ValidationError

from schemas.collections import Collection
from schemas.issues import Issue, Severity
from schemas.profiles import Profile
from translators.base import DocumentReading, ReadContext
from translators.iso20022 import initiation_stream as stream
from translators.iso20022 import pain008_collection as one
from translators.iso20022 import xml
from translators.iso20022.common import Node, parse_datetime, read_party
from translators.iso20022.initiation_checks import BlockChecks, scan_initiation
from translators.iso20022.opening import Refused, open_document

MESSAGE: Final = "CstmrDrctDbtInitn"
DIRECT_DEBIT: Final = "DD"                   # PaymentMethod2Code: the only value
MAX_ISSUES: Final = 100
MAX_DOCUMENT_ISSUES: Final = 1000            # read_document: collection errors kept before a summary
# Checked only without an XSD: DirectDebitTransactionInformation23 / PaymentInstruction29 mandatory elements.
REQUIRED_RECORD: Final = ("PmtId", "InstdAmt", "DbtrAgt", "Dbtr", "DbtrAcct")
REQUIRED_BLOCK: Final = ("PmtInfId", "PmtMtd", "ReqdColltnDt", "Cdtr", "CdtrAcct", "CdtrAgt")

VERSIONS: Final = {"pain.008.001.02": one.V02, "pain.008.001.08": one.V08, "pain.008.001.09": one.V08,
                   "pain.008.001.10": one.V08}
SUPPORTED_VERSIONS: Final = tuple(VERSIONS)
_issue = one.issue


@dataclass(frozen=True)
class CollectionReading:
    """One collection of a pain.008: the canonical collection, or the issues that reject it."""

    index: int
    collection: Collection | None
    issues: tuple[Issue, ...] = ()

    @property
    def rejected(self) -> bool:
        return self.collection is None or any(i.severity is Severity.ERROR for i in self.issues)


@dataclass
class CollectionsReading:
    """The result of reading a pain.008: document-level `issues` (any error rejects the file and
    `collections()` yields nothing), and the collections streamed again from the bytes."""

    format: str
    issues: list[Issue] = field(default_factory=list)
    msg_id: str | None = None
    creation_date_time: datetime | None = None
    number_of_transactions: int | None = None
    _collections: Callable[[], Iterator[CollectionReading]] | None = None

    @property
    def accepted(self) -> bool:
        return not any(i.severity is Severity.ERROR for i in self.issues)

    def collections(self) -> Iterator[CollectionReading]:
        if self._collections is None or not self.accepted:
            return iter(())
        return self._collections()


def _applicable(issues: list[Issue], profile: Profile) -> list[Issue]:
    return [i for i in issues if i.rule not in profile.rules_off] if profile.rules_off else issues


def _payment_method(node: Node) -> list[Issue]:
    method = node.get("PmtMtd")
    if method is None or method == DIRECT_DEBIT:
        return []
    return [_issue("iso.structure", f"{node.path}/PmtMtd", f"PmtMtd is {method!r}, not DD")]


def read(data: bytes, context: ReadContext) -> CollectionsReading:
    """Read a pain.008 (any supported version, detected from the namespace); never raises."""
    profile = context.profile
    opened = open_document(data, context, family="pain.008", supported=VERSIONS, validates_from_root=True)
    if isinstance(opened, Refused):
        return CollectionsReading(format=opened.format, issues=opened.issues)
    version, schema, issues = opened.version, opened.schema, list(opened.issues)
    checks = BlockChecks(stream.DIRECT_DEBITS, "pain008", REQUIRED_RECORD, REQUIRED_BLOCK, structural=schema is None,
                         max_issues=MAX_ISSUES, structure_rule=_payment_method)
    scanned = scan_initiation(opened, profile, checks)
    header = scanned.header
    issues += scanned.issues
    declared = (header.get("NbOfTxs") or "") if header is not None else ""
    reading = CollectionsReading(
        format=version, issues=_applicable(issues, profile), msg_id=header.get("MsgId") if header else None,
        creation_date_time=parse_datetime(header.get("CreDtTm")) if header else None,
        number_of_transactions=int(declared) if declared.isdigit() else scanned.records)
    if header is not None and reading.accepted:
        body, blocks = opened.data, checks.block_issues
        group = one.Group(header.get("MsgId") or "", reading.creation_date_time, read_party(header.child("InitgPty")))
        reading._collections = lambda: xml.confined(
            lambda: _collections(body, version, group, blocks, context), size=len(body))
    return reading


def _collections(data: bytes, version: str, group: one.Group, block_issues: dict[int, list[Issue]],
                 context: ReadContext) -> Iterator[CollectionReading]:
    spec, seen, profile = VERSIONS[version], one.Seen(), context.profile
    block: one.Block | None = None
    for index, (number, element, position, record) in enumerate(stream.iter_records(data, stream.DIRECT_DEBITS)):
        if block is None or block.node.element is not element:
            block = one.read_block(element, number, spec, block_issues.get(number, []))
        node = Node(record, f"DrctDbtTxInf[{position}]", block.node)
        try:
            collection = one.build(node, index, version, spec, group, block, context)
        except (one.Unreadable, ValidationError) as exc:
            message = f"{exc} is missing or cannot be read" if isinstance(exc, one.Unreadable) else (
                f"the collection cannot be read ({exc.errors()[0]['msg']})")
            rule = exc.rule if isinstance(exc, one.Unreadable) else "iso.structure"
            yield CollectionReading(index, None, (_issue(rule, getattr(exc, "path", node.path), message),))
            continue
        issues = list(block.issues) + one.checks(node, collection, profile, spec, seen, block)
        yield CollectionReading(index, collection, tuple(_applicable(issues, profile)))


def read_document(data: bytes, context: ReadContext) -> DocumentReading:
    """The pain.008 for intake, until collections have their own pipeline: kind "other" (stored,
    nothing routed), with the document's issues and every collection's errors."""
    reading = read(data, context)
    issues = list(reading.issues)
    listed: set[tuple[str, str]] = set()     # a PmtInf's issues repeat on each of its collections
    kept = more = 0
    for collection in reading.collections():
        for found in collection.issues:
            if found.severity is not Severity.ERROR or (found.rule, found.path) in listed:
                continue
            listed.add((found.rule, found.path))
            if kept < MAX_DOCUMENT_ISSUES:
                issues.append(found)
                kept += 1
            else:
                more += 1
    if more:
        issues.append(_issue("pain008.more_issues", "", f"{more} more collection errors are not listed"))
    return DocumentReading(format=reading.format, issues=issues, msg_id=reading.msg_id,
                           creation_date_time=reading.creation_date_time,
                           number_of_transactions=reading.number_of_transactions, kind="other")
