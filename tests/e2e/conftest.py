"""Browser tests: Playwright driving Debian's Chromium against a live test server.

Skipped, with the reason, when Chromium is not installed (`apt-get install chromium`).
Screenshots go to screenshots/ (or $SCREENSHOT_DIR).
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The network is closed here: keep Chromium from trying to phone home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).parents[2] / "screenshots"))
AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make to set up data are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: apt-get install chromium")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def page(request, browser, live_server):
    context = browser.new_context(
        viewport={"width": request.param, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    page.width = request.param
    yield page
    context.close()


@pytest.fixture
def shoot(page):
    """Save a full-page screenshot named after the step and the viewport width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name):
        page.screenshot(path=SCREENSHOTS / f"{name}-{page.width}.png", full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth") - page.width
        assert overflow <= 0, f"{name} is {overflow}px wider than the screen"

    return take


def sign_up(page, username):
    """Sign up through the form, as a new contributor would."""
    page.goto("/accounts/signup/")
    page.locator("#id_username").fill(username)
    page.locator("#id_email").fill(f"{username}@example.com")
    page.locator("#id_password1").fill("a-long-Passw0rd!")
    page.locator("#id_password2").fill("a-long-Passw0rd!")
    page.locator("main button[type=submit]").click()
