"""Headless Chromium (Debian's package) driven by Playwright, beside the real servers."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bot.services import Service, Stack
from bot.settings import PROJECT_ROOT

# an answer on a loaded 2-core CI machine can take longer than Playwright's 5 s default
expect.set_options(timeout=20_000)

ARTIFACTS = PROJECT_ROOT / "var" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def service(stack: Stack, name: str) -> Service:
    return next(s for s in stack.services if s.name == name)


def restart(stack: Stack, name: str, timeout: float = 120) -> None:
    s = service(stack, name)
    s.start(stack.settings.root)
    deadline = time.monotonic() + timeout
    while not s.is_ready():
        assert s.alive(), f"{name} died on restart"
        assert time.monotonic() < deadline, f"{name} not ready after {timeout} s"
        time.sleep(0.25)


@pytest.fixture(scope="module")  # sync Playwright runs an event loop: end it with the module
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is missing: run `make browser`"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    p = context.new_page()
    p.set_default_timeout(30_000)
    yield p
    context.close()


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
