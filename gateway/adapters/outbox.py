"""Writing files that others pick up (rail outboxes, senders' report folders): all or nothing.

A batch of files is written under temporary names, made durable, then renamed into place
and the folders' entries made durable: a reader (or a crash) sees a whole file or none,
never a part, and a file is durable before the message that produced it is acked.

Making the data durable costs a journal commit per `fsync`; `syncfs` (Linux) makes a
whole batch durable with one flush of the file system instead, which is much cheaper when
the outbox has a file system of its own (on a shared one it also flushes the neighbours'
dirty pages, which is harmless but does extra I/O).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gateway.config import SyncMethod


@dataclass(frozen=True)
class OutboundFile:
    folder: Path
    name: str
    data: bytes


def _load_syncfs() -> object | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.syncfs
    except (OSError, AttributeError):
        return None


_SYNCFS = _load_syncfs()


_sequence = itertools.count()


def temporary_name(name: str) -> str:
    """Unique per write, even for two batches of one process writing the same file at once
    (a redelivered message can be in flight twice); the pid tells whose it is after a crash."""
    return f".{name}.{os.getpid()}-{next(_sequence)}.tmp"


def write_batch(files: Sequence[OutboundFile], sync: SyncMethod = "syncfs") -> None:
    """Write every file atomically and durably (per `sync`); raises OSError (e.g. ENOSPC)
    before any file of the batch is renamed into place."""
    if not files:
        return
    folders = {f.folder for f in files}
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    temporaries = []
    try:
        for item in files:
            temporary = item.folder / temporary_name(item.name)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            temporaries.append(temporary)
            try:
                view = memoryview(item.data)
                while view:
                    view = view[os.write(descriptor, view):]
                if sync == "fsync" or (sync == "syncfs" and _SYNCFS is None):
                    os.fsync(descriptor)
            finally:
                os.close(descriptor)
        if sync == "syncfs" and _SYNCFS is not None:
            _sync_file_systems(folders)
    except BaseException:
        for temporary in temporaries:
            with contextlib.suppress(OSError):
                temporary.unlink()
        raise
    for item, temporary in zip(files, temporaries, strict=True):
        os.replace(temporary, item.folder / item.name)
    if sync != "none":
        for folder in folders:
            sync_folder(folder)


def _sync_file_systems(folders: set[Path]) -> None:
    """One `syncfs` per file system the folders live on."""
    seen: set[int] = set()
    for folder in folders:
        device = folder.stat().st_dev
        if device in seen:
            continue
        seen.add(device)
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            if _SYNCFS(descriptor) != 0:  # type: ignore[operator]  # ctypes function
                error = ctypes.get_errno()
                raise OSError(error, os.strerror(error), str(folder))
        finally:
            os.close(descriptor)


def sync_folder(folder: Path) -> None:
    """Make the folder's entries (the renames) durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove_orphaned_temporaries(root: Path) -> int:
    """Delete `.<name>.<pid>-<n>.tmp` files left by a process that died mid-write (never
    renamed, so nobody ever saw them). Files of live processes are left alone."""
    removed = 0
    if not root.is_dir():
        return 0
    for path in root.rglob(".*.tmp"):
        pid_text = path.name.rsplit(".", 2)[-2].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
