"""Dagster asset checks: one blocking check per Great Expectations suite in expectations/.

Landing suites check the assets ``landing/<entity>``, warehouse suites ``marts/<model>``
(the asset key is in each suite's ``meta.loyalty.asset_key``). A check only reads: it
declares no inputs or deps, so it can never add a cycle to the asset graph. Paths are read
from the environment when the check runs, not when the definitions load.

Use in the code location::

    from orchestration.quality.checks import build_gx_checks

    defs = Definitions(assets=[...], asset_checks=build_gx_checks())
"""

# No `from __future__ import annotations`: Dagster inspects the `context` annotation.
from pathlib import Path

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from orchestration.quality.suites import (
    EXPECTATIONS_DIR,
    SuiteSpec,
    ValidationOutcome,
    load_specs,
    validate_spec,
)

CHECK_PREFIX = "gx_"


def check_name(spec: SuiteSpec) -> str:
    return f"{CHECK_PREFIX}{spec.name}"


def to_check_result(spec: SuiteSpec, outcome: ValidationOutcome) -> AssetCheckResult:
    """The Dagster result of a validation: per-expectation counts and the elapsed time."""
    metadata: dict[str, MetadataValue] = {
        "suite": MetadataValue.text(spec.name),
        "source": MetadataValue.text(f"{spec.source}: {spec.relation}"),
        "elapsed_seconds": MetadataValue.float(outcome.elapsed_seconds),
    }
    if outcome.error:
        metadata["error"] = MetadataValue.text(outcome.error)
        description = f"GX suite {spec.name} could not run: {outcome.error}"
    else:
        failed = [e.label for e in outcome.expectations if not e.success]
        metadata["failed_expectations"] = MetadataValue.int(len(failed))
        metadata["expectations"] = MetadataValue.json(
            {e.label: e.as_dict() for e in outcome.expectations}
        )
        for e in outcome.expectations:
            if e.unexpected_count is not None:
                metadata[f"unexpected_count:{e.label}"] = MetadataValue.int(e.unexpected_count)
        passed = len(outcome.expectations) - len(failed)
        description = f"GX suite {spec.name}: {passed}/{len(outcome.expectations)} passed"
        if failed:
            description += f"; failed: {', '.join(failed)}"
    return AssetCheckResult(
        passed=outcome.success,
        severity=AssetCheckSeverity.ERROR,
        metadata=metadata,
        description=description,
    )


def build_gx_check(spec: SuiteSpec) -> AssetChecksDefinition:
    """A blocking asset check that validates one suite when it runs."""

    @asset_check(
        asset=AssetKey(list(spec.asset_key)),
        name=check_name(spec),
        blocking=True,
        description=f"Great Expectations suite {spec.name} ({spec.source}: {spec.relation})",
        metadata={"suite_file": f"expectations/{spec.name}.json"},
    )
    def _check(context: AssetCheckExecutionContext) -> AssetCheckResult:
        outcome = validate_spec(spec)
        if outcome.error:
            context.log.error(f"GX suite {spec.name}: {outcome.error}")
        else:
            context.log.info(
                f"GX suite {spec.name}: success={outcome.success} in {outcome.elapsed_seconds:.2f}s"
            )
        return to_check_result(spec, outcome)

    return _check


def build_gx_checks(directory: Path = EXPECTATIONS_DIR) -> list[AssetChecksDefinition]:
    """One blocking asset check per suite file in ``expectations/``."""
    return [build_gx_check(spec) for spec in load_specs(directory)]
