"""Turning each streamed record of an FI to FI message into a canonical payment, the same way
for every message: a record that cannot be read becomes a rejected transaction with the
element that is missing, never an exception (possible only without an XSD)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from pydantic import ValidationError

from schemas.canonical import Payment
from schemas.codes import RULES
from schemas.issues import Issue
from schemas.profiles import Profile
from translators.base import TransactionReading
from translators.iso20022 import xml
from translators.iso20022.common import Node

T = TypeVar("T")


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
