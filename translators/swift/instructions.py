""":13C: time indications, :23E: instruction codes and :72: sender-to-receiver codes, both ways.

The rules are `translators/mx_mt.py`'s: :13C: CLSTIME/RNCTIME/SNDTIME <-> CLSTm/CdtDtTm/DbtDtTm;
:23E: SDVA -> service level, INTC/CORT -> category purpose, CHQB/HOLD/PHOB/TELB -> an
instruction for the creditor agent (code + text), PHON/TELE/PHOI/TELI/REPA -> an
instruction for the next agent whose text is `/CODE/information`; :72: `/INS/` -> a
previous instructing agent, `/ACC/` -> creditor agent, `/REC/` -> next agent, `/INT/` ->
next agent as `/INT/text`. :72: lines are `/8c/text` then `//continuation`; continuation
lines join without a separator after a full line (as :70:, DOMAIN §3.1) and with a space
after a line ended early by hand, so writing cuts the text at exact widths and reading gives
it back. Everything else is a `Loss` when read and a reported
loss when written (DOMAIN §3.4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta, timezone
from typing import Final

from schemas.canonical import Agent, Instruction, TimeIndication
from translators.base import Loss
from translators.iso20022.common import bic_problem
from translators.mx_mt import (
    INSTRUCTION_CODE_ORDER,
    INSTRUCTION_CODE_TARGETS,
    INSTRUCTION_CODES_WITH_INFORMATION,
    INSTRUCTION_INFORMATION_LENGTH,
    INTERMEDIARY_MARKER,
    MT_CODE_BY_TIME_INDICATION,
    SENDER_TO_RECEIVER_CODES,
    TIME_INDICATION_BY_MT_CODE,
    instruction_code_of,
    next_agent_text,
)
from translators.swift.crules_codes import CODE_LINE
from translators.swift.fin_text import LINE_WIDTH, Report, chop, fit_lines
from translators.swift.model import Field

MAX_72_LINES: Final = 6
MAX_OFFSET_HOURS: Final = 13                  # :13C: UTC offset hours 00-13 (T16)


@dataclass
class Instructions:
    """What :23E: and :72: say, in canonical terms."""

    service_levels: list[str] = field(default_factory=list)
    category_purpose: str | None = None
    for_creditor_agent: list[Instruction] = field(default_factory=list)
    for_next_agent: list[Instruction] = field(default_factory=list)
    previous_instructing_agents: list[Agent] = field(default_factory=list)


# --- reading ------------------------------------------------------------------------------------------

def read_time_indications(fields: list[Field], losses: list[Loss]) -> tuple[TimeIndication, ...]:
    """Each :13C: `/CODE/HHMM±HHMM` as a time with its UTC offset; unreadable ones are losses."""
    found = []
    for item in fields:
        parts = item.value.split("/")
        code = TIME_INDICATION_BY_MT_CODE.get(parts[1]) if len(parts) == 3 and not parts[0] else None
        rest = parts[-1]
        clock, sign, offset = rest[:4], rest[4:5], rest[5:]
        minutes = 0
        try:
            minutes = int(offset[:2]) * 60 + int(offset[2:])
            zone = timezone(timedelta(minutes=-minutes if sign == "-" else minutes))
            at = time(int(clock[:2]), int(clock[2:]), tzinfo=zone)
        except ValueError:
            code = None
        if code is None or len(rest) != 9 or sign not in ("+", "-"):
            losses.append(Loss(f":{item.tag}:", "", "the time indication cannot be read"))
            continue
        if sign == "-" and minutes == 0:
            losses.append(Loss(f":{item.tag}:", "+0000", "the offset -0000 reads as +0000 (UTC)"))
        found.append(TimeIndication(code=code, at=at))
    return tuple(found)


def read_instruction_codes(fields: list[Field], into: Instructions, losses: list[Loss]) -> None:
    """:23E: codes into service levels, category purpose and instructions."""
    for item in fields:
        code, slash, information = item.value.partition("/")
        text = information if slash else None
        target = INSTRUCTION_CODE_TARGETS.get(code)
        path = f":{item.tag}:"
        if target == "service_level":
            into.service_levels.append(code)
        elif target == "category_purpose" and into.category_purpose is None:
            into.category_purpose = code
        elif target == "creditor_agent":
            into.for_creditor_agent.append(Instruction(code=code, text=text))
            continue
        elif target == "next_agent":
            into.for_next_agent.append(Instruction(text=next_agent_text(code, text)))
            continue
        else:
            why = "a second category purpose" if target else "an unknown instruction code"
            losses.append(Loss(path, code, f"{why} has no canonical field"))
            continue
        if text:
            losses.append(Loss(path, code, f"additional information after {code} has no canonical field"))


def sender_to_receiver_segments(value: str) -> tuple[list[tuple[str, str]], list[int]]:
    """:72: as (code, text) segments, continuation lines joined; the numbers of lines that fit neither form."""
    segments: list[tuple[str, str]] = []
    stray: list[int] = []
    previous = ""
    for number, line in enumerate(value.split("\n"), start=1):
        coded = CODE_LINE.match(line) if not line.startswith("//") else None
        if coded is not None:
            segments.append((coded.group(1), line[coded.end():]))
        elif line.startswith("//") and segments:
            code, text = segments[-1]
            segments[-1] = (code, text + _separator(previous, line[2:]) + line[2:])
        else:
            stray.append(number)
        previous = line
    return segments, stray


def _separator(previous: str, continuation: str) -> str:
    """A space between a line the sender ended early and its continuation: the writer fills every line
    to 35 characters, except before a continuation starting with `:` or `-` (DOMAIN §8.8), so a
    shorter line was broken at a word by hand."""
    if len(previous) >= LINE_WIDTH or not continuation or continuation[0] in ":- " or previous.endswith(" "):
        return ""
    return " "


def read_sender_to_receiver(item: Field, into: Instructions, losses: list[Loss], *,
                            previous_agents: bool = True) -> None:
    """:72: codes into previous instructing agents and instructions; other codes and free text are losses."""
    segments, stray = sender_to_receiver_segments(item.value)
    for number in stray:
        losses.append(Loss(f":{item.tag}:/line {number}", "", "free text in :72: outside the /8c/ code structure "
                           "has no canonical field"))
    for code, text in segments:
        target = SENDER_TO_RECEIVER_CODES.get(code)
        if target == "previous_instructing_agent" and previous_agents:
            is_bic = len(text) in (8, 11) and bic_problem(text) is None
            into.previous_instructing_agents.append(Agent(bic=text) if is_bic else Agent(name=text or None))
        elif target == "creditor_agent":
            into.for_creditor_agent.append(Instruction(text=text or None))
        elif target == "next_agent":
            marked = INTERMEDIARY_MARKER + text if code == "INT" else text
            into.for_next_agent.append(Instruction(text=marked or None))
        else:
            losses.append(Loss(f":{item.tag}:", f"/{code}/", f"the :72: code /{code}/ has no canonical field"))


# --- writing ------------------------------------------------------------------------------------------

def write_time_indications(indications: tuple[TimeIndication, ...], source: str, report: Report) -> list[str]:
    """:13C: values; codes without an MT equivalent and unwritable times are reported."""
    values = []
    for position, indication in enumerate(indications):
        path = f"{source}[{position}]"
        code = MT_CODE_BY_TIME_INDICATION.get(indication.code)
        offset = indication.at.utcoffset() if indication.at.tzinfo is not None else timedelta(0)
        minutes = int((offset or timedelta(0)).total_seconds() // 60)
        if code is None or abs(minutes) > MAX_OFFSET_HOURS * 60 + 59:
            report.loss("mt.render_dropped", path, ":13C:", f"the time indication {indication.code} has no :13C: "
                        "code or its UTC offset is out of range: left out")
            continue
        if indication.at.tzinfo is None or indication.at.second or indication.at.microsecond:
            report.loss("mt.render_changed", path, ":13C:", ":13C: holds hours and minutes with a UTC offset: "
                        "seconds were dropped or a missing offset written as +0000")
        sign = "-" if minutes < 0 else "+"
        values.append(f"/{code}/{indication.at:%H%M}{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}")
    return values


def write_instruction_codes(service_levels: tuple[str, ...], category_purpose: str | None,
                            for_creditor_agent: tuple[Instruction, ...], for_next_agent: tuple[Instruction, ...],
                            source: str, report: Report) -> tuple[list[str], list[Instruction], list[Instruction]]:
    """:23E: values in the D98 order, and the instructions left for :72: (creditor agent, next agent)."""
    codes: dict[str, str | None] = {}

    def add(code: str, information: str | None, path: str) -> None:
        if code in codes:
            report.loss("mt.render_dropped", path, ":23E:", f":23E: code {code} is used only once (E46): a second "
                        "instruction with it was left out")
            return
        if information and code not in INSTRUCTION_CODES_WITH_INFORMATION:
            report.loss("mt.render_dropped", path, ":23E:", f":23E: code {code} takes no additional information "
                        "(D97): its text was left out")
            information = None
        if information:
            information = report.x_text(information, path, ":23E:")
            if len(information) > INSTRUCTION_INFORMATION_LENGTH:
                report.loss("mt.render_truncated", path, ":23E:", f":23E: holds {INSTRUCTION_INFORMATION_LENGTH} "
                            f"characters of information: {len(information)} were cut")
                information = information[:INSTRUCTION_INFORMATION_LENGTH]
        codes[code] = information

    for position, level in enumerate(service_levels):
        if INSTRUCTION_CODE_TARGETS.get(level) == "service_level":
            add(level, None, f"{source}service_levels[{position}]")
        else:
            report.loss("mt.render_dropped", f"{source}service_levels[{position}]", ":23E:",
                        f"the service level {level} has no MT103 code: left out")
    if category_purpose is not None:
        if INSTRUCTION_CODE_TARGETS.get(category_purpose) == "category_purpose":
            add(category_purpose, None, f"{source}category_purpose")
        else:
            report.loss("mt.render_dropped", f"{source}category_purpose", ":23E:",
                        f"the category purpose {category_purpose} has no MT code: left out")
    creditor_texts: list[Instruction] = []
    for position, instruction in enumerate(for_creditor_agent):
        path = f"{source}instructions_for_creditor_agent[{position}]"
        if instruction.code and INSTRUCTION_CODE_TARGETS.get(instruction.code) == "creditor_agent":
            add(instruction.code, instruction.text, path)
        elif instruction.code:
            report.loss("mt.render_dropped", path, ":23E:", f"the instruction code {instruction.code} has no MT "
                        "equivalent: left out" + (", its text goes to :72: /ACC/" if instruction.text else ""))
            if instruction.text:
                creditor_texts.append(Instruction(text=instruction.text))
        else:
            creditor_texts.append(instruction)
    next_texts: list[Instruction] = []
    for position, instruction in enumerate(for_next_agent):
        path = f"{source}instructions_for_next_agent[{position}]"
        carried = instruction_code_of(instruction.text)
        if instruction.code:
            report.loss("mt.render_dropped", path, ":72:", f"the instruction code {instruction.code} for the next "
                        "agent has no MT equivalent: left out")
        if carried is not None:
            add(carried[0], carried[1], path)
        elif instruction.text:
            next_texts.append(Instruction(text=instruction.text))
    ordered = sorted(codes.items(), key=lambda item: INSTRUCTION_CODE_ORDER.index(item[0]))
    return [code + (f"/{information}" if information else "") for code, information in ordered], creditor_texts, \
        next_texts


def write_sender_to_receiver(previous_agents: tuple[Agent, ...], for_creditor_agent: list[Instruction],
                             for_next_agent: list[Instruction], source: str, report: Report) -> str | None:
    """:72: `/INS/` lines, then `/ACC/`, then `/INT/` and `/REC/`, continued with `//`; at most 6 lines."""
    segments: list[tuple[str, str, str]] = []
    for position, agent in enumerate(previous_agents):
        path = f"{source}previous_instructing_agents[{position}]"
        if agent.bic or agent.name:
            segments.append(("INS", agent.bic or agent.name or "", path))
        else:
            report.loss("mt.render_dropped", path, ":72:", "a previous instructing agent without BIC or name "
                        "cannot be written in :72: /INS/: left out")
    for position, instruction in enumerate(for_creditor_agent):
        segments.append(("ACC", instruction.text or "", f"{source}instructions_for_creditor_agent[{position}]"))
    for position, instruction in enumerate(for_next_agent):
        text = instruction.text or ""
        path = f"{source}instructions_for_next_agent[{position}]"
        if text.startswith(INTERMEDIARY_MARKER):
            segments.append(("INT", text[len(INTERMEDIARY_MARKER):], path))
        else:
            segments.append(("REC", text, path))
    lines: list[str] = []
    for code, text, path in segments:
        head = f"/{code}/"
        chunks = chop(report.x_text(text, path, ":72:"), LINE_WIDTH - 2, LINE_WIDTH - len(head)) or [""]
        lines.append(head + chunks[0])
        lines.extend("//" + chunk for chunk in chunks[1:])
    lines = fit_lines(lines, MAX_72_LINES, f"{source}instructions", ":72:", report)
    return "\n".join(lines) if lines else None
