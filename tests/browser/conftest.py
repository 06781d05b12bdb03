"""Headless Chromium through Playwright's sync API, for tests marked `browser`.

The browser is Debian's Chromium at /usr/bin/chromium (`make test` installs it; nothing here downloads or
installs a browser, and `playwright install` is never used). It is launched once per session with plain
`chromium.launch`, which gives it a fresh temporary profile that Playwright deletes on close; every test then
gets its own browser context (own cookies and storage).
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop running in the main thread, so Django would otherwise
# refuse every ORM call made by the tests and fixtures (SynchronousOnlyOperation). The tests do not share
# connections across threads; the live server runs in its own thread with its own connection.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

LAPTOP = {"viewport": {"width": 1366, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (`make test` does).")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def artifacts_dir():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@dataclass
class PageLog:
    """Everything the page said on the console, threw, or failed to load during one test."""

    console: list = field(default_factory=list)  # (type, text, url)
    page_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)  # (url, failure)
    bad_responses: list = field(default_factory=list)  # (status, url)

    def csp_violations(self):
        return [
            text
            for _type, text, _url in self.console
            if "Content Security Policy" in text or "Refused to" in text
        ]

    def console_errors(self, ignore=()):
        return [
            (text, url)
            for type_, text, url in self.console
            if type_ == "error" and not any(url.endswith(suffix) for suffix in ignore)
        ]


@pytest.fixture
def open_page(browser):
    """Open a page in a fresh context: `page, log = open_page(**LAPTOP)`."""
    contexts = []

    def _open(**context_options):
        context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        log = PageLog()
        page.on(
            "console",
            lambda msg: log.console.append((msg.type, msg.text, (msg.location or {}).get("url", ""))),
        )
        page.on("pageerror", lambda error: log.page_errors.append(str(error)))
        page.on("requestfailed", lambda request: log.failed_requests.append((request.url, request.failure)))
        page.on(
            "response",
            lambda response: (
                response.status >= 400 and log.bad_responses.append((response.status, response.url))
            ),
        )
        return page, log

    yield _open
    for context in contexts:
        context.close()
