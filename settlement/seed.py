"""Accounts for a data set (the demo's, a test's): created once, funded by an opening posting.

Opening balances are booked like any payment (equity account debited, customer
credited), so every balance always equals the sum of its postings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from schemas.codes import is_currency, to_minor_units
from settlement.ledger import clearing_account_id


@dataclass(frozen=True)
class AccountSeed:
    account_id: str
    currency: str
    kind: str = "customer"
    name: str | None = None
    opening_balance: Decimal = Decimal(0)
    overdraft_limit: Decimal | None = Decimal(0)   # None: unlimited
    blocked: bool = False


def load_accounts(path: Path) -> list[AccountSeed]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    seeds = []
    for row in data.get("accounts", []):
        currency = str(row["currency"])
        if not is_currency(currency):
            raise ValueError(f"{path.name}: account {row['id']} has unknown currency {currency}")
        limit = row.get("overdraft_limit", "0")
        seeds.append(AccountSeed(
            account_id=str(row["id"]), currency=currency, kind=str(row.get("kind", "customer")),
            name=row.get("name"), opening_balance=Decimal(str(row.get("opening_balance", "0"))),
            overdraft_limit=None if limit is None else Decimal(str(limit)), blocked=bool(row.get("blocked", False))))
    return seeds


def clearing_accounts(rails_by_currency: Iterable[tuple[str, str]]) -> list[AccountSeed]:
    return [AccountSeed(clearing_account_id(rail, currency), currency, "clearing", f"{rail} clearing {currency}",
                        overdraft_limit=None) for rail, currency in sorted(set(rails_by_currency))]


async def seed(connection: Any, accounts: Sequence[AccountSeed]) -> int:
    """Create missing accounts and post their opening balances; returns how many were created."""
    created = 0
    async with connection.transaction():
        for account in accounts:
            limit = None if account.overdraft_limit is None else to_minor_units(account.overdraft_limit,
                                                                                 account.currency)
            row = await connection.fetchrow(
                "INSERT INTO ledger_accounts (account_id, currency, kind, name, overdraft_limit_minor, blocked) "
                "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id) DO NOTHING RETURNING account_id",
                account.account_id, account.currency, account.kind, account.name, limit, account.blocked)
            if row is None:
                continue
            created += 1
            opening = to_minor_units(account.opening_balance, account.currency)
            if opening == 0:
                continue
            equity = f"equity:{account.currency}"
            await connection.execute(
                "INSERT INTO ledger_accounts (account_id, currency, kind, name) VALUES ($1, $2, 'equity', $3) "
                "ON CONFLICT (account_id) DO NOTHING", equity, account.currency, f"opening balances {account.currency}")
            payment_id = f"opening:{account.account_id}"
            await connection.execute(
                "INSERT INTO postings (payment_id, leg, account_id, currency, amount_minor) "
                "VALUES ($1, 1, $2, $4, $5), ($1, 2, $3, $4, $6)",
                payment_id, equity, account.account_id, account.currency, -opening, opening)
            await connection.execute(
                "UPDATE ledger_accounts SET balance_minor = balance_minor + CASE account_id WHEN $1 THEN $3::bigint "
                "ELSE $4::bigint END WHERE account_id IN ($1, $2)", account.account_id, equity, opening, -opening)
    return created
