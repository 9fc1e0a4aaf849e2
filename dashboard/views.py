"""The company dashboard: a participant's own results, for the users linked to it and nobody else.

Every view takes the participant through `member_participant` (the requesting
user's memberships, checked on the server) and answers 404 for any other, so a
URL never tells whether someone else's participant exists.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from award.models import Participant
from award.selectors import user_is_organiser
from channels_app.bundle.format import csv_guard as csv_cell  # the bundle's rule against formulas (OWASP: CSV injection)
from channels_app.selectors import is_judge
from dashboard import charts
from dashboard.contacts import participant_contacts, participant_questions
from dashboard.selectors import ChannelBlock, member_participant, member_participants, participant_dashboard
from scoring.rules import published


def _participant_or_404(request: HttpRequest, year: int, participant_id: int) -> Participant:
    participant = member_participant(user=request.user, year=year, participant_id=participant_id)
    if participant is None:
        raise Http404
    return participant


def chart_for(block: ChannelBlock) -> str:
    title = _("%(channel)s: score month by month") % {"channel": block.label}
    bars = [charts.Bar(month=point.month, value=point.score, contacts=point.contacts) for point in block.months]
    # No line while the field average is hidden: with two participants it would give the other's score.
    reference = None if block.field_average_hidden else block.field_average.value
    return charts.month_chart(
        title=title,
        bars=bars,
        reference=reference,
        reference_label=_("Average of all participants"),
        key=f"chart-{block.channel}",
    )


def _other_parameters(request: HttpRequest) -> str:
    """The address's other parameters, kept by the page links (a page is the only one of the dashboard's own today)."""
    return urlencode([(key, value) for key, values in request.GET.lists() if key != "page" for value in values])


def _render_dashboard(
    request: HttpRequest, participant: Participant, *, template: str, memberships: list[Participant] | None = None
) -> HttpResponse:
    dashboard = participant_dashboard(participant=participant, page=request.GET.get("page"))
    context = {
        "query": _other_parameters(request),
        "dashboard": dashboard,
        "participant": participant,
        "edition": participant.edition,
        "channels": [(block, chart_for(block)) for block in dashboard.channels],
        # The other participants (other years) this user may switch to.
        "memberships": memberships if memberships is not None else member_participants(user=request.user),
    }
    return render(request, template, context)


def _pick(request: HttpRequest, participants: list[Participant], memberships: list[Participant]) -> HttpResponse:
    """One participant of the edition: its dashboard; several: let the user pick one."""
    if len(participants) == 1:
        return _render_dashboard(request, participants[0], template="dashboard/dashboard.html", memberships=memberships)
    return render(request, "dashboard/choose.html", {"participants": participants, "edition": participants[0].edition})


@never_cache  # a company's own results: never kept by a browser or a shared cache
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """/dashboard/: the newest edition the user is a member in; a clear page for accounts with no membership."""
    memberships = member_participants(user=request.user)
    if not memberships and is_judge(request.user):
        return HttpResponseRedirect(reverse("judging:my_work"))  # a judge's own pages are their work list
    if not memberships and user_is_organiser(request.user):
        return HttpResponseRedirect(reverse("admin:index"))  # the organisers work in the admin
    if not memberships:
        return render(request, "dashboard/no_membership.html")
    newest = memberships[0].edition.year
    return _pick(request, [p for p in memberships if p.edition.year == newest], memberships)


@never_cache
@login_required
def edition(request: HttpRequest, year: int) -> HttpResponse:
    memberships = member_participants(user=request.user)
    participants = [p for p in memberships if p.edition.year == year]
    if not participants:
        raise Http404
    return _pick(request, participants, memberships)


@never_cache
@login_required
def participant(request: HttpRequest, year: int, participant_id: int) -> HttpResponse:
    return _render_dashboard(request, _participant_or_404(request, year, participant_id), template="dashboard/dashboard.html")


@never_cache
@login_required
def report(request: HttpRequest, year: int, participant_id: int) -> HttpResponse:
    """The same numbers laid out for paper: every section open, no navigation.

    Its contact list is paged like the dashboard's, each page saying which it is ("Page 2 of 103"): one printable
    page holds what a printer and a reader can take, and every contact with every answer is the CSV export's.
    """
    return _render_dashboard(request, _participant_or_404(request, year, participant_id), template="dashboard/report.html")


@login_required
def chart(request: HttpRequest, year: int, participant_id: int, channel: str) -> HttpResponse:
    """One channel's month-by-month chart as an SVG file."""
    found = _participant_or_404(request, year, participant_id)
    if channel not in found.channels:
        raise Http404
    block = participant_dashboard(participant=found, with_contacts=False).channel(channel)
    response = HttpResponse(charts.standalone(chart_for(block)), content_type="image/svg+xml; charset=utf-8")  # type: ignore[arg-type]
    response["Cache-Control"] = "private, no-store"
    return response


CSV_COLUMNS = ["reference", "date", "channel", "answered", "wait_seconds", "handled_by", "score", "comment"]


class _Echo:
    """A file whose write() returns the line: csv.writer then gives each row to the response as it is made."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(found: Participant) -> Iterator[str]:
    questions = participant_questions(participant=found)
    writer = csv.writer(_Echo())
    answer_columns = [f"{q.channel}.{q.key}" for q in questions]
    header = [*CSV_COLUMNS, *(column for key in answer_columns for column in (key, f"{key}.max"))]
    # A byte-order mark first, so that spreadsheet programs read Norwegian letters right.
    yield "\ufeff" + writer.writerow([csv_cell(cell) for cell in header])
    for line in participant_contacts(participant=found, questions=questions):
        contact = line.contact
        points = {(answer.question.channel, answer.question.key): answer.points for answer in line.answers}
        row = [
            contact.ref,
            timezone.localtime(contact.happened_at).isoformat(),
            contact.channel,
            "true" if contact.answered else "false",
            "" if contact.wait_seconds is None else contact.wait_seconds,
            contact.handled_by,
            published(contact.score),
            contact.comment,
        ]
        for question in questions:
            value = points.get((question.channel, question.key))
            mine = question.channel == contact.channel and contact.answered
            row += ["" if value is None else value, question.max_points if mine else ""]
        yield writer.writerow([csv_cell(cell) for cell in row])  # a comment, a reference, a key: anything typed by someone


@login_required
def contacts_csv(request: HttpRequest, year: int, participant_id: int) -> StreamingHttpResponse:
    """Every counted contact with all its answers: fixed English column names and codes, scores with a point.

    Columns `<channel>.<key>` hold the points (empty for N/A or another channel),
    `<channel>.<key>.max` the question's maximum. Never a judge. Streamed as it is read, a chunk of contacts at a
    time (dashboard.contacts.participant_contacts), so a large participant's file never sits in memory.
    """
    found = _participant_or_404(request, year, participant_id)
    response = StreamingHttpResponse(_csv_lines(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="contacts-{year}-{found.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
