import pytest
from django.db import IntegrityError

from tests.factories import AnnotationFactory, CommentFactory, StrategyFactory, UserFactory


@pytest.mark.django_db
def test_factories_build_a_coherent_world():
    option = StrategyFactory()
    assert option.kind == "strategy"
    assert option.body_html.startswith("<p>")
    comment = CommentFactory(option=option)
    annotation = AnnotationFactory(option=option)
    assert annotation.exact == option.body_text[:5]
    assert comment.author.groups.filter(name="Analyst").exists()


@pytest.mark.django_db
def test_two_votes_by_one_analyst_on_one_option_are_refused_by_the_database():
    from deliberation.models import Vote

    option, voter = StrategyFactory(), UserFactory()
    Vote.objects.create(option=option, voter=voter, choice="support")
    with pytest.raises(IntegrityError):
        Vote.objects.create(option=option, voter=voter, choice="oppose")
