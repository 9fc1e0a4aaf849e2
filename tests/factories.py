from __future__ import annotations

from datetime import date
from typing import Any

import factory
from django.contrib.auth import get_user_model

from award.models import AwardClass, Edition, Participant, ParticipantChannel
from channels_app.models import Question


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-password")


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    year = factory.Sequence(lambda n: 2030 + n)
    name = factory.LazyAttribute(lambda edition: f"Customer Service Award {edition.year}")
    starts_on = factory.LazyAttribute(lambda edition: date(edition.year, 1, 15))
    ends_on = factory.LazyAttribute(lambda edition: date(edition.year, 4, 12))
    min_contacts_per_channel = 3


class AwardClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwardClass

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Class {n}")


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    award_class = factory.LazyAttribute(lambda p: AwardClassFactory(edition=p.edition))
    name = factory.Sequence(lambda n: f"Company {n}")

    @factory.post_generation
    def channels(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for channel in extracted if extracted is not None else ["phone"]:
            ParticipantChannel.objects.create(participant=self, channel=channel)


class QuestionFactory(factory.django.DjangoModelFactory):
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
