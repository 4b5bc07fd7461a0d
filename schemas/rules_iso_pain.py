"""Rules of pain.001 customer credit transfer initiation, merged into `schemas.codes.RULES`.

Module: `translators/iso20022/pain001.py`. Element paths: DOMAIN §2.5; totals: DOMAIN §8.15.
"""

from __future__ import annotations

from schemas.codes import RuleSpec

STATUS_REASONS: dict[str, str] = {
    "DU02": "payment information identification is not unique",
    "FF03": "payment type information is missing or invalid",
}

RULES: dict[str, RuleSpec] = {
    "pain.nb_of_txs": RuleSpec(
        "AM18", "GrpHdr/NbOfTxs differs from the number of CdtTrfTxInf in the whole file",
        "pain.001 GrpHdr/NbOfTxs (DOMAIN §2.5, §8.15)", "NbOfTxs=3 with two CdtTrfTxInf"),
    "pain.ctrl_sum": RuleSpec(
        "AM10", "GrpHdr/CtrlSum differs from the sum of all instructed amounts in the file",
        "pain.001 GrpHdr/CtrlSum (DOMAIN §2.5, §8.15)", "CtrlSum=100.00 for 60.00 + 50.00"),
    "pain.pmt_inf_nb_of_txs": RuleSpec(
        "AM18", "PmtInf/NbOfTxs differs from the number of CdtTrfTxInf in that payment information block "
        "(rejects the block's transactions)", "pain.001 PmtInf/NbOfTxs (DOMAIN §2.5, §8.15)",
        "PmtInf NbOfTxs=2 with one CdtTrfTxInf"),
    "pain.pmt_inf_ctrl_sum": RuleSpec(
        "AM10", "PmtInf/CtrlSum differs from the sum of the block's instructed amounts (rejects the block's "
        "transactions)", "pain.001 PmtInf/CtrlSum (DOMAIN §2.5, §8.15)", "PmtInf CtrlSum=10.00 for 4.00 + 5.00"),
    "pain.duplicate_pmt_inf_id": RuleSpec(
        "DU02", "PmtInf/PmtInfId repeats within the file (rejects the later block's transactions)",
        "pain.001 PmtInf/PmtInfId (DOMAIN §2.5)", "two PmtInf with PmtInfId B1"),
    "pain.duplicate_instr_id": RuleSpec(
        "AM05", "PmtId/InstrId repeats within the file", "pain.001 CdtTrfTxInf/PmtId/InstrId (DOMAIN §8.14)",
        "two transactions with InstrId A1"),
    "pain.duplicate_end_to_end_id": RuleSpec(
        "AM05", "PmtId/EndToEndId repeats within the file (warning: customers may reuse them)",
        "pain.001 CdtTrfTxInf/PmtId/EndToEndId (DOMAIN §8.14)", "two transactions with EndToEndId E1"),
    "pain.equivalent_amount": RuleSpec(
        "CH17", "the transaction gives Amt/EqvtAmt (an amount to convert into another currency), which the "
        "gateway does not process: only Amt/InstdAmt", "pain.001 CdtTrfTxInf/Amt (AmountType3/4Choice)",
        "<Amt><EqvtAmt><Amt Ccy=\"USD\">10.00</Amt><CcyOfTrf>EUR</CcyOfTrf></EqvtAmt></Amt>"),
    "pain.payment_method": RuleSpec(
        "FF03", "PmtInf/PmtMtd is CHK (cheque): the gateway processes credit transfers (TRF, TRA) only",
        "pain.001 PmtInf/PmtMtd, PaymentMethod3Code (DOMAIN §2.5)", "<PmtMtd>CHK</PmtMtd>"),
    "pain.creditor_missing": RuleSpec(
        "CH21", "the transaction has no Cdtr (optional in the XSD for cheques, needed for a credit transfer)",
        "pain.001 CdtTrfTxInf/Cdtr (DOMAIN §2.5)", "a CdtTrfTxInf without Cdtr"),
}
