"""A4: verified badge, number of ratings and share satisfied next to names where a counterpart
decides; a caution line on jobs from unverified clients without ratings."""

from collections.abc import Sequence

import pytest
from django.test import Client

from tests.factories import JobFactory, ProposalFactory, UserFactory
from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.jobs import selectors
from ukeoi.jobs.models import Job, Proposal

pytestmark = pytest.mark.django_db

CAUTION = "has not verified their identity and has no ratings yet"


@pytest.fixture
def no_ratings_sources(monkeypatch: pytest.MonkeyPatch) -> list[selectors.RatingsSource]:
    sources: list[selectors.RatingsSource] = []
    monkeypatch.setattr(selectors, "_ratings_sources", sources)
    return sources


def test_without_a_ratings_source_everyone_has_no_ratings_yet(
    no_ratings_sources: list, client_user: User
) -> None:
    """A4: ratings arrive with the contracts issue."""
    signals = selectors.trust_signals_get([client_user])[client_user.pk]

    assert signals == selectors.TrustSignals(verified=False, ratings=0, satisfied_percent=None)
    assert signals.caution


def test_registered_ratings_source_fills_counts_and_share(
    no_ratings_sources: list, client_user: User, lancer: User
) -> None:
    """A4, B5: the contracts app registers where ratings come from."""
    calls: list[Sequence[int]] = []

    def ratings(user_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        calls.append(user_ids)
        return {client_user.pk: (8, 6)}

    selectors.register_ratings_source(ratings)
    selectors.register_ratings_source(ratings)
    signals = selectors.trust_signals_get([client_user, lancer])

    assert calls == [sorted([client_user.pk, lancer.pk])]
    assert signals[client_user.pk] == selectors.TrustSignals(False, 8, 75)
    assert not signals[client_user.pk].caution
    assert signals[lancer.pk].ratings == 0


def test_verified_client_needs_no_caution(no_ratings_sources: list) -> None:
    verified = UserFactory.create(identity_verified_at=clock.now())

    assert not selectors.trust_signals_get([verified])[verified.pk].caution


class TestPages:
    def test_job_page_shows_caution_and_no_ratings_for_an_unverified_client(
        self, en: Client, job: Job
    ) -> None:
        page = en.get(job.get_absolute_url()).content.decode()

        assert CAUTION in page
        assert "No ratings yet" in page
        assert "Identity not verified" in page

    def test_no_caution_for_a_verified_client(self, en: Client) -> None:
        job = JobFactory.create(client=UserFactory.create(identity_verified_at=clock.now()))

        page = en.get(job.get_absolute_url()).content.decode()

        assert CAUTION not in page
        assert "Identity verified" in page

    def test_proposal_list_shows_each_lancers_signals(
        self, client: Client, job: Job, proposal: Proposal, client_user: User
    ) -> None:
        ProposalFactory.create(job=job, lancer=UserFactory.create(identity_verified_at=clock.now()))
        client.force_login(client_user)

        page = client.get(job.get_absolute_url()).content.decode()
        start = page.index('id="proposals"')
        proposals = page[start : page.index("</section>", start)]

        assert proposals.count('class="trust"') == 2
        assert proposals.count("badge verified") == 1

    def test_proposal_page_shows_both_sides_signals(
        self, client: Client, proposal: Proposal, lancer: User
    ) -> None:
        client.force_login(lancer)

        page = client.get(proposal.get_absolute_url()).content.decode()

        assert page.count('class="trust"') == 2

    def test_job_list_shows_the_clients_signals(self, client: Client, job: Job) -> None:
        page = client.get("/jobs/").content.decode()

        assert page.count('class="trust"') == 1
