"""The database itself refuses to change or remove a publication, whoever asks; a user's deletion leaves it as it is."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet

from award.models import Edition
from publications.models import ImmutableError, Publication, PublicationKind, PublishedAverages
from publications.services import publication_create


@pytest.fixture
def published(mini: Edition, organiser: User) -> Publication:
    return publication_create(edition=mini, kind=PublicationKind.INTERIM, user=organiser)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE publications_publication SET payload = '{}' WHERE id = %s",
        "UPDATE publications_publication SET published_by = 'someone else' WHERE id = %s",
        "DELETE FROM publications_publication WHERE id = %s",
    ],
)
def test_a_raw_update_or_delete_is_refused(published: Publication, sql: str) -> None:
    with pytest.raises(DatabaseError, match="publications are immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [published.pk])
    assert Publication.objects.get(pk=published.pk).payload == published.payload


def test_the_orm_is_refused_by_the_database_too(published: Publication) -> None:
    with pytest.raises(DatabaseError, match="publications are immutable"), transaction.atomic():
        # Past the model's own refusal (save, delete and the queryset's update all raise ImmutableError first).
        QuerySet.update(Publication.objects.filter(pk=published.pk), digest="sha256:forged")
    with pytest.raises(DatabaseError, match="publications are immutable"), transaction.atomic():
        Publication.objects.filter(pk=published.pk)._raw_delete(connection.alias)
    assert Publication.objects.get(pk=published.pk).digest == published.digest


def test_deleting_the_publishers_account_leaves_the_publication_as_it_was(published: Publication, organiser: User) -> None:
    organiser.delete()
    assert Publication.objects.get(pk=published.pk).published_by == "organiser"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # outside a test's transaction: TRUNCATE meets only the trigger
def test_truncate_is_refused_on_postgresql(published: Publication) -> None:
    with pytest.raises(DatabaseError, match="publications are immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE publications_publication CASCADE")
    assert Publication.objects.filter(pk=published.pk).exists()


# The averages frozen with a publication for the dashboards (scoring.averages) ----------------------------------


def test_the_averages_frozen_with_a_publication_are_refused_every_change(published: Publication) -> None:
    frozen = PublishedAverages.objects.get(publication=published)
    assert ["phone", "Solution", 118, 130, 5] in frozen.sums["areas"]  # the mini sample's phone: 118/130, 5 behind it
    frozen.sums = {}
    with pytest.raises(ImmutableError):
        frozen.save()
    with pytest.raises(ImmutableError):
        frozen.delete()
    with pytest.raises(ImmutableError):
        PublishedAverages.objects.filter(pk=published.pk).update(sums={})
    with pytest.raises(ImmutableError):
        PublishedAverages.objects.all().delete()
    for sql in (
        "UPDATE publications_publishedaverages SET sums = '{}' WHERE publication_id = %s",
        "DELETE FROM publications_publishedaverages WHERE publication_id = %s",
    ):
        refused = pytest.raises(DatabaseError, match="published averages are immutable")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [published.pk])
    assert PublishedAverages.objects.get(publication=published).sums["areas"] != []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # outside a test's transaction: TRUNCATE meets only the trigger
def test_truncating_the_frozen_averages_is_refused_on_postgresql(published: Publication) -> None:
    with (
        pytest.raises(DatabaseError, match="published averages are immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE publications_publishedaverages")
    assert PublishedAverages.objects.filter(pk=published.pk).exists()
