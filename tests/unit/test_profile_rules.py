"""Scheme usage rules as profile data (DOMAIN §4.2): one row per rule, a passing and a failing payment."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from schemas.canonical import Account, Agent, Amount, Party, Payment, RemittanceInfo, Source
from schemas.profiles import Profile, load_profiles
from translators.iso20022.profile_rules import payment_issues

PROFILES = load_profiles(Path(__file__).resolve().parents[2] / "config" / "profiles")
SCT, INST = PROFILES["sepa-sct"], PROFILES["sepa-inst"]

SEPA_PAYMENT = Payment(
    payment_id="p1", document_id="d1", index=0, message_type="pacs.008.001.08", msg_id="MSG-1",
    source=Source(channel="amqp", sender="BANK", format="pacs.008.001.08", received_at=datetime.now(UTC)),
    instr_id="INSTR-1", end_to_end_id="E2E-1", tx_id="TX-1",
    interbank_settlement_amount=Amount(value=Decimal("250.00"), currency="EUR"),
    interbank_settlement_date=date(2026, 11, 25), service_levels=("SEPA",), local_instrument="INST",
    charge_bearer="SLEV", debtor=Party(name="Muster GmbH"), debtor_account=Account(id="DE89370400440532013000"),
    debtor_agent=Agent(bic="COBADEFFXXX"), creditor=Party(name="Atelier Lumiere"),
    creditor_account=Account(id="FR1420041010050500013M02606"), creditor_agent=Agent(bic="BNPAFRPPXXX"),
    remittance=RemittanceInfo(unstructured=("INVOICE 2026-118",)))


def test_a_sepa_payment_passes_both_rulebooks_and_the_generic_profile_adds_nothing() -> None:
    assert payment_issues(SEPA_PAYMENT, SCT, "CdtTrfTxInf[1]") == []
    assert payment_issues(SEPA_PAYMENT, INST, "CdtTrfTxInf[1]") == []
    bare = SEPA_PAYMENT.model_copy(update={"service_levels": (), "debtor_account": None})
    assert payment_issues(bare, PROFILES["iso"], "CdtTrfTxInf[1]") == []


@pytest.mark.parametrize(("profile", "change", "rule", "code", "where"), [
    (SCT, {"service_levels": ("NURG",)}, "profile.service_level", "FF04", "PmtTpInf/SvcLvl/Cd"),
    (INST, {"local_instrument": None}, "profile.local_instrument", "FF05", "PmtTpInf/LclInstrm/Cd"),
    (SCT, {"charge_bearer": "SHAR"}, "profile.charge_bearer", "FF01", "ChrgBr"),
    (SCT, {"debtor_account": Account(id="4711", scheme="BBAN")}, "profile.debtor_iban", "AC02", "DbtrAcct/Id/IBAN"),
    (SCT, {"creditor_account": None}, "profile.creditor_iban", "AC03", "CdtrAcct/Id/IBAN"),
    (SCT, {"debtor": Party(name=None)}, "profile.debtor_name", "RR02", "Dbtr/Nm"),
    (SCT, {"creditor": Party(name=None)}, "profile.creditor_name", "RR03", "Cdtr/Nm"),
    (SCT, {"creditor": Party(name="A" * 71)}, "profile.text_length", "FF01", "Cdtr/Nm"),
    (SCT, {"end_to_end_id": "E2E//1"}, "profile.identifier", "FF08", "PmtId/EndToEndId"),
    (SCT, {"instr_id": "X" * 36}, "profile.identifier", "FF08", "PmtId/InstrId"),
    (SCT, {"creditor": Party(name="Müller AG")}, "profile.character_set", "RR10", "Cdtr/Nm"),
    (SCT, {"remittance": RemittanceInfo(unstructured=("A", "B"))}, "profile.remittance", "RR07", "RmtInf"),
    (SCT, {"remittance": RemittanceInfo(unstructured=("X" * 141,))}, "profile.remittance", "RR07", "RmtInf/Ustrd"),
    (SCT, {"interbank_settlement_amount": Amount(value=Decimal("0.00"), currency="EUR")}, "profile.min_amount",
     "AM01", "IntrBkSttlmAmt"),
    (INST, {"interbank_settlement_amount": Amount(value=Decimal("100000.01"), currency="EUR")},
     "profile.max_amount", "AM02", "IntrBkSttlmAmt"),
])
def test_each_rule_of_the_rulebook_rejects_what_it_forbids(profile: Profile, change: dict[str, Any], rule: str,
                                                            code: str, where: str) -> None:
    found = payment_issues(SEPA_PAYMENT.model_copy(update=change), profile, "CdtTrfTxInf[1]")
    assert [(i.rule, i.code, i.path) for i in found] == [(rule, code, f"CdtTrfTxInf[1]/{where}")]


def test_sct_inst_extends_sct_and_only_adds_its_own_rules() -> None:
    assert INST.service_level == SCT.service_level == "SEPA" and INST.currencies == frozenset({"EUR"})
    assert (INST.local_instrument, SCT.local_instrument) == ("INST", None)
    assert INST.max_amount == Decimal("100000.00") and SCT.max_amount == Decimal("999999999.99")
