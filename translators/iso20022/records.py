"""Turning each streamed record of an FI to FI message into a canonical payment, the same way
for every message: a record that cannot be read becomes a rejected transaction with the
element that is missing, never an exception (possible only without an XSD)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Protocol, TypeVar

from pydantic import ValidationError

from schemas.canonical import Payment
from schemas.codes import RULES
from schemas.issues import Issue
from schemas.profiles import Profile
from translators.base import DocumentReading, ReadContext, TransactionReading
from translators.iso20022 import xml
from translators.iso20022.common import Node
from translators.iso20022.opening import Opened

T = TypeVar("T")


class GroupHeader(Protocol):
    """What every FI to FI reader keeps of GrpHdr."""

    @property
    def msg_id(self) -> str: ...

    @property
    def created(self) -> datetime | None: ...


G = TypeVar("G", bound=GroupHeader)


class Unreadable(Exception):
    """A mandatory element is missing or unreadable (only possible without an XSD)."""

    def __init__(self, path: str) -> None:
        super().__init__(path.rpartition("/")[2])
        self.path = path


def must(value: T | None, node: Node, name: str) -> T:
    """`value`, read from `node`'s child `name`; Unreadable when it is not there."""
    if value is None:
        raise Unreadable(f"{node.path}/{name}")
    return value


def _issue(rule: str, path: str, message: str) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message)


def payment_readings(data: bytes, *, record: str, profile: Profile, read: Callable[[Node, int], Payment],
                     check: Callable[[Node, Payment], list[Issue]],
                     reference: Callable[[Payment], str | None] = lambda payment: None,
                     ) -> Iterator[TransactionReading]:
    """Each `record` of `data` read (`read`) and checked (`check`), with the profile's rules applied."""
    for index, element in enumerate(xml.iter_records(data, record=record)):
        node = Node(element, f"{record}[{index + 1}]")
        try:
            payment = read(node, index)
        except Unreadable as exc:
            yield TransactionReading(index, None, (_issue("iso.structure", exc.path,
                                                          f"{exc} is missing or cannot be read"),))
            continue
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            yield TransactionReading(index, None, (_issue(
                "iso.structure", node.path, f"the transaction cannot be read ({where}: {first['msg']})"),))
            continue
        issues = check(node, payment)
        if profile.rules_off:
            issues = [i for i in issues if i.rule not in profile.rules_off]
        yield TransactionReading(index, payment, tuple(issues), reference=reference(payment))


def read_fi_to_fi(opened: Opened, context: ReadContext, *, record: str,
                  on_record: Callable[[xml.XmlElement, int], None], record_issues: Callable[[], list[Issue]],
                  read_group: Callable[[Node], G | None],
                  group_issues: Callable[[Node, G, int], list[Issue]],
                  transactions: Callable[[bytes, str, G, ReadContext], Iterator[TransactionReading]],
                  max_issues: int) -> DocumentReading:
    """The two passes of an FI to FI message (pacs.008, pacs.009): pass 1 streams the document with
    its XSD, `on_record` counting each record, then checks the group header (`group_issues`); only
    an accepted document gets pass 2, `transactions`, streamed again from the bytes."""
    profile, version = context.profile, opened.version
    streamed = xml.stream_document(opened.data, record=record, limits=profile.limits, schema=opened.schema,
                                   on_record=on_record, max_issues=max_issues)
    issues = list(opened.issues) + streamed.issues + record_issues()
    message = streamed.message
    element = message.find(f"{{{opened.located.namespace}}}GrpHdr") if message is not None else None
    header = Node(element, "GrpHdr") if element is not None else None
    group = read_group(header) if header is not None else None
    if streamed.complete and (header is None or group is None):
        issues.append(_issue("iso.structure", "GrpHdr", "the message has no group header"))
    elif streamed.complete and header is not None and group is not None:
        issues += group_issues(header, group, streamed.records)
    count = (header.get("NbOfTxs") or "") if header is not None else ""
    if profile.rules_off:
        issues = [i for i in issues if i.rule not in profile.rules_off]
    reading = DocumentReading(
        format=version, issues=issues, msg_id=group.msg_id if group else None,
        creation_date_time=group.created if group else None,
        number_of_transactions=int(count) if count.isdigit() else streamed.records)
    if group is not None and reading.accepted:
        body, inherited = opened.data, group
        reading._transactions = lambda: xml.confined(
            lambda: transactions(body, version, inherited, context), size=len(body))
    return reading

