"""The catalogue of policy options drawn from briefs.

Every option people deliberate on is a row of Option (a concrete base table, so
comments, votes and annotations point at it with a real foreign key), extended by
one of three kinds: Strategy, Initiative or SanctionType.
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, Q, Value, When
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .text import render_markdown


class NamedQuerySet(models.QuerySet):
    def by_name(self):
        return self.order_by("name")


class NamedEntry(models.Model):
    """A named, slugged entry of a supporting vocabulary."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, db_index=False)
    description = models.TextField(blank=True)

    objects = NamedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="%(class)s_name_unique"),
            models.UniqueConstraint(fields=["slug"], name="%(class)s_slug_unique"),
            models.CheckConstraint(condition=~Q(slug=""), name="%(class)s_slug_not_empty"),
        ]

    def __str__(self):
        return self.name


class Actor(NamedEntry):
    class Kind(models.TextChoices):
        STATE = "state", "State"
        ORGANISATION = "organisation", "Organisation"

    class Stance(models.TextChoices):
        PARTY = "party", "Party to the alliance"
        ALLIED_WITH_US = "us_ally", "Allied with the United States"
        HEDGING = "hedging", "Hedging"
        NEUTRAL = "neutral", "Neutral"
        OPPOSED = "opposed", "Opposed to the alliance"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.STATE)
    stance = models.CharField(max_length=16, choices=Stance.choices, default=Stance.NEUTRAL)

    class Meta(NamedEntry.Meta):
        constraints = [
            *NamedEntry.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=["state", "organisation"]), name="actor_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(stance__in=["party", "us_ally", "hedging", "neutral", "opposed"]),
                name="actor_stance_valid",
            ),
        ]

    def get_absolute_url(self):
        return reverse("policies:option-list") + f"?actor={self.slug}"


class Sector(NamedEntry):
    def get_absolute_url(self):
        return reverse("policies:option-list") + f"?sector={self.slug}"


class StrategicImplication(NamedEntry):
    def get_absolute_url(self):
        return reverse("policies:option-list") + f"?implication={self.slug}"


class Tag(models.Model):
    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=80, db_index=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="tag_name_unique"),
            models.UniqueConstraint(fields=["slug"], name="tag_slug_unique"),
            models.CheckConstraint(condition=~Q(slug=""), name="tag_slug_not_empty"),
        ]

    def __str__(self):
        return self.name


class BriefQuerySet(models.QuerySet):
    def with_published_option_count(self):
        # A grouped query drops Meta.ordering, so the order is named again.
        return self.annotate(
            published_option_count=Count(
                "options", filter=Q(options__status=Option.Status.PUBLISHED)
            )
        ).order_by(*Brief._meta.ordering)


class Brief(models.Model):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, db_index=False)
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    url = models.URLField(blank=True)
    text = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    objects = BriefQuerySet.as_manager()

    class Meta:
        # Newest first; an undated brief last on every database.
        ordering = [F("published_on").desc(nulls_last=True), "title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="brief_slug_unique"),
            models.CheckConstraint(condition=~Q(slug=""), name="brief_slug_not_empty"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("policies:brief-detail", args=[self.slug])


class PastPolicy(NamedEntry):
    """A past U.S. policy toward East Asia and what it did to the region."""

    impact_on_east_asia = models.TextField(blank=True)
    brief = models.ForeignKey(
        Brief, models.SET_NULL, null=True, blank=True, related_name="past_policies"
    )

    class Meta(NamedEntry.Meta):
        verbose_name_plural = "past policies"


class Lesson(NamedEntry):
    """A lesson drawn from past policies."""

    past_policies = models.ManyToManyField(PastPolicy, blank=True, related_name="lessons")
    brief = models.ForeignKey(Brief, models.SET_NULL, null=True, blank=True, related_name="lessons")


class OptionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Option.Status.PUBLISHED)

    def visible_to(self, user):
        """Published options for everyone; drafts and archived ones too for editors and staff."""
        if (
            user is not None
            and user.is_authenticated
            and (user.is_staff or user.has_perm("policies.change_option"))
        ):
            return self.all()
        return self.published()

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def in_catalogue_order(self):
        """Strategies, then initiatives, then sanction types, each by title."""
        kind_position = Case(
            *(When(kind=kind, then=Value(n)) for n, kind in enumerate(Option.Kind.values)),
            default=Value(len(Option.Kind.values)),
        )
        return self.order_by(kind_position, "title", "pk")

    def with_links(self):
        return self.select_related("brief", "author").prefetch_related("tags", "actors", "sectors")


class Option(models.Model):
    class Kind(models.TextChoices):
        STRATEGY = "strategy", "Strategy"
        INITIATIVE = "initiative", "Initiative"
        SANCTION_TYPE = "sanction_type", "Sanction type"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, db_index=False)
    kind = models.CharField(max_length=16, choices=Kind.choices, editable=False)
    summary = models.CharField(max_length=300, blank=True, help_text="One line.")
    body = models.TextField(blank=True, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    body_text = models.TextField(blank=True, editable=False)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="authored_options",
    )
    brief = models.ForeignKey(Brief, models.SET_NULL, null=True, blank=True, related_name="options")
    tags = models.ManyToManyField(Tag, blank=True, related_name="options")
    actors = models.ManyToManyField(Actor, blank=True, related_name="options")
    sectors = models.ManyToManyField(Sector, blank=True, related_name="options")
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    objects = OptionQuerySet.as_manager()
    history = HistoricalRecords()

    # Text fields that are rendered from Markdown; each kind adds its own.
    rendered_fields = ("body",)

    class Meta:
        ordering = ["kind", "title"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="option_slug_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["strategy", "initiative", "sanction_type"]),
                name="option_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "archived"]),
                name="option_status_valid",
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="option_slug_not_empty"),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="option_status_kind_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("policies:option-detail", args=[self.slug])

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def specific(self):
        """The Strategy, Initiative or SanctionType row behind this option."""
        for related in ("strategy", "initiative", "sanctiontype"):
            try:
                return getattr(self, related)
            except models.ObjectDoesNotExist:
                continue
        return self

    def annotatable_fields(self) -> dict[str, str]:
        """Field name to label of the text fields readers can annotate."""
        specific = self.specific
        return {
            name: str(specific._meta.get_field(name).verbose_name).capitalize()
            for name in specific.rendered_fields
        }

    def render_text_fields(self):
        """Store the sanitised HTML and plain text of every Markdown field."""
        for name in self.rendered_fields:
            rendered = render_markdown(getattr(self, name))
            setattr(self, f"{name}_html", rendered.html)
            setattr(self, f"{name}_text", rendered.text)

    def rendered_html(self, field: str) -> str:
        return getattr(self, f"{field}_html")

    def rendered_text(self, field: str) -> str:
        return getattr(self, f"{field}_text")


class Strategy(Option):
    class Horizon(models.TextChoices):
        SHORT = "short", "Short term (under a year)"
        MEDIUM = "medium", "Medium term (one to three years)"
        LONG = "long", "Long term (over three years)"

    expected_impact = models.TextField(blank=True, help_text="Markdown: the potential impact.")
    expected_impact_html = models.TextField(blank=True, editable=False)
    expected_impact_text = models.TextField(blank=True, editable=False)
    time_horizon = models.CharField(max_length=8, choices=Horizon.choices, default=Horizon.MEDIUM)
    implications = models.ManyToManyField(
        StrategicImplication, blank=True, related_name="strategies"
    )

    history = HistoricalRecords()
    rendered_fields = ("body", "expected_impact")

    class Meta:
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(
                condition=Q(time_horizon__in=["short", "medium", "long"]),
                name="strategy_time_horizon_valid",
            ),
        ]

    def save(self, *args, **kwargs):
        self.kind = Option.Kind.STRATEGY
        super().save(*args, **kwargs)


class Initiative(Option):
    description = models.TextField(blank=True, help_text="Markdown.")
    description_html = models.TextField(blank=True, editable=False)
    description_text = models.TextField(blank=True, editable=False)
    objectives = models.TextField(blank=True, help_text="Markdown.")
    objectives_html = models.TextField(blank=True, editable=False)
    objectives_text = models.TextField(blank=True, editable=False)
    strategies = models.ManyToManyField(
        Strategy, blank=True, through="InitiativeStrategy", related_name="initiatives"
    )
    partners = models.ManyToManyField(Actor, blank=True, related_name="partner_in_initiatives")

    history = HistoricalRecords()
    rendered_fields = ("body", "description", "objectives")

    def save(self, *args, **kwargs):
        self.kind = Option.Kind.INITIATIVE
        super().save(*args, **kwargs)


class InitiativeStrategy(models.Model):
    """An initiative carries out a strategy."""

    initiative = models.ForeignKey(Initiative, models.CASCADE)
    strategy = models.ForeignKey(Strategy, models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "strategy"], name="initiative_strategy_unique"
            ),
            # Both are Option rows; an option must not be linked to itself.
            models.CheckConstraint(
                condition=~Q(initiative=F("strategy")), name="option_not_linked_to_itself"
            ),
        ]

    def __str__(self):
        return f"{self.initiative} → {self.strategy}"


class SanctionType(Option):
    class Instrument(models.TextChoices):
        ASSET_FREEZE = "asset_freeze", "Asset freeze"
        TRADE_EMBARGO = "trade_embargo", "Trade embargo"
        TRAVEL_RESTRICTION = "travel_restriction", "Travel restriction"
        SECTOR_SPECIFIC = "sector_specific", "Sector-specific"
        OTHER = "other", "Other"

    description = models.TextField(blank=True, help_text="Markdown.")
    description_html = models.TextField(blank=True, editable=False)
    description_text = models.TextField(blank=True, editable=False)
    instrument = models.CharField(
        max_length=20, choices=Instrument.choices, default=Instrument.OTHER
    )
    target_sectors = models.ManyToManyField(Sector, blank=True, related_name="sanction_types")
    target_actors = models.ManyToManyField(Actor, blank=True, related_name="targeted_by")
    enforcement_notes = models.TextField(blank=True, help_text="Markdown.")
    enforcement_notes_html = models.TextField(blank=True, editable=False)
    enforcement_notes_text = models.TextField(blank=True, editable=False)

    history = HistoricalRecords()
    rendered_fields = ("body", "description", "enforcement_notes")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    instrument__in=[
                        "asset_freeze",
                        "trade_embargo",
                        "travel_restriction",
                        "sector_specific",
                        "other",
                    ]
                ),
                name="sanction_instrument_valid",
            ),
        ]

    def save(self, *args, **kwargs):
        self.kind = Option.Kind.SANCTION_TYPE
        super().save(*args, **kwargs)


KIND_MODELS = {
    Option.Kind.STRATEGY: Strategy,
    Option.Kind.INITIATIVE: Initiative,
    Option.Kind.SANCTION_TYPE: SanctionType,
}
