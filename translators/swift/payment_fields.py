"""What MT103 and MT202 read and write alike: headers, :32A:, amounts, :36:, :70:, charges, default agents.

Sources: DOMAIN §3.1-3.2 (MT -> canonical), §3.4 (losses). Unconfirmed choices, made
here once for both messages: the end-to-end id is the `/ROC/` reference of :70:, else
`NOTPROVIDED`, and a payment's end-to-end id of at most 16 characters is written back as
a `/ROC/` line (DOMAIN §3.1, unconfirmed); :70: lines join without a separator and are
cut at exactly 35 characters when written (DOMAIN §3.1: Ustrd is the lines joined).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from schemas.canonical import Agent, Amount, Payment, RemittanceInfo
from schemas.issues import Issue
from translators.base import Loss
from translators.mx_mt import mt_date
from translators.swift.fin_text import LINE_WIDTH, Report, chop, fit_lines
from translators.swift.model import Field, FinMessage, InputHeader, swift_issue
from translators.swift.notation import X_SET
from translators.swift.values import format_amount, parse_amount

NOT_PROVIDED: Final = "NOTPROVIDED"               # pacs.008 EndToEndId when the MT has none (DOMAIN §3.1)
END_TO_END_IN_REMITTANCE: Final = 16              # DOMAIN §3.1: an E2E of up to 16 characters goes to /ROC/
REMITTANCE_CODES: Final = ("INV", "IPI", "RFB", "ROC", "TSU")     # :70: codes, DOMAIN §1.5
_NEXT_CODE: Final = re.compile("/(?:" + "|".join(REMITTANCE_CODES) + ")/")
RATE_LENGTH: Final = 12                           # :36: `12d`
# Block 3 tags with no canonical field (DOMAIN §1.3); 121 is the UETR, 119 selects the spec.
_UNKEPT_USER_HEADER: Final = {"103": "service identifier", "113": "banking priority", "108": "message user "
                              "reference (MUR)", "111": "service type identifier", "115": "addressee information",
                              "165": "payment release information", "423": "balance checkpoint",
                              "106": "MIR", "424": "related reference", "433": "sanctions screening information",
                              "434": "payment controls information"}


def bic11(bic: str) -> str:
    return bic if len(bic) == 11 else bic[:8] + "XXX"


def same_bic(first: str | None, second: str | None) -> bool:
    """BIC8 and BIC11 with branch XXX are the same institution (DOMAIN §8.19)."""
    return first is not None and second is not None and bic11(first) == bic11(second)


def is_only_bic(agent: Agent | None, bic: str) -> bool:
    """Whether the agent is just the institution with this BIC (the default a field may leave out)."""
    return agent is not None and same_bic(agent.bic, bic) and agent == Agent(bic=agent.bic)


def unmappable(message: str, path: str) -> Issue:
    return swift_issue("mt.unmappable", message, path)


def read_amount(field: Field | None, offset: int) -> Amount | None:
    """The `3!a15d` amount at `offset` of a field (0 for 33B/71F/71G, 6 for 32A); None if unreadable."""
    if field is None:
        return None
    try:
        return Amount(value=parse_amount(field.value[offset + 3:]), currency=field.value[offset:offset + 3])
    except ValueError:
        return None


def read_settlement(message: FinMessage) -> tuple[date, Amount] | Issue:
    """:32A: value date and settlement amount, or why the payment cannot be built."""
    field = message.field("32A")
    amount = read_amount(field, 6)
    if field is None or amount is None:
        return unmappable(":32A: is missing or its currency and amount cannot be read", ":32A:")
    try:
        return mt_date(field.value[:6]), amount
    except ValueError:
        return unmappable(f":32A: value date {field.value[:6]} is not a date", ":32A:")


def read_rate(field: Field | None, losses: list[Loss]) -> Decimal | None:
    if field is None:
        return None
    try:
        return parse_amount(field.value)
    except ValueError:
        losses.append(Loss(":36:", "", "the exchange rate cannot be read"))
        return None


def rate_text(rate: Decimal, report: Report) -> str | None:
    """A rate as `12d` (decimal comma, at most 12 characters with it); None (reported) if it does not fit."""
    text = format(rate.normalize(), "f")
    integer, _, fraction = text.partition(".")
    written = f"{integer},{fraction}"
    if rate < 0 or len(written) > RATE_LENGTH:
        report.error("mt.render_mandatory", ":36:", f"the exchange rate needs {len(written)} characters; :36: holds "
                     f"{RATE_LENGTH}")
        return None
    return written


def amount_text(amount: Amount, target: str, report: Report) -> str | None:
    """`3!a15d` for an amount; None (an error) when it does not fit the currency or 15 characters."""
    try:
        return amount.currency + format_amount(amount.value, amount.currency)
    except ValueError as exc:
        report.error("mt.render_mandatory", target, f"the amount cannot be written in {target}: {exc}")
        return None


def header_losses(message: FinMessage) -> list[Loss]:
    """Block 2 and 3 information the canonical payment has no field for."""
    losses = [Loss(f"block 3/{{{tag}:}}", "", f"the {_UNKEPT_USER_HEADER[tag]} has no canonical field")
              for tag, _ in message.user_header if tag in _UNKEPT_USER_HEADER]
    if message.validation_flag == "STP":
        losses.append(Loss("block 3/{119:}", "STP", "the STP validation flag is not part of the payment "
                           "(from_payment(variant=\"STP\") writes it again)"))
    header = message.application_header
    if isinstance(header, InputHeader) and header.priority == "U":
        losses.append(Loss("block 2", "", "the urgent delivery priority has no canonical field"))
    losses.extend(Loss(f"block 5/{{{tag}:}}", "", "a possible duplicate trailer has no canonical field")
                  for tag, _ in message.trailer if tag in ("PDE", "PDM"))
    return losses


# --- :70: remittance information and the end-to-end id ---------------------------------------------------

def read_remittance(field: Field | None) -> tuple[RemittanceInfo | None, str | None]:
    """:70: as one unstructured text (lines joined, codes kept) and the `/ROC/` reference, if any.

    A first line holding only `/ROC/reference` is the end-to-end id that `write_remittance` put
    there, not remittance text: it is left out of the text so that a round trip gives it back.
    """
    if field is None:
        return None, None
    lines = field.lines
    end_to_end = None
    for line in lines:
        at = line.find("/ROC/")
        if at >= 0:
            rest = line[at + 5:]
            following = _NEXT_CODE.search(rest)
            end_to_end = (rest[:following.start()] if following else rest).strip() or None
            break
    if end_to_end is not None and lines[0] == "/ROC/" + end_to_end:
        lines = lines[1:]
    text = "".join(lines)
    return (RemittanceInfo(unstructured=(text,)) if text else None), end_to_end


def write_remittance(remittance: RemittanceInfo | None, end_to_end_id: str | None, source: str,
                     report: Report) -> str | None:
    """:70: from unstructured remittance and the end-to-end id (as `/ROC/`); what does not fit is RR08/NARR."""
    text = " ".join(remittance.unstructured) if remittance is not None else ""
    if remittance is not None and remittance.structured:
        report.loss("mt.render_remittance", f"{source}remittance/structured", ":70:", ":70: holds free text only: "
                    f"{len(remittance.structured)} structured remittance block(s) were left out")
    text = report.x_text(text, f"{source}remittance/unstructured", ":70:")
    lines: list[str] = []
    if end_to_end_id and end_to_end_id != NOT_PROVIDED:
        roc = "/ROC/" + end_to_end_id
        if read_remittance(Field("70", text, text, 0, 0))[1] == end_to_end_id:
            pass                                               # already carried inside the text
        elif len(end_to_end_id) <= END_TO_END_IN_REMITTANCE and all(char in X_SET for char in end_to_end_id):
            lines.append(roc)
        else:
            report.loss("mt.render_truncated", f"{source}end_to_end_id", ":70:", "MT103 has no end-to-end id field; "
                        f"one of {len(end_to_end_id)} characters does not fit /ROC/ (at most "
                        f"{END_TO_END_IN_REMITTANCE}, X set): left out")
    lines.extend(chop(text, LINE_WIDTH))
    lines = fit_lines(lines, 4, f"{source}remittance", ":70:", report, rule="mt.render_remittance")
    return "\n".join(lines) if lines else None


def write_regulatory_reporting(lines: tuple[str, ...], report: Report) -> str | None:
    """:77B: (3*35x) from the regulatory reporting lines."""
    written: list[str] = []
    for position, line in enumerate(lines):
        text = report.x_text(line, f"regulatory_reporting[{position}]", ":77B:")
        written.extend(chop(text, LINE_WIDTH) or [""])
    written = fit_lines([line for line in written if line], 3, "regulatory_reporting", ":77B:", report)
    return "\n".join(written) if written else None


def dropped_payment_fields(payment: Payment, names: tuple[str, ...], message_type: str, report: Report) -> None:
    """Report each canonical field in `names` that is set and that the MT message has no place for."""
    for name in names:
        if getattr(payment, name) not in (None, (), False):
            report.loss("mt.render_dropped", name, "block 4", f"MT{message_type} has no field for the payment's "
                        f"{name.replace('_', ' ')}: left out")


def decimal_or_none(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
