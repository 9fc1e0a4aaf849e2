"""Public pages: read publications only, never live standings.

Every page and badge is served whole from the cache to readers with nothing of their own on it, with no query at
all (publications.cache.public_response). Rendering one costs a fixed number of queries whatever the size of the
edition: one to find the publication it shows, and, only when the rendered results are not cached yet for that
publication and language, one for the payload and (final results) one for the class slugs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from publications.cache import last_modified, public_response
from publications.models import Publication, PublicationKind
from publications.selectors import (
    edition_publications,
    publication_document,
    publication_latest,
    publication_newest,
    published_editions,
)
from website.badges import badge_height, badge_label, badge_snippet, badge_src, badge_svg, find_prize
from website.pages import PAGE_CACHE_VERSION, cached_html, final_results, interim_cards
from website.selectors import class_slugs

page = public_response(version=PAGE_CACHE_VERSION)
# A badge's address may name its language (badge_src): the one query parameter a badge depends on.
badge = public_response(version=PAGE_CACHE_VERSION, frame=False, query={"lang": {code for code, _name in settings.LANGUAGES}})


@page
def home(request: HttpRequest) -> HttpResponse:
    """The newest edition's latest publication: final if there is one, else interim; a welcome before any."""
    publication = publication_newest()
    if publication is None:
        return render(request, "website/home.html")
    return _results_page(request, publication)


@page
def results(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    """The latest interim or final publication of an edition; 404 before the first of its kind."""
    publication = publication_latest(year=year, kind=kind)
    if publication is None:
        raise Http404(f"No {kind} results of {year} have been published.")
    return _results_page(request, publication)


@page
def edition(request: HttpRequest, year: int) -> HttpResponse:
    """An edition's page: links to its latest interim and final results, and every publication it has had."""
    publications = edition_publications(year=year)
    if not publications:
        raise Http404(f"Nothing of {year} has been published.")
    latest = {publication.kind: publication for publication in publications}  # oldest first: the last of a kind wins
    context = {
        "edition": publications[0].edition,
        "publications": publications,
        "interim": latest.get(PublicationKind.INTERIM),
        "final": latest.get(PublicationKind.FINAL),
    }
    return last_modified(render(request, "website/edition.html", context), max(p.published_at for p in publications))


@page
def archive(request: HttpRequest) -> HttpResponse:
    """Every edition with a publication, newest first."""
    return render(request, "website/archive.html", {"editions": list(published_editions())})


@public_response(version=PAGE_CACHE_VERSION, publications=False)
def how_it_works(request: HttpRequest) -> HttpResponse:
    """The method in plain language (docs/scoring.md for readers who are not engineers)."""
    return render(request, "website/how_it_works.html")


@badge
def badge_channel(request: HttpRequest, year: int, channel: str) -> HttpResponse:
    return _badge(request, year=year, kind="channel", key=channel)


@badge
def badge_class(request: HttpRequest, year: int, slug: str) -> HttpResponse:
    return _badge(request, year=year, kind="class", key=slug)


@badge
def badge_overall(request: HttpRequest, year: int) -> HttpResponse:
    return _badge(request, year=year, kind="overall", key="overall")


# Helpers ----------------------------------------------------------------------


def _results_page(request: HttpRequest, publication: Publication) -> HttpResponse:
    """The results of one publication inside the site's frame; the frame (language switch, account links) is per request."""
    context = {"publication": publication, "edition": publication.edition, "body": _results_body(request, publication)}
    return last_modified(render(request, "website/results.html", context), publication.published_at)


def _results_body(request: HttpRequest, publication: Publication) -> SafeString:
    if publication.kind == PublicationKind.INTERIM:
        return cached_html(page="interim", publication=publication, extra=(), render=lambda: _render_interim(publication))
    # The badge snippets carry absolute addresses, and class rankings show only while the organiser allows it.
    # The snippets' badges are in the page's language: cached_html keys by the active language too.
    site = request.build_absolute_uri("/").rstrip("/")
    rankings = publication.edition.publish_rankings
    language = get_language()
    return cached_html(
        page="final",
        publication=publication,
        extra=(site, rankings),
        render=lambda: _render_final(publication, site=site, language=language),
    )


def _render_interim(publication: Publication) -> str:
    document = publication_document(publication)
    return render_to_string("website/_interim.html", {"publication": publication, "cards": interim_cards(document)})


def _render_final(publication: Publication, *, site: str, language: str) -> str:
    year = publication.edition.year
    results = final_results(publication_document(publication), slugs=class_slugs(year=year))
    results_path = reverse("website:final", kwargs={"year": year})
    badges = [
        {
            "prize": prize,
            "src": badge_src(prize, year=year, language=language),
            "label": badge_label(prize, year=year),
            "height": badge_height(len(prize.winners)),
            "snippet": badge_snippet(prize, year=year, site=site, results_path=results_path, language=language),
        }
        for prize in results.prizes()
    ]
    context: dict[str, Any] = {
        "publication": publication,
        "results": results,
        "show_rankings": publication.edition.publish_rankings,
        "badges": badges,
    }
    return render_to_string("website/_final.html", context)


def _badge_language(request: HttpRequest) -> str:
    """The badge's language: the one its address names (?lang=nb, as the snippets have it), else the reader's."""
    wanted = request.GET.get("lang", "")
    if wanted in {code for code, _ in settings.LANGUAGES}:
        return wanted
    return get_language()


def _badge(request: HttpRequest, *, year: int, kind: str, key: str) -> HttpResponse:
    """A prize's badge from the latest final publication; 404 before it, and for a prize without a winner."""
    publication = publication_latest(year=year, kind=PublicationKind.FINAL)
    if publication is None:
        raise Http404(f"No final results of {year} have been published.")
    language = _badge_language(request)
    slugs = class_slugs(year=year) if kind == "class" else {}
    with translation.override(language):  # the prize titles are translated as the results are read
        prize = find_prize(final_results(publication_document(publication), slugs=slugs), kind=kind, key=key)
        if prize is None:
            raise Http404("This prize has no winner.")
        svg = badge_svg(prize, year=year, language=language)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Language"] = language
    # Without ?lang= the language comes from the request (Accept-Language, or the language cookie): let caches know.
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    # Opened on its own, an SVG is a document: let it run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return last_modified(response, publication.published_at)
