"""Mapping rules SWIFT MT and the canonical (ISO 20022 shaped) model share, read in both directions.

Only rules live here, never a converter (STYLE rule 5): the MT modules read and write
with them, and any MX module can use the same tables to stay consistent. Each table
names its source; mappings DOMAIN marks unconfirmed are marked so here too.

    charge codes          :71A: OUR SHA BEN  <->  ChrgBr DEBT SHAR CRED (SLEV has no MT value)
    bank operation code   :23B: SPRI         <->  InstrPrty HIGH
    instruction codes     :23E: SDVA -> SvcLvl; INTC CORT -> CtgyPurp; CHQB HOLD PHOB TELB -> InstrForCdtrAgt/Cd;
                          PHON TELE PHOI TELI REPA -> InstrForNxtAgt/InstrInf as "/CODE/text"
    sender to receiver    :72: /ACC/ -> InstrForCdtrAgt; /REC/ -> InstrForNxtAgt; /INT/ -> InstrForNxtAgt
                          as "/INT/text"; /INS/ -> PrvsInstgAgt
    time indications      :13C: CLSTIME RNCTIME SNDTIME <-> CLSTm CdtDtTm DbtDtTm
    clearing codes        //FW <-> USABA, //SC <-> GBDSC, ... (party identifiers of 52a-58a)
    party options         which letter an agent or customer is written with
    dates                 YYMMDD with the sliding century window of DOMAIN §8.10
"""

from __future__ import annotations

from datetime import date
from typing import Final, Literal

from translators.swift.values import CENTURY_PIVOT, format_yymmdd, parse_yymmdd

# --- charges: DOMAIN §3.1 (:71A: <-> ChrgBr) ---------------------------------------------------------
CHARGE_BEARER_BY_MT_CODE: Final[dict[str, str]] = {"OUR": "DEBT", "SHA": "SHAR", "BEN": "CRED"}
MT_CODE_BY_CHARGE_BEARER: Final[dict[str, str]] = {value: key for key, value in CHARGE_BEARER_BY_MT_CODE.items()}
CHARGE_BEARER_WITHOUT_MT_CODE: Final = "SLEV"        # DOMAIN §3.1: reject, or map to SHA by configuration

# --- bank operation code: DOMAIN §3.1, SPRI -> InstrPrty HIGH (unconfirmed); CRED -> nothing --------
BANK_OPERATION_NORMAL: Final = "CRED"
BANK_OPERATION_PRIORITY: Final = "SPRI"
PRIORITY_HIGH: Final = "HIGH"

# --- :23E: instruction codes: DOMAIN §1.5 (order, D98) and §3.1 (targets) ---------------------------
InstructionTarget = Literal["service_level", "category_purpose", "creditor_agent", "next_agent"]
INSTRUCTION_CODE_ORDER: Final = ("SDVA", "INTC", "REPA", "CORT", "HOLD", "CHQB", "PHOB", "TELB", "PHON", "TELE",
                                 "PHOI", "TELI")
INSTRUCTION_CODE_TARGETS: Final[dict[str, InstructionTarget]] = {
    "SDVA": "service_level",                 # PmtTpInf/SvcLvl/Cd SDVA
    "INTC": "category_purpose", "CORT": "category_purpose",     # PmtTpInf/CtgyPurp/Cd
    "CHQB": "creditor_agent", "HOLD": "creditor_agent",        # InstrForCdtrAgt/Cd (Instruction3Code)
    "PHOB": "creditor_agent", "TELB": "creditor_agent",
    # InstrForNxtAgt/Cd allows only PHOA/TELA: the MT code goes into InstrInf (DOMAIN §3.1, exact CBPR+
    # rule unconfirmed). REPA has no MX element in DOMAIN: kept the same way (our choice).
    "PHON": "next_agent", "TELE": "next_agent", "PHOI": "next_agent", "TELI": "next_agent", "REPA": "next_agent",
}
# Codes that may carry `/30x` additional information (D97); in MT103 STP only REPA (DOMAIN §1.6).
INSTRUCTION_CODES_WITH_INFORMATION: Final = frozenset({"PHON", "PHOB", "PHOI", "TELE", "TELB", "TELI", "HOLD",
                                                       "REPA"})
INSTRUCTION_CODES_WITH_INFORMATION_STP: Final = frozenset({"REPA"})
INSTRUCTION_INFORMATION_LENGTH: Final = 30


def next_agent_text(code: str, information: str | None) -> str:
    """The InstrForNxtAgt/InstrInf text that carries a :23E: code: `/PHON/+4912345`, `/TELI/`."""
    return f"/{code}/{information or ''}"


def instruction_code_of(text: str | None) -> tuple[str, str | None] | None:
    """The :23E: code and information carried in an InstrForNxtAgt text, or None if it carries none."""
    if not text or not text.startswith("/") or text[5:6] != "/":
        return None
    code = text[1:5]
    if INSTRUCTION_CODE_TARGETS.get(code) != "next_agent":
        return None
    return code, text[6:] or None


# --- :72: codes: DOMAIN §1.5 and §3.1 ---------------------------------------------------------------
SENDER_TO_RECEIVER_CODES: Final[dict[str, str]] = {
    "ACC": "creditor_agent",              # instructions for the account with institution
    "REC": "next_agent",                  # instructions for the receiver (the next agent)
    "INT": "next_agent",                  # instructions for the intermediary: kept as "/INT/text"
    "INS": "previous_instructing_agent",  # the instructing institution before the sender
}
INTERMEDIARY_MARKER: Final = "/INT/"

# --- :13C: time indications: DOMAIN §1.5 and §3.1 (canonical codes are the pacs.008 element names) ----
TIME_INDICATION_BY_MT_CODE: Final[dict[str, str]] = {
    "CLSTIME": "CLSTm",      # SttlmTmReq/CLSTm: CLS deadline
    "RNCTIME": "CdtDtTm",    # SttlmTmIndctn/CdtDtTm: credited at the receiving central bank
    "SNDTIME": "DbtDtTm",    # SttlmTmIndctn/DbtDtTm: debited at the sending central bank
}
MT_CODE_BY_TIME_INDICATION: Final[dict[str, str]] = {value: key for key, value in TIME_INDICATION_BY_MT_CODE.items()}

# --- national clearing codes: DOMAIN §1.5; ISO ExternalClearingSystemIdentification1Code ------------
# DOMAIN names USABA, USPID, GBDSC, DEBLZ, ATBLZ, CACPA, AUBSB, INFSC, CHBCC; the other ISO codes are
# from the external code list (2025). //CH (CHIPS UID), //RT (pay by RTGS) and //FW alone (pay by
# Fedwire, no routing number) have no ISO clearing system member id.
CLEARING_SYSTEM_BY_MT_CODE: Final[dict[str, str]] = {
    "FW": "USABA", "CP": "USPID", "SC": "GBDSC", "BL": "DEBLZ", "AT": "ATBLZ", "CC": "CACPA", "AU": "AUBSB",
    "IN": "INFSC", "SW": "CHBCC", "CN": "CNAPS", "ES": "ESNCC", "GR": "GRBIC", "HK": "HKNCC", "IE": "IENCC",
    "IT": "ITNCC", "NZ": "NZNCC", "PL": "PLKNR", "PT": "PTNCC", "RU": "RUCBC", "ZA": "ZANCC",
}
MT_CODE_BY_CLEARING_SYSTEM: Final[dict[str, str]] = {value: key for key, value in CLEARING_SYSTEM_BY_MT_CODE.items()}
# Clearing codes allowed in option A (the others only in options C and D), DOMAIN §1.5.
CLEARING_CODES_OPTION_A: Final = frozenset({"AT", "AU", "BL", "CC", "CN", "ES", "FW", "GR", "HK", "IE", "IN", "IT",
                                            "NZ", "PL", "PT", "RT", "SC"})

# --- party options: DOMAIN §1.5 -------------------------------------------------------------------
# Agents (52a-58a): A = BIC, B = location, C = party identifier only (/34x), D = name and address.
# Customers (50a, 59a): A = BIC, F = structured (numbered lines), K (50) or no letter (59) = name and address.
AgentShape = Literal["bic", "location", "identifier", "name"]


def agent_option(shape: AgentShape, allowed: str) -> str | None:
    """The option letter for an agent of this shape among the `allowed` letters, or None.

    An identifier-only agent (clearing code or account) is C where allowed, else D; a location
    is B; a name is D; a BIC is A.
    """
    preferences = {"bic": "A", "location": "B", "identifier": "CD", "name": "D"}[shape]
    return next((letter for letter in preferences if letter in allowed), None)


def customer_option(*, bic_only: bool, structured: bool, ordering: bool) -> str:
    """The option letter of 50a (ordering) or 59a (beneficiary): A, F, or K / no letter."""
    if bic_only:
        return "A"
    if structured:
        return "F"
    return "K" if ordering else ""


# --- dates: DOMAIN §8.10 ------------------------------------------------------------------------------
FIRST_YEAR: Final = 1900 + CENTURY_PIVOT          # YYMMDD can say 1980-2079 with the pivot 80
LAST_YEAR: Final = 2000 + CENTURY_PIVOT - 1


def mt_date(text: str) -> date:
    """A YYMMDD date with the sliding century window (00-79 -> 20xx); ValueError if not a date."""
    return parse_yymmdd(text, pivot=CENTURY_PIVOT)


def mt_date_text(value: date) -> str:
    """The YYMMDD of a date the window can read back; ValueError for a year outside 1980-2079."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"{value} cannot be written as YYMMDD (years {FIRST_YEAR}-{LAST_YEAR})")
    return format_yymmdd(value)
