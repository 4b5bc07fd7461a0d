"""MT103 (STP, REMIT), MT202 and MT202 COV to and from canonical payments: golden cases, losses, hostile input.

Golden cases sit in `tests/golden/swift/` (see SOURCE-payments.md): `<name>.fin` is read
with `to_payment` and must give `<name>.json`, which `from_payment` must write as
`<name>.out.fin`, a message that validates clean and reads back to the same payment.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.canonical import Agent, Amount, Instruction, Party, PartyIdentification, Payment, RemittanceInfo, Source
from translators.swift import mt103, mt202
from translators.swift.blocks import format_message, parse
from translators.swift.crules import RULES_BY_SPEC
from translators.swift.model import FinMessage
from translators.swift.validate import validate_message

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "swift"
CASES = sorted(path.stem for path in GOLDEN.glob("mt*.fin") if path.stem.startswith(("mt103", "mt202"))
               and not path.stem.endswith(".out"))
SOURCE = Source(channel="filedrop", sender="golden", format="mt", received_at=datetime(2025, 11, 24, 9, 0, tzinfo=UTC),
                file_name="golden.fin")
MT103 = (GOLDEN / "mt103.fin").read_bytes().decode()


def module_for(message: FinMessage) -> ModuleType:
    return mt103 if message.message_type == "103" else mt202


def read(name: str) -> tuple[FinMessage, Payment]:
    message = parse((GOLDEN / f"{name}.fin").read_bytes()).messages[0]
    reading = module_for(message).to_payment(message, document_id=f"golden-{name}", index=0, source=SOURCE)
    assert reading.issues == ()
    assert reading.value is not None
    return message, reading.value


def test_the_golden_cases_are_found() -> None:
    assert CASES == ["mt103", "mt103-remit", "mt103-stp", "mt202", "mt202-cov"]


@pytest.mark.parametrize("name", CASES)
def test_golden_input_reads_to_the_expected_payment(name: str) -> None:
    _, payment = read(name)
    assert payment.model_dump_json(indent=2) + "\n" == (GOLDEN / f"{name}.json").read_text()


@pytest.mark.parametrize("name", CASES)
def test_golden_payment_renders_to_the_expected_message(name: str) -> None:
    message, payment = read(name)
    rendered = module_for(message).from_payment(payment, sender_bic=message.sender_bic or "",
                                                receiver_bic=message.receiver_bic or "",
                                                variant=message.validation_flag)
    assert rendered.losses == () and rendered.issues == ()
    assert rendered.value.encode() == (GOLDEN / f"{name}.out.fin").read_bytes()


@pytest.mark.parametrize("name", CASES)
def test_golden_output_is_valid_and_reads_back_to_the_same_payment(name: str) -> None:
    _, payment = read(name)
    written = parse((GOLDEN / f"{name}.out.fin").read_bytes()).messages[0]
    assert validate_message(written, rules=RULES_BY_SPEC) == []
    again = module_for(written).to_payment(written, document_id=f"golden-{name}", index=0, source=SOURCE)
    assert again.value == payment


def test_golden_input_is_valid() -> None:
    for name in CASES:
        assert validate_message(parse((GOLDEN / f"{name}.fin").read_bytes()).messages[0], rules=RULES_BY_SPEC) == []


# --- what the reading keeps and what it reports lost ----------------------------------------------

def test_mt103_reading_follows_domain_3_1() -> None:
    _, payment = read("mt103")
    assert (payment.msg_id, payment.instr_id, payment.end_to_end_id) == ("PAY-2025-0042", "PAY-2025-0042", "E2E-42")
    assert payment.interbank_settlement_amount == Amount(value=Decimal("12450.00"), currency="USD")
    assert payment.instructed_amount == Amount(value=Decimal("11500.00"), currency="EUR")
    assert payment.exchange_rate == Decimal("1.0869565")
    assert payment.charge_bearer == "SHAR" and payment.service_levels == ("SDVA",)
    assert payment.debtor_agent == Agent(bic="COBADEFFXXX") and payment.creditor_agent == Agent(bic="BOFAUS3NXXX")
    assert payment.instructions_for_creditor_agent == (Instruction(code="PHOB", text="12125550100"),
                                                       Instruction(text="CREDIT ON RECEIPT OF COVER"))
    assert payment.previous_instructing_agents == (Agent(bic="COBADEFF"),)
    assert payment.remittance == RemittanceInfo(unstructured=("/INV/2025-0042 MACHINE PARTS",))


def test_mt103_header_information_without_a_canonical_field_is_a_loss() -> None:
    message = parse(MT103).messages[0]
    reading = mt103.to_payment(message, document_id="d", index=0, source=SOURCE)
    assert {loss.path for loss in reading.losses} == {"block 3/{108:}", "block 2"}


def test_mt202_without_52a_has_the_sender_as_debtor_and_the_receiver_as_creditor_agent() -> None:
    text = format_message("202", "DEUTDEFFXXX", "CHASUS33XXX", [("20", "R1"), ("21", "NONREF"),
                                                                ("32A", "251124USD1,00"), ("58A", "BOFAUS3NXXX")],
                          user_header=(("121", "4f8c2a1e-7b3d-4e5f-9a6b-1c2d3e4f5a6b"),))
    payment = mt202.to_payment(parse(text).messages[0], document_id="d", index=0, source=SOURCE).value
    assert payment is not None and payment.kind == "institution" and payment.message_type == "mt202"
    assert payment.debtor == Party(identification=PartyIdentification(kind="organisation", any_bic="DEUTDEFFXXX"))
    assert payment.creditor_agent == Agent(bic="CHASUS33XXX")


# --- what the writing cannot carry ----------------------------------------------------------------

def test_an_mx_payment_reports_each_loss_and_stays_valid() -> None:
    _, payment = read("mt103")
    richer = payment.model_copy(update={
        "instr_id": "INSTRUCTION-ID-OF-35-CHARACTERS-XYZ", "end_to_end_id": "E2E-LONGER-THAN-SIXTEEN",
        "ultimate_debtor": Party(name="HOLDING"), "charge_bearer": "SHAR", "uetr": None,
        "creditor": Party(name="MÜLLER & SÖHNE"), "intermediary_agents": (Agent(bic="CITIUS33XXX"),
                                                                        Agent(bic="IRVTUS3NXXX")),
        "remittance": RemittanceInfo(unstructured=("X" * 200,))})
    rendered = mt103.from_payment(richer, sender_bic="COBADEFFXXX", receiver_bic="CHASUS33XXX")
    rules = {issue.rule for issue in rendered.issues}
    assert {"mt.render_truncated", "mt.render_dropped", "mt.render_charset", "mt.render_remittance",
            "mt.render_changed"} <= rules
    assert all(issue.severity == "warning" for issue in rendered.issues), rendered.issues
    assert len(rendered.losses) == len(rendered.issues)
    assert validate_message(parse(rendered.value).messages[0], rules=RULES_BY_SPEC) == []
    assert ":59:/123456789\r\nMULLER + SOHNE\r\n" in rendered.value
    assert "MÜLLER" not in str(rendered.issues)                        # no personal data in issues


def test_slev_has_no_mt103_charge_code() -> None:
    _, payment = read("mt103")
    rendered = mt103.from_payment(payment.model_copy(update={"charge_bearer": "SLEV"}), sender_bic="COBADEFFXXX",
                                  receiver_bic="CHASUS33XXX")
    assert [(issue.rule, issue.path) for issue in rendered.issues] == [("mt.render_mandatory", ":71A:")]


def test_high_priority_that_breaks_the_spri_rules_is_written_as_cred() -> None:
    _, payment = read("mt103")                                          # it has an intermediary: E16 under SPRI
    rendered = mt103.from_payment(payment.model_copy(update={"instruction_priority": "HIGH"}),
                                  sender_bic="COBADEFFXXX", receiver_bic="CHASUS33XXX")
    assert ":23B:CRED" in rendered.value
    assert [loss.path for loss in rendered.losses] == ["instruction_priority"]
    direct = payment.model_copy(update={"instruction_priority": "HIGH", "intermediary_agents": ()})
    assert ":23B:SPRI" in mt103.from_payment(direct, sender_bic="COBADEFFXXX", receiver_bic="CHASUS33XXX").value


def test_an_institution_transfer_without_a_cover_is_a_plain_mt202() -> None:
    _, payment = read("mt202-cov")
    plain = mt202.from_payment(payment.model_copy(update={"underlying_customer_transfer": None}),
                               sender_bic="COBADEFFXXX", receiver_bic="CHASUS33XXX")
    assert "{119:COV}" not in plain.value and plain.issues == ()
    forced = mt202.from_payment(payment.model_copy(update={"underlying_customer_transfer": None}),
                                sender_bic="COBADEFFXXX", receiver_bic="CHASUS33XXX", variant="COV")
    assert ("mt.render_mandatory", ":50a:") in {(issue.rule, issue.path) for issue in forced.issues}


def test_a_caller_mistake_raises() -> None:
    _, payment = read("mt103")
    with pytest.raises(ValueError, match="sender_bic"):
        mt103.from_payment(payment, sender_bic="NOTABIC", receiver_bic="CHASUS33XXX")
    with pytest.raises(ValueError, match="variant"):
        mt103.from_payment(payment, sender_bic="COBADEFFXXX", receiver_bic="CHASUS33XXX", variant="COV")


# --- hostile messages: a precise issue, never an exception ----------------------------------------

ADVERSARIAL = [
    # case, (text in mt103.fin, replacement), rule, SWIFT code, path
    ("reference_of_17_characters", (":20:PAY-2025-0042", ":20:PAY-2025-0042-XYZ"), "mt.field_format", "T33", ":20:"),
    ("remittance_of_five_lines", ("/INV/2025-0042 MACHINE PARTS", "A\r\nB\r\nC\r\nD"), "mt.field_format", "T33",
     ":70:/line 5"),
    ("more_decimals_than_the_currency", (":32A:251124USD12450,00", ":32A:251124JPY1000,5"), "money.precision", "C03",
     ":32A:"),
    ("dot_as_decimal_separator", (":32A:251124USD12450,00", ":32A:251124USD12450.00"), "mt.amount", "T40", ":32A:"),
    ("character_outside_the_x_set", ("ACME TOOLS INC", "ACME & TOOLS INC"), "mt.field_format", "T34", ":59:/line 2"),
    ("impossible_date", (":32A:251124USD12450,00", ":32A:250230EUR1,00"), "mt.date", "T50", ":32A:"),
    ("tags_out_of_order", (":26T:K90\r\n:32A:", ":32A:"), "mt.field_order", "T13", ":26T:"),
    ("unknown_tag", (":77B:", ":79:HELLO\r\n:77B:"), "mt.unknown_tag", "T13", ":79:"),
]


@pytest.mark.parametrize(("change", "rule", "swift_code", "path"),
                         [pytest.param(change, rule, code, path, id=case) for case, change, rule, code, path
                          in ADVERSARIAL])
def test_hostile_mt103(change: tuple[str, str], rule: str, swift_code: str, path: str) -> None:
    old, new = change
    assert old in MT103
    text = MT103.replace(old, new, 1)
    if rule == "mt.field_order":
        text = text.replace(":71A:SHA", ":26T:K90\r\n:71A:SHA")
    message = parse(text).messages[0]
    found = validate_message(message, rules=RULES_BY_SPEC)
    matching = [issue for issue in found if issue.rule == rule and issue.path == path]
    assert matching, found
    assert matching[0].message.startswith(f"{swift_code}:")
    mt103.to_payment(message, document_id="d", index=0, source=SOURCE)         # reads, or says why: never raises


def test_an_impossible_date_gives_no_payment_and_says_why() -> None:
    message = parse(MT103.replace(":32A:251124USD12450,00", ":32A:250230USD1,00")).messages[0]
    reading = mt103.to_payment(message, document_id="d", index=0, source=SOURCE)
    assert reading.value is None
    assert [(issue.rule, issue.path) for issue in reading.issues] == [("mt.unmappable", ":32A:")]


def test_a_missing_beneficiary_is_an_error_with_an_empty_party() -> None:
    text = MT103[:MT103.index(":59:")] + MT103[MT103.index(":70:"):]
    reading = mt103.to_payment(parse(text).messages[0], document_id="d", index=0, source=SOURCE)
    assert reading.value is not None and reading.value.creditor == Party()
    assert [(issue.rule, issue.path) for issue in reading.issues] == [("mt.unmappable", ":59a:")]


TAGS = ("20", "21", "13C", "23B", "23E", "26T", "32A", "33B", "36", "50K", "50F", "50A", "52A", "52D", "53B", "54A",
        "55D", "56C", "57D", "58A", "59", "59F", "70", "71A", "71F", "71G", "72", "77B", "77T")
values = st.text(st.sampled_from("AZ09/,.-: +\n?"), max_size=40).map(lambda text: text.strip("\n") or "X")


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(("103", "202")), st.lists(st.tuples(st.sampled_from(TAGS), values), max_size=14))
def test_reading_any_text_block_never_raises(message_type: str, fields: list[tuple[str, str]]) -> None:
    text = format_message(message_type, "COBADEFFXXX", "CHASUS33XXX", fields)
    for message in parse(text).messages:
        module = mt103 if message_type == "103" else mt202
        reading = module.to_payment(message, document_id="d", index=0, source=SOURCE)
        assert reading.value is not None or reading.issues
        validate_message(message, rules=RULES_BY_SPEC)
