# The loyalty warehouse. Two commands do all set-up on a fresh machine (Python 3.11 + pip):
#   make demo   build the environment, generate demo exports, run the whole pipeline
#   make test   lint, dbt build on the fixture inbox, pytest
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
VENV := .venv
BIN := $(VENV)/bin
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export PATH := $(CURDIR)/$(BIN):$(PATH)
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

# Everything the fixture build writes goes here (wiped each time).
FIXTURE_OUT := $(CURDIR)/tmp-fixture
# make test-spark: the fixture landing, the DuckDB build and dbt's Spark target dir.
SPARK_OUT := $(CURDIR)/tmp-spark

.PHONY: help install parse demo run publish ingest summary report docs dev lint format dbt-fixture pytest test test-spark lock clean bench

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

# --compile-bytecode: uv writes no .pyc files and, with PYTHONDONTWRITEBYTECODE set (as on this
# machine), Python never does, so every dbt, GX and Dagster process compiled its imports again:
# importing dbt took 9.9 s CPU instead of 5.5 s, great_expectations 22 s instead of 9 s.
$(VENV)/.installed: requirements.lock pyproject.toml | $(UV)
	[ -x $(BIN)/python ] || $(UV) venv --quiet --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

install: $(VENV)/.installed  ## create .venv with the exact versions of requirements.lock

target/manifest.json: $(VENV)/.installed dbt_project.yml profiles.yml $(shell find models macros seeds tests/dbt -type f 2>/dev/null)
	dbt parse --quiet
	touch $@

parse: target/manifest.json  ## dbt parse (the manifest Dagster loads)

demo: parse  ## generate the demo inbox and run the whole pipeline on it, then print a summary
	python -c "from orchestration.instance import install_instance_config as i; i()"
	python -m orchestration demo

run: parse  ## run the Dagster job: build, check, then publish LOYALTY_WAREHOUSE
	python -c "from orchestration.instance import install_instance_config as i; i()"
	python -m orchestration run
	python -m orchestration summary

publish: parse  ## after a plain `dbt build`: run the checks not yet run on the build file, publish it
	python -m orchestration publish

ingest: install  ## only load new inbox files into the landing zone (then `dbt build` works)
	python -m orchestration ingest

summary: install  ## print the summary from the marts
	python -m orchestration summary

report: install  ## (re)write the loyalty report from the marts (LOYALTY_REPORT_LANGUAGE=en|nl)
	python -m orchestration report

docs: parse  ## dbt docs site (site/dbt) and GX Data Docs (site/gx) from the warehouse
	python -m orchestration docs

dev: parse  ## open the Dagster UI (http://127.0.0.1:3000)
	python -c "from orchestration.instance import install_instance_config as i; i()"
	dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

# sqlfluff's dbt templater compiles every model against the profile's warehouse: a scratch
# one (tmp-lint/), never the user's, whose incremental tables would switch is_incremental() on.
LINT_ENV = LOYALTY_LANDING=$(CURDIR)/tmp-lint/landing LOYALTY_WAREHOUSE=$(CURDIR)/tmp-lint/loyalty.duckdb \
  LOYALTY_BUILD_WAREHOUSE=$(CURDIR)/tmp-lint/loyalty.duckdb LOYALTY_DBT_TARGET=duckdb
lint: parse  ## ruff and sqlfluff (dbt templater)
	ruff check orchestration tests bench
	ruff format --check orchestration tests bench
	rm -rf tmp-lint && mkdir -p tmp-lint
	$(LINT_ENV) sqlfluff lint models tests/dbt

format: install  ## apply ruff and sqlfluff fixes
	ruff check --fix orchestration tests bench
	ruff format orchestration tests bench
	rm -rf tmp-lint && mkdir -p tmp-lint
	$(LINT_ENV) sqlfluff fix models tests/dbt

dbt-fixture: parse  ## ingest the fixture inbox and `dbt build` it into a scratch warehouse
	rm -rf $(FIXTURE_OUT)
	LOYALTY_INBOX=tests/fixtures/inbox LOYALTY_LANDING=$(FIXTURE_OUT)/landing \
	  LOYALTY_WAREHOUSE=$(FIXTURE_OUT)/loyalty.duckdb python -m orchestration ingest
	LOYALTY_LANDING=$(FIXTURE_OUT)/landing LOYALTY_WAREHOUSE=$(FIXTURE_OUT)/loyalty.duckdb \
	  LOYALTY_BUILD_WAREHOUSE=$(FIXTURE_OUT)/loyalty.duckdb dbt build --quiet --warn-error-options '{"error": ["NoNodesForSelectionCriteria"]}'

pytest: parse  ## the pytest suite (loaders, dbt args, definitions, end to end)
	pytest -q

test: lint dbt-fixture pytest  ## everything CI runs

# dbt-spark session mode keeps its metastore (metastore_db/, derby.log) and tables
# (spark-warehouse/) in the cwd: wiped first, so every run starts from nothing.
# Two days: the fixture inbox built from nothing, then tests/fixtures/inbox_day2 (corrections
# that move rows to other customers, new answers and customers) built again incrementally;
# the marts of both engines are compared after each.
SPARK_ENV = LOYALTY_LANDING=$(SPARK_OUT)/landing LOYALTY_WAREHOUSE=$(SPARK_OUT)/loyalty.duckdb \
  LOYALTY_BUILD_WAREHOUSE=$(SPARK_OUT)/loyalty.duckdb
define spark_day
	$(SPARK_ENV) LOYALTY_INBOX=$(1) python -m orchestration ingest
	TIMEFORMAT='$(2) dbt build on duckdb: %0R s'; time \
	  $(SPARK_ENV) dbt build --quiet --target duckdb --target-path $(SPARK_OUT)/target-duckdb
	TIMEFORMAT='$(2) dbt build on spark: %0R s'; time \
	  $(SPARK_ENV) dbt build --quiet --target spark --target-path $(SPARK_OUT)/target-spark
	LOYALTY_COMPARE_DUCKDB=$(SPARK_OUT)/loyalty.duckdb LOYALTY_COMPARE_SPARK=$(CURDIR) \
	  pytest -q -s tests/spark
endef
test-spark: parse  ## build the fixture on Spark and on DuckDB, then a second day incrementally; assert every mart is equal
	rm -rf metastore_db spark-warehouse derby.log $(SPARK_OUT)
	$(call spark_day,tests/fixtures/inbox,fixture)
	$(call spark_day,tests/fixtures/inbox_day2,day 2 incremental)

# Benchmark sizes: smoke (50k survey responses), 1m, 10m. Scratch data under BENCH_DIR.
SIZE ?= smoke
BENCH_DIR ?= /tmp/issue5
bench: install  ## time the pipeline vs the hand-written DuckDB SQL and pandas (SIZE=smoke|1m|10m)
	BENCH_DIR=$(BENCH_DIR) python -m bench.run --size $(SIZE)

lock: | $(UV)  ## re-pin requirements.lock after changing pyproject.toml
	$(UV) pip compile --quiet --python-version 3.11 pyproject.toml --extra dev --extra spark \
	  -o requirements.lock --custom-compile-command "make lock"

clean:  ## remove build output and local data (keeps .venv)
	rm -rf target logs tmp-fixture tmp-spark tmp-lint data .dagster_home metastore_db spark-warehouse derby.log
	rm -f warehouse/*.duckdb warehouse/*.wal warehouse/build/*.duckdb warehouse/build/*.wal warehouse/build/*.json
