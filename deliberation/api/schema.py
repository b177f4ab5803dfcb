"""The OpenAPI schema documents the error bodies every operation may return."""

from drf_spectacular.openapi import AutoSchema
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


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
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
