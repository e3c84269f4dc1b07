"""A2: the username is shown to a counterpart once one has proposed on the other's job.

Decision: a proposal counts whatever became of it (declined, not selected, deleted by the
client): the two have dealt with each other and have already seen the username."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from tests.factories import JobFactory, ProposalFactory, UserFactory
from ukeoi.accounts.models import User
from ukeoi.accounts.visibility import username_visible_to
from ukeoi.jobs import services
from ukeoi.jobs.enums import ProposalStatus
from ukeoi.jobs.models import Job, Proposal

pytestmark = pytest.mark.django_db


def sees(viewer: User | AnonymousUser | None, subject: User) -> bool:
    return username_visible_to(viewer, subject)  # type: ignore[arg-type]


def test_jobs_app_registers_its_check_on_startup() -> None:
    from ukeoi.accounts import visibility
    from ukeoi.jobs.apps import JobsConfig
    from ukeoi.jobs.selectors import has_proposal_between

    visibility._counterpart_checks.clear()
    JobsConfig.ready(None)  # type: ignore[arg-type]

    assert visibility._counterpart_checks == [has_proposal_between]


class TestMatrix:
    @pytest.fixture
    def stranger(self) -> User:
        return UserFactory.create()

    def test_before_any_proposal_neither_side_sees_the_other(
        self, job: Job, client_user: User, lancer: User
    ) -> None:
        assert not sees(client_user, lancer)
        assert not sees(lancer, client_user)

    def test_self_always_sees_their_own_username(self, client_user: User, lancer: User) -> None:
        assert sees(client_user, client_user)
        assert sees(lancer, lancer)

    def test_client_and_lancer_see_each_other_once_proposed(
        self, proposal: Proposal, client_user: User, lancer: User
    ) -> None:
        """A2: both directions."""
        assert sees(client_user, lancer)
        assert sees(lancer, client_user)

    def test_stranger_and_anonymous_see_neither(
        self, proposal: Proposal, client_user: User, lancer: User, stranger: User
    ) -> None:
        for subject in (client_user, lancer):
            assert not sees(stranger, subject)
            assert not sees(None, subject)
            assert not sees(AnonymousUser(), subject)

    def test_two_lancers_on_the_same_job_are_not_counterparts(
        self, proposal: Proposal, job: Job, lancer: User
    ) -> None:
        other = ProposalFactory.create(job=job).lancer

        assert not sees(lancer, other)
        assert not sees(other, lancer)

    def test_a_proposal_on_the_lancers_own_job_counts_the_other_way_round(
        self, client_user: User, lancer: User
    ) -> None:
        """One account acts as client and as lancer; either direction of proposing counts."""
        ProposalFactory.create(job=JobFactory.create(client=lancer), lancer=client_user)

        assert sees(client_user, lancer)
        assert sees(lancer, client_user)

    @pytest.mark.parametrize(
        "status",
        [ProposalStatus.DECLINED, ProposalStatus.NOT_SELECTED, ProposalStatus.DELETED],
    )
    def test_still_visible_after_the_proposal_is_decided_or_deleted(
        self, job: Job, client_user: User, lancer: User, status: str
    ) -> None:
        ProposalFactory.create(job=job, lancer=lancer, status=status)

        assert sees(client_user, lancer)
        assert sees(lancer, client_user)


class TestPages:
    def test_job_page_shows_usernames_to_the_owner_and_display_names_to_others(
        self, client: Client, proposal: Proposal, client_user: User, lancer: User
    ) -> None:
        """A2 on the job page (proposal list) and A4 trust signals next to the names."""
        client.force_login(client_user)
        owner_page = client.get(proposal.job.get_absolute_url()).content.decode()
        client.force_login(UserFactory.create())
        stranger_page = client.get(proposal.job.get_absolute_url()).content.decode()
        client.logout()
        anonymous_page = client.get(proposal.job.get_absolute_url()).content.decode()

        assert "@lancer_handle" in owner_page
        for page in (stranger_page, anonymous_page):
            assert "依頼主" in page
            assert "client_handle" not in page
            assert "lancer_handle" not in page

    def test_proposal_page_shows_both_usernames_to_both_sides(
        self, client: Client, proposal: Proposal, client_user: User, lancer: User
    ) -> None:
        for viewer in (client_user, lancer):
            client.force_login(viewer)
            page = client.get(proposal.get_absolute_url()).content.decode()
            assert "@client_handle" in page
            assert "@lancer_handle" in page

    def test_the_lancer_still_sees_the_client_after_the_proposal_is_deleted(
        self, client: Client, proposal: Proposal, client_user: User, lancer: User
    ) -> None:
        services.proposal_delete(actor=client_user, proposal_id=proposal.pk)
        client.force_login(lancer)

        page = client.get(f"/users/{client_user.pk}/").content.decode()

        assert "@client_handle" in page
