"""Every error under /api/ is a JSON body naming the field and the problem.

Validation errors keep DRF's shape ({"field": ["problem", ...]}); everything else is
{"detail": "problem"}. The service functions raise Django's ValidationError and
PermissionDenied; they become 400 and 403 here, so the API and the pages share rules."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("django.request")


def validation_error_detail(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        view = context.get("view")
        logger.error(
            "Server error in %s", view.__class__.__name__ if view else "the API", exc_info=exc
        )
        response = Response(
            {"detail": "Server error."}, status=status.HTTP_500_INTERNAL_SERVER_ERROR
        )
    # Errors are JSON whatever the requested format (CSV, JSON-LD, the browsable page).
    request = context.get("request")
    if request is not None and not _is_browsable(request):
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = "application/json"
    return response


def _is_browsable(request) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return getattr(renderer, "format", None) == "api"


def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": "Not found."}, status=404)
