"""The database itself refuses to change or remove a publication, whoever asks; a user's deletion leaves it as it is."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet

from award.models import Edition
from publications.models import Publication, PublicationKind
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
