"""Realistic pacs.008.001.08 documents in any number, for the benchmark and the tests.

Payments are drawn from the demo ledger's funded accounts (config/samples/accounts.yaml),
rendered by the gateway's own renderer, so every document is valid against the XSD.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

from schemas.canonical import (
    Account,
    Agent,
    Amount,
    Party,
    Payment,
    PostalAddress,
    RemittanceInfo,
    Source,
)
from translators.iso20022 import pacs008

# (debtor account, agent, currency) — funded in the demo ledger
DEBTORS: tuple[tuple[Account, Agent, str], ...] = (
    (Account(id="DE89370400440532013000"), Agent(bic="COBADEFFXXX"), "EUR"),
    (Account(id="FR1420041010050500013M02606"), Agent(bic="BNPAFRPPXXX"), "EUR"),
    (Account(id="GB29NWBK60161331926819"), Agent(bic="NWBKGB2LXXX"), "GBP"),
    (Account(id="987654321012", scheme="BBAN"), Agent(clearing_system="USABA", member_id="021000021",
                                                      name="JPMorgan Chase Bank"), "USD"),
)
CREDITORS = (
    (Account(id="BE68539007547034"), Agent(bic="BBRUBEBBXXX")),
    (Account(id="IT60X0542811101000000123456"), Agent(bic="BPMOIT22XXX")),
    (Account(id="ES9121000418450200051332"), Agent(bic="CAIXESBBXXX")),
)
SOURCE = Source(channel="cli", sender="generator", format="pacs.008.001.08",
                received_at=datetime(2026, 1, 1, tzinfo=UTC))


Debtor = tuple[Account, Agent, str]


def iban(country: str, bban: str) -> str:
    """An IBAN with correct ISO 13616 check digits for this BBAN."""
    digits = "".join(str(int(c, 36)) for c in f"{bban}{country}00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def many_debtors(count: int) -> list[Debtor]:
    """`count` distinct debtor accounts (EUR, GBP, USD), so payments spread over the settlement
    shards as real traffic does; seed them with `ledger_key`."""
    debtors: list[Debtor] = []
    for n in range(count):
        kind = n % 4
        if kind in (0, 1):
            debtors.append((Account(id=iban("DE", f"37040044{n:010d}")), Agent(bic="COBADEFFXXX"), "EUR"))
        elif kind == 2:
            debtors.append((Account(id=iban("GB", f"NWBK601613{n:08d}")), Agent(bic="NWBKGB2LXXX"), "GBP"))
        else:
            debtors.append((Account(id=f"{n:012d}", scheme="BBAN"),
                            Agent(clearing_system="USABA", member_id="021000021", name="JPMorgan Chase Bank"), "USD"))
    return debtors


def ledger_key(debtor: Debtor) -> str:
    account, agent, _ = debtor
    return account.id if account.is_iban else f"{agent.member_id}:{account.id}"


def uetr_for(seed: str, index: int) -> str:
    """A deterministic lowercase UUIDv4, as UETRs must be."""
    return str(uuid.UUID(int=uuid.uuid5(uuid.NAMESPACE_URL, f"{seed}/{index}").int, version=4))


def payments(count: int, *, seed: str = "", currencies: tuple[str, ...] | None = None,
             debtors: list[Debtor] | None = None, offset: int = 0) -> Iterator[Payment]:
    """`count` payments cycling through the debtors (default: the demo ledger's funded accounts),
    only in `currencies` when given; `offset` continues the cycle from an earlier document."""
    debtors = [d for d in (debtors or list(DEBTORS)) if currencies is None or d[2] in currencies]
    for index in range(count):
        account, agent, currency = debtors[(offset + index) % len(debtors)]
        creditor_account, creditor_agent = CREDITORS[index % len(CREDITORS)]
        cents = 100 + (index * 7919) % 99_900
        reference = f"{seed}E2E{index:07d}"[-35:]
        yield Payment(
            payment_id=f"gen{index}", document_id="generated", index=index, source=SOURCE,
            message_type="pacs.008.001.08", msg_id="generated", end_to_end_id=reference,
            tx_id=f"{seed}TX{index:07d}"[-35:], instr_id=f"{seed}IN{index:07d}"[-35:],
            uetr=uetr_for(seed, index),
            interbank_settlement_amount=Amount(value=Decimal(cents).scaleb(-2), currency=currency),
            interbank_settlement_date=date(2026, 11, 24), charge_bearer="SHAR",
            debtor=Party(name=f"Debtor Customer {index % 97}", postal_address=PostalAddress(
                street_name="Hauptstrasse", building_number=str(1 + index % 200), post_code="60311",
                town_name="Frankfurt am Main", country="DE")),
            debtor_account=account, debtor_agent=agent,
            creditor_agent=creditor_agent, creditor=Party(name=f"Creditor Supplier {index % 89}",
                                                          postal_address=PostalAddress(town_name="Bruxelles",
                                                                                       country="BE")),
            creditor_account=creditor_account,
            remittance=RemittanceInfo(unstructured=(f"Invoice {seed}-{index:07d}",)),
        )


def document(transactions: int, *, msg_id: str | None = None, seed: str = "",
             currencies: tuple[str, ...] | None = None, debtors: list[Debtor] | None = None,
             offset: int = 0) -> bytes:
    """One pacs.008.001.08 with `transactions` transactions, as a bank would send it to us."""
    msg_id = msg_id or f"GEN{uuid.uuid4().hex[:28]}"
    return pacs008.render(
        list(payments(transactions, seed=seed or msg_id, currencies=currencies, debtors=debtors, offset=offset)),
        msg_id=msg_id,
        created_at=datetime.now(UTC), settlement_method="CLRG", clearing_system=None,
        instructing_agent=Agent(bic="INGBNL2AXXX"), instructed_agent=Agent(bic="QNXGDEFFXXX"))
