"""What every organisers' endpoint shares: who may call it, how an edition or an object is found, how a created object
is answered, and the path parameters as the schema names them."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from api.errors import field_errors
from api.permissions import IsOrganiser, TokenScopes
from award.models import Edition
from award.services import Invalid

M = TypeVar("M", bound=Model)

TAGS = ["organiser"]
YEAR = OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description="The edition's year, e.g. 2021.")
# drf-spectacular names a `pk` of the path `id` (SCHEMA_COERCE_PATH_PK).
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The object's id.")


class OrganiserView(GenericAPIView):  # no model of its own: each method says what it answers
    """Organisers only (a superuser counts): a judge or a company user is refused 403, nobody logged in 401; a token
    answers within its scopes (read for GET, write for the rest)."""

    permission_classes = [IsAuthenticated, TokenScopes, IsOrganiser]

    def user(self) -> User:
        """The caller: IsAuthenticated has let only a signed-in account through."""
        return cast(User, self.request.user)

    def paginated(self, queryset: QuerySet[Any], serializer: type[BaseSerializer[Any]]) -> Response:
        """One page of the list, as the view's pagination cuts it (page numbers, or a cursor for long lists)."""
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer(page, many=True).data)


def edition_of(year: int) -> Edition:
    """The edition of the path's year, or 404."""
    edition = Edition.objects.filter(year=year).first()
    if edition is None:
        raise exceptions.NotFound()
    return edition


def found(queryset: QuerySet[M], pk: int) -> M:
    """The object of the path's id, or 404."""
    found_object = queryset.filter(pk=pk).first()
    if found_object is None:
        raise exceptions.NotFound()
    return found_object


def refused(invalid: Invalid, renames: dict[str, str]) -> exceptions.ValidationError:
    """A service's refusal as a 400 naming the request's fields (the service's names given in `renames`)."""
    return exceptions.ValidationError(field_errors(invalid.errors, renames=renames))


def created(request: Request, data: Any, url_name: str, **kwargs: Any) -> Response:
    """201 with the new object and its address in Location."""
    location = request.build_absolute_uri(reverse(f"api:organiser:{url_name}", kwargs=kwargs))
    return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


def no_body(request: Request) -> None:
    """Read the body of a POST that takes none, so that one in another format is still refused (415), as elsewhere."""
    request.data  # noqa: B018  (parsing is what refuses it)


class Refused(exceptions.APIException):
    """409: the step cannot be taken in the state things are in now (a stale review, a job already confirmed)."""

    status_code = status.HTTP_409_CONFLICT
