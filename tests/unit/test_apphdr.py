"""head.001 Business Application Header: read, agreement with the Document, wrapping (DOMAIN §2.8, §2.9)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from schemas.canonical import Payment, Source
from schemas.issues import Issue
from translators.base import ReadContext
from translators.iso20022 import apphdr, pacs009, xml

ROOT = Path(__file__).resolve().parents[2]
SHARED_XSD = ROOT / ".." / "shared" / "xsd"
WRAPPED = ROOT / "tests" / "golden" / "iso20022" / "pacs009" / "cov-apphdr" / "input.xml"
SWIFT_GOLDEN = ROOT / "tests" / "golden" / "swift"
CREATED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
HEAD = "urn:iso:std:iso:20022:tech:xsd:head.001.001.02"


def rules(issues: list[Issue]) -> list[tuple[str, str, str]]:
    return [(i.rule, i.code, i.path) for i in issues]


def header(**changes: object) -> apphdr.AppHeader:
    base = apphdr.AppHeader(version="head.001.001.02", from_bic="COBADEFFXXX", to_bic="CHASUS33XXX",
                            business_message_id="COV-1", message_definition_id="pacs.009.001.08",
                            business_service="swift.cbprplus.02", created=CREATED,
                            created_text="2026-11-24T09:00:00+00:00")
    return replace(base, **changes)  # type: ignore[arg-type]


def pacs009_document(version: str = "pacs.009.001.08") -> bytes:
    payment = Payment.model_validate_json((SWIFT_GOLDEN / "mt202-cov.json").read_text(encoding="utf-8"))
    return pacs009.render([payment], msg_id="COV-1", created_at=CREATED, version=version)


def wrap(document: bytes, **options: object) -> bytes:
    arguments: dict[str, object] = {"sender_bic": "COBADEFFXXX", "receiver_bic": "CHASUS33XXX", "msg_id": "COV-1",
                                    "message_name": "pacs.009.001.08", "created_at": CREATED, **options}
    return apphdr.wrap_with_app_header(document, **arguments)  # type: ignore[arg-type]


# --- reading ----------------------------------------------------------------------------------------

def test_the_header_of_the_wrapped_golden_is_read() -> None:
    found = apphdr.read_app_header(WRAPPED.read_bytes())
    assert found == apphdr.AppHeader(
        version="head.001.001.02", from_bic="COBADEFFXXX", to_bic="CHASUS33XXX", business_message_id="COV-2026-0042",
        message_definition_id="pacs.009.001.09", business_service="swift.cbprplus.02", created=CREATED,
        created_text="2026-11-24T09:00:00+00:00")


def test_optional_elements_and_the_related_header_are_read() -> None:
    data = (f'<Msg><AppHdr xmlns="{HEAD}"><Fr><FIId><FinInstnId><BICFI>CHASUS33</BICFI></FinInstnId></FIId></Fr>'
            "<To><FIId><FinInstnId><BICFI>COBADEFF</BICFI></FinInstnId></FIId></To><BizMsgIdr>R-1</BizMsgIdr>"
            "<MsgDefIdr>pacs.002.001.10</MsgDefIdr><CreDt>2026-11-24T10:00:00+01:00</CreDt><CpyDplct>DUPL</CpyDplct>"
            "<PssblDplct>true</PssblDplct><Prty>HIGH</Prty><Rltd><Fr><FIId><FinInstnId><BICFI>COBADEFF</BICFI>"
            "</FinInstnId></FIId></Fr><To><FIId><FinInstnId><BICFI>CHASUS33</BICFI></FinInstnId></FIId></To>"
            "<BizMsgIdr>COV-1</BizMsgIdr><MsgDefIdr>pacs.009.001.08</MsgDefIdr>"
            "<CreDt>2026-11-24T09:00:00+00:00</CreDt></Rltd></AppHdr></Msg>").encode()
    found = apphdr.read_app_header(data)
    assert found is not None
    assert (found.copy_duplicate, found.possible_duplicate, found.priority) == ("DUPL", True, "HIGH")
    assert found.related is not None and found.related.business_message_id == "COV-1"
    assert found.related.message_definition_id == "pacs.009.001.08"


@pytest.mark.parametrize("data", [
    b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.009.001.08"/>',
    b"<Msg><AppHdr>",
    b'<!DOCTYPE x [<!ENTITY a "b">]><Msg><AppHdr/></Msg>',
    b"\x00\x01not xml",
])
def test_no_header_when_there_is_none_or_the_bytes_are_refused(data: bytes) -> None:
    assert apphdr.read_app_header(data) is None


# --- agreement with the Document -----------------------------------------------------------------------

def test_a_header_that_agrees_with_its_document_has_no_issues() -> None:
    assert apphdr.header_issues(header(), message_name="pacs.009.001.08", msg_id="COV-1",
                                instructing_agent_bic="COBADEFF", instructed_agent_bic="CHASUS33XXX") == []


def test_a_msg_def_idr_naming_another_message_is_FF01() -> None:
    assert rules(apphdr.header_issues(header(), message_name="pacs.009.001.09", msg_id="COV-1")) == [
        ("apphdr.message_definition", "FF01", "AppHdr/MsgDefIdr")]


def test_a_biz_msg_idr_other_than_the_msg_id_is_FF01() -> None:
    issues = apphdr.header_issues(header(), message_name="pacs.009.001.08", msg_id="COV-2")
    assert rules(issues) == [("apphdr.business_message_id", "FF01", "AppHdr/BizMsgIdr")]
    assert "COV-1" in issues[0].message and "COV-2" in issues[0].message


def test_missing_elements_and_bad_bics_are_reported() -> None:
    issues = apphdr.header_issues(header(from_bic=None, business_message_id=None, to_bic="CHASZZ33"),
                                  message_name="pacs.009.001.08", msg_id="COV-1")
    assert rules(issues) == [("apphdr.missing_element", "CH21", "AppHdr/Fr/FIId/FinInstnId/BICFI"),
                             ("apphdr.missing_element", "CH21", "AppHdr/BizMsgIdr"),
                             ("bic.invalid", "RC01", "AppHdr/To/FIId/FinInstnId/BICFI")]


def test_from_and_to_must_be_the_instructing_and_instructed_agents() -> None:
    issues = apphdr.header_issues(header(), message_name="pacs.009.001.08", msg_id="COV-1",
                                  instructing_agent_bic="DEUTDEFFXXX", instructed_agent_bic="CHASUS33")
    assert rules(issues) == [("apphdr.party_mismatch", "RC01", "AppHdr/Fr/FIId/FinInstnId/BICFI")]


def test_an_unknown_header_version_is_reported() -> None:
    issues = apphdr.header_issues(header(version="head.001.001.01"), message_name="pacs.009.001.08", msg_id="COV-1")
    assert rules(issues) == [("xml.unknown_namespace", "FF01", "AppHdr")]


# --- wrapping -------------------------------------------------------------------------------------------

def test_the_wrapper_holds_the_header_then_the_unchanged_document() -> None:
    document = pacs009_document()
    root = etree.fromstring(wrap(document, wrapper="BizMsg"))
    assert root.tag == "BizMsg" and [xml.local_name(child.tag) for child in root] == ["AppHdr", "Document"]
    head, body = root
    assert xml.namespace_of(head.tag) == HEAD
    order = [xml.local_name(child.tag) for child in head]
    assert order == ["Fr", "To", "BizMsgIdr", "MsgDefIdr", "BizSvc", "CreDt"]
    assert order == [name for name in apphdr.ELEMENT_ORDER if name in order]
    assert etree.canonicalize(body, strip_text=True) == etree.canonicalize(etree.fromstring(document), strip_text=True)


def test_the_header_says_what_was_asked_and_round_trips() -> None:
    wrapped = wrap(pacs009_document(), business_service=None, version="head.001.001.03")
    found = apphdr.read_app_header(wrapped)
    assert found is not None and found.version == "head.001.001.03" and found.business_service is None
    assert found.created_text == "2026-11-24T09:00:00+00:00"  # CBPR+: a UTC offset, never Z
    assert apphdr.header_issues(found, message_name="pacs.009.001.08", msg_id="COV-1") == []


def test_a_wrapped_document_is_rewrapped_from_its_document_alone() -> None:
    once = wrap(pacs009_document())
    twice = wrap(once, wrapper="Outer")
    root = etree.fromstring(twice)
    assert [xml.local_name(child.tag) for child in root] == ["AppHdr", "Document"]


def test_the_pacs009_reader_finds_the_document_beside_the_header() -> None:
    wrapped = wrap(pacs009_document())
    located = xml.locate_document(wrapped)
    assert isinstance(located, xml.DocumentLocation) and located.app_header and located.wrapped
    source = Source(channel="filedrop", sender="COBA", format="pacs.009.001.08", received_at=CREATED)
    reading = pacs009.read(wrapped, ReadContext(document_id="d", source=source))
    assert reading.accepted and reading.msg_id == "COV-1"
    (only,) = list(reading.transactions())
    assert only.payment is not None and only.payment.underlying_customer_transfer is not None


@pytest.mark.parametrize(("options", "message"), [
    ({"sender_bic": "NOTABIC"}, "sender_bic"),
    ({"receiver_bic": "CHASZZ33"}, "receiver_bic"),
    ({"version": "head.001.001.01"}, "cannot write"),
])
def test_wrapping_refuses_bad_arguments(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        wrap(pacs009_document(), **options)


@pytest.mark.parametrize("data", [b"<Document", b"<Other/>"])
def test_wrapping_refuses_what_is_not_a_document(data: bytes) -> None:
    with pytest.raises(ValueError, match="document"):
        wrap(data)
