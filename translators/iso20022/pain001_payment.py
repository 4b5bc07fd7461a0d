"""pain.001 pass 2 hot path: one `CdtTrfTxInf` into a canonical `Payment` (DOMAIN §2.5).

The transaction's children are indexed once by local name and read with direct lxml
calls; issue paths are plain strings. Subtrees that repeat across a bulk file (creditors,
ultimate parties, agents with their accounts) are read once by the `common` readers and
the frozen model reused, keyed by the subtree's serialised XML: the readers depend on
nothing else, so a reused model is the one they would build. Everything else goes through
the same `common` readers as pacs.008, on a `Node` of the subtree alone.
`pain001_reference.payment` is the plain `Node` reading this one must equal.
"""

from __future__ import annotations

from typing import Final

from lxml import etree

from schemas.canonical import Account, Agent, Amount, Party, Payment, RemittanceInfo, payment_id_for
from translators.base import ReadContext
from translators.iso20022 import xml
from translators.iso20022.common import (
    Node,
    parse_decimal,
    read_account,
    read_code,
    read_instruction,
    read_remittance,
)
from translators.iso20022.pain001_parts import Block, Group, Unreadable, Version, agent, party, payment_type

INSTANT: Final = "INST"          # PmtTpInf/LclInstrm/Cd of SCT Inst
MEMO_LIMIT: Final = 4096         # models kept per kind; the memo starts afresh past it

Children = dict[str, list[xml.XmlElement]]


def children_of(element: xml.XmlElement) -> Children:
    """Child elements by local name, in document order (as `Node` indexes them)."""
    index: Children = {}
    for child in element.iterchildren(etree.Element):
        tag = child.tag
        found = index.get(key := tag[tag.find("}") + 1:])
        if found is None:
            index[key] = [child]
        else:
            found.append(child)
    return index


def leaves(element: xml.XmlElement | None) -> dict[str, str | None] | None:
    """The text of the first child element of each local name (`Node.get` for every child)."""
    if element is None:
        return None
    texts: dict[str, str | None] = {}
    for child in element.iterchildren(etree.Element):
        tag = child.tag
        texts.setdefault(tag[tag.find("}") + 1:], child.text)
    return texts


def first(children: Children, name: str) -> xml.XmlElement | None:
    found = children.get(name)
    return found[0] if found else None


def is_equivalent_amount(children: Children) -> bool:
    """`Amt/EqvtAmt`: an amount the bank must convert, rejected by the reader."""
    amount = first(children, "Amt")
    return amount is not None and any(xml.local_name(c.tag) == "EqvtAmt" for c in amount.iterchildren(etree.Element))


class Memo:
    """Models read from repeated subtrees of one document, by serialised XML."""

    def __init__(self, spec: Version) -> None:
        self.spec = spec
        self.parties: dict[bytes, Party | None] = {}
        self.agents: dict[tuple[bytes, bytes], Agent | None] = {}

    def party(self, element: xml.XmlElement | None, name: str) -> Party | None:
        if element is None:
            return None
        key: bytes = etree.tostring(element, with_tail=False)
        if key in self.parties:
            return self.parties[key]
        if len(self.parties) >= MEMO_LIMIT:
            self.parties.clear()
        found = self.parties[key] = party(Node(element, name), self.spec)
        return found

    def agent(self, element: xml.XmlElement | None, account: xml.XmlElement | None, name: str) -> Agent | None:
        if element is None:
            return None
        key = (etree.tostring(element, with_tail=False),
               etree.tostring(account, with_tail=False) if account is not None else b"")
        if key in self.agents:
            return self.agents[key]
        if len(self.agents) >= MEMO_LIMIT:
            self.agents.clear()
        found = self.agents[key] = agent(Node(element, name), Node(account, f"{name}Acct")
                                         if account is not None else None, self.spec)
        return found


def _amount(amount: xml.XmlElement | None) -> Amount | None:
    """`common.read_amount` of `Amt/InstdAmt`."""
    instructed = None
    if amount is not None:
        instructed = next((c for c in amount.iterchildren(etree.Element) if xml.local_name(c.tag) == "InstdAmt"), None)
    if instructed is None:
        return None
    value, currency = parse_decimal(instructed.text), instructed.get("Ccy")
    if value is None or currency is None or value < 0:
        return None
    return Amount(value=value, currency=currency)


def _account(element: xml.XmlElement | None) -> Account | None:
    """`common.read_account`; an account with `Id/IBAN` alone read directly."""
    if element is None:
        return None
    if len(element) == 1 and xml.local_name(element[0].tag) == "Id":
        identification = element[0]
        if len(identification) == 1 and xml.local_name(identification[0].tag) == "IBAN" and identification[0].text:
            return Account(id=identification[0].text, scheme="IBAN", scheme_is_proprietary=False, issuer=None,
                           currency=None, name=None, type_code=None)
    return read_account(Node(element, "Acct"))


def _remittance(element: xml.XmlElement | None) -> RemittanceInfo | None:
    """`common.read_remittance`; unstructured lines alone read directly."""
    if element is None:
        return None
    lines = []
    for child in element.iterchildren(etree.Element):
        if xml.local_name(child.tag) != "Ustrd":
            return read_remittance(Node(element, "RmtInf"))
        lines.append(child.text or "")
    return RemittanceInfo(unstructured=tuple(lines), structured=())


def payment(children: Children, ids: dict[str, str | None] | None, path: str, index: int, version: str,
            group: Group, block: Block, context: ReadContext, memo: Memo) -> Payment:
    """The canonical payment of one transaction; `Unreadable` when a mandatory part is missing."""
    amount = _amount(first(children, "Amt"))
    if amount is None:
        raise Unreadable(f"{path}/Amt/InstdAmt")
    if block.debtor is None:
        raise Unreadable(f"{block.node.path}/Dbtr")
    creditor = memo.party(first(children, "Cdtr"), "Cdtr")
    if creditor is None:
        raise Unreadable(f"{path}/Cdtr", "pain.creditor_missing")
    kind = first(children, "PmtTpInf")
    priority, levels, local, category = payment_type(Node(kind, "PmtTpInf") if kind is not None else None,
                                                     block.payment_type)
    rate = leaves(first(children, "XchgRateInf"))
    purpose = first(children, "Purp")
    bearer = first(children, "ChrgBr")
    return Payment(
        payment_id=payment_id_for(context.document_id, index), document_id=context.document_id, index=index,
        source=context.source, message_type=version, kind="customer", msg_id=group.msg_id,
        creation_date_time=group.reading.creation_date_time, payment_information_id=block.identifier,
        instr_id=ids.get("InstrId") if ids is not None else None,
        end_to_end_id=ids.get("EndToEndId") if ids is not None else None,
        uetr=ids.get("UETR") if ids is not None and memo.spec.uetr else None,
        interbank_settlement_amount=amount, interbank_settlement_date=block.execution_date,
        instructed_amount=amount, exchange_rate=parse_decimal(rate.get("XchgRate")) if rate is not None else None,
        instruction_priority=priority, service_levels=levels, local_instrument=local, category_purpose=category,
        purpose=read_code(Node(purpose, "Purp")) if purpose is not None else None,
        charge_bearer=(bearer.text if bearer is not None else None) or block.charge_bearer,
        instant=local == INSTANT, initiating_party=group.initiating_party,
        ultimate_debtor=memo.party(first(children, "UltmtDbtr"), "UltmtDbtr") or block.ultimate_debtor,
        debtor=block.debtor, debtor_account=block.debtor_account, debtor_agent=block.debtor_agent,
        intermediary_agents=tuple(found for n in (1, 2, 3) if (found := memo.agent(
            first(children, f"IntrmyAgt{n}"), first(children, f"IntrmyAgt{n}Acct"), f"IntrmyAgt{n}")) is not None),
        creditor_agent=memo.agent(first(children, "CdtrAgt"), first(children, "CdtrAgtAcct"), "CdtrAgt"),
        creditor=creditor, creditor_account=_account(first(children, "CdtrAcct")),
        ultimate_creditor=memo.party(first(children, "UltmtCdtr"), "UltmtCdtr"),
        instructions_for_creditor_agent=tuple(read_instruction(Node(e, "InstrForCdtrAgt"))
                                              for e in children.get("InstrForCdtrAgt", ())),
        remittance=_remittance(first(children, "RmtInf")))
