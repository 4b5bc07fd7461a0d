"""The camt.052 / camt.053 / camt.054 versions the gateway reads and writes, and what differs between them.

Shapes checked against the official XSDs .001.02-.14 (DOMAIN §2.7): the record is `Rpt` (052),
`Stmt` (053) or `Ntfctn` (054); record pagination (`RptPgntn`/`StmtPgntn`/`NtfctnPgntn`) exists
from .03; `Ntry/Sts` is a plain EntryStatus2Code up to .06 and the `Cd`/`Prtry` choice
EntryStatus1Choice from .07; the servicer's BIC is `FinInstnId/BIC` in .02 and `BICFI` later;
`CreDtTm` of a record is mandatory up to .06; camt.054 has no `Bal`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class CamtMessage:
    """One camt message family: its message element, record element and record-level names."""

    family: str              # camt.053
    message: str             # BkToCstmrStmt
    record: str              # Stmt
    pagination: str          # StmtPgntn
    additional_info: str     # AddtlStmtInf
    has_balances: bool = True


FAMILIES: Final = {
    "camt.052": CamtMessage("camt.052", "BkToCstmrAcctRpt", "Rpt", "RptPgntn", "AddtlRptInf"),
    "camt.053": CamtMessage("camt.053", "BkToCstmrStmt", "Stmt", "StmtPgntn", "AddtlStmtInf"),
    "camt.054": CamtMessage("camt.054", "BkToCstmrDbtCdtNtfctn", "Ntfctn", "NtfctnPgntn", "AddtlNtfctnInf",
                            has_balances=False),
}
FIRST_READ: Final = 2            # .001.02: the oldest version in use (DOMAIN §2.2)
LAST_VERSION: Final = 14         # the newest the XSD catalogue carries
FIRST_STATUS_CHOICE: Final = 7   # Ntry/Sts/Cd from .07 on
FIRST_PAGINATION: Final = 3      # record pagination from .03 on

SUPPORTED_VERSIONS: Final = tuple(
    f"{family}.001.{number:02d}" for family in FAMILIES for number in range(FIRST_READ, LAST_VERSION + 1))
# Rendering: versions whose output is checked against the official XSD by the tests.
RENDER_VERSIONS: Final = tuple(
    f"{family}.001.{number:02d}" for family in ("camt.053", "camt.054") for number in range(8, LAST_VERSION + 1))

# ExternalEntryStatus1Code and ExternalBalanceType1Code values (ISO 20022 external code sets; DOMAIN §2.7).
ENTRY_STATUSES: Final = frozenset({"BOOK", "PDNG", "INFO", "FUTR"})
BOOKED: Final = "BOOK"
BALANCE_TYPES: Final = frozenset({"OPBD", "CLBD", "ITBD", "OPAV", "CLAV", "ITAV", "FWAV", "PRCD", "XPCD", "INFO"})


def family_of(version: str) -> CamtMessage:
    return FAMILIES[version[:8]]


def version_number(version: str) -> int:
    return int(version.rsplit(".", 1)[1])
