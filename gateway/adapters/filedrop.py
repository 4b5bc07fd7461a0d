"""File-drop ingress: a folder per sender, claimed by atomic rename, archived after the confirm.

    <drop>/<sender>/inbox/        the sender writes files here (or writes `*.part` and renames)
    <drop>/<sender>/processing/   claimed files: renamed here first, so two gateways never take one
    <drop>/<sender>/archive/DATE/ moved here only after the broker confirmed the publish
    <drop>/<sender>/rejected/     unreadable or oversized files, each with a `.reason.json`
    <drop>/<sender>/reports/      the status reports (pacs.002) for this sender's documents

A file is claimed only once its size and modification time have not changed for
`stable_for` seconds, so a file still being written is not picked up half-way. A crash
leaves the file in `processing/`, from where it is published again at start-up with the
same document id (intake treats that as a redelivery, not a duplicate).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gateway.broker import (
    H_CHANNEL,
    H_DOCUMENT_ID,
    H_FILE_NAME,
    H_RECEIVED_AT,
    H_SENDER,
    H_SHA256,
    SENDER_PATTERN,
    Publisher,
)
from gateway.observability import log_event
from gateway.outcomes import Publish
from gateway.topology import Names
from schemas.canonical import stable_id

INBOX, PROCESSING, ARCHIVE, REJECTED, REPORTS = "inbox", "processing", "archive", "rejected", "reports"
IGNORED_SUFFIXES = (".part", ".tmp", ".partial", ".filepart", ".crdownload")
CLAIM_SEPARATOR = "--"


def sender_folders(root: Path, sender: str) -> dict[str, Path]:
    base = root / sender
    return {name: base / name for name in (INBOX, PROCESSING, ARCHIVE, REJECTED, REPORTS)}


def ensure_sender(root: Path, sender: str) -> dict[str, Path]:
    folders = sender_folders(root, sender)
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return folders


def original_name(claim_name: str) -> str:
    return claim_name.split(CLAIM_SEPARATOR, 1)[1] if CLAIM_SEPARATOR in claim_name else claim_name


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    stable_since: float


class FileDropAdapter:
    def __init__(self, root: Path, names: Names, publisher: Publisher, *, poll_interval: float,
                 stable_for: float, max_bytes: int) -> None:
        self.root = root
        self.names = names
        self.publisher = publisher
        self.poll_interval = poll_interval
        self.stable_for = stable_for
        self.max_bytes = max_bytes
        self._seen: dict[Path, _Seen] = {}

    async def run(self, stop: asyncio.Event) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        await self.resume()
        log_event("filedrop.started", root=str(self.root))
        while not stop.is_set():
            try:
                await self.scan_once()
            except Exception as exc:  # a broken scan must not stop the adapter; the next one retries
                log_event("filedrop.scan_failed", level=logging.WARNING, error=f"{type(exc).__name__}: {exc}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.poll_interval)

    def senders(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and SENDER_PATTERN.match(p.name))

    async def resume(self) -> None:
        """Publish again what a crash left claimed but not archived (same document id)."""
        for sender in self.senders():
            processing = sender_folders(self.root, sender)[PROCESSING]
            if processing.is_dir():
                for path in sorted(processing.iterdir()):
                    if path.is_file() and not path.name.startswith("."):
                        await self.process(sender, path)

    async def scan_once(self) -> int:
        """Claim and publish every stable file; returns how many were taken."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        taken = 0
        present: set[Path] = set()
        for sender in self.senders():
            folders = ensure_sender(self.root, sender)
            with os.scandir(folders[INBOX]) as entries:
                candidates = [e for e in entries if e.is_file(follow_symlinks=False)
                              and not e.name.startswith(".") and not e.name.endswith(IGNORED_SUFFIXES)]
            for entry in sorted(candidates, key=lambda e: e.name):
                path = Path(entry.path)
                present.add(path)
                try:
                    stat = entry.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue
                seen = self._seen.get(path)
                if seen is None or (seen.size, seen.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                    self._seen[path] = _Seen(stat.st_size, stat.st_mtime_ns, now)
                    if self.stable_for > 0:
                        continue
                elif now - seen.stable_since < self.stable_for:
                    continue
                claimed = self.claim(path, folders[PROCESSING])
                self._seen.pop(path, None)
                if claimed is not None:
                    await self.process(sender, claimed)
                    taken += 1
        for gone in set(self._seen) - present:
            self._seen.pop(gone, None)
        return taken

    def claim(self, path: Path, processing: Path) -> Path | None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")
        target = processing / f"{stamp}-{secrets.token_hex(4)}{CLAIM_SEPARATOR}{path.name}"
        try:
            os.rename(path, target)        # atomic: exactly one claimant wins
        except FileNotFoundError:
            return None                    # another gateway process took it
        return target

    async def process(self, sender: str, claimed: Path) -> None:
        folders = ensure_sender(self.root, sender)
        try:
            size = claimed.stat().st_size
            if size > self.max_bytes:
                self.reject(claimed, folders[REJECTED], "FF01", "intake.too_large",
                            f"the file has {size} bytes, above the limit of {self.max_bytes}")
                return
            data = await asyncio.to_thread(claimed.read_bytes)
        except OSError as exc:
            self.reject(claimed, folders[REJECTED], "FF01", "filedrop.unreadable",
                        f"the file cannot be read: {exc.strerror or exc}")
            return
        document_id = stable_id("document", "filedrop", sender, claimed.name)
        digest = hashlib.sha256(data).hexdigest()
        await self.publisher.publish(Publish(
            exchange=self.names.ingress, routing_key=sender, body=data, message_id=document_id,
            type="raw-document", content_type="application/octet-stream",
            headers={H_SENDER: sender, H_CHANNEL: "filedrop", H_FILE_NAME: original_name(claimed.name),
                     H_DOCUMENT_ID: document_id, H_SHA256: digest, H_RECEIVED_AT: _claimed_at(claimed)},
        ))
        archive = folders[ARCHIVE] / datetime.now(UTC).strftime("%Y-%m-%d")
        archive.mkdir(parents=True, exist_ok=True)
        os.replace(claimed, archive / claimed.name)
        log_event("filedrop.file_published", sender=sender, document_id=document_id,
                  file=original_name(claimed.name), bytes=len(data))

    def reject(self, claimed: Path, rejected: Path, code: str, rule: str, message: str) -> None:
        rejected.mkdir(parents=True, exist_ok=True)
        target = rejected / claimed.name
        with contextlib.suppress(OSError):
            os.replace(claimed, target)
        reason = {"file": original_name(claimed.name), "code": code, "rule": rule, "message": message,
                  "at": datetime.now(UTC).isoformat()}
        (rejected / f"{claimed.name}.reason.json").write_text(json.dumps(reason, indent=2) + "\n", encoding="utf-8")
        log_event("filedrop.file_rejected", level=logging.WARNING, file=original_name(claimed.name), rule=rule)


def _claimed_at(claimed: Path) -> str:
    """The claim time, from the claim name's stamp (stable when a crash makes us publish again)."""
    stamp = claimed.name.split("-", 1)[0]
    try:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC).isoformat()
    except ValueError:
        return datetime.now(UTC).isoformat()
