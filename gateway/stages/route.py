"""Route: choose the rail by the routing table and the settlement shard by the debtor account."""

from __future__ import annotations

from collections.abc import Sequence

from gateway.broker import Delivery
from gateway.outcomes import Forward, Outcome, Park, Reject
from gateway.stages.common import (
    BatchingStage,
    StageContext,
    decode,
    payment_message,
    payment_report,
    status_message,
)
from gateway.topology import shard_key
from routers.rules import RouteRule, RuleTable
from schemas.canonical import Payment
from schemas.codes import TX_STATUS_REJECTED
from schemas.issues import Issue


def rule_table(context: StageContext) -> RuleTable:
    settings = context.settings
    rules = [RouteRule(r.id, frozenset(r.currencies), r.rail, frozenset(r.kinds)) for r in settings.routing.rules]
    carries = {name: rail.carries for name, rail in settings.rails.items()}
    return RuleTable(rules, settings.broker.settle_shards, carries)


class RouteStage(BatchingStage):
    name = "route"

    def __init__(self, context: StageContext) -> None:
        super().__init__(context)
        self.table = rule_table(context)

    def queues(self) -> Sequence[str]:
        return [self.context.names.work_queue("route")]

    async def handle(self, batch: Sequence[Delivery]) -> Sequence[Outcome]:
        return [self._one(delivery) for delivery in batch]

    def _one(self, delivery: Delivery) -> Outcome:
        payment = decode(delivery, Payment)
        if isinstance(payment, Park):
            return payment
        now = self.context.clock()
        decision = self.table.route(payment)
        if isinstance(decision, Issue):
            report = payment_report(payment, TX_STATUS_REJECTED, self.name, now, (decision,))
            return Reject((decision,), (status_message(self.context.names, report),))
        routed = payment.model_copy(update={
            "rail": decision.rail, "route_rule": decision.rule_id, "shard": decision.shard, "routed_at": now})
        return Forward([payment_message(self.context.names.routed, shard_key(decision.shard), routed, "route")])
