"""The OpenAPI schema documents the error bodies every operation may return, and how a
token is sent."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse

from .serializers import ErrorSerializer

VALIDATION_ERROR = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=(
        "Bad input: an object naming each field in error with a list of its problems "
        '(e.g. {"body": ["Ensure this field has no more than 5000 characters."]}), '
        'or {"detail": "…"} for a body that is not valid JSON.'
    ),
)


_NULLABLE_URL = {"type": "string", "format": "uri", "nullable": True}
WEB_ANNOTATION = {
    "type": "object",
    "description": "A note as a W3C Web Annotation (https://www.w3.org/TR/annotation-model/).",
    "required": ["@context", "id", "type", "body", "target"],
    "properties": {
        "@context": {"type": "string", "format": "uri"},
        "id": {"type": "string", "format": "uri"},
        "type": {"type": "string", "enum": ["Annotation"]},
        "motivation": {"type": "string"},
        "created": {"type": "string", "format": "date-time"},
        "modified": {"type": "string", "format": "date-time"},
        "creator": {"type": "object"},
        "body": {"type": "array", "items": {"type": "object"}},
        "target": {
            "type": "object",
            "required": ["source", "selector"],
            "properties": {
                "source": {"type": "string", "format": "uri"},
                "selector": {"type": "array", "items": {"type": "object"}},
            },
        },
        "audience": {"type": "string"},
        "orphaned": {"type": "boolean"},
    },
}
WEB_ANNOTATION_PAGE = {
    "type": "object",
    "description": "A page of notes as a W3C AnnotationPage.",
    "required": ["@context", "type", "items"],
    "properties": {
        "@context": {"type": "string", "format": "uri"},
        "type": {"type": "string", "enum": ["AnnotationPage"]},
        "items": {"type": "array", "items": WEB_ANNOTATION},
        "count": {"type": "integer"},
        "next": _NULLABLE_URL,
        "prev": _NULLABLE_URL,
    },
}
CSV_BODY = {"type": "string", "description": "CSV with a header line; see docs/api.md."}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        # The other formats have shapes of their own, not the JSON one.
        for code, response in responses.items():
            content = response.get("content", {}) if code.startswith("2") else {}
            if "text/csv" in content:
                content["text/csv"] = {"schema": CSV_BODY}
            if "application/ld+json" in content:
                json_schema = content.get("application/json", {}).get("schema", {})
                is_list = (
                    "Paginated" in json_schema.get("$ref", "") or json_schema.get("type") == "array"
                )
                content["application/ld+json"] = {
                    "schema": WEB_ANNOTATION_PAGE if is_list else WEB_ANNOTATION
                }
        errors = {
            "400": VALIDATION_ERROR,
            "401": OpenApiResponse(ErrorSerializer, description="Not logged in or bad token."),
            "403": OpenApiResponse(ErrorSerializer, description="Not allowed by the rules."),
            "404": OpenApiResponse(ErrorSerializer, description="No such item, or not visible."),
            "405": OpenApiResponse(ErrorSerializer, description="Method not allowed."),
            "406": OpenApiResponse(ErrorSerializer, description="Unsupported format."),
            "415": OpenApiResponse(ErrorSerializer, description="Unsupported media type."),
            "429": OpenApiResponse(
                ErrorSerializer, description="Too many requests; the Retry-After header says when."
            ),
        }
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    response, code, ["application/json"], direction
                )
        return responses


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "deliberation.api.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )
