"""Browser tests: Debian's Chromium, driven by Playwright, against a live server.

Playwright is never asked to download a browser (`playwright install`): the tests use
the Chromium the system package manager installed (`apt-get install chromium`).
"""

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserType,
    ConsoleMessage,
    Page,
    Playwright,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.path.exists(CHROMIUM) or os.environ.get("QA_REQUIRE_BROWSER"):
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: apt-get install chromium")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"QA_REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


# Playwright's sync API marks an asyncio event loop as running in the main thread between
# its calls, for as long as Playwright runs. Django then refuses every ORM call in the test
# thread (test data, assertions) with SynchronousOnlyOperation, unless this is set. The
# tests use the ORM synchronously and never share a connection with that loop.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Playwright for this package only (pytest-playwright's lasts the whole session).

    Stopping it after the last browser test ends the running loop, so that the rest of
    the suite keeps Django's async-safety check and DJANGO_ALLOW_ASYNC_UNSAFE (which
    `manage.py check --deploy` rightly reports as an error) does not leak into the
    environment of later tests or their subprocesses.
    """
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as started:
            yield started
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    chosen: BrowserType = getattr(playwright, browser_name)
    return chosen


@pytest.fixture(scope="package")
def launch_browser(
    browser_type_launch_args: dict[str, Any], browser_type: BrowserType
) -> Callable[..., Browser]:
    def launch(**kwargs: Any) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser: Callable[..., Browser]) -> Iterator[Browser]:
    launched = launch_browser()
    yield launched
    launched.close()


@pytest.fixture(scope="package")
def browser_context_args(
    pytestconfig: pytest.Config,
    playwright: Playwright,
    device: str | None,
    base_url: str,
    _pw_artifacts_folder: tempfile.TemporaryDirectory[str],
) -> dict[str, Any]:
    """pytest-playwright's context arguments (it asks for the session-long Playwright)."""
    context_args: dict[str, Any] = {"base_url": base_url}
    if device:
        context_args.update(playwright.devices[device])
    if pytestconfig.getoption("--video") in ("on", "retain-on-failure"):
        context_args["record_video_dir"] = _pw_artifacts_folder.name
    return context_args


@pytest.fixture(scope="package")
def live_server() -> Iterator[LiveServer]:
    """pytest-django's live server, bound to the loopback address explicitly.

    (Its default, "localhost", also binds only the loopback interface; this makes that
    independent of name resolution.)"""
    server = LiveServer("127.0.0.1")
    yield server
    server.stop()


@pytest.fixture(scope="package")
def base_url(live_server: LiveServer) -> str:
    """The live server, as the base of every page's relative URLs.

    This also replaces pytest-playwright 0.10's own `base_url`, which it defines as an
    instance method and so trips pytest 9's deprecation warning (an error here).
    """
    return live_server.url


@pytest.fixture
def console(page: Page) -> list[str]:
    """Every console message and uncaught page error, as text, as they happen."""
    messages: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        messages.append(f"{message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    return messages


def csp_violations(messages: list[str]) -> list[str]:
    return [message for message in messages if "Content Security Policy" in message]
