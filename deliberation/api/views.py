"""The API's views. Reads are scoped to what the caller may see; writes hand off to
the service functions the pages use, so a rule holds in both."""

import hashlib
import re
from itertools import islice

from allauth.account.adapter import get_adapter as get_account_adapter
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, Prefetch, Subquery, Value
from django.db.models.fields import CharField
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularSwaggerSplitView
from knox.models import AuthToken
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView
from rest_framework.views import APIView

from deliberation import annotations as annotation_services
from deliberation import freshness, ratelimit, services
from deliberation import permissions as rules
from deliberation.models import (
    Annotation,
    Comment,
    Endorsement,
    Flag,
    Vote,
    with_discussion_counts,
    with_tally,
)
from policies import services as option_services
from policies.models import (
    Actor,
    Brief,
    Initiative,
    Option,
    SanctionType,
    Sector,
    StrategicImplication,
    Strategy,
)

from . import serializers as s
from .filters import (
    AliasOrderingFilter,
    AnnotationFilterSet,
    ApiOptionFilterSet,
    CommentFilterSet,
    VoteFilterSet,
)
from .pagination import CursorPagination
from .permissions import IsEditorOrReadOnly
from .renderers import CSVRenderer, JSONLDRenderer, csv_lines, serializer_columns
from .schema import ApiAutoSchema
from .throttling import AnonRateThrottle, UserRateThrottle
from .tokens import TokenAuthentication, issue_token, revoke_tokens

User = get_user_model()

EXPORT_CHUNK_SIZE = 1000


class ApiMixin:
    # Token first, so a client without credentials gets 401 with WWW-Authenticate.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    filter_backends = [DjangoFilterBackend, AliasOrderingFilter]
    schema = ApiAutoSchema()


class PublicReadCacheMixin:
    """Anonymous JSON reads of a list or an item are answered from the shared cache while
    the site's content is unchanged (deliberation/freshness.py): the catalogue is read far
    more often than it changes, and every write moves the content version on, so a cached
    answer is never stale. Searches always run, so they show what the index costs."""

    def public_cache_key(self, request) -> str | None:
        if (
            not freshness.enabled()
            or request.method != "GET"
            or request.user.is_authenticated
            or "search" in request.query_params
            or getattr(request.accepted_renderer, "format", None) != "json"
        ):
            return None
        url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        return f"api-read:{freshness.content_version()}:{url}"

    def _cached(self, request, compute):
        key = self.public_cache_key(request)
        if key is None:
            return compute()
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content, content_type="application/json")
        response = compute()
        if response.status_code == 200:
            response.add_post_render_callback(
                lambda rendered: cache.set(key, rendered.content, freshness.RESPONSE_TTL)
            )
        return response

    def list(self, request, *args, **kwargs):
        return self._cached(
            request, lambda: super(PublicReadCacheMixin, self).list(request, *args, **kwargs)
        )

    def retrieve(self, request, *args, **kwargs):
        return self._cached(
            request, lambda: super(PublicReadCacheMixin, self).retrieve(request, *args, **kwargs)
        )


class KindLinksMixin:
    """Lists, items and exports of options carry their kinds' links (attach_kind_links)."""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return page if page is None else attach_kind_links(page, self.request.user, self.kind)

    def prepare_rows(self, rows):
        return attach_kind_links(super().prepare_rows(rows), self.request.user, self.kind)

    def retrieve(self, request, *args, **kwargs):
        option = self.get_object()
        attach_kind_links([option], request.user, self.kind)
        return Response(self.get_serializer(option).data)


def _iso(moment):
    """A time as DRF's DateTimeField writes it: ISO 8601 in the current zone, UTC as Z."""
    text = timezone.localtime(moment).isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def _joined(lines, size):
    """Lines sent a thousand at a time rather than one by one."""
    for chunk in _chunks(lines, size):
        yield "".join(chunk)


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class CSVExportMixin:
    """?format=csv on a list streams every matching row (not just one page), reading the
    database in chunks, so memory stays flat however many rows there are."""

    export_name = "export"

    def prepare_rows(self, rows):
        return rows

    def export_rows(self, queryset):
        """The rows of the export as dicts, as the list's serializer shows them."""
        # One serializer for every row: building one per row costs more than the row.
        serializer = self.get_serializer_class()(context=self.get_serializer_context())
        for chunk in _chunks(queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE), EXPORT_CHUNK_SIZE):
            for item in self.prepare_rows(chunk):
                yield serializer.to_representation(item)

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", None) != "csv":
            return super().list(request, *args, **kwargs)
        rows = self.export_rows(self.filter_queryset(self.get_queryset()))
        header = serializer_columns(self.get_serializer())
        response = StreamingHttpResponse(
            _joined(csv_lines(rows, header), EXPORT_CHUNK_SIZE),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{self.export_name}.csv"'
        return response


# Root ---------------------------------------------------------------------------------


class ApiRootView(ApiMixin, APIRootView):
    """Every resource of the API. Reading needs no login; writing needs a token
    (POST /api/auth/token/) or a session."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    extra_links = {
        "me": "api-me",
        "auth/token": "api-token",
        "schema": "api-schema",
        "docs": "api-docs",
    }

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        for key, url_name in self.extra_links.items():
            response.data[key] = reverse(url_name, request=request, format=kwargs.get("format"))
        return response


# Catalogue ----------------------------------------------------------------------------

OPTION_ORDERING = ["tally_net", "tally_support", "comment_count", "created", "updated", "title"]
OPTION_ORDERING_ALIASES = {"net": "tally_net", "support": "tally_support"}
KIND_ROW = {
    Option.Kind.STRATEGY: "strategy",
    Option.Kind.INITIATIVE: "initiative",
    Option.Kind.SANCTION_TYPE: "sanctiontype",
}
# The kinds' own links, as (name in the API, the many-to-many field).
KIND_LINKS = {
    Option.Kind.STRATEGY: [("implications", Strategy._meta.get_field("implications"))],
    Option.Kind.INITIATIVE: [
        ("strategies", Initiative._meta.get_field("strategies")),
        ("partners", Initiative._meta.get_field("partners")),
    ],
    Option.Kind.SANCTION_TYPE: [
        ("target_sectors", SanctionType._meta.get_field("target_sectors")),
        ("target_actors", SanctionType._meta.get_field("target_actors")),
    ],
}


def options_for(user, kind=None):
    """Options the user may see, with tallies, discussion counts and the user's vote.
    The kinds' own links come with attach_kind_links(), once the page is known."""
    options = Option.objects.visible_to(user)
    kinds = [kind] if kind else list(KIND_ROW)
    if kind:
        options = options.of_kind(kind)
    options = options.select_related("brief", "author", *[KIND_ROW[k] for k in kinds])
    options = options.prefetch_related("tags", "actors", "sectors")
    options = with_discussion_counts(with_tally(options))
    if user.is_authenticated:
        my_vote = Vote.objects.filter(option=OuterRef("pk"), voter=user).values("choice")[:1]
        options = options.annotate(my_vote=Subquery(my_vote))
    else:
        options = options.annotate(my_vote=Value(None, output_field=CharField()))
    return options.order_by("kind", "title", "pk")


def attach_kind_links(options, user, kind=None):
    """Give each option the slugs of its kind's links (implications, strategies,
    partners, targets): one query per link whatever kinds the page holds, so a list
    costs the same number of queries on every page. Linked strategies are only those
    the user may see."""
    options = list(options)
    wanted = [link for k, links in KIND_LINKS.items() if kind in (None, k) for link in links]
    links = {option.pk: {name: [] for name, _ in wanted} for option in options}
    if options:
        visible = Option.objects.visible_to(user).values("pk")
        for name, field in wanted:
            owner, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            rows = field.remote_field.through.objects.filter(**{f"{owner}_id__in": list(links)})
            if field.related_model is Strategy:
                rows = rows.filter(**{f"{target}_id__in": visible})
            ordering = [
                f"-{target}__{key[1:]}" if key.startswith("-") else f"{target}__{key}"
                for key in field.related_model._meta.ordering
            ]
            rows = rows.order_by(*ordering).values_list(f"{owner}_id", f"{target}__slug")
            for owner_id, slug in rows:
                links[owner_id][name].append(slug)
    for option in options:
        option.kind_links = links[option.pk]
    return options


OPTION_LIST_PARAMETERS = [
    OpenApiParameter(
        "ordering",
        str,
        description="net, support, comment_count, created, updated or title; '-' for descending.",
    )
]


@extend_schema_view(
    list=extend_schema(
        responses=PolymorphicProxySerializer(
            component_name="AnyOption",
            serializers={kind.value: cls for kind, cls in s.KIND_SERIALIZERS.items()},
            resource_type_field_name="kind",
            many=True,
        ),
        parameters=OPTION_LIST_PARAMETERS,
    ),
    retrieve=extend_schema(
        responses=PolymorphicProxySerializer(
            component_name="AnyOption",
            serializers={kind.value: cls for kind, cls in s.KIND_SERIALIZERS.items()},
            resource_type_field_name="kind",
        )
    ),
)
class OptionViewSet(
    ApiMixin, PublicReadCacheMixin, KindLinksMixin, CSVExportMixin, viewsets.ReadOnlyModelViewSet
):
    """Every option of every kind, with its tally, discussion counts and your vote."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    serializer_class = s.OptionSerializer
    filterset_class = ApiOptionFilterSet
    filter_backends = [DjangoFilterBackend, AliasOrderingFilter]
    ordering_fields = OPTION_ORDERING
    ordering_aliases = OPTION_ORDERING_ALIASES
    kind = None
    export_name = "options"

    def get_queryset(self):
        return options_for(self.request.user, self.kind)

    def get_serializer_class(self):
        if self.kind:
            return s.KIND_SERIALIZERS[self.kind]
        return s.OptionSerializer

    @extend_schema(
        methods=["GET"],
        responses={200: s.VoteSerializer},
        description="Your vote on this option (404 when you have not voted).",
    )
    @extend_schema(
        methods=["PUT"],
        request=s.VoteChoiceSerializer,
        responses={200: s.VoteSerializer, 201: s.VoteSerializer},
        description="Cast or change your vote on this option.",
    )
    @extend_schema(methods=["DELETE"], responses={204: None}, description="Withdraw your vote.")
    @action(
        detail=True,
        methods=["get", "put", "delete"],
        permission_classes=[IsAuthenticated],
        filter_backends=[],
        pagination_class=None,
    )
    def vote(self, request, slug=None):
        option = self.get_object()
        if request.method == "GET":
            vote = Vote.objects.filter(option=option, voter=request.user).first()
            if vote is None:
                return Response({"detail": "You have not voted on this option."}, status=404)
            return Response(s.VoteSerializer(vote).data)
        if request.method == "DELETE":
            services.vote_withdraw(voter=request.user, option=option)
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = s.VoteChoiceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return cast_vote(request.user, option, serializer.validated_data["choice"])


def check_write_rate(user):
    """The pages' write limit (settings.WRITE_RATE_LIMIT) holds for the API too."""
    if user.is_authenticated and not ratelimit.write_allowed(user):
        raise exceptions.Throttled(wait=60, detail=ratelimit.RATE_LIMITED_MESSAGE)


def cast_vote(user, option, choice):
    existed = Vote.objects.filter(option=option, voter=user).exists()
    vote = services.vote_cast(voter=user, option=option, choice=choice)
    vote = Vote.objects.select_related("option", "voter").get(pk=vote.pk)
    return Response(
        s.VoteSerializer(vote).data,
        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
    )


class KindOptionViewSet(
    ApiMixin,
    KindLinksMixin,
    CSVExportMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Options of one kind. Editors create and change them."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = ApiOptionFilterSet
    filter_backends = OptionViewSet.filter_backends
    ordering_fields = OPTION_ORDERING
    ordering_aliases = OPTION_ORDERING_ALIASES
    permission_classes = [IsEditorOrReadOnly]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    kind = None

    def get_queryset(self):
        return options_for(self.request.user, self.kind)

    def get_serializer_class(self):
        if self.request.method in ("POST", "PUT", "PATCH"):
            return s.KIND_WRITE_SERIALIZERS[self.kind]
        return s.KIND_SERIALIZERS[self.kind]

    def _respond(self, option, code):
        option = self.get_queryset().get(pk=option.pk)
        data = s.KIND_SERIALIZERS[self.kind](option, context=self.get_serializer_context()).data
        return Response(data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        option = option_services.option_create(
            kind=self.kind, author=request.user, **serializer.validated_data
        )
        return self._respond(option, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        option = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        option_services.option_update(
            option=option.specific, by=request.user, **serializer.validated_data
        )
        return self._respond(option, status.HTTP_200_OK)


def _kind_viewset(kind, name, doc):
    read = s.KIND_SERIALIZERS[kind]
    write = s.KIND_WRITE_SERIALIZERS[kind]
    viewset = type(name, (KindOptionViewSet,), {"kind": kind, "export_name": kind, "__doc__": doc})
    return extend_schema_view(
        list=extend_schema(parameters=OPTION_LIST_PARAMETERS),
        create=extend_schema(request=write, responses={201: read}),
        update=extend_schema(request=write, responses={200: read}),
        partial_update=extend_schema(request=write, responses={200: read}),
    )(viewset)


StrategyViewSet = _kind_viewset(Option.Kind.STRATEGY, "StrategyViewSet", "Strategies.")
InitiativeViewSet = _kind_viewset(Option.Kind.INITIATIVE, "InitiativeViewSet", "Initiatives.")
SanctionTypeViewSet = _kind_viewset(
    Option.Kind.SANCTION_TYPE, "SanctionTypeViewSet", "Sanction types."
)


class _VocabularyViewSet(ApiMixin, CSVExportMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    ordering_fields = ["name"]
    filter_backends = [AliasOrderingFilter]


class ActorViewSet(_VocabularyViewSet):
    """States and organisations the options concern."""

    queryset = Actor.objects.order_by("name", "pk")
    serializer_class = s.ActorSerializer
    export_name = "actors"


class SectorViewSet(_VocabularyViewSet):
    """Economic and military sectors."""

    queryset = Sector.objects.order_by("name", "pk")
    serializer_class = s.SectorSerializer
    export_name = "sectors"


class ImplicationViewSet(_VocabularyViewSet):
    """Strategic implications that strategies bear on."""

    queryset = StrategicImplication.objects.order_by("name", "pk")
    serializer_class = s.ImplicationSerializer
    export_name = "implications"


class BriefViewSet(ApiMixin, CSVExportMixin, viewsets.ReadOnlyModelViewSet):
    """Policy briefs the options are drawn from."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    ordering_fields = ["title", "published_on", "created"]
    filter_backends = [AliasOrderingFilter]
    export_name = "briefs"

    def get_queryset(self):
        briefs = Brief.objects.order_by(*Brief._meta.ordering)
        if self.action == "retrieve":
            visible = Option.objects.visible_to(self.request.user).order_by("kind", "title")
            briefs = briefs.prefetch_related(
                Prefetch(
                    "options", queryset=visible.only("slug", "brief_id"), to_attr="visible_options"
                )
            )
        return briefs

    def get_serializer_class(self):
        return s.BriefDetailSerializer if self.action == "retrieve" else s.BriefSerializer


# Deliberation -------------------------------------------------------------------------


def attach_depths(comments):
    """Set .depth on each comment with one query over the threads of their options."""
    comments = list(comments)
    if not comments:
        return comments
    option_ids = {c.option_id for c in comments}
    ids = [c.pk for c in comments]
    depths = dict(
        Comment.objects.with_tree_fields()
        .tree_filter(option_id__in=option_ids)
        .filter(pk__in=ids)
        .values_list("pk", "tree_depth")
    )
    for comment in comments:
        comment.depth = depths.get(comment.pk, 0)
    return comments


def comments_visible_to(user):
    """Comments on options the user may see; hidden ones for moderators only."""
    comments = Comment.objects.filter(option__in=Option.objects.visible_to(user).values("pk"))
    if not rules.can_moderate(user):
        comments = comments.filter(hidden=False)
    return comments


def _no_such_comment(user, comment):
    if comment is not None and not comments_visible_to(user).filter(pk=comment.pk).exists():
        return Response({"comment": ["No such comment."]}, status=400)
    return None


class DepthPaginationMixin:
    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return attach_depths(page) if page is not None else None

    def prepare_rows(self, rows):
        return attach_depths(rows)


@extend_schema_view(
    create=extend_schema(request=s.CommentCreateSerializer, responses={201: s.CommentSerializer}),
    partial_update=extend_schema(
        request=s.CommentEditSerializer, responses={200: s.CommentSerializer}
    ),
    update=extend_schema(request=s.CommentEditSerializer, responses={200: s.CommentSerializer}),
)
class CommentViewSet(ApiMixin, DepthPaginationMixin, CSVExportMixin, viewsets.ModelViewSet):
    """Arguments for and against the options, in threads. Analysts write; authors edit and
    delete their own; moderators hide and restore."""

    serializer_class = s.CommentSerializer
    filterset_class = CommentFilterSet
    pagination_class = CursorPagination
    ordering_fields = ["id", "created"]
    export_name = "comments"

    def get_queryset(self):
        # An option row carries its whole text; a comment needs only its slug. Authors
        # come by id for the page alone: joined, the planner hashes every account.
        return (
            comments_visible_to(self.request.user)
            .select_related("option")
            .defer("option__body", "option__body_html", "option__body_text")
            .prefetch_related("author")
        )

    def get_object(self):
        comment = super().get_object()
        attach_depths([comment])
        return comment

    def _respond(self, comment, code=status.HTTP_200_OK):
        comment = Comment.objects.select_related("option", "author").get(pk=comment.pk)
        attach_depths([comment])
        return Response(s.CommentSerializer(comment).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = s.CommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not Option.objects.visible_to(request.user).filter(pk=data["option"].pk).exists():
            return Response({"option": ["No such option."]}, status=400)
        check_write_rate(request.user)
        comment = services.comment_create(
            author=request.user,
            option=data["option"],
            body=data["body"],
            stance=data["stance"],
            parent=data.get("parent"),
        )
        return self._respond(comment, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        comment = self.get_object()
        serializer = s.CommentEditSerializer(
            data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        check_write_rate(request.user)
        comment = services.comment_edit(
            user=request.user,
            comment=comment,
            body=data.get("body", comment.body),
            stance=data.get("stance"),
        )
        return self._respond(comment)

    def destroy(self, request, *args, **kwargs):
        services.comment_delete(user=request.user, comment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.CommentSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def hide(self, request, pk=None):
        """Moderators: hide the comment pending review, with a reason."""
        serializer = s.ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.comment_hide(
            moderator=request.user,
            comment=self.get_object(),
            reason=serializer.validated_data["reason"],
        )
        return self._respond(comment)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.CommentSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def restore(self, request, pk=None):
        """Moderators: show a hidden comment again, with a reason."""
        serializer = s.ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.comment_restore(
            moderator=request.user,
            comment=self.get_object(),
            reason=serializer.validated_data["reason"],
        )
        return self._respond(comment)


@extend_schema_view(
    create=extend_schema(
        request=s.VoteCastSerializer,
        responses={200: s.VoteSerializer, 201: s.VoteSerializer},
        description="Cast your vote, or replace it: one vote per analyst and option.",
    ),
    update=extend_schema(request=s.VoteChoiceSerializer, responses={200: s.VoteSerializer}),
    partial_update=extend_schema(request=s.VoteChoiceSerializer, responses={200: s.VoteSerializer}),
)
class VoteViewSet(ApiMixin, CSVExportMixin, viewsets.ModelViewSet):
    """Votes on options: support, oppose or abstain."""

    serializer_class = s.VoteSerializer
    filterset_class = VoteFilterSet
    pagination_class = CursorPagination
    ordering_fields = ["id", "updated"]
    export_name = "votes"

    def get_queryset(self):
        # Only the columns a vote shows: an option row carries its whole text, and the
        # CSV export reads a million of them.
        return (
            Vote.objects.filter(
                option__in=Option.objects.visible_to(self.request.user).values("pk")
            )
            .select_related("option", "voter")
            .only(
                "id",
                "choice",
                "created",
                "updated",
                "option__id",
                "option__slug",
                "voter__id",
                "voter__username",
            )
        )

    def export_rows(self, queryset):
        # Every vote can be millions of rows: read plain values, not model objects, and
        # write them exactly as VoteSerializer does.
        columns = ("id", "option__slug", "choice", "voter__username", "created", "updated")
        rows = queryset.order_by("id").values_list(*columns)
        for pk, option, choice, user, created, updated in rows.iterator(EXPORT_CHUNK_SIZE):
            yield {
                "id": pk,
                "option": option,
                "choice": choice,
                "user": user,
                "created": _iso(created),
                "updated": _iso(updated),
            }

    def create(self, request, *args, **kwargs):
        serializer = s.VoteCastSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        option = serializer.validated_data["option"]
        if not Option.objects.visible_to(request.user).filter(pk=option.pk).exists():
            return Response({"option": ["No such option."]}, status=400)
        return cast_vote(request.user, option, serializer.validated_data["choice"])

    def update(self, request, *args, **kwargs):
        vote = self.get_object()
        if vote.voter_id != request.user.pk:
            return Response({"detail": "Only the voter may change a vote."}, status=403)
        serializer = s.VoteChoiceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return cast_vote(request.user, vote.option, serializer.validated_data["choice"])

    def destroy(self, request, *args, **kwargs):
        vote = self.get_object()
        if vote.voter_id != request.user.pk:
            return Response({"detail": "Only the voter may withdraw a vote."}, status=403)
        services.vote_withdraw(voter=request.user, option=vote.option)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    create=extend_schema(
        request=s.EndorsementCreateSerializer,
        responses={200: s.EndorsementSerializer, 201: s.EndorsementSerializer},
    )
)
class EndorsementViewSet(
    ApiMixin,
    CSVExportMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Endorsements of arguments by analysts other than their authors."""

    serializer_class = s.EndorsementSerializer
    filterset_fields = ["comment"]
    ordering_fields = ["id", "created"]
    export_name = "endorsements"

    def get_queryset(self):
        comments = Comment.objects.filter(
            option__in=Option.objects.visible_to(self.request.user).values("pk"), hidden=False
        )
        return (
            Endorsement.objects.filter(comment__in=comments.values("pk"))
            .select_related("user")
            .order_by("-id")
        )

    def create(self, request, *args, **kwargs):
        serializer = s.EndorsementCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = serializer.validated_data["comment"]
        if missing := _no_such_comment(request.user, comment):
            return missing
        existed = Endorsement.objects.filter(comment=comment, user=request.user).exists()
        endorsement = services.endorsement_create(user=request.user, comment=comment)
        return Response(
            s.EndorsementSerializer(endorsement).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    def destroy(self, request, *args, **kwargs):
        endorsement = self.get_object()
        if endorsement.user_id != request.user.pk:
            return Response({"detail": "Only who endorsed may withdraw it."}, status=403)
        services.endorsement_delete(user=request.user, comment=endorsement.comment)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    create=extend_schema(request=s.FlagCreateSerializer, responses={201: s.FlagSerializer})
)
class FlagViewSet(ApiMixin, CSVExportMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Flags raised on comments and annotations: analysts see their own, moderators all."""

    serializer_class = s.FlagSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["resolution", "reason", "comment", "annotation"]
    ordering_fields = ["id", "created"]
    export_name = "flags"

    def get_queryset(self):
        flags = Flag.objects.select_related("flagged_by", "resolved_by").order_by("-id")
        if getattr(self, "swagger_fake_view", False):
            return flags.none()
        if rules.can_moderate(self.request.user):
            return flags
        return flags.filter(flagged_by=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = s.FlagCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        annotation = data.get("annotation")
        visible_annotations = Annotation.objects.visible_to(request.user).filter(
            option__in=Option.objects.visible_to(request.user).values("pk")
        )
        if annotation is not None and not visible_annotations.filter(pk=annotation.pk).exists():
            return Response({"annotation": ["No such annotation."]}, status=400)
        if missing := _no_such_comment(request.user, data.get("comment")):
            return missing
        check_write_rate(request.user)
        flag = services.flag_create(
            user=request.user,
            reason=data["reason"],
            note=data.get("note", ""),
            comment=data.get("comment"),
            annotation=annotation,
        )
        flag = Flag.objects.select_related("flagged_by", "resolved_by").get(pk=flag.pk)
        return Response(s.FlagSerializer(flag).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.FlagSerializer})
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        """Moderators: dismiss the flag, leaving the content as it is."""
        flag = self.get_object()
        services.flag_dismiss(moderator=request.user, flag=flag)
        flag = Flag.objects.select_related("flagged_by", "resolved_by").get(pk=flag.pk)
        return Response(s.FlagSerializer(flag).data)


@extend_schema_view(
    create=extend_schema(
        request=s.AnnotationCreateSerializer, responses={201: s.AnnotationSerializer}
    ),
    update=extend_schema(
        request=s.AnnotationEditSerializer, responses={200: s.AnnotationSerializer}
    ),
    partial_update=extend_schema(
        request=s.AnnotationEditSerializer, responses={200: s.AnnotationSerializer}
    ),
)
class AnnotationViewSet(ApiMixin, CSVExportMixin, viewsets.ModelViewSet):
    """Notes on passages of an option's text; also as W3C Web Annotations
    (Accept: application/ld+json or ?format=jsonld)."""

    serializer_class = s.AnnotationSerializer
    filterset_class = AnnotationFilterSet
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, JSONLDRenderer]
    ordering_fields = ["id", "created", "start"]
    export_name = "annotations"

    def get_queryset(self):
        user = self.request.user
        annotations = Annotation.objects.visible_to(user).filter(
            option__in=Option.objects.visible_to(user).values("pk")
        )
        if rules.can_moderate(user):
            annotations = annotations | Annotation.objects.filter(
                visibility="shared",
                hidden=True,
                option__in=Option.objects.visible_to(user).values("pk"),
            )
        return annotations.select_related("option", "author").order_by("option_id", "start", "id")

    def _respond(self, annotation, code=status.HTTP_200_OK):
        annotation = Annotation.objects.select_related("option", "author").get(pk=annotation.pk)
        return Response(s.AnnotationSerializer(annotation).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = s.AnnotationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if not Option.objects.visible_to(request.user).filter(pk=data["option"].pk).exists():
            return Response({"option": ["No such option."]}, status=400)
        data["tags"] = list(data.get("tags", []))
        check_write_rate(request.user)
        annotation = annotation_services.annotation_create(author=request.user, **data)
        return self._respond(annotation, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        annotation = self.get_object()
        serializer = s.AnnotationEditSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        annotation = annotation_services.annotation_edit(
            user=request.user, annotation=annotation, **serializer.validated_data
        )
        return self._respond(annotation)

    def destroy(self, request, *args, **kwargs):
        annotation_services.annotation_delete(user=request.user, annotation=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.AnnotationSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def hide(self, request, pk=None):
        """Moderators: hide a shared annotation, with a reason."""
        serializer = s.ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        annotation = annotation_services.annotation_hide(
            moderator=request.user,
            annotation=self.get_object(),
            reason=serializer.validated_data["reason"],
        )
        return self._respond(annotation)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.AnnotationSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def restore(self, request, pk=None):
        """Moderators: show a hidden annotation again, with a reason."""
        serializer = s.ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        annotation = annotation_services.annotation_restore(
            moderator=request.user,
            annotation=self.get_object(),
            reason=serializer.validated_data["reason"],
        )
        return self._respond(annotation)


# Documentation ------------------------------------------------------------------------


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from this host's static files, its set-up script served separately, and
    without the template's inline <style> (the Content Security Policy allows none)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.GET.get("script") is None and hasattr(response, "render"):
            response.render()
            response.content = re.sub(rb"\s*<style>.*?</style>", b"", response.content, flags=re.S)
        return response


# People and tokens --------------------------------------------------------------------

ROLE_ORDER = ["Editor", "Moderator", "Analyst"]


class MeView(ApiMixin, APIView):
    """You: your account, your role and your votes."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        user = request.user
        roles = sorted(
            (g for g in user.groups.values_list("name", flat=True) if g in ROLE_ORDER),
            key=ROLE_ORDER.index,
        )
        profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
        data = {
            "username": user.get_username(),
            "email": user.email,
            "display_name": (profile.display_name if profile else "") or user.get_username(),
            "role": roles[0] if roles else None,
            "roles": roles,
            "is_staff": user.is_staff,
            "votes": Vote.objects.filter(voter=user).select_related("option").order_by("-updated"),
        }
        return Response(s.MeSerializer(data).data)


class TokenView(ApiMixin, APIView):
    """POST a username (or e-mail address) and password for a new token; send it as
    `Authorization: Token <token>` until it expires. DELETE revokes the token it is sent
    with; `?all=true`, or a DELETE from a logged-in browser session, revokes every token
    of the account."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_serializer(self, *args, **kwargs):
        return s.TokenRequestSerializer(*args, **kwargs)

    @extend_schema(request=s.TokenRequestSerializer, responses={200: s.TokenSerializer})
    def post(self, request):
        serializer = s.TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        identifier = serializer.validated_data["username"].strip()
        credentials = {
            "email" if "@" in identifier else "username": identifier,
            "password": serializer.validated_data["password"],
        }
        # allauth's authentication, so that failed guesses here and on the login page
        # count together, per account and per address (ACCOUNT_RATE_LIMITS).
        try:
            user = get_account_adapter(request._request).authenticate(
                request._request, **credentials
            )
        except DjangoValidationError as error:
            raise exceptions.Throttled(detail=" ".join(error.messages)) from None
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": ["Unable to log in with these credentials."]}, status=400
            )
        instance, token = issue_token(user)
        return Response(
            s.TokenSerializer(
                {"token": token, "username": user.get_username(), "expiry": instance.expiry}
            ).data
        )

    @extend_schema(
        request=None,
        responses={204: None},
        parameters=[
            OpenApiParameter(
                "all", bool, description="Revoke every token of the account, not only this one."
            )
        ],
    )
    def delete(self, request):
        everything = request.query_params.get("all", "").lower() in ("true", "1")
        used = request.auth if isinstance(request.auth, AuthToken) else None
        revoke_tokens(request.user, None if everything or used is None else used)
        return Response(status=status.HTTP_204_NO_CONTENT)
