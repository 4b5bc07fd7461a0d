"""ISO 20022 building blocks shared by pacs.008, pacs.009 and pain.001: parties, agents,
accounts, postal addresses, remittance and amounts, read into and written from the
canonical model. Element names and order are those of the 2019 message versions
(pacs.008.001.08-.10: PartyIdentification135, BranchAndFinancialInstitutionIdentification6,
CashAccount38/40, PostalAddress24, RemittanceInformation16/21).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Final

from lxml import etree
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from schemas.canonical import (
    Account,
    Agent,
    Amount,
    CreditorReference,
    GenericIdentification,
    Instruction,
    Party,
    PartyIdentification,
    PostalAddress,
    ReferredDocument,
    RemittanceInfo,
    StructuredRemittance,
)
from schemas.codes import currency_exponent, fits_currency
from translators.iso20022.xml import XmlElement

# PostalAddress24 element order (ISO 20022, pacs.008.001.08 XSD) -> canonical field.
ADDRESS_FIELDS: Final = (
    ("Dept", "department"), ("SubDept", "sub_department"), ("StrtNm", "street_name"),
    ("BldgNb", "building_number"), ("BldgNm", "building_name"), ("Flr", "floor"), ("PstBx", "post_box"),
    ("Room", "room"), ("PstCd", "post_code"), ("TwnNm", "town_name"), ("TwnLctnNm", "town_location_name"),
    ("DstrctNm", "district_name"), ("CtrySubDvsn", "country_subdivision"), ("Ctry", "country"),
)
# Closed enumerations of pacs.008.001.08-.10 (AddressType2Code, DocumentType6Code): other
# values go in the `Prtry` alternative.
ADDRESS_TYPE_CODES: Final = frozenset({"ADDR", "PBOX", "HOME", "BIZZ", "MLTO", "DLVY"})
DOCUMENT_TYPE_CODES: Final = frozenset({
    "MSIN", "CNFA", "DNFA", "CINV", "CREN", "DEBN", "HIRI", "SBIN", "CMCN", "SOAC", "DISP", "BOLD", "VCHR",
    "AROI", "TSUT", "PUOR"})
_ADDRESS_TAGS: Final = dict(ADDRESS_FIELDS)
_BIC_EXTRA_COUNTRIES: Final = frozenset({"XK", "XE"})
_BIC_SHAPE: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


class Node:
    """An element with its child elements indexed by local name, and its path for issues.

    Built for the hot path: children are indexed once, leaf texts are read without
    wrapping them, and the path string is only assembled when an issue asks for it.
    """

    __slots__ = ("_index", "_name", "_parent", "element")

    def __init__(self, element: XmlElement, name: str, parent: Node | None = None) -> None:
        self.element = element
        self._name = name
        self._parent = parent
        index: dict[str, list[XmlElement]] = {}
        for child in element.iterchildren(etree.Element):
            tag = child.tag
            found = index.get(key := tag[tag.find("}") + 1:])
            if found is None:
                index[key] = [child]
            else:
                found.append(child)
        self._index = index

    @property
    def path(self) -> str:
        return f"{self._parent.path}/{self._name}" if self._parent is not None else self._name

    def elements(self) -> dict[str, list[XmlElement]]:
        """The child elements by local name."""
        return self._index

    def child(self, name: str) -> Node | None:
        found = self._index.get(name)
        return Node(found[0], name, self) if found else None

    def children(self, name: str) -> list[Node]:
        found = self.elements().get(name) or []
        if len(found) == 1:
            return [Node(found[0], name, self)]
        return [Node(element, f"{name}[{n}]", self) for n, element in enumerate(found, 1)]

    def at(self, *names: str) -> Node | None:
        node: Node | None = self
        for name in names:
            if node is None:
                return None
            node = node.child(name)
        return node

    def get(self, name: str) -> str | None:
        """The text of the first child element `name`, or None (the fast path for leaves)."""
        found = self._index.get(name)
        return found[0].text if found else None

    def text(self, *names: str) -> str | None:
        """The text of the first `names[0]/names[1]/...` element, or None."""
        node = self.at(*names[:-1])
        return node.get(names[-1]) if node is not None else None

    def texts(self, name: str) -> tuple[str, ...]:
        return tuple(element.text or "" for element in self.elements().get(name, ()))

    @property
    def value(self) -> str | None:
        return self.element.text  # type: ignore[no-any-return]  # lxml: untyped library edge

    def attribute(self, name: str) -> str | None:
        return self.element.get(name)  # type: ignore[no-any-return]


# --- values -------------------------------------------------------------------------

def parse_decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text else None
    except ValueError:
        return None


def parse_datetime(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip()) if text else None
    except ValueError:
        return None


def read_amount(node: Node | None) -> Amount | None:
    """An ActiveCurrencyAndAmount (value + @Ccy); None when absent or not a decimal."""
    if node is None:
        return None
    value, currency = parse_decimal(node.value), node.attribute("Ccy")
    if value is None or currency is None or value < 0:
        return None
    return Amount(value=value, currency=currency)


def format_amount(value: Decimal, currency: str) -> str:
    """Exactly the currency's ISO 4217 decimals (`10.5` EUR -> `10.50`); ValueError if it does not fit."""
    exponent = currency_exponent(currency)
    if exponent is None:
        return format(value.normalize(), "f")
    if not fits_currency(value, currency):
        raise ValueError(f"{value} {currency} has more than {exponent} decimals")
    return format(value.quantize(Decimal(1).scaleb(-exponent)), "f")


def format_datetime(moment: datetime) -> str:
    """ISODateTime with a numeric UTC offset, never `Z` (CBPR_DateTime, DOMAIN §2.3)."""
    if moment.utcoffset() is None:
        raise ValueError("an ISO 20022 date-time must carry a UTC offset")
    return moment.isoformat()


# --- identifier checks (cached: bulk files repeat the same accounts and banks) ------------

@lru_cache(maxsize=65536)
def iban_problem(value: str) -> str | None:
    """Why the IBAN fails ISO 13616 (country, length, mod-97), or None (DOMAIN §4.4)."""
    try:
        IBAN(value)
    except SchwiftyException as exc:
        return str(exc) or type(exc).__name__
    return None


@lru_cache(maxsize=65536)
def bic_problem(value: str) -> str | None:
    """Why the BIC is not an ISO 9362 BIC (structure, ISO 3166 country), or None.

    Two country codes outside ISO 3166 are in use: Kosovo's `XK` (DOMAIN §4.4) and the
    Eurosystem's `XE` (TARGET: `TRGTXEPMXXX`).
    """
    if len(value) in (8, 11) and value[4:6] in _BIC_EXTRA_COUNTRIES and set(value) <= _BIC_SHAPE:
        return None
    try:
        BIC(value)
    except SchwiftyException as exc:
        return str(exc) or type(exc).__name__
    return None


# --- reading ----------------------------------------------------------------------------

def read_code(node: Node | None) -> str | None:
    """A `Cd`/`Prtry` choice: the code, else the proprietary value."""
    if node is None:
        return None
    return node.get("Cd") or node.get("Prtry")


def read_postal_address(node: Node | None) -> PostalAddress | None:
    """PostalAddress24, reading only the elements present (the hot path of every party)."""
    if node is None:
        return None
    fields: dict[str, str | None] = {}
    lines: tuple[str, ...] = ()
    for tag, elements in node.elements().items():
        field = _ADDRESS_TAGS.get(tag)
        if field is not None:
            fields[field] = elements[0].text
        elif tag == "AdrLine":
            lines = tuple(element.text or "" for element in elements)
        elif tag == "AdrTp":
            kind = Node(elements[0], tag, node)
            fields["address_type"] = kind.get("Cd") or kind.text("Prtry", "Id")
    return PostalAddress(address_lines=lines, **fields)


def _generic(node: Node) -> GenericIdentification:
    scheme = node.at("SchmeNm")
    return GenericIdentification(
        id=node.get("Id") or "", scheme_code=scheme.get("Cd") if scheme else None,
        scheme_proprietary=scheme.get("Prtry") if scheme else None, issuer=node.get("Issr"))


def read_party_identification(node: Node | None) -> PartyIdentification | None:
    """Party38Choice: `OrgId` (AnyBIC, LEI, Othr) or `PrvtId` (DtAndPlcOfBirth, Othr)."""
    if node is None:
        return None
    organisation, private = node.child("OrgId"), node.child("PrvtId")
    if organisation is not None:
        return PartyIdentification(kind="organisation", any_bic=organisation.get("AnyBIC"),
                                   lei=organisation.get("LEI"),
                                   others=tuple(_generic(o) for o in organisation.children("Othr")))
    if private is not None:
        birth = private.at("DtAndPlcOfBirth")
        return PartyIdentification(
            kind="private", birth_date=parse_date(birth.get("BirthDt")) if birth else None,
            birth_province=birth.get("PrvcOfBirth") if birth else None,
            birth_city=birth.get("CityOfBirth") if birth else None,
            birth_country=birth.get("CtryOfBirth") if birth else None,
            others=tuple(_generic(o) for o in private.children("Othr")))
    return None


def read_party(node: Node | None) -> Party | None:
    """PartyIdentification135: name, postal address, identification, country of residence."""
    if node is None:
        return None
    return Party(name=node.get("Nm"), postal_address=read_postal_address(node.child("PstlAdr")),
                 identification=read_party_identification(node.child("Id")),
                 country_of_residence=node.get("CtryOfRes"))


def read_account(node: Node | None) -> Account | None:
    """CashAccount38/40: `Id/IBAN`, or `Id/Othr/Id` with its scheme; type, currency, name."""
    if node is None:
        return None
    identification = node.child("Id")
    iban = identification.get("IBAN") if identification else None
    other = identification.child("Othr") if identification and not iban else None
    scheme = other.child("SchmeNm") if other else None
    code = scheme.get("Cd") if scheme else None
    proprietary = scheme.get("Prtry") if scheme and not code else None
    return Account(
        id=iban or (other.get("Id") if other else None) or "",
        scheme="IBAN" if iban else code or proprietary or "", scheme_is_proprietary=proprietary is not None,
        issuer=other.get("Issr") if other else None, currency=node.get("Ccy"), name=node.get("Nm"),
        type_code=read_code(node.child("Tp")))


def read_agent(node: Node | None, account: Node | None = None) -> Agent | None:
    """BranchAndFinancialInstitutionIdentification6, with the agent's account if given."""
    if node is None:
        return None
    institution, branch = node.child("FinInstnId"), node.child("BrnchId")
    member = institution.child("ClrSysMmbId") if institution else None
    other = institution.child("Othr") if institution else None
    return Agent(
        bic=institution.get("BICFI") if institution else None,
        clearing_system=read_code(member.child("ClrSysId")) if member else None,
        member_id=member.get("MmbId") if member else None,
        lei=institution.get("LEI") if institution else None,
        name=institution.get("Nm") if institution else None,
        postal_address=read_postal_address(institution.child("PstlAdr")) if institution else None,
        other_id=_generic(other) if other else None, branch_id=branch.get("Id") if branch else None,
        account=read_account(account))


def read_instruction(node: Node) -> Instruction:
    return Instruction(code=node.get("Cd"), text=node.get("InstrInf"))


def read_remittance(node: Node | None) -> RemittanceInfo | None:
    """RemittanceInformation16/21: `Ustrd` lines and `Strd` blocks."""
    if node is None:
        return None
    structured = []
    for block in node.children("Strd"):
        amounts, reference = block.child("RfrdDocAmt"), block.child("CdtrRefInf")
        kind = reference.at("Tp", "CdOrPrtry") if reference else None
        structured.append(StructuredRemittance(
            referred_documents=tuple(ReferredDocument(
                type_code=read_code(d.at("Tp", "CdOrPrtry")), number=d.get("Nb"),
                related_date=parse_date(d.get("RltdDt"))) for d in block.children("RfrdDocInf")),
            due_payable_amount=read_amount(amounts.child("DuePyblAmt")) if amounts else None,
            remitted_amount=read_amount(amounts.child("RmtdAmt")) if amounts else None,
            creditor_reference=CreditorReference(
                type_code=kind.get("Cd") if kind else None,
                type_proprietary=kind.get("Prtry") if kind else None,
                issuer=reference.text("Tp", "Issr"), reference=reference.get("Ref")) if reference else None,
            additional_info=block.texts("AddtlRmtInf")))
    return RemittanceInfo(unstructured=node.texts("Ustrd"), structured=tuple(structured))


# --- writing ----------------------------------------------------------------------------

def new_message(version: str, supported: tuple[str, ...], message_element: str, msg_id: str,
                created_at: datetime) -> tuple[XmlElement, XmlElement, XmlElement]:
    """A Document in the namespace of `version` with its message element and a group header
    holding MsgId and CreDtTm: (document, message, header). Refuses a version not supported."""
    if version not in supported:
        raise ValueError(f"cannot render {version}; supported: {', '.join(supported)}")
    namespace = f"urn:iso:std:iso:20022:tech:xsd:{version}"
    document = etree.Element(f"{{{namespace}}}Document", nsmap={None: namespace})
    message = container(document, message_element)
    header = container(message, "GrpHdr")
    add(header, "MsgId", msg_id)
    add(header, "CreDtTm", format_datetime(created_at))
    return document, message, header


def add(parent: XmlElement, name: str, text: str | None, **attributes: str) -> XmlElement:
    """Append `<name>text</name>` in the parent's namespace; nothing when the text is empty
    (Max35Text and friends have minLength 1: empty elements are invalid, DOMAIN §8.25)."""
    if not text:
        return None
    element = container(parent, name)
    element.text = text
    for key, value in attributes.items():
        element.set(key, value)
    return element


def container(parent: XmlElement, name: str) -> XmlElement:
    """Append an empty `<name>` in the parent's namespace; `prune` drops it if it stays empty."""
    return etree.SubElement(parent, parent.tag[: parent.tag.index("}") + 1] + name)


def prune(element: XmlElement) -> None:
    if element is not None and len(element) == 0 and not element.text:
        element.getparent().remove(element)


def write_code(parent: XmlElement, name: str, value: str | None, code_length: int = 4) -> None:
    """A `Cd`/`Prtry` choice: `Cd` when the value fits the external code list's length."""
    if value:
        choice = container(parent, name)
        add(choice, "Cd" if len(value) <= code_length else "Prtry", value)


def write_amount(parent: XmlElement, name: str, amount: Amount | None) -> None:
    if amount is not None:
        add(parent, name, format_amount(amount.value, amount.currency), Ccy=amount.currency)


def write_postal_address(parent: XmlElement, address: PostalAddress | None) -> None:
    if address is None:
        return
    element = container(parent, "PstlAdr")
    if address.address_type:
        if address.address_type not in ADDRESS_TYPE_CODES:  # Prtry needs an issuer the model lacks
            raise ValueError(f"address type {address.address_type!r} is not an AddressType2Code")
        add(container(element, "AdrTp"), "Cd", address.address_type)
    for tag, field in ADDRESS_FIELDS:
        add(element, tag, getattr(address, field))
    for line in address.address_lines:
        add(element, "AdrLine", line)
    prune(element)


def _write_generic(parent: XmlElement, generic: GenericIdentification) -> None:
    element = container(parent, "Othr")
    add(element, "Id", generic.id)
    if generic.scheme_code or generic.scheme_proprietary:
        scheme = container(element, "SchmeNm")
        add(scheme, "Cd", generic.scheme_code)
        if not generic.scheme_code:
            add(scheme, "Prtry", generic.scheme_proprietary)
    add(element, "Issr", generic.issuer)


def write_party(parent: XmlElement, name: str, party: Party | None, *, keep_empty: bool = False) -> None:
    """PartyIdentification135; `keep_empty` for a mandatory party with nothing known (`<Dbtr/>`)."""
    if party is None:
        return
    element = container(parent, name)
    add(element, "Nm", party.name)
    write_postal_address(element, party.postal_address)
    ident = party.identification
    if ident is not None:
        identification = container(element, "Id")
        choice = container(identification, "OrgId" if ident.kind == "organisation" else "PrvtId")
        if ident.kind == "organisation":
            add(choice, "AnyBIC", ident.any_bic)
            add(choice, "LEI", ident.lei)
        elif ident.birth_date or ident.birth_city or ident.birth_country or ident.birth_province:
            if not (ident.birth_date and ident.birth_city and ident.birth_country):
                raise ValueError("DtAndPlcOfBirth needs the birth date, city and country")
            birth = container(choice, "DtAndPlcOfBirth")
            add(birth, "BirthDt", ident.birth_date.isoformat())
            add(birth, "PrvcOfBirth", ident.birth_province)
            add(birth, "CityOfBirth", ident.birth_city)
            add(birth, "CtryOfBirth", ident.birth_country)
        for other in ident.others:
            _write_generic(choice, other)
        prune(choice)
        prune(identification)
    add(element, "CtryOfRes", party.country_of_residence)
    if not keep_empty:
        prune(element)


def write_account(parent: XmlElement, name: str, account: Account | None) -> None:
    if account is None:
        return
    element = container(parent, name)
    identification = container(element, "Id")
    if account.is_iban:
        add(identification, "IBAN", account.id)
    else:
        other = container(identification, "Othr")
        add(other, "Id", account.id)
        if account.scheme:
            scheme = container(other, "SchmeNm")
            add(scheme, "Prtry" if account.scheme_is_proprietary else "Cd", account.scheme)
        add(other, "Issr", account.issuer)
    write_code(element, "Tp", account.type_code)
    add(element, "Ccy", account.currency)
    add(element, "Nm", account.name)


def write_agent(parent: XmlElement, name: str, agent: Agent | None, *, with_account: bool = True) -> None:
    """`<name>` (FinInstnId, BrnchId) followed by `<name>Acct` when the agent has an account."""
    if agent is None:
        return
    element = container(parent, name)
    institution = container(element, "FinInstnId")
    add(institution, "BICFI", agent.bic)
    if agent.member_id:
        member = container(institution, "ClrSysMmbId")
        write_code(member, "ClrSysId", agent.clearing_system, code_length=5)
        add(member, "MmbId", agent.member_id)
    add(institution, "LEI", agent.lei)
    add(institution, "Nm", agent.name)
    write_postal_address(institution, agent.postal_address)
    if agent.other_id is not None:
        _write_generic(institution, agent.other_id)
    if agent.branch_id:
        add(container(element, "BrnchId"), "Id", agent.branch_id)
    if with_account:
        write_account(parent, f"{name}Acct", agent.account)


def write_instruction(parent: XmlElement, name: str, instruction: Instruction) -> None:
    element = container(parent, name)
    add(element, "Cd", instruction.code)
    add(element, "InstrInf", instruction.text)
    prune(element)


def write_remittance(parent: XmlElement, remittance: RemittanceInfo | None) -> None:
    if remittance is None:
        return
    element = container(parent, "RmtInf")
    for line in remittance.unstructured:
        add(element, "Ustrd", line)
    for block in remittance.structured:
        structured = container(element, "Strd")
        for document in block.referred_documents:
            referred = container(structured, "RfrdDocInf")
            if document.type_code:
                code = "Cd" if document.type_code in DOCUMENT_TYPE_CODES else "Prtry"
                add(container(container(referred, "Tp"), "CdOrPrtry"), code, document.type_code)
            add(referred, "Nb", document.number)
            add(referred, "RltdDt", document.related_date.isoformat() if document.related_date else None)
            prune(referred)
        amounts = container(structured, "RfrdDocAmt")
        write_amount(amounts, "DuePyblAmt", block.due_payable_amount)
        write_amount(amounts, "RmtdAmt", block.remitted_amount)
        prune(amounts)
        reference = block.creditor_reference
        if reference is not None:
            info = container(structured, "CdtrRefInf")
            if reference.type_code or reference.type_proprietary:
                kind = container(info, "Tp")
                choice = container(kind, "CdOrPrtry")
                add(choice, "Cd", reference.type_code)
                if not reference.type_code:
                    add(choice, "Prtry", reference.type_proprietary)
                add(kind, "Issr", reference.issuer)
            add(info, "Ref", reference.reference)
            prune(info)
        for line in block.additional_info:
            add(structured, "AddtlRmtInf", line)
        prune(structured)
    prune(element)
