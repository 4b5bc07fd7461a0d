"""Rules of the SWIFT MT payment messages (MT103, MT103 STP, MT103 REMIT, MT202, MT202 COV).

Network-validated rules (C-rules and the D/E error codes) live in
`translators/swift/crules*.py`; the mapping and rendering rules in
`translators/swift/mt103.py`, `mt202.py` and their helpers. The SWIFT error code starts
each issue's message; the reason code is the ISO 20022 ExternalStatusReason1Code a
status report carries (external code sets 2Q2026, DOMAIN §2.10-2.11):

    conditional presence  CH21 mandatory element missing / CH17 element not allowed
    currency              CURR        amount        AM01 zero / AM12 invalid
    23B/23E codes         FF03 payment type information invalid
    agents                RC04 creditor agent / RC11 intermediary agent missing or invalid
    accounts              AC03 creditor account invalid or missing
    field syntax          FF01        BIC          RC01

Where a rule fires both for a missing and for a forbidden field, the issue carries CH21
or CH17 accordingly; the code below is the default. Sources: DOMAIN §1.5-1.7 (C-rules,
STP restrictions, MT202/MT202 COV), §1.9 (error code families), §3.4 (loss reporting),
§8.9 (character set of MX text written to MT), confirmed codes per DOMAIN §9.
"""

from __future__ import annotations

from schemas.codes import RuleSpec

# Reason codes these rules use that schemas/codes.py does not list yet (ExternalStatusReason1Code).
STATUS_REASONS: dict[str, str] = {
    "AC03": "creditor account number is invalid or missing",
    "CH16": "element content is formally incorrect",
    "FF03": "payment type information is missing or invalid",
    "RC04": "creditor bank identifier is invalid or missing",
    "RC11": "intermediary agent is invalid or missing",
    "RR08": "remittance information was truncated",
    "RR10": "character set supplied is not valid",
}

_MT103 = "SWIFT MT103 SRU2025 network validated rules (DOMAIN §1.6)"
_STP = "SWIFT MT103 STP SRU2025 (DOMAIN §1.6, MT103 STP restrictions)"
_MT202 = "SWIFT MT202/MT202 COV SRU2025 network validated rules (DOMAIN §1.7)"
_LOSS = "DOMAIN §3.4 (reporting translation loss)"

RULES: dict[str, RuleSpec] = {
    # --- MT103 C-rules (DOMAIN §1.6 C1-C9) ---------------------------------------------------
    "mt.D75": RuleSpec(
        "CH21", "C1: :33B: in a currency other than :32A:'s needs :36:; otherwise :36: is not allowed (CH17)",
        f"{_MT103}, C1", ":33B:USD1000, with :32A:...EUR900, and no :36:"),
    "mt.D49": RuleSpec(
        "CH21", "C2: sender and receiver both in the EU/EEA list need :33B:", f"{_MT103}, C2",
        "COBADEFF to BNPAFRPP without :33B:"),
    "mt.E01": RuleSpec(
        "FF03", "C3: with :23B:SPRI, :23E: may only be SDVA, TELB, PHOB, INTC (MT103 STP: SDVA, INTC)",
        f"{_MT103}, C3", ":23B:SPRI with :23E:CHQB"),
    "mt.E02": RuleSpec(
        "FF03", "C3: with :23B:SSTD or SPAY, :23E: is not allowed", f"{_MT103}, C3", ":23B:SSTD with :23E:SDVA"),
    "mt.E06": RuleSpec(
        "CH21", "C4: :55a: needs both :53a: and :54a:", f"{_MT103}, C4", ":55A: without :54a:"),
    "mt.C81": RuleSpec(
        "RC04", "C5: :56a: (intermediary) needs :57a: (account with institution)",
        f"{_MT103}, C5; {_MT202}", ":56A: without :57a:"),
    "mt.E16": RuleSpec(
        "RC11", "C6: with :23B:SPRI, :56a: is not allowed", f"{_MT103}, C6", ":23B:SPRI with :56A:"),
    "mt.E17": RuleSpec(
        "RC11", "C6: with :23B:SSTD or SPAY, :56a: is option A or C, and option C carries a //clearing code",
        f"{_MT103}, C6 (E17 detail unconfirmed, DOMAIN §9)", ":23B:SSTD with :56D:"),
    "mt.E13": RuleSpec(
        "CH17", "C7: with :71A:OUR, :71F: is not allowed", f"{_MT103}, C7", ":71A:OUR with :71F:EUR5,"),
    "mt.D50": RuleSpec(
        "CH17", "C7: with :71A:SHA, :71G: is not allowed", f"{_MT103}, C7", ":71A:SHA with :71G:EUR5,"),
    "mt.E15": RuleSpec(
        "CH21", "C7: with :71A:BEN, at least one :71F: is mandatory and :71G: is not allowed (CH17)",
        f"{_MT103}, C7", ":71A:BEN without :71F:"),
    "mt.D51": RuleSpec(
        "CH21", "C8: :71F: or :71G: needs :33B:", f"{_MT103}, C8", ":71F:EUR5, without :33B:"),
    "mt.C02": RuleSpec(
        "CURR", "C9: the currency of :71G: must be the currency of :32A:", f"{_MT103}, C9",
        ":71G:USD5, with :32A:...EUR100,"),
    # --- SPRI/SSTD/SPAY option rules -----------------------------------------------------------
    "mt.E03": RuleSpec(
        "CH17", "with :23B:SPRI, SSTD or SPAY, :53a: must not be option D", _MT103, ":23B:SPRI with :53D:"),
    "mt.E04": RuleSpec(
        "CH21", "with :23B:SPRI, SSTD or SPAY (and always in MT103 STP), :53B: must carry a party identifier",
        f"{_MT103}; {_STP}", ":23B:SSTD with :53B: holding only a location"),
    "mt.E05": RuleSpec(
        "CH17", "with :23B:SPRI, SSTD or SPAY, :54a: must be option A", _MT103, ":23B:SPRI with :54B:"),
    "mt.E07": RuleSpec(
        "CH17", "with :23B:SPRI, SSTD or SPAY, :55a: must be option A", _MT103, ":23B:SPRI with :55D:"),
    "mt.E09": RuleSpec(
        "RC04", "with :23B:SPRI, SSTD or SPAY, :57a: is option A, C or D, and D carries a party identifier",
        _MT103, ":23B:SPRI with :57B:"),
    "mt.E10": RuleSpec(
        "AC03", "with :23B:SPRI, SSTD or SPAY (and always in MT103 STP), :59a: carries an account",
        f"{_MT103}; {_STP}", ":23B:SPRI with :59: holding only a name"),
    # --- 23E ---------------------------------------------------------------------------------------
    "mt.E44": RuleSpec(
        "RC11", "without :56a:, no :23E: may be TELI or PHOI", f"{_MT103} (E44 unconfirmed, DOMAIN §9)",
        ":23E:TELI without :56a:"),
    "mt.E45": RuleSpec(
        "RC04", "without :57a:, no :23E: may be TELE or PHON", f"{_MT103} (E45 unconfirmed, DOMAIN §9)",
        ":23E:PHON without :57a:"),
    "mt.E18": RuleSpec(
        "CH17", "with :23E:CHQB, :59a: must not carry an account", f"{_MT103} (E18 unconfirmed, DOMAIN §9)",
        ":23E:CHQB with :59:/DE89..."),
    "mt.D98": RuleSpec(
        "FF03", "repeated :23E: codes must follow the order SDVA INTC REPA CORT HOLD CHQB PHOB TELB PHON TELE "
        "PHOI TELI", f"{_MT103}, field 23E", ":23E:HOLD then :23E:SDVA"),
    "mt.E46": RuleSpec(
        "FF03", "the same :23E: code must not appear twice", f"{_MT103}, field 23E", ":23E:SDVA twice"),
    "mt.D67": RuleSpec(
        "FF03", "forbidden :23E: combinations (SDVA+HOLD, SDVA+CHQB, INTC+HOLD, INTC+CHQB, REPA+HOLD, "
        "REPA+CHQB, REPA+CORT, CORT+HOLD, CORT+CHQB, HOLD+CHQB, PHOB+TELB, PHON+TELE, PHOI+TELI)",
        f"{_MT103}, field 23E", ":23E:HOLD with :23E:CHQB"),
    "mt.D97": RuleSpec(
        "FF03", "additional information after a :23E: code only for PHON PHOB PHOI TELE TELB TELI HOLD REPA "
        "(MT103 STP: only REPA)", f"{_MT103}, field 23E; {_STP}", ":23E:SDVA/TODAY"),
    # --- MT103 STP ----------------------------------------------------------------------------------
    "mt.D19": RuleSpec(
        "AC03", "MT103 STP between EU/EEA countries: the :59a: account must be a valid IBAN when :57A: is "
        "absent or in the list", f"{_STP} (D19 unconfirmed, DOMAIN §9); ISO 13616 mod-97",
        ":59:/123456 from DE to FR"),
    "mt.stp_72_ins": RuleSpec(
        "RC01", "MT103 STP :72: /INS/ must be followed by a valid financial institution BIC and nothing else "
        "on its line, and not continued on the next line (T27-T29, T44-T47)", _STP, ":72:/INS/ABC BANK"),
    "mt.T81": RuleSpec(
        "CH17", "MT103 STP :72: must not use the /REJT/ or /RETN/ codes", _STP, ":72:/REJT/..."),
    "mt.T82": RuleSpec(
        "CH17", "MT103 STP :72: must not carry exchange rate information (ERI codes /OCMT/ and /CHGS/)",
        f"{_STP}; ERI codes /OCMT/ /CHGS/ from the SWIFT MT103 usage rules (not in DOMAIN)",
        ":72:/OCMT/EUR100,"),
    "mt.72_structure": RuleSpec(
        "FF01", ":72: line 1 starts with a code between slashes (/8c/); each later line starts with // "
        "(continuation) or another /8c/ code", "SWIFT MT103 and MT202 SRU2025, field 72 structured format "
        "(DOMAIN §1.5); no SWIFT error code confirmed", ":72:PLEASE CALL"),
    # --- MT202 / MT202 COV ------------------------------------------------------------------------
    "mt.C68": RuleSpec(
        "RC04", "MT202 COV sequence B: :56a: needs :57a:", f"{_MT202} (C68 from open validators, DOMAIN §1.7)",
        "sequence B :56A: without sequence B :57a:"),
    # --- gateway policy ------------------------------------------------------------------------------
    "mt.zero_amount": RuleSpec(
        "AM01", "the :32A: settlement amount is zero: a gateway policy, not a SWIFT network rule",
        "DOMAIN §1.4 and §1.6 (zero amounts: gateway policy; AM01)", ":32A:251124EUR0,"),
    # --- mapping to and from the canonical model ---------------------------------------------------
    "mt.unmappable": RuleSpec(
        "FF01", "the message cannot be read into a payment: a mandatory field is missing or unreadable",
        "DOMAIN §3.1-3.2", "an MT103 whose :32A: has no decimal comma"),
    "mt.render_mandatory": RuleSpec(
        "FF01", "a mandatory MT field cannot be filled from the payment (no value, or none with an MT "
        "equivalent, e.g. charge bearer SLEV)", _LOSS, "a payment with ChrgBr SLEV rendered as MT103"),
    "mt.render_truncated": RuleSpec(
        "NARR", "a text or reference was cut to fit the MT field (warning)", _LOSS,
        "an InstrId of 35 characters written to the 16 of :20:"),
    "mt.render_remittance": RuleSpec(
        "RR08", "remittance information was truncated or dropped to fit :70: (4*35x) (warning)", _LOSS,
        "a 200-character Ustrd, or a Strd block"),
    "mt.render_charset": RuleSpec(
        "RR10", "characters outside the SWIFT X set were transliterated (warning)",
        f"{_LOSS}; DOMAIN §1.4, §8.8-8.9", "MÜLLER & SÖHNE written as MULLER + SOHNE"),
    "mt.render_changed": RuleSpec(
        "CH16", "a value was changed to fit MT rules (slashes in a reference, a line starting with : or -) "
        "(warning)", f"{_LOSS}; DOMAIN §8.8", "reference A//B written as A/B"),
    "mt.render_dropped": RuleSpec(
        "NARR", "information the MT message has no field for was left out (warning)", _LOSS,
        "an ultimate debtor, a LEI, a second intermediary agent"),
}
