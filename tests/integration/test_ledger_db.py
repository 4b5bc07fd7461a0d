"""The ledger's invariants hold in the database itself, not only in the code that writes it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import asyncpg
import pytest

from schemas.canonical import Account, Agent, Amount, Party, Payment, Source
from settlement import ledger
from settlement.seed import AccountSeed, clearing_accounts, seed

pytestmark = pytest.mark.pg

DEBTOR = "DE89370400440532013000"


def payment(pid: str, amount: str = "10.00") -> Payment:
    return Payment(
        payment_id=pid, document_id="d1", index=0, message_type="pacs.008.001.08", msg_id="M1", rail="target2",
        source=Source(channel="amqp", sender="BANK", format="pacs.008.001.08", received_at=datetime.now(UTC)),
        interbank_settlement_amount=Amount(value=Decimal(amount), currency="EUR"),
        debtor=Party(name="A"), creditor=Party(name="B"), debtor_account=Account(id=DEBTOR),
        debtor_agent=Agent(bic="COBADEFFXXX"))


@pytest.fixture
async def ledger_db(database_url: str):  # type: ignore[no-untyped-def]
    connection = await asyncpg.connect(database_url)
    await seed(connection, [AccountSeed(DEBTOR, "EUR", name="A", opening_balance=Decimal("100.00")),
                            *clearing_accounts([("target2", "EUR")])])
    yield connection
    await connection.close()


async def book(connection: asyncpg.Connection, *payments: Payment) -> list[ledger.Verdict]:
    async with connection.transaction():
        return await ledger.book(connection, [ledger.BookingRequest(p, b"h") for p in payments], datetime.now(UTC))


async def test_a_redelivered_payment_books_nothing_twice(ledger_db: asyncpg.Connection) -> None:
    [first] = await book(ledger_db, payment("p1"))
    [again] = await book(ledger_db, payment("p1"))
    assert first.booked and again.booked and again.replayed
    assert await ledger_db.fetchval("SELECT count(*) FROM postings WHERE payment_id = 'p1'") == 2
    assert await ledger_db.fetchval("SELECT balance_minor FROM ledger_accounts WHERE account_id = $1", DEBTOR) == 9000


async def test_concurrent_deliveries_of_one_payment_book_it_once(ledger_db: asyncpg.Connection,
                                                                database_url: str) -> None:
    connections = [await asyncpg.connect(database_url) for _ in range(3)]
    try:
        results = await asyncio.gather(*(book(c, payment("p2")) for c in connections), return_exceptions=True)
    finally:
        for c in connections:
            await c.close()
    # losers wait on the primary key and then either see the verdict or report a concurrent booking
    assert sum(1 for r in results if isinstance(r, list) and not r[0].replayed) == 1
    assert all(isinstance(r, list | ledger.ConcurrentBooking) for r in results)
    assert await ledger_db.fetchval("SELECT count(*) FROM postings WHERE payment_id = 'p2'") == 2


async def test_a_second_set_of_postings_for_a_payment_is_refused(ledger_db: asyncpg.Connection) -> None:
    await book(ledger_db, payment("p3"))
    with pytest.raises(asyncpg.UniqueViolationError):
        await ledger_db.execute(
            "INSERT INTO postings (payment_id, leg, account_id, currency, amount_minor) VALUES "
            "('p3', 1, $1, 'EUR', -100), ('p3', 2, 'clearing:target2:EUR', 'EUR', 100)", DEBTOR)


async def test_unbalanced_postings_are_refused(ledger_db: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.CheckViolationError, match="balance"):
        await ledger_db.execute(
            "INSERT INTO postings (payment_id, leg, account_id, currency, amount_minor) VALUES "
            "('p4', 1, $1, 'EUR', -100), ('p4', 2, 'clearing:target2:EUR', 'EUR', 99)", DEBTOR)


async def test_postings_are_append_only(ledger_db: asyncpg.Connection) -> None:
    await book(ledger_db, payment("p5"))
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await ledger_db.execute("UPDATE postings SET amount_minor = 1 WHERE payment_id = 'p5'")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await ledger_db.execute("DELETE FROM postings WHERE payment_id = 'p5'")


async def test_an_overdraft_is_refused_by_the_database(ledger_db: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.CheckViolationError):
        await ledger_db.execute("UPDATE ledger_accounts SET balance_minor = -1 WHERE account_id = $1", DEBTOR)


async def test_balances_equal_the_sum_of_postings(ledger_db: asyncpg.Connection) -> None:
    await book(ledger_db, payment("p6", "30.00"), payment("p7", "80.00"))   # the second exceeds what is left
    mismatched = await ledger_db.fetch(
        "SELECT a.account_id FROM ledger_accounts a LEFT JOIN postings p USING (account_id) "
        "GROUP BY a.account_id, a.balance_minor HAVING a.balance_minor <> coalesce(sum(p.amount_minor), 0)")
    assert mismatched == []
    assert await ledger_db.fetchval("SELECT outcome FROM settlements WHERE payment_id = 'p7'") == "rejected"
