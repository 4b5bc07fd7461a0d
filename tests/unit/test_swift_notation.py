"""The SWIFT format notation engine and the typed values of MT fields (DOMAIN §1.4, §8.1-3, §8.10)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translators.swift.fields import FIELDS
from translators.swift.notation import (
    Notation,
    NotationError,
    compile_notation,
    display_char,
    format_amount,
    format_yymmdd,
    parse_amount,
    parse_yymmdd,
)
from translators.swift.values import country_problem, decimals_of, is_valid_hhmm, is_valid_mmdd, parse_mmdd

PARTY_A = "[[/1!a][/34x]$]4!a2!a2!c[3!c]"


def components(notation: str, value: str) -> list[str | None]:
    result = compile_notation(notation).match(value)
    assert not isinstance(result, NotationError), str(result)
    return result


def error(notation: str, value: str) -> NotationError:
    result = compile_notation(notation).match(value)
    assert isinstance(result, NotationError), result
    return result


@pytest.mark.parametrize(
    ("notation", "value", "expected"),
    [
        ("16x", "REF-2025/0042", ["REF-2025/0042"]),
        ("6!n3!a15d", "251124EUR12500,00", ["251124", "EUR", "12500,00"]),
        ("6!n3!a15d", "251124JPY1000,", ["251124", "JPY", "1000,"]),
        ("3!a15d", "EUR0,01", ["EUR", "0,01"]),
        ("1!a6!n3!a15d", "C251123EUR10000,00", ["C", "251123", "EUR", "10000,00"]),
        ("5n[/5n]", "00123/001", ["00123", "001"]),
        ("5n[/5n]", "7", ["7", None]),
        ("/8c/4!n1!x4!n", "/CLSTIME/0915+0100", ["CLSTIME", "0915", "+", "0100"]),
        ("4!c[/30x]", "PHOB/34915550100", ["PHOB", "34915550100"]),
        ("4!c[/30x]", "SDVA", ["SDVA", None]),
        ("12d", "0,9123", ["0,9123"]),
        ("3..5n", "1234", ["1234"]),
        ("4*35x", "LINE 1\nLINE 2", ["LINE 1\nLINE 2"]),
        ("35*50x", "A", ["A"]),
        ("9000z", "<Doc>&amp;\n{x", ["<Doc>&amp;\n{x"]),
        ("35x$4!a2!a2!c[3!c]", "DE89370400440532013000\nCOBADEFF", ["DE89370400440532013000", "COBADEFF"]),
    ],
)
def test_values_that_fit_give_one_component_per_part(notation: str, value: str, expected: list[str | None]) -> None:
    assert components(notation, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/C/12345\nCOBADEFFXXX", ["C", "12345", "COBADEFFXXX"]),     # D/C mark, then account
        ("/12345\nCOBADEFF", [None, "12345", "COBADEFF"]),          # a digit is no D/C mark
        ("/ABC\nCOBADEFF", [None, "ABC", "COBADEFF"]),              # /A then B: no second slash, so all account
        ("//FW021000018\nCOBADEFF", [None, "/FW021000018", "COBADEFF"]),
        ("COBADEFF", [None, None, "COBADEFF"]),                     # no first line at all
    ],
)
def test_the_party_identifier_line_splits_the_way_swift_means(value: str, expected: list[str | None]) -> None:
    assert components(PARTY_A, value) == expected


def test_an_optional_account_line_before_name_lines_is_taken_when_it_starts_with_a_slash() -> None:
    assert components("[/34x$]4*35x", "/DE89\nNAME\nSTREET") == ["DE89", "NAME\nSTREET"]
    assert components("[/34x$]4*35x", "NAME\nSTREET") == [None, "NAME\nSTREET"]
    assert components("[/34x$]4*35x", "/ONLY") == [None, "/ONLY"]   # a single line is a name line


def test_numbered_lines_are_one_component() -> None:
    assert components("[/34x$]4*(1!n/33x)", "/ACC\n1/NAME\n3/DE/BERLIN") == ["ACC", "1/NAME\n3/DE/BERLIN"]


@pytest.mark.parametrize(
    ("notation", "value", "reason", "line", "column", "code"),
    [
        ("16x", "ABCDEFGHIJKLMNOPQ", "17 characters where at most 16 are allowed", 1, 17, "T33"),
        ("16x", "AB&C", 'character "&" is not in the X set', 1, 3, "T34"),
        ("16x", "", "the field is empty", 1, 1, "T34"),
        ("35x", "A" * 36, "36 characters where at most 35 are allowed", 1, 36, "T33"),
        ("6!n3!a15d", "25112EUR1,", 'expected 6 digits, found "E"', 1, 6, "T34"),
        ("6!n3!a15d", "251124EUR1234.56", 'the amount has no decimal comma, found "."', 1, 14, "T40"),
        ("6!n3!a15d", "251124EUR1234", "the amount has no decimal comma", 1, 14, "T40"),
        ("6!n3!a15d", "251124EUR,50", "the amount needs at least one digit before the decimal comma", 1, 10, "T40"),
        ("6!n3!a15d", "251124EUR1,000,00", "the amount has more than one decimal comma", 1, 15, "T40"),
        ("6!n3!a15d", "251124EUR1234567890123,45",
         "the amount has 16 characters where at most 15 are allowed (decimal comma included)", 1, 25, "T43"),
        ("4*35x", "A\nB\nC\nD\nE", "line 5 of at most 4", 5, 1, "T33"),
        ("4*35x", "A\n\nB", "the line is empty", 2, 1, "T34"),
        ("[/34x$]4*(1!n/33x)", "/ACC\n1/NAME\nX/ADDR", 'expected 1 digit, found "X"', 3, 1, "T34"),
        (PARTY_A, "/C/1\nCOBADE", "a BIC has 8 or 11 letters and digits, found 6", 2, 1, "T27"),
        (PARTY_A, "/C/1\n12BADEFF", "the first 6 characters of a BIC are letters (bank and country code)", 2, 1, "T27"),
        ("3!a", "eur", 'expected 3 letters A-Z, found "e"', 1, 1, "T34"),
        ("16x", "REF\nMORE", "one line too many for the format", 2, 1, "T34"),
    ],
)
def test_a_value_that_does_not_fit_says_which_part_where_and_why(notation: str, value: str, reason: str, line: int,
                                                                 column: int, code: str) -> None:
    found = error(notation, value)
    assert (found.reason, found.line, found.column, found.swift_code) == (reason, line, column, code)


def test_errors_name_the_category_the_validator_maps_to_a_reason_code() -> None:
    assert error("6!n3!a15d", "251124EUR1").category == "amount"
    assert error(PARTY_A, "COBA").category == "bic"
    assert error("16x", "A&").category == "syntax"
    assert str(error("16x", "A&")) == 'T34: character "&" is not in the X set (line 1, character 2, format 16x)'


def test_characters_outside_ascii_are_shown_as_code_points_or_bytes() -> None:
    assert [display_char("&"), display_char("é"), display_char("\udcc9")] == ['"&"', "U+00E9", "byte 0xC9"]
    assert error("35x", "CAFÉ").reason == "character U+00C9 is not in the X set"


def test_the_engine_infers_dates_currencies_amounts_and_bics() -> None:
    assert compile_notation("6!n3!a15d").kinds == ("date", "currency", "amount")
    assert compile_notation("12d").kinds == ("amount",)
    assert compile_notation(PARTY_A).kinds == ("text", "text", "bic")
    assert compile_notation("3!a").kinds == ("text",)


def test_notations_are_compiled_once() -> None:
    assert compile_notation("6!n3!a15d") is compile_notation("6!n3!a15d")
    assert isinstance(compile_notation("16x"), Notation)


@pytest.mark.parametrize("notation", ["16", "[16x", "4*", "3!q", "(16x)", "4*(1!n"])
def test_a_malformed_notation_is_a_programmer_error(notation: str) -> None:
    with pytest.raises(ValueError, match="bad notation"):
        compile_notation(notation)


def test_every_notation_in_the_field_table_compiles() -> None:
    for spec in FIELDS:
        for notation in spec.options.values():
            compile_notation(notation)


@settings(max_examples=400)
@given(value=st.text(alphabet="AZ09/,.&\n :", max_size=40),
       notation=st.sampled_from(["16x", "6!n3!a15d", "[/34x$]4*35x", PARTY_A, "5n[/5n]", "4!c[/30x]",
                                 "[/34x$]4*(1!n/33x)", "1!a6!n3!a15d", "35*50x", "3*35x"]))
def test_match_never_raises_and_errors_point_inside_the_value(value: str, notation: str) -> None:
    result = compile_notation(notation).match(value)
    if isinstance(result, NotationError):
        assert result.line >= 1 and result.column >= 1
        assert result.line <= value.count("\n") + 2
        assert "does not fit" not in result.reason        # the explainer agrees with the regular expression


# --- typed values ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [("1000,", "1000"), ("1000,5", "1000.5"), ("0,01", "0.01"),
                                              ("1234,56", "1234.56")])
def test_amounts_read_as_decimals(text: str, value: str) -> None:
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["1000", "1.000,00", ",50", "-1,", "1,2,3", ""])
def test_what_is_not_a_swift_amount_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a SWIFT amount"):
        parse_amount(text)


@pytest.mark.parametrize(
    ("value", "currency", "pad", "text"),
    [("1000", "EUR", True, "1000,00"), ("1000", "EUR", False, "1000,"), ("1000.5", "EUR", False, "1000,5"),
     ("1000", "JPY", True, "1000,"), ("1.234", "BHD", True, "1,234"), ("0.01", "USD", True, "0,01")],
)
def test_amounts_are_written_with_the_decimal_comma_always(value: str, currency: str, pad: bool, text: str) -> None:
    assert format_amount(Decimal(value), currency, pad=pad) == text


@pytest.mark.parametrize(("value", "currency"), [("1000.5", "JPY"), ("1.234", "EUR"), ("-1", "EUR"),
                                                 ("12345678901234.5", "EUR")])
def test_amounts_that_do_not_fit_are_not_written(value: str, currency: str) -> None:
    with pytest.raises(ValueError):
        format_amount(Decimal(value), currency)


def test_decimals_are_counted_as_written() -> None:
    assert [decimals_of("1,"), decimals_of("1,5"), decimals_of("1,500")] == [0, 1, 3]


@pytest.mark.parametrize(("text", "expected"), [("251124", date(2025, 11, 24)), ("790101", date(2079, 1, 1)),
                                                ("800101", date(1980, 1, 1)), ("000229", date(2000, 2, 29))])
def test_yymmdd_dates_use_the_century_window(text: str, expected: date) -> None:
    assert parse_yymmdd(text) == expected
    assert format_yymmdd(expected) == text


@pytest.mark.parametrize("text", ["250230", "251301", "2511", "25112A", "010229"])
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_yymmdd(text)


def test_the_century_pivot_is_configurable() -> None:
    assert parse_yymmdd("790101", pivot=50) == date(1979, 1, 1)


def test_entry_dates_take_the_year_nearest_the_value_date() -> None:
    assert parse_mmdd("1231", near=date(2025, 1, 2)) == date(2024, 12, 31)
    assert parse_mmdd("0102", near=date(2024, 12, 31)) == date(2025, 1, 2)
    assert parse_mmdd("0229", near=date(2025, 3, 1)) == date(2024, 2, 29)
    assert is_valid_mmdd("0229") and not is_valid_mmdd("0230") and not is_valid_mmdd("1301")


def test_times_and_countries() -> None:
    assert is_valid_hhmm("2359") and not is_valid_hhmm("2400") and not is_valid_hhmm("1260")
    assert country_problem("DE") is None and country_problem("XK") is None
    assert country_problem("ZZ") == "ZZ is not an ISO 3166 country code"
