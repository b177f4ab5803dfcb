from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import exceptions, pagination

# Integer columns hold 64 bits at most; a larger number in a cursor cannot match a row
# and would make SQLite raise instead of answering.
BIGINT_RANGE = range(-(2**63), 2**63)


class _PageSizeMixin:
    """?page_size= must be a whole number from 1; above the maximum it is capped."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            message = f"Enter a whole number from 1 to {self.max_page_size}."
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return min(size, self.max_page_size)


class PageNumberPagination(_PageSizeMixin, pagination.PageNumberPagination):
    page_size = 50


class CursorPagination(_PageSizeMixin, pagination.CursorPagination):
    """For long lists (votes, comments): page 2,000 costs what page 1 does."""

    page_size = 50
    ordering = "-id"
    invalid_cursor_message = "Invalid cursor."

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        # A cursor is opaque but not signed: its position must be a value of the field
        # the list is ordered by, or the database would be asked something it refuses.
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None:
            return cursor
        try:
            field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
        except FieldDoesNotExist:
            return cursor
        try:
            value = field.to_python(cursor.position)
        except (DjangoValidationError, ValueError, TypeError, OverflowError):
            raise exceptions.NotFound(self.invalid_cursor_message) from None
        if isinstance(field, models.IntegerField) and value not in BIGINT_RANGE:
            raise exceptions.NotFound(self.invalid_cursor_message)
        return cursor
