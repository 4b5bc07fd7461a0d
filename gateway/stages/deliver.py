"""Deliver: render the rail's message and write it atomically into the rail's outbox.

One pacs.008 per payment, named by the payment id: writing it again after a
redelivery replaces the file with identical bytes, so a payment is never delivered
twice under two names. Output is checked against the official XSD before it is written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from gateway import store
from gateway.adapters.outbox import OutboundFile, remove_orphaned_temporaries, write_batch
from gateway.broker import Delivery
from gateway.config import RailSettings
from gateway.outcomes import Forward, Outcome, Park
from gateway.stages.common import BatchingStage, StageContext, decode, sha256
from schemas.canonical import Agent, Payment
from schemas.issues import Issue
from translators.iso20022 import pacs008
from translators.iso20022.xml import validate_bytes

PACS008_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:{version}"


def outbound_file_name(payment: Payment) -> str:
    return f"pacs008-{payment.payment_id}.xml"


def render_for_rail(payment: Payment, rail: RailSettings, institution_bic: str) -> bytes:
    """The pacs.008 this institution sends on the rail for one settled payment."""
    instructed = Agent(bic=rail.instructed_agent_bic) if rail.instructed_agent_bic else payment.creditor_agent
    us = Agent(bic=institution_bic)
    # we instruct now: whoever instructed us becomes the previous instructing agent (at most 3 kept)
    previous = list(payment.previous_instructing_agents)
    if payment.instructing_agent is not None and payment.instructing_agent.bic != institution_bic:
        previous.append(payment.instructing_agent)
    outbound = payment.model_copy(update={
        "instructing_agent": None, "instructed_agent": None, "previous_instructing_agents": tuple(previous[-3:])})
    created_at = payment.settled_at or payment.routed_at
    if created_at is None:
        raise ValueError(f"payment {payment.payment_id} reached delivery without a settlement time")
    return pacs008.render(
        [outbound], msg_id=payment.payment_id, created_at=created_at,
        settlement_method=rail.settlement_method, clearing_system=rail.clearing_system,
        instructing_agent=us, instructed_agent=instructed, version=rail.format,
    )


class DeliverStage(BatchingStage):
    name = "deliver"

    def __init__(self, context: StageContext) -> None:
        super().__init__(context)
        settings = context.settings.stages.deliver
        self.sync = settings.sync
        self.validate_output = settings.validate_output
        outbox = context.settings.resolved_paths.outbox_dir
        assert outbox is not None
        self.outbox: Path = outbox
        remove_orphaned_temporaries(self.outbox)

    def queues(self) -> Sequence[str]:
        return [self.context.names.deliver_queue(rail) for rail in self.context.settings.rails]

    async def handle(self, batch: Sequence[Delivery]) -> Sequence[Outcome]:
        outcomes, written = await asyncio.to_thread(self._write_files, batch)
        if written:
            now = self.context.clock()
            async with self.context.pool.acquire() as connection, connection.transaction():
                await store.record_deliveries(connection, [(p.payment_id, p.rail or "", name, digest)
                                                           for p, name, digest in written])
                await store.record_events(connection, [
                    store.Event(p.document_id, p.payment_id, store.DELIVERED, self.name, now,
                                detail={"rail": p.rail, "file": name}) for p, name, _ in written])
        return outcomes

    def _write_files(self, batch: Sequence[Delivery]) -> tuple[list[Outcome], list[tuple[Payment, str, bytes]]]:
        outcomes: list[Outcome] = []
        written: list[tuple[Payment, str, bytes]] = []
        files: list[OutboundFile] = []
        settings = self.context.settings
        for delivery in batch:
            payment = decode(delivery, Payment)
            if isinstance(payment, Park):
                outcomes.append(payment)
                continue
            rail = settings.rails.get(payment.rail or "")
            if rail is None:
                outcomes.append(Park(f"no rail {payment.rail!r} configured", (Issue(
                    code="FF01", rule="deliver.unknown_rail", path="rail",
                    message=f"rail {payment.rail!r} is not configured"),)))
                continue
            data = render_for_rail(payment, rail, settings.institution.bic)
            if self.validate_output:
                namespace = PACS008_NAMESPACE.format(version=rail.format)
                issues = validate_bytes(data, self.context.catalogue.schema_for(namespace))
                if issues:
                    outcomes.append(Park("rendered message is not valid against its XSD", tuple(issues[:20])))
                    continue
            name = outbound_file_name(payment)
            files.append(OutboundFile(self.outbox / (payment.rail or "unknown"), name, data))
            written.append((payment, name, sha256(data)))
            outcomes.append(Forward(()))
        write_batch(files, self.sync)      # raises (e.g. ENOSPC): nothing acked, the batch is retried
        return outcomes, written
