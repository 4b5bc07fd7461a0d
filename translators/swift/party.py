"""Party fields (50a-59a): their first line, BIC, location, name and address, numbered lines (DOMAIN §1.5).

`parse_party(field)` never raises and reads what is there: the optional first line
(D/C mark `/C/` or `/D/` in institution fields, an account or party identifier
`/34x`, a national clearing code `//FW...`, `//SC123456`; in 50F a `CODE/CC/id`
identifier), the BIC (option A), the location (option B), the name and address lines
(D, K, no letter) and the numbered lines `1/ 2/ 3/...` of 50F and 59F. `party_issues`
checks what the notation cannot: the D/C mark, clearing codes per option (the lists
in DOMAIN §1.5, release-dependent: an unknown system is a warning), and the numbered
lines (T56: `1/` first, numbers ascending, `2/` needs `3/`; T73: country codes; T50:
the date of birth in 50F `4/`). Sources: DOMAIN §1.5; SWIFT MT103 SRU2025 fields 50F
and 59F network validated rules (T56, T73).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from schemas.issues import Issue, Severity
from translators.swift.model import Field, swift_issue
from translators.swift.notation import NotationError, compile_notation
from translators.swift.values import country_problem

_issue = swift_issue

INSTITUTION_NUMBERS: Final = frozenset({"51", "52", "53", "54", "55", "56", "57", "58"})
CLEARING_CODE_FIELDS: Final = frozenset({"52", "56", "57"})
# National clearing codes after "//" (DOMAIN §1.5): system -> allowed formats ("" = no digits).
CLEARING_CODES_OPTION_A: Final[dict[str, tuple[str, ...]]] = {
    "AT": ("5!n",), "AU": ("6!n",), "BL": ("8!n",), "CC": ("9!n",), "CN": ("12..14n",), "ES": ("8..9n",),
    "FW": ("",), "GR": ("7!n",), "HK": ("3!n",), "IE": ("6!n",), "IN": ("11!c",), "IT": ("10!n",),
    "NZ": ("6!n",), "PL": ("8!n",), "PT": ("8!n",), "RT": ("",), "SC": ("6!n",),
}
CLEARING_CODES_OPTION_CD: Final[dict[str, tuple[str, ...]]] = {
    **CLEARING_CODES_OPTION_A, "FW": ("", "9!n"), "CH": ("6!n",), "CP": ("4!n",), "RU": ("9!n",),
    "SW": ("3..5n", "6!n"), "ZA": ("6!n",),
}
PARTY_IDENTIFIER_CODES: Final = ("ARNU", "CCPT", "CUST", "DRLC", "EMPL", "NIDN", "SOSE", "TXID")   # 50F line 1
LINE_NUMBERS: Final = {"50": "12345678", "59": "123"}                                             # 50F, 59F


@dataclass(frozen=True, slots=True)
class PartyField:
    """A party field read into its parts; absent parts are None or empty."""

    tag: str
    debit_credit: str | None = None               # the /1!a/ mark of institution fields (C or D)
    account: str | None = None                    # account or party identifier, without its leading "/"
    clearing_system: str | None = None            # FW, SC, BL... from //FW...
    clearing_code: str | None = None              # what follows the system code ("" for //FW, //RT)
    identifier_code: str | None = None            # 50F line 1 CODE/CC/identifier: ARNU, CCPT...
    identifier_country: str | None = None
    identifier: str | None = None
    bic: str | None = None                        # option A
    location: str | None = None                   # option B
    name_and_address: tuple[str, ...] = ()        # options D, K and no letter
    numbered_lines: tuple[tuple[str, str], ...] = ()   # 50F/59F: (number, text), e.g. ("1", "JOHN DOE")

    @property
    def option(self) -> str:
        return self.tag[2:]

    @property
    def name(self) -> str | None:
        """The name: the `1/` lines of 50F/59F joined, else the first name-and-address line."""
        named = [text for number, text in self.numbered_lines if number == "1"]
        if named:
            return " ".join(named)
        return self.name_and_address[0] if self.name_and_address else None


def _identifier_parts(line: str, institution: bool) -> dict[str, str | None]:
    """The first line `/C/account`, `/account`, `//SC123456` as parts."""
    parts: dict[str, str | None] = {}
    rest = line[1:]
    if institution and len(line) >= 3 and line[2] == "/" and line[1].isalpha():
        parts["debit_credit"], rest = line[1], line[3:]
    if rest.startswith("/"):
        parts["clearing_system"], parts["clearing_code"] = rest[1:3], rest[3:]
    else:
        parts["account"] = rest
    return parts


def parse_party(field: Field) -> PartyField:
    """Read a party field (50a-59a) into its parts; never raises (DOMAIN §1.5)."""
    lines = field.value.split("\n")
    number, option = field.number, field.option
    institution = number in INSTITUTION_NUMBERS and option != "C"      # option C (/34x) has no D/C mark
    parts: dict[str, str | None] = {}
    rest = lines
    if option == "C" or (number == "50" and option == "F"):
        first, rest = lines[0], lines[1:]
        if first.startswith("/"):
            parts = _identifier_parts(first, institution)
        else:
            code, _, tail = first.partition("/")
            country, _, identifier = tail.partition("/")
            parts = {"identifier_code": code, "identifier_country": country, "identifier": identifier}
    elif lines[0].startswith("/") and (len(lines) > 1 or option == "B"):   # B: "/account" alone is usual
        parts, rest = _identifier_parts(lines[0], institution), lines[1:]
    bic = location = None
    names: tuple[str, ...] = ()
    numbered: tuple[tuple[str, str], ...] = ()
    if option == "A":
        bic = rest[0] if rest else None
    elif option == "B":
        location = rest[0] if rest else None
    elif option == "F":
        numbered = tuple((line[:1], line[2:]) if line[1:2] == "/" else ("", line) for line in rest)
    elif option != "C":
        names = tuple(rest)
    return PartyField(field.tag, bic=bic, location=location, name_and_address=names, numbered_lines=numbered,
                      **parts)


def _clearing_issues(field: Field, party: PartyField) -> list[Issue]:
    if party.clearing_system is None or field.number not in CLEARING_CODE_FIELDS:
        return []
    table = CLEARING_CODES_OPTION_A if field.option == "A" else CLEARING_CODES_OPTION_CD
    path = f":{field.tag}:/line 1"
    formats = table.get(party.clearing_system)
    if formats is None:
        return [_issue("mt.party", f"//{party.clearing_system} is not a national clearing code known for option "
                       f"{field.option}", path, Severity.WARNING)]
    code = party.clearing_code or ""
    for notation in formats:
        if (not notation and not code) or (notation and code and not isinstance(
                compile_notation(notation).match(code), NotationError)):
            return []
    shown = " or ".join(notation or "nothing" for notation in formats)
    return [_issue("mt.party", f"the //{party.clearing_system} clearing code must be followed by {shown} "
                   f"in option {field.option}", path)]


def _numbered_issues(field: Field, party: PartyField) -> list[Issue]:
    """T56/T73/T50 on the numbered lines of 50F and 59F (SWIFT MT103 SRU2025, fields 50F and 59F)."""
    allowed = LINE_NUMBERS.get(field.number, "")
    issues: list[Issue] = []
    offset = 2 if field.number == "50" or party.account is not None or party.clearing_system is not None else 1
    previous, seen, first_three = "", set(), True
    for position, (number, text) in enumerate(party.numbered_lines):
        path = f":{field.tag}:/line {position + offset}"
        if not number or number not in allowed:
            issues.append(_issue("mt.party", f"T56: each line must start with a number {', '.join(allowed)} "
                                 "and a slash", path))
            continue
        if position == 0 and number != "1":
            issues.append(_issue("mt.party", "T56: the first numbered line must be 1/ (the name)", path))
        elif number < previous:
            issues.append(_issue("mt.party", "T56: the line numbers must be in ascending order", path))
        previous = number
        seen.add(number)
        if number == "3" and first_three:
            first_three = False
            issues.extend(_country_issue(text[:2], path, "the first 3/ line must start with an ISO country code"))
        elif number in "567":
            issues.extend(_country_issue(text[:2], path, f"a {number}/ line must start with an ISO country code"))
        elif number == "4" and not _is_birth_date(text):
            issues.append(_issue("mt.date", "T50: a 4/ line holds the date of birth as YYYYMMDD", path))
        elif number == "8" and not seen & {"6", "7"}:
            issues.append(_issue("mt.party", "T56: an 8/ line continues a 6/ or 7/ line", path))
    if "2" in seen and "3" not in seen:
        issues.append(_issue("mt.party", "T56: a 2/ (address) line needs a 3/ (country and town) line",
                             f":{field.tag}:"))
    return issues


def _country_issue(country: str, path: str, why: str) -> list[Issue]:
    problem = country_problem(country)
    return [] if problem is None else [_issue("mt.party", f"T73: {why}: {problem}", path)]


def _is_birth_date(text: str) -> bool:
    if len(text) != 8 or not text.isdigit():
        return False
    try:
        date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return True


def party_issues(field: Field) -> list[Issue]:
    """What the notation cannot check in a party field: D/C mark, clearing codes, 50F identifier, numbered lines."""
    party = parse_party(field)
    issues: list[Issue] = []
    if party.debit_credit is not None and party.debit_credit not in ("C", "D"):
        issues.append(_issue("mt.party", "the debit/credit mark of the party identifier must be /C/ or /D/",
                             f":{field.tag}:/line 1"))
    issues.extend(_clearing_issues(field, party))
    if field.tag == "50F" and party.identifier_code is not None:
        if party.identifier_code not in PARTY_IDENTIFIER_CODES:
            issues.append(_issue("mt.party", "the 50F party identifier must be /account or one of "
                                 f"{', '.join(PARTY_IDENTIFIER_CODES)} followed by /country/identifier",
                                 ":50F:/line 1"))
        else:
            issues.extend(_country_issue(party.identifier_country or "", ":50F:/line 1",
                                         "the party identifier must give an ISO country code"))
    if field.option == "F":
        issues.extend(_numbered_issues(field, party))
    return issues
