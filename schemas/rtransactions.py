"""R-transactions in the canonical model: payment returns (pacs.004) and recall requests (camt.056).

These are not payments: a return sends back money an earlier payment settled, a recall asks the
beneficiary's bank to do so (DOMAIN §4.3). Both refer to the original payment by its ids
(OrgnlMsgId, OrgnlInstrId, OrgnlEndToEndId, OrgnlTxId, OrgnlUETR), which is how they are matched
to it. Field names follow the payments domain; the element each maps to is noted
(pacs.004.001.10 `PmtRtr/TxInf/...`, camt.056.001.09 `FIToFIPmtCxlReq/Undrlyg/TxInf/...`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field, model_validator

from schemas.canonical import Agent, Amount, Charge, Model, Party, Source, stable_id


class ReturnReason(Model):
    """RtrRsnInf / CxlRsnInf: a code of the external list (`Rsn/Cd`) or a proprietary one
    (`Rsn/Prtry`), who gave it (`Orgtr`) and free text (`AddtlInf`, Max105Text each)."""

    code: str | None = None
    proprietary: str | None = None
    originator: Party | None = None
    additional_info: tuple[str, ...] = ()


class CaseParty(Model):
    """Party40Choice (camt.056 Assgnr, Assgne, Case/Cretr): an agent or a party, exactly one."""

    agent: Agent | None = None
    party: Party | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> CaseParty:
        if (self.agent is None) == (self.party is None):
            raise ValueError("a case party is either an agent or a party")
        return self


class OriginalReference(Model):
    """The ids of the payment a return or recall is about (OrgnlGrpInf and Orgnl* elements)."""

    message_id: str | None = None                # OrgnlGrpInf/OrgnlMsgId
    message_name_id: str | None = None           # OrgnlGrpInf/OrgnlMsgNmId, e.g. pacs.008.001.08
    creation_date_time: datetime | None = None   # OrgnlGrpInf/OrgnlCreDtTm
    instr_id: str | None = None                  # OrgnlInstrId
    end_to_end_id: str | None = None             # OrgnlEndToEndId
    tx_id: str | None = None                     # OrgnlTxId
    uetr: str | None = None                      # OrgnlUETR
    clearing_system_reference: str | None = None  # OrgnlClrSysRef
    interbank_settlement_amount: Amount | None = None  # OrgnlIntrBkSttlmAmt
    interbank_settlement_date: date | None = None      # OrgnlIntrBkSttlmDt


class PaymentReturn(Model):
    """One returned transaction of a pacs.004 payment return (`PmtRtr/TxInf`, PaymentTransaction118)."""

    type: Literal["PaymentReturn/1"] = "PaymentReturn/1"
    return_id: str                               # the gateway's id (stable per document and index)
    document_id: str
    index: int = Field(ge=0)
    source: Source
    message_type: str                            # pacs.004.001.10
    msg_id: str                                  # GrpHdr/MsgId
    creation_date_time: datetime | None = None   # GrpHdr/CreDtTm
    return_identification: str | None = None     # TxInf/RtrId
    original: OriginalReference = OriginalReference()
    returned_interbank_settlement_amount: Amount  # RtrdIntrBkSttlmAmt
    interbank_settlement_date: date | None = None  # TxInf/IntrBkSttlmDt, else GrpHdr/IntrBkSttlmDt
    returned_instructed_amount: Amount | None = None  # RtrdInstdAmt
    settlement_method: str | None = None         # GrpHdr/SttlmInf/SttlmMtd
    clearing_system: str | None = None           # GrpHdr/SttlmInf/ClrSys
    charge_bearer: str | None = None             # ChrgBr
    charges: tuple[Charge, ...] = ()             # ChrgsInf
    reasons: tuple[ReturnReason, ...] = ()       # RtrRsnInf (else the group's OrgnlGrpInf/RtrRsnInf)
    instructing_agent: Agent | None = None       # TxInf/InstgAgt, else GrpHdr/InstgAgt
    instructed_agent: Agent | None = None        # TxInf/InstdAgt, else GrpHdr/InstdAgt

    @property
    def reason_code(self) -> str | None:
        """The first reason's code (ExternalReturnReason1Code), or its proprietary value."""
        return next((r.code or r.proprietary for r in self.reasons if r.code or r.proprietary), None)


class RecallRequest(Model):
    """One transaction of a camt.056 FI to FI payment cancellation request (a recall:
    `FIToFIPmtCxlReq/Undrlyg/TxInf`, PaymentTransaction120, with the message's Assgnmt and Case)."""

    type: Literal["RecallRequest/1"] = "RecallRequest/1"
    recall_id: str                               # the gateway's id (stable per document and index)
    document_id: str
    index: int = Field(ge=0)
    source: Source
    message_type: str                            # camt.056.001.09
    assignment_id: str                           # Assgnmt/Id
    assigner: CaseParty                          # Assgnmt/Assgnr
    assignee: CaseParty                          # Assgnmt/Assgne
    creation_date_time: datetime | None = None   # Assgnmt/CreDtTm
    case_id: str | None = None                   # TxInf/Case/Id, else Undrlyg/OrgnlGrpInfAndCxl/Case, else Case/Id
    case_creator: CaseParty | None = None        # .../Case/Cretr
    cancellation_id: str | None = None           # TxInf/CxlId
    original: OriginalReference = OriginalReference()
    reasons: tuple[ReturnReason, ...] = ()       # CxlRsnInf (else the group's OrgnlGrpInfAndCxl/CxlRsnInf)

    @property
    def reason_code(self) -> str | None:
        """The first reason's code (ExternalCancellationReason1Code), or its proprietary value."""
        return next((r.code or r.proprietary for r in self.reasons if r.code or r.proprietary), None)

    @property
    def originator(self) -> Party | None:
        """Who asked for the recall (CxlRsnInf/Orgtr)."""
        return next((r.originator for r in self.reasons if r.originator is not None), None)


def return_id_for(document_id: str, index: int) -> str:
    """Deterministic, so a redelivered pacs.004 produces the same return ids."""
    return stable_id("return", document_id, str(index))


def recall_id_for(document_id: str, index: int) -> str:
    """Deterministic, so a redelivered camt.056 produces the same recall ids."""
    return stable_id("recall", document_id, str(index))
