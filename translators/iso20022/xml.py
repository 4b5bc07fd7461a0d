"""The one safe way into XML for the whole gateway (STYLE rule 19, ARCHITECTURE §5).

Every lxml parser is built here, with entity resolution, DTD loading, network access
and huge trees off. Before any parser sees the bytes, `prepare` enforces the size
limit, strips a UTF-8 BOM, re-encodes UTF-16/32 input as UTF-8 (DOMAIN §8.20) and
refuses any DOCTYPE or ENTITY declaration (DOMAIN §8.23). `stream_document` is the
pass-1 reader shared by ISO 20022 messages: it pull-parses in chunks, finds the
`Document` at any depth (e.g. beside a head.001 `AppHdr`, DOMAIN §2.8), validates
against the XSD in batches of records and prunes them, so memory stays bounded for
bulk files. Element paths in issues are relative to the message root
(`CdtTrfTxInf[2]/ChrgBr`), with 1-based indexes.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Final, TypeVar

from lxml import etree

from schemas.codes import RULES
from schemas.issues import Issue
from schemas.profiles import Limits

T = TypeVar("T")

XmlElement = Any  # lxml.etree._Element: lxml ships no type information (library edge)

_FORBIDDEN = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(r"""^(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_CHUNK: Final = 64 * 1024
MAX_PENDING_BYTES: Final = 16 * 1024 * 1024  # bytes parsed without a record boundary (memory bound)
EAGER_BYTES: Final = 2 * 1024 * 1024          # smaller documents are read whole in pass 2
_BOMS: Final = (  # longest first: the UTF-32 LE BOM starts like the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)
_UNMARKED_UTF16: Final = {b"<\x00?\x00": "utf-16-le", b"\x00<\x00?": "utf-16-be",
                          b"<\x00\x00\x00": "utf-32-le", b"\x00\x00\x00<": "utf-32-be"}


def _issue(rule: str, path: str, message: str) -> Issue:
    return Issue(code=RULES[rule].code, rule=rule, path=path, message=message)


def _parser_options() -> dict[str, bool]:
    return {"resolve_entities": False, "no_network": True, "load_dtd": False,
            "huge_tree": False, "dtd_validation": False, "remove_blank_text": False}


def _pull_parser(events: tuple[str, ...], tags: tuple[str, ...] | None) -> Any:
    return etree.XMLPullParser(events=events, tag=tags, **_parser_options())


@dataclass(frozen=True)
class Prepared:
    """Bytes a parser may see (UTF-8 or an ASCII-compatible declared encoding), or why not."""

    data: bytes
    issues: tuple[Issue, ...] = ()


def normalise_encoding(data: bytes) -> bytes:
    """Strip a UTF-8 BOM; re-encode UTF-16/UTF-32 as UTF-8 with a matching declaration.

    Raises UnicodeDecodeError when the bytes are not what their BOM or shape claims.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:]
    codec = next((name for bom, name in _BOMS if data.startswith(bom)), None) or _UNMARKED_UTF16.get(data[:4])
    if codec is None:
        return data
    text = data.decode(codec).removeprefix("\ufeff")
    return _DECLARED_ENCODING.sub(lambda m: f"{m.group(1)}{m.group(2)}UTF-8{m.group(2)}", text, 1).encode()


def prepare(data: bytes, limits: Limits) -> Prepared:
    """Size limit, encoding, and no DOCTYPE/ENTITY declaration: the gate before any parser."""
    if len(data) > limits.max_bytes:
        return Prepared(b"", (_issue("xml.limit", "", f"the document has {len(data):,} bytes; "
                                     f"the limit is {limits.max_bytes:,}"),))
    try:
        text = normalise_encoding(data)
    except UnicodeDecodeError as exc:
        return Prepared(b"", (_issue("xml.not_well_formed", f"byte {exc.start}",
                                     f"the document is not valid {exc.encoding}: {exc.reason}"),))
    found = _FORBIDDEN.search(text) if b"<!" in text else None
    if found is not None:
        line = text.count(b"\n", 0, found.start()) + 1
        return Prepared(b"", (_issue("xml.forbidden_construct", f"line {line}",
                                     "DOCTYPE and ENTITY declarations are refused: "
                                     "the gateway never processes DTDs"),))
    return Prepared(text)


def syntax_issue(exc: etree.XMLSyntaxError) -> Issue:
    """A parser error as an issue; a libxml2 resource limit (depth 256, huge text) is `xml.limit`."""
    line, column = exc.position if exc.position else (0, 0)
    where = f"line {line}, column {column}"
    text = (exc.msg or "malformed XML").split(f", {where}")[0]
    if exc.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
        return _issue("xml.limit", where, f"the document exceeds a parser limit: {text}")
    return _issue("xml.not_well_formed", where, f"the document is not well-formed XML: {text}")


def local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def namespace_of(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


_probes = threading.local()  # compiled XPath objects are not shared between threads


def too_deep(element: XmlElement, max_depth: int) -> bool:
    """Whether the element's tree nests deeper than `max_depth` elements (evaluated in C)."""
    probes: dict[int, Any] = _probes.__dict__.setdefault("by_depth", {})
    probe = probes.get(max_depth)
    if probe is None:
        probe = probes[max_depth] = etree.XPath("boolean(/" + "/".join(["*"] * (max_depth + 1)) + ")")
    return bool(probe(element))


def depth_issue(max_depth: int) -> Issue:
    return _issue("xml.limit", "", f"the document nests elements deeper than {max_depth} levels")


class _Pull:
    """Feed bytes to a pull parser chunk by chunk; a parse error or the pending-bytes bound
    ends the iteration with an issue in `issues` instead of an exception."""

    def __init__(self, data: bytes, events: tuple[str, ...], tags: tuple[str, ...] | None,
                 chunk: int = _CHUNK) -> None:
        self.data, self.events, self.tags, self.chunk = data, events, tags, chunk
        self.issues: list[Issue] = []
        self.fed = 0
        self.marked = 0

    def mark(self) -> None:
        """A record ended here: everything parsed so far may be pruned by the consumer."""
        self.marked = self.fed

    def __iter__(self) -> Iterator[tuple[str, XmlElement]]:
        parser = _pull_parser(self.events, self.tags)
        try:
            for start in range(0, len(self.data), self.chunk):
                parser.feed(self.data[start:start + self.chunk])
                self.fed = min(start + self.chunk, len(self.data))
                yield from parser.read_events()
                if self.fed - self.marked > MAX_PENDING_BYTES:
                    self.issues.append(_issue(
                        "xml.limit", f"byte {self.fed}",
                        f"more than {MAX_PENDING_BYTES:,} bytes without a record boundary"))
                    return
            parser.close()
            yield from parser.read_events()
        except etree.XMLSyntaxError as exc:
            self.issues.append(syntax_issue(exc))
            yield from parser.read_events()  # what was parsed before the error (for sniffing)


@dataclass(frozen=True)
class DocumentLocation:
    """Where the ISO 20022 `Document` sits: its namespace, and whether something wraps it."""

    namespace: str
    wrapped: bool
    app_header: bool


def locate_document(data: bytes) -> DocumentLocation | Issue | None:
    """Find the first `Document` element (any depth) by reading only as far as needed.

    `data` must come from `prepare`. None: well-formed so far but no `Document` element.
    """
    pull = _Pull(data, ("start",), None, chunk=1024)
    app_header = False
    for _, element in pull:
        name = local_name(element.tag)
        app_header = app_header or name == "AppHdr"
        if name == "Document":
            return DocumentLocation(namespace_of(element.tag), element.getparent() is not None, app_header)
    return pull.issues[0] if pull.issues else None


def parse_tree(data: bytes, limits: Limits) -> tuple[XmlElement, list[Issue]]:
    """Parse a small document whole (status reports, samples): root element or issues."""
    prepared = prepare(data, limits)
    if prepared.issues:
        return None, list(prepared.issues)
    try:
        root = etree.fromstring(prepared.data, etree.XMLParser(**_parser_options()))
    except etree.XMLSyntaxError as exc:
        return None, [syntax_issue(exc)]
    if too_deep(root, limits.max_depth):
        return None, [depth_issue(limits.max_depth)]
    return root, []


# --- XSD errors as issues ---------------------------------------------------------------

_STEP = re.compile(r"([^/\[]+)(?:\[(\d+)\])?")
_NAMESPACES = re.compile(r"\{[^}]*\}")
_PHRASES: Final = (
    (re.compile(r"This element is not expected\. Expected is one of \( (.*) \)\."),
     r"the element is not expected here; expected one of: \1."),
    (re.compile(r"This element is not expected\. Expected is \( (.*) \)\."),
     r"the element is not expected here; expected \1."),
    (re.compile(r"Missing child element\(s\)\. Expected is one of \( (.*) \)\."),
     r"a mandatory child element is missing; expected one of: \1."),
    (re.compile(r"Missing child element\(s\)\. Expected is \( (.*) \)\."),
     r"a mandatory child element is missing: \1."),
    (re.compile(r"\[facet '\w+'\] "), ""),
    (re.compile(r" of the atomic type '([^']*)'"), r" for type \1"),
)


def _resolve(document: XmlElement, error_path: str) -> XmlElement:
    """The element a libxml2 error path (`/*/*/*[2]/*[5]` or `/p:Document/...`) points at."""
    element = document
    for step in error_path.strip("/").split("/")[1:]:
        found = _STEP.fullmatch(step)
        if found is None or element is None:
            return None
        name, position = found.group(1), int(found.group(2) or 1)
        wanted = None if name == "*" else name.rpartition(":")[2]
        children = (c for c in element.iterchildren(etree.Element)
                    if wanted is None or local_name(c.tag) == wanted)
        element = next(islice(children, position - 1, None), None)
    return element


def element_path(element: XmlElement, message: XmlElement, record: str, pruned: int) -> str:
    """`CdtTrfTxInf[3]/CdtrAcct/Id/IBAN`: relative to the message root; `pruned` records
    already dropped from the tree count toward the record index."""
    steps: list[str] = []
    while element is not None and element is not message:
        parent = element.getparent()
        name = local_name(element.tag)
        if parent is None:
            return name
        siblings = [c for c in parent.iterchildren(element.tag)]
        if element.tag == record:
            steps.append(f"{name}[{siblings.index(element) + 1 + pruned}]")
        elif len(siblings) > 1:
            steps.append(f"{name}[{siblings.index(element) + 1}]")
        else:
            steps.append(name)
        element = parent
    return "/".join(reversed(steps)) or local_name(message.tag)


def schema_issue(entry: Any, document: XmlElement, message: XmlElement, record: str, pruned: int) -> Issue:
    """One lxml schema error-log entry as an `iso.xsd` issue with a readable sentence."""
    element = _resolve(document, entry.path or "")
    path = element_path(element, message, record, pruned) if element is not None else ""
    text = _NAMESPACES.sub("", entry.message)
    subject, _, detail = text.partition(": ")
    for pattern, replacement in _PHRASES:
        detail = pattern.sub(replacement, detail)
    subject = subject.removeprefix("Element ").replace("'", "")
    line = f" (line {entry.line})" if entry.line else ""
    # the path already names the element; repeat it in the sentence only when it says more
    named = path.rsplit("/", 1)[-1].split("[", 1)[0] == subject.split("/", 1)[0]
    return _issue("iso.xsd", path, f"{detail}{line}" if named and detail else f"{subject}: {detail}{line}")


# --- streaming passes ---------------------------------------------------------------------

@dataclass
class StreamedDocument:
    """Pass-1 result: the Document element with its records pruned (header kept), or issues."""

    namespace: str | None = None
    document: XmlElement = None
    message: XmlElement = None
    records: int = 0
    issues: list[Issue] = field(default_factory=list)
    complete: bool = False               # the whole document was read (counts and sums are final)


class _Validator:
    """Validates batches of records and then the rest of the document, collecting issues."""

    def __init__(self, schema: Any, result: StreamedDocument, record: str, max_issues: int) -> None:
        self.schema, self.result, self.record, self.max_issues = schema, result, record, max_issues
        self.seen: set[tuple[str, str]] = set()

    def __call__(self, document: XmlElement, message: XmlElement, pruned: int) -> bool:
        """Validate `document`; False once the issue cap is reached."""
        if self.schema is None or self.schema.validate(document):
            return True
        for entry in self.schema.error_log:
            issue = schema_issue(entry, document, message, self.record, pruned)
            if (issue.path, issue.message) not in self.seen:
                self.seen.add((issue.path, issue.message))
                self.result.issues.append(issue)
            if len(self.result.issues) >= self.max_issues:
                return False
        return True


class _Batch:
    """Completed records moved out of the tree the parser is still building, under a copy
    of the group header, so a batch is validated without the half-parsed record that
    follows it (the parser reads ahead of the events it has handed over)."""

    def __init__(self, document: XmlElement, message: XmlElement, record: str) -> None:
        self.document = etree.Element(document.tag, nsmap=document.nsmap)
        self.message = etree.SubElement(self.document, message.tag)
        first = next(message.iterchildren(etree.Element), None)
        if first is not None and first.tag != record:
            self.message.append(deepcopy(first))
        self.kept = len(self.message)
        self.record = record
        self.depth = sum(1 for _ in document.iterancestors())

    def take(self, last: XmlElement) -> int:
        """Move `last` and the records before it into the batch; how many were moved."""
        records = [*reversed(list(last.itersiblings(self.record, preceding=True))), last]
        for element in records:
            self.message.append(element)
        return len(records)

    def clear(self) -> None:
        for element in self.message[self.kept:]:
            self.message.remove(element)


def stream_document(data: bytes, *, record: str, limits: Limits, schema: Any,
                    on_record: Callable[[XmlElement, int], None],
                    max_issues: int = 100, batch: int = 256) -> StreamedDocument:
    """Pass 1: find the Document, call `on_record(element, index)` for each `record` element
    (local name, a child of the message root), validate against `schema` (when given) in
    batches of records that are then dropped, and at the end validate what remains (group
    header, last records). `data` must come from `prepare`."""
    result = StreamedDocument()
    pull = _Pull(data, ("start", "end"), ("{*}Document", "{*}" + record))
    qualified = ""
    validate = _Validator(schema, result, qualified, max_issues)
    moved = pending = 0
    batched: _Batch | None = None
    for event, element in pull:
        if result.document is None:
            if event == "start" and local_name(element.tag) == "Document":
                result.document, result.namespace = element, namespace_of(element.tag)
                validate.record = qualified = f"{{{result.namespace}}}{record}"
            continue
        if event != "end" or element.tag != qualified:
            continue
        parent = element.getparent()
        if parent is None or parent.getparent() is not result.document:
            continue
        result.message = parent
        result.records += 1
        if result.records > limits.max_transactions:
            result.issues.append(_issue("xml.limit", f"{record}[{result.records}]",
                                        f"more than {limits.max_transactions:,} {record} elements"))
            return result
        on_record(element, result.records)
        pending += 1
        if pending >= batch:
            batched = batched or _Batch(result.document, parent, qualified)
            count = batched.take(element)
            if too_deep(batched.document, max(1, limits.max_depth - batched.depth)):
                result.issues.append(depth_issue(limits.max_depth))
                return result
            if not validate(batched.document, batched.message, moved):
                return result
            batched.clear()
            moved += count
            pending = 0
            pull.mark()
    if pull.issues or result.document is None:
        result.issues.extend(pull.issues)
        return result
    if too_deep(result.document, limits.max_depth):
        result.issues.append(depth_issue(limits.max_depth))
        return result
    if result.message is None and len(result.document):
        result.message = result.document[0]
    validate(result.document, result.message, moved)
    result.complete = True
    return result


def iter_records(data: bytes, *, record: str) -> Iterator[XmlElement]:
    """Pass 2: yield each `record` element (local name) that is a child of the message root,
    freeing it once the consumer moves on. `data` must already have passed pass 1."""
    pull = _Pull(data, ("end",), ("{*}" + record,))
    for _, element in pull:
        parent = element.getparent()
        grandparent = parent.getparent() if parent is not None else None
        if grandparent is None or local_name(grandparent.tag) != "Document":
            continue
        yield element
        pull.mark()
        element.clear()
        for sibling in [*element.itersiblings(preceding=True)][:-1]:
            parent.remove(sibling)
        parent.remove(element)


def validate_bytes(data: bytes, schema: Any, *, limits: Limits | None = None,
                   max_issues: int = 100) -> list[Issue]:
    """Errors of a whole (small) document: parse errors, or `iso.xsd` against `schema`.

    Empty when valid, and when `schema` is None (nothing to validate against).
    """
    root, issues = parse_tree(data, limits or Limits())
    if issues or schema is None:
        return issues
    document = root if local_name(root.tag) == "Document" else next(root.iter("{*}Document"), root)
    if schema.validate(document):
        return []
    message = document[0] if len(document) else document
    return [schema_issue(entry, document, message, "", 0) for entry in islice(schema.error_log, max_issues)]


def confined(produce: Callable[[], Iterator[T]], *, size: int) -> Iterator[T]:
    """Iterate `produce()` so that its lxml objects never cross threads, whichever thread
    resumes the iterator: small inputs (`size` bytes) are read whole on the first `next()`,
    large ones in a dedicated thread (`thread_confined`)."""
    return _all_at_once(produce) if size <= EAGER_BYTES else thread_confined(produce)


def _all_at_once(produce: Callable[[], Iterator[T]]) -> Iterator[T]:
    yield from list(produce())


def thread_confined(produce: Callable[[], Iterator[T]], *, batch: int = 256,
                    buffered: int = 4) -> Iterator[T]:
    """Run `produce()` in one dedicated thread and hand its items over in batches.

    lxml parsers and trees must stay in the thread that made them, but the consumer of
    a reading (intake) may resume the iterator from any worker thread. At most
    `batch * buffered` items wait in between, so memory stays bounded.
    """
    handover: queue.Queue[tuple[list[T], BaseException | None, bool]] = queue.Queue(maxsize=buffered)
    stop = threading.Event()

    def put(item: tuple[list[T], BaseException | None, bool]) -> bool:
        while not stop.is_set():
            try:
                handover.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        pending: list[T] = []
        try:
            for item in produce():
                pending.append(item)
                if len(pending) >= batch:
                    if not put((pending, None, False)):
                        return
                    pending = []
        except BaseException as exc:  # handed to the consumer, raised there
            put((pending, exc, True))
            return
        put((pending, None, True))

    worker = threading.Thread(target=run, name="xml-reader", daemon=True)
    worker.start()
    try:
        while True:
            items, failure, last = handover.get()
            yield from items
            if failure is not None:
                raise failure
            if last:
                return
    finally:
        stop.set()
