"""Scheme usage rules on one canonical payment, driven by the profile's data (DOMAIN §4.2, §2.9).

A profile names what its rulebook requires (`schemas/profiles.py`: service level,
local instrument, charge bearers, IBANs, names, character set, identifier and text
lengths, remittance size, amount limits); this module is the one place that checks a
payment against those values, for every message that becomes a payment (pacs.008,
pain.001...). `path` is the transaction's path in its document (`CdtTrfTxInf[3]`), and
each issue names the element under it with the reason code the rulebook gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from schemas.canonical import Party, Payment
from schemas.codes import RULES
from schemas.issues import Issue
from schemas.profiles import Profile


def _issue(rule: str, path: str, message: str) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message)


@lru_cache(maxsize=16)
def _character_set(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def payment_issues(payment: Payment, profile: Profile, path: str) -> list[Issue]:
    """Every rule of `profile` this payment breaks (none when the profile sets no scheme rules)."""
    issues: list[Issue] = []
    issues += _payment_type(payment, profile, path)
    issues += _accounts_and_names(payment, profile, path)
    issues += _texts(payment, profile, path)
    issues += _amount(payment, profile, path)
    return issues


def _payment_type(payment: Payment, profile: Profile, path: str) -> Iterator[Issue]:
    if profile.service_level is not None and profile.service_level not in payment.service_levels:
        yield _issue("profile.service_level", f"{path}/PmtTpInf/SvcLvl/Cd", f"profile {profile.id} requires "
                     f"service level {profile.service_level}; found {', '.join(payment.service_levels) or 'none'}")
    if profile.local_instrument is not None and payment.local_instrument != profile.local_instrument:
        yield _issue("profile.local_instrument", f"{path}/PmtTpInf/LclInstrm/Cd", f"profile {profile.id} requires "
                     f"local instrument {profile.local_instrument}; found {payment.local_instrument or 'none'}")
    bearers = profile.charge_bearers
    if bearers is not None and payment.charge_bearer is not None and payment.charge_bearer not in bearers:
        yield _issue("profile.charge_bearer", f"{path}/ChrgBr", f"profile {profile.id} allows charge bearer "
                     f"{', '.join(sorted(bearers))}; found {payment.charge_bearer}")


def _accounts_and_names(payment: Payment, profile: Profile, path: str) -> Iterator[Issue]:
    if profile.require_ibans:
        for rule, tag, account in (("profile.debtor_iban", "DbtrAcct", payment.debtor_account),
                                   ("profile.creditor_iban", "CdtrAcct", payment.creditor_account)):
            if account is None or not account.is_iban:
                yield _issue(rule, f"{path}/{tag}/Id/IBAN", f"profile {profile.id} requires an IBAN for {tag}")
    if profile.require_names:
        if not payment.debtor.name:
            yield _issue("profile.debtor_name", f"{path}/Dbtr/Nm", f"profile {profile.id} requires the Dbtr name")
        if not payment.creditor.name:
            yield _issue("profile.creditor_name", f"{path}/Cdtr/Nm", f"profile {profile.id} requires the Cdtr name")
    limit = profile.max_text_length
    if limit is not None:
        for tag, party in _parties(payment):
            if party is not None and party.name is not None and len(party.name) > limit:
                yield _issue("profile.text_length", f"{path}/{tag}/Nm", f"profile {profile.id} allows names of "
                             f"at most {limit} characters; this one has {len(party.name)}")


def _parties(payment: Payment) -> tuple[tuple[str, Party | None], ...]:
    return (("Dbtr", payment.debtor), ("Cdtr", payment.creditor), ("UltmtDbtr", payment.ultimate_debtor),
            ("UltmtCdtr", payment.ultimate_creditor))


def _texts(payment: Payment, profile: Profile, path: str) -> Iterator[Issue]:
    longest = profile.identifier_max_length
    if longest is not None:
        for tag, value in (("PmtId/InstrId", payment.instr_id), ("PmtId/EndToEndId", payment.end_to_end_id),
                           ("PmtId/TxId", payment.tx_id)):
            if value is not None and (len(value) > longest or value.startswith("/") or value.endswith("/")
                                      or "//" in value):
                yield _issue("profile.identifier", f"{path}/{tag}", f"profile {profile.id}: an identifier has 1 to "
                             f"{longest} characters, does not start or end with / and holds no //")
    if profile.character_set is not None:
        allowed = _character_set(profile.character_set)
        texts = [(f"PmtId/{tag}", value) for tag, value in (
            ("InstrId", payment.instr_id), ("EndToEndId", payment.end_to_end_id), ("TxId", payment.tx_id))]
        texts += [(f"{tag}/Nm", party.name) for tag, party in _parties(payment) if party is not None]
        remittance = payment.remittance
        texts += [("RmtInf/Ustrd", line) for line in (remittance.unstructured if remittance else ())]
        for where, text in texts:
            if text is not None and allowed.fullmatch(text) is None:
                bad = next((c for c in text if allowed.fullmatch(c) is None), "?")
                yield _issue("profile.character_set", f"{path}/{where}", f"profile {profile.id} does not allow "
                             f"the character {bad!r} (U+{ord(bad):04X})")
    limit = profile.remittance_max_length
    remittance = payment.remittance
    if limit is not None and remittance is not None:
        parts = len(remittance.unstructured) + len(remittance.structured)
        if parts > 1:
            yield _issue("profile.remittance", f"{path}/RmtInf", f"profile {profile.id} allows one Ustrd or one "
                         f"Strd, not {parts}")
        for line in remittance.unstructured:
            if len(line) > limit:
                yield _issue("profile.remittance", f"{path}/RmtInf/Ustrd", f"profile {profile.id} allows "
                             f"{limit} characters of remittance information; this one has {len(line)}")


def _amount(payment: Payment, profile: Profile, path: str) -> Iterator[Issue]:
    value = payment.interbank_settlement_amount.value
    if profile.min_amount is not None and value < profile.min_amount:
        yield _issue("profile.min_amount", f"{path}/IntrBkSttlmAmt", f"profile {profile.id} requires at least "
                     f"{profile.min_amount}")
    if profile.max_amount is not None and value > profile.max_amount:
        yield _issue("profile.max_amount", f"{path}/IntrBkSttlmAmt", f"profile {profile.id} allows at most "
                     f"{profile.max_amount}; this payment is {value}")
