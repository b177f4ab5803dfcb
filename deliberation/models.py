"""Deliberation on policy options: profiles and invitations, argued threads, votes,
moderation and annotations of an option's text."""

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from tree_queries.models import TreeNode
from tree_queries.query import TreeQuerySet

User = settings.AUTH_USER_MODEL


class Role(models.TextChoices):
    """Roles are Django groups of these names (created by a data migration)."""

    ANALYST = "Analyst", "Analyst"
    MODERATOR = "Moderator", "Moderator"
    EDITOR = "Editor", "Editor"


class Profile(models.Model):
    user = models.OneToOneField(User, models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=80, blank=True)
    affiliation = models.CharField(max_length=120, blank=True)
    bio = models.TextField(max_length=1000, blank=True)

    history = HistoricalRecords()

    def __str__(self):
        return self.display_name or self.user.get_username()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANALYST)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="invitations")
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="accepted_invitations"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["Analyst", "Moderator", "Editor"]),
                name="invitation_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.email} as {self.role}"

    @property
    def is_usable(self):
        return self.accepted_at is None and self.expires_at > timezone.now()


class Stance(models.TextChoices):
    SUPPORT = "support", "For"
    OPPOSE = "oppose", "Against"
    NEUTRAL = "neutral", "Neutral / question"


class CommentQuerySet(TreeQuerySet):
    def for_option(self, option):
        return self.filter(option=option)

    def publicly_visible(self):
        return self.filter(hidden=False)


class Comment(TreeNode):
    option = models.ForeignKey("policies.Option", models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, models.SET_NULL, null=True, related_name="comments")
    stance = models.CharField(max_length=8, choices=Stance.choices, default=Stance.NEUTRAL)
    body = models.TextField()
    body_html = models.TextField(editable=False)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    edited = models.DateTimeField(null=True, blank=True)
    deleted = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    # Kept exact by the endorsement services, in the same transaction.
    endorsement_count = models.PositiveIntegerField(default=0, editable=False)

    objects = CommentQuerySet.as_manager(with_tree_fields=False)
    history = HistoricalRecords(excluded_fields=["endorsement_count"])

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stance__in=["support", "oppose", "neutral"]),
                name="comment_stance_valid",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="comment_not_its_own_parent"),
        ]
        indexes = [models.Index(fields=["option", "created"], name="comment_option_created_idx")]

    def __str__(self):
        return f"Comment {self.pk} on {self.option_id}"

    def get_absolute_url(self):
        return reverse("policies:option-detail", args=[self.option.slug]) + f"#comment-{self.pk}"


class CommentRevision(models.Model):
    """An earlier text of an edited comment."""

    comment = models.ForeignKey(Comment, models.CASCADE, related_name="revisions")
    body = models.TextField()
    stance = models.CharField(max_length=8, choices=Stance.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Revision of comment {self.comment_id} from {self.created:%Y-%m-%d %H:%M}"


class Endorsement(models.Model):
    comment = models.ForeignKey(Comment, models.CASCADE, related_name="endorsements")
    user = models.ForeignKey(User, models.SET_NULL, null=True, related_name="endorsements")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="one_endorsement_per_user_per_comment"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} endorses {self.comment_id}"


class Flag(models.Model):
    class Reason(models.TextChoices):
        ABUSE = "abuse", "Abusive or harassing"
        SPAM = "spam", "Spam or advertising"
        OFF_TOPIC = "off_topic", "Off topic"
        MISINFORMATION = "misinformation", "Misleading or false"
        OTHER = "other", "Other"

    class Resolution(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld: content hidden"
        DISMISSED = "dismissed", "Dismissed"

    comment = models.ForeignKey(
        Comment, models.CASCADE, null=True, blank=True, related_name="flags"
    )
    annotation = models.ForeignKey(
        "Annotation", models.CASCADE, null=True, blank=True, related_name="flags"
    )
    flagged_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="flags")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    resolution = models.CharField(
        max_length=10, choices=Resolution.choices, default=Resolution.OPEN, db_index=True
    )
    resolved_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="resolved_flags"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(comment__isnull=False, annotation__isnull=True)
                | Q(comment__isnull=True, annotation__isnull=False),
                name="flag_targets_one_thing",
            ),
            models.UniqueConstraint(
                fields=["comment", "flagged_by"],
                condition=Q(comment__isnull=False),
                name="one_flag_per_user_per_comment",
            ),
            models.UniqueConstraint(
                fields=["annotation", "flagged_by"],
                condition=Q(annotation__isnull=False),
                name="one_flag_per_user_per_annotation",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=["abuse", "spam", "off_topic", "misinformation", "other"]),
                name="flag_reason_valid",
            ),
        ]

    def __str__(self):
        return f"Flag {self.pk} ({self.get_reason_display()})"


class ModerationAction(models.Model):
    """The record of a moderator's decision (or of automatic hiding by flags)."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hidden"
        RESTORE = "restore", "Restored"
        DISMISS = "dismiss", "Flags dismissed"
        AUTO_HIDE = "auto_hide", "Hidden pending review (flag threshold)"
        ROLE_CHANGE = "role_change", "Role changed"

    moderator = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="moderation_actions"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    comment = models.ForeignKey(
        Comment, models.SET_NULL, null=True, blank=True, related_name="moderation_actions"
    )
    annotation = models.ForeignKey(
        "Annotation", models.SET_NULL, null=True, blank=True, related_name="moderation_actions"
    )
    subject_user = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="moderation_subject_of"
    )
    reason = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.get_action_display()} by {self.moderator_id}"


class VoteChoice(models.TextChoices):
    SUPPORT = "support", "Support"
    OPPOSE = "oppose", "Oppose"
    ABSTAIN = "abstain", "Abstain"


class VoteQuerySet(models.QuerySet):
    def tally_for(self, option) -> dict:
        """The tally of one option, from the same with_tally() annotations the lists,
        the home page and the API use (one query)."""
        from policies.models import Option

        row = (
            with_tally(Option.objects.filter(pk=option.pk))
            .values("tally_support", "tally_oppose", "tally_abstain")
            .get()
        )
        return make_tally(row["tally_support"], row["tally_oppose"], row["tally_abstain"])


def make_tally(support: int, oppose: int, abstain: int) -> dict:
    return {
        "support": support,
        "oppose": oppose,
        "abstain": abstain,
        "net": support - oppose,
        "total": support + oppose + abstain,
    }


def _count_subquery(model, choice=None, **extra):
    qs = model.objects.filter(option=OuterRef("pk"), **extra)
    if choice:
        qs = qs.filter(choice=choice)
    return Coalesce(
        Subquery(qs.order_by().values("option").annotate(n=Count("id")).values("n")[:1]),
        Value(0),
    )


def with_tally(options):
    """Annotate an Option queryset with support/oppose/abstain/net counts (one query)."""
    return options.annotate(
        tally_support=_count_subquery(Vote, VoteChoice.SUPPORT),
        tally_oppose=_count_subquery(Vote, VoteChoice.OPPOSE),
        tally_abstain=_count_subquery(Vote, VoteChoice.ABSTAIN),
    ).annotate(tally_net=F("tally_support") - F("tally_oppose"))


def with_discussion_counts(options):
    return options.annotate(
        comment_count=_count_subquery(Comment, deleted=False, hidden=False),
        annotation_count=_count_subquery(Annotation, visibility="shared", hidden=False),
    )


class Vote(models.Model):
    option = models.ForeignKey("policies.Option", models.CASCADE, related_name="votes")
    voter = models.ForeignKey(User, models.SET_NULL, null=True, related_name="votes")
    choice = models.CharField(max_length=8, choices=VoteChoice.choices)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = VoteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["option", "voter"], name="one_vote_per_voter_per_option"
            ),
            models.CheckConstraint(
                condition=Q(choice__in=["support", "oppose", "abstain"]), name="vote_choice_valid"
            ),
        ]
        indexes = [models.Index(fields=["option", "choice"], name="vote_option_choice_idx")]

    def __str__(self):
        return f"{self.voter_id} {self.choice} {self.option_id}"


class Visibility(models.TextChoices):
    SHARED = "shared", "Shared with everyone who can read the option"
    PRIVATE = "private", "Private to me"


class AnnotationQuerySet(models.QuerySet):
    def visible_to(self, user):
        shared = Q(visibility=Visibility.SHARED, hidden=False)
        if user is not None and user.is_authenticated:
            return self.filter(shared | Q(author=user))
        return self.filter(shared)

    def orphaned(self):
        return self.filter(orphaned=True)


class Annotation(models.Model):
    """A note on a passage of an option's text field, anchored as the W3C Web Annotation
    model does: TextQuoteSelector (exact, prefix, suffix) and TextPositionSelector
    (start, end) over the field's plain text."""

    option = models.ForeignKey("policies.Option", models.CASCADE, related_name="annotations")
    field = models.CharField(max_length=40, default="body")
    author = models.ForeignKey(User, models.SET_NULL, null=True, related_name="annotations")
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    tags = models.JSONField(default=list, blank=True)
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.SHARED
    )
    exact = models.TextField()
    prefix = models.CharField(max_length=32, blank=True)
    suffix = models.CharField(max_length=32, blank=True)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    orphaned = models.BooleanField(default=False, db_index=True)
    hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="annotation_range_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["shared", "private"]),
                name="annotation_visibility_valid",
            ),
        ]
        indexes = [models.Index(fields=["option", "field"], name="annotation_option_field_idx")]

    def __str__(self):
        return f"“{self.exact[:40]}” on {self.option_id}"


class AnnotationReply(models.Model):
    annotation = models.ForeignKey(Annotation, models.CASCADE, related_name="replies")
    author = models.ForeignKey(User, models.SET_NULL, null=True, related_name="annotation_replies")
    body = models.TextField()
    body_html = models.TextField(editable=False)
    created = models.DateTimeField(auto_now_add=True)
    edited = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created", "id"]
        verbose_name_plural = "annotation replies"

    def __str__(self):
        return f"Reply {self.pk} to annotation {self.annotation_id}"
