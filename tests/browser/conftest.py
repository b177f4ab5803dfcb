"""Browser tests: a real Chromium (Debian's package) driven by Playwright.

Without Chromium they skip with the reason, except in CI (CI=true), where a
missing browser is a failure."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _chromium_missing_reason():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return None


# One Playwright driver and one Chromium per test process, however many modules
# import the fixture (a second sync driver in the same thread is refused).
_running = {}


def _shared_browser():
    if "browser" not in _running:
        from playwright.sync_api import sync_playwright

        driver = sync_playwright().start()
        _running["driver"] = driver
        _running["browser"] = driver.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
    return _running["browser"]


def pytest_sessionfinish(session, exitstatus):
    if "browser" in _running:
        _running.pop("browser").close()
        _running.pop("driver").stop()


@pytest.fixture(scope="session")
def browser():
    reason = _chromium_missing_reason()
    if reason:
        if IN_CI:
            pytest.fail(f"CI needs the browser tests: {reason}")
        pytest.skip(reason)
    # Django refuses synchronous database calls while an event loop runs in the thread;
    # Playwright's sync driver keeps one running, the tests' own database use is sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    return _shared_browser()


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (its own cookies); returns a page factory."""
    contexts = []

    def make_page():
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message.text),
        )
        return page

    yield make_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def log_in(page, username, password):
    """Log in through the site's own login form."""
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password)
    # A click does not wait for the page it submits to; the next step needs that page.
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
