"""Every rule id an Issue can carry is registered in schemas/codes.py with its reason code."""

from __future__ import annotations

import re

from schemas.codes import RULES, STATUS_REASONS
from tests.conftest import ROOT

RULE_LITERAL = re.compile(r"""rule=["']([a-z0-9_.]+)["']|_issue\(\s*["']([a-z0-9_.]+)["']""")


def test_every_rule_used_in_the_code_is_registered() -> None:
    used = set()
    for folder in ("gateway", "schemas", "translators", "routers", "settlement"):
        for path in (ROOT / folder).rglob("*.py"):
            for match in RULE_LITERAL.finditer(path.read_text()):
                used.add(match.group(1) or match.group(2))
    assert used, "the scan found rules"
    assert sorted(used - set(RULES)) == []


def test_every_rule_has_a_known_reason_code_a_source_and_an_example() -> None:
    for rule, spec in RULES.items():
        assert spec.code in STATUS_REASONS, f"{rule}: reason code {spec.code} not in STATUS_REASONS"
        assert spec.source and spec.doc, rule
