"""Code lists and the rule registry.

Reason codes: ISO 20022 ExternalStatusReason1Code (external code sets, 2Q2026),
paraphrased. Currency exponents: ISO 4217 via the `iso4217` package (data from the
ISO 4217 maintenance agency's list). Every rule an `Issue` may name is registered in
`RULES` with its default reason code, where it comes from, and a one-line example.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from iso4217 import Currency

# ExternalStatusReason1Code entries the gateway emits (source: ISO 20022 external code sets).
STATUS_REASONS: dict[str, str] = {
    "AC01": "account number is invalid or missing",
    "AC02": "debtor account number is invalid or missing",
    "AC03": "creditor account number is invalid or missing",
    "AC04": "account is closed",
    "AC06": "account is blocked",
    "AG01": "transaction forbidden on this type of account",
    "AM01": "amount is zero",
    "AM02": "amount exceeds the allowed maximum",
    "AM03": "currency cannot be processed",
    "AM04": "insufficient funds",
    "AM05": "duplication",
    "AM10": "sum of instructed amounts does not equal the control sum",
    "AM12": "amount is invalid or missing",
    "AM18": "number of transactions does not match the count in the group header",
    "CH17": "element is not allowed",
    "CH20": "number of decimals does not fit the currency",
    "CH21": "mandatory element is missing",
    "CURR": "incorrect currency code",
    "DT01": "invalid date",
    "DU01": "message identification is not unique",
    "DU04": "end-to-end identification is not unique",
    "DU05": "instruction identification is not unique",
    "FF01": "file format is incomplete or invalid",
    "FF02": "syntax error",
    "NARR": "reason given in narrative",
    "RC01": "bank identifier (BIC) has an incorrect format",
    "RF01": "transaction reference is not unique within the message",
}

# ExternalPaymentTransactionStatus1Code values the gateway reports.
TX_STATUS_SETTLED = "ACSC"      # settlement completed: the debtor's account is debited
TX_STATUS_REJECTED = "RJCT"
TX_STATUS_ACCEPTED = "ACCP"
TX_STATUS_PENDING = "PDNG"
FINAL_TX_STATUSES = frozenset({TX_STATUS_SETTLED, TX_STATUS_REJECTED})


@dataclass(frozen=True)
class RuleSpec:
    code: str          # default reason code
    doc: str           # what fires it
    source: str        # where the rule comes from
    example: str = ""  # a short sample that fires it


RULES: dict[str, RuleSpec] = {
    "detect.unknown_format": RuleSpec(
        "FF01", "the bytes are none of the formats the gateway knows", "Qenex gateway format registry",
        "a PDF dropped into the inbox"),
    "detect.unsupported_format": RuleSpec(
        "FF01", "the format is recognised but not yet processed by this gateway", "Qenex gateway format registry",
        "an MT103 before the SWIFT MT module is enabled"),
    "detect.empty": RuleSpec("FF01", "the document is empty", "Qenex gateway format registry", "a 0-byte file"),
    "xml.not_well_formed": RuleSpec(
        "FF01", "the document is not well-formed XML", "W3C XML 1.0", "<Document><GrpHdr></Document>"),
    "xml.forbidden_construct": RuleSpec(
        "FF01", "a DOCTYPE, entity declaration or processing construct that could attack the parser",
        "ARCHITECTURE §5; OWASP XXE prevention", "<!DOCTYPE x [<!ENTITY a 'b'>]>"),
    "xml.limit": RuleSpec(
        "FF01", "the document exceeds a size, depth or element-count limit", "gateway profile limits",
        "a 2 GB file, or 10,000 nested elements"),
    "xml.unknown_namespace": RuleSpec(
        "FF01", "the Document namespace is not a message version the gateway knows",
        "ISO 20022 naming (DOMAIN §2.1)", "xmlns=urn:iso:std:iso:20022:tech:xsd:pacs.008.001.99"),
    "iso.xsd": RuleSpec(
        "FF01", "the document is not valid against the official XSD of its namespace",
        "ISO 20022 message definition XSD", "IntrBkSttlmAmt with 6 decimals"),
    "iso.no_schema": RuleSpec(
        "FF01", "no official XSD is available: structural checks only (informational)",
        "schema catalogue", "pacs.008.001.13 without the XSD in the cache"),
    "iso.nb_of_txs": RuleSpec(
        "AM18", "GrpHdr/NbOfTxs differs from the number of transactions", "pacs.008 GrpHdr/NbOfTxs",
        "NbOfTxs=3 with two CdtTrfTxInf"),
    "iso.ctrl_sum": RuleSpec(
        "AM10", "GrpHdr/CtrlSum differs from the sum of the settlement amounts", "pacs.008 GrpHdr/CtrlSum",
        "CtrlSum=100.00 for 60.00 + 50.00"),
    "iso.total_amount": RuleSpec(
        "AM10", "GrpHdr/TtlIntrBkSttlmAmt differs from the sum of the settlement amounts",
        "pacs.008 GrpHdr/TtlIntrBkSttlmAmt", "TtlIntrBkSttlmAmt=10.00 for 5.00 + 6.00"),
    "iso.total_currency": RuleSpec(
        "AM03", "GrpHdr/TtlIntrBkSttlmAmt is in a currency other than the transactions'",
        "pacs.008 GrpHdr/TtlIntrBkSttlmAmt", "total in EUR over USD transactions"),
    "iso.settlement_date": RuleSpec(
        "DT01", "no interbank settlement date at group or transaction level", "pacs.008 IntrBkSttlmDt",
        "neither GrpHdr/IntrBkSttlmDt nor CdtTrfTxInf/IntrBkSttlmDt"),
    "iso.structure": RuleSpec(
        "FF01", "a mandatory element is missing or its value cannot be read (the checks made when no XSD "
        "is available, and values the XSD accepts but the gateway cannot represent)",
        "pacs.008.001.08 message definition", "a CdtTrfTxInf without IntrBkSttlmAmt"),
    "profile.message_type": RuleSpec(
        "FF01", "the sender's profile does not accept this message type or version",
        "gateway profile message_types", "a pacs.008.001.09 on a channel that takes only pacs.008.001.08"),
    "profile.max_transactions": RuleSpec(
        "CH17", "the message holds more transactions than the sender's profile allows",
        "CBPR+ usage guideline (one transaction per message, DOMAIN §8.27)", "NbOfTxs=2 on a CBPR+ channel"),
    "profile.currency": RuleSpec(
        "CURR", "the currency is not one the sender's profile accepts", "gateway profile currencies "
        "(e.g. EPC SCT rulebook AT-04: euro only)", "a USD payment on a SEPA channel"),
    "profile.uetr_required": RuleSpec(
        "CH21", "the profile requires a UETR and the transaction has none",
        "CBPR+ usage guideline (PmtId/UETR)", "a pacs.008 without PmtId/UETR on a CBPR+ channel"),
    "profile.tx_id_required": RuleSpec(
        "CH21", "the profile requires a TxId and the transaction has none", "EPC SCT / CBPR+ (PmtId/TxId)",
        "a pacs.008 without PmtId/TxId on a SEPA channel"),
    "money.currency": RuleSpec(
        "CURR", "the currency code is not an active ISO 4217 currency", "ISO 4217", "Ccy=\"XYZ\""),
    "money.precision": RuleSpec(
        "CH20", "more decimals than the currency's ISO 4217 minor unit allows", "ISO 4217 minor units",
        "JPY 100.5 or EUR 1.234"),
    "money.zero": RuleSpec("AM01", "the amount is zero", "ExternalStatusReason1Code AM01", "0.00 EUR"),
    "iban.invalid": RuleSpec(
        "AC01", "the IBAN fails the ISO 13616 checks (country, length, mod-97)", "ISO 13616-1",
        "DE89370400440532013001"),
    "bic.invalid": RuleSpec(
        "RC01", "the BIC is not an ISO 9362 BIC (structure or country)", "ISO 9362", "DEUTZZFF"),
    "iso.duplicate_instr_id": RuleSpec(
        "DU05", "InstrId repeats within the message", "pacs.008 PmtId/InstrId", "two transactions with InstrId A1"),
    "iso.duplicate_tx_id": RuleSpec(
        "RF01", "TxId repeats within the message", "pacs.008 PmtId/TxId", "two transactions with TxId T1"),
    "iso.duplicate_end_to_end_id": RuleSpec(
        "DU04", "EndToEndId repeats within the message (warning: customers may reuse them)",
        "DOMAIN §8.14", "two transactions with EndToEndId E1"),
    "intake.duplicate_document": RuleSpec(
        "AM05", "the sender already submitted a document with this message id", "DOMAIN §8.13",
        "the same pacs.008 dropped twice"),
    "intake.too_large": RuleSpec(
        "FF01", "the document is larger than the configured limit", "gateway intake limits", "a 300 MB file"),
    "route.no_rule": RuleSpec(
        "AM03", "no routing rule accepts the payment's currency", "config/gateway.yaml routing.rules",
        "a payment in CHF with no CHF rule"),
    "settle.unknown_debtor_account": RuleSpec(
        "AC02", "the debtor account is not held in the ledger", "ledger accounts", "an IBAN not seeded"),
    "settle.account_currency": RuleSpec(
        "AM03", "the debtor account is held in another currency", "ledger accounts",
        "a USD payment from a EUR account"),
    "settle.insufficient_funds": RuleSpec(
        "AM04", "the debtor account cannot cover the amount", "ledger accounts",
        "100.00 from an account holding 50.00"),
    "settle.account_blocked": RuleSpec(
        "AC06", "the debtor account is blocked", "ledger accounts", "a frozen account"),
    "settle.no_clearing_account": RuleSpec(
        "AM03", "no clearing account for the rail and currency", "ledger accounts", "rail target2 in USD"),
    "wire.undecodable": RuleSpec(
        "FF01", "a message between stages could not be decoded as its canonical model",
        "ARCHITECTURE §2", "a JSON body missing payment_id"),
    "intake.unreadable_statement": RuleSpec(
        "FF01", "a statement of the document could not be read at all", "gateway intake",
        "an MT940 page whose fields cannot be told apart"),
    "stage.unexpected_error": RuleSpec(
        "FF01", "a stage failed on this message in a way no retry fixed; kept for an operator",
        "ARCHITECTURE §3 (unknown failures are bounded, then parked)", "a payment that makes the handler raise"),
    "intake.sender": RuleSpec(
        "FF01", "the sender id (routing key or x-gw-sender) is missing or malformed", "README: the ingress contract",
        "a routing key with spaces"),
    "deliver.no_receiver": RuleSpec(
        "RC04", "an MT rail needs a receiver BIC: the payment has no creditor agent BIC and the rail no correspondent",
        "DOMAIN §1.2 (block 2 receiver)", "a payment whose creditor agent is known only by a clearing code"),
    "deliver.unknown_rail": RuleSpec(
        "FF01", "the payment names a rail that is not configured", "config/gateway.yaml rails", "rail 'sic'"),
    "detect.unreadable": RuleSpec("FF01", "the file cannot be read", "gateway validate", "permission denied"),
    "filedrop.unreadable": RuleSpec("FF01", "a dropped file cannot be read", "file-drop adapter", "an I/O error"),
    "stage.poison": RuleSpec(
        "FF01", "the message was delivered too many times without completing (it may crash its consumer)",
        "BROKER.md (d) poison messages", "x-delivery-count above the threshold"),
    # SWIFT MT (FIN): translators/swift/. The SWIFT error code, where one applies, starts the message text.
    "mt.encoding": RuleSpec(
        "FF01", "the file is not UTF-8/ASCII text (undecodable bytes, UTF-16)", "DOMAIN §1.4 (FIN text is ASCII)",
        "a byte 0xE9 from a Latin-1 file"),
    "mt.stray_text": RuleSpec(
        "FF01", "text outside any message that is not a separator (blank lines, $, \\x01, \\x03, \\x1a)",
        "DOMAIN §8.6", "a banner line between two messages"),
    "mt.no_message": RuleSpec(
        "FF01", "the file holds no FIN message and no bare text block", "DOMAIN §1.1", "a text file of prose"),
    "mt.limit": RuleSpec(
        "FF01", "a message longer than 10,000 characters (M50) or a file with more messages than the limit",
        "DOMAIN §1.5 (max message length); STYLE rule 18", "an MT103 of 12,000 characters"),
    "mt.block": RuleSpec(
        "FF01", "a block is truncated, unclosed, unknown, repeated, out of order or surrounded by stray text",
        "DOMAIN §1.1", "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN"),
    "mt.block1": RuleSpec(
        "FF01", "the basic header (block 1) is missing or not of its 25-character layout, or holds bad values",
        "DOMAIN §1.1", "{1:F01BANKBEBBAXXX00000}"),
    "mt.block2": RuleSpec(
        "FF01", "the application header (block 2) is missing or not of its input/output layout, or holds bad "
        "values", "DOMAIN §1.2", "{2:I103BANKDEFF}"),
    "mt.block3": RuleSpec(
        "FF01", "the user header (block 3) is malformed, has unknown, repeated or out-of-order tags, or a bad "
        "value (U00-U03)", "DOMAIN §1.3-1.4", "{3:{121:...}{108:MUR}}"),
    "mt.uetr": RuleSpec(
        "FF01", "the UETR ({121:}) is not a lowercase UUID v4, or is missing where the message type needs it",
        "DOMAIN §1.3, §8.12", "{121:EB6305C9-1F7F-49DE-AED0-16487C27B42D}"),
    "mt.validation_flag": RuleSpec(
        "FF01", "the validation flag ({119:}) is missing where needed (U08) or not allowed for the MT (U09)",
        "DOMAIN §1.3-1.4", "{119:COV} on an MT103"),
    "mt.trailer": RuleSpec(
        "FF01", "a trailer block (5 or S) is malformed, or its checksum is not 12 hex digits", "DOMAIN §1.1",
        "{5:{CHK:12345}}"),
    "mt.text_block": RuleSpec(
        "FF01", "the text block is not closed by a -} line, holds braces, text before the first field, or a "
        "line starting with : or - (T13)", "DOMAIN §1.1, §1.4, §8.6-8.8", ":70:INV 1\\r\\n-PAID\\r\\n-}"),
    "mt.message_type": RuleSpec(
        "FF01", "the message type is unknown, or not one whose fields the gateway checks (warning)",
        "translators/swift/messages.py", "an MT101, or a bare text block without a recognisable type"),
    "mt.unknown_tag": RuleSpec(
        "FF01", "a field tag that is not part of the message type (T13)", "SWIFT MT message formats, SRU2025",
        ":99: in an MT103"),
    "mt.tag_not_allowed": RuleSpec(
        "FF01", "a field not allowed in this variant of the message (T13)", "DOMAIN §1.6 (MT103 STP)",
        ":51A: in an MT103 STP"),
    "mt.option": RuleSpec(
        "FF01", "a field option letter not allowed for this field in this message or variant (T13)",
        "SWIFT MT message formats, SRU2025; DOMAIN §1.6", ":52D: in an MT103 STP"),
    "mt.missing_field": RuleSpec(
        "FF01", "a mandatory field (or sequence) is missing (T13)", "SWIFT MT message formats, SRU2025",
        "an MT103 without :71A:"),
    "mt.field_order": RuleSpec(
        "FF01", "a field is out of the order of its message type (T13)", "SWIFT MT message formats, SRU2025",
        ":23B: after :32A:"),
    "mt.field_repeated": RuleSpec(
        "FF01", "a field that is not repeatable occurs twice (T13)", "SWIFT MT message formats, SRU2025",
        "two :20: fields"),
    "mt.field_format": RuleSpec(
        "FF01", "a field value does not fit its format notation (T33/T34 length, lines, character set)",
        "DOMAIN §1.4; SWIFT MT field formats, SRU2025", "a 17-character :20:, a :70: of five lines"),
    "mt.amount": RuleSpec(
        "AM12", "an amount is not SWIFT `d` syntax: no decimal comma, no integer digit, too long (T40/T43)",
        "DOMAIN §1.4, §8.1", ":32A:250120EUR1234.56"),
    "mt.date": RuleSpec(
        "DT01", "a date is not a calendar date (T50)", "DOMAIN §1.4, §8.10", ":32A:250230EUR1,"),
    "mt.time": RuleSpec(
        "FF01", "a time, sign or UTC offset is invalid (T38, T15, T16)", "DOMAIN §1.4 (:13C:)",
        ":13C:/CLSTIME/2515+0100"),
    "mt.code": RuleSpec(
        "FF01", "a code word not allowed in this field (e.g. T36 :23B:, T08 :71A:, T47/T48 :23E:, T51/T53 :61:)",
        "DOMAIN §1.4-1.8", ":71A:XYZ"),
    "mt.bic": RuleSpec(
        "RC01", "a BIC is not 4!a2!a2!c[3!c] or its country is not ISO 3166 (T27/T28/T29)",
        "DOMAIN §4.4; ISO 9362", ":57A:DEUTZZFF"),
    "mt.T26": RuleSpec(
        "FF01", "a reference starts or ends with / or contains // (T26)", "DOMAIN §1.5 (:20:, :21:)",
        ":20:/REF"),
    "mt.unsupported_message": RuleSpec(
        "FF01", "a message type the gateway does not process in this file (an MT101 among payments, a payment "
        "among statements), or a file with no message it processes", "translators/swift/reader.py",
        "an MT101 in a file of MT103s"),
    "mt.kept_message": RuleSpec(
        "NARR", "an MT900/910/199/299 in a file of payments or statements: kept with the file (information)",
        "translators/swift/reader.py", "an MT199 after two MT103s"),
    "mt.party": RuleSpec(
        "FF01", "a party field's identifier, clearing code or numbered lines are wrong (T56, T73)",
        "DOMAIN §1.5 (party fields, 50F/59F)", ":59F:/ACC\\n2/STREET (no 1/ first)"),
}


@cache
def currency_exponent(code: str) -> int | None:
    """ISO 4217 minor unit (EUR 2, JPY 0, KWD 3); None for an unknown code or one without (XAU)."""
    try:
        return Currency(code).exponent
    except ValueError:
        return None


@cache
def is_currency(code: str) -> bool:
    try:
        Currency(code)
    except ValueError:
        return False
    return True


def fits_currency(value: Decimal, currency: str) -> bool:
    """Whether the amount has no more decimals than the currency allows."""
    exponent = currency_exponent(currency)
    if exponent is None:
        return True
    exp = value.normalize().as_tuple().exponent
    return not isinstance(exp, int) or -exp <= exponent


def to_minor_units(value: Decimal, currency: str) -> int:
    """Exact minor units; callers check `fits_currency` first (a remainder raises)."""
    exponent = currency_exponent(currency) or 0
    scaled = value.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} {currency} has more than {exponent} decimals")
    return int(scaled)


def _register_extensions() -> None:
    """Rule tables kept beside the formats they belong to (one module per format family), merged
    here so there is one registry. Each module defines RULES and may define STATUS_REASONS."""
    import importlib

    for name in ("schemas.rules_mt_payments", "schemas.rules_mt_statements", "schemas.rules_iso_pain",
                 "schemas.rules_iso_camt", "schemas.rules_iso_pacs009", "schemas.rules_iso_profiles",
                 "schemas.rules_iso_returns", "schemas.rules_iso_pain008"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        STATUS_REASONS.update(getattr(module, "STATUS_REASONS", {}))
        for rule, spec in module.RULES.items():
            if rule in RULES:
                raise ValueError(f"rule {rule} is registered twice")
            RULES[rule] = spec


_register_extensions()
