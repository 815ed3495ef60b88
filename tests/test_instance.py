"""The repo's Dagster instance configuration: one run at a time (a run queue), no telemetry."""

from __future__ import annotations

from pathlib import Path

from dagster import DagsterInstance

from orchestration.instance import INSTANCE_YAML, install_instance_config


def test_the_instance_queues_runs_one_at_a_time(tmp_path: Path) -> None:
    home = install_instance_config(tmp_path / "home").parent
    assert (home / "dagster.yaml").read_text() == INSTANCE_YAML.read_text()
    with DagsterInstance.from_config(str(home)) as instance:
        queue = instance.get_concurrency_config().run_queue_config
        assert queue is not None and queue.max_concurrent_runs == 1
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert instance.telemetry_enabled is False


def test_an_instance_file_of_its_own_is_left_alone(tmp_path: Path) -> None:
    own = tmp_path / "dagster.yaml"
    own.write_text("telemetry:\n  enabled: false\n")
    install_instance_config(tmp_path)
    assert own.read_text() == "telemetry:\n  enabled: false\n"
