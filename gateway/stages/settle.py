"""Settle: book each payment in the double-entry ledger, once, in order per debtor account.

One database transaction per batch (BROKER.md (g): ~100 payments per transaction is the
sweet spot); shard queues have a single active consumer, so an account's payments are
booked in the order they were routed. A transient failure keeps the shard blocked and
retries in place rather than letting later payments overtake.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from gateway import store
from gateway.broker import Delivery
from gateway.outcomes import Forward, Outcome, Park, Reject
from gateway.stages.common import (
    BatchingStage,
    decode,
    payment_message,
    payment_report,
    status_message,
)
from schemas.canonical import Payment
from schemas.codes import TX_STATUS_REJECTED, TX_STATUS_SETTLED
from settlement import ledger


class SettleStage(BatchingStage):
    name = "settle"
    ordered = True

    def queues(self) -> Sequence[str]:
        names = self.context.names
        return [names.shard_queue(n) for n in range(self.context.settings.broker.settle_shards)]

    async def handle(self, batch: Sequence[Delivery]) -> Sequence[Outcome]:
        decoded = [decode(d, Payment) for d in batch]
        requests = [ledger.BookingRequest(p, hashlib.sha256(d.body).digest())
                    for d, p in zip(batch, decoded, strict=True) if isinstance(p, Payment)]
        now = self.context.clock()
        verdicts: dict[str, ledger.Verdict] = {}
        if requests:
            async with self.context.pool.acquire() as connection, connection.transaction():
                for verdict in await ledger.book(connection, requests, now):
                    verdicts[verdict.payment_id] = verdict
                events: list[store.Event] = []
                for request in requests:
                    payment, verdict = request.payment, verdicts[request.payment.payment_id]
                    if verdict.replayed:
                        continue
                    events.append(store.Event(payment.document_id, payment.payment_id, store.ROUTED, "route",
                                              payment.routed_at or now,
                                              detail={"rule": payment.route_rule, "rail": payment.rail,
                                                      "shard": payment.shard}))
                    events.append(store.Event(
                        payment.document_id, payment.payment_id,
                        store.SETTLED if verdict.booked else store.REJECTED, self.name, now,
                        verdict.issue.code if verdict.issue else None,
                        {"debit": verdict.debit_account, "credit": verdict.credit_account,
                         "amount_minor": verdict.amount_minor} if verdict.booked else
                        {"issues": store.issues_json([verdict.issue] if verdict.issue else [])}))
                await store.record_events(connection, events)
        return [item if isinstance(item, Park) else self._outcome(item, verdicts[item.payment_id])
                for item in decoded]

    def _outcome(self, payment: Payment, verdict: ledger.Verdict) -> Outcome:
        names = self.context.names
        at = verdict.decided_at or self.context.clock()
        if not verdict.booked:
            issue = verdict.issue
            assert issue is not None
            report = payment_report(payment, TX_STATUS_REJECTED, self.name, at, (issue,))
            return Reject((issue,), (status_message(names, report),))
        settled = payment.model_copy(update={"settled_at": at, "ledger_booking_id": payment.payment_id})
        report = payment_report(settled, TX_STATUS_SETTLED, self.name, at)
        assert settled.rail is not None
        return Forward([payment_message(names.outbound, settled.rail, settled, "settle"),
                        status_message(names, report)])
