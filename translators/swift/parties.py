"""Party fields (50a-59a) to and from canonical parties, agents and accounts (DOMAIN §1.5, §3.1-3.2).

Reading: the account or party identifier line becomes an `Account` (scheme IBAN when
schwifty accepts it, else BBAN) or, after `//`, an agent's clearing system member id
(`//FW021000021` -> USABA 021000021, `translators/mx_mt.py`); option A gives a BIC, B a
location (kept as the one address line of an agent without name), C the identifier
alone, D and K and 59 without letter a name (line 1) and address lines, F the numbered
lines of 50F/59F (`1/` name, `2/` address, `3/CC/TOWN` country and town, `4/` date and
`5/` place of birth) as a hybrid postal address (DOMAIN §3.1). What the model cannot hold
(a D/C mark, `//FW` without routing number, `//RT`, `//CH`, 50F `6/`-`8/` lines) is a `Loss`.

Writing picks the option from the shape of the agent or party (`mx_mt.agent_option`,
`mx_mt.customer_option`) among those the message allows, and reports everything that
does not fit through `fin_text.Report`.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from schemas.canonical import Account, Agent, GenericIdentification, Party, PartyIdentification, PostalAddress
from translators.base import Loss
from translators.iso20022.common import iban_problem
from translators.mx_mt import (
    CLEARING_SYSTEM_BY_MT_CODE,
    MT_CODE_BY_CLEARING_SYSTEM,
    AgentShape,
    agent_option,
    customer_option,
)
from translators.swift.fin_text import LINE_WIDTH, Report, fit_lines, wrap_words
from translators.swift.model import Field
from translators.swift.notation import NotationError, compile_notation
from translators.swift.party import (
    CLEARING_CODES_OPTION_A,
    CLEARING_CODES_OPTION_CD,
    PARTY_IDENTIFIER_CODES,
    parse_party,
)

NUMBERED_WIDTH: Final = 33                       # `1!n/33x`
ACCOUNT_WIDTH: Final = 34                        # `/34x`
PRIVATE_IDENTIFIER_CODES: Final = frozenset({"ARNU", "CCPT", "DRLC", "NIDN", "SOSE"})   # persons only


def account_from(identifier: str) -> Account:
    """An MT account: an IBAN if it passes ISO 13616 (country, length, mod-97), else a BBAN."""
    return Account(id=identifier, scheme="IBAN" if iban_problem(identifier) is None else "BBAN")


# --- reading ----------------------------------------------------------------------------------------

def read_agent(field: Field, losses: list[Loss]) -> Agent:
    """An institution field (51a-58a) as an `Agent`."""
    party = parse_party(field)
    path = f":{field.tag}:"
    clearing_system = member_id = None
    if party.clearing_system is not None:
        iso = CLEARING_SYSTEM_BY_MT_CODE.get(party.clearing_system)
        if iso is not None and party.clearing_code:
            clearing_system, member_id = iso, party.clearing_code
        else:
            losses.append(Loss(f"{path}/line 1", f"//{party.clearing_system}", "a national clearing code without "
                               "an ISO clearing system member id (e.g. //FW or //RT alone: pay by Fedwire/RTGS, "
                               "//CH) has no canonical field"))
    if party.debit_credit is not None:
        losses.append(Loss(f"{path}/line 1", "", "the debit/credit mark of the party identifier has no "
                           "canonical field"))
    names = party.name_and_address
    postal = None
    if field.option == "B" and party.location:
        postal = PostalAddress(address_lines=(party.location,))
    elif len(names) > 1:
        postal = PostalAddress(address_lines=names[1:])
    return Agent(bic=party.bic, clearing_system=clearing_system, member_id=member_id,
                 name=names[0] if names else None, postal_address=postal,
                 account=account_from(party.account) if party.account else None)


def read_customer(field: Field, losses: list[Loss]) -> tuple[Party, Account | None]:
    """An ordering (50a) or beneficiary (59a) customer as a `Party` and its account."""
    party = parse_party(field)
    account = account_from(party.account) if party.account else None
    if field.option == "A":
        return Party(identification=PartyIdentification(kind="organisation", any_bic=party.bic)), account
    if field.option != "F":
        names = party.name_and_address
        postal = PostalAddress(address_lines=names[1:]) if len(names) > 1 else None
        return Party(name=names[0] if names else None, postal_address=postal), account
    return _numbered_party(field, party.numbered_lines, party.identifier_code, party.identifier_country,
                           party.identifier, losses), account


def _numbered_party(field: Field, lines: tuple[tuple[str, str], ...], code: str | None, country: str | None,
                    identifier: str | None, losses: list[Loss]) -> Party:
    names: list[str] = []
    address: list[str] = []
    towns: list[str] = []
    address_country = birth_date = birth_country = birth_city = None
    for position, (number, text) in enumerate(lines, start=2):
        if number == "1":
            names.append(text)
        elif number == "2":
            address.append(text)
        elif number == "3":
            if address_country is None:
                address_country, _, town = text.partition("/")
                towns.append(town)
            else:
                towns.append(text)
        elif number == "4" and len(text) == 8 and text.isdigit():
            try:
                birth_date = date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                losses.append(Loss(f":{field.tag}:/line {position}", "", "the date of birth is not a date"))
        elif number == "5":
            birth_country, _, birth_city = text.partition("/")
        else:
            losses.append(Loss(f":{field.tag}:/line {position}", f"{number}/", f"the {number}/ line of 50F "
                               "(customer, national id or additional information) has no canonical field"))
    postal = None
    town_name = " ".join(town for town in towns if town) or None
    if address or address_country or town_name:
        postal = PostalAddress(country=address_country or None, town_name=town_name, address_lines=tuple(address))
    others: tuple[GenericIdentification, ...] = ()
    if code and code in PARTY_IDENTIFIER_CODES:
        others = (GenericIdentification(id=identifier or "", scheme_code=code, issuer=country or None),)
    identification = None
    private = birth_date is not None or birth_city is not None or (code in PRIVATE_IDENTIFIER_CODES)
    if others or private:
        identification = PartyIdentification(
            kind="private" if private else "organisation", birth_date=birth_date,
            birth_country=birth_country or None if private else None, birth_city=birth_city or None, others=others)
    return Party(name=" ".join(names) or None, postal_address=postal, identification=identification)


# --- writing ----------------------------------------------------------------------------------------

def account_line(account: Account, source: str, target: str, report: Report) -> str | None:
    """`/account` for the party identifier line; None (and an error) when it does not fit `/34x`."""
    text = report.x_text(account.id, source, target)
    if len(text) > ACCOUNT_WIDTH:
        report.error("mt.render_truncated", target, f"the account of {len(text)} characters does not fit the "
                     f"{ACCOUNT_WIDTH} of {target}; an account is never cut")
        return None
    extra = [name for name, value in (("currency", account.currency), ("name", account.name),
                                      ("type", account.type_code), ("issuer", account.issuer)) if value]
    if account.scheme not in ("IBAN", "BBAN"):
        extra.append(f"scheme {account.scheme}")
    if extra:
        report.loss("mt.render_dropped", source, target, f"{target} carries only the account id; its "
                    f"{', '.join(extra)} were left out")
    return "/" + text


def _clearing_line(agent: Agent, option_a: bool, source: str, target: str, report: Report) -> str | None:
    if not agent.clearing_system:
        return None
    code = MT_CODE_BY_CLEARING_SYSTEM.get(agent.clearing_system)
    member = agent.member_id or ""
    table = CLEARING_CODES_OPTION_A if option_a else CLEARING_CODES_OPTION_CD
    formats = table.get(code or "", ())
    if code is None or not any(notation and not isinstance(compile_notation(notation).match(member), NotationError)
                               for notation in formats):
        report.loss("mt.render_dropped", f"{source}/clearing_system", target, f"the {agent.clearing_system} clearing "
                    f"member id cannot be written in {target}")
        return None
    return f"//{code}{member}"


def address_lines(address: PostalAddress | None, source: str, target: str, report: Report) -> list[str]:
    """A postal address as free lines: its address lines, then street and building, then post code, town,
    country; structured elements flattened this way are reported."""
    if address is None:
        return []
    lines = list(address.address_lines)
    street = " ".join(filter(None, (address.street_name, address.building_number)))
    town = " ".join(filter(None, (address.post_code, address.town_name, address.country)))
    structured = [line for line in (street, town) if line]
    if structured or any(getattr(address, name) for name in (
            "address_type", "department", "sub_department", "building_name", "floor", "post_box", "room",
            "town_location_name", "district_name", "country_subdivision")):
        report.loss("mt.render_changed", f"{source}/postal_address", target, f"the structured address was written "
                    f"as free address lines in {target}")
    return lines + structured


def write_agent(agent: Agent, number: str, allowed: str, source: str, report: Report) -> tuple[str, str] | None:
    """An agent as field `number` (`52`, `57`...) in the first fitting option of `allowed` (`ABCD`)."""
    shape: AgentShape
    location = agent.postal_address.address_lines[0] if agent.postal_address is not None and \
        len(agent.postal_address.address_lines) == 1 and agent.postal_address == PostalAddress(
            address_lines=agent.postal_address.address_lines) else None
    if agent.bic:
        shape = "bic"
    elif agent.name:
        shape = "name"
    elif location is not None:
        shape = "location"
    else:
        shape = "identifier"
    option = agent_option(shape, allowed)
    target = f":{number}{option or 'a'}:"
    identifier = _clearing_line(agent, option == "A", source, target, report)
    if agent.account is not None:
        if identifier is None:
            identifier = account_line(agent.account, f"{source}/account", target, report)
        else:
            report.loss("mt.render_dropped", f"{source}/account", target, f"{target} holds one party identifier: "
                        "the clearing code was kept, the account left out")
    dropped = [name for name, value in (("LEI", agent.lei), ("other id", agent.other_id),
                                        ("branch id", agent.branch_id)) if value]
    if option == "A" and (agent.name or agent.postal_address):
        dropped.append("name and address")
    if dropped:
        report.loss("mt.render_dropped", source, target, f"{target} identifies the institution by "
                    f"{'BIC' if option == 'A' else 'name'}: its {', '.join(dropped)} were left out")
    head = [identifier] if identifier else []
    if option == "A" and agent.bic:
        return f"{number}A", "\n".join([*head, agent.bic])
    if option == "B" and location is not None:
        return f"{number}B", "\n".join([*head, report.x_text(location, source, target)[:LINE_WIDTH]])
    if option in ("B", "C") and identifier:
        return f"{number}{option}", identifier
    if option == "D" and agent.name:
        lines = wrap_words(report.x_text(agent.name, f"{source}/name", target), LINE_WIDTH)
        for line in address_lines(agent.postal_address, source, target, report):
            lines.extend(wrap_words(report.x_text(line, f"{source}/postal_address", target), LINE_WIDTH))
        return f"{number}D", "\n".join([*head, *fit_lines(lines, 4, source, target, report)])
    report.loss("mt.render_dropped", source, target, f"the institution has nothing {target} can identify it by "
                f"(options {', '.join(allowed)}): the field was left out")
    return None


def write_customer(party: Party, account: Account | None, number: str, allowed: str, source: str,
                   report: Report) -> tuple[str, str] | None:
    """The ordering (50) or beneficiary (59) customer in option A, F, or K / no letter."""
    identification = party.identification
    bic = identification.any_bic if identification is not None else None
    ordering = number == "50"
    account_text = account_line(account, f"{source}_account", f":{number}a:", report) if account else None
    identifier = _identifier_line(identification) if ordering and account_text is None else None
    address = party.postal_address
    structured = address is not None and bool(address.country)
    if ordering:
        birth = identification is not None and identification.birth_date is not None
        fits = address is None or bool(address.country) or address == PostalAddress()
        structured = (structured or identifier is not None or birth) and fits and (
            account_text is not None or identifier is not None)
    option = customer_option(bic_only=bool(bic) and not party.name, structured=structured, ordering=ordering)
    if option not in allowed:
        option = "K" if ordering else ""
    target = f":{number}{option}:"
    dropped = _dropped_identification(party, option, identifier)
    if dropped:
        report.loss("mt.render_dropped", source, target, f"{target} has no place for the party's "
                    f"{', '.join(dropped)}: left out")
    head = [account_text] if account_text else []
    if option == "A" and bic:
        return f"{number}A", "\n".join([*head, bic])
    if not party.name:
        report.error("mt.render_mandatory", target, f"{target} needs the customer's name or BIC; the payment has "
                     "neither")
        return None
    if option == "F":
        lines = _numbered_lines(party, ordering, source, target, report)
        first = head or ([identifier] if identifier else [])     # 59F has no mandatory first line
        return f"{number}F", "\n".join([*first, *lines])
    lines = wrap_words(report.x_text(party.name, f"{source}/name", target), LINE_WIDTH)
    for line in address_lines(address, source, target, report):
        lines.extend(wrap_words(report.x_text(line, f"{source}/postal_address", target), LINE_WIDTH))
    return f"{number}{option}", "\n".join([*head, *fit_lines(lines, 4, source, target, report)])


def _identifier_line(identification: PartyIdentification | None) -> str | None:
    """50F line 1 `CODE/CC/identifier` from the first identification with a 50F code and an issuing country."""
    if identification is None:
        return None
    for other in identification.others:
        if other.scheme_code in PARTY_IDENTIFIER_CODES and other.issuer and len(other.issuer) == 2 and other.id:
            line = f"{other.scheme_code}/{other.issuer}/{other.id}"
            if len(line) <= LINE_WIDTH and line == line.upper():
                return line
    return None


def _dropped_identification(party: Party, option: str, identifier: str | None) -> list[str]:
    identification = party.identification
    dropped = []
    if party.country_of_residence:
        dropped.append("country of residence")
    if identification is None:
        return dropped
    if identification.lei:
        dropped.append("LEI")
    if identification.any_bic and option != "A":
        dropped.append("BIC")
    others = identification.others[1:] if identifier else identification.others
    if others:
        dropped.append(f"{len(others)} identification(s)")
    if option != "F" and (identification.birth_date or identification.birth_city):
        dropped.append("birth data")
    if identification.birth_province:
        dropped.append("province of birth")
    return dropped


def _numbered_lines(party: Party, ordering: bool, source: str, target: str, report: Report) -> list[str]:
    """1/ name, 2/ address, 3/ country and town, (50F) 4/ date and 5/ place of birth: at most 4 lines."""
    address = party.postal_address or PostalAddress()
    names = [f"1/{line}" for line in wrap_words(report.x_text(party.name or "", f"{source}/name", target),
                                                 NUMBERED_WIDTH)]
    town = report.x_text(" ".join(filter(None, (address.post_code, address.town_name))), f"{source}/postal_address",
                         target)
    towns = [f"3/{line}" for line in wrap_words(f"{address.country}/{town}" if town else f"{address.country}",
                                                 NUMBERED_WIDTH)] if address.country else []
    if address.post_code:
        report.loss("mt.render_changed", f"{source}/postal_address/post_code", target, f"{target} has no post code "
                    "line: the post code was written before the town")
    free = list(address.address_lines)
    street = " ".join(filter(None, (address.street_name, address.building_number)))
    if street:
        free.append(street)
        report.loss("mt.render_changed", f"{source}/postal_address", target, f"{target} has no street line: the "
                    "street and building number were written as an address line")
    streets = [f"2/{line}" for text in free for line in wrap_words(
        report.x_text(text, f"{source}/postal_address", target), NUMBERED_WIDTH)]
    births: list[str] = []
    identification = party.identification
    if ordering and identification is not None and identification.birth_date is not None:
        births.append(f"4/{identification.birth_date:%Y%m%d}")
        if identification.birth_country and identification.birth_city:
            births.extend(f"5/{line}" for line in wrap_words(report.x_text(
                f"{identification.birth_country}/{identification.birth_city}", f"{source}/identification", target),
                NUMBERED_WIDTH)[:1])
    room = 4 - len(towns) - len(births)                  # lines left for names and address lines
    names = fit_lines(names, max(1, room - min(1, len(streets))), f"{source}/name", target, report)
    streets = fit_lines(streets, max(0, room - len(names)), f"{source}/postal_address", target, report)
    return fit_lines([*names, *streets, *towns, *births], 4, source, target, report)
