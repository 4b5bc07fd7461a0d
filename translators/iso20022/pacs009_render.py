"""Writing pacs.009 (core, and COV when a payment carries an underlying customer transfer).

Element order is that of FinancialInstitutionCreditTransferV08/V09: GroupHeader93 with
SettlementInstruction7, CreditTransferTransaction36/44 and, for a cover,
CreditTransferTransaction37/45 (`UndrlygCstmrCdtTrf`). The mapping is DOMAIN §3.2; the debtor
and creditor banks are written back as `mt202_parties.institution_agent` reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from lxml import etree

from schemas.canonical import Account, Agent, Instruction, Party, Payment, TimeIndication, UnderlyingCustomerTransfer
from translators.iso20022 import xml
from translators.iso20022.common import (
    add,
    container,
    format_datetime,
    new_message,
    prune,
    write_account,
    write_agent,
    write_amount,
    write_code,
    write_instruction,
    write_party,
    write_remittance,
)
from translators.mx_mt import CLEARING_SYSTEM_BY_MT_CODE

SUPPORTED_VERSIONS: Final = ("pacs.009.001.08", "pacs.009.001.09")
MESSAGE: Final = "FICdtTrf"
RECORD: Final = "CdtTrfTxInf"
NOT_PROVIDED: Final = "NOTPROVIDED"
SETTLEMENT_TIME_INDICATIONS: Final = ("DbtDtTm", "CdtDtTm")              # SettlementDateTimeIndication1
SETTLEMENT_TIME_REQUESTS: Final = ("CLSTm", "TillTm", "FrTm", "RjctTm")  # SettlementTimeRequest2
# pacs.009.001.08 closed enums (the .09 XSD takes external codes of 1-4 characters instead):
# Instruction5Code (CdtTrfTxInf/InstrForCdtrAgt/Cd) and Instruction3Code (UndrlygCstmrCdtTrf/InstrForCdtrAgt/Cd).
V08_CREDITOR_AGENT_CODES: Final = frozenset({"PHOB", "TELB"})
V08_UNDERLYING_CREDITOR_AGENT_CODES: Final = frozenset({"CHQB", "HOLD", "PHOB", "TELB"})
_CLEARING_SYSTEMS: Final = frozenset(CLEARING_SYSTEM_BY_MT_CODE.values())
# Canonical fields a pacs.009 has no element for (a pacs.008 carries them).
_UNCARRIED: Final = ("instructed_amount", "exchange_rate", "acceptance_date_time", "charge_bearer", "charges",
                     "initiating_party", "regulatory_reporting")


def render(payments: Sequence[Payment], *, msg_id: str, created_at: datetime, settlement_method: str = "INDA",
           instructing_agent: Agent | None = None, instructed_agent: Agent | None = None,
           version: str = "pacs.009.001.08", clearing_system: str | None = None) -> bytes:
    """An outbound pacs.009, valid against the official XSD of `version` for valid payments; each
    payment with an underlying customer transfer is written as a cover (UndrlygCstmrCdtTrf).

    `instructing_agent`/`instructed_agent` are this hop's sender and receiver: when given they
    replace each payment's own, written per transaction as CBPR+ requires (DOMAIN §2.9).
    Settlement account and reimbursement agents are group-level (SttlmInf), so all payments
    must agree on them. Raises ValueError for what a pacs.009 cannot carry.
    """
    if not payments:
        raise ValueError("a pacs.009 carries at least one transaction")
    document, message, header = new_message(version, SUPPORTED_VERSIONS, MESSAGE, msg_id, created_at)
    add(header, "NbOfTxs", str(len(payments)))
    settlement = container(header, "SttlmInf")
    add(settlement, "SttlmMtd", settlement_method)
    accounts = {p.settlement_account for p in payments}
    if len(accounts) > 1:
        raise ValueError("the payments differ in their settlement account, which a pacs.009 carries once (SttlmInf)")
    write_account(settlement, "SttlmAcct", accounts.pop())
    write_code(settlement, "ClrSys", clearing_system, code_length=3)
    for name, agents in (("InstgRmbrsmntAgt", {p.instructing_reimbursement_agent for p in payments}),
                         ("InstdRmbrsmntAgt", {p.instructed_reimbursement_agent for p in payments}),
                         ("ThrdRmbrsmntAgt", {p.third_reimbursement_agent for p in payments})):
        if len(agents) > 1:
            raise ValueError(f"the payments differ in their {name}, which a pacs.009 carries once (SttlmInf)")
        write_agent(settlement, name, agents.pop())
    for payment in payments:
        _transaction(message, payment, version, instructing_agent, instructed_agent)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)  # type: ignore[no-any-return]


def institution_agent(party: Party, account: Account | None, what: str) -> Agent:
    """The debtor or creditor bank (a canonical party) as a BranchAndFinancialInstitutionIdentification6."""
    identification = party.identification
    if identification is not None and (identification.kind != "organisation" or identification.birth_date):
        raise ValueError(f"the {what} of an institution transfer is a bank: it has no private identification")
    if party.country_of_residence:
        raise ValueError(f"a pacs.009 has no place for the {what} bank's country of residence")
    others = identification.others if identification else ()
    clearing = next((other for other in others if other.scheme_proprietary in _CLEARING_SYSTEMS
                     and not other.scheme_code), None)
    rest = [other for other in others if other is not clearing]
    if len(rest) > 1:
        raise ValueError(f"a pacs.009 carries one other identification of the {what} bank; it has {len(rest)}")
    return Agent(bic=identification.any_bic if identification else None, lei=identification.lei if identification
                 else None, clearing_system=clearing.scheme_proprietary if clearing else None,
                 member_id=clearing.id if clearing else None, name=party.name, postal_address=party.postal_address,
                 other_id=rest[0] if rest else None, account=account)


def _check(p: Payment, version: str) -> None:
    if p.kind != "institution":
        raise ValueError(f"payment {p.payment_id} is a customer credit transfer: that is a pacs.008, not a pacs.009")
    carried = [name for name in _UNCARRIED if getattr(p, name)]
    if carried:
        raise ValueError(f"payment {p.payment_id} has {', '.join(carried)}, which a pacs.009 cannot carry")
    for what, agents in (("previous instructing", p.previous_instructing_agents),
                         ("intermediary", p.intermediary_agents)):
        if len(agents) > 3:
            raise ValueError(f"payment {p.payment_id} has {len(agents)} {what} agents; a pacs.009 carries 3")
    if p.remittance is not None and p.remittance.structured:
        raise ValueError(f"payment {p.payment_id} has structured remittance; a pacs.009 carries Ustrd only")
    if version == "pacs.009.001.08":
        _closed_codes(p.instructions_for_creditor_agent, V08_CREDITOR_AGENT_CODES, "InstrForCdtrAgt")
        if p.underlying_customer_transfer is not None:
            _closed_codes(p.underlying_customer_transfer.instructions_for_creditor_agent,
                          V08_UNDERLYING_CREDITOR_AGENT_CODES, "UndrlygCstmrCdtTrf/InstrForCdtrAgt")


def _closed_codes(instructions: tuple[Instruction, ...], allowed: frozenset[str], where: str) -> None:
    for instruction in instructions:
        if instruction.code and instruction.code not in allowed:
            raise ValueError(f"{where}/Cd {instruction.code} is not one of {', '.join(sorted(allowed))} "
                             "in pacs.009.001.08")


def _time_indications(tx: xml.XmlElement, p: Payment) -> None:
    """SttlmTmIndctn (ISODateTime on the settlement date) and SttlmTmReq (ISOTime), MT :13C: (DOMAIN §3.2)."""
    by_code: dict[str, TimeIndication] = {}
    for indication in p.time_indications:
        if indication.code not in (*SETTLEMENT_TIME_INDICATIONS, *SETTLEMENT_TIME_REQUESTS):
            raise ValueError(f"time indication {indication.code} has no pacs.009 element")
        if indication.code in by_code:
            raise ValueError(f"payment {p.payment_id} has two {indication.code} time indications")
        by_code[indication.code] = indication
    stamped = container(tx, "SttlmTmIndctn")
    for code in SETTLEMENT_TIME_INDICATIONS:
        if code in by_code:
            if p.interbank_settlement_date is None or by_code[code].at.tzinfo is None:
                raise ValueError(f"{code} needs the settlement date and a time with its UTC offset")
            add(stamped, code, format_datetime(datetime.combine(p.interbank_settlement_date, by_code[code].at)))
    prune(stamped)
    requested = container(tx, "SttlmTmReq")
    for code in SETTLEMENT_TIME_REQUESTS:
        if code in by_code:
            add(requested, code, by_code[code].at.isoformat())
    prune(requested)


def _transaction(message: xml.XmlElement, p: Payment, version: str, instructing: Agent | None,
                 instructed: Agent | None) -> None:
    """CreditTransferTransaction36/44, elements in XSD order."""
    _check(p, version)
    tx = container(message, RECORD)
    ids = container(tx, "PmtId")
    add(ids, "InstrId", p.instr_id)
    add(ids, "EndToEndId", p.end_to_end_id or NOT_PROVIDED)
    add(ids, "TxId", p.tx_id)
    add(ids, "UETR", p.uetr)
    add(ids, "ClrSysRef", p.clearing_system_reference)
    payment_type = container(tx, "PmtTpInf")
    add(payment_type, "InstrPrty", p.instruction_priority)
    for level in p.service_levels:
        write_code(payment_type, "SvcLvl", level)
    write_code(payment_type, "LclInstrm", p.local_instrument, code_length=35)
    write_code(payment_type, "CtgyPurp", p.category_purpose)
    prune(payment_type)
    write_amount(tx, "IntrBkSttlmAmt", p.interbank_settlement_amount)
    add(tx, "IntrBkSttlmDt", p.interbank_settlement_date.isoformat() if p.interbank_settlement_date else None)
    _time_indications(tx, p)
    for number, agent in enumerate(p.previous_instructing_agents, 1):
        write_agent(tx, f"PrvsInstgAgt{number}", agent)
    write_agent(tx, "InstgAgt", instructing or p.instructing_agent, with_account=False)
    write_agent(tx, "InstdAgt", instructed or p.instructed_agent, with_account=False)
    for number, agent in enumerate(p.intermediary_agents, 1):
        write_agent(tx, f"IntrmyAgt{number}", agent)
    if p.ultimate_debtor is not None:
        write_agent(tx, "UltmtDbtr", institution_agent(p.ultimate_debtor, None, "ultimate debtor"))
    write_agent(tx, "Dbtr", institution_agent(p.debtor, p.debtor_account, "debtor"))
    write_agent(tx, "DbtrAgt", p.debtor_agent)
    write_agent(tx, "CdtrAgt", p.creditor_agent)
    write_agent(tx, "Cdtr", institution_agent(p.creditor, p.creditor_account, "creditor"))
    if p.ultimate_creditor is not None:
        write_agent(tx, "UltmtCdtr", institution_agent(p.ultimate_creditor, None, "ultimate creditor"))
    for instruction in p.instructions_for_creditor_agent:
        write_instruction(tx, "InstrForCdtrAgt", instruction)
    for instruction in p.instructions_for_next_agent:
        write_instruction(tx, "InstrForNxtAgt", instruction)
    write_code(tx, "Purp", p.purpose)
    write_remittance(tx, p.remittance)
    if p.underlying_customer_transfer is not None:
        _underlying(tx, p, p.underlying_customer_transfer)


def _underlying(tx: xml.XmlElement, p: Payment, u: UnderlyingCustomerTransfer) -> None:
    """UndrlygCstmrCdtTrf (CreditTransferTransaction37/45). DbtrAgt and CdtrAgt are mandatory: when the
    canonical transfer lacks them, the ordering and beneficiary banks stand in (DOMAIN §3.2)."""
    if len(u.intermediary_agents) > 3:
        raise ValueError(f"payment {p.payment_id}: the underlying transfer has {len(u.intermediary_agents)} "
                         "intermediary agents; a pacs.009 COV carries 3")
    cover = container(tx, "UndrlygCstmrCdtTrf")
    write_party(cover, "Dbtr", u.debtor, keep_empty=True)
    write_account(cover, "DbtrAcct", u.debtor_account)
    write_agent(cover, "DbtrAgt", u.debtor_agent or institution_agent(p.debtor, None, "debtor"))
    for number, agent in enumerate(u.intermediary_agents, 1):
        write_agent(cover, f"IntrmyAgt{number}", agent)
    write_agent(cover, "CdtrAgt", u.creditor_agent or institution_agent(p.creditor, None, "creditor"))
    write_party(cover, "Cdtr", u.creditor, keep_empty=True)
    write_account(cover, "CdtrAcct", u.creditor_account)
    for instruction in u.instructions_for_creditor_agent:
        write_instruction(cover, "InstrForCdtrAgt", instruction)
    for instruction in u.instructions_for_next_agent:
        write_instruction(cover, "InstrForNxtAgt", instruction)
    write_remittance(cover, u.remittance)
    write_amount(cover, "InstdAmt", u.instructed_amount)
