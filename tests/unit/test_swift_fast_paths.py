"""The MT940 hot path's fast paths against the slow code they stand in for (DOMAIN §1.4, §1.8).

Each fast path must give exactly what the plain code gives: field splitting by a literal line
end, `money_value_in`, the integer page balance check, the `_FieldCheck.run` shortcuts, and the
one-validation `Entry`/`Balance` construction in `to_statement`. The references below are the
plain versions (as the code read before the fast paths), run on the fixtures, generated
statements (bench generator, seeded) and seeded mutations of them, in LF, CRLF, CR-only and
mixed line ends.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.mt_documents import mt940_files
from schemas.canonical import Amount, Balance, Entry, Source
from schemas.codes import currency_exponent
from schemas.issues import Issue
from translators.swift.blocks import parse
from translators.swift.fields import forget_statement_lines, parse_statement_line
from translators.swift.messages import message_spec
from translators.swift.model import Field
from translators.swift.notation import NotationError
from translators.swift.source import SourceText
from translators.swift.statements import RULES_BY_SPEC, to_statement
from translators.swift.statements_fields import (
    BALANCE_TYPE_OF_TAG,
    BalanceField,
    entry_date,
    money_value,
    money_value_in,
    read_balance,
    statement_date,
    to_balance,
)
from translators.swift.statements_rules import _arithmetic, statement_lines
from translators.swift.textblock import _line_issues, column_of, split_fields
from translators.swift.validate import _field_check, place_fields, validate_message
from translators.swift.values import parse_amount, parse_yymmdd

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "swift"
SOURCE = Source(channel="cli", sender="fast-paths", format="mt940", received_at=datetime(2025, 11, 24, tzinfo=UTC))
_QUANTUM = {exponent: Decimal(1).scaleb(-exponent) for exponent in range(5)}


def _corpus() -> list[str]:
    texts = [data.decode("utf-8", "surrogateescape") for data in mt940_files(
        seed=3, accounts=2, days=2, entries_per_statement=40).values()]
    texts += [path.read_bytes().decode("utf-8", "surrogateescape") for path in sorted(FIXTURES.iterdir())
              if path.suffix in (".sta", ".fin", ".rje")]
    rng = random.Random(17)
    base = texts[0][:2500]
    for _ in range(150):
        chars = list(base)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(chars))
            choice = rng.random()
            new = rng.choice("0123456789,CDRFNMSX/:-\n\r ?éAZ{}")
            if choice < 0.4:
                chars[at] = new
            elif choice < 0.7:
                del chars[at]
            else:
                chars.insert(at, new)
        texts.append("".join(chars))
    for old, new in (("USD", "JPY"), ("USD", "KWD"), ("USD", "XAU"), ("1103C", "0229C"), (",4", ",456"),
                     ("NTRF", "S10A"), ("C1", "RC1"), ("60F", "60M"), ("00001/1", "00001"), (":86:", ":86:\n-x")):
        texts.append(texts[0].replace(old, new, 3))
    out = []
    for text in texts:                              # every line-end flavour of each text
        lf = text.replace("\r\n", "\n").replace("\r", "\n")
        out += [text, lf, lf.replace("\n", "\r\n"), lf.replace("\n", "\r"), lf.replace("\n", "\r\n", 7)]
    return out


CORPUS = _corpus()


# --- references: the plain code -----------------------------------------------------------------

_FIELD_SPLIT = re.compile(r"(?:\r\n|\n|\r):([0-9]{2}[A-Z]?):")
_FIELD_AT = re.compile(r":([0-9]{2}[A-Z]?):")


def reference_split(text: str, start: int, end: int, line: int, newline: str | None,
                    lines: SourceText) -> tuple[list[Field], list[tuple[int, Issue]]]:
    fields: list[Field] = []
    issues: list[tuple[int, Issue]] = []
    parts = _FIELD_SPLIT.split(text[start:end])
    leading = parts[0]

    def ends(chunk: str) -> int:
        if newline is not None:
            return chunk.count(newline)
        return chunk.count("\n") + chunk.count("\r") - chunk.count("\r\n")

    def append(tag: str, body: str, line: int, column: int) -> None:
        value = body.replace("\r\n", "\n").replace("\r", "\n") if "\r" in body else body
        field = Field(tag, value, f":{tag}:{body}", line, column)
        if "\n:" in value or "\n-" in value:
            issues.extend((len(fields), issue) for issue in _line_issues(field))
        fields.append(field)

    first = _FIELD_AT.match(leading)
    if first is not None:
        append(first.group(1), leading[first.end():], line, column_of(text, start, newline))
    elif leading.strip():
        issues.append((-1, Issue(code="x", rule="x", path="x", message="text before the first field")))
    line += ends(leading)
    for index in range(1, len(parts), 2):
        line += 1
        append(parts[index], parts[index + 1], line, 1)
        line += fields[-1].value.count("\n")
    return fields, issues


def reference_money_value(amount_text: str, currency: str) -> Decimal:
    value = parse_amount(amount_text)
    exponent = currency_exponent(currency)
    if exponent is None or len(amount_text) - amount_text.index(",") - 1 > exponent:
        return value
    return value.quantize(_QUANTUM.get(exponent) or Decimal(1).scaleb(-exponent))


def reference_balance_check(fields: tuple[Field, ...]) -> list[Issue]:
    """The page balance arithmetic in Decimal, as `statement_lines` did it (balance issues only)."""
    opening: BalanceField | None = None
    closing: tuple[str, BalanceField] | None = None
    credits = debits = Decimal(0)
    lines = 0
    exponent = None
    for field in fields:
        if field.tag == "61":
            line = parse_statement_line(field.value)
            if isinstance(line, NotationError):
                return []
            lines += 1
            if exponent is not None and len(line.amount) - line.amount.index(",") - 1 > exponent:
                return []
            if line.is_credit:
                credits += line.amount_value
            else:
                debits += line.amount_value
        elif field.tag in ("60F", "60M") and opening is None:
            opening = read_balance(field.value)
            exponent = currency_exponent(opening.currency) if opening is not None else None
        elif field.tag in ("62F", "62M") and closing is None:
            found = read_balance(field.value)
            if found is not None:
                closing = (field.tag, found)
    if opening is None or closing is None:
        return []
    return list(_arithmetic(opening, closing, credits, debits, lines))


def reference_entry(value: str, currency: str, information: str | None) -> Entry | None:
    line = parse_statement_line(value)
    if isinstance(line, NotationError):
        return None
    value_date = statement_date(line.value_date)
    booking_date = None
    if line.entry_date is not None and value_date is not None:
        booking_date = entry_date(value_date, line.entry_date)
    return Entry(amount=Amount(value=money_value(line.amount, currency), currency=currency), credit=line.is_credit,
                 reversal=line.is_reversal, booking_date=booking_date, value_date=value_date,
                 funds_code=line.funds_code, bank_transaction_code=line.transaction_type,
                 account_owner_reference=line.owner_reference, account_servicer_reference=line.servicer_reference,
                 additional_info=line.supplementary_details, information=information)


# --- the comparisons ----------------------------------------------------------------------------

def test_the_corpus_has_bad_input_too() -> None:
    rules = {issue.rule for text in CORPUS for message in parse(text, message_type="940").messages
             for issue in validate_message(message, rules=RULES_BY_SPEC)}
    assert {"mt.field_format", "mt9.balance", "money.precision", "mt.text_block", "mt.code"} <= rules


@pytest.mark.parametrize("number", range(len(CORPUS)))
def test_split_fields_matches_the_plain_split(number: int) -> None:
    text = CORPUS[number]
    lines = SourceText(text)
    cut = [0, *(found.end() for found in re.finditer(r"(?:\r\n|\n|\r)-(?=\r\n|\n|\r|$)", text))]
    for start, end in zip(cut, [*cut[1:], len(text)], strict=True):
        end = max(start, end - 1)
        expected, expected_issues = reference_split(text, start, end, 1, lines.newline, lines)
        for line_end in (lines.line_end, None):
            fields, issues = split_fields(text, start, end, 1, lines.newline, lines.count_ends, line_end=line_end)
            assert fields == expected
            assert [(index, issue.message) for index, issue in issues if index >= 0] == \
                   [(index, issue.message) for index, issue in expected_issues if index >= 0]


@given(st.from_regex(r"[0-9]{1,13},[0-9]{0,13}", fullmatch=True).filter(lambda text: len(text) <= 15),
       st.sampled_from(["EUR", "JPY", "KWD", "XAU", "QQQ", "CLF"]))
def test_money_value_matches_the_quantized_decimal(amount: str, currency: str) -> None:
    expected = reference_money_value(amount, currency)
    found = money_value_in(amount, currency_exponent(currency))
    assert found == expected and str(found) == str(expected)
    assert str(money_value(amount, currency)) == str(expected)


@given(st.lists(st.tuples(st.sampled_from(["C", "D", "RC", "RD"]),
                          st.from_regex(r"[0-9]{1,9},[0-9]{0,5}", fullmatch=True)), max_size=8),
       st.from_regex(r"[0-9]{1,12},[0-9]{0,2}", fullmatch=True), st.sampled_from(["C", "D"]),
       st.sampled_from(["EUR", "JPY", "KWD", "XAU"]))
def test_page_balance_matches_decimal_arithmetic(lines: list[tuple[str, str]], opening: str, mark: str,
                                                 currency: str) -> None:
    total = (Decimal(opening.replace(",", ".") or "0") * (1 if mark == "C" else -1)
             + sum((Decimal(amount.replace(",", ".")) * (1 if side in ("C", "RD") else -1)
                    for side, amount in lines), Decimal(0)))
    for closing_value in (total, total + Decimal("0.01"), total - Decimal("0.01")):
        closing_mark = "C" if closing_value >= 0 else "D"
        closing = format(abs(closing_value), "f").replace(".", ",")
        if "," not in closing:
            closing += ","
        text = (f":20:R\n:25:X\n:28C:1/1\n:60F:{mark}251123{currency}{opening}\n"
                + "".join(f":61:251124{side}{amount}NTRFNONREF\n" for side, amount in lines)
                + f":62F:{closing_mark}251124{currency}{closing}\n-\n")
        forget_statement_lines()
        [message] = parse(text, message_type="940").messages
        view = place_fields(message, message_spec("940", None), [])  # type: ignore[arg-type]
        found = [issue for issue in statement_lines(view) if issue.rule == "mt9.balance"]
        assert found == reference_balance_check(message.fields)


def test_page_balance_falls_back_beyond_28_digits() -> None:
    """Sums Decimal would round (more than 28 digits) take the Decimal path, as before."""
    text = (":20:R\n:25:X\n:28C:1/1\n:60F:C251123XAU1,0000000000001\n"
            + ":61:251124C99999999999999,NTRFNONREF\n" * 3 + ":62F:C251124XAU299999999999998,\n-\n")
    [message] = parse(text, message_type="940").messages
    view = place_fields(message, message_spec("940", None), [])  # type: ignore[arg-type]
    assert [issue for issue in statement_lines(view) if issue.rule == "mt9.balance"] == \
           reference_balance_check(message.fields)


@pytest.mark.parametrize("number", range(0, len(CORPUS), 3))
def test_field_check_run_matches_check(number: int) -> None:
    spec = message_spec("940", None)
    assert spec is not None
    for message in parse(CORPUS[number], message_type="940").messages:
        for field in message.fields:
            check = _field_check(field.tag, spec.code_words.get(field.tag))
            if check is None:
                continue
            fast: list[Issue] = []
            slow: list[Issue] = []
            check.run(field, fast)
            check.check(field, slow)
            assert fast == slow


@pytest.mark.parametrize("number", range(0, len(CORPUS), 2))
def test_to_statement_entries_and_balances_match_plain_construction(number: int) -> None:
    for message in parse(CORPUS[number], message_type="940").messages:
        statement = to_statement(message, document_id="d", index=message.index, source=SOURCE).value
        currency = next((read_balance(field.value).currency for field in message.fields  # type: ignore[union-attr]
                         if field.tag[:2] in ("60", "62", "64", "65") and read_balance(field.value) is not None),
                        "XXX")
        fields = message.fields
        expected_entries = []
        for position, field in enumerate(fields):
            if field.tag == "61":
                following = fields[position + 1] if position + 1 < len(fields) else None
                information = following.value if following is not None and following.tag == "86" else None
                entry = reference_entry(field.value, currency, information)
                if entry is not None:
                    expected_entries.append(entry)
        assert list(statement.entries) == expected_entries
        expected_balances = []
        for field in fields:
            read = read_balance(field.value) if field.tag in BALANCE_TYPE_OF_TAG else None
            if read is not None and statement_date(read.date_text) is not None:
                plain = Balance(type_code=BALANCE_TYPE_OF_TAG[field.tag], credit=read.credit,
                                amount=Amount(value=read.amount, currency=read.currency),
                                date=parse_yymmdd(read.date_text))
                assert to_balance(BALANCE_TYPE_OF_TAG[field.tag], read) == plain
                expected_balances.append(plain)
        assert list(statement.balances) == expected_balances
