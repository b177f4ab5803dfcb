import itertools

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from deliberation import models as d
from deliberation.roles import ensure_role_groups
from policies import models as p
from policies.text import render_markdown

PASSWORD = "a-long-test-password-17"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"analyst{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """role="Analyst" (default, also for None), "Moderator", "Editor", or "" for no role;
        e-mail verified."""
        if not create:
            return
        self.save()
        EmailAddress.objects.get_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )
        role = "Analyst" if extracted is None else extracted
        if role:
            ensure_role_groups()
            self.groups.add(Group.objects.get(name=role))
            if role != "Analyst":
                self.groups.add(Group.objects.get(name="Analyst"))


class ActorFactory(DjangoModelFactory):
    class Meta:
        model = p.Actor
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Actor {n}")
    slug = factory.Sequence(lambda n: f"actor-{n}")


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = p.Sector
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")


class ImplicationFactory(DjangoModelFactory):
    class Meta:
        model = p.StrategicImplication
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Implication {n}")
    slug = factory.Sequence(lambda n: f"implication-{n}")


class TagFactory(DjangoModelFactory):
    class Meta:
        model = p.Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class BriefFactory(DjangoModelFactory):
    class Meta:
        model = p.Brief

    title = factory.Sequence(lambda n: f"Brief {n}")
    slug = factory.Sequence(lambda n: f"brief-{n}")
    publisher = "Test Institute"
    text = "A brief about options."


# One counter for every kind, so options of different kinds never share a slug.
_option_numbers = itertools.count()


class _OptionFactory(DjangoModelFactory):
    number = factory.LazyFunction(lambda: next(_option_numbers))
    title = factory.LazyAttribute(lambda o: f"Option {o.number}")
    slug = factory.LazyAttribute(lambda o: f"option-{o.number}")
    summary = "A one-line summary."
    body = "Apply pressure on key sectors of the economy through targeted measures."
    status = p.Option.Status.PUBLISHED

    class Meta:
        exclude = ("number",)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.render_text_fields()
        obj.save()
        return obj


class StrategyFactory(_OptionFactory):
    class Meta:
        model = p.Strategy

    expected_impact = "Strengthen deterrence and military readiness among allies."


class InitiativeFactory(_OptionFactory):
    class Meta:
        model = p.Initiative

    description = "Strengthening defense pacts and joint exercises with regional allies."
    objectives = "Deter provocations."


class SanctionTypeFactory(_OptionFactory):
    class Meta:
        model = p.SanctionType

    description = "Target key individuals linked to military and financial sectors."
    instrument = p.SanctionType.Instrument.ASSET_FREEZE
    enforcement_notes = "Coordinate with allies."


OptionFactory = StrategyFactory


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = d.Comment

    option = factory.SubFactory(StrategyFactory)
    author = factory.SubFactory(UserFactory)
    stance = d.Stance.SUPPORT
    body = factory.Sequence(lambda n: f"Argument number {n}.")
    body_html = factory.LazyAttribute(lambda c: render_markdown(c.body).html)


class VoteFactory(DjangoModelFactory):
    class Meta:
        model = d.Vote

    option = factory.SubFactory(StrategyFactory)
    voter = factory.SubFactory(UserFactory)
    choice = d.VoteChoice.SUPPORT


class EndorsementFactory(DjangoModelFactory):
    class Meta:
        model = d.Endorsement

    comment = factory.SubFactory(CommentFactory)
    user = factory.SubFactory(UserFactory)


class FlagFactory(DjangoModelFactory):
    class Meta:
        model = d.Flag

    comment = factory.SubFactory(CommentFactory)
    flagged_by = factory.SubFactory(UserFactory)
    reason = d.Flag.Reason.ABUSE


class AnnotationFactory(DjangoModelFactory):
    """Annotates the first word-run of the option's body by default."""

    class Meta:
        model = d.Annotation

    option = factory.SubFactory(StrategyFactory)
    field = "body"
    author = factory.SubFactory(UserFactory)
    body = "A note."
    body_html = factory.LazyAttribute(lambda a: render_markdown(a.body).html)
    start = 0
    end = 5
    exact = factory.LazyAttribute(lambda a: a.option.rendered_text(a.field)[a.start : a.end])
    prefix = factory.LazyAttribute(
        lambda a: a.option.rendered_text(a.field)[max(0, a.start - 32) : a.start]
    )
    suffix = factory.LazyAttribute(lambda a: a.option.rendered_text(a.field)[a.end : a.end + 32])
    visibility = d.Visibility.SHARED
