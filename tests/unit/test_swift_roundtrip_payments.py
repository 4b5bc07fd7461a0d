"""Round trips between canonical payments and MT103 / MT103 STP / MT202 / MT202 COV (DOMAIN §3.1-3.2).

Two properties over payments MT can carry (X-set text, 16x references, EUR/USD with 2
decimals or JPY with none, BIC agents, IBAN or other accounts):

* parse∘render is the identity: `to_payment(parse(from_payment(p)))` gives `p` back, and
  rendering reports no loss and no issue;
* render∘parse is the identity on messages in canonical form: rendering the payment read
  from a rendered message gives the same text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.canonical import (
    Account,
    Agent,
    Amount,
    Charge,
    Instruction,
    Party,
    PartyIdentification,
    Payment,
    PostalAddress,
    RemittanceInfo,
    Source,
    TimeIndication,
    UnderlyingCustomerTransfer,
    payment_id_for,
)
from translators.base import Translated
from translators.swift import mt103, mt202
from translators.swift.blocks import parse

DOCUMENT = "roundtrip"
SOURCE = Source(channel="cli", sender="test", format="mt103", received_at=datetime(2025, 11, 24, tzinfo=UTC))
EEA_BICS = ("COBADEFFXXX", "BNPAFRPPXXX", "BSCHESMMXXX")
OTHER_BICS = ("CHASUS33XXX", "MHCBJPJTXXX", "CITIUS33XXX", "BOFAUS3NXXX", "DEUTDEFF")
IBANS = ("DE89370400440532013000", "FR1420041010050500013M02606", "ES9121000418450200051332",
         "GB29NWBK60161331926819")
EXPONENTS = {"EUR": 2, "USD": 2, "JPY": 0}
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
FAST = settings(max_examples=60, deadline=None)

bics = st.sampled_from(EEA_BICS + OTHER_BICS)
words = st.text(LETTERS + "0123456789", min_size=1, max_size=8)


def line(max_size: int = 35) -> st.SearchStrategy[str]:
    """An X-set line of single-space separated words that starts with a letter."""
    return st.lists(words, min_size=1, max_size=5).map(" ".join).map(lambda text: "A" + text[:max_size - 1])


references = st.from_regex(r"[A-Z0-9][A-Z0-9.\-]{0,14}", fullmatch=True)
accounts = st.one_of(st.sampled_from(IBANS).map(lambda iban: Account(id=iban)),
                     st.from_regex(r"[0-9]{6,20}", fullmatch=True).map(lambda bban: Account(id=bban, scheme="BBAN")))


def amounts(currency: str) -> st.SearchStrategy[Amount]:
    return st.integers(1, 10**11).map(lambda units: Amount(value=Decimal(units).scaleb(-EXPONENTS[currency]),
                                                          currency=currency))


@st.composite
def customers(draw: st.DrawFn, *, ordering: bool) -> tuple[Party, Account | None]:
    """A customer as 50A/59A (BIC), 50K/59 (name and address) or 50F/59F (name, street, country and town)."""
    account = draw(st.none() | accounts)
    shape = draw(st.sampled_from(("bic", "name", "structured")))
    if shape == "bic":
        return Party(identification=PartyIdentification(kind="organisation", any_bic=draw(bics))), account
    if shape == "structured" and (account is not None or not ordering):
        address = PostalAddress(country=draw(st.sampled_from(("DE", "FR", "US"))), town_name=draw(line(25)),
                                address_lines=tuple(draw(st.lists(line(33), max_size=1))))
        return Party(name=draw(line(33)), postal_address=address), account
    lines = draw(st.lists(line(), max_size=3))
    return Party(name=draw(line()), postal_address=PostalAddress(address_lines=tuple(lines)) if lines else None), \
        account


agents = st.one_of(bics.map(lambda bic: Agent(bic=bic)),
                   st.tuples(bics, accounts).map(lambda pair: Agent(bic=pair[0], account=pair[1])),
                   st.tuples(line(), st.lists(line(), max_size=2)).map(lambda pair: Agent(
                       name=pair[0], postal_address=PostalAddress(address_lines=tuple(pair[1])) if pair[1] else None)),
                   st.from_regex(r"[0-9]{9}", fullmatch=True).map(lambda aba: Agent(clearing_system="USABA",
                                                                                     member_id=aba)))
times = st.builds(lambda code, hour, minute, offset: TimeIndication(code=code, at=time(
    hour, minute, tzinfo=timezone(timedelta(minutes=offset)))), st.sampled_from(("CLSTm", "CdtDtTm", "DbtDtTm")),
    st.integers(0, 23), st.integers(0, 59), st.integers(-13 * 60 - 59, 13 * 60 + 59))
dates = st.dates(date(1990, 1, 1), date(2079, 12, 31))


@st.composite
def customer_payments(draw: st.DrawFn, *, stp: bool = False) -> tuple[Payment, str, str]:
    """A customer payment MT103 can carry, with the sender and receiver BICs it goes between."""
    sender = bic11(draw(bics))
    receiver = bic11(draw(bics.filter(lambda bic: bic[:8] != sender[:8])))
    currency = draw(st.sampled_from(sorted(EXPONENTS)))
    settlement = draw(amounts(currency))
    bearer = draw(st.sampled_from(("DEBT", "SHAR", "CRED")))
    charges: tuple[Charge, ...] = ()
    if bearer == "CRED" or (bearer == "SHAR" and draw(st.booleans())):
        charges = (Charge(amount=draw(amounts(currency)), agent=Agent(bic=sender)),)
    elif bearer == "DEBT" and draw(st.booleans()):
        charges = (Charge(amount=draw(amounts(currency)), agent=Agent(bic=receiver)),)
    instructed, rate = None, None
    eea = sender[4:6] in ("DE", "FR", "ES") and receiver[4:6] in ("DE", "FR", "ES")
    if charges or eea or draw(st.booleans()):
        other = draw(st.sampled_from(sorted(EXPONENTS)))
        instructed = draw(amounts(other))
        rate = Decimal(draw(st.integers(1, 10**8))).scaleb(-6) if other != currency else None
    debtor, debtor_account = draw(customers(ordering=True))
    creditor, creditor_account = draw(customers(ordering=False))
    if stp and creditor_account is None:
        creditor_account = Account(id=draw(st.sampled_from(IBANS)))
    if stp and eea:
        creditor_account = Account(id=draw(st.sampled_from(IBANS)))
    agent = bics.map(lambda bic: Agent(bic=bic)) if stp else agents
    intermediary = draw(st.lists(agent, max_size=1))
    creditor_agent = draw(agent.filter(lambda found: (found.bic or "")[:8] != receiver[:8])
                          | st.just(Agent(bic=receiver)))
    category = draw(st.sampled_from((None, "INTC", "CORT")))
    for_creditor = () if stp else draw(st.sampled_from(((), (Instruction(code="PHOB", text="4930123"),),
                                                        (Instruction(code="TELB", text="4930123"),))))
    high = (not stp and not intermediary and creditor_account is not None and category != "CORT"
            and all(item.code in ("PHOB", "TELB") for item in for_creditor) and draw(st.booleans())
            and (creditor_agent.bic is not None or creditor_agent.name is None))
    end_to_end = draw(st.just("NOTPROVIDED") | references)
    remittance_lines = 3 if end_to_end != "NOTPROVIDED" else 4
    remittance = draw(st.none() | st.lists(line(), min_size=1, max_size=remittance_lines).map(
        lambda lines: RemittanceInfo(unstructured=("".join(lines),))))
    reference = draw(references)
    payment = Payment(
        payment_id=payment_id_for(DOCUMENT, 0), document_id=DOCUMENT, index=0, source=SOURCE, message_type="mt103",
        msg_id=reference, instr_id=reference, end_to_end_id=end_to_end, uetr=str(draw(st.uuids(version=4))),
        interbank_settlement_amount=settlement, interbank_settlement_date=draw(dates), instructed_amount=instructed,
        exchange_rate=rate, instruction_priority="HIGH" if high else None,
        service_levels=draw(st.sampled_from(((), ("SDVA",)))), category_purpose=category,
        purpose=draw(st.none() | st.from_regex(r"[A-Z0-9]{3}", fullmatch=True)), charge_bearer=bearer,
        charges=charges, time_indications=tuple(draw(st.lists(times, max_size=2))),
        instructing_agent=Agent(bic=sender), instructed_agent=Agent(bic=receiver),
        instructing_reimbursement_agent=draw(st.none() | bics.map(lambda bic: Agent(bic=bic))),
        previous_instructing_agents=tuple(draw(st.lists(bics.map(lambda bic: Agent(bic=bic)), max_size=1))),
        intermediary_agents=tuple(intermediary), debtor=debtor, debtor_account=debtor_account,
        debtor_agent=draw(st.just(Agent(bic=sender)) | bics.filter(lambda bic: bic[:8] != sender[:8]).map(
            lambda bic: Agent(bic=bic))),
        creditor_agent=creditor_agent, creditor=creditor, creditor_account=creditor_account,
        instructions_for_creditor_agent=for_creditor + tuple(draw(st.lists(line().map(
            lambda text: Instruction(text=text)), max_size=1 if not stp else 0))),
        instructions_for_next_agent=tuple(draw(st.lists(line().map(lambda text: Instruction(text=text)),
                                                        max_size=0 if stp else 1))),
        remittance=remittance, regulatory_reporting=tuple(draw(st.lists(line(), max_size=3))))
    return payment, sender, receiver


def bic11(bic: str) -> str:
    """Header addresses read back as BIC11."""
    return bic if len(bic) == 11 else bic + "XXX"


def differences(first: Payment, second: Payment) -> dict[str, tuple[object, object]]:
    one, two = first.model_dump(), second.model_dump()
    return {name: (one[name], two[name]) for name in one if one[name] != two[name]}


def read_back(rendered: Translated[str], module: object) -> Payment:
    message = parse(rendered.value).messages[0]
    reading = module.to_payment(message, document_id=DOCUMENT, index=0, source=SOURCE)  # type: ignore[attr-defined]
    assert reading.issues == ()
    assert all(loss.path == "block 3/{119:}" for loss in reading.losses), reading.losses
    assert reading.value is not None
    return reading.value  # type: ignore[no-any-return]


@FAST
@given(customer_payments())
def test_mt103_parse_of_render_is_the_identity(case: tuple[Payment, str, str]) -> None:
    payment, sender, receiver = case
    rendered = mt103.from_payment(payment, sender_bic=sender, receiver_bic=receiver)
    assert rendered.issues == () and rendered.losses == (), rendered.issues
    back = read_back(rendered, mt103)
    assert back == payment, differences(back, payment)
    assert mt103.from_payment(back, sender_bic=sender, receiver_bic=receiver).value == rendered.value


@FAST
@given(customer_payments(stp=True))
def test_mt103_stp_parse_of_render_is_the_identity(case: tuple[Payment, str, str]) -> None:
    payment, sender, receiver = case
    rendered = mt103.from_payment(payment, sender_bic=sender, receiver_bic=receiver, variant="STP")
    assert rendered.issues == () and rendered.losses == (), rendered.issues
    back = read_back(rendered, mt103)
    assert back == payment, differences(back, payment)
    assert mt103.from_payment(back, sender_bic=sender, receiver_bic=receiver, variant="STP").value == rendered.value


def banks(draw: st.DrawFn, default: str) -> tuple[Party, Account | None]:
    bic = draw(st.just(default) | bics.filter(lambda bic: bic[:8] != default[:8]))
    account = draw(st.none() | accounts) if bic != default else None
    if draw(st.booleans()):
        return Party(identification=PartyIdentification(kind="organisation", any_bic=bic)), account
    return Party(name=draw(line()), postal_address=PostalAddress(address_lines=(draw(line()),))), account


@st.composite
def underlying_transfers(draw: st.DrawFn, currency: str) -> UnderlyingCustomerTransfer:
    debtor, debtor_account = draw(customers(ordering=True))
    creditor, creditor_account = draw(customers(ordering=False))
    intermediary = draw(st.lists(agents, max_size=1))
    creditor_agent = draw(agents) if intermediary else draw(st.none() | agents)
    return UnderlyingCustomerTransfer(
        debtor=debtor, debtor_account=debtor_account, debtor_agent=draw(st.none() | agents.filter(
            lambda agent: agent.clearing_system is None)), intermediary_agents=tuple(intermediary),
        creditor_agent=creditor_agent, creditor=creditor, creditor_account=creditor_account,
        remittance=draw(st.none() | line().map(lambda text: RemittanceInfo(unstructured=(text,)))),
        instructed_amount=draw(st.none() | amounts(currency)),
        instructions_for_creditor_agent=tuple(draw(st.lists(line().map(lambda text: Instruction(text=text)),
                                                            max_size=1))))


@st.composite
def institution_payments(draw: st.DrawFn) -> tuple[Payment, str, str]:
    """A transfer between banks MT202 can carry, a cover (MT202 COV) when it has an underlying transfer."""
    sender = bic11(draw(bics))
    receiver = bic11(draw(bics.filter(lambda bic: bic[:8] != sender[:8])))
    currency = draw(st.sampled_from(sorted(EXPONENTS)))
    debtor, debtor_account = banks(draw, sender)
    creditor, creditor_account = banks(draw, "BOFAUS3NXXX")
    intermediary = draw(st.lists(agents.filter(lambda agent: agent.clearing_system is None), max_size=1))
    underlying = draw(st.none() | underlying_transfers(currency))
    reference = draw(references)
    payment = Payment(
        payment_id=payment_id_for(DOCUMENT, 0), document_id=DOCUMENT, index=0, source=SOURCE,
        message_type="mt202cov" if underlying else "mt202", msg_id=reference, instr_id=reference,
        end_to_end_id=draw(references), uetr=str(draw(st.uuids(version=4))),
        interbank_settlement_amount=draw(amounts(currency)), interbank_settlement_date=draw(dates),
        kind="institution", time_indications=tuple(draw(st.lists(times, max_size=1))),
        instructing_agent=Agent(bic=sender), instructed_agent=Agent(bic=receiver),
        settlement_account=draw(st.none() | accounts),
        instructed_reimbursement_agent=draw(st.none() | bics.map(lambda bic: Agent(bic=bic))),
        intermediary_agents=tuple(intermediary), debtor=debtor, debtor_account=debtor_account,
        creditor_agent=draw(bics.filter(lambda bic: bic[:8] != receiver[:8]).map(lambda bic: Agent(bic=bic))
                            | st.just(Agent(bic=receiver))),
        creditor=creditor, creditor_account=creditor_account,
        instructions_for_next_agent=tuple(draw(st.lists(line().map(lambda text: Instruction(text=text)),
                                                        max_size=1))),
        underlying_customer_transfer=underlying)
    return payment, sender, receiver


@FAST
@given(institution_payments())
def test_mt202_parse_of_render_is_the_identity(case: tuple[Payment, str, str]) -> None:
    payment, sender, receiver = case
    rendered = mt202.from_payment(payment, sender_bic=sender, receiver_bic=receiver)
    assert rendered.issues == () and rendered.losses == (), rendered.issues
    assert ("{119:COV}" in rendered.value) == (payment.underlying_customer_transfer is not None)
    back = read_back(rendered, mt202)
    assert back == payment, differences(back, payment)
    assert mt202.from_payment(back, sender_bic=sender, receiver_bic=receiver).value == rendered.value
