"""The network validated rules of MT103, MT103 STP, MT202 and MT202 COV, one table per rule (DOMAIN §1.6-1.7).

Every rule function plugged into `crules.RULES_BY_SPEC` has a table here with at least
one message that passes (no issue at all) and one that fails with the SWIFT error code at
the start of the message, the field path and the ISO 20022 reason code. Messages are
built from a small valid MT103 or MT202 and the fields a case changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pytest

from schemas.issues import Issue
from translators.swift.blocks import format_message, parse
from translators.swift.crules import RULES_BY_SPEC
from translators.swift.validate import validate_message

ORDER_103 = ("20", "13C", "23B", "23E", "26T", "32A", "33B", "36", "50A", "50F", "50K", "52A", "52D", "53A", "53B",
             "53D", "54A", "54B", "54D", "55A", "55B", "55D", "56A", "56C", "56D", "57A", "57B", "57C", "57D", "59",
             "59A", "59F", "70", "71A", "71F", "71G", "72", "77B")
ORDER_202 = ("20", "21", "13C", "32A", "52A", "52D", "53A", "53B", "53D", "54A", "54B", "54D", "56A", "56D", "57A",
             "57B", "57D", "58A", "58D", "72")
ORDER_202_B = ("50A", "50F", "50K", "52A", "52D", "56A", "56C", "56D", "57A", "57B", "57C", "57D", "59", "59A", "59F",
               "70", "72", "33B")
UETR = "4f8c2a1e-7b3d-4e5f-9a6b-1c2d3e4f5a6b"
GERMANY, FRANCE, USA = "COBADEFFXXX", "BNPAFRPPXXX", "CHASUS33XXX"
Value = str | list[str] | None

BASE_103: Mapping[str, Value] = {
    "20": "REF-1", "23B": "CRED", "32A": "251124USD1000,00", "50K": "/DE89370400440532013000\nMUSTER GMBH",
    "59": "/123456789\nACME CORP", "71A": "SHA"}
BASE_202: Mapping[str, Value] = {"20": "COV-1", "21": "REF-1", "32A": "251124USD1000,00", "58A": "BOFAUS3NXXX"}
BASE_202_B: Mapping[str, Value] = {"50K": "/DE89370400440532013000\nMUSTER GMBH", "59": "/123456789\nACME CORP"}


def _ordered(base: Mapping[str, Value], changes: Mapping[str, Value], order: tuple[str, ...]) -> list[tuple[str, str]]:
    merged = {**base, **changes}
    fields: list[tuple[str, str]] = []
    for tag in order:
        value = merged.get(tag)
        for item in [value] if isinstance(value, str) else value or []:
            fields.append((tag, item))
    return fields


def mt103(variant: str | None = None, sender: str = GERMANY, receiver: str = USA, **changes: Value) -> str:
    """A valid MT103 from Germany to the USA, with the fields given as `f<TAG>=value` changed (None removes)."""
    fields = _ordered(BASE_103, {tag.removeprefix("f"): value for tag, value in changes.items()}, ORDER_103)
    header = ((("119", variant),) if variant else ()) + (("121", UETR),)
    return format_message("103", sender, receiver, fields, user_header=header)


def mt202(cover: bool = False, sequence_b: Mapping[str, Value] | None = None, **changes: Value) -> str:
    """A valid MT202 (COV with a sequence B when `cover`), with the sequence A fields `changes` changed."""
    fields = _ordered(BASE_202, {tag.removeprefix("f"): value for tag, value in changes.items()}, ORDER_202)
    if cover:
        fields += _ordered(BASE_202_B, sequence_b or {}, ORDER_202_B)
    header = ((("119", "COV"),) if cover else ()) + (("121", UETR),)
    return format_message("202", GERMANY, USA, fields, user_header=header)


@dataclass(frozen=True)
class Fails:
    """The issue a failing case must raise: rule id, SWIFT code (None where the rule has none), path, reason."""

    rule: str
    swift_code: str | None
    path: str
    code: str


def network_issues(text: str) -> list[Issue]:
    return validate_message(parse(text).messages[0], rules=RULES_BY_SPEC)


# rule function -> [(case, message, expected issue or None for a clean message)]
TABLES: dict[str, list[tuple[str, str, Fails | None]]] = {
    "d75_exchange_rate": [
        ("33B_in_another_currency_with_36", mt103(f33B="EUR900,00", f36="1,1111"), None),
        ("33B_in_another_currency_without_36", mt103(f33B="EUR900,00"), Fails("mt.D75", "D75", ":36:", "CH21")),
        ("36_without_33B", mt103(f36="1,1111"), Fails("mt.D75", "D75", ":36:", "CH17")),
        ("36_with_33B_in_the_same_currency", mt103(f33B="USD1000,00", f36="1,"), Fails("mt.D75", "D75", ":36:",
                                                                                       "CH17")),
    ],
    "d49_instructed_amount_within_eea": [
        ("germany_to_france_with_33B", mt103(receiver=FRANCE, f32A="251124EUR10,00", f33B="EUR10,00"), None),
        ("germany_to_croatia_without_33B_HR_not_in_the_list", mt103(receiver="ZABAHR2XXXX", f32A="251124EUR10,00"),
         None),
        ("germany_to_france_without_33B", mt103(receiver=FRANCE, f32A="251124EUR10,00"),
         Fails("mt.D49", "D49", ":33B:", "CH21")),
    ],
    "e01_e02_instruction_codes_for_bank_operation": [
        ("SPRI_with_SDVA", mt103(f23B="SPRI", f23E="SDVA"), None),
        ("SPRI_with_CHQB", mt103(f23B="SPRI", f23E="HOLD"), Fails("mt.E01", "E01", ":23E:", "FF03")),
        ("SSTD_with_any_23E", mt103(f23B="SSTD", f23E="SDVA"), Fails("mt.E02", "E02", ":23E:", "CH17")),
        ("STP_SPRI_with_CORT", mt103("STP", f23B="SPRI", f23E="CORT"), Fails("mt.E01", "E01", ":23E:", "FF03")),
    ],
    "e06_third_reimbursement_needs_correspondents": [
        ("55A_with_53A_and_54A", mt103(f53A="DEUTDEFFXXX", f54A="CITIUS33XXX", f55A="BOFAUS3NXXX"), None),
        ("55A_without_54A", mt103(f53A="DEUTDEFFXXX", f55A="BOFAUS3NXXX"), Fails("mt.E06", "E06", ":54a:", "CH21")),
    ],
    "c81_intermediary_needs_account_with_institution": [
        ("56A_with_57A", mt103(f56A="CITIUS33XXX", f57A="BOFAUS3NXXX"), None),
        ("56A_without_57A", mt103(f56A="CITIUS33XXX"), Fails("mt.C81", "C81", ":57a:", "RC04")),
        ("mt202_56A_without_57A", mt202(f56A="CITIUS33XXX"), Fails("mt.C81", "C81", ":57a:", "RC04")),
    ],
    "e16_e17_intermediary_for_bank_operation": [
        ("SSTD_with_56A", mt103(f23B="SSTD", f56A="CITIUS33XXX", f57A="BOFAUS3NXXX"), None),
        ("SPRI_with_56A", mt103(f23B="SPRI", f56A="CITIUS33XXX", f57A="BOFAUS3NXXX"),
         Fails("mt.E16", "E16", ":56A:", "CH17")),
        ("SSTD_with_56D", mt103(f23B="SSTD", f56D="CITIBANK\nNEW YORK", f57A="BOFAUS3NXXX"),
         Fails("mt.E17", "E17", ":56D:", "RC11")),
        ("SPAY_with_56C_without_clearing_code", mt103(f23B="SPAY", f56C="/12345678", f57A="BOFAUS3NXXX"),
         Fails("mt.E17", "E17", ":56C:", "RC11")),
    ],
    "charges_for_charge_code": [
        ("OUR_with_71G", mt103(f71A="OUR", f33B="USD1000,00", f71G="USD5,00"), None),
        ("OUR_with_71F", mt103(f71A="OUR", f33B="USD1005,00", f71F="USD5,00"), Fails("mt.E13", "E13", ":71F:",
                                                                                    "CH17")),
        ("SHA_with_71G", mt103(f33B="USD1000,00", f71G="USD5,00"), Fails("mt.D50", "D50", ":71G:", "CH17")),
        ("BEN_without_71F", mt103(f71A="BEN"), Fails("mt.E15", "E15", ":71F:", "CH21")),
        ("BEN_with_71G", mt103(f71A="BEN", f33B="USD1005,00", f71F="USD5,00", f71G="USD1,00"),
         Fails("mt.E15", "E15", ":71G:", "CH17")),
    ],
    "d51_charges_need_instructed_amount": [
        ("71F_with_33B", mt103(f71A="BEN", f33B="USD1005,00", f71F="USD5,00"), None),
        ("71F_without_33B", mt103(f71A="BEN", f71F="USD5,00"), Fails("mt.D51", "D51", ":33B:", "CH21")),
    ],
    "c02_receiver_charges_currency": [
        ("71G_in_the_32A_currency", mt103(f71A="OUR", f33B="USD1000,00", f71G="USD5,00"), None),
        ("71G_in_another_currency", mt103(f71A="OUR", f33B="USD1000,00", f71G="EUR5,00"),
         Fails("mt.C02", "C02", ":71G:", "CURR")),
    ],
    "service_level_options": [
        ("SPRI_with_53A_54A_55A_57A", mt103(f23B="SPRI", f53A="DEUTDEFFXXX", f54A="CITIUS33XXX", f55A="BOFAUS3NXXX",
                                            f57A="BOFAUS3NXXX"), None),
        ("SPRI_with_53D", mt103(f23B="SPRI", f53D="DEUTSCHE BANK"), Fails("mt.E03", "E03", ":53D:", "CH17")),
        ("SSTD_with_53B_location_only", mt103(f23B="SSTD", f53B="FRANKFURT"), Fails("mt.E04", "E04", ":53B:", "CH21")),
        ("STP_with_53B_location_only", mt103("STP", f53B="FRANKFURT"), Fails("mt.E04", "E04", ":53B:", "CH21")),
        ("SPRI_with_54B", mt103(f23B="SPRI", f54B="NEW YORK"), Fails("mt.E05", "E05", ":54B:", "CH17")),
        ("SPRI_with_55D", mt103(f23B="SPRI", f53A="DEUTDEFFXXX", f54A="CITIUS33XXX", f55D="BANK OF AMERICA"),
         Fails("mt.E07", "E07", ":55D:", "CH17")),
        ("SPRI_with_57B", mt103(f23B="SPRI", f57B="NEW YORK"), Fails("mt.E09", "E09", ":57B:", "RC04")),
        ("SPRI_with_57D_without_party_identifier", mt103(f23B="SPRI", f57D="BANK OF AMERICA\nNEW YORK"),
         Fails("mt.E09", "E09", ":57D:", "RC04")),
        ("SPRI_with_59_without_account", mt103(f23B="SPRI", f59="ACME CORP\nNEW YORK"),
         Fails("mt.E10", "E10", ":59:", "AC03")),
        ("STP_with_59_without_account", mt103("STP", f59="ACME CORP\nNEW YORK"), Fails("mt.E10", "E10", ":59:",
                                                                                      "AC03")),
    ],
    "instruction_code_order": [
        ("SDVA_then_INTC", mt103(f23E=["SDVA", "INTC"]), None),
        ("CORT_before_INTC", mt103(f23E=["CORT", "INTC"]), Fails("mt.D98", "D98", ":23E:", "FF03")),
        ("SDVA_twice", mt103(f23E=["SDVA", "SDVA"]), Fails("mt.E46", "E46", ":23E:", "FF03")),
        ("PHOB_with_TELB", mt103(f23E=["PHOB", "TELB"]), Fails("mt.D67", "D67", ":23E:", "FF03")),
        ("SDVA_with_information", mt103(f23E="SDVA/TODAY"), Fails("mt.D97", "D97", ":23E:", "FF03")),
        ("STP_REPA_with_information", mt103("STP", f23E="REPA/RF123"), None),
        ("STP_INTC_with_information", mt103("STP", f23E="INTC/CASH"), Fails("mt.D97", "D97", ":23E:", "FF03")),
    ],
    "instruction_code_parties": [
        ("TELI_with_56A", mt103(f23E="TELI/+1555", f56A="CITIUS33XXX", f57A="BOFAUS3NXXX"), None),
        ("TELI_without_56a", mt103(f23E="TELI/+1555"), Fails("mt.E44", "E44", ":23E:", "RC11")),
        ("PHON_without_57a", mt103(f23E="PHON/+1555"), Fails("mt.E45", "E45", ":23E:", "RC04")),
        ("CHQB_with_an_account", mt103(f23E="CHQB"), Fails("mt.E18", "E18", ":59:", "CH17")),
        ("CHQB_without_an_account", mt103(f23E="CHQB", f59="ACME CORP\nNEW YORK"), None),
    ],
    "sender_to_receiver_structure": [
        ("coded_lines_and_continuation", mt103(f72="/ACC/PLEASE CREDIT\n//TODAY\n/REC/URGENT"), None),
        ("free_text_line_1", mt103(f72="PLEASE CALL"), Fails("mt.72_structure", None, ":72:/line 1", "FF01")),
        ("free_text_line_2", mt103(f72="/ACC/PLEASE\nCALL US"), Fails("mt.72_structure", None, ":72:/line 2", "FF01")),
        ("mt202_free_text", mt202(f72="PLEASE CALL"), Fails("mt.72_structure", None, ":72:/line 1", "FF01")),
    ],
    "zero_amount": [
        ("mt103_zero", mt103(f32A="251124USD0,"), Fails("mt.zero_amount", None, ":32A:", "AM01")),
        ("mt202_zero", mt202(f32A="251124USD0,00"), Fails("mt.zero_amount", None, ":32A:", "AM01")),
        ("mt202_one_cent", mt202(f32A="251124USD0,01"), None),
    ],
    "stp_sender_to_receiver": [
        ("INS_with_a_BIC", mt103("STP", f72="/INS/DEUTDEFF"), None),
        ("REJT", mt103("STP", f72="/REJT/AC01"), Fails("mt.T81", "T81", ":72:/line 1", "CH17")),
        ("exchange_rate_information", mt103("STP", f72="/OCMT/USD1000,"), Fails("mt.T82", "T82", ":72:/line 1",
                                                                               "CH17")),
        ("INS_with_a_name", mt103("STP", f72="/INS/ABC BANK"), Fails("mt.stp_72_ins", "T44-T46", ":72:/line 1",
                                                                      "RC01")),
        ("INS_with_a_bad_BIC", mt103("STP", f72="/INS/DEUTZZFF"), Fails("mt.stp_72_ins", "T27-T29", ":72:/line 1",
                                                                         "RC01")),
        ("INS_continued", mt103("STP", f72="/INS/DEUTDEFF\n//MORE"), Fails("mt.stp_72_ins", "T47", ":72:/line 2",
                                                                            "RC01")),
    ],
    "d19_iban_within_eea": [
        ("IBAN_from_germany_to_france", mt103("STP", receiver=FRANCE, f32A="251124EUR10,00", f33B="EUR10,00",
                                              f59="/FR1420041010050500013M02606\nJEANNE DUPONT"), None),
        ("BBAN_from_germany_to_france", mt103("STP", receiver=FRANCE, f32A="251124EUR10,00", f33B="EUR10,00",
                                              f59="/123456789\nJEANNE DUPONT"), Fails("mt.D19", "D19", ":59:", "AC03")),
        ("BBAN_with_57A_outside_the_list", mt103("STP", receiver=FRANCE, f32A="251124EUR10,00", f33B="EUR10,00",
                                                 f57A="BOFAUS3NXXX", f59="/123456789\nACME"), None),
    ],
    "c81_sequence_a": [
        ("cover_56A_with_57A", mt202(True, f56A="CITIUS33XXX", f57A="BOFAUS3NXXX"), None),
        ("cover_56A_without_57A", mt202(True, f56A="CITIUS33XXX"), Fails("mt.C81", "C81", ":57a:", "RC04")),
    ],
    "c68_sequence_b": [
        ("sequence_B_56A_with_57A", mt202(True, {"56A": "CITIUS33XXX", "57A": "BOFAUS3NXXX"}), None),
        ("sequence_B_56A_without_57A", mt202(True, {"56A": "CITIUS33XXX"}), Fails("mt.C68", "C68", ":57a:", "RC04")),
    ],
}
CASES = [pytest.param(text, expected, id=f"{rule}-{case}") for rule, rows in TABLES.items()
         for case, text, expected in rows]


def rule_names() -> set[str]:
    return {getattr(rule, "__name__", "") for rules in RULES_BY_SPEC.values() for rule in rules}


def test_every_network_rule_has_a_table_with_a_passing_and_a_failing_case() -> None:
    named = {"c81_sequence_a": "c81_intermediary_needs_account_with_institution",
             "c68_sequence_b": "c68_intermediary_needs_account_with_institution"}
    covered = {named.get(rule, rule) for rule, rows in TABLES.items()
               if any(expected is None for _, _, expected in rows) and any(expected for _, _, expected in rows)}
    assert rule_names() <= covered


def test_the_base_messages_are_clean() -> None:
    assert network_issues(mt103()) == []
    assert network_issues(mt103("STP")) == []
    assert network_issues(mt202()) == []
    assert network_issues(mt202(True)) == []


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_network_rule(text: str, expected: Fails | None) -> None:
    found = network_issues(text)
    if expected is None:
        assert found == []
        return
    matching = [issue for issue in found if issue.rule == expected.rule and issue.path == expected.path]
    assert matching, found
    issue = matching[0]
    assert issue.code == expected.code
    if expected.swift_code is not None:
        assert issue.message.startswith(f"{expected.swift_code}:"), issue.message
