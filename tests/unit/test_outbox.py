"""Outbound files appear whole or not at all, and a crash's leftovers are cleaned up."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gateway.adapters.outbox import OutboundFile, remove_orphaned_temporaries, temporary_name, write_batch


@pytest.mark.parametrize("sync", ["syncfs", "fsync", "none"])
def test_a_batch_lands_under_its_final_names_with_no_temporary_left(tmp_path: Path, sync: str) -> None:
    files = [OutboundFile(tmp_path / "target2", f"p{n}.xml", f"<x>{n}</x>".encode()) for n in range(20)]
    write_batch(files, sync)  # type: ignore[arg-type]
    assert sorted(p.name for p in (tmp_path / "target2").iterdir()) == sorted(f"p{n}.xml" for n in range(20))
    assert (tmp_path / "target2" / "p7.xml").read_bytes() == b"<x>7</x>"


def test_two_batches_writing_the_same_file_at_once_both_succeed(tmp_path: Path) -> None:
    """A redelivered payment can be in two concurrent batches: same bytes, same final name."""
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(50):
                write_batch([OutboundFile(tmp_path, "same.xml", b"<same/>")], "none")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [p.name for p in tmp_path.iterdir()] == ["same.xml"]


def test_a_failed_batch_renames_nothing_and_leaves_no_temporary(tmp_path: Path) -> None:
    good = OutboundFile(tmp_path, "good.xml", b"<ok/>")
    impossible = OutboundFile(tmp_path / "file-not-folder", "x.xml", b"<x/>")
    (tmp_path / "file-not-folder").write_text("a file where a folder should be")
    with pytest.raises(OSError):
        write_batch([good, impossible], "fsync")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file-not-folder"]


def test_temporaries_of_dead_processes_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    orphan = tmp_path / f".p1.xml.{dead_pid}-0.tmp"
    orphan.write_bytes(b"<half")
    mine = tmp_path / temporary_name("p2.xml")
    mine.write_bytes(b"<being written")
    assert mine.name.startswith(f".p2.xml.{os.getpid()}-")
    assert remove_orphaned_temporaries(tmp_path) == 1
    assert not orphan.exists() and mine.exists()
