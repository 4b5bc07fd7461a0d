"""Rules of pain.008 customer direct debit initiation and of the SEPA direct debit schemes,
merged into `schemas.codes.RULES`.

Modules: `translators/iso20022/pain008.py`, `pain008_collection.py`. IBAN, BIC, money and
XSD rules are the shared `iban.invalid`, `bic.invalid`, `money.*` and `iso.*` rules.
"""

from __future__ import annotations

from schemas.codes import RuleSpec

# ExternalStatusReason1Code (ISO 20022 external code sets), paraphrased.
STATUS_REASONS: dict[str, str] = {
    "CH16": "element content is formally incorrect",
    "DU02": "payment information identification is not unique",
    "FF03": "payment type information is missing or invalid",
    "FF05": "local instrument code is missing or invalid",
    "MD01": "no mandate",
    "MD02": "mandatory information in the mandate is missing or incorrect",
}

RULES: dict[str, RuleSpec] = {
    "pain008.nb_of_txs": RuleSpec(
        "AM18", "GrpHdr/NbOfTxs differs from the number of DrctDbtTxInf in the whole file",
        "pain.008.001.08 GroupHeader83/NbOfTxs", "NbOfTxs=3 with two DrctDbtTxInf"),
    "pain008.ctrl_sum": RuleSpec(
        "AM10", "GrpHdr/CtrlSum differs from the sum of all instructed amounts in the file",
        "pain.008.001.08 GroupHeader83/CtrlSum", "CtrlSum=100.00 for 60.00 + 50.00"),
    "pain008.pmt_inf_nb_of_txs": RuleSpec(
        "AM18", "PmtInf/NbOfTxs differs from the number of DrctDbtTxInf in that block (rejects the block's "
        "collections)", "pain.008.001.08 PaymentInstruction29/NbOfTxs", "PmtInf NbOfTxs=2 with one DrctDbtTxInf"),
    "pain008.pmt_inf_ctrl_sum": RuleSpec(
        "AM10", "PmtInf/CtrlSum differs from the sum of the block's instructed amounts (rejects the block's "
        "collections)", "pain.008.001.08 PaymentInstruction29/CtrlSum", "PmtInf CtrlSum=10.00 for 4.00 + 5.00"),
    "pain008.duplicate_pmt_inf_id": RuleSpec(
        "DU02", "PmtInf/PmtInfId repeats within the file (rejects the later block's collections)",
        "pain.008.001.08 PaymentInstruction29/PmtInfId", "two PmtInf with PmtInfId B1"),
    "pain008.duplicate_instr_id": RuleSpec(
        "AM05", "PmtId/InstrId repeats within the file", "pain.008.001.08 DrctDbtTxInf/PmtId/InstrId",
        "two collections with InstrId A1"),
    "pain008.duplicate_end_to_end_id": RuleSpec(
        "AM05", "PmtId/EndToEndId repeats within the file: the same debtor would be debited twice",
        "pain.008.001.08 DrctDbtTxInf/PmtId/EndToEndId; EPC SDD rulebook AT-10", "two collections with EndToEndId E1"),
    "pain008.more_issues": RuleSpec(
        "NARR", "the file has more collection errors than a document reading lists; the rest are counted",
        "gateway intake (bounded issue lists, STYLE rule 18)", "5,000 collections with a bad IBAN"),
    "sdd.mandate_id": RuleSpec(
        "MD01", "the collection has no mandate id (DrctDbtTx/MndtRltdInf/MndtId)",
        "EPC SDD Core/B2B rulebook AT-01 (unique mandate reference)", "a DrctDbtTxInf without DrctDbtTx"),
    "sdd.mandate_signature_date": RuleSpec(
        "MD02", "the mandate has no date of signature (MndtRltdInf/DtOfSgntr)",
        "EPC SDD Core/B2B rulebook AT-25 (date of signing of the mandate)", "<MndtRltdInf><MndtId>M1</MndtId>"),
    "sdd.mandate_date_order": RuleSpec(
        "DT01", "the mandate is signed after the requested collection date",
        "EPC SDD Core/B2B rulebook AT-25 and AT-11 (due date)", "DtOfSgntr 2026-03-01, ReqdColltnDt 2026-02-01"),
    "sdd.mandate_amendment": RuleSpec(
        "MD02", "AmdmntInd is true but AmdmntInfDtls is missing",
        "EPC SDD Core/B2B rulebook AT-24 (reason for amendment of the mandate)", "<AmdmntInd>true</AmdmntInd> alone"),
    "sdd.sequence_type": RuleSpec(
        "FF03", "the sequence type (PmtTpInf/SeqTp) is missing or not FRST, RCUR, OOFF or FNAL (RPRE is "
        "schema-valid from .08 but not a SEPA sequence type)", "EPC SDD Core/B2B rulebook AT-21",
        "<SeqTp>RPRE</SeqTp>"),
    "sdd.local_instrument": RuleSpec(
        "FF05", "the local instrument (PmtTpInf/LclInstrm/Cd) is not CORE or B2B",
        "EPC SDD Core / SDD B2B implementation guidelines (LclInstrm)", "<LclInstrm><Cd>COR1</Cd></LclInstrm>"),
    "sdd.creditor_scheme_id": RuleSpec(
        "CH21", "no creditor identifier (CdtrSchmeId) at PmtInf or transaction level",
        "EPC SDD Core/B2B rulebook AT-02 (identifier of the creditor)", "a PmtInf without CdtrSchmeId"),
    "sdd.creditor_identifier": RuleSpec(
        "CH16", "a SEPA creditor identifier (SchmeNm/Prtry SEPA) is malformed or its check digits are wrong",
        "EPC262-08 Creditor Identifier overview (ISO 7064 mod 97-10)", "DE99ZZZ09999999999"),
}
