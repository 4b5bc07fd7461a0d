"""Configuration: YAML, then GATEWAY_… variables; a wrong setting is one sentence naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config import ConfigError, load_settings


def test_defaults_point_at_the_local_services() -> None:
    settings = load_settings()
    assert settings.broker.url.startswith("amqp://guest:guest@127.0.0.1:5672")
    assert settings.database.url == "postgresql://postgres@127.0.0.1:5432/gateway"


def test_every_field_can_be_overridden_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_BROKER__PREFETCH", "17")
    monkeypatch.setenv("GATEWAY_BROKER__PREFIX", "ci.")
    monkeypatch.setenv("GATEWAY_STAGES__SETTLE__BATCH_SIZE", "40")
    settings = load_settings()
    assert (settings.broker.prefetch, settings.broker.prefix, settings.stages.settle.batch_size) == (17, "ci.", 40)


def test_a_wrong_setting_names_the_setting_and_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_BROKER__PREFETCH", "-3")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert "broker.prefetch" in message and "GATEWAY_BROKER__PREFETCH" in message
    assert message.count("\n") == 0


def test_an_unknown_setting_in_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text("broker:\n  prefech: 10\n")
    with pytest.raises(ConfigError, match=r"broker\.prefech"):
        load_settings(path)


def test_a_routing_rule_must_name_a_configured_rail(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text("routing:\n  rules:\n    - {id: chf, currencies: [CHF], rail: sic}\n")
    with pytest.raises(ConfigError, match="sic"):
        load_settings(path)


def test_poison_threshold_must_stay_below_the_queue_delivery_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_BROKER__POISON_THRESHOLD", "10")
    monkeypatch.setenv("GATEWAY_BROKER__DELIVERY_LIMIT", "10")
    with pytest.raises(ConfigError, match="poison_threshold"):
        load_settings()


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.yaml")


def test_relative_paths_are_relative_to_the_project_of_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    path = tmp_path / "config" / "gateway.yaml"
    path.write_text("paths:\n  data_dir: data\n")
    settings = load_settings(path)
    assert settings.resolved_paths.outbox_dir == tmp_path / "data" / "outbox"


def test_a_routing_rule_cannot_send_bank_transfers_to_a_rail_that_speaks_only_pacs008(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text("rails: {target2: {format: pacs.008.001.08}}\n"
                    "routing: {rules: [{id: banks, currencies: [EUR], kinds: [institution], rail: target2}]}\n")
    with pytest.raises(ConfigError, match="cannot carry"):
        load_settings(path)
