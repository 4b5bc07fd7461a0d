"""pain.002 customer payment status report: the answer to a corporate's pain.001 (DOMAIN §2.6).

A corporate correlates by its own ids: the original message (OrgnlGrpInfAndSts), the
payment information block its transfer came in (OrgnlPmtInfAndSts/OrgnlPmtInfId), and
the transaction's InstrId / EndToEndId (and UETR from .10 on). A document-level verdict
sets GrpSts with its reasons; transaction verdicts are grouped under their PmtInf. The
reason codes and AddtlInf lines are written as in pacs.002 (`pacs002.write_reasons`).

Versions: pain.002.001.03 (answers pain.001.001.03) and the newer ones whose paths agree
for what is written here (.10 onwards add OrgnlUETR).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from lxml import etree

from schemas.canonical import StatusReport
from translators.iso20022.common import add, container, new_message
from translators.iso20022.pacs002 import original_msg_id, render_original_group, write_reasons

SUPPORTED_VERSIONS: Final = ("pain.002.001.03", "pain.002.001.10", "pain.002.001.11", "pain.002.001.12")
MESSAGE: Final = "CstmrPmtStsRpt"
UNKNOWN_PAYMENT_INFORMATION: Final = "NOTPROVIDED"
_WITH_UETR: Final = frozenset({"pain.002.001.10", "pain.002.001.11", "pain.002.001.12"})
# The pain.002 a pain.001 version is answered with (the pairs of one ISO maintenance release).
ANSWER_TO: Final = {"pain.001.001.03": "pain.002.001.03", "pain.001.001.09": "pain.002.001.10",
                    "pain.001.001.10": "pain.002.001.11", "pain.001.001.11": "pain.002.001.12"}


def answer_version(original: str | None, available: Sequence[str] = SUPPORTED_VERSIONS) -> str:
    """The pain.002 version that answers `original` when it is available, else the newest available."""
    wanted = ANSWER_TO.get(original or "")
    if wanted in available:
        return wanted  # type: ignore[return-value]
    return max(available)


def render(reports: Sequence[StatusReport], *, msg_id: str, created_at: datetime,
           version: str = "pain.002.001.03") -> bytes:
    """A pain.002 for the verdicts in `reports` (all on payments of one original message or document)."""
    if not reports:
        raise ValueError("a status report needs at least one verdict")
    document, message, _ = new_message(version, SUPPORTED_VERSIONS, MESSAGE, msg_id, created_at)
    groups: dict[str, list[StatusReport]] = {}
    for report in reports:
        groups.setdefault(original_msg_id(report), []).append(report)
    for original, members in groups.items():
        render_original_group(message, original, members)
    blocks: dict[str, list[StatusReport]] = {}
    for report in reports:
        if report.payment_id is not None:
            blocks.setdefault(report.original_payment_information_id or UNKNOWN_PAYMENT_INFORMATION,
                              []).append(report)
    for block, members in blocks.items():
        payment_information = container(message, "OrgnlPmtInfAndSts")
        add(payment_information, "OrgnlPmtInfId", block)
        for report in members:
            _render_transaction(payment_information, report, version)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)  # type: ignore[no-any-return]


def _render_transaction(parent: etree._Element, report: StatusReport, version: str) -> None:
    transaction = container(parent, "TxInfAndSts")
    add(transaction, "OrgnlInstrId", report.original_instr_id)
    add(transaction, "OrgnlEndToEndId", report.original_end_to_end_id)
    if version in _WITH_UETR:
        add(transaction, "OrgnlUETR", report.original_uetr)
    add(transaction, "TxSts", report.status)
    write_reasons(transaction, report.reasons)
