"""A real browser: headless Chromium (Debian's chromium + chromedriver, never downloaded) opens
the loyalty report, the dbt docs site and the Dagster UI, and checks what a person would see.
Screenshots go to screenshots/ (gitignored)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = pytest.mark.skipif(
    not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)),
    reason="no Chromium: install Debian's chromium and chromium-driver (.ci/run does) to run "
    "the browser tests",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never fetch a driver or browser
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1280,6000",  # the asset list renders only rows in view
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(120)
    SHOTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def wait_for_text(driver, texts: list[str], timeout: float) -> str:
    """The page's visible text once it holds every one of `texts` (fails after `timeout`)."""
    from selenium.webdriver.common.by import By

    deadline, body = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        body = driver.find_element(By.TAG_NAME, "body").text
        if all(t in body for t in texts):
            return body
        time.sleep(1)
    missing = [t for t in texts if t not in body]
    raise AssertionError(f"not shown after {timeout:.0f} s: {missing}\n{body[:2000]}")


def test_report_in_the_browser(browser, fixture_warehouse: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    from orchestration.serve.report import build_report

    with duckdb.connect(str(fixture_warehouse), read_only=True) as con:
        (nps,) = con.execute(
            "select nps from marts.fct_nps_monthly order by month_start desc limit 1"
        ).fetchone()
    for language in ("en", "nl"):
        report = build_report(fixture_warehouse, tmp_path / f"report_{language}.html", language)
        browser.get(report.as_uri())
        shown = browser.find_element(By.CSS_SELECTOR, '[data-testid="nps-latest"]').text
        assert shown == f"{nps:.1f}"
        charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
        assert len(charts) >= 6
        for chart in charts:  # drawn: a real size and shapes inside
            assert chart.size["width"] > 300 and chart.size["height"] > 50
            assert chart.find_elements(
                By.CSS_SELECTOR, "rect, line, polyline, polygon, circle, path"
            )
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
        browser.save_screenshot(str(SHOTS / f"report_{language}.png"))


def test_dbt_docs_site_in_the_browser(browser, fixture_warehouse: Path, tmp_path: Path) -> None:
    from orchestration.config import Settings
    from orchestration.serve.docs import build_dbt_docs

    settings = Settings(fixture_warehouse.parent / "inbox", fixture_warehouse.parent / "landing",
                        fixture_warehouse)  # fmt: skip
    index = build_dbt_docs(tmp_path, settings)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(index.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        browser.get(f"http://127.0.0.1:{port}/index.html#!/model/model.loyalty.fct_nps_monthly")
        wait_for_text(browser, ["fct_nps_monthly", "nps_ci_low"], timeout=90)
        browser.save_screenshot(str(SHOTS / "dbt_docs.png"))
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def dagster_ui(fixture_warehouse: Path, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(tmp_path),
        "LOYALTY_WAREHOUSE": str(fixture_warehouse),
        "LOYALTY_LANDING": str(fixture_warehouse.parent / "landing"),
        "LOYALTY_INBOX": str(fixture_warehouse.parent / "inbox"),
    }
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    webserver = Path(sys.executable).parent / "dagster-webserver"
    log = (tmp_path / "webserver.log").open("w")
    process = subprocess.Popen(
        [str(webserver), "-m", "orchestration.definitions", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert process.poll() is None, (tmp_path / "webserver.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{url}/server_info", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "dagster-webserver did not start in 240 s"
            time.sleep(2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_dagster_ui_in_the_browser(browser, dagster_ui: str) -> None:
    browser.get(f"{dagster_ui}/assets?view=flat")
    # ingest, dbt and serve assets (the UI shortens long names in the middle; these fit)
    wait_for_text(
        browser,
        ["landing / customers", "marts / fct_promises", "serve / loyalty_report"],
        timeout=180,
    )
    browser.save_screenshot(str(SHOTS / "dagster_assets.png"))
    browser.get(f"{dagster_ui}/assets/marts/fct_nps_monthly?view=checks")
    # a dbt test and the GX suite, both as asset checks of the mart
    wait_for_text(browser, ["fct_nps_monthly_nps_range", "gx_marts_fct_nps_monthly"], timeout=120)
    browser.save_screenshot(str(SHOTS / "dagster_checks.png"))
