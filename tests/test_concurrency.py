"""Many requests at once through a real gunicorn server: no vote, reply or endorsement is
lost or doubled. Needs PostgreSQL and Redis, like tests/test_serving.py."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.test_serving import _redis_flush, seed, serving_stack, token_headers  # noqa: F401

pytestmark = pytest.mark.postgres

SEED_COMMENT = """
from deliberation.models import Comment
from policies.models import Option
from django.contrib.auth import get_user_model
option = Option.objects.get(slug={slug!r})
author = get_user_model().objects.get(username={author!r})
comment = Comment.objects.create(option=option, author=author, body="Root", body_html="<p>Root</p>")
print(json.dumps(comment.pk))
"""


def all_at_once(count, send):
    """Call send(n) from `count` threads released together; return the responses."""
    barrier = threading.Barrier(count)

    def run(n):
        session = requests.Session()
        barrier.wait(timeout=60)
        return send(n, session)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@pytest.fixture
def stack(serving_stack):  # noqa: F811
    _redis_flush(serving_stack.redis_db)
    yield serving_stack
    serving_stack.stop_servers()


def seed_many(stack, prefix, count):
    return seed(stack, prefix, count)


def test_hundred_analysts_voting_at_once_give_exactly_hundred_votes(stack):
    data = seed_many(stack, "crowd", 100)
    server = stack.start_server(workers=2, threads=32)
    keys = [data["tokens"][f"crowd{n}"] for n in range(100)]
    choices = ["support"] * 60 + ["oppose"] * 30 + ["abstain"] * 10

    def vote(n, session):
        return session.post(
            server.url + "/api/votes/",
            json={"option": data["option"], "choice": choices[n]},
            headers=token_headers(keys[n]),
            timeout=60,
        )

    responses = all_at_once(100, vote)
    assert [r.status_code for r in responses if r.status_code not in (200, 201)] == []

    rows = stack.sql(
        "SELECT v.choice, count(*) FROM deliberation_vote v "
        "JOIN policies_option o ON o.id = v.option_id WHERE o.slug = %s GROUP BY v.choice",
        (data["option"],),
    )
    assert dict(rows) == {"support": 60, "oppose": 30, "abstain": 10}
    option = requests.get(
        server.url + f"/api/options/{data['option']}/", headers=token_headers(keys[0]), timeout=10
    ).json()
    assert option["tally"]["support"] == 60
    assert option["tally"]["oppose"] == 30
    assert option["tally"]["abstain"] == 10
    assert option["tally"]["net"] == 30


def test_one_analyst_sending_twenty_votes_at_once_has_one_vote(stack):
    data = seed_many(stack, "eager", 1)
    server = stack.start_server(workers=2, threads=16)
    key = data["tokens"]["eager0"]
    choices = ["support", "oppose"] * 10

    def vote(n, session):
        return session.post(
            server.url + "/api/votes/",
            json={"option": data["option"], "choice": choices[n]},
            headers=token_headers(key),
            timeout=60,
        )

    responses = all_at_once(20, vote)
    assert [r.status_code for r in responses if r.status_code not in (200, 201)] == []
    rows = stack.sql(
        "SELECT v.choice FROM deliberation_vote v JOIN policies_option o ON o.id = v.option_id "
        "WHERE o.slug = %s",
        (data["option"],),
    )
    assert len(rows) == 1
    assert rows[0][0] in {"support", "oppose"}


def test_concurrent_replies_and_endorsements_lose_nothing(stack):
    data = seed_many(stack, "talk", 40)
    root = stack.python(SEED_COMMENT.format(slug=data["option"], author="talk0"))
    server = stack.start_server(workers=2, threads=32)
    keys = [data["tokens"][f"talk{n}"] for n in range(40)]

    def reply_and_endorse(n, session):
        headers = token_headers(keys[n])
        reply = session.post(
            server.url + "/api/comments/",
            json={
                "option": data["option"],
                "parent": root,
                "stance": "support",
                "body": f"Reply number {n}",
            },
            headers=headers,
            timeout=60,
        )
        endorsement = (
            session.post(
                server.url + "/api/endorsements/",
                json={"comment": root},
                headers=headers,
                timeout=60,
            )
            if n > 0  # the author does not endorse their own argument
            else None
        )
        return reply, endorsement

    results = all_at_once(40, reply_and_endorse)
    assert [r.status_code for r, _ in results if r.status_code != 201] == []
    assert [e.status_code for _, e in results if e is not None and e.status_code != 201] == []

    bodies = stack.sql(
        "SELECT body FROM deliberation_comment WHERE parent_id = %s ORDER BY id", (root,)
    )
    assert sorted(b for (b,) in bodies) == sorted(f"Reply number {n}" for n in range(40))
    (count,) = stack.sql(
        "SELECT endorsement_count FROM deliberation_comment WHERE id = %s", (root,)
    )[0]
    (rows,) = stack.sql(
        "SELECT count(*) FROM deliberation_endorsement WHERE comment_id = %s", (root,)
    )[0]
    assert count == rows == 39
