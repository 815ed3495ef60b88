"""One Dagster asset per export entity: ["landing", <entity>].

No `from __future__ import annotations`: Dagster checks the context annotation at runtime.
"""

from dagster import AssetExecutionContext, AssetsDefinition, Failure, MaterializeResult, asset

from orchestration.config import Settings
from orchestration.ingest.contract import ENTITIES, Entity
from orchestration.ingest.header import IngestError
from orchestration.ingest.lock import IngestLocked
from orchestration.ingest.run import ingest_entity


def build_ingest_asset(entity: Entity) -> AssetsDefinition:
    @asset(
        key=["landing", entity.name],
        group_name="ingest",
        kinds={"duckdb", "parquet"},
        description=(
            f"New `{entity.name}*` exports (.csv, .xlsx, .jsonl) from the inbox, typed, as "
            "Parquet in the landing "
            "folder; rejected rows go to the quarantine and every file gets a ledger row."
        ),
    )
    def _ingest(context: AssetExecutionContext) -> MaterializeResult:
        settings = Settings.from_env()
        try:
            report = ingest_entity(settings.inbox, settings.landing, entity)
        except (IngestLocked, IngestError) as error:  # locked, or the inbox is missing
            raise Failure(description=str(error)) from None
        for r in report.loaded:
            context.log.info(
                f"{r.file_name}: read {r.rows_read}, accepted {r.rows_accepted}, "
                f"quarantined {r.rows_quarantined}"
            )
        for message in report.late:
            context.log.warning(message)
        if report.skipped:
            context.log.info(f"already loaded, skipped: {', '.join(report.skipped)}")
        for message in report.not_files:
            context.log.warning(message)
        if report.unknown_files:
            context.log.warning(
                "not an export of any entity (the name must start with "
                f"{', '.join(ENTITIES)} and end in .csv, .xlsx, .jsonl or .ndjson), ignored: "
                + ", ".join(report.unknown_files)
            )
        metadata = {
            **report.rows,
            "files_loaded": len(report.loaded),
            "files_skipped": len(report.skipped),
            "files_waiting": len(report.waiting),
            "late_files": len(report.late),
            "orphans_removed": report.orphans_removed,
            "unknown_files": ", ".join(report.unknown_files) or "(none)",
            "skipped_not_files": "; ".join(report.not_files) or "(none)",
            "inbox": str(settings.inbox),
            "landing": str(settings.landing / entity.name),
        }
        if report.failed:
            raise Failure(
                description="Some export files could not be loaded (nothing of them was kept):\n"
                + "\n".join(f"- {message}" for message in report.failed)
                + "".join(f"\n- {message}" for message in report.waiting),
                metadata=metadata,
            )
        return MaterializeResult(metadata=metadata)

    return _ingest


ingest_assets = [build_ingest_asset(e) for e in ENTITIES.values()]
