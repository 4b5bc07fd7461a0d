"""The SWIFT FIN block layer: lossless parse and render, headers, bare text blocks, hostile input.

DOMAIN §1.1-1.3 (blocks and headers), §8.5-8.7 (line ends, terminators, braces).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translators.swift.blocks import build_message, format_message, lt_address, parse, render, render_message
from translators.swift.model import InputHeader, OutputHeader, infer_message_type
from translators.swift.stream import iter_parse
from translators.swift.validate import validate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "swift"
ALL_FIXTURES = sorted(path for path in FIXTURES.iterdir() if path.suffix != ".md")
MT103 = (FIXTURES / "mt103.fin").read_bytes().decode()
UETR = "4f8c2a1e-7b3d-4e5f-9a6b-1c2d3e4f5a6b"


def rules_of(data: bytes | str) -> list[str]:
    return [issue.rule for issue in validate(parse(data))]


def line_ends(text: str, ending: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", ending)


# --- lossless ---------------------------------------------------------------------------------

TEXT_FIXTURES = [p for p in ALL_FIXTURES if p.suffix != ".bin" and not p.read_bytes().startswith(b"\xff\xfe")]


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda path: path.name)
def test_every_fixture_renders_back_byte_for_byte(path: Path) -> None:
    data = path.read_bytes()
    assert render(parse(data)) == data


@pytest.mark.parametrize("path", TEXT_FIXTURES, ids=lambda path: path.name)
@pytest.mark.parametrize("ending", ["\n", "\r"], ids=["LF", "CR"])
def test_every_text_fixture_renders_back_byte_for_byte_with_other_line_ends(path: Path, ending: str) -> None:
    data = line_ends(path.read_bytes().decode(), ending).encode()
    assert render(parse(data)) == data


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"], ids=["CRLF", "LF", "CR"])
def test_fields_are_the_same_whatever_the_line_ends(ending: str) -> None:
    message = parse(line_ends(MT103, ending)).messages[0]
    assert [field.tag for field in message.fields][:4] == ["20", "13C", "23B", "23E"]
    party = message.field("50K")
    assert party is not None
    assert party.value == "/DE89370400440532013000\nMUSTER MASCHINENBAU GMBH\nHAUPTSTRASSE 1\n10115 BERLIN"
    assert party.raw == ":50K:" + party.value.replace("\n", ending)
    assert (party.line, party.column) == (9, 1)
    assert validate(parse(line_ends(MT103, ending))) == []


def test_render_message_gives_the_exact_text_of_each_message() -> None:
    file = parse((FIXTURES / "rje-three-messages.rje").read_bytes())
    assert [render_message(message) for message in file.messages] == [message.text for message in file.messages]
    assert file.separators == ("", "\r\n$", "\r\n$", "\r\n")


# --- headers ------------------------------------------------------------------------------------

def test_block_1_and_input_block_2_are_read_into_their_parts() -> None:
    message = parse(MT103).messages[0]
    basic = message.basic_header
    assert basic is not None
    assert (basic.app_id, basic.service_id, basic.lt_address, basic.session, basic.sequence) == (
        "F", "01", "COBADEFFAXXX", "0123", "456789")
    header = message.application_header
    assert isinstance(header, InputHeader)
    assert (header.message_type, header.receiver_address, header.priority) == ("103", "BSCHESMMXXXX", "N")
    assert (message.sender_bic, message.receiver_bic) == ("COBADEFFXXX", "BSCHESMMXXX")
    assert (message.message_type, message.mur, message.uetr) == ("103", "INV2025-0042", UETR)


@pytest.mark.parametrize(
    ("block2", "priority", "monitoring", "obsolescence", "given"),
    [
        ("I103BSCHESMMXXXX", "N", None, None, False),     # 16 characters: priority N
        ("I103BSCHESMMXXXXU3003", "U", "3", "003", True),
        ("I103BSCHESMMXXXXN2", "N", "2", None, True),
    ],
)
def test_input_block_2_priority_monitoring_and_obsolescence(block2: str, priority: str, monitoring: str | None,
                                                             obsolescence: str | None, given: bool) -> None:
    header = parse(MT103.replace("I103BSCHESMMXXXXN", block2)).messages[0].application_header
    assert header == InputHeader("103", "BSCHESMMXXXX", priority, monitoring, obsolescence, priority_given=given)


def test_output_block_2_gives_the_mir_and_the_sender_from_it() -> None:
    message = parse((FIXTURES / "mt940-multipage-lf.fin").read_bytes()).messages[0]
    header = message.application_header
    assert isinstance(header, OutputHeader)
    assert (header.message_type, header.input_time, header.mir.date, header.mir.lt_address, header.mir.session,
            header.mir.sequence, header.output_date, header.output_time, header.priority) == (
        "940", "1200", "251124", "COBADEFFAXXX", "0000", "000001", "251124", "1200", "N")
    assert (message.sender_bic, message.receiver_bic) == ("COBADEFFXXX", "BANKDEFFXXX")


def test_block_3_keeps_its_order_and_gives_the_usual_tags() -> None:
    message = parse((FIXTURES / "mt103-stp.fin").read_bytes()).messages[0]
    assert message.user_header == (("119", "STP"), ("121", "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f"))
    assert (message.validation_flag, message.variant, message.service_type, message.banking_priority) == (
        "STP", "STP", None, None)


def test_block_5_tags_are_parsed_and_kept() -> None:
    message = parse(MT103 + "").messages[0]
    assert message.trailer == (("CHK", "7B3D4E5F9A6B"),)
    with_pde = parse(MT103.replace("{CHK:7B3D4E5F9A6B}", "{CHK:7B3D4E5F9A6B}{PDE:}")).messages[0]
    assert with_pde.trailer == (("CHK", "7B3D4E5F9A6B"), ("PDE", ""))


@pytest.mark.parametrize(
    ("change", "rule", "fragment"),
    [
        (("{108:INV2025-0042}{121:", "{121:"), None, None),
        (("{108:INV2025-0042}{121:" + UETR + "}", "{121:" + UETR + "}{108:INV2025-0042}"), "mt.block3", "U00"),
        (("{108:INV2025-0042}", "{108:INV2025-0042-TOO-LONG-FOR-16X}"), "mt.block3", "U02"),
        (("{108:INV2025-0042}", "{999:X}{108:INV2025-0042}"), "mt.block3", "U00"),
        ((UETR, UETR.upper()), "mt.uetr", "upper case"),
        ((UETR, UETR.replace("-4e5f-", "-1e5f-")), "mt.uetr", "version 4"),
        (("{CHK:7B3D4E5F9A6B}", "{CHK:12345}"), "mt.trailer", "12 hexadecimal"),
        (("{1:F01COBADEFFAXXX0123456789}", "{1:F01COBADEFFAXXX01234}"), "mt.block1", "25 characters"),
        (("{2:I103BSCHESMMXXXXN}", "{2:X103BSCHESMMXXXXN}"), "mt.block2", "I (input) or O"),
    ],
)
def test_header_problems_are_reported_on_their_block(change: tuple[str, str], rule: str | None,
                                                     fragment: str | None) -> None:
    issues = [issue for issue in validate(parse(MT103.replace(*change))) if issue.rule != "mt.block3" or rule]
    if rule is None:
        assert issues == []
        return
    found = [issue for issue in issues if issue.rule == rule]
    assert found and fragment is not None and fragment in found[0].message
    assert found[0].path.startswith("block")


# --- structure problems, with line and column ---------------------------------------------------

def test_a_missing_terminator_is_reported_with_line_and_column() -> None:
    issues = validate(parse((FIXTURES / "hostile-missing-terminator.fin").read_bytes()))
    assert [(issue.rule, issue.code, issue.path) for issue in issues] == [
        ("mt.text_block", "FF01", "line 23, column 1")]


def test_a_terminator_not_on_its_own_line_is_reported() -> None:
    issues = validate(parse(MT103.replace("\r\n-}", "-}")))
    assert "the block 4 terminator -} must be on its own line" in [issue.message for issue in issues]


def test_braces_inside_block_4_are_reported_where_they_are() -> None:
    issues = validate(parse(MT103.replace(":70:/INV/2025-0042 MACHINE", ":70:/INV/2025-0042 {MACHINE")))
    assert ('"{" inside block 4: braces are not in the X set (corrupt or non-SWIFT text)', "line 19, column 20") in [
        (issue.message, issue.path) for issue in issues]


def test_a_line_inside_a_field_starting_with_a_colon_or_a_dash_is_reported() -> None:
    issues = validate(parse(MT103.replace("10115 BERLIN", "-10115 BERLIN").replace("CALLE MAYOR 5", ":CALLE")))
    paths = {issue.path for issue in issues if issue.rule == "mt.text_block"}
    assert paths == {":50K:/line 4", ":59:/line 3"}


def test_text_before_the_first_field_is_reported() -> None:
    issues = validate(parse(MT103.replace("{4:\r\n:20:", "{4:\r\nHELLO\r\n:20:")))
    assert [(issue.rule, issue.path) for issue in issues] == [("mt.text_block", "line 2, column 1")]


def test_an_unknown_block_is_reported_and_kept() -> None:
    data = MT103.replace("{5:", "{7:X}{5:")
    assert render(parse(data)) == data.encode()
    assert any(issue.message == "unknown block id {7:" for issue in validate(parse(data)))


def test_text_between_messages_is_reported_and_kept() -> None:
    data = MT103 + "\r\nBANNER\r\n" + MT103
    file = parse(data)
    assert len(file.messages) == 2 and file.separators[1] == "\r\nBANNER\r\n"
    assert [(issue.rule, issue.path) for issue in file.issues] == [("mt.stray_text", "line 24, column 1")]


def test_the_second_message_broken_does_not_stop_the_first_and_third() -> None:
    file = parse((FIXTURES / "multi-second-broken.fin").read_bytes())
    assert [message.message_type for message in file.messages] == ["103", "103", "202"]
    issues = validate(file)
    assert issues and {issue.path.split("/")[0] for issue in issues} == {"message 2"}
    assert len(file.messages[2].fields) == 12


def test_a_file_over_the_message_limit_is_cut_with_an_issue_and_still_renders() -> None:
    data = (MT103 + "\r\n") * 5
    file = parse(data, max_messages=3)
    assert len(file.messages) == 3
    assert [issue.rule for issue in file.issues] == ["mt.limit"]
    assert render(file) == data.encode()


def test_an_ack_with_a_nested_block_4_is_read_without_fields() -> None:
    ack = "{1:F21COBADEFFAXXX0123456789}{4:{177:2511241200}{451:0}}"
    file = parse(ack + MT103)
    assert len(file.messages) == 2 and file.messages[0].fields == ()
    assert validate(file) == []


# --- bare text blocks ---------------------------------------------------------------------------

def test_bare_statements_are_messages_without_headers() -> None:
    file = parse((FIXTURES / "mt940-bare.sta").read_bytes())
    assert [(message.headerless, message.message_type, message.start_line) for message in file.messages] == [
        (True, "940", 1), (True, "940", 13)]
    assert file.messages[0].text.endswith("\r\n-")
    assert validate(file) == []


@pytest.mark.parametrize("terminator", ["-", "-}", ""])
def test_a_bare_block_may_end_with_a_dash_a_dash_brace_or_nothing(terminator: str) -> None:
    block = ":20:S1\n:25:ACC\n:28C:1/1\n:60F:C251124EUR1,\n:62F:C251124EUR1,\n"
    data = block + terminator + ("\n" if terminator else "") + block
    file = parse(data)
    assert len(file.messages) == 2
    assert render(file) == data.encode()


def test_the_caller_names_the_type_of_bare_blocks() -> None:
    text = ":20:S1\n:25:ACC\n:28C:1/1\n:60F:C251124EUR1,\n:62F:C251124EUR1,\n-"
    message = parse(text, message_type="950").messages[0]
    assert message.message_type == "950"


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["20", "25", "28C", "60F", "61", "86", "62F"], "940"),
        (["20", "23B", "32A", "50K", "59", "71A"], "103"),
        (["20", "21", "32A", "58A"], "202"),
        (["20", "21", "25", "32A", "52A"], "900"),
        (["20", "21", "25", "32A", "50K"], "910"),
        (["20", "79"], "199"),
        (["20", "99"], None),
    ],
)
def test_the_type_of_a_bare_block_is_inferred_from_its_tags(tags: list[str], expected: str | None) -> None:
    text = "\n".join(f":{tag}:X" for tag in tags)
    assert infer_message_type(parse(text).messages[0].fields) == expected


# --- hostile input --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "rules"),
    [
        ("hostile-truncated.fin", {"mt.text_block", "mt.missing_field"}),
        ("hostile-missing-terminator.fin", {"mt.text_block"}),
        ("hostile-unbalanced-braces.fin", {"mt.block"}),
        ("hostile-bom.fin", set()),
        ("hostile-utf16.fin", {"mt.encoding"}),
        ("hostile-binary.bin", {"mt.encoding", "mt.stray_text", "mt.no_message"}),
    ],
)
def test_hostile_files_give_precise_issues_quickly(name: str, rules: set[str]) -> None:
    data = (FIXTURES / name).read_bytes()
    started = time.perf_counter()
    file = parse(data)
    issues = validate(file)
    assert time.perf_counter() - started < 0.5
    assert {issue.rule for issue in issues} == rules
    assert all(issue.code == "FF01" for issue in issues)
    assert render(file) == data


def test_the_bom_and_utf16_files_still_give_the_mt103() -> None:
    for name in ("hostile-bom.fin", "hostile-utf16.fin"):
        message = parse((FIXTURES / name).read_bytes()).messages[0]
        assert (message.message_type, len(message.fields)) == ("103", 15)


def test_an_undecodable_byte_is_reported_with_its_position_and_kept() -> None:
    data = MT103.encode().replace(b"TALLERES", b"TALL\xc9RES")
    file = parse(data)
    assert [(issue.rule, issue.path) for issue in file.issues] == [("mt.encoding", "line 16, column 5")]
    assert render(file) == data
    assert any("byte 0xC9" in issue.message for issue in validate(file))


def test_a_huge_hostile_line_does_not_hang() -> None:
    data = "{1:F01COBADEFFAXXX0123456789}{2:I103BSCHESMMXXXXN}{4:\r\n:70:" + "A" * 2_000_000 + "&\r\n-}"
    started = time.perf_counter()
    issues = validate(parse(data))
    assert time.perf_counter() - started < 2
    assert "mt.limit" in {issue.rule for issue in issues}


# --- streaming ----------------------------------------------------------------------------------

def chunks(data: bytes, size: int) -> list[bytes]:
    return [data[start:start + size] for start in range(0, len(data), size)]


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda path: path.name)
@pytest.mark.parametrize("size", [5, 64, 1 << 20])
def test_streaming_gives_the_same_messages_lines_and_bytes_as_parsing_whole(path: Path, size: int) -> None:
    data = path.read_bytes()
    whole = parse(data)
    pieces = list(iter_parse(chunks(data, size)))
    assert b"".join(render(piece) for piece in pieces) == data
    streamed = [message for piece in pieces for message in piece.messages]
    assert [(m.index, m.start_line, m.text, m.fields, m.issues) for m in streamed] == [
        (m.index, m.start_line, m.text, m.fields, m.issues) for m in whole.messages]
    assert sorted(i.path for piece in pieces for i in piece.issues) == sorted(i.path for i in whole.issues)


def test_streaming_holds_one_message_at_a_time_and_stops_at_the_limit() -> None:
    data = ((MT103 + "\r\n") * 50).encode()
    pieces = list(iter_parse(chunks(data, 100), max_messages=10))
    assert sum(len(piece.messages) for piece in pieces) == 11
    assert pieces[-1].issues[0].rule == "mt.limit"
    oversized = list(iter_parse(chunks(b":20:A\n:86:" + b"X" * 5000, 100), max_message_bytes=1000))
    assert oversized[0].issues[0].rule == "mt.limit" and oversized[0].messages == ()


# --- writing ------------------------------------------------------------------------------------

def test_format_message_writes_canonical_crlf_with_block_3_in_order() -> None:
    text = format_message("103", "COBADEFF", "BSCHESMMXXX", [("20", "REF1"), ("50K", "/ACC\nNAME")],
                          user_header=[("121", UETR), ("119", "STP"), ("108", "MUR")], trailer=[("CHK", "0" * 12)])
    assert text == ("{1:F01COBADEFFAXXX0000000000}{2:I103BSCHESMMXXXXN}"
                    f"{{3:{{108:MUR}}{{119:STP}}{{121:{UETR}}}}}{{4:\r\n:20:REF1\r\n:50K:/ACC\r\nNAME\r\n-}}"
                    "{5:{CHK:000000000000}}")


def test_build_message_gives_a_model_that_validates() -> None:
    fields = [(field.tag, field.value) for field in parse(MT103).messages[0].fields]
    message = build_message("103", "COBADEFFXXX", "BSCHESMMXXX", fields, user_header=[("121", UETR)])
    assert [(field.tag, field.value) for field in message.fields] == fields
    assert validate(parse(message.text)) == []


def test_lt_addresses_from_bics() -> None:
    assert [lt_address("COBADEFF"), lt_address("COBADEFF100", "X"), lt_address("COBADEFFAXXX")] == [
        "COBADEFFAXXX", "COBADEFFX100", "COBADEFFAXXX"]
    with pytest.raises(ValueError, match="not a BIC8"):
        lt_address("COBA")


# --- properties ---------------------------------------------------------------------------------

_X_TEXT = st.text(alphabet="ABCXYZ0123456789/-?().,'+ ", min_size=1, max_size=20).filter(
    lambda text: not text.startswith(("-", ":")))
_FIELDS = st.lists(st.tuples(st.sampled_from(["20", "21", "70", "72", "59", "50K", "86"]),
                             st.lists(_X_TEXT, min_size=1, max_size=3).map("\n".join)), min_size=1, max_size=6)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(messages=st.lists(_FIELDS, min_size=1, max_size=3),
       ending=st.sampled_from(["\r\n", "\n", "\r"]),
       separator=st.sampled_from(["", "\r\n", "\r\n$", "\x03\x01", "\n\n"]))
def test_render_of_parse_is_the_identity_on_well_formed_files(messages: list[list[tuple[str, str]]], ending: str,
                                                             separator: str) -> None:
    texts = [line_ends(format_message("103", "COBADEFF", "BSCHESMM", fields), ending) for fields in messages]
    data = separator.join(texts).encode()
    file = parse(data)
    assert render(file) == data
    assert [[(field.tag, field.value) for field in message.fields] for message in file.messages] == messages
    assert [issue for issue in file.issues] == []


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400) | st.text(alphabet="{}1245S:-\r\n$ABC0123;&", max_size=400).map(str.encode))
def test_parse_and_validate_never_raise_and_render_is_lossless(data: bytes) -> None:
    file = parse(data)
    validate(file)
    assert render(file) == data


@settings(max_examples=150)
@given(text=st.text(max_size=300))
def test_parse_of_any_text_never_raises(text: str) -> None:
    file = parse(text)
    validate(file)
    assert file.text == text
