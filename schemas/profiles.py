"""Validation profiles: data (never callables) naming what varies between rulebooks.

Profiles live in `config/profiles/*.yaml`; one may `extend` another, and only the
fields it sets override its parent's.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field


class Limits(BaseModel):
    """Hostile-input limits (ARCHITECTURE §5): exceeding one is an issue, never a hang."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_bytes: int = Field(256 * 1024 * 1024, ge=1)
    max_depth: int = Field(64, ge=4)
    max_transactions: int = Field(1_000_000, ge=1)


class Profile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    extends: str | None = None
    description: str = ""
    message_types: frozenset[str] | None = None      # None: any the gateway knows
    currencies: frozenset[str] | None = None         # None: any active ISO 4217 currency
    max_transactions_per_message: int | None = None  # CBPR+: 1
    require_uetr: bool = False
    require_tx_id: bool = False
    rules_off: frozenset[str] = frozenset()          # rule ids this profile does not apply
    limits: Limits = Limits()
    # Scheme rules on each payment (translators/iso20022/profile_rules.py); None / False: not required.
    service_level: str | None = None                 # PmtTpInf/SvcLvl/Cd every payment must carry (SEPA)
    local_instrument: str | None = None              # PmtTpInf/LclInstrm/Cd required (INST for SCT Inst)
    charge_bearers: frozenset[str] | None = None     # allowed ChrgBr (absent counts as allowed)
    require_ibans: bool = False                      # debtor and creditor accounts are IBANs
    require_names: bool = False                      # Dbtr/Nm and Cdtr/Nm present
    character_set: str | None = None                 # regex every free text and identifier must match
    identifier_max_length: int | None = None         # MsgId, InstrId, EndToEndId, TxId (and no "/" ends, no "//")
    max_text_length: int | None = None               # party names
    remittance_max_length: int | None = None         # one Ustrd or one Strd, of at most this many characters
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None


DEFAULT_PROFILE = Profile(id="default", description="ISO 20022 base message definitions, no scheme usage rules")


def load_profiles(directory: Path) -> dict[str, Profile]:
    """Load every `*.yaml` profile in the folder, resolving `extends` chains."""
    raw: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict) or "id" not in data:
            raise ValueError(f"{path.name}: a profile is a mapping with an 'id'")
        raw[str(data["id"])] = data
    resolved: dict[str, Profile] = {DEFAULT_PROFILE.id: DEFAULT_PROFILE}
    for profile_id in raw:
        resolved[profile_id] = _resolve(profile_id, raw, resolved, ())
    return resolved


def _resolve(profile_id: str, raw: Mapping[str, dict[str, Any]], done: dict[str, Profile],
             chain: tuple[str, ...]) -> Profile:
    if profile_id in done:
        return done[profile_id]
    if profile_id in chain:
        raise ValueError(f"profile {profile_id!r} extends itself through {' -> '.join(chain)}")
    data = raw.get(profile_id)
    if data is None:
        raise ValueError(f"profile {chain[-1]!r} extends unknown profile {profile_id!r}")
    parent_id = data.get("extends") or DEFAULT_PROFILE.id
    parent = _resolve(parent_id, raw, done, (*chain, profile_id))
    merged = parent.model_dump()
    merged.update(data)
    merged["limits"] = {**parent.limits.model_dump(), **(data.get("limits") or {})}
    profile = Profile.model_validate(merged)
    done[profile_id] = profile
    return profile
