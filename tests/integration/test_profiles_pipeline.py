"""A sender's validation profile is applied at intake (channel configuration, DOMAIN §4.2).

A bank configured for SEPA SCT that sends a pacs.008 without service level SEPA and with
SHAR charges gets each payment rejected with the rulebook's reason (FF04 first), and
nothing is booked; the same file from a sender on the default profile settles.
"""

from __future__ import annotations

import pytest

from gateway.cli.submit import submit
from gateway.config import Settings
from gateway.db import connect as db_connect
from tests.conftest import SAMPLES, running_gateway
from tests.integration.test_pipeline import final_view

pytestmark = [pytest.mark.rabbit, pytest.mark.pg]


def with_profile(settings: Settings, sender: str, profile: str) -> Settings:
    intake = settings.stages.intake.model_copy(update={"profiles_by_sender": {sender: profile}})
    return settings.model_copy(update={"stages": settings.stages.model_copy(update={"intake": intake})})


async def test_a_sepa_senders_non_sepa_payment_is_rejected_with_the_rulebooks_reason(settings: Settings) -> None:
    configured = with_profile(settings, "SEPABANK", "sepa-sct")
    async with running_gateway(configured):
        [sepa] = await submit(configured, [SAMPLES / "pacs008-single-eur.xml"], "SEPABANK")
        [plain] = await submit(configured, [SAMPLES / "pacs008-single-eur.xml"], "OTHERBANK")
        rejected = await final_view(configured, sepa.document_id)
        settled = await final_view(configured, plain.document_id)
    assert [(p.final, p.reason_code) for p in rejected.payments] == [("RJCT", "FF04")]
    assert [p.final for p in settled.payments] == ["ACSC"]
    [event] = [e for e in rejected.payments[0].events if e["status"] == "rejected"]
    assert [i["rule"] for i in event["detail"]["issues"]] == ["profile.service_level", "profile.charge_bearer"]
    connection = await db_connect(configured.database)
    try:
        booked = await connection.fetchval("SELECT count(*) FROM settlements WHERE payment_id = $1",
                                           rejected.payments[0].payment_id)
    finally:
        await connection.close()
    assert booked == 0
