"""Checking one field against its notation and the semantic checks its kinds name (DOMAIN §1.4).

`_FieldCheck` resolves, once per concrete tag and code list, everything needed to check a
field: the component matcher, which components are dates, codes, currencies, amounts,
BICs, the T26 reference rule and the party checks. `check` says what is wrong; `run` is
`check` behind a fast accept of a field that fits. `validate.py` runs these over every
field of a message; `statements_page.py` uses the same checks for a whole statement page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from schemas.codes import currency_exponent, is_currency
from schemas.issues import Issue
from translators.swift.fields import CodeWords, FieldSpec, field_spec, notation_of
from translators.swift.model import Field, swift_issue
from translators.swift.notation import NotationError, compile_notation
from translators.swift.party import party_issues
from translators.swift.values import bic_problem, decimals_of, is_valid_hhmm, is_valid_mmdd, is_valid_yymmdd

_issue = swift_issue
_PARTY_NUMBERS = frozenset({"50", "51", "52", "53", "54", "55", "56", "57", "58", "59"})


class _FieldCheck:
    """Everything needed to check one concrete tag, resolved once (cached per tag and code list)."""

    __slots__ = ("checks", "code_words", "currency_index", "fits", "fullmatch", "match", "party", "rate_components",
                 "reference", "run", "simple", "tag")

    def __init__(self, tag: str, spec: FieldSpec, notation_text: str, code_words: CodeWords | None) -> None:
        self.tag = tag
        self.fits: Callable[[str], bool] | None = None
        self.fullmatch: Callable[[str], re.Match[str] | None] | None = None     # what `fits` tests
        if spec.parser is not None:
            self.match = spec.parser
            kinds = ["text"] * (max(spec.kinds) + 1)
        else:
            notation = compile_notation(notation_text)
            self.match = notation.match
            self.fits = notation.fits
            self.fullmatch = notation.fullmatch
            kinds = list(notation.kinds)
        for index, kind in spec.kinds.items():
            kinds[index] = kind
        self.code_words = code_words or spec.codes.get(tag[2:])
        if self.code_words is not None:
            kinds[self.code_words.component] = "code"
        self.currency_index = kinds.index("currency") if "currency" in kinds else None
        self.rate_components = frozenset(index for index, kind in enumerate(kinds) if kind == "rate")
        self.checks = tuple((index, kind) for index, kind in enumerate(kinds) if kind not in ("text", "rate")
                            and not (kind == "amount" and self.currency_index is None))
        self.reference = spec.reference
        self.party = tag[:2] in _PARTY_NUMBERS
        self.simple = not (self.checks or self.reference or self.party)
        # `run`: `check` after a fast accept of a simple field that fits its notation, or of a `:61:` whose dates,
        # D/C mark and transaction type are right; anything else goes to `check`, which says what is wrong.
        self.run: Callable[[Field, list[Issue]], None] = self.check
        if self.simple and self.fits is not None:
            self.run = self._run_simple
        elif (self.checks == _STATEMENT_LINE_CHECKS and not self.reference and not self.party
              and self.code_words is not None):
            self.run = self._run_statement_line

    def _run_simple(self, field: Field, out: list[Issue]) -> None:
        if not self.fits(field.value):  # type: ignore[misc]
            self.check(field, out)

    def _run_statement_line(self, field: Field, out: list[Issue]) -> None:
        components = self.match(field.value)
        if not isinstance(components, NotationError):
            value_date, entry_date, mark, transaction_type = components[0], components[1], components[2], components[5]
            if ((value_date is None or is_valid_yymmdd(value_date))
                    and (entry_date is None or is_valid_mmdd(entry_date))
                    and (mark is None or mark in self.code_words.words)  # type: ignore[union-attr]
                    and (transaction_type is None or _is_transaction_type(transaction_type))):
                return
        self.check(field, out)

    def check(self, field: Field, out: list[Issue]) -> None:
        components = self.match(field.value)
        if components.__class__ is NotationError:
            out.append(self._notation_issue(field, components))
            return
        if self.simple:
            return
        assert not isinstance(components, NotationError)
        path = f":{field.tag}:"
        for index, kind in self.checks:
            text = components[index]
            if text is None:
                continue
            if kind == "date":
                if not is_valid_yymmdd(text):
                    out.append(_issue("mt.date", f"T50: {text} is not a valid date (YYMMDD)", path))
            elif kind == "code":
                words = self.code_words
                if words is not None and text not in words.words:
                    code = f"{words.swift_code}: " if words.swift_code else ""
                    out.append(_issue("mt.code", f"{code}{text} is not a code of :{field.tag}: "
                                      f"({', '.join(words.words)})", path))
            elif kind == "amount":
                currency = components[self.currency_index] or ""  # type: ignore[index]
                exponent = currency_exponent(currency)
                if exponent is not None and decimals_of(text) > exponent:
                    out.append(_issue("money.precision", f"C03: {currency} allows {exponent} decimals, the "
                                      f"amount has {decimals_of(text)}", path))
            elif kind == "mmdd":
                if not is_valid_mmdd(text):
                    out.append(_issue("mt.date", f"T50: {text} is not a valid month and day (MMDD)", path))
            elif kind == "currency":
                if not is_currency(text):
                    out.append(_issue("money.currency", f"T52: {text} is not an ISO 4217 currency code", path))
            elif kind == "bic":
                problem = bic_problem(text)
                if problem is not None:
                    out.append(_issue("mt.bic", f"T27: {text} is not a valid BIC: {problem}", path))
            else:
                self._other(kind, text, path, out)
        if self.reference:
            value = field.value
            if value.startswith("/") or value.endswith("/") or "//" in value:
                out.append(_issue("mt.T26", 'T26: the reference must not start or end with "/" or contain "//"',
                                  path))
        if self.party:
            out.extend(party_issues(field))

    @staticmethod
    def _other(kind: str, text: str, path: str, out: list[Issue]) -> None:
        if kind == "time" and not is_valid_hhmm(text):
            out.append(_issue("mt.time", f"T38: {text} is not a valid time (HHMM)", path))
        elif kind == "sign" and text not in ("+", "-"):
            out.append(_issue("mt.time", "T15: the UTC offset sign must be + or -", path))
        elif kind == "offset" and not (text.isdigit() and int(text[:2]) <= 13 and int(text[2:]) <= 59):
            out.append(_issue("mt.time", f"T16: {text} is not a UTC offset (hours 00-13, minutes 00-59)", path))
        elif kind == "transaction_type" and not _is_transaction_type(text):
            out.append(_issue("mt.code", "T53: the transaction type must be S and a 3-digit message type, or N or F "
                              "and a 3-character code", path))

    def _notation_issue(self, field: Field, error: NotationError) -> Issue:
        multi_line = "\n" in field.value
        path = f":{field.tag}:/line {error.line}" if multi_line else f":{field.tag}:"
        code = f"{error.swift_code}: " if error.swift_code else ""
        text = f"{code}{error.reason} (format {error.part}, character {error.column})"
        if error.category == "amount" and error.component not in self.rate_components:
            return _issue("mt.amount", text, path)
        if error.category == "bic":
            return _issue("mt.bic", text, path)
        return _issue("mt.field_format", text, path)


def _is_transaction_type(text: str) -> bool:
    """T53: S and a 3-digit message type, or N or F and a 3-character code."""
    return (text[0] == "S" and text[1:].isdigit()) or (text[0] in "NF" and text[1:].isalnum())


_STATEMENT_LINE_CHECKS = ((0, "date"), (1, "mmdd"), (2, "code"), (5, "transaction_type"))
_CHECKS: dict[tuple[str, CodeWords | None], _FieldCheck | None] = {}


def _field_check(tag: str, code_words: CodeWords | None) -> _FieldCheck | None:
    key = (tag, code_words)
    found = _CHECKS.get(key, False)
    if found is False:
        spec, notation = field_spec(tag), notation_of(tag)
        found = _FieldCheck(tag, spec, notation, code_words) if spec is not None and notation is not None else None
        _CHECKS[key] = found
    return found  # type: ignore[return-value]


def check_field(field: Field, *, code_words: CodeWords | None = None) -> list[Issue]:
    """One field against its notation and semantic checks (format, date, currency, decimals, BIC, codes,
    T26, party parts); a tag not in the table gives no issue here (the structure check reports it)."""
    out: list[Issue] = []
    check = _field_check(field.tag, code_words)
    if check is not None:
        check.check(field, out)
    return out
