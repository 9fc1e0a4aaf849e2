"""The API's docs (Swagger UI at /api/docs/) work offline: every asset from this site, the schema rendered, no
console error (a script refused by the Content-Security-Policy would be one)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PageLog, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_the_api_docs_render_the_schema_from_this_site_alone(live_server: Any, page: Any, page_log: PageLog, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(f"{live_server.url}/api/docs/")
    assert response is not None and response.status == 200

    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/tokens/" in paths
    assert "/api/v1/editions/{year}/results/final/" in paths
    assert page.locator(".info .title").inner_text().startswith("Customer Service Award API")
    assert page_log.statuses("/api/schema/") == [200]
    assert set(page_log.statuses("/static/drf_spectacular_sidecar/")) == {200}
    page_log.assert_clean()
    screenshot(page, f"api-docs-{width}")
