"""CSV for spreadsheets and W3C Web Annotation JSON-LD for annotations."""

import csv
import io
import json

from django.urls import reverse
from rest_framework import renderers, serializers

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value) -> str:
    """A cell a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        # A number is data, not a formula: -3 stays a number the spreadsheet can sum.
        return str(value)
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(item) for item in value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def flatten(row: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def serializer_columns(serializer) -> list[str]:
    """The CSV columns of a serializer's rows, as flatten() names them, known before any
    row is read: an empty export still has its header, and a list mixing option kinds
    keeps every kind's own fields."""
    columns = getattr(serializer, "csv_columns", None)
    if columns is not None:
        return columns()
    names = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.Serializer):
            names.extend(f"{name}.{column}" for column in serializer_columns(field))
        else:
            names.append(name)
    return names


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows, header=None):
    """Yield CSV lines for an iterable of dicts, under the given header or, without one,
    the first row's keys."""
    writer = csv.writer(_Echo())
    if header is not None:
        yield writer.writerow(header)
    for row in rows:
        flat = flatten(row)
        if header is None:
            header = list(flat)
            yield writer.writerow(header)
        yield writer.writerow([escape_cell(flat.get(name)) for name in header])
    if header is None:
        yield ""


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data]
        out = io.StringIO()
        for line in csv_lines(row if isinstance(row, dict) else {"value": row} for row in rows):
            out.write(line)
        return out.getvalue().encode(self.charset)


ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def web_annotation(item: dict, request) -> dict:
    """One annotation (as the API serialises it) in the W3C Web Annotation model."""
    annotation_url = reverse("annotation-detail", args=[item["id"]])
    option_url = reverse("policies:option-detail", args=[item["option"]])
    if request is not None:
        annotation_url = request.build_absolute_uri(annotation_url)
        option_url = request.build_absolute_uri(option_url)
    bodies = []
    if item.get("body"):
        bodies.append(
            {
                "type": "TextualBody",
                "value": item["body"],
                "format": "text/markdown",
                "purpose": "commenting",
            }
        )
    bodies += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in item["tags"]]
    return {
        "@context": ANNOTATION_CONTEXT,
        "id": annotation_url,
        "type": "Annotation",
        "motivation": "commenting",
        "created": item.get("created"),
        "modified": item.get("updated"),
        "creator": {"type": "Person", "nickname": item.get("author")},
        "body": bodies,
        "target": {
            "source": f"{option_url}#field-{item['field']}",
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": item["exact"],
                    "prefix": item["prefix"],
                    "suffix": item["suffix"],
                },
                {"type": "TextPositionSelector", "start": item["start"], "end": item["end"]},
            ],
        },
        "audience": item.get("visibility"),
        "orphaned": item.get("orphaned"),
    }


class JSONLDRenderer(renderers.JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        response = renderer_context.get("response")
        request = renderer_context.get("request")
        if data is None or (response is not None and response.status_code >= 400):
            return super().render(data, accepted_media_type, renderer_context)
        if isinstance(data, dict) and "results" in data:
            page = {
                "@context": ANNOTATION_CONTEXT,
                "type": "AnnotationPage",
                "items": [web_annotation(item, request) for item in data["results"]],
            }
            for key in ("count", "next", "previous"):
                if key in data:
                    page[{"previous": "prev"}.get(key, key)] = data[key]
            data = page
        elif isinstance(data, list):
            data = {
                "@context": ANNOTATION_CONTEXT,
                "type": "AnnotationPage",
                "items": [web_annotation(item, request) for item in data],
            }
        else:
            data = web_annotation(data, request)
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
