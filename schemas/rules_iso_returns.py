"""Rules of R-transactions: pacs.004 payment return and camt.056 FI to FI payment cancellation
request (recall), merged into `schemas.codes.RULES`.

Modules: `translators/iso20022/pacs004.py`, `translators/iso20022/camt056.py` (DOMAIN §2.10, §4.3).
The XSD, group-count, money and BIC rules they share with pacs.008 are the `iso.*`, `money.*` and
`bic.invalid` rules of `schemas/codes.py`.
"""

from __future__ import annotations

from schemas.codes import RuleSpec

# ExternalStatusReason1Code entries these rules emit that schemas/codes.py does not list yet.
STATUS_REASONS: dict[str, str] = {
    "AM09": "amount is not the amount agreed or expected",
    "CH16": "element content is formally incorrect",
    "TM01": "received after the cut-off time or time limit",
}

RULES: dict[str, RuleSpec] = {
    "pacs004.duplicate_return_id": RuleSpec(
        "AM05", "a RtrId repeats within one pacs.004 (the later return is rejected)",
        "pacs.004.001.10 PmtRtr/TxInf/RtrId; ExternalStatusReason1Code AM05 (duplication)",
        "two TxInf with RtrId RTR-1"),
    "pacs004.reason_code": RuleSpec(
        "CH16", "the return reason is missing or not a return reason code the gateway knows (from version "
        ".08 the XSD checks only the length); a warning",
        "ExternalReturnReason1Code (pacs.004.001.10 TxInf/RtrRsnInf/Rsn/Cd); DOMAIN §2.10, §4.3",
        "RtrRsnInf/Rsn/Cd ZZ99"),
    "pacs004.original_currency": RuleSpec(
        "AM03", "the returned amount is in another currency than the original settlement amount",
        "pacs.004.001.10 TxInf/RtrdIntrBkSttlmAmt and OrgnlIntrBkSttlmAmt",
        "RtrdIntrBkSttlmAmt in USD for OrgnlIntrBkSttlmAmt in EUR"),
    "pacs004.amount_exceeds_original": RuleSpec(
        "AM09", "the returned amount is larger than the original settlement amount",
        "pacs.004.001.10 TxInf/RtrdIntrBkSttlmAmt; EPC SCT rulebook (a return never exceeds the original)",
        "RtrdIntrBkSttlmAmt 120.00 for OrgnlIntrBkSttlmAmt 100.00"),
    "rtrx.date": RuleSpec(
        "DT01", "a date is earlier than the original settlement it refers to (a return settled before the "
        "payment, a recall created before it)",
        "pacs.004.001.10 TxInf/IntrBkSttlmDt, camt.056.001.09 Assgnmt/CreDtTm against OrgnlIntrBkSttlmDt; "
        "DOMAIN §4.3", "IntrBkSttlmDt 2026-11-20 for OrgnlIntrBkSttlmDt 2026-11-24"),
    "rtrx.time_limit": RuleSpec(
        "TM01", "the R-transaction comes after the SEPA time limit (return: 3 business days after settlement; "
        "recall DUPL/TECH/FRAD: 10 business days; customer recall: 13 months); weekends are skipped, TARGET "
        "holidays are not; a warning", "EPC SCT rulebook R-transactions (DOMAIN §4.3)",
        "a pacs.004 settled 2026-12-01 for an original settled 2026-11-20"),
    "camt056.reason_code": RuleSpec(
        "CH16", "the cancellation reason is missing or outside the SEPA recall set DUPL, TECH, FRAD, AC03, AM09, "
        "CUST; a warning", "EPC SCT rulebook recall reasons; camt.056.001.09 TxInf/CxlRsnInf/Rsn/Cd "
        "(ExternalCancellationReason1Code); DOMAIN §4.3", "CxlRsnInf/Rsn/Cd COVR"),
    "camt056.duplicate_cancellation_id": RuleSpec(
        "AM05", "a CxlId repeats within one camt.056 (the later recall is rejected)",
        "camt.056.001.09 Undrlyg/TxInf/CxlId; ExternalStatusReason1Code AM05 (duplication)",
        "two TxInf with CxlId CXL-1"),
    "camt056.no_original_reference": RuleSpec(
        "CH21", "a recall names none of OrgnlInstrId, OrgnlEndToEndId, OrgnlTxId, OrgnlUETR: the payment "
        "cannot be found", "camt.056.001.09 PaymentTransaction120 (Orgnl* elements); DOMAIN §2.10",
        "a TxInf with only CxlId and CxlRsnInf"),
}
