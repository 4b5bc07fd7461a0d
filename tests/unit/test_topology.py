"""Topology as data: every stage has a quorum work queue, a dead-letter route to its
parking queue, retry tiers that lead back to the work queue, and one name prefix."""

from __future__ import annotations

import json

from gateway.config import load_settings
from gateway.topology import STAGES, build_topology, definitions, tier_name
from tests.conftest import ROOT


def topology(**broker: object):  # type: ignore[no-untyped-def]
    return build_topology(load_settings(broker={"prefix": "x.", **broker}))


def test_every_work_queue_is_a_quorum_queue_that_dead_letters_to_its_stage() -> None:
    topo = topology()
    for queue in topo.work_queues():
        args = queue.arguments
        assert args["x-queue-type"] == "quorum"
        assert args["x-dead-letter-exchange"] == f"x.gw.dlx.{queue.stage}"
        assert args["x-dead-letter-strategy"] == "at-least-once"
        assert args["x-overflow"] == "reject-publish"   # required for at-least-once dead-lettering
        assert args["x-delivery-limit"] == 10


def test_each_stage_has_a_parking_queue_bound_to_its_dead_letter_exchange() -> None:
    topo = topology()
    for stage in STAGES:
        assert topo.queue(f"x.gw.parked.{stage}").role == "parked"
        assert any(b.exchange == f"x.gw.dlx.{stage}" and b.queue == f"x.gw.parked.{stage}" for b in topo.bindings)


def test_retry_tiers_return_to_the_work_queue_they_came_from() -> None:
    topo = topology(retry_tiers=[5, 30, 300, 1800])
    assert [tier_name(t) for t in (5, 30, 300, 1800)] == ["5s", "30s", "5m", "30m"]
    retry = topo.queue("x.gw.retry.settle.5m")
    assert retry.arguments["x-message-ttl"] == 360_000          # 1.2 x 5 minutes: the cap
    assert retry.arguments["x-dead-letter-exchange"] == "x.gw.redrive"
    shard0 = "x.gw.settle.s00"
    assert any(b.exchange == "x.gw.retry.5m" and b.queue == "x.gw.retry.settle.5m" and b.routing_key == shard0
               for b in topo.bindings)
    assert any(b.exchange == "x.gw.redrive" and b.queue == shard0 and b.routing_key == shard0 for b in topo.bindings)


def test_settlement_shards_have_a_single_active_consumer() -> None:
    topo = topology(settle_shards=3)
    shards = topo.work_queues("settle")
    assert [q.name for q in shards] == ["x.gw.settle.s00", "x.gw.settle.s01", "x.gw.settle.s02"]
    assert all(q.arguments["x-single-active-consumer"] is True for q in shards)


def test_every_name_carries_the_prefix() -> None:
    topo = topology()
    assert all(e.name.startswith("x.gw.") for e in topo.exchanges)
    assert all(q.name.startswith("x.gw.") for q in topo.queues)


def test_reports_for_senders_without_a_queue_are_kept_not_dropped() -> None:
    topo = topology()
    reports = next(e for e in topo.exchanges if e.name == "x.gw.reports")
    assert reports.arguments == {"alternate-exchange": "x.gw.reports.unrouted"}
    assert topo.queue("x.gw.reports.unrouted").role == "outlet"


def test_committed_definitions_file_matches_the_default_configuration() -> None:
    """rabbitmq/definitions.json is generated from the same source (`make definitions`)."""
    committed = json.loads((ROOT / "rabbitmq" / "definitions.json").read_text())
    generated = definitions(build_topology(load_settings(ROOT / "config" / "gateway.yaml")))
    assert committed == generated
