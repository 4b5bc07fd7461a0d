"""The plain `Node` reading of one pain.001 transaction, kept as the reference that the
pass-2 hot path (`pain001_payment.payment`) must equal; tests compare the two.
"""

from __future__ import annotations

from typing import Final

from schemas.canonical import Payment, payment_id_for
from translators.base import ReadContext
from translators.iso20022.common import (
    Node,
    parse_decimal,
    read_account,
    read_amount,
    read_code,
    read_instruction,
    read_remittance,
)
from translators.iso20022.pain001_parts import Block, Group, Unreadable, Version, agent, party, payment_type

INSTANT: Final = "INST"          # PmtTpInf/LclInstrm/Cd of SCT Inst


def payment(node: Node, ids: Node | None, index: int, version: str, spec: Version, group: Group, block: Block,
            context: ReadContext) -> Payment:
    """The canonical payment of one transaction, read through `Node` alone."""
    amount = read_amount(node.at("Amt", "InstdAmt"))
    if amount is None:
        raise Unreadable(f"{node.path}/Amt/InstdAmt")
    if block.debtor is None:
        raise Unreadable(f"{block.node.path}/Dbtr")
    creditor = party(node.child("Cdtr"), spec)
    if creditor is None:
        raise Unreadable(f"{node.path}/Cdtr", "pain.creditor_missing")
    priority, levels, local, category = payment_type(node.child("PmtTpInf"), block.payment_type)
    rate = node.at("XchgRateInf")
    return Payment(
        payment_id=payment_id_for(context.document_id, index), document_id=context.document_id, index=index,
        source=context.source, message_type=version, kind="customer", msg_id=group.msg_id,
        creation_date_time=group.reading.creation_date_time, payment_information_id=block.identifier,
        instr_id=ids.get("InstrId") if ids else None, end_to_end_id=ids.get("EndToEndId") if ids else None,
        uetr=ids.get("UETR") if ids and spec.uetr else None,
        interbank_settlement_amount=amount, interbank_settlement_date=block.execution_date,
        instructed_amount=amount, exchange_rate=parse_decimal(rate.get("XchgRate")) if rate else None,
        instruction_priority=priority, service_levels=levels, local_instrument=local, category_purpose=category,
        purpose=read_code(node.child("Purp")), charge_bearer=node.get("ChrgBr") or block.charge_bearer,
        instant=local == INSTANT, initiating_party=group.initiating_party,
        ultimate_debtor=party(node.child("UltmtDbtr"), spec) or block.ultimate_debtor,
        debtor=block.debtor, debtor_account=block.debtor_account, debtor_agent=block.debtor_agent,
        intermediary_agents=tuple(found for n in (1, 2, 3) if (found := agent(
            node.child(f"IntrmyAgt{n}"), node.child(f"IntrmyAgt{n}Acct"), spec)) is not None),
        creditor_agent=agent(node.child("CdtrAgt"), node.child("CdtrAgtAcct"), spec),
        creditor=creditor, creditor_account=read_account(node.child("CdtrAcct")),
        ultimate_creditor=party(node.child("UltmtCdtr"), spec),
        instructions_for_creditor_agent=tuple(map(read_instruction, node.children("InstrForCdtrAgt"))),
        remittance=read_remittance(node.child("RmtInf")))


