"""The network validated rules of the MT payment messages, by message spec key (DOMAIN §1.6-1.7).

`RULES_BY_SPEC` plugs into `validate.validate_message(message, rules=RULES_BY_SPEC)`:
rules under `103` do not run on `103STP`, so each key lists every rule that applies to it.

    103, 103REMIT   C1-C9 (D75 D49 E01/E02 E06 C81 E16/E17 E13/D50/E15 D51 C02), E03-E10 under
                    SPRI/SSTD/SPAY, :23E: (D98 E46 D67 D97 E44 E45 E18), :72: structure, AM01 policy
    103STP          the same, with the STP code lists (E01, D97), E04 and E10 always, :72: /INS/ (T27-T29,
                    T44-T47), T81, T82, and D19 (IBAN between EU/EEA countries)
    202             C81, :72: structure, AM01 policy
    202COV          sequence A C81, sequence B C68, :72: structure, AM01 policy

MT202 COV's `{119:COV}` and every UETR are checked by `validate.py` itself (U08, mt.uetr):
they are header rules and not repeated here. The rule functions are in `crules_103.py`
(C-rules, SPRI/SSTD/SPAY), `crules_codes.py` (:23E:, :72:, MT103 STP).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from schemas.issues import Issue
from translators.swift.crules_103 import (
    account_with_institution_rule,
    c02_receiver_charges_currency,
    charges_for_charge_code,
    d49_instructed_amount_within_eea,
    d51_charges_need_instructed_amount,
    d75_exchange_rate,
    e01_e02_instruction_codes_for_bank_operation,
    e06_third_reimbursement_needs_correspondents,
    e16_e17_intermediary_for_bank_operation,
    service_level_options,
    zero_amount,
)
from translators.swift.crules_codes import (
    d19_iban_within_eea,
    instruction_code_order,
    instruction_code_parties,
    sender_to_receiver_structure,
    stp_sender_to_receiver,
)
from translators.swift.messages import NetworkRule
from translators.swift.model import FinMessage
from translators.swift.validate import validate_message

c81_intermediary_needs_account_with_institution: Final = account_with_institution_rule("mt.C81", "C81")
c81_sequence_a: Final = account_with_institution_rule("mt.C81", "C81", "A")
c68_sequence_b: Final = account_with_institution_rule("mt.C68", "C68", "B")

MT103_RULES: Final[tuple[NetworkRule, ...]] = (
    d75_exchange_rate,
    d49_instructed_amount_within_eea,
    e01_e02_instruction_codes_for_bank_operation,
    e06_third_reimbursement_needs_correspondents,
    c81_intermediary_needs_account_with_institution,
    e16_e17_intermediary_for_bank_operation,
    charges_for_charge_code,
    d51_charges_need_instructed_amount,
    c02_receiver_charges_currency,
    service_level_options,
    instruction_code_order,
    instruction_code_parties,
    sender_to_receiver_structure,
    zero_amount,
)
MT103_STP_RULES: Final = (*MT103_RULES, stp_sender_to_receiver, d19_iban_within_eea)
MT202_RULES: Final[tuple[NetworkRule, ...]] = (
    c81_intermediary_needs_account_with_institution, sender_to_receiver_structure, zero_amount)
MT202_COV_RULES: Final[tuple[NetworkRule, ...]] = (
    c81_sequence_a, c68_sequence_b, sender_to_receiver_structure, zero_amount)

RULES_BY_SPEC: Final[Mapping[str, tuple[NetworkRule, ...]]] = {
    "103": MT103_RULES,
    "103STP": MT103_STP_RULES,
    "103REMIT": MT103_RULES,
    "202": MT202_RULES,
    "202COV": MT202_COV_RULES,
}


def validate_payment_message(message: FinMessage) -> list[Issue]:
    """Structure, fields and network rules of an MT103/MT202 (any variant): `validate_message` + `RULES_BY_SPEC`."""
    return validate_message(message, rules=RULES_BY_SPEC)
