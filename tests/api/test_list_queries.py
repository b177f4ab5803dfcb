"""Every list endpoint runs the same number of queries for 10 rows as for 100."""

import pytest

from tests.factories import (
    ActorFactory,
    BriefFactory,
    CommentFactory,
    EndorsementFactory,
    FlagFactory,
    ImplicationFactory,
    SectorFactory,
    StrategyFactory,
)

from .conftest import results

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(db):
    option = StrategyFactory()
    for i in range(30):
        comment = CommentFactory(option=option)
        EndorsementFactory(comment=comment)
        FlagFactory(comment=comment)
        ActorFactory(slug=f"a-{i}", name=f"A {i}")
        SectorFactory(slug=f"s-{i}", name=f"S {i}")
        ImplicationFactory(slug=f"i-{i}", name=f"I {i}")
        BriefFactory(slug=f"b-{i}")


@pytest.mark.parametrize(
    "path",
    [
        "/api/endorsements/",
        "/api/flags/",
        "/api/actors/",
        "/api/sectors/",
        "/api/implications/",
        "/api/briefs/",
    ],
)
@pytest.mark.parametrize("page_size", [10, 100])
def test_list_queries_do_not_grow_with_page_size(
    staff_client, rows, path, page_size, django_assert_max_num_queries
):
    staff_client.get(path)  # loads the session and permissions once
    with django_assert_max_num_queries(6):
        response = staff_client.get(f"{path}?page_size={page_size}")
    assert response.status_code == 200
    assert len(results(response)) == min(30, page_size)
