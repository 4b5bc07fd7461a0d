"""Deliver: render the rail's message and write it atomically into the rail's outbox.

One message per payment (a pacs.008, or an MT103 / MT202 / MT202 COV on a rail that
speaks SWIFT MT), named by the payment id: writing it again after a redelivery replaces
the file with identical bytes, so a payment is never delivered twice under two names.
Output is checked before it is written: against the official XSD, or by the same network
validation incoming MT messages get.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gateway import store
from gateway.adapters.outbox import OutboundFile, remove_orphaned_temporaries, write_batch
from gateway.broker import Delivery
from gateway.config import RailSettings
from gateway.observability import log_event
from gateway.outcomes import Forward, Outcome, Park
from gateway.stages.common import BatchingStage, StageContext, decode, sha256
from schemas.canonical import Agent, Payment
from schemas.issues import Issue, Severity
from translators.iso20022 import pacs008
from translators.iso20022.apphdr import wrap_with_app_header
from translators.iso20022.xml import validate_bytes
from translators.swift import mt103, mt202

PACS008_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:{version}"


@dataclass(frozen=True)
class Rendered:
    """The rail's message for one payment, or the issues that stop it (then nothing is written)."""

    name: str
    data: bytes = b""
    issues: tuple[Issue, ...] = ()
    losses: tuple[str, ...] = ()                 # what the MT message could not carry, one line each


def outbound_file_name(payment: Payment, rail: RailSettings | None = None) -> str:
    if rail is not None and rail.format == "mt":
        return f"{_mt_type(payment)}-{payment.payment_id}.fin"
    return f"pacs008-{payment.payment_id}.xml"


def _mt_type(payment: Payment) -> str:
    if payment.kind == "customer":
        return "mt103"
    return "mt202cov" if payment.underlying_customer_transfer is not None else "mt202"


def as_instructed_by_us(payment: Payment, institution_bic: str) -> Payment:
    """We instruct now: whoever instructed us becomes a previous instructing agent (at most 3 kept)."""
    previous = list(payment.previous_instructing_agents)
    if payment.instructing_agent is not None and payment.instructing_agent.bic != institution_bic:
        previous.append(payment.instructing_agent)
    return payment.model_copy(update={
        "instructing_agent": None, "instructed_agent": None, "previous_instructing_agents": tuple(previous[-3:])})


def render_for_rail(payment: Payment, rail: RailSettings, institution_bic: str) -> bytes:
    """The pacs.008 this institution sends on the rail for one settled payment."""
    instructed = Agent(bic=rail.instructed_agent_bic) if rail.instructed_agent_bic else payment.creditor_agent
    created_at = payment.settled_at or payment.routed_at
    if created_at is None:
        raise ValueError(f"payment {payment.payment_id} reached delivery without a settlement time")
    return pacs008.render(
        [as_instructed_by_us(payment, institution_bic)], msg_id=payment.payment_id, created_at=created_at,
        settlement_method=rail.settlement_method, clearing_system=rail.clearing_system,
        instructing_agent=Agent(bic=institution_bic), instructed_agent=instructed, version=rail.format,
    )


def next_agent_bic(payment: Payment) -> str | None:
    """Who receives the message when the rail names no correspondent: the first intermediary, else
    the creditor agent, else (a transfer between banks) the beneficiary bank itself."""
    for agent in (*payment.intermediary_agents[:1], payment.creditor_agent):
        if agent is not None and agent.bic:
            return agent.bic
    identification = payment.creditor.identification
    if payment.kind == "institution" and identification is not None:
        return identification.any_bic
    return None


def with_app_header(document: bytes, payment: Payment, rail: RailSettings, institution_bic: str) -> bytes:
    """CBPR+: the Document inside an envelope with its head.001 AppHdr, from us to the instructed agent,
    BizMsgIdr = GrpHdr/MsgId (the payment id)."""
    creditor_agent = payment.creditor_agent.bic if payment.creditor_agent else None
    instructed = rail.instructed_agent_bic or creditor_agent or institution_bic      # as the Document's InstdAgt
    created_at = payment.settled_at or payment.routed_at or datetime.now(UTC)
    return wrap_with_app_header(document, sender_bic=institution_bic, receiver_bic=instructed,
                                msg_id=payment.payment_id, message_name=rail.format, created_at=created_at)


def render_mt(payment: Payment, rail: RailSettings, institution_bic: str) -> Rendered:
    """MT103 (STP when the rail says so) for a customer transfer, MT202 / MT202 COV between banks;
    sent to the rail's correspondent, else to the creditor agent. Re-validated as the network would."""
    name = outbound_file_name(payment, rail)
    receiver = rail.instructed_agent_bic or next_agent_bic(payment)
    if not receiver:
        return Rendered(name, issues=(Issue(code="RC04", rule="deliver.no_receiver", path="CdtrAgt/FinInstnId/BICFI",
                                            message="an MT message needs a receiver BIC: the payment has no creditor "
                                            "agent BIC and the rail names no correspondent"),))
    outbound = as_instructed_by_us(payment, institution_bic)
    if payment.kind == "customer":
        translated = mt103.from_payment(outbound, sender_bic=institution_bic, receiver_bic=receiver,
                                        variant="STP" if rail.mt_stp else None)
    else:
        translated = mt202.from_payment(outbound, sender_bic=institution_bic, receiver_bic=receiver)
    data = translated.value.encode("ascii", "replace")
    # the writers parse their own output again and run the network rules on it (payment_write.finish)
    problems = [i for i in translated.issues if i.severity is Severity.ERROR]
    losses = tuple(f"{loss.path}: {loss.reason}" for loss in translated.losses)
    return Rendered(name, data, tuple(problems), losses)


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
            if rail.format == "mt":
                rendered = render_mt(payment, rail, settings.institution.bic)
                if rendered.issues:
                    outcomes.append(Park("the rendered MT message does not pass network validation",
                                         rendered.issues[:20]))
                    continue
                data, name = rendered.data, rendered.name
                if rendered.losses:
                    log_event("deliver.mt_losses", stage=self.name, payment_id=payment.payment_id,
                              losses=list(rendered.losses))
            else:
                data = render_for_rail(payment, rail, settings.institution.bic)
                if self.validate_output:
                    namespace = PACS008_NAMESPACE.format(version=rail.format)
                    issues = validate_bytes(data, self.context.catalogue.schema_for(namespace))
                    if issues:
                        outcomes.append(Park("rendered message is not valid against its XSD", tuple(issues[:20])))
                        continue
                if rail.app_header:
                    data = with_app_header(data, payment, rail, settings.institution.bic)
                name = outbound_file_name(payment, rail)
            files.append(OutboundFile(self.outbox / (payment.rail or "unknown"), name, data))
            written.append((payment, name, sha256(data)))
            outcomes.append(Forward(()))
        write_batch(files, self.sync)      # raises (e.g. ENOSPC): nothing acked, the batch is retried
        return outcomes, written
