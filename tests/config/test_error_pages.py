"""Our own 404 and 500 pages: in the site's style and the reader's language, never Django's bare default."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation


@pytest.mark.parametrize(
    ("language", "title"),
    [("nb", "Fant ikke siden"), ("sv", "Sidan hittades inte"), ("en", "Page not found")],
)
def test_404_is_the_site_page_in_the_readers_language(db: None, settings: object, language: str, title: str) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/1999/")

    assert response.status_code == 404
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    assert f'<html lang="{language}">' in html
    assert 'href="/archive/"' in html


def test_500_page_needs_no_request_and_is_translated() -> None:
    with translation.override("nb"):
        html = render_to_string("500.html")

    assert "<h1>Noe gikk galt</h1>" in html
    assert 'href="/static/css/site.css"' in html


@pytest.mark.parametrize(
    ("language", "not_found", "server_error"),
    [
        ("nb", "først når arrangørene publiserer dem.", "Feilen er logget for arrangørene."),
        ("sv", "först när arrangörerna publicerar dem.", "Felet har loggats för arrangörerna."),
    ],
)
def test_the_error_pages_speak_of_the_organisers_in_the_plural(
    db: None, settings: object, language: str, not_found: str, server_error: str
) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]

    assert not_found in Client(HTTP_ACCEPT_LANGUAGE=language).get("/1999/").content.decode()
    with translation.override(language):
        assert server_error in render_to_string("500.html")
