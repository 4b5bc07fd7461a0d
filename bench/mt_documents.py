"""Seeded, realistic SWIFT MT files for the MT benchmark: MT940 statement downloads and MT103 batches.

Statements: several accounts, one statement a day each, thousands of `:61:` lines with
their `:86:` (SEPA-style `/EREF/.../REMI/...` texts, German structured ones, charges
without text), reversals, funds codes, servicer references and supplementary lines; written
by the gateway's own `from_statement`, so every statement runs over several 2,000-character
pages (`:28C:` n/1, n/2..., 60M/62M between pages). Files are bare text blocks (`.sta`),
the form corporate downloads take and the one every MT940 library reads.

MT103: customer transfers in the shape of config/samples/mt103-single-eur.fin, each with
its own UETR, amounts, parties and remittance, concatenated FIN messages in one file.
The same seed gives the same bytes.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from schemas.canonical import Account, Amount, Balance, Entry, Source, Statement, statement_id_for
from translators.swift.blocks import format_message
from translators.swift.statements import from_statement
from translators.swift.values import format_amount

SOURCE = Source(channel="cli", sender="bench", format="mt940", received_at=datetime(2026, 1, 1, tzinfo=UTC))
ACCOUNTS = (
    ("DE89370400440532013000", "EUR"), ("FR1420041010050500013M02606", "EUR"), ("GB29NWBK60161331926819", "GBP"),
    ("BE68539007547034", "EUR"), ("IT60X0542811101000000123456", "EUR"), ("ES9121000418450200051332", "EUR"),
    ("0532013000", "USD"), ("CH9300762011623852957", "CHF"), ("NL91ABNA0417164300", "EUR"),
    ("SE4550000000058398257466", "SEK"),
)
COUNTERPARTIES = ("MUSTER MASCHINENBAU GMBH", "TALLERES MEDITERRANEO SL", "ACME TRADING LTD", "STADTWERKE BONN",
                  "BOULANGERIE DUPONT SARL", "NORDIC TIMBER AB", "ALPINE SPEDITION AG", "HOLLAND FLOWERS BV")
CODES = ("NTRF", "NTRF", "NTRF", "NDDT", "NCHG", "NMSC", "S103", "NSTO", "NCHK", "FTRF")


def _information(rng: random.Random, number: int, code: str) -> str | None:
    """The `:86:` of an entry: mostly SEPA-style tags, some German structured, charges without text."""
    if code == "NCHG":
        return None if rng.random() < 0.5 else "ACCOUNT FEES"
    party = rng.choice(COUNTERPARTIES)
    if rng.random() < 0.3:            # German structured form: 65-character lines cut anywhere
        text = (f"166?00SEPA-UEBERWEISUNG?100599?20EREF+E2E{number:08d}?21SVWZ+RECHNUNG {number}"
                f"?30COBADEFFXXX?31DE89370400440532013000?32{party[:27]}")
        return "\n".join(text[start:start + 65] for start in range(0, len(text), 65))
    lines = [f"/EREF/E2E-{number:010d}/REMI/INVOICE {rng.randint(1000, 99999)} OF {rng.randint(1, 28):02d}.11",
             f"/ORDP//NAME/{party}"]
    if rng.random() < 0.4:
        lines.append(f"/BENM//NAME/{rng.choice(COUNTERPARTIES)}")
    if rng.random() < 0.2:
        lines += ["/PURP/SUPP", "/ULTD//NAME/" + rng.choice(COUNTERPARTIES)]
    return "\n".join(line[:65] for line in lines)


def statement(rng: random.Random, account: str, currency: str, day: date, number: int, entries: int,
              opening: Decimal) -> Statement:
    """One day's statement of one account with `entries` bookings that add up to its closing balance."""
    booked = []
    running = opening
    for position in range(entries):
        code = rng.choice(CODES)
        amount = Decimal(rng.randint(1, 2_500_000)) / 100
        credit = rng.random() < 0.55
        reversal = rng.random() < 0.02
        running += amount if credit else -amount
        serial = number * 100_000 + position
        booked.append(Entry(
            amount=Amount(value=amount, currency=currency), credit=credit, reversal=reversal,
            value_date=day + timedelta(days=rng.choice((0, 0, 0, 1, 2))), booking_date=day,
            funds_code="R" if rng.random() < 0.01 else None, bank_transaction_code=code,
            account_owner_reference=f"REF{serial}" if rng.random() < 0.6 else None,
            account_servicer_reference=f"BK{serial:010d}" if rng.random() < 0.8 else None,
            additional_info="RETURNED ITEM" if reversal else ("CARD PAYMENT" if rng.random() < 0.05 else None),
            information=_information(rng, serial, code)))
    def balance(type_code: str, value: Decimal, when: date) -> Balance:
        return Balance(type_code=type_code, amount=Amount(value=abs(value), currency=currency), credit=value >= 0,
                       date=when)
    return Statement(
        statement_id=statement_id_for("bench", number), document_id="bench", source=SOURCE, message_type="mt940",
        reference=f"STMT{number:08d}", account=Account(id=account, scheme="IBAN" if account[:2].isalpha() else ""),
        statement_number=f"{number % 100_000:05d}", sequence_number="1",
        balances=(balance("OPBD", opening, day - timedelta(days=1)), balance("CLBD", running, day),
                  balance("CLAV", running, day)),
        entries=tuple(booked))


def mt940_files(*, seed: int, accounts: int, days: int, entries_per_statement: int) -> dict[str, bytes]:
    """One bare `.sta` file per account, `days` statements each, every statement over several pages."""
    rng = random.Random(seed)
    files = {}
    for account, currency in ACCOUNTS[:accounts]:
        pages: list[str] = []
        opening = Decimal(rng.randint(0, 10_000_000)) / 100
        for day_number in range(days):
            count = max(1, int(entries_per_statement * rng.uniform(0.7, 1.3)))
            made = statement(rng, account, currency, date(2025, 11, 3) + timedelta(days=day_number),
                             day_number + 1, count, opening)
            written = from_statement(made, sender_bic=None, receiver_bic=None)
            if written.issues or written.losses:
                raise RuntimeError(f"the generator made a statement MT cannot carry: {written.issues} "
                                   f"{written.losses}")
            pages += written.value
            opening = made.balances[1].amount.value * (1 if made.balances[1].credit else -1)
        files[f"{account}.sta"] = "".join(pages).encode("ascii")
    return files


def mt103_file(*, seed: int, count: int) -> bytes:
    """`count` MT103 messages (input form, block 3 with UETR) concatenated, CRLF."""
    rng = random.Random(seed)
    messages = []
    for number in range(count):
        amount = format_amount(Decimal(rng.randint(100, 50_000_000)) / 100, "EUR")
        debtor, creditor = rng.sample(COUNTERPARTIES, 2)
        fields = [
            ("20", f"BENCH{number:011d}"), ("23B", "CRED"), ("32A", f"261125EUR{amount}"), ("33B", f"EUR{amount}"),
            ("50K", f"/DE89370400440532013000\n{debtor}\nHAUPTSTRASSE {rng.randint(1, 200)}\n10115 BERLIN"),
            ("52A", "COBADEFFXXX"), ("57A", "BSCHESMMXXX"),
            ("59", f"/ES9121000418450200051332\n{creditor}\nCALLE MAYOR {rng.randint(1, 99)}\n28013 MADRID"),
            ("70", f"/INV/2026-{rng.randint(1000, 9999)} MACHINE PARTS"), ("71A", rng.choice(("SHA", "OUR"))),
        ]
        uetr = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        messages.append(format_message("103", "COBADEFFXXX", "QNXGDEFFXXX", fields, user_header=[("121", uetr)]))
    return "\r\n".join(messages).encode("ascii") + b"\r\n"
