"""The `gateway` command as users and scripts run it: exit codes and machine output."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gateway.config import Settings
from tests.conftest import ROOT, SAMPLES, running_gateway

GATEWAY = Path(sys.executable).with_name("gateway")


def gateway(*args: str, config: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    command = [str(GATEWAY), *(["--config", str(config)] if config else []), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


async def agateway(*args: str, config: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The same, without blocking the event loop the in-process gateway runs on."""
    command = [str(GATEWAY), *(["--config", str(config)] if config else []), *args]
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE, cwd=ROOT)
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return subprocess.CompletedProcess(command, process.returncode, out.decode(), err.decode())


def config_file(settings: Settings, folder: Path) -> Path:
    path = folder / "gateway.yaml"
    path.write_text(yaml.safe_dump(settings.model_dump(mode="json")))
    return path


def test_validate_prints_one_json_object_per_document_and_exits_1_on_a_reject(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "nested").mkdir(parents=True)
    (folder / "nested" / "good.xml").write_bytes((SAMPLES / "pacs008-multi-mixed.xml").read_bytes())
    (folder / "bad.xml").write_bytes((SAMPLES / "pacs008-invalid-schema.xml").read_bytes())
    (folder / "mystery.bin").write_bytes(b"%PDF-1.7 not a payment")
    done = gateway("validate", "--json", str(folder))
    assert done.returncode == 1, done.stderr
    results = {Path(r["path"]).name: r for r in map(json.loads, done.stdout.splitlines())}
    assert set(results) == {"good.xml", "bad.xml", "mystery.bin"}
    good, bad, mystery = results["good.xml"], results["bad.xml"], results["mystery.bin"]
    assert (good["format"], good["verdict"], good["payments"], good["issues"]) == ("pacs.008.001.08", "accept", 5, [])
    assert bad["verdict"] == "reject" and {i["code"] for i in bad["issues"]} == {"FF01"}
    assert all({"code", "path", "message", "severity"} <= set(i) for i in bad["issues"])
    assert (mystery["format"], mystery["verdict"]) == ("unknown", "reject")


def test_validate_exits_0_when_every_document_is_accepted() -> None:
    done = gateway("validate", str(SAMPLES / "pacs008-single-eur.xml"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ACCEPT" in done.stdout


def test_validate_usage_errors_exit_2() -> None:
    assert gateway("validate", "/no/such/file.xml").returncode == 2
    assert gateway("validate", "--profile", "no-such-profile", str(SAMPLES)).returncode == 2


def test_validate_applies_a_profile() -> None:
    done = gateway("validate", "--json", "--profile", "cbpr-plus", str(SAMPLES / "pacs008-multi-mixed.xml"))
    [result] = map(json.loads, done.stdout.splitlines())
    assert result["verdict"] == "reject" and result["profile"] == "cbpr-plus"


def test_a_wrong_setting_stops_with_one_sentence_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text("broker:\n  prefetch: 0\n")
    done = gateway("config", "check", config=path)
    assert done.returncode == 2
    assert "broker.prefetch" in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.rabbit
@pytest.mark.pg
async def test_submit_wait_prints_each_payment_final_status_and_status_shows_history(
        settings: Settings, tmp_path: Path) -> None:
    config = config_file(settings, tmp_path)
    async with running_gateway(settings):
        done = await agateway("submit", "--sender", "BANKCLI", "--wait", "--json",
                       str(SAMPLES / "pacs008-bad-creditor-iban.xml"), config=config)
    assert done.returncode == 1, done.stderr        # one transaction was rejected
    [result] = map(json.loads, done.stdout.splitlines())
    assert result["final"] is True
    assert [(p["status"], p["reason_code"]) for p in result["payments"]] == [("ACSC", None), ("RJCT", "AC01")]

    status = await agateway("status", "--json", result["payments"][0]["payment_id"], config=config)
    assert status.returncode == 0, status.stderr
    history = json.loads(status.stdout)
    assert history["kind"] == "payment"
    [payment] = history["payments"]
    assert [h["status"] for h in payment["history"]] == ["validated", "routed", "settled", "delivered",
                                                          "reported"] or \
        {h["status"] for h in payment["history"]} == {"validated", "routed", "settled", "delivered", "reported"}
    document = await agateway("status", result["document_id"], config=config)
    assert document.returncode == 0 and "AC01" in document.stdout
    assert (await agateway("status", "no-such-id", config=config)).returncode == 1


@pytest.mark.rabbit
@pytest.mark.pg
async def test_run_refuses_to_start_without_its_topology(settings: Settings, tmp_path: Path) -> None:
    data = settings.model_dump(mode="json")
    data["broker"]["prefix"] = "never-applied."
    path = tmp_path / "gateway.yaml"
    path.write_text(yaml.safe_dump(data))
    done = await agateway("run", config=path, timeout=60)
    assert done.returncode == 2
    assert "gateway topology apply" in done.stderr
