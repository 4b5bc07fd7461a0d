"""Writing canonical text into MT fields: X character set, line widths and counts, references.

Nothing is cut or changed silently (STYLE rule 3, DOMAIN §3.4): every change goes into a
`Report` as a `Loss` (source path, what was kept, why) plus a warning `Issue` naming the
MT field, the original and the kept length, never the content. Character substitution
follows DOMAIN §8.9 (é -> e, ß -> ss, & -> +; RR10), lines starting with `:` or `-`
follow §8.8 (CH16), truncated remittance is RR08, other truncated text NARR.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Final

from schemas.codes import RULES
from schemas.issues import Issue, Severity
from translators.base import Loss
from translators.swift.notation import X_SET

LINE_WIDTH: Final = 35
# Transliterations beyond stripping accents (DOMAIN §8.9); anything else outside X becomes ".".
_REPLACEMENTS: Final = {
    "ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe", "Ł": "L", "ł": "l", "Đ": "D",
    "đ": "d", "Þ": "TH", "þ": "th", "&": "+", "@": "(AT)", "_": "-", "*": ".", ";": ",", "=": "-", "!": ".",
    '"': "'", "%": " PCT", "<": "(", ">": ")", "{": "(", "}": ")", "[": "(", "]": ")", "#": "NO", "\t": " ",
    "\r": " ", "\n": " ", "’": "'", "‘": "'", "–": "-", "—": "-", "“": "'", "”": "'", "€": "EUR",
}
UNKNOWN_CHARACTER: Final = "."


def to_x_set(text: str) -> str:
    """`text` with every character outside the SWIFT X set transliterated (DOMAIN §1.4, §8.9)."""
    if all(char in X_SET for char in text):
        return text
    out = []
    for char in text:
        if char in X_SET:
            out.append(char)
        elif char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
        else:
            stripped = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            out.append(stripped if stripped and all(c in X_SET for c in stripped) else UNKNOWN_CHARACTER)
    return "".join(out)


@dataclass
class Report:
    """Losses and issues of one rendering."""

    losses: list[Loss] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def loss(self, rule: str, source: str, target: str, message: str, kept: str = "") -> None:
        """A warning under `rule` at the MT field `target`, and the loss of `source` (a canonical path)."""
        self.issues.append(Issue(code=RULES[rule].code, rule=rule, path=target, message=message,
                                 severity=Severity.WARNING))
        self.losses.append(Loss(source, kept, message))

    def error(self, rule: str, target: str, message: str) -> None:
        self.issues.append(Issue(code=RULES[rule].code, rule=rule, path=target, message=message))

    def x_text(self, text: str, source: str, target: str) -> str:
        """`text` in the X set; a transliteration is reported (RR10)."""
        converted = to_x_set(text)
        if converted != text:
            changed = sum(1 for char in text if char not in X_SET)
            self.loss("mt.render_charset", source, target, f"{changed} character(s) outside the SWIFT X set were "
                      f"transliterated for {target}", kept=f"{len(converted)} characters")
        return converted


def _safe_start(line: str) -> bool:
    return not line.startswith((":", "-"))


def wrap_words(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters, broken at spaces (the break space dropped), words longer than a
    line cut; joining the lines with single spaces gives the text back when it has no double spaces."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while len(word) > width:
            lines.append(word[:width])
            word = word[width:]
        current = word
    if current or not lines:
        lines.append(current)
    return lines


def chop(text: str, width: int, first_width: int | None = None) -> list[str]:
    """Lines of at most `width` characters (`first_width` for the first) that join back to `text` exactly;
    a break never leaves a line starting with `:` or `-` (the line before gets shorter instead)."""
    lines: list[str] = []
    position = 0
    while position < len(text):
        limit = first_width if not lines and first_width is not None else width
        end = min(position + limit, len(text))
        while end < len(text) and end > position + 1 and not _safe_start(text[end:]):
            end -= 1
        lines.append(text[position:end])
        position = end
    return lines


def safe_line(line: str, source: str, target: str, report: Report) -> str:
    """A line that does not start with `:` or `-` (DOMAIN §8.8): a space goes before it (CH16)."""
    if _safe_start(line):
        return line
    report.loss("mt.render_changed", source, target, f"a line of {target} started with {line[0]!r}; a space was "
                "put before it", kept=f"{len(line) + 1} characters")
    return " " + line


def fit_lines(lines: list[str], max_lines: int, source: str, target: str, report: Report, *,
              rule: str = "mt.render_truncated") -> list[str]:
    """At most `max_lines` lines; dropped ones are reported under `rule` (NARR, or RR08 for remittance)."""
    if len(lines) <= max_lines:
        return lines
    original = sum(len(line) for line in lines)
    kept = lines[:max_lines]
    report.loss(rule, source, target, f"{target} holds {max_lines} lines: {len(lines)} were needed, "
                f"{sum(len(line) for line in kept)} of {original} characters kept",
                kept=f"{sum(len(line) for line in kept)} characters")
    return kept


def reference(text: str, source: str, target: str, report: Report, *, width: int = 16) -> str:
    """A `16x` reference: X set, no leading/trailing `/` and no `//` (T26), at most `width` characters."""
    value = report.x_text(text, source, target)
    fixed = value.strip("/")
    while "//" in fixed:
        fixed = fixed.replace("//", "/")
    if fixed != value:
        report.loss("mt.render_changed", source, target, f"the reference in {target} had slashes the T26 rule "
                    "forbids; they were removed", kept=f"{len(fixed)} characters")
    if len(fixed) > width:
        report.loss("mt.render_truncated", source, target, f"{target} holds {width} characters: the reference "
                    f"of {len(fixed)} was cut to {width}", kept=f"{width} characters")
        fixed = fixed[:width].rstrip("/")
    return fixed or "NOTPROVIDED"[:width]
