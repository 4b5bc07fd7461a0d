"""Streaming passes over a customer initiation (pain.001, pain.008), whose records sit two levels
down (`PmtInf/CdtTrfTxInf`, `PmtInf/DrctDbtTxInf`).

`xml.stream_document` and `xml.iter_records` expect records that are children of the
message element (pacs.008); in an initiation one `PmtInf` may hold a whole 100,000-record
batch, so the record is the transaction inside it. Pass 1 (`scan`) counts and sums each
record, validates batches of them against the XSD under a copy of the group header and
the PmtInf header, then drops them, so memory stays bounded; pass 2 (`iter_records`)
yields each record with the payment information block it belongs to. What differs between
the messages (the record's name and where its amount is) is a `Records` value. Parser
options and limits are those of `xml`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from lxml import etree

from schemas.codes import RULES
from schemas.issues import Issue
from schemas.profiles import Limits
from translators.iso20022 import xml
from translators.iso20022.common import parse_decimal

BLOCK: Final = "PmtInf"
_CHUNK: Final = 64 * 1024


def _issue(rule: str, path: str, message: str) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message)


@dataclass(frozen=True)
class Records:
    """What one initiation's records are: element name, the word for them, the amount CtrlSum adds up."""

    name: str
    noun: str
    amount_of: Callable[[xml.XmlElement, str], Decimal | None]


def _parser(records: Records) -> Any:
    # xml.py builds every parser (STYLE rule 19); it has no public pull parser for nested records.
    return xml._pull_parser(("start", "end"), ("{*}Document", "{*}GrpHdr", f"{{*}}{BLOCK}", f"{{*}}{records.name}"))


@dataclass
class BlockTotals:
    """One PmtInf as pass 1 saw it: 1-based number, the records counted and summed."""

    number: int
    element: xml.XmlElement
    count: int = 0
    total: Decimal = Decimal(0)


@dataclass
class Scan:
    """Pass-1 result: the group header (kept), counts and sums, issues."""

    namespace: str | None = None
    header: xml.XmlElement = None
    blocks: int = 0
    records: int = 0
    total: Decimal = Decimal(0)
    issues: list[Issue] = field(default_factory=list)
    complete: bool = False


def credit_transfer_amount(element: xml.XmlElement, namespace: str) -> Decimal | None:
    """pain.001 `Amt/InstdAmt`, else `Amt/EqvtAmt/Amt`: the amount CtrlSum adds up."""
    amount = element.find(f"{{{namespace}}}Amt")
    if amount is None or not len(amount):
        return None
    first = amount[0]
    if xml.local_name(first.tag) == "EqvtAmt":
        first = first.find(f"{{{namespace}}}Amt")
    return parse_decimal(first.text) if first is not None else None


class _Skeleton:
    """Document/message/GrpHdr copy/PmtInf header copy, into which completed records of one
    block are moved in batches and validated, then dropped (like xml.stream_document, one
    level deeper). Issue paths get the block number and the records already dropped."""

    def __init__(self, document: xml.XmlElement, header: xml.XmlElement, block: BlockTotals, validator: _Validator,
                 records: Records):
        self.document = etree.Element(document.tag, nsmap=document.nsmap)
        self.message = etree.SubElement(self.document, document[0].tag)
        if header is not None:
            self.message.append(deepcopy(header))
        self.block = etree.SubElement(self.message, block.element.tag)
        for child in block.element.iterchildren(etree.Element):
            if xml.local_name(child.tag) == records.name:
                break
            self.block.append(deepcopy(child))
        self.kept, self.number, self.dropped, self.validator = len(self.block), block.number, 0, validator
        self.last: xml.XmlElement = None

    def add(self, record: xml.XmlElement) -> None:
        self.block.append(record)

    def flush(self) -> bool:
        """Validate the batch and drop it; False once the issue cap is reached."""
        records = self.block[self.kept:]
        going_on = self.validator(self.document, self.message, self.number, self.dropped)
        if records:
            self.last = deepcopy(records[-1])
        for record in records:
            record.clear()
            self.block.remove(record)
        self.dropped += len(records)
        return going_on

    def final(self, leftovers: list[xml.XmlElement]) -> xml.XmlElement:
        """This (last) block with its last record, and the message elements that were not
        GrpHdr or PmtInf: the message-level structure, validated once at the end."""
        if self.last is not None:
            self.block.append(self.last)
        for element in leftovers:
            self.message.append(deepcopy(element))
        return self.document


class _Validator:
    def __init__(self, schema: Any, result: Scan, max_issues: int, records: Records) -> None:
        self.schema, self.result, self.max_issues, self.records = schema, result, max_issues, records
        self.seen: set[tuple[str, str]] = set()

    def __call__(self, document: xml.XmlElement, message: xml.XmlElement, number: int, dropped: int) -> bool:
        if self.schema is None or self.schema.validate(document):
            return True
        record = f"{{{self.result.namespace}}}{self.records.name}"
        for entry in self.schema.error_log:
            issue = xml.schema_issue(entry, document, message, record, dropped)
            if issue.path.startswith(f"{BLOCK}/") or issue.path == BLOCK:
                issue = issue.model_copy(update={"path": f"{BLOCK}[{number}]{issue.path[len(BLOCK):]}"})
            if (issue.path, issue.message) not in self.seen:
                self.seen.add((issue.path, issue.message))
                self.result.issues.append(issue)
            if len(self.result.issues) >= self.max_issues:
                return False
        return True


def scan(data: bytes, *, records: Records, limits: Limits, schema: Any,
         on_record: Callable[[BlockTotals, xml.XmlElement], None], on_block: Callable[[BlockTotals], None],
         max_issues: int = 100, batch: int = 256) -> Scan:
    """Pass 1: validate in batches while streaming, call `on_record` per record and `on_block`
    per PmtInf (its header elements still attached). `data` from `xml.prepare`."""
    result = Scan()
    validate = _Validator(schema, result, max_issues, records)
    parser = _parser(records)
    name_of_record = records.name
    document: xml.XmlElement = None
    block: BlockTotals | None = None
    skeleton: _Skeleton | None = None
    fed = marked = 0
    closed = False
    try:
        for start in range(0, len(data), _CHUNK):
            parser.feed(data[start:start + _CHUNK])
            fed = min(start + _CHUNK, len(data))
            for event, element in parser.read_events():
                if document is None:
                    if event == "start" and xml.local_name(element.tag) == "Document":
                        document, result.namespace = element, xml.namespace_of(element.tag)
                    continue
                if element is document:
                    closed = True
                    continue
                name = xml.local_name(element.tag)
                parent = element.getparent()
                if event == "start":
                    if name == BLOCK and parent is not None and parent.getparent() is document:
                        result.blocks += 1
                        block, skeleton = BlockTotals(result.blocks, element), None
                    continue
                if name == name_of_record and block is not None and parent is block.element:
                    result.records += 1
                    if result.records > limits.max_transactions:
                        result.issues.append(_issue(
                            "xml.limit", f"{BLOCK}[{block.number}]/{name_of_record}[{block.count + 1}]",
                            f"more than {limits.max_transactions:,} {name_of_record} elements"))
                        return result
                    block.count += 1
                    value = records.amount_of(element, result.namespace or "")
                    if value is not None:
                        block.total += value
                    on_record(block, element)
                    skeleton = skeleton or _Skeleton(document, result.header, block, validate, records)
                    skeleton.add(element)
                    marked = fed
                    if len(skeleton.block) - skeleton.kept >= batch and not _flush(skeleton, limits, result):
                        return result
                elif name == BLOCK and block is not None and element is block.element:
                    on_block(block)
                    result.total += block.total
                    skeleton = skeleton or _Skeleton(document, result.header, block, validate, records)
                    if not _flush(skeleton, limits, result):
                        return result
                    parent.remove(element)
                    block = None
                elif name == "GrpHdr" and parent is not None and parent.getparent() is document:
                    result.header = element
            if fed - marked > xml.MAX_PENDING_BYTES:
                result.issues.append(_issue("xml.limit", f"byte {fed}",
                                            f"more than {xml.MAX_PENDING_BYTES:,} bytes without a {records.noun}"))
                return result
        parser.close()
    except etree.XMLSyntaxError as exc:
        result.issues.append(xml.syntax_issue(exc))
        return result
    if document is None:
        return result
    if not closed:
        result.issues.append(_issue("xml.not_well_formed", f"byte {len(data)}", "the document is not "
                                    "well-formed XML: it ends before the Document element is closed"))
        return result
    message = document[0] if len(document) else None
    if message is None or skeleton is None:
        validate(document, message if message is not None else document, 0, 0)
    else:
        leftovers = [c for c in message.iterchildren(etree.Element) if xml.local_name(c.tag) not in ("GrpHdr", BLOCK)]
        validate(skeleton.final(leftovers), skeleton.message, skeleton.number, skeleton.dropped - 1)
    result.complete = True
    return result


def _flush(skeleton: _Skeleton, limits: Limits, result: Scan) -> bool:
    if xml.too_deep(skeleton.document, limits.max_depth):
        result.issues.append(xml.depth_issue(limits.max_depth))
        return False
    return skeleton.flush()


def iter_records(data: bytes, records: Records) -> Iterator[tuple[int, xml.XmlElement, int, xml.XmlElement]]:
    """Pass 2: (block number, PmtInf element, record number in the block, record), 1-based; each
    record is freed once the consumer moves on. Only after a clean pass 1."""
    parser = _parser(records)
    block = number = 0
    for start in range(0, len(data), _CHUNK):
        parser.feed(data[start:start + _CHUNK])
        for event, element in parser.read_events():
            name = xml.local_name(element.tag)
            parent = element.getparent()
            if event == "start":
                if name == BLOCK:
                    block, number = block + 1, 0
                continue
            if name == records.name and parent is not None and xml.local_name(parent.tag) == BLOCK:
                number += 1
                yield block, parent, number, element
                element.clear()
                parent.remove(element)
            elif name == BLOCK and parent is not None:
                parent.remove(element)
    parser.close()


CREDIT_TRANSFERS: Final = Records("CdtTrfTxInf", "transaction", credit_transfer_amount)


def direct_debit_amount(element: xml.XmlElement, namespace: str) -> Decimal | None:
    """pain.008 `DrctDbtTxInf/InstdAmt`: the amount CtrlSum adds up."""
    amount = element.find(f"{{{namespace}}}InstdAmt")
    return parse_decimal(amount.text) if amount is not None else None


DIRECT_DEBITS: Final = Records("DrctDbtTxInf", "collection", direct_debit_amount)
