"""Report: every verdict goes back to its sender, in the sender's standard, on its channel.

AMQP senders get a pacs.002 on the reports exchange with their sender id as routing key;
file-drop senders get it as a file in the `reports/` folder of their drop area. Each
verdict is also kept in PostgreSQL (history and the reports table), once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from gateway import store
from gateway.adapters.outbox import OutboundFile, remove_orphaned_temporaries, write_batch
from gateway.broker import H_DOCUMENT_ID, H_PAYMENT_ID, Delivery
from gateway.outcomes import Forward, Outcome, Park, Publish
from gateway.stages.common import BatchingStage, StageContext, decode
from schemas.canonical import StatusReport
from schemas.codes import TX_STATUS_REJECTED
from schemas.issues import Severity
from translators.iso20022 import pacs002, pain002

FILE_CHANNELS = {"filedrop"}


def answers_a_corporate(report: StatusReport) -> bool:
    """A customer's payment initiation (pain.001) is answered with pain.002, everything else with pacs.002."""
    return (report.original_message_type or "").startswith("pain.001")


def report_file_name(report: StatusReport) -> str:
    """`<original file stem>.<transaction number>.<status>.<pacs002|pain002>.xml`: sorts next to the original."""
    stem = Path(report.source.file_name or report.document_id).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    kind = "pain002" if answers_a_corporate(report) else "pacs002"
    if report.payment_id is None:
        return f"{stem}.{report.status}.{kind}.xml"
    return f"{stem}.{(report.index or 0) + 1:05d}.{report.status}.{kind}.xml"


def reason_code(report: StatusReport) -> str | None:
    for issue in report.reasons:
        if issue.severity is Severity.ERROR:
            return issue.code
    return None


class ReportStage(BatchingStage):
    name = "report"

    def __init__(self, context: StageContext) -> None:
        super().__init__(context)
        settings = context.settings.stages.report
        self.version = settings.pacs002_version
        catalogue = context.catalogue
        # pain.002 only in versions whose official XSD is here (each is validated in tests against it)
        self.pain002_versions = tuple(v for v in pain002.SUPPORTED_VERSIONS
                                      if catalogue.schema_for(f"urn:iso:std:iso:20022:tech:xsd:{v}") is not None)
        self.sync = settings.sync
        drop_root = context.settings.resolved_paths.filedrop_dir
        assert drop_root is not None
        self.drop_root: Path = drop_root
        remove_orphaned_temporaries(self.drop_root)

    def queues(self) -> Sequence[str]:
        return [self.context.names.work_queue("report")]

    async def handle(self, batch: Sequence[Delivery]) -> Sequence[Outcome]:
        decoded = [decode(d, StatusReport) for d in batch]
        reports = [r for r in decoded if isinstance(r, StatusReport)]
        rendered = await asyncio.to_thread(self._render_and_write, reports)
        now = self.context.clock()
        events: list[store.Event] = []
        records: list[store.ReportRecord] = []
        for report, (_, destination) in zip(reports, rendered, strict=True):
            code = reason_code(report)
            if report.status == TX_STATUS_REJECTED:
                events.append(store.Event(report.document_id, report.payment_id, store.REJECTED, report.stage,
                                          report.created_at, code,
                                          {"issues": store.issues_json(report.reasons[:20])}))
            events.append(store.Event(report.document_id, report.payment_id, store.REPORTED, self.name, now, code,
                                      {"status": report.status, "channel": report.source.channel,
                                       "destination": destination}))
            records.append(store.ReportRecord(report.report_id, report.document_id, report.payment_id,
                                              report.status, code, report.source.channel, destination,
                                              self.version_for(report)))
        if reports:
            async with self.context.pool.acquire() as connection, connection.transaction():
                await store.record_events(connection, events)
                await store.record_reports(connection, records)
        by_id = {r.report_id: out for r, out in zip(reports, rendered, strict=True)}
        outcomes: list[Outcome] = []
        for item in decoded:
            if isinstance(item, Park):
                outcomes.append(item)
                continue
            message, _ = by_id[item.report_id]
            outcomes.append(Forward([message] if message is not None else []))
        return outcomes

    def version_for(self, report: StatusReport) -> str:
        if answers_a_corporate(report) and self.pain002_versions:
            return pain002.answer_version(report.original_message_type, self.pain002_versions)
        return self.version

    def _render(self, report: StatusReport) -> tuple[bytes, str]:
        version = self.version_for(report)
        renderer = pain002.render if version.startswith("pain.002") else pacs002.render
        return renderer([report], msg_id=report.report_id, created_at=report.created_at, version=version), version

    def _render_and_write(self, reports: Sequence[StatusReport]) -> list[tuple[Publish | None, str]]:
        """Files are written here (durable before the ack); AMQP replies are returned to publish."""
        out: list[tuple[Publish | None, str]] = []
        files: list[OutboundFile] = []
        for report in reports:
            data, version = self._render(report)
            if report.source.channel in FILE_CHANNELS:
                folder = self.drop_root / report.source.sender / "reports"
                name = report_file_name(report)
                files.append(OutboundFile(folder, name, data))
                out.append((None, f"{report.source.sender}/reports/{name}"))
                continue
            routing_key = report.source.reply_to or report.source.sender
            out.append((Publish(
                exchange=self.context.names.reports, routing_key=routing_key, body=data,
                message_id=report.report_id, type=version, content_type="application/xml",
                correlation_id=report.source.submission_id,
                headers={H_DOCUMENT_ID: report.document_id, H_PAYMENT_ID: report.payment_id or "",
                         "x-gw-status": report.status, "x-gw-reason-code": reason_code(report) or "",
                         "x-gw-original-msg-id": report.original_msg_id or "",
                         "x-gw-original-end-to-end-id": report.original_end_to_end_id or ""},
            ), f"amqp:{routing_key}"))
        write_batch(files, self.sync)
        return out
