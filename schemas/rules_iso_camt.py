"""Rules of ISO 20022 bank-to-customer cash management messages (camt.052, camt.053, camt.054),
merged into `schemas.codes.RULES`. Module: `translators/iso20022/camt05x*.py` (DOMAIN §2.7, §2.11, §3.3).
"""

from __future__ import annotations

from schemas.codes import RuleSpec

RULES: dict[str, RuleSpec] = {
    "camt.balance": RuleSpec(
        "AM10", "the opening booked balance plus the booked entries differs from the closing booked balance "
        "(per currency; DBIT entries and balances count negative; only entries with status BOOK count)",
        "camt.053.001.08 Stmt/Bal (OPBD, CLBD) and Stmt/Ntry; DOMAIN §1.8 balance check, §2.7",
        "OPBD 100.00 CRDT, one booked 10.00 CRDT entry, CLBD 100.00 CRDT"),
    "camt.date": RuleSpec(
        "DT01", "a date or date-time is not a real calendar value, or FrToDt ends before it starts (checked here "
        "when no XSD is available; the XSD rejects unreal xs:date values itself)",
        "camt.053.001.08 ISODate / ISODateTime (DateAndDateTime2Choice), Stmt/FrToDt",
        "Ntry/BookgDt/Dt 2025-02-30"),
    "camt.entry_count": RuleSpec(
        "AM18", "TxsSummry/TtlNtries/NbOfNtries differs from the number of Ntry elements of the statement",
        "camt.053.001.08 Stmt/TxsSummry/TtlNtries/NbOfNtries", "NbOfNtries=3 with two Ntry"),
    "camt.entry_sum": RuleSpec(
        "AM10", "TxsSummry/TtlCdtNtries/Sum or TtlDbtNtries/Sum differs from the sum of the credit or debit "
        "entries of the statement", "camt.053.001.08 Stmt/TxsSummry/TtlCdtNtries/Sum, TtlDbtNtries/Sum",
        "TtlCdtNtries/Sum=10.00 for entries of 5.00 and 6.00 CRDT"),
    "camt.code": RuleSpec(
        "FF01", "an entry status or balance type outside the external code list the gateway knows (from "
        "version .07 the XSD checks only the length); a warning", "ISO 20022 external code sets: "
        "ExternalEntryStatus1Code, ExternalBalanceType1Code; DOMAIN §2.7, §2.11", "Ntry/Sts/Cd XXXX"),
}
