"""The page-level MT940/MT950 fast path (`statements_page.py`) against the field-by-field path (DOMAIN §1.8).

For every page, `validate_message` (statement rules, and every network rule as the reader
uses them) and `to_statement` must give exactly what they give with the fast path off:
same issues, same canonical statement, same losses. The inputs: the fixtures, generated
statements (bench generator, seeded) and seeded mutations of them (the corpus of
`test_swift_fast_paths.py`), plus mutations aimed at what the page reading decides (dates,
marks, decimals, references with slashes, balances, page numbers, MT950), in every line-end
flavour. The test also checks that the fast path is really taken, so the comparison is not
vacuous, and that its readings are bounded and forgotten with the statement line caches.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from bench.mt_documents import mt940_files
from schemas.canonical import Source
from schemas.issues import Issue
from translators.swift import statements, statements_page, validate
from translators.swift.blocks import parse
from translators.swift.fields import forget_statement_lines
from translators.swift.messages import MESSAGES
from translators.swift.model import Field, FinMessage
from translators.swift.reader import NETWORK_RULES
from translators.swift.statements import RULES_BY_SPEC, to_statement
from translators.swift.statements_fields import PAGE_CACHE, PAGE_READINGS
from translators.swift.validate import place_fields, validate_message

from .test_swift_fast_paths import CORPUS

SOURCE = Source(channel="cli", sender="page-fast-path", format="mt940", received_at=datetime(2025, 11, 24, tzinfo=UTC))

# Replacements in a generated statement that each touch one thing the page reading decides.
_AIMED = (
    ("NONREF//", "INV/7//"), ("NONREF//", "A//B//"), ("NONREF//", "NONREF///"), ("NONREF", "NON/REF"),
    ("1103C", "1103RC"), ("1103D", "1103RD"), ("1103C", "1103EC"), ("1103C", "0229C"), ("1103C", "1131C"),
    ("251104", "251131"), ("1103C", "1103CR"), ("NTRF", "S103"), ("NTRF", "S10A"), ("NDDT", "XDDT"),
    (",3", ",3456"), (",38", ","), ("EUR", "JPY"), ("EUR", "KWD"), ("EUR", "XAU"), ("EUR", "EUX"),
    (":60F:C", ":60F:D"), (":60F:", ":60M:"), (":62F:", ":62M:"), ("00001/1", "00001"), ("00001/1", "00001/2"),
    (":86:", ":86:\n-x"), (":86:", ":21:REL\n:86:"), (":86:/EREF", ":86:/EREF\u00e9"), (":28C:", ":28D:"),
    ("\n:86:", "\n:64:C251103EUR1,00\n:86:"),
)


def _aimed_texts() -> list[str]:
    base = next(iter(mt940_files(seed=11, accounts=1, days=1, entries_per_statement=30).values())).decode()
    base = base.replace("\r\n", "\n")
    texts = [base.replace(old, new, 2) for old, new in _AIMED]
    texts += [base.replace(old, new) for old, new in _AIMED]
    rng = random.Random(23)
    lines = base.split("\n")
    for _ in range(80):                                    # one statement line or :86: changed in one place
        chosen = list(lines)
        index = rng.choice([i for i, line in enumerate(chosen) if line.startswith((":61:", ":86:"))])
        line = list(chosen[index])
        at = rng.randrange(4, len(line))
        line[at] = rng.choice("0123456789,CDRFNSX/ -?A")
        chosen[index] = "".join(line)
        texts.append("\n".join(chosen))
    texts.append(base.replace(":86:", ":61:2511041103C1,00NTRFNONREF\n:86:", 1))
    out = []
    for text in texts:
        out += [text, text.replace("\n", "\r\n"), text.replace("\n", "\r")]
    return out


INPUTS = CORPUS + _aimed_texts()


def _messages(text: str, message_type: str | None) -> list[FinMessage]:
    return list(parse(text.encode("utf-8", "surrogateescape"), message_type=message_type).messages)


def _results(message: FinMessage) -> tuple[object, ...]:
    translated = to_statement(message, document_id="doc", index=message.index, source=SOURCE)
    return (validate_message(message, rules=RULES_BY_SPEC), validate_message(message, rules=NETWORK_RULES),
            validate_message(message), translated.value, translated.losses, translated.issues)


def _slow(monkeypatch: pytest.MonkeyPatch, message: FinMessage) -> tuple[object, ...]:
    with monkeypatch.context() as patched:
        patched.setattr(validate, "clean_page", lambda *_: False)
        patched.setattr(statements, "statement_page", lambda *_: None)
        return _results(message)


def test_fast_path_gives_what_the_field_by_field_path_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    fast_pages = 0
    for text in INPUTS:
        for message_type in ("940", "950"):
            forget_statement_lines()
            for message in _messages(text, message_type):
                fast = _results(message)
                fast_pages += statements_page.statement_page(message, message_type) is not None
                assert fast == _slow(monkeypatch, message), (message_type, text[:400])
    assert fast_pages > 300                                # the comparison covers many clean pages


def test_generated_statements_take_the_fast_path() -> None:
    files = mt940_files(seed=4, accounts=2, days=2, entries_per_statement=60)
    messages = [message for data in files.values() for message in parse(data, message_type="940").messages]
    assert messages
    for message in messages:
        assert validate_message(message, rules=RULES_BY_SPEC) == []
        page = statements_page.statement_page(message, "940")
        assert page is not None
        assert len(page.lines) == sum(field.tag == "61" for field in message.fields)


def test_the_fast_path_needs_the_statement_rules_and_the_standard_spec() -> None:
    message = _messages(next(iter(mt940_files(seed=2, accounts=1, days=1, entries_per_statement=10).values()))
                        .decode(), "940")[0]
    spec = MESSAGES["940"]
    assert statements_page.clean_page(message, spec, RULES_BY_SPEC)
    assert statements_page.clean_page(message, spec, NETWORK_RULES)
    assert not statements_page.clean_page(message, spec, None)
    assert not statements_page.clean_page(message, spec, {"940": RULES_BY_SPEC["940"][:2]})
    assert not statements_page.clean_page(message, MESSAGES["950"], RULES_BY_SPEC)   # :86: is not MT950


def test_page_readings_are_bounded_and_forgotten() -> None:
    forget_statement_lines()
    files = mt940_files(seed=6, accounts=1, days=3, entries_per_statement=90)
    messages = [message for data in files.values() for message in parse(data, message_type="940").messages]
    assert len(messages) > PAGE_CACHE
    for message in messages:
        validate_message(message, rules=RULES_BY_SPEC)
        assert len(PAGE_READINGS) <= PAGE_CACHE
    assert PAGE_READINGS
    forget_statement_lines()
    assert not PAGE_READINGS


def _shapes(key: str) -> list[list[str]]:
    """Every tag sequence of the fast path's structure with up to 3 statement lines and 2 :65:."""
    if key == "950":
        return [["20", "25", "28C", opening, *["61"] * lines, closing, *available]
                for opening in ("60F", "60M") for lines in range(4) for closing in ("62F", "62M")
                for available in ([], ["64"])]
    runs: list[list[str]] = [[]]
    for _ in range(3):
        runs += [run + extra for run in runs if len(run) < 6 for extra in (["61"], ["61", "86"])]
    return [["20", *related, account, "28C", opening, *run, closing, *available, *["65"] * forward, *closing_note]
            for related in ([], ["21"]) for account in ("25", "25P") for opening in ("60F", "60M") for run in runs
            for closing in ("62F", "62M") for available in ([], ["64"]) for forward in range(3)
            for closing_note in ([], ["86"])]


@pytest.mark.parametrize("key", ["940", "950"])
def test_every_fast_path_structure_is_placed_without_issues(key: str) -> None:
    """The structures `statements_page` accepts are ones `place_fields` finds nothing wrong with, and the
    page reading accepts exactly the sequences its shape describes."""
    spec = MESSAGES[key]
    for tags in _shapes(key):
        message = FinMessage(text="", index=0, start_line=1, fields=tuple(
            Field(tag, "", f":{tag}:", line, 1) for line, tag in enumerate(tags, start=1)))
        out: list[Issue] = []
        place_fields(message, spec, out)
        assert out == [], tags
        assert statements_page._SHAPES[key].fullmatch(",".join(tags) + ",") is not None, tags
