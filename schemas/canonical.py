"""The canonical model: the one shape every format translates to and from.

Nothing else crosses a stage boundary. Models are immutable (change one with
`model_copy(update=...)`), money is `Decimal` (a float is refused), and every wire
model carries `type = "<Model>/<major>"` so consumers can tell versions apart.
Field names are the payments domain's words; the ISO 20022 element each one maps
to is noted where it is not obvious (pacs.008.001.08, `CdtTrfTxInf/...`).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from schemas.issues import Issue

CANONICAL_VERSION = 1


def _no_float(value: object) -> object:
    """Money never passes through binary floating point."""
    if isinstance(value, float):
        raise ValueError("money must be a Decimal or a decimal string, never a float")
    return value


Money = Annotated[Decimal, BeforeValidator(_no_float)]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Amount(Model):
    """An amount in one ISO 4217 currency (ActiveCurrencyAndAmount: value + @Ccy)."""

    value: Money = Field(ge=0)
    currency: CurrencyCode


class PostalAddress(Model):
    """PostalAddress24: structured elements and/or up to 7 free address lines."""

    address_type: str | None = None
    department: str | None = None
    sub_department: str | None = None
    street_name: str | None = None
    building_number: str | None = None
    building_name: str | None = None
    floor: str | None = None
    post_box: str | None = None
    room: str | None = None
    post_code: str | None = None
    town_name: str | None = None
    town_location_name: str | None = None
    district_name: str | None = None
    country_subdivision: str | None = None
    country: str | None = None
    address_lines: tuple[str, ...] = ()


class GenericIdentification(Model):
    """An `Othr` identification: the id plus its scheme (code or proprietary) and issuer."""

    id: str
    scheme_code: str | None = None
    scheme_proprietary: str | None = None
    issuer: str | None = None


class PartyIdentification(Model):
    """`Id/OrgId` (BIC, LEI, others) or `Id/PrvtId` (birth data, others)."""

    kind: Literal["organisation", "private"]
    any_bic: str | None = None
    lei: str | None = None
    birth_date: date | None = None
    birth_province: str | None = None
    birth_city: str | None = None
    birth_country: str | None = None
    others: tuple[GenericIdentification, ...] = ()


class Party(Model):
    """A debtor, creditor, ultimate party or initiating party."""

    name: str | None = None
    postal_address: PostalAddress | None = None
    identification: PartyIdentification | None = None
    country_of_residence: str | None = None


class Account(Model):
    """An account: an IBAN, or another id with its scheme (e.g. a US account number,
    whose bank is the agent's ABA routing number)."""

    id: str
    scheme: str = "IBAN"               # "IBAN", or SchmeNm/Cd (BBAN, CUID...) / SchmeNm/Prtry
    scheme_is_proprietary: bool = False
    issuer: str | None = None
    currency: CurrencyCode | None = None
    name: str | None = None
    type_code: str | None = None        # Tp/Cd: CACC, SVGS...

    @property
    def is_iban(self) -> bool:
        return self.scheme == "IBAN"


class Agent(Model):
    """A financial institution: BIC, or clearing system member id (+ name/address)."""

    bic: str | None = None
    clearing_system: str | None = None  # ClrSysMmbId/ClrSysId/Cd, e.g. USABA, GBDSC
    member_id: str | None = None        # ClrSysMmbId/MmbId
    lei: str | None = None
    name: str | None = None
    postal_address: PostalAddress | None = None
    other_id: GenericIdentification | None = None
    branch_id: str | None = None
    account: Account | None = None      # the agent's account (IntrmyAgt1Acct, DbtrAgtAcct...)


class Charge(Model):
    """ChrgsInf: an amount taken by an agent (MT 71F / 71G)."""

    amount: Amount
    agent: Agent


class Instruction(Model):
    """InstrForCdtrAgt / InstrForNxtAgt: a code and/or free text."""

    code: str | None = None
    text: str | None = None


class TimeIndication(Model):
    """A settlement time: MT 13C (CLSTIME, RNCTIME, SNDTIME); pacs.008 SttlmTmReq / SttlmTmIndctn."""

    code: str
    at: time                                     # with its UTC offset


class ReferredDocument(Model):
    type_code: str | None = None        # CINV, CREN...
    number: str | None = None
    related_date: date | None = None


class CreditorReference(Model):
    """CdtrRefInf: e.g. an ISO 11649 RF reference with type SCOR."""

    type_code: str | None = None
    type_proprietary: str | None = None
    issuer: str | None = None
    reference: str | None = None


class StructuredRemittance(Model):
    referred_documents: tuple[ReferredDocument, ...] = ()
    due_payable_amount: Amount | None = None
    remitted_amount: Amount | None = None
    creditor_reference: CreditorReference | None = None
    additional_info: tuple[str, ...] = ()


class RemittanceInfo(Model):
    unstructured: tuple[str, ...] = ()
    structured: tuple[StructuredRemittance, ...] = ()


Channel = Literal["amqp", "filedrop", "sftp", "cli"]


class Source(Model):
    """Where a document came from, and so where its status reports go back."""

    channel: Channel
    sender: str
    format: str                          # detected format id: pacs.008.001.08, mt103, nacha...
    received_at: datetime
    file_name: str | None = None
    reply_to: str | None = None          # AMQP: routing key for reports (default: the sender id)
    submission_id: str | None = None     # AMQP message_id of the submission, echoed as correlation id


class UnderlyingCustomerTransfer(Model):
    """The customer transfer a cover payment pays for (MT202 COV sequence B; pacs.009 UndrlygCstmrCdtTrf)."""

    debtor: Party
    debtor_account: Account | None = None
    debtor_agent: Agent | None = None
    intermediary_agents: tuple[Agent, ...] = ()
    creditor_agent: Agent | None = None
    creditor: Party
    creditor_account: Account | None = None
    remittance: RemittanceInfo | None = None
    instructed_amount: Amount | None = None
    instructions_for_creditor_agent: tuple[Instruction, ...] = ()
    instructions_for_next_agent: tuple[Instruction, ...] = ()


class Payment(Model):
    """One credit transfer, whatever format it arrived in.

    `kind` says whose money moves: a customer credit transfer (pacs.008, MT103) or a transfer
    between financial institutions (pacs.009, MT202), where debtor and creditor are banks
    (identified by `Party.identification.any_bic`) and a cover payment carries the customer
    transfer it covers in `underlying_customer_transfer`.
    """

    type: Literal["Payment/1"] = "Payment/1"
    payment_id: str
    document_id: str
    index: int = Field(ge=0)
    source: Source
    message_type: str                    # pacs.008.001.08, mt103...

    # scheme identifiers
    msg_id: str                          # GrpHdr/MsgId (MT :20: of the message)
    creation_date_time: datetime | None = None
    payment_information_id: str | None = None   # pain.001 PmtInf/PmtInfId: the debtor's batch it came in
    instr_id: str | None = None
    end_to_end_id: str | None = None
    tx_id: str | None = None
    uetr: str | None = None
    clearing_system_reference: str | None = None

    # amounts and dates
    interbank_settlement_amount: Amount
    interbank_settlement_date: date | None = None
    instructed_amount: Amount | None = None
    exchange_rate: Money | None = None
    acceptance_date_time: datetime | None = None

    # settlement and payment type
    kind: Literal["customer", "institution"] = "customer"
    settlement_method: str | None = None       # CLRG, INDA, INGA, COVE
    clearing_system: str | None = None         # SttlmInf/ClrSys/Cd or Prtry
    instruction_priority: str | None = None
    service_levels: tuple[str, ...] = ()
    local_instrument: str | None = None
    category_purpose: str | None = None
    purpose: str | None = None
    charge_bearer: str | None = None           # DEBT, CRED, SHAR, SLEV
    charges: tuple[Charge, ...] = ()
    time_indications: tuple[TimeIndication, ...] = ()
    instant: bool = False

    # parties and agents
    instructing_agent: Agent | None = None
    instructed_agent: Agent | None = None
    instructing_reimbursement_agent: Agent | None = None   # MT 53a; GrpHdr/SttlmInf/InstgRmbrsmntAgt
    instructed_reimbursement_agent: Agent | None = None    # MT 54a
    third_reimbursement_agent: Agent | None = None         # MT 55a
    settlement_account: Account | None = None              # MT 53B with an account only; SttlmInf/SttlmAcct
    previous_instructing_agents: tuple[Agent, ...] = ()
    intermediary_agents: tuple[Agent, ...] = ()
    initiating_party: Party | None = None
    ultimate_debtor: Party | None = None
    debtor: Party
    debtor_account: Account | None = None
    debtor_agent: Agent | None = None
    creditor_agent: Agent | None = None
    creditor: Party
    creditor_account: Account | None = None
    ultimate_creditor: Party | None = None

    instructions_for_creditor_agent: tuple[Instruction, ...] = ()
    instructions_for_next_agent: tuple[Instruction, ...] = ()
    remittance: RemittanceInfo | None = None
    regulatory_reporting: tuple[str, ...] = ()             # MT 77B lines; RgltryRptg/Dtls/Inf
    underlying_customer_transfer: UnderlyingCustomerTransfer | None = None

    # added by later stages
    rail: str | None = None
    route_rule: str | None = None
    shard: int | None = None
    routed_at: datetime | None = None
    screening: str | None = None
    ledger_booking_id: str | None = None
    settled_at: datetime | None = None


class StatusReport(Model):
    """A verdict on a payment (or, with no payment id, on a whole document)."""

    type: Literal["StatusReport/1"] = "StatusReport/1"
    report_id: str
    document_id: str
    payment_id: str | None = None
    index: int | None = None
    source: Source
    stage: str                                   # intake, route, settle...
    status: str                                  # ExternalPaymentTransactionStatus1Code: ACSC, RJCT...
    reasons: tuple[Issue, ...] = ()
    created_at: datetime
    original_msg_id: str | None = None
    original_message_type: str | None = None
    original_payment_information_id: str | None = None     # pain.002 OrgnlPmtInfId
    original_creation_date_time: datetime | None = None
    original_number_of_transactions: int | None = None
    original_instr_id: str | None = None
    original_end_to_end_id: str | None = None
    original_tx_id: str | None = None
    original_uetr: str | None = None
    original_amount: Amount | None = None
    original_settlement_date: date | None = None
    effective_settlement_date: date | None = None
    instructing_agent: Agent | None = None
    instructed_agent: Agent | None = None


class Balance(Model):
    """A statement balance (camt Bal; MT 60a/62a/64/65)."""

    type_code: str                               # OPBD, CLBD, ITBD (intermediate), CLAV, FWAV...
    amount: Amount
    credit: bool                                 # CdtDbtInd CRDT (True) / DBIT (False)
    date: date


class Entry(Model):
    """One booking on a statement (camt Ntry; MT :61: with its :86:).

    `credit` is the direction of the booking as it hits the account: an MT `RC`
    (reversal of a credit) is `credit=False, reversal=True`; `RD` is `credit=True, reversal=True`.
    """

    amount: Amount
    credit: bool
    reversal: bool = False
    status: str = "BOOK"
    booking_date: date | None = None             # MT :61: entry date (MMDD, year inferred)
    value_date: date | None = None
    funds_code: str | None = None                # MT :61: third letter of the currency, when given
    bank_transaction_code: str | None = None     # MT :61: type id, e.g. NTRF, S103; camt BkTxCd/Prtry
    account_owner_reference: str | None = None   # MT :61: reference for the account owner (None for NONREF)
    account_servicer_reference: str | None = None  # MT :61: //reference; camt AcctSvcrRef
    entry_reference: str | None = None
    end_to_end_id: str | None = None
    additional_info: str | None = None           # MT :61: supplementary details; camt AddtlNtryInf
    information: str | None = None               # MT :86: (6*65x), kept whole; camt AddtlTxInf / Ustrd
    remittance: RemittanceInfo | None = None


class Statement(Model):
    """An account statement (MT940/MT950 page, camt.053 Stmt): balances and entries of one account."""

    type: Literal["Statement/1"] = "Statement/1"
    statement_id: str                            # stable id of this statement in the gateway
    document_id: str
    index: int = Field(0, ge=0)                  # position in its document
    source: Source
    message_type: str                            # mt940, mt950, camt.053.001.08...
    reference: str | None = None                 # MT :20: / camt Stmt/Id
    related_reference: str | None = None         # MT :21:
    account: Account
    account_servicer: Agent | None = None        # MT :25P: BIC, or the sender of the message
    statement_number: str | None = None          # MT :28C: statement number / camt LglSeqNb
    sequence_number: str | None = None           # MT :28C: page (sequence) number
    created_at: datetime | None = None
    balances: tuple[Balance, ...] = ()
    entries: tuple[Entry, ...] = ()
    information: str | None = None               # MT940: a closing :86: for the whole statement


def stable_id(*parts: str) -> str:
    """128 bits of sha256 over the parts: the same inputs give the same id on every host."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:32]


def payment_id_for(document_id: str, index: int) -> str:
    """Deterministic, so a redelivered document produces the same payment ids."""
    return stable_id("payment", document_id, str(index))


def account_key(account: Account | None, agent: Agent | None) -> str | None:
    """The ledger's id for an account: the IBAN itself, or `<bank id>:<account>` for other
    schemes, since a US account number (say) is unique only within its bank."""
    if account is None:
        return None
    if account.is_iban:
        return account.id.replace(" ", "").upper()
    bank = None
    if agent is not None:
        bank = agent.member_id or agent.bic
    return f"{bank}:{account.id}" if bank else account.id


LORO_PREFIX = "loro:"


def loro_account_key(bic: str) -> str:
    """The account a correspondent bank holds with us, by its BIC11 (`loro:BANKBEBBXXX`)."""
    return LORO_PREFIX + (bic + "XXX" if len(bic) == 8 else bic)


def debited_account_key(payment: Payment) -> str | None:
    """Whose account a payment debits in our ledger. A customer transfer: the debtor's account.
    A transfer between banks (MT202, pacs.009): the instructing bank's account with us, named
    as the settlement account (MT :53B:) or known by its BIC (its loro account)."""
    if payment.kind == "institution":
        if payment.settlement_account is not None:
            return account_key(payment.settlement_account, None)
        instructing = payment.instructing_agent
        if instructing is not None and instructing.bic:
            return loro_account_key(instructing.bic)
    return account_key(payment.debtor_account, payment.debtor_agent)


def statement_id_for(document_id: str, index: int) -> str:
    return stable_id("statement", document_id, str(index))


def report_id_for(document_id: str, payment_id: str | None, status: str) -> str:
    return stable_id("report", document_id, payment_id or "-", status)
