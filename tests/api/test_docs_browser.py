"""The interactive documentation renders in a real browser under the site's Content
Security Policy, loading nothing from any other host."""

from urllib.parse import urlparse

from tests.browser.conftest import browser, new_page, page  # noqa: F401


def test_api_docs_render_with_every_request_to_this_host(page, live_server):  # noqa: F811
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=20_000)
    assert page.locator(".opblock-tag", has_text="votes").count() == 1
    assert page.locator(".opblock-summary-path", has_text="/api/votes/").count() >= 1
    own_host = urlparse(live_server.url).netloc
    other_hosts = {urlparse(url).netloc for url in requested if url.startswith("http")} - {own_host}
    assert other_hosts == set()
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
