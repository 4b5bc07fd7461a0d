"""The MT field table, message structures, party fields and `:61:`, read like the standard (DOMAIN §1.4-1.9)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.issues import Issue, Severity
from translators.swift.blocks import format_message, parse
from translators.swift.fields import FIELDS, StatementLine, field_spec, notation_of, parse_party, parse_statement_line
from translators.swift.messages import MESSAGES, MessageView, message_spec
from translators.swift.model import Field
from translators.swift.notation import NotationError
from translators.swift.validate import check_field, validate, validate_message

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "swift"
MT103 = (FIXTURES / "mt103.fin").read_bytes().decode()
MT103_STP = (FIXTURES / "mt103-stp.fin").read_bytes().decode()
MT202_COV = (FIXTURES / "mt202cov.fin").read_bytes().decode()
MT940 = (FIXTURES / "mt940-multipage-lf.fin").read_bytes().decode()


def issues(text: str, **options: object) -> list[Issue]:
    return validate(parse(text), **options)  # type: ignore[arg-type]


def only(text: str) -> Issue:
    found = issues(text)
    assert len(found) == 1, found
    return found[0]


def field(tag: str, value: str) -> Field:
    return Field(tag, value, f":{tag}:{value}", 1, 1)


@pytest.mark.parametrize("name", ["mt103.fin", "mt103-stp.fin", "mt202cov.fin", "mt940-multipage-lf.fin",
                                  "rje-three-messages.rje", "mt940-bare.sta"])
def test_the_realistic_fixtures_are_valid(name: str) -> None:
    assert issues((FIXTURES / name).read_bytes().decode()) == []


# --- one field at a time, as the standard says ---------------------------------------------------

FIELD_CASES = [
    # name, (old, new) in the MT103 fixture, rule, reason code, start of the message, path
    ("20_reference_of_17_characters_is_too_long_T33", (":20:PAY-2025-0042", ":20:PAY-2025-0042-XYZ"),
     "mt.field_format", "FF01", "T33: 17 characters where at most 16", ":20:"),
    ("20_reference_must_not_start_with_a_slash_T26", (":20:PAY-2025-0042", ":20:/PAY-2025"),
     "mt.T26", "FF01", 'T26: the reference must not start or end with "/"', ":20:"),
    ("20_reference_must_not_contain_two_slashes_T26", (":20:PAY-2025-0042", ":20:PAY//2025"),
     "mt.T26", "FF01", "T26:", ":20:"),
    ("32A_amount_needs_a_decimal_comma_T40", ("EUR12500,00\r\n:33B", "EUR12500\r\n:33B"),
     "mt.amount", "AM12", "T40: the amount has no decimal comma", ":32A:"),
    ("32A_a_dot_is_not_the_decimal_separator_T40", ("EUR12500,00\r\n:33B", "EUR12500.00\r\n:33B"),
     "mt.amount", "AM12", 'T40: the amount has no decimal comma, found "."', ":32A:"),
    ("32A_amount_of_16_characters_is_too_long_T43", ("EUR12500,00\r\n:33B", "EUR1234567890123,50\r\n:33B"),
     "mt.amount", "AM12", "T43: the amount has 16 characters", ":32A:"),
    ("32A_date_must_be_a_calendar_date_T50", (":32A:251124", ":32A:250230"),
     "mt.date", "DT01", "T50: 250230 is not a valid date (YYMMDD)", ":32A:"),
    ("32A_currency_must_be_ISO_4217_T52", (":32A:251124EUR", ":32A:251124XYZ"),
     "money.currency", "CURR", "T52: XYZ is not an ISO 4217 currency code", ":32A:"),
    ("32A_more_decimals_than_the_currency_has_is_C03", ("EUR12500,00\r\n:33B", "EUR12500,005\r\n:33B"),
     "money.precision", "CH20", "C03: EUR allows 2 decimals, the amount has 3", ":32A:"),
    ("33B_yen_have_no_decimals_C03", (":33B:EUR12500,00", ":33B:JPY12500,5"),
     "money.precision", "CH20", "C03: JPY allows 0 decimals", ":33B:"),
    ("23B_code_must_be_CRED_CRTS_SPAY_SPRI_SSTD_T36", (":23B:CRED", ":23B:XXXX"),
     "mt.code", "FF01", "T36: XXXX is not a code of :23B:", ":23B:"),
    ("23E_code_must_be_an_instruction_code_T47", (":23E:PHOB/", ":23E:ABCD/"),
     "mt.code", "FF01", "T47: ABCD is not a code of :23E:", ":23E:"),
    ("71A_code_must_be_BEN_OUR_SHA_T08", (":71A:SHA", ":71A:XYZ"),
     "mt.code", "FF01", "T08: XYZ is not a code of :71A:", ":71A:"),
    ("13C_time_must_be_HHMM_T38", ("/SNDTIME/1030+0100", "/SNDTIME/2530+0100"),
     "mt.time", "FF01", "T38: 2530 is not a valid time (HHMM)", ":13C:"),
    ("13C_sign_must_be_plus_or_minus_T15", ("/SNDTIME/1030+0100", "/SNDTIME/1030*0100"),
     "mt.field_format", "FF01", 'T34: character "*" is not in the X set', ":13C:"),
    ("13C_offset_hours_at_most_13_T16", ("/SNDTIME/1030+0100", "/SNDTIME/1030+1400"),
     "mt.time", "FF01", "T16: 1400 is not a UTC offset", ":13C:"),
    ("13C_code_must_be_CLSTIME_RNCTIME_SNDTIME", ("/SNDTIME/", "/ABCTIME/"),
     "mt.code", "FF01", "ABCTIME is not a code of :13C:", ":13C:"),
    ("57A_BIC_country_must_be_ISO_3166_T27", (":57A:BSCHESMMXXX", ":57A:BSCHZZMMXXX"),
     "mt.bic", "RC01", "T27: BSCHZZMMXXX is not a valid BIC", ":57A:"),
    ("57A_BIC_has_8_or_11_characters_T27", (":57A:BSCHESMMXXX", ":57A:BSCHESMMXX"),
     "mt.bic", "RC01", "T27: a BIC has 8 or 11 letters and digits, found 10", ":57A:"),
    ("70_of_five_lines_is_one_too_many_T33", (":70:/INV/2025-0042 MACHINE PARTS", ":70:A\r\nB\r\nC\r\nD\r\nE"),
     "mt.field_format", "FF01", "T33: line 5 of at most 4", ":70:/line 5"),
    ("70_characters_outside_the_X_set_T34", (":70:/INV/2025-0042 MACHINE", ":70:/INV/2025-0042 M&CHINE"),
     "mt.field_format", "FF01", 'T34: character "&" is not in the X set', ":70:"),
    ("26T_is_3_letters_or_digits", (":26T:K90", ":26T:K9"),
     "mt.field_format", "FF01", "T34: expected 3 letters or digits", ":26T:"),
    ("36_rate_needs_a_decimal_comma_and_is_a_syntax_error", (":33B:EUR12500,00", ":33B:EUR12500,00\r\n:36:0.9"),
     "mt.field_format", "FF01", "T40: the amount has no decimal comma", ":36:"),
]


@pytest.mark.parametrize(("change", "rule", "code", "message", "path"), [case[1:] for case in FIELD_CASES],
                         ids=[case[0] for case in FIELD_CASES])
def test_field(change: tuple[str, str], rule: str, code: str, message: str, path: str) -> None:
    assert change[0] in MT103
    found = only(MT103.replace(*change))
    assert (found.rule, found.code, found.path) == (rule, code, path)
    assert found.message.startswith(message), found.message


def test_32A_zero_amount_is_legal_at_this_level() -> None:
    assert issues(MT103.replace(":32A:251124EUR12500,00", ":32A:251124EUR0,")) == []


@pytest.mark.parametrize(("currency", "amount", "fits"), [("JPY", "1000,", True), ("JPY", "1000,5", False),
                                                          ("BHD", "1,234", True), ("BHD", "1,2345", False),
                                                          ("EUR", "1,50", True), ("EUR", "1,500", False)])
def test_decimals_follow_the_currency_exponent_C03(currency: str, amount: str, fits: bool) -> None:
    found = check_field(field("32A", f"251124{currency}{amount}"))
    assert (found == []) is fits
    assert all(issue.rule == "money.precision" for issue in found)


def test_the_table_knows_each_tag_and_option() -> None:
    spec = field_spec("52D")
    assert spec is not None and spec.tag == "52a" and "SRU2025" in spec.source
    assert notation_of("52D") == "[[/1!a][/34x]$]4*35x"
    assert notation_of("59") == "[/34x$]4*35x"
    assert field_spec("99") is None and notation_of("52X") is None
    assert all(spec.source and spec.name for spec in FIELDS)


# --- message structure --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "rule", "message", "path"),
    [
        (MT103.replace(":71A:SHA", ":71A:SHA\r\n:99:X"), "mt.unknown_tag", "T13: field :99: is not part of MT103",
         ":99:"),
        (MT103.replace(":71A:SHA\r\n", ""), "mt.missing_field", "T13: mandatory field :71A: is missing", ":71A:"),
        (MT103.replace(":23B:CRED\r\n", "").replace(":26T:K90", ":26T:K90\r\n:23B:CRED"), "mt.field_order",
         "T13: field :23B: is out of order: it must come before :26T:", ":23B:"),
        (MT103.replace(":71A:SHA", ":71A:SHA\r\n:71A:OUR"), "mt.field_repeated", "T13: field :71A: is not repeatable",
         ":71A:"),
        (MT103.replace(":52A:COBADEFFXXX", ":52B:FRANKFURT"), "mt.option",
         "T13: option B of :52a: is not allowed in MT103 (allowed: A, D)", ":52B:"),
        (MT103.replace(":77B:", ":77T:"), "mt.tag_not_allowed",
         "T13: 77T is allowed only in MT103 REMIT ({119:REMIT})", ":77T:"),
        (MT103_STP.replace(":52A:COBADEFFXXX", ":51A:COBADEFFXXX\r\n:52A:COBADEFFXXX"), "mt.tag_not_allowed",
         "T13: 51A is not allowed in MT103 STP", ":51A:"),
        (MT103_STP.replace(":52A:COBADEFFXXX", ":52D:COMMERZBANK\r\nFRANKFURT"), "mt.option",
         "T13: option D of :52a: is not allowed in MT103 STP (allowed: A)", ":52D:"),
    ],
    ids=["unknown-tag", "missing-71A", "23B-out-of-order", "71A-repeated", "52B-option", "77T-outside-REMIT",
         "51A-in-STP", "52D-in-STP"],
)
def test_structure(text: str, rule: str, message: str, path: str) -> None:
    found = only(text)
    assert (found.rule, found.message, found.path) == (rule, message, path)


def test_23E_in_STP_allows_only_CORT_INTC_SDVA_REPA_T48() -> None:
    found = only(MT103_STP.replace(":23B:CRED", ":23B:CRED\r\n:23E:HOLD"))
    assert found.message == "T48: HOLD is not a code of :23E: (CORT, INTC, SDVA, REPA)"


def test_repeatable_fields_repeat() -> None:
    text = MT103.replace(":13C:/SNDTIME/1030+0100", ":13C:/SNDTIME/1030+0100\r\n:13C:/CLSTIME/0915-0500")
    assert issues(text.replace(":23E:PHOB/34915550100", ":23E:SDVA\r\n:23E:PHOB/34915550100")) == []


def test_202_cov_has_sequence_b_from_the_first_50a() -> None:
    message = parse(MT202_COV).messages[0]
    seen: list[MessageView] = []

    def look(view: MessageView) -> list[Issue]:
        seen.append(view)
        return []

    assert validate_message(message, rules={"202COV": (look,)}) == []
    view = seen[0]
    assert [f.tag for f in view.sequence("A")] == ["20", "21", "32A", "52A", "57A", "58A"]
    assert [f.tag for f in view.sequence("B")] == ["50K", "56A", "57A", "59", "70", "33B"]
    assert [f.tag for f in view.fields("57")] == ["57A", "57A"]
    first_b = view.first("57", "B")
    assert first_b is not None and first_b.value == "BOFAUS3NXXX"


def test_202_cov_needs_its_beneficiary_in_sequence_b() -> None:
    found = only(MT202_COV.replace(":59:/123456789\r\nACME CORP\r\n1 MAIN ST\r\nNEW YORK NY 10001\r\n", ""))
    assert (found.rule, found.message) == ("mt.missing_field", "T13: mandatory field :59a: of sequence B is missing")


def test_a_202_with_sequence_b_but_no_cov_flag_is_U08() -> None:
    found = only(MT202_COV.replace("{119:COV}", ""))
    assert (found.rule, found.path) == ("mt.validation_flag", "block 3/{119:}")
    assert found.message.startswith("U08")


@pytest.mark.parametrize(
    ("change", "rule", "start"),
    [
        (("{119:COV}", "{119:STP}"), "mt.validation_flag", "U08: STP is not a validation flag of MT202"),
        (("{119:COV}{121:4f8c2a1e-7b3d-4e5f-9a6b-1c2d3e4f5a6b}", "{119:COV}"), "mt.uetr",
         "the UETR {121:} is mandatory in MT202"),
        (("I202CHASUS33XXXXN", "I202CHASUS33XXXXN2"), None, None),
        (("I202CHASUS33XXXXN", "I202CHASUS33XXXXN1"), "mt.block2", "delivery monitoring 1 is not allowed"),
        (("I202CHASUS33XXXXN", "I202CHASUS33XXXXP"), "mt.block2", "the priority must be S, U or N"),
        (("I202CHASUS33XXXX", "I202CHASZZ33XXXX"), "mt.block2", "the receiver address CHASZZ33XXXX"),
    ],
)
def test_headers_that_depend_on_the_message_type(change: tuple[str, str], rule: str | None,
                                                 start: str | None) -> None:
    found = issues(MT202_COV.replace(*change))
    if rule is None:
        assert found == []
        return
    assert (found[0].rule, found[0].message[:len(start or "")]) == (rule, start)


def test_a_validation_flag_on_a_type_without_variants_is_U09() -> None:
    text = MT940.split("\n{1:")[0].replace("}{4:", "}{3:{119:STP}}{4:", 1)
    assert [issue.message[:3] for issue in issues(text) if issue.rule == "mt.validation_flag"] == ["U09"]


def test_statements_repeat_61_and_86_and_end_with_62_64_65_86() -> None:
    page = MT940.split("\n{1:")[0]
    longer = page.replace(":62M:C251124EUR12379,50", ":61:2511241124C1,NMSCNONREF\n:61:2511241124D1,NMSCNONREF\n"
                          ":86:X\n:62M:C251124EUR12379,50\n:64:C251124EUR1,\n:65:C251125EUR1,\n:65:C251126EUR1,\n"
                          ":86:CLOSING INFORMATION")
    assert issues(longer) == []
    missing = only(page.replace(":62M:C251124EUR12379,50\n", ""))
    assert (missing.rule, missing.message) == ("mt.missing_field", "T13: mandatory field :62a: is missing")


def test_an_MT950_has_no_86() -> None:
    page = MT940.split("\n{1:")[0].replace("O940", "O950")
    found = issues(page)
    assert {issue.rule for issue in found} == {"mt.unknown_tag"}
    assert {issue.path for issue in found} == {":86:"}


@pytest.mark.parametrize(("mark", "ok"), [("C", True), ("D", True), ("RC", True), ("RD", True), ("EC", False),
                                          ("X", False)])
def test_61_debit_credit_mark_is_C_D_RC_RD_T51(mark: str, ok: bool) -> None:
    found = check_field(field("61", f"2511241124{mark}10,NTRFNONREF"))
    assert (found == []) is ok
    assert all(issue.message.startswith("T51") for issue in found)


def test_61_transaction_type_and_entry_date() -> None:
    assert check_field(field("61", "2511241124C10,S103NONREF")) == []
    assert check_field(field("61", "2511241124C10,SABCNONREF"))[0].message.startswith("T53")
    assert check_field(field("61", "2511241340C10,NTRFNONREF"))[0].message == (
        "T50: 1340 is not a valid month and day (MMDD)")


def test_other_message_types_are_checked_too() -> None:
    mt199 = format_message("199", "COBADEFF", "BSCHESMM", [("20", "Q1"), ("21", "PAY-1"), ("79", "PLEASE ADVISE")])
    mt900 = format_message("900", "COBADEFF", "BSCHESMM", [("20", "D1"), ("21", "PAY-1"), ("25", "0532013000"),
                                                           ("13D", "2511241030+0100"), ("32A", "251124EUR1,")])
    mt910 = format_message("910", "COBADEFF", "BSCHESMM", [("20", "C1"), ("21", "PAY-1"), ("25P", "ACC\nCOBADEFF"),
                                                           ("32A", "251124EUR1,"), ("50K", "NAME")])
    assert issues(mt199) == issues(mt900) == issues(mt910) == []
    assert [issue.rule for issue in issues(mt199.replace(":79:", ":70:"))] == ["mt.unknown_tag", "mt.missing_field"]


def test_an_unknown_message_type_is_a_warning_and_fields_are_still_checked() -> None:
    text = format_message("101", "COBADEFF", "BSCHESMM", [("20", "A&B"), ("32A", "251124EUR1,")])
    found = issues(text)
    assert [(issue.rule, issue.severity) for issue in found] == [
        ("mt.message_type", Severity.WARNING), ("mt.field_format", Severity.ERROR)]


def test_a_message_over_10000_characters_is_M50() -> None:
    narrative = "\r\n".join("A" * 50 for _ in range(35))
    text = format_message("199", "COBADEFF", "BSCHESMM", [("20", "Q1")] + [("79", narrative)] * 6)
    rules = {issue.rule for issue in issues(text)}
    assert "mt.limit" in rules


# --- C-rules plug in ---------------------------------------------------------------------------------

def test_a_network_rule_plugs_in_by_message_key_or_derived_spec() -> None:
    def d75(view: MessageView) -> list[Issue]:
        instructed, settled = view.first("33"), view.first("32")
        if instructed and settled and instructed.value[:3] != settled.value[6:9] and view.first("36") is None:
            return [Issue(code="FF01", rule="mt.field_format", path=":36:", message="D75: exchange rate needed")]
        return []

    text = MT103.replace(":33B:EUR12500,00", ":33B:USD13000,00")
    assert [issue.message for issue in issues(text, rules={"103": (d75,)})] == ["D75: exchange rate needed"]
    message = parse(text).messages[0]
    assert validate_message(message, spec=replace(MESSAGES["103"], rules=(d75,)))[0].message.startswith("D75")
    assert issues(text) == []


def test_message_spec_follows_the_validation_flag() -> None:
    keys = [getattr(message_spec("103", flag), "key", None) for flag in (None, "STP", "REMIT", "XYZ")]
    assert keys == ["103", "103STP", "103REMIT", "103"]
    assert getattr(message_spec("202", "COV"), "key", None) == "202COV" and message_spec("101") is None


# --- party fields -------------------------------------------------------------------------------------

def test_party_fields_are_read_into_their_parts() -> None:
    assert parse_party(field("52A", "/C/12345\nCOBADEFFXXX")).debit_credit == "C"
    party = parse_party(field("52A", "/C/12345\nCOBADEFFXXX"))
    assert (party.account, party.bic) == ("12345", "COBADEFFXXX")
    clearing = parse_party(field("56C", "//FW021000018"))
    assert (clearing.clearing_system, clearing.clearing_code) == ("FW", "021000018")
    sort_code = parse_party(field("57D", "//SC123456\nBANK PLC\nLONDON"))
    assert (sort_code.clearing_system, sort_code.clearing_code, sort_code.name_and_address) == (
        "SC", "123456", ("BANK PLC", "LONDON"))
    location = parse_party(field("53B", "/D/998877\nFRANKFURT"))
    assert (location.debit_credit, location.account, location.location) == ("D", "998877", "FRANKFURT")
    account_only = parse_party(field("53B", "/998877"))
    assert (account_only.account, account_only.location) == ("998877", None)
    assert parse_party(field("53B", "FRANKFURT")).location == "FRANKFURT"
    assert parse_party(field("57C", "/C/123")).account == "C/123"           # option C has no D/C mark
    customer = parse_party(field("50K", "/DE89370400440532013000\nMUSTER GMBH\nBERLIN"))
    assert (customer.account, customer.name, customer.name_and_address) == (
        "DE89370400440532013000", "MUSTER GMBH", ("MUSTER GMBH", "BERLIN"))
    named = parse_party(field("50F", "CUST/DE/ABC123\n1/JOHN\n1/DOE\n3/DE/BERLIN"))
    assert (named.identifier_code, named.identifier_country, named.identifier, named.name) == (
        "CUST", "DE", "ABC123", "JOHN DOE")
    assert parse_party(field("59A", "/ACC\nBNPAFRPP")).bic == "BNPAFRPP"
    assert parse_party(field("59", "NAME ONLY")).account is None


@pytest.mark.parametrize(
    ("tag", "value", "start", "severity"),
    [
        ("59F", "/ACC\n2/STREET\n3/FR/PARIS", "T56: the first numbered line must be 1/", Severity.ERROR),
        ("59F", "/ACC\n1/NAME\n2/STREET", "T56: a 2/ (address) line needs a 3/", Severity.ERROR),
        ("59F", "/ACC\n1/NAME\n3/ZZ/TOWN", "T73: the first 3/ line must start with an ISO country code",
         Severity.ERROR),
        ("59F", "/ACC\n1/NAME\n3/FR/PARIS\n2/STREET", "T56: the line numbers must be in ascending order",
         Severity.ERROR),
        ("50F", "/ACC\n1/NAME\n4/19991340", "T50: a 4/ line holds the date of birth", Severity.ERROR),
        ("50F", "XXXX/DE/123\n1/NAME", "the 50F party identifier must be /account or one of", Severity.ERROR),
        ("52A", "//SC12345\nCOBADEFF", "the //SC clearing code must be followed by 6!n", Severity.ERROR),
        ("52A", "//XX12345\nCOBADEFF", "//XX is not a national clearing code known for option A", Severity.WARNING),
        ("56C", "//FW12345", "the //FW clearing code must be followed by nothing or 9!n", Severity.ERROR),
        ("52A", "/X/123\nCOBADEFF", "the debit/credit mark of the party identifier must be /C/ or /D/",
         Severity.ERROR),
    ],
)
def test_party_field_rules(tag: str, value: str, start: str, severity: Severity) -> None:
    found = check_field(field(tag, value))
    assert len(found) == 1, found
    assert found[0].message.startswith(start) and found[0].severity is severity


def test_party_fields_that_follow_the_rules_give_nothing() -> None:
    for tag, value in [("59F", "/ACC\n1/NAME\n2/STREET\n3/FR/PARIS"), ("50F", "/ACC\n1/NAME\n4/19800131\n5/DE/KOELN"),
                       ("52A", "//SC123456\nCOBADEFF"), ("56C", "//FW"), ("56C", "//FW021000018"),
                       ("57D", "//CH123456\nBANK"), ("52A", "//RT\nCOBADEFF")]:
        assert check_field(field(tag, value)) == [], (tag, value)


# --- :61: ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2511241124C2500,00NTRFINV-2025-0042//COBA12345",
         ("251124", "1124", "C", None, "2500,00", "NTRF", "INV-2025-0042", "COBA12345", None)),
        ("251124C2500,00NTRFNONREF", ("251124", None, "C", None, "2500,00", "NTRF", "NONREF", None, None)),
        ("2511241124CR300,00NTRFNONREF", ("251124", "1124", "C", "R", "300,00", "NTRF", "NONREF", None, None)),
        ("251124RC10,NTRFNONREF", ("251124", None, "RC", None, "10,", "NTRF", "NONREF", None, None)),
        ("251124RCR10,NTRFNONREF", ("251124", None, "RC", "R", "10,", "NTRF", "NONREF", None, None)),
        ("251124DD10,S103REF", ("251124", None, "D", "D", "10,", "S103", "REF", None, None)),
        ("2511241124RD50,NDDTNONREF//DD-77R\nREVERSAL",
         ("251124", "1124", "RD", None, "50,", "NDDT", "NONREF", "DD-77R", "REVERSAL")),
        ("251124D1,NCHGNONREF\nFEES", ("251124", None, "D", None, "1,", "NCHG", "NONREF", None, "FEES")),
    ],
    ids=["full", "no-entry-date", "CR-is-credit-with-funds-code-R", "RC", "RC-with-funds-code", "D-funds-code-D",
         "RD-with-supplementary", "supplementary-without-bank-reference"],
)
def test_61_all_nine_subfields(value: str, expected: tuple[str | None, ...]) -> None:
    line = parse_statement_line(value)
    assert isinstance(line, StatementLine)
    assert (line.value_date, line.entry_date, line.mark, line.funds_code, line.amount, line.transaction_type,
            line.account_owner_reference, line.servicer_reference, line.supplementary_details) == expected


def test_61_typed_views() -> None:
    reversal = parse_statement_line("2511241124RD50,NDDTNONREF")
    assert isinstance(reversal, StatementLine)
    assert (reversal.is_credit, reversal.is_reversal, reversal.amount_value, reversal.owner_reference) == (
        True, True, Decimal("50"), None)
    assert reversal.value_date_parsed.isoformat() == "2025-11-24"


@pytest.mark.parametrize(
    ("value", "part", "start"),
    [
        ("25112A1124C1,NTRFNONREF", "value date 6!n", "the value date must be 6 digits"),
        ("2511241124X1,NTRFNONREF", "debit/credit mark 2a", "the debit/credit mark must be C, D, RC or RD"),
        ("2511241124C1NTRFNONREF", "amount 15d", "the amount needs digits and one decimal comma"),
        ("2511241124C1,/TRFNONREF", "transaction type 1!a3!c", "the transaction type must be"),
        ("2511241124C1,NTRF12345678901234567", "reference for the account owner 16x", "the reference for the"),
        ("2511241124C1,NTRFREF//12345678901234567", "reference of the account servicing institution [//16x]",
         "the reference of the account"),
        ("2511241124C1,NTRFREF\nA\nB", "supplementary details [$34x]", "line 3 of at most 2"),
    ],
)
def test_61_errors_name_the_subfield(value: str, part: str, start: str) -> None:
    error = parse_statement_line(value)
    assert isinstance(error, NotationError)
    assert error.part == part and error.reason.startswith(start)
