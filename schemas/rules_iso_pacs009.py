"""Rules of pacs.009 (FI credit transfer, core and COV) and of the head.001 Business Application
Header, merged into `schemas.codes.RULES`.

Modules: `translators/iso20022/pacs009.py`, `translators/iso20022/apphdr.py`. The group-header,
XSD, money, BIC and IBAN rules pacs.009 shares with pacs.008 are the `iso.*`, `money.*`,
`bic.invalid` and `iban.invalid` rules of `schemas/codes.py`.
"""

from __future__ import annotations

from schemas.codes import RuleSpec

RULES: dict[str, RuleSpec] = {
    "pacs009.duplicate_id": RuleSpec(
        "AM05", "an InstrId, TxId or UETR repeats within one pacs.009 (the later transaction is rejected)",
        "pacs.009.001.09 CdtTrfTxInf/PmtId; ExternalStatusReason1Code AM05 (duplication)",
        "two CdtTrfTxInf with PmtId/InstrId FX-1"),
    "apphdr.missing_element": RuleSpec(
        "CH21", "the Business Application Header lacks an element the gateway needs: Fr and To with a BICFI, "
        "BizMsgIdr, MsgDefIdr, CreDt", "head.001.001.02 BusinessApplicationHeaderV02 (Fr, To, BizMsgIdr, "
        "MsgDefIdr, CreDt 1..1); CBPR+ (Fr/To by BICFI)", "<AppHdr> without <BizMsgIdr>"),
    "apphdr.message_definition": RuleSpec(
        "FF01", "AppHdr/MsgDefIdr does not name the message the Document carries",
        "head.001.001.02 AppHdr/MsgDefIdr (DOMAIN §2.8)", "MsgDefIdr pacs.008.001.08 over a pacs.009.001.08"),
    "apphdr.business_message_id": RuleSpec(
        "FF01", "AppHdr/BizMsgIdr differs from the Document's GrpHdr/MsgId",
        "CBPR+ usage guideline: BizMsgIdr equals GrpHdr/MsgId (DOMAIN §2.8)", "BizMsgIdr B-1 with MsgId M-1"),
    "apphdr.party_mismatch": RuleSpec(
        "RC01", "AppHdr Fr or To is not the instructing or instructed agent of the transactions",
        "CBPR+ usage guideline: InstgAgt/InstdAgt match the BAH From/To (DOMAIN §2.9)",
        "Fr BICFI DEUTDEFF with CdtTrfTxInf/InstgAgt COBADEFF"),
}
