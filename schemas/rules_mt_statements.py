"""Rules of SWIFT MT statements (MT940, MT950) and of MT900/MT910/MT199/MT299, merged into `schemas.codes.RULES`.

The SWIFT error code, where one applies, starts each issue's message (`C27: ...`).
Modules: `translators/swift/statements*.py`, `translators/swift/mt9xx.py`.
"""

from __future__ import annotations

from schemas.codes import RuleSpec

STATUS_REASONS: dict[str, str] = {
    "CH16": "element content is formally incorrect",
}

RULES: dict[str, RuleSpec] = {
    "mt9.C24": RuleSpec(
        "FF01", "an MT940 :86: that neither follows its :61: nor closes the statement after :62a: (C24)",
        "SWIFT MT940 network validated rule C1, SRU2025", ":60F:C251123EUR1,00 then :86:TEXT"),
    "mt9.C27": RuleSpec(
        "CURR", "the balances of a statement (60a, 62a, 64, 65) differ in the first two letters of their "
        "currency (C27)", "SWIFT MT940 network validated rule C2 and MT950 rule C1, SRU2025",
        ":60F:C251123EUR1, and :62F:C251124USD1,"),
    "mt9.entry_date": RuleSpec(
        "DT01", "the :61: entry date (MMDD) does not exist in the year inferred from the value date (T50)",
        "SWIFT MT940 field 61 subfield 2; DOMAIN §8.11", ":61:2503010229D1,NTRFNONREF"),
    "mt9.balance": RuleSpec(
        "AM10", "opening balance + credits - debits differs from the closing balance of the page (RC entries "
        "are debits, RD credits); a warning when the two balances are in currencies that cannot be summed",
        "DOMAIN §1.8 (balance check), §8.41-8.42; AM10: a stated total differs from the sum of its items",
        ":60F:C251123EUR100, :61:...C10,... :62F:C251124EUR100,"),
    "mt9.page_balance": RuleSpec(
        "CH16", "the balance options disagree with the :28C: page number: page 1 opens with 60F, later pages "
        "with 60M, and 62M needs a page number (warning)", "SWIFT MT940/MT950 usage rules of fields 28C, 60a, "
        "62a, SRU2025", ":28C:5/2 with :60F:"),
    "mt9.gap": RuleSpec(
        "FF01", "statements or pages are missing: a jump in :28C: statement or page numbers, pages after a "
        "final 62F, a statement ending with 62M (warning: alert, do not fail)", "DOMAIN §8.41",
        ":28C:7/1 then :28C:9/1 for the same account"),
    "mt9.continuity": RuleSpec(
        "AM10", "the opening balance of a page or statement differs from the closing balance of the one before "
        "it (62M of page n vs 60M of page n+1; 62F vs the next statement's 60F)", "DOMAIN §1.8, §8.41",
        ":62M:C251124EUR10, then :60M:C251124EUR11,"),
    "mt9.unmapped": RuleSpec(
        "FF01", "a statement field could not be read into the canonical statement (its validation issue says why)",
        "DOMAIN §3.3", "a :61: without decimal comma"),
    "mt9.render": RuleSpec(
        "FF01", "a canonical statement cannot be written as MT940/MT950: no booked balance, an entry in another "
        "currency than the statement, an amount longer than 15d", "DOMAIN §1.8, §3.3",
        "an entry in USD on a EUR statement"),
    "mt9.C06": RuleSpec(
        "FF01", "an MT910 without ordering customer (50a) and without ordering institution (52a) (C06)",
        "SWIFT MT910 network validated rule C1, SRU2025", "an MT910 with neither :50K: nor :52A:"),
}
