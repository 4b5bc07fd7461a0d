"""Scheme usage rules a validation profile switches on (translators/iso20022/profile_rules.py).

Reason codes as the EPC rulebooks and CBPR+ give them (DOMAIN §4.2, §2.9-2.11).
"""

from __future__ import annotations

from schemas.codes import RuleSpec

STATUS_REASONS: dict[str, str] = {
    "FF04": "service level code is missing or invalid",
    "FF05": "local instrument code is missing or invalid",
    "FF08": "end to end id is missing or invalid",
    "RR02": "debtor name is missing",
    "RR03": "creditor name is missing",
    "RR07": "remittance information is invalid",
    "RR10": "character set supplied is not valid for the scheme",
    "AM02": "amount is above the maximum allowed",
    "AC02": "debtor account number is invalid or missing",
    "AC03": "creditor account number is invalid or missing",
}

RULES: dict[str, RuleSpec] = {
    "profile.service_level": RuleSpec("FF04", "the payment lacks the service level the scheme requires",
                                      "EPC SCT/SCT Inst IG: PmtTpInf/SvcLvl/Cd SEPA (DOMAIN §4.2)", "SvcLvl NURG"),
    "profile.local_instrument": RuleSpec("FF05", "the payment lacks the local instrument the scheme requires",
                                         "EPC SCT Inst IG: LclInstrm/Cd INST (DOMAIN §4.2)", "no LclInstrm"),
    "profile.charge_bearer": RuleSpec("FF01", "a charge bearer the scheme does not allow",
                                      "EPC SCT IG: ChrgBr SLEV (DOMAIN §4.2)", "ChrgBr SHAR under SEPA"),
    "profile.debtor_iban": RuleSpec("AC02", "the debtor account is missing or not an IBAN",
                                    "EPC SCT IG: DbtrAcct/Id/IBAN mandatory (DOMAIN §4.2)", "DbtrAcct/Id/Othr"),
    "profile.creditor_iban": RuleSpec("AC03", "the creditor account is missing or not an IBAN",
                                      "EPC SCT IG: CdtrAcct/Id/IBAN mandatory (DOMAIN §4.2)", "no CdtrAcct"),
    "profile.debtor_name": RuleSpec("RR02", "the debtor name is missing", "EPC SCT IG: Dbtr/Nm (DOMAIN §4.2)",
                                    "Dbtr with an id only"),
    "profile.creditor_name": RuleSpec("RR03", "the creditor name is missing", "EPC SCT IG: Cdtr/Nm (DOMAIN §4.2)",
                                      "Cdtr with an id only"),
    "profile.text_length": RuleSpec("FF01", "a party name longer than the scheme allows",
                                    "EPC SCT IG: names max 70 characters (DOMAIN §4.2)", "a 90-character Dbtr/Nm"),
    "profile.identifier": RuleSpec("FF08", "an identifier too long, starting or ending with / or holding //",
                                   "EPC SCT IG: identifiers (DOMAIN §4.2)", "EndToEndId /E2E//1"),
    "profile.character_set": RuleSpec("RR10", "a character outside the scheme's character set",
                                      "EPC SCT IG: Latin character set (DOMAIN §4.2, §8.26)", "Cdtr/Nm Müller"),
    "profile.remittance": RuleSpec("RR07", "more than one Ustrd/Strd, or remittance longer than the scheme allows",
                                   "EPC SCT IG: one Ustrd or one Strd, 140 characters (DOMAIN §4.2)",
                                   "two Ustrd"),
    "profile.min_amount": RuleSpec("AM01", "an amount below the scheme minimum",
                                   "EPC SCT rulebook: at least 0.01 EUR (DOMAIN §4.2)", "0.00 EUR"),
    "profile.max_amount": RuleSpec("AM02", "an amount above the scheme or configured maximum",
                                   "EPC SCT / SCT Inst rulebooks (DOMAIN §4.2)", "150,000.00 EUR under sepa-inst"),
}
