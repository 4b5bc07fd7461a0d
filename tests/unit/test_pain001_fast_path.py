"""pain.001 pass-2 hot path against the plain `Node` reading it replaced, and the fast IBAN
check against schwifty's (`common.iban_problem`): same payments, same errors (DOMAIN §2.5, §4.4)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.pain001_documents import generate
from schemas.canonical import Payment, Source
from translators.base import DocumentReading, ReadContext
from translators.iso20022 import initiation_stream as stream
from translators.iso20022 import pain001_payment as fast
from translators.iso20022 import pain001_reference as reference
from translators.iso20022.common import Node, iban_problem
from translators.iso20022.pain001_iban import iban_problem_fast
from translators.iso20022.pain001_parts import VERSIONS, Group, Unreadable, read_block

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "iso20022" / "pain001"
SOURCE = Source(channel="filedrop", sender="MUST", format="pain.001",
                received_at=datetime(2026, 1, 20, 9, 31, tzinfo=UTC))
CONTEXT = ReadContext(document_id="doc-1", source=SOURCE)

RICH_TRANSACTIONS = (
    # intermediary agents with accounts, agent account, rate, own payment type, other account, structured remittance
    "<CdtTrfTxInf><PmtId><InstrId>R1</InstrId><EndToEndId>E1</EndToEndId></PmtId>"
    "<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl><SvcLvl><Prtry>X</Prtry></SvcLvl><LclInstrm><Cd>INST</Cd></LclInstrm>"
    "</PmtTpInf><Amt><InstdAmt Ccy='EUR'>12.50</InstdAmt></Amt><XchgRateInf><XchgRate>1.1</XchgRate></XchgRateInf>"
    "<ChrgBr>SHAR</ChrgBr><UltmtDbtr><Nm>UD</Nm></UltmtDbtr>"
    "<IntrmyAgt1><FinInstnId><BICFI>DEUTDEFFXXX</BICFI></FinInstnId></IntrmyAgt1>"
    "<IntrmyAgt1Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></IntrmyAgt1Acct>"
    "<IntrmyAgt2><FinInstnId><ClrSysMmbId><ClrSysId><Cd>USABA</Cd></ClrSysId><MmbId>021000021</MmbId></ClrSysMmbId>"
    "<Nm>Bank</Nm><PstlAdr><AdrTp><Cd>ADDR</Cd></AdrTp><AdrLine>a</AdrLine><AdrLine>b</AdrLine></PstlAdr>"
    "</FinInstnId><BrnchId><Id>7</Id></BrnchId></IntrmyAgt2>"
    "<CdtrAgt><FinInstnId><BICFI>BNPAFRPP</BICFI><Othr><Id>O</Id><SchmeNm><Prtry>P</Prtry></SchmeNm></Othr>"
    "</FinInstnId></CdtrAgt><CdtrAgtAcct><Id><Othr><Id>123</Id></Othr></Id></CdtrAgtAcct>"
    "<Cdtr><Nm>C</Nm><Id><PrvtId><DtAndPlcOfBirth><BirthDt>1980-01-02</BirthDt><CityOfBirth>X</CityOfBirth>"
    "<CtryOfBirth>FR</CtryOfBirth></DtAndPlcOfBirth><Othr><Id>P1</Id></Othr></PrvtId></Id><CtryOfRes>FR</CtryOfRes>"
    "</Cdtr><CdtrAcct><Id><Othr><Id>ACC-1</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm><Issr>I</Issr></Othr></Id>"
    "<Tp><Prtry>T</Prtry></Tp><Ccy>EUR</Ccy><Nm>N</Nm></CdtrAcct><UltmtCdtr><Nm>UC</Nm></UltmtCdtr>"
    "<InstrForCdtrAgt><Cd>PHOB</Cd></InstrForCdtrAgt><InstrForCdtrAgt><InstrInf>x</InstrInf></InstrForCdtrAgt>"
    "<Purp><Prtry>OWN</Prtry></Purp><RmtInf><Ustrd>u</Ustrd><Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd>"
    "</CdOrPrtry></Tp><Nb>1</Nb><RltdDt>2026-01-01</RltdDt></RfrdDocInf><RfrdDocAmt><DuePyblAmt Ccy='EUR'>1"
    "</DuePyblAmt></RfrdDocAmt><AddtlRmtInf>z</AddtlRmtInf></Strd></RmtInf></CdtTrfTxInf>",
    # the same creditor again (reused model), an account with IBAN and currency, a bad IBAN
    "<CdtTrfTxInf><PmtId><EndToEndId>E2</EndToEndId><UETR>not-a-uuid</UETR></PmtId><Amt><InstdAmt Ccy='EUR'>1"
    "</InstdAmt></Amt><Cdtr><Nm>C</Nm><Id><PrvtId><DtAndPlcOfBirth><BirthDt>1980-01-02</BirthDt><CityOfBirth>X"
    "</CityOfBirth><CtryOfBirth>FR</CtryOfBirth></DtAndPlcOfBirth><Othr><Id>P1</Id></Othr></PrvtId></Id>"
    "<CtryOfRes>FR</CtryOfRes></Cdtr><CdtrAcct><Id><IBAN>FR1420041010050500013M02607</IBAN></Id><Ccy>EUR</Ccy>"
    "</CdtrAcct><RmtInf><Ustrd>a</Ustrd><Ustrd/></RmtInf></CdtTrfTxInf>",
    # unreadable: no creditor; negative amount; no amount; empty IBAN; organisation with BICs
    "<CdtTrfTxInf><PmtId><EndToEndId>E3</EndToEndId></PmtId><Amt><InstdAmt Ccy='EUR'>1</InstdAmt></Amt>"
    "</CdtTrfTxInf>",
    "<CdtTrfTxInf><PmtId><EndToEndId>E4</EndToEndId></PmtId><Amt><InstdAmt Ccy='EUR'>-1</InstdAmt></Amt>"
    "<Cdtr><Nm>C</Nm></Cdtr></CdtTrfTxInf>",
    "<CdtTrfTxInf><PmtId><EndToEndId>E5</EndToEndId></PmtId><Cdtr><Nm>C</Nm></Cdtr></CdtTrfTxInf>",
    "<CdtTrfTxInf><Amt><InstdAmt Ccy='EUR'>1.5</InstdAmt></Amt><Cdtr><Nm>C</Nm><Id><OrgId><AnyBIC>ALPECHZZ"
    "</AnyBIC><BICOrBEI>ALPECHZZ</BICOrBEI></OrgId></Id></Cdtr><CdtrAgt><FinInstnId><BIC>BNPAFRPP</BIC>"
    "</FinInstnId></CdtrAgt><CdtrAcct><Id><IBAN></IBAN></Id></CdtrAcct><!-- c --><RmtInf/></CdtTrfTxInf>",
)


def _rich(version: str) -> bytes:
    return (f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{version}"><CstmrCdtTrfInitn><GrpHdr><MsgId>M</MsgId>'
            "<CreDtTm>2026-01-20T09:30:00+01:00</CreDtTm></GrpHdr><PmtInf><PmtInfId>B</PmtInfId><PmtMtd>TRF</PmtMtd>"
            "<ReqdExctnDt><Dt>2026-01-21</Dt></ReqdExctnDt><Dbtr><Nm>D</Nm></Dbtr><DbtrAcct><Id><IBAN>"
            "DE89370400440532013000</IBAN></Id></DbtrAcct><DbtrAgt><FinInstnId><BICFI>COBADEFFXXX</BICFI>"
            f"</FinInstnId></DbtrAgt>{''.join(RICH_TRANSACTIONS)}</PmtInf></CstmrCdtTrfInitn></Document>").encode()


def _documents() -> list[tuple[str, str, bytes]]:
    found = [(path.name, path.stem, path.read_bytes()) for path in sorted(GOLDEN.glob("*.xml"))]
    found += [(f"rich-{version}", version, _rich(version)) for version in ("pain.001.001.03", "pain.001.001.09")]
    return [*found, ("generated-300", "pain.001.001.09", generate(300))]


def _outcome(read: Callable[..., Payment], *arguments: object) -> Payment | tuple[str, str, str]:
    try:
        return read(*arguments)
    except Unreadable as exc:
        return (str(exc), exc.path, exc.rule)


@pytest.mark.parametrize(("name", "version", "data"), _documents(), ids=lambda value: str(value)[:20])
def test_fast_payment_equals_the_node_reading(name: str, version: str, data: bytes) -> None:
    spec = VERSIONS[version]
    group = Group("M", DocumentReading(format=version), None)
    memo, block, compared, outcomes = fast.Memo(spec), None, 0, set()
    for index, (number, element, position, record) in enumerate(stream.iter_records(data, stream.CREDIT_TRANSFERS)):
        if block is None or block.node.element is not element:
            block = read_block(element, number, spec, [])
        node = Node(record, f"CdtTrfTxInf[{position}]", block.node)
        path = f"{block.node.path}/CdtTrfTxInf[{position}]"
        children = fast.children_of(record)
        ids = fast.leaves(fast.first(children, "PmtId"))
        ours = _outcome(fast.payment, children, ids, path, index, version, group, block, CONTEXT, memo)
        theirs = _outcome(reference.payment, node, node.child("PmtId"), index, version, spec, group, block, CONTEXT)
        outcomes.add(type(ours).__name__)
        assert path == node.path
        assert ours == theirs, (name, index)
        compared += 1
    assert compared >= 2
    assert outcomes == ({"Payment", "tuple"} if name.startswith("rich") else {"Payment"})


def _ibans() -> list[str]:
    rng = random.Random(7)
    valid = ["DE89370400440532013000", "FR1420041010050500013M02606", "NL91ABNA0417164300", "CH9300762011623852957",
             "GB82WEST12345698765432", "BE68539007547034", "MT84MALT011000012345MTLCAST001S", "NO9386011117947"]
    mutated = []
    for value in valid:
        for _ in range(20):
            at = rng.randrange(len(value))
            mutated.append(value[:at] + rng.choice("0123456789AZ") + value[at + 1:])
    odd = ["de89370400440532013000", "DE89 3704 0044 0532 0130 00", "DE00370400440532013000", "DE01370400440532013000",
           "DE99370400440532013000", "XX89370400440532013000", "DE8937040044053201300", "DE893704004405320130000",
           "DE89370400440532O13000", "DE8937040044053201300٣", "", "DE", "DE89", "ZZ12ABC"]
    return valid + mutated + odd


@pytest.mark.parametrize("value", _ibans())
def test_fast_iban_check_answers_as_schwifty(value: str) -> None:
    assert iban_problem_fast(value) == iban_problem(value)
