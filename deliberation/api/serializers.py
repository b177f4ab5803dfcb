"""What the API reads and writes. Serializers check shapes and types only; the rules
(who may, what is allowed) live in the service functions the views call."""

from django.conf import settings
from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deliberation.models import (
    Annotation,
    Comment,
    Endorsement,
    Flag,
    Stance,
    Visibility,
    Vote,
    VoteChoice,
)
from policies.models import (
    Actor,
    Brief,
    Option,
    SanctionType,
    Sector,
    StrategicImplication,
    Strategy,
    Tag,
)

from .renderers import serializer_columns

User = get_user_model()


@extend_schema_field({"type": "string", "nullable": True, "description": "Username."})
class UsernameField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, user):
        return user.get_username()


@extend_schema_field({"type": "array", "items": {"type": "string"}, "description": "Slugs."})
class SlugListField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, related):
        return [item.slug for item in related.all()]


@extend_schema_field({"type": "string", "nullable": True, "description": "A slug."})
class SlugField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, item):
        return item.slug


def _slugs(**kwargs):
    return SlugListField(**kwargs)


@extend_schema_field({"type": "array", "items": {"type": "string"}, "description": "Slugs."})
class KindLinkField(serializers.Field):
    """Slugs of one of the kind's links: those the view attached to a whole page at once
    (option.kind_links), else read through the relation."""

    def __init__(self, link, **kwargs):
        self.link = link
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, option):
        links = getattr(option, "kind_links", None)
        if links is not None:
            return links[self.link]
        return [item.slug for item in super().get_attribute(option).all()]

    def to_representation(self, slugs):
        return slugs


# Catalogue ----------------------------------------------------------------------------


class TallySerializer(serializers.Serializer):
    support = serializers.IntegerField(source="tally_support", read_only=True)
    oppose = serializers.IntegerField(source="tally_oppose", read_only=True)
    abstain = serializers.IntegerField(source="tally_abstain", read_only=True)
    net = serializers.IntegerField(source="tally_net", read_only=True)


class OptionBaseSerializer(serializers.Serializer):
    """The fields every option has; read from an Option row annotated by the view."""

    slug = serializers.SlugField(read_only=True)
    kind = serializers.ChoiceField(choices=Option.Kind.choices, read_only=True)
    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    body_html = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Option.Status.choices, read_only=True)
    brief = SlugField()
    tags = _slugs()
    actors = _slugs()
    sectors = _slugs()
    author = UsernameField(allow_null=True)
    created = serializers.DateTimeField(read_only=True)
    updated = serializers.DateTimeField(read_only=True)
    tally = TallySerializer(source="*", read_only=True)
    comment_count = serializers.IntegerField(read_only=True)
    annotation_count = serializers.IntegerField(read_only=True)
    my_vote = serializers.ChoiceField(
        choices=VoteChoice.choices,
        read_only=True,
        allow_null=True,
        help_text="The caller's vote on this option, or null.",
    )
    url = serializers.SerializerMethodField()

    def get_url(self, option) -> str:
        return option.get_absolute_url()


class StrategySerializer(OptionBaseSerializer):
    expected_impact = serializers.CharField(source="strategy.expected_impact", read_only=True)
    expected_impact_html = serializers.CharField(
        source="strategy.expected_impact_html", read_only=True
    )
    time_horizon = serializers.ChoiceField(
        source="strategy.time_horizon", choices=Strategy.Horizon.choices, read_only=True
    )
    implications = KindLinkField("implications", source="strategy.implications")


class InitiativeSerializer(OptionBaseSerializer):
    description = serializers.CharField(source="initiative.description", read_only=True)
    description_html = serializers.CharField(source="initiative.description_html", read_only=True)
    objectives = serializers.CharField(source="initiative.objectives", read_only=True)
    objectives_html = serializers.CharField(source="initiative.objectives_html", read_only=True)
    strategies = KindLinkField("strategies", source="initiative.strategies")
    partners = KindLinkField("partners", source="initiative.partners")


class SanctionTypeSerializer(OptionBaseSerializer):
    description = serializers.CharField(source="sanctiontype.description", read_only=True)
    description_html = serializers.CharField(source="sanctiontype.description_html", read_only=True)
    instrument = serializers.ChoiceField(
        source="sanctiontype.instrument", choices=SanctionType.Instrument.choices, read_only=True
    )
    target_sectors = KindLinkField("target_sectors", source="sanctiontype.target_sectors")
    target_actors = KindLinkField("target_actors", source="sanctiontype.target_actors")
    enforcement_notes = serializers.CharField(
        source="sanctiontype.enforcement_notes", read_only=True
    )
    enforcement_notes_html = serializers.CharField(
        source="sanctiontype.enforcement_notes_html", read_only=True
    )


KIND_SERIALIZERS = {
    Option.Kind.STRATEGY: StrategySerializer,
    Option.Kind.INITIATIVE: InitiativeSerializer,
    Option.Kind.SANCTION_TYPE: SanctionTypeSerializer,
}


class OptionSerializer(serializers.BaseSerializer):
    """Any option, with its kind's own fields alongside the common ones."""

    def to_representation(self, option):
        # One serializer per kind for the whole list: building one per row costs more
        # than the row itself.
        by_kind = self.__dict__.setdefault("_by_kind", {})
        if option.kind not in by_kind:
            by_kind[option.kind] = KIND_SERIALIZERS[option.kind](context=self.context)
        return by_kind[option.kind].to_representation(option)

    def csv_columns(self) -> list[str]:
        """The common fields, then each kind's own, each once."""
        columns = {}
        for serializer in KIND_SERIALIZERS.values():
            columns.update(dict.fromkeys(serializer_columns(serializer(context=self.context))))
        return list(columns)


def _slug_list(model, **kwargs):
    return serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=model.objects.all(), required=False, **kwargs
    )


class OptionWriteSerializer(serializers.Serializer):
    """What an editor sends to create or change an option."""

    title = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=220, required=False)
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Option.Status.choices, required=False)
    brief = serializers.SlugRelatedField(
        slug_field="slug", queryset=Brief.objects.all(), required=False, allow_null=True
    )
    tags = _slug_list(Tag)
    actors = _slug_list(Actor)
    sectors = _slug_list(Sector)


class StrategyWriteSerializer(OptionWriteSerializer):
    expected_impact = serializers.CharField(required=False, allow_blank=True)
    time_horizon = serializers.ChoiceField(choices=Strategy.Horizon.choices, required=False)
    implications = _slug_list(StrategicImplication)


class InitiativeWriteSerializer(OptionWriteSerializer):
    description = serializers.CharField(required=False, allow_blank=True)
    objectives = serializers.CharField(required=False, allow_blank=True)
    strategies = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Strategy.objects.all(), required=False
    )
    partners = _slug_list(Actor)


class SanctionTypeWriteSerializer(OptionWriteSerializer):
    description = serializers.CharField(required=False, allow_blank=True)
    instrument = serializers.ChoiceField(choices=SanctionType.Instrument.choices, required=False)
    target_sectors = _slug_list(Sector)
    target_actors = _slug_list(Actor)
    enforcement_notes = serializers.CharField(required=False, allow_blank=True)


KIND_WRITE_SERIALIZERS = {
    Option.Kind.STRATEGY: StrategyWriteSerializer,
    Option.Kind.INITIATIVE: InitiativeWriteSerializer,
    Option.Kind.SANCTION_TYPE: SanctionTypeWriteSerializer,
}


class ActorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Actor
        fields = ["slug", "name", "description", "kind", "stance"]


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["slug", "name", "description"]


class ImplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategicImplication
        fields = ["slug", "name", "description"]


class BriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Brief
        fields = ["slug", "title", "publisher", "published_on", "url", "created", "updated"]


class BriefDetailSerializer(serializers.ModelSerializer):
    options = serializers.SerializerMethodField()

    class Meta:
        model = Brief
        fields = BriefSerializer.Meta.fields + ["text", "options"]

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_options(self, brief):
        return [option.slug for option in brief.visible_options]


# Deliberation -------------------------------------------------------------------------


class CommentSerializer(serializers.ModelSerializer):
    option = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    depth = serializers.IntegerField(read_only=True, help_text="0 for a top-level comment.")
    author = UsernameField(allow_null=True)
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "option",
            "parent",
            "depth",
            "stance",
            "body",
            "body_html",
            "author",
            "endorsement_count",
            "created",
            "edited",
            "deleted",
            "hidden",
        ]
        read_only_fields = fields

    def get_body(self, comment) -> str:
        return "" if comment.deleted else comment.body

    def get_body_html(self, comment) -> str:
        return "" if comment.deleted else comment.body_html


class CommentCreateSerializer(serializers.Serializer):
    option = serializers.SlugRelatedField(slug_field="slug", queryset=Option.objects.all())
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Comment.objects.all(), required=False, allow_null=True
    )
    stance = serializers.ChoiceField(choices=Stance.choices, default=Stance.NEUTRAL)
    body = serializers.CharField(max_length=settings.COMMENT_MAX_LENGTH)


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=settings.COMMENT_MAX_LENGTH)
    stance = serializers.ChoiceField(choices=Stance.choices, required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class VoteSerializer(serializers.ModelSerializer):
    option = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    user = UsernameField(source="voter", allow_null=True)

    class Meta:
        model = Vote
        fields = ["id", "option", "choice", "user", "created", "updated"]
        read_only_fields = fields


class VoteCastSerializer(serializers.Serializer):
    option = serializers.SlugRelatedField(slug_field="slug", queryset=Option.objects.all())
    choice = serializers.ChoiceField(choices=VoteChoice.choices)


class VoteChoiceSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=VoteChoice.choices)


class EndorsementSerializer(serializers.ModelSerializer):
    user = UsernameField(allow_null=True)

    class Meta:
        model = Endorsement
        fields = ["id", "comment", "user", "created"]
        read_only_fields = fields


class EndorsementCreateSerializer(serializers.Serializer):
    comment = serializers.PrimaryKeyRelatedField(queryset=Comment.objects.all())


class FlagSerializer(serializers.ModelSerializer):
    flagged_by = UsernameField(allow_null=True)
    resolved_by = UsernameField(allow_null=True)

    class Meta:
        model = Flag
        fields = [
            "id",
            "comment",
            "annotation",
            "reason",
            "note",
            "flagged_by",
            "created",
            "resolution",
            "resolved_by",
            "resolved_at",
        ]
        read_only_fields = fields


class FlagCreateSerializer(serializers.Serializer):
    comment = serializers.PrimaryKeyRelatedField(
        queryset=Comment.objects.all(), required=False, allow_null=True
    )
    annotation = serializers.PrimaryKeyRelatedField(
        queryset=Annotation.objects.all(), required=False, allow_null=True
    )
    reason = serializers.ChoiceField(choices=Flag.Reason.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate(self, data):
        if bool(data.get("comment")) == bool(data.get("annotation")):
            raise serializers.ValidationError(
                {"comment": "Flag exactly one thing: a comment or an annotation."}
            )
        return data


class AnnotationSerializer(serializers.ModelSerializer):
    option = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = UsernameField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Annotation
        fields = [
            "id",
            "option",
            "field",
            "start",
            "end",
            "exact",
            "prefix",
            "suffix",
            "body",
            "body_html",
            "tags",
            "visibility",
            "orphaned",
            "hidden",
            "author",
            "created",
            "updated",
        ]
        read_only_fields = fields


class AnnotationCreateSerializer(serializers.Serializer):
    option = serializers.SlugRelatedField(slug_field="slug", queryset=Option.objects.all())
    field = serializers.CharField(max_length=40, default="body")
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)
    exact = serializers.CharField(
        max_length=settings.ANNOTATION_MAX_QUOTE_LENGTH, trim_whitespace=False
    )
    prefix = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )
    suffix = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )
    body = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, default=list, max_length=20
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.SHARED)


class AnnotationEditSerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=20
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)


# People and tokens --------------------------------------------------------------------


class MyVoteSerializer(serializers.ModelSerializer):
    option = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Vote
        fields = ["option", "choice", "updated"]
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    role = serializers.CharField(
        read_only=True, allow_null=True, help_text="Editor, Moderator, Analyst, or null."
    )
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)
    is_staff = serializers.BooleanField(read_only=True)
    votes = MyVoteSerializer(many=True, read_only=True)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="Username or e-mail address.", max_length=254)
    password = serializers.CharField(style={"input_type": "password"}, max_length=4096)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        read_only=True, help_text="Shown once: only a hash of it is kept."
    )
    username = serializers.CharField(read_only=True)
    expiry = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the token stops working."
    )


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True, help_text="What went wrong.")


class ValidationErrorSerializer(serializers.Serializer):
    """Each problem field (or "detail", or "non_field_errors") with its messages."""

    def to_representation(self, instance):
        return instance
