"""The canonical direct debit collection (pain.008 `DrctDbtTxInf`, SEPA SDD Core and B2B).

A collection is not a `Payment`: in a credit transfer the debtor pushes money, in a direct
debit the creditor's bank pulls it from the debtor's account, and may do so only under a
mandate the debtor signed (`MndtRltdInf`) and for a creditor known by its scheme id
(`CdtrSchmeId`). The sequence type (first, recurrent, final, one-off) and the requested
collection date drive the scheme's timing, and the debtor may be refunded later: none of
that fits the credit-transfer model, so collections get their own model and, later, their
own pipeline. Field names are the domain's words; the element of pain.008.001.08 each one
maps to is noted where it is not obvious.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from schemas.canonical import Account, Agent, Amount, Model, Party, RemittanceInfo, Source, stable_id

SequenceType = Literal["FRST", "RCUR", "OOFF", "FNAL", "RPRE"]   # SequenceType3Code (RPRE from .08)


class MandateAmendment(Model):
    """`MndtRltdInf/AmdmntInfDtls`: what the mandate said before it was amended (the original values)."""

    original_mandate_id: str | None = None
    original_creditor_scheme_id: str | None = None       # OrgnlCdtrSchmeId/Id/PrvtId/Othr/Id
    original_creditor_name: str | None = None            # OrgnlCdtrSchmeId/Nm
    original_creditor_agent: Agent | None = None
    original_debtor: Party | None = None
    original_debtor_account: Account | None = None       # SEPA: "SMNDA" in Othr/Id for a same-mandate new account
    original_debtor_agent: Agent | None = None
    original_final_collection_date: date | None = None
    original_frequency: str | None = None


class Mandate(Model):
    """`DrctDbtTx/MndtRltdInf`: the debtor's authorisation the creditor collects under."""

    mandate_id: str | None = None                        # MndtId (EPC AT-01)
    date_of_signature: date | None = None                # DtOfSgntr (EPC AT-25)
    amendment_indicator: bool = False                    # AmdmntInd
    amendment: MandateAmendment | None = None            # AmdmntInfDtls (EPC AT-24)
    electronic_signature: str | None = None              # ElctrncSgntr (e-mandates)
    first_collection_date: date | None = None
    final_collection_date: date | None = None
    frequency: str | None = None                         # Frqcy (.02: code; .08+: Tp code)


class Collection(Model):
    """One direct debit collection, whatever pain.008 version it arrived in."""

    type: Literal["Collection/1"] = "Collection/1"
    collection_id: str
    document_id: str
    index: int = Field(ge=0)
    source: Source
    message_type: str                                    # pain.008.001.02, pain.008.001.08...

    # identifiers
    msg_id: str                                          # GrpHdr/MsgId
    creation_date_time: datetime | None = None
    payment_information_id: str | None = None            # PmtInf/PmtInfId
    instr_id: str | None = None
    end_to_end_id: str | None = None
    uetr: str | None = None                              # PmtId/UETR (.08+)

    # amount, date and payment type
    instructed_amount: Amount                            # DrctDbtTxInf/InstdAmt
    requested_collection_date: date | None = None        # PmtInf/ReqdColltnDt
    sequence_type: SequenceType | None = None            # PmtTpInf/SeqTp
    local_instrument: str | None = None                  # PmtTpInf/LclInstrm: CORE, B2B
    service_levels: tuple[str, ...] = ()                 # PmtTpInf/SvcLvl: SEPA
    instruction_priority: str | None = None
    category_purpose: str | None = None
    purpose: str | None = None
    charge_bearer: str | None = None                     # SLEV in SEPA

    # the creditor side (PmtInf level) and the scheme
    initiating_party: Party | None = None
    creditor: Party
    creditor_account: Account | None = None
    creditor_agent: Agent | None = None
    ultimate_creditor: Party | None = None
    creditor_scheme_id: str | None = None                # CdtrSchmeId/Id/PrvtId/Othr/Id (EPC AT-02)
    creditor_scheme_name: str | None = None              # .../Othr/SchmeNm/Prtry: SEPA
    mandate: Mandate | None = None
    pre_notification_id: str | None = None
    pre_notification_date: date | None = None

    # the debtor side (transaction level)
    debtor: Party
    debtor_account: Account | None = None
    debtor_agent: Agent | None = None
    ultimate_debtor: Party | None = None

    remittance: RemittanceInfo | None = None


def collection_id_for(document_id: str, index: int) -> str:
    """Deterministic like `payment_id_for`, so a redelivered document gives the same ids."""
    return stable_id("collection", document_id, str(index))
