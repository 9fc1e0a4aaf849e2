from __future__ import annotations

from datetime import date
from typing import Any, cast

import factory
from django.contrib.auth.models import User

from award.models import AwardClass, Edition, Participant, ParticipantChannel
from channels_app.models import Question


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-password")


class EditionFactory(factory.django.DjangoModelFactory[Edition]):
    class Meta:
        model = Edition

    year = factory.Sequence(lambda n: 2030 + n)
    name = factory.LazyAttribute(lambda edition: f"Customer Service Award {edition.year}")
    starts_on = factory.LazyAttribute(lambda edition: date(edition.year, 1, 15))
    ends_on = factory.LazyAttribute(lambda edition: date(edition.year, 4, 12))
    min_contacts_per_channel = 3


class AwardClassFactory(factory.django.DjangoModelFactory[AwardClass]):
    class Meta:
        model = AwardClass

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Class {n}")


class ParticipantFactory(factory.django.DjangoModelFactory[Participant]):
    class Meta:
        model = Participant
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    award_class = factory.LazyAttribute(lambda p: AwardClassFactory.create(edition=p.edition))
    name = factory.Sequence(lambda n: f"Company {n}")

    @factory.post_generation
    def channels(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        participant = cast(Participant, self)  # a post_generation hook is called with the object made
        for channel in extracted if extracted is not None else ["phone"]:
            ParticipantChannel.objects.create(participant=participant, channel=channel)


class QuestionFactory(factory.django.DjangoModelFactory[Question]):
    class Meta:
        model = Question

    edition = factory.SubFactory(EditionFactory)
    channel = "phone"
    key = factory.Sequence(lambda n: f"q{n}")
    text = factory.LazyAttribute(lambda q: f"Question {q.key}?")
    area = "Solution"
    max_points = 5
    counts = True
    position = factory.Sequence(lambda n: n)
