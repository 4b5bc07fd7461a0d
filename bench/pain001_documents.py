"""A seeded, realistic pain.001.001.09 bulk file for the pain.001 benchmark.

One corporate debtor per payment information block (salary and supplier batches, 1,000
to 20,000 transactions each), SEPA service level, creditors across the euro area with
valid IBANs (schwifty, ISO 13616) and BICs, UETRs, structured (RF) or
unstructured remittance, some ultimate creditors and purposes. Group and block NbOfTxs
and CtrlSum are right, so the whole file is accepted. The same seed gives the same bytes.
"""

from __future__ import annotations

import random
import uuid
from decimal import Decimal
from xml.sax.saxutils import escape

from schwifty import IBAN

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
# country, bank code (as schwifty.IBAN.generate takes it), account digits, BICs of banks there
BANKS = (("DE", "37040044", 10, ("COBADEFFXXX", "DEUTDEFFXXX", "GENODEF1S04")),
         ("FR", "2004101005", 11, ("BNPAFRPPXXX", "SOGEFRPPXXX")), ("NL", "ABNA", 10, ("INGBNL2AXXX", "ABNANL2AXXX")),
         ("BE", "539", 7, ("GEBABEBBXXX", "KREDBEBBXXX")), ("AT", "19043", 11, ("BKAUATWWXXX", "RZBAATWWXXX")))
NAMES = ("Jeanne Dupont", "Jan de Vries", "Maria Garcia Lopez", "Lukas Huber", "Sophie Peeters", "Anna Schmidt",
         "Talleres Mediterraneo SL", "Alpenteile GmbH", "Holland Flowers BV", "Boulangerie Dupont SARL")
TOWNS = ("Paris", "Amsterdam", "Madrid", "Wien", "Bruxelles", "Berlin")


def iban(rng: random.Random, country: str, bank: str, digits: int) -> str:
    """A valid IBAN (ISO 13616 check digits and national BBAN rules, via schwifty)."""
    return str(IBAN.generate(country, bank_code=bank, account_code=str(rng.randrange(10 ** (digits - 1), 10**digits))))


def creditor_reference(rng: random.Random) -> str:
    """An ISO 11649 RF reference with valid check digits."""
    body = str(rng.randrange(10**9, 10**12))
    check = 98 - int(body + "271500") % 97
    return f"RF{check:02d}{body}"


def _transaction(rng: random.Random, block: int, number: int, cents: int) -> str:
    country, bank, digits, bics = rng.choice(BANKS)
    name = rng.choice(NAMES)
    uetr = uuid.UUID(int=rng.getrandbits(128), version=4)
    remittance = (f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{creditor_reference(rng)}"
                  "</Ref></CdtrRefInf></Strd>" if rng.random() < 0.3 else
                  f"<Ustrd>{escape(f'Invoice {block:03d}-{number:06d} & services')}</Ustrd>")
    ultimate = f"<UltmtCdtr><Nm>{name} Holding</Nm></UltmtCdtr>" if rng.random() < 0.1 else ""
    purpose = "<Purp><Cd>SUPP</Cd></Purp>" if rng.random() < 0.2 else ""
    return (f"<CdtTrfTxInf><PmtId><InstrId>I{block:03d}-{number:06d}</InstrId><EndToEndId>E2E-{block:03d}-{number:06d}"
            f"</EndToEndId><UETR>{uetr}</UETR></PmtId><Amt><InstdAmt Ccy=\"EUR\">{Decimal(cents).scaleb(-2)}</InstdAmt>"
            f"</Amt><CdtrAgt><FinInstnId><BICFI>{rng.choice(bics)}</BICFI></FinInstnId></CdtrAgt><Cdtr><Nm>{name}</Nm>"
            f"<PstlAdr><TwnNm>{rng.choice(TOWNS)}</TwnNm><Ctry>{country}</Ctry></PstlAdr></Cdtr><CdtrAcct><Id><IBAN>"
            f"{iban(rng, country, bank, digits)}</IBAN></Id></CdtrAcct>{ultimate}{purpose}<RmtInf>{remittance}</RmtInf>"
            "</CdtTrfTxInf>\n")


def generate(transactions: int = 100_000, seed: int = 20260120) -> bytes:
    """The pain.001.001.09 file with `transactions` credit transfers."""
    rng = random.Random(seed)
    blocks: list[str] = []
    total, done, number = Decimal(0), 0, 0
    while done < transactions:
        number += 1
        size = min(transactions - done, rng.randint(1_000, 20_000))
        amounts = [rng.randint(100, 500_000) for _ in range(size)]
        block_sum = Decimal(sum(amounts)).scaleb(-2)
        body = "".join(_transaction(rng, number, n, cents) for n, cents in enumerate(amounts, 1))
        kind = rng.choice(("SALA", "SUPP"))
        blocks.append(
            f"<PmtInf><PmtInfId>BATCH-{number:03d}</PmtInfId><PmtMtd>TRF</PmtMtd><BtchBookg>true</BtchBookg>"
            f"<NbOfTxs>{size}</NbOfTxs><CtrlSum>{block_sum}</CtrlSum><PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl>"
            f"<CtgyPurp><Cd>{kind}</Cd></CtgyPurp></PmtTpInf><ReqdExctnDt><Dt>2026-01-21</Dt></ReqdExctnDt>"
            "<Dbtr><Nm>Muster Maschinenbau GmbH</Nm><PstlAdr><TwnNm>Frankfurt</TwnNm><Ctry>DE</Ctry></PstlAdr></Dbtr>"
            "<DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct><DbtrAgt><FinInstnId><BICFI>"
            f"COBADEFFXXX</BICFI></FinInstnId></DbtrAgt><ChrgBr>SLEV</ChrgBr>\n{body}</PmtInf>\n")
        total += block_sum
        done += size
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{NAMESPACE}"><CstmrCdtTrfInitn><GrpHdr>'
            f"<MsgId>BULK-{seed}</MsgId><CreDtTm>2026-01-20T09:30:00+01:00</CreDtTm><NbOfTxs>{transactions}</NbOfTxs>"
            f"<CtrlSum>{total}</CtrlSum><InitgPty><Nm>Muster Maschinenbau GmbH</Nm></InitgPty></GrpHdr>\n"
            + "".join(blocks) + "</CstmrCdtTrfInitn></Document>\n").encode()
