"""Baselines the scenarios are measured against, served by the same server."""

from django.http import HttpResponse, JsonResponse

from policies.models import Option

OPTION_COLUMNS = ("id", "slug", "title", "kind", "summary", "status", "created", "updated")
# The query is built once; each request only runs it.
FIRST_PAGE = Option.objects.published().order_by("kind", "title", "id").values(*OPTION_COLUMNS)


def hello(request):
    """The framework's ceiling: routing and middleware, no database, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


def options_json(request):
    """The first 50 published options as JSON from one query, no serializer."""
    rows = list(FIRST_PAGE[:50])
    return JsonResponse({"count": len(rows), "results": rows})
