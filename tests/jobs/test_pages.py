"""The pages (B1, B2, B8): forms call the services; bad input is a 400 with errors next to
the fields and nothing changed; a lancer cannot delete a proposal and is told why."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    CompetitionFactory,
    JobFactory,
    ProposalFactory,
    TaskFactory,
    UserFactory,
)
from tests.jobs.support import english, in_days
from tests.support import snapshot
from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.jobs import rules
from ukeoi.jobs import selectors as jobs_selectors
from ukeoi.jobs.enums import JobStatus, ProposalStatus
from ukeoi.jobs.models import AppendNote, Job, Message, Proposal

pytestmark = pytest.mark.django_db


def job_form(**overrides: Any) -> dict[str, Any]:
    deadline = (clock.now() + timedelta(days=5)).astimezone()
    return {
        "format": "project",
        "title": "LP制作",
        "description": "ランディングページを制作してください。",
        "category": "web",
        "budget_min": "50,000",
        "budget_max": "１２００００",
        "unit_reward": "",
        "units": "",
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
    } | overrides


def test_header_links_to_the_four_job_pages(client: Client, lancer: User) -> None:
    client.force_login(lancer)

    page = client.get("/").content.decode()

    for name in ("jobs:list", "jobs:create", "jobs:my_jobs", "jobs:my_proposals"):
        assert f'href="{reverse(name)}"' in page


class TestPostJob:
    def test_sign_in_required(self, client: Client) -> None:
        assert client.get("/jobs/new/").status_code == 302

    def test_client_posts_a_project(self, client: Client, client_user: User) -> None:
        """B1: full-width digits and separators are understood."""
        client.force_login(client_user)

        response = client.post("/jobs/new/", job_form())

        job = Job.objects.get()
        assert response.status_code == 302
        assert response["Location"] == job.get_absolute_url()
        assert (job.budget_min, job.budget_max, job.status) == (50_000, 120_000, JobStatus.OPEN)

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            (
                {"deadline": (clock.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")},
                "deadline",
            ),
            ({"budget_min": "0"}, "budget_min"),
            ({"budget_min": "80000", "budget_max": "50000"}, "budget_max"),
            ({"budget_min": "abc"}, "budget_min"),
            ({"title": ""}, "title"),
            ({"format": "auction"}, "format"),
        ],
    )
    def test_bad_input_is_400_with_the_error_next_to_the_field(
        self, en: Client, client_user: User, overrides: dict[str, Any], field: str
    ) -> None:
        """B1 bad input: deadline in the past, budget below 1, inverted range."""
        en.force_login(client_user)
        before = snapshot()

        response = en.post("/jobs/new/", job_form(**overrides))

        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert snapshot() == before
        assert 'class="field has-error"' in response.content.decode()

    def test_competition_shows_the_payment_instructions_to_its_client(
        self, en: Client, client_user: User
    ) -> None:
        en.force_login(client_user)

        en.post("/jobs/new/", job_form(format="competition", budget_min="30000", budget_max=""))

        job = Job.objects.get()
        page = en.get(job.get_absolute_url()).content.decode()
        assert job.status == JobStatus.AWAITING_PAYMENT
        assert "31,650" in page
        assert job.payments.get().reference in page

    def test_unpaid_job_is_hidden_from_others(self, client: Client) -> None:
        job = CompetitionFactory.create(status=JobStatus.AWAITING_PAYMENT)
        client.force_login(UserFactory.create())

        assert client.get(job.get_absolute_url()).status_code == 404
        assert job.title not in client.get("/jobs/").content.decode()


class TestPropose:
    def test_lancer_proposes_from_the_job_page(
        self, client: Client, job: Job, lancer: User
    ) -> None:
        client.force_login(lancer)
        delivery = (clock.today() + timedelta(days=10)).isoformat()

        response = client.post(
            job.get_absolute_url(),
            {"action": "propose", "amount": "30000", "delivery_date": delivery, "message": "提案"},
        )

        proposal = Proposal.objects.get()
        assert response.status_code == 302
        assert response["Location"] == proposal.get_absolute_url()
        assert (proposal.amount, proposal.lancer) == (30_000, lancer)

    def test_proposal_form_warns_that_it_cannot_be_withdrawn(
        self, en: Client, job: Job, lancer: User
    ) -> None:
        """B2: told before sending, not only after."""
        en.force_login(lancer)

        page = en.get(job.get_absolute_url()).content.decode()

        assert "a sent proposal cannot be withdrawn or deleted by you" in page

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"amount": "0"}, "amount"),
            ({"amount": "-3"}, "amount"),
            ({"amount": ""}, "amount"),
            ({"message": ""}, "message"),
            ({"delivery_date": "2000-01-01"}, "delivery_date"),
        ],
    )
    def test_bad_proposal_is_400_and_sends_nothing(
        self, client: Client, job: Job, lancer: User, data: dict[str, str], field: str
    ) -> None:
        client.force_login(lancer)
        before = snapshot()
        values = {
            "action": "propose",
            "amount": "30000",
            "delivery_date": (clock.today() + timedelta(days=10)).isoformat(),
            "message": "提案",
        } | data

        response = client.post(job.get_absolute_url(), values)

        assert response.status_code == 400
        assert field in response.context["proposal_form"].errors
        assert snapshot() == before

    def test_proposing_on_a_closed_job_is_refused_with_a_message(
        self, en: Client, lancer: User
    ) -> None:
        """B1 bad input: proposing on a closed job."""
        job = JobFactory.create(status=JobStatus.CLOSED, closed_at=clock.now())
        en.force_login(lancer)
        before = snapshot()

        response = en.post(
            job.get_absolute_url(),
            {
                "action": "propose",
                "amount": "1000",
                "delivery_date": clock.today().isoformat(),
                "message": "x",
            },
        )

        assert response.status_code == 409
        assert "This job is closed" in response.content.decode()
        assert snapshot() == before

    def test_proposing_on_ones_own_job_is_403(self, en: Client, job: Job) -> None:
        """B1 bad input: proposing on one's own job."""
        en.force_login(job.client)
        before = snapshot()

        response = en.post(
            job.get_absolute_url(),
            {
                "action": "propose",
                "amount": "1000",
                "delivery_date": clock.today().isoformat(),
                "message": "x",
            },
        )

        assert response.status_code == 403
        assert "You cannot propose on your own job." in response.content.decode()
        assert snapshot() == before

    def test_second_proposal_is_refused(self, en: Client, proposal: Proposal, lancer: User) -> None:
        """B1 bad input: proposing twice on the same project."""
        en.force_login(lancer)
        before = snapshot()

        response = en.post(
            proposal.job.get_absolute_url(),
            {
                "action": "propose",
                "amount": "1000",
                "delivery_date": clock.today().isoformat(),
                "message": "x",
            },
        )

        assert response.status_code == 409
        assert "already proposed" in response.content.decode()
        assert snapshot() == before

    def test_anonymous_post_goes_to_sign_in(self, client: Client, job: Job) -> None:
        response = client.post(job.get_absolute_url(), {"action": "propose"})

        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert not Proposal.objects.exists()

    def test_competition_entry_form_has_no_price(self, client: Client, lancer: User) -> None:
        competition = CompetitionFactory.create()
        client.force_login(lancer)

        response = client.post(
            competition.get_absolute_url(), {"action": "propose", "message": "作品URL"}
        )

        assert response.status_code == 302
        assert Proposal.objects.get().amount == competition.budget_min

    def test_task_unit_from_the_job_page(self, client: Client, lancer: User) -> None:
        task = TaskFactory.create()
        client.force_login(lancer)

        response = client.post(task.get_absolute_url(), {"action": "unit", "content": "完了"})

        assert response.status_code == 302
        assert task.task_submissions.count() == 1


class TestLancerCannotDelete:
    """B2: no button, no route of the lancer's own; a direct POST is a 403 that explains."""

    def test_proposal_page_has_no_delete_button_for_the_lancer_and_explains(
        self, en: Client, proposal: Proposal, lancer: User
    ) -> None:
        en.force_login(lancer)

        page = en.get(proposal.get_absolute_url()).content.decode()

        assert reverse("jobs:proposal_delete", args=[proposal.pk]) not in page
        assert (
            "A sent proposal cannot be withdrawn. Only the client can delete it. You can add an "
            "append note — for example asking the client to delete it — or send a message."
        ) in page
        assert "?prefill=delete" in page

    def test_job_page_has_no_delete_button_for_the_lancer(
        self, client: Client, proposal: Proposal, lancer: User
    ) -> None:
        client.force_login(lancer)

        page = client.get(proposal.job.get_absolute_url()).content.decode()

        assert "/delete/" not in page

    def test_direct_post_to_the_delete_url_is_403_with_the_explanation(
        self, en: Client, proposal: Proposal, lancer: User
    ) -> None:
        en.force_login(lancer)
        before = snapshot()

        response = en.post(reverse("jobs:proposal_delete", args=[proposal.pk]))

        assert response.status_code == 403
        assert english(rules.LANCER_CANNOT_DELETE) in response.content.decode()
        assert proposal.get_absolute_url() in response.content.decode()
        assert snapshot() == before

    def test_prefilled_append_note_asks_the_client_to_delete(
        self, en: Client, proposal: Proposal, lancer: User
    ) -> None:
        en.force_login(lancer)

        response = en.get(proposal.get_absolute_url() + "?prefill=delete")

        assert (
            response.context["note_form"]
            .initial["body"]
            .startswith("I would like to withdraw this proposal")
        )

    def test_lancer_adds_the_note_and_the_client_deletes(
        self, client: Client, proposal: Proposal, lancer: User, client_user: User
    ) -> None:
        """B2 end to end: note, then the client's delete."""
        client.force_login(lancer)
        response = client.post(
            proposal.get_absolute_url(),
            {"action": "note", "note-body": "削除をお願いします"},
        )
        assert response.status_code == 302
        assert AppendNote.objects.get().body == "削除をお願いします"

        client.force_login(client_user)
        owner_page = client.get(proposal.job.get_absolute_url()).content.decode()
        assert "削除をお願いします" in owner_page
        response = client.post(reverse("jobs:proposal_delete", args=[proposal.pk]))

        assert response.status_code == 302
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.DELETED
        assert (
            "削除をお願いします" not in client.get(proposal.job.get_absolute_url()).content.decode()
        )


class TestProposalPage:
    def test_strangers_get_404(self, client: Client, proposal: Proposal) -> None:
        client.force_login(UserFactory.create())

        assert client.get(proposal.get_absolute_url()).status_code == 404

    def test_note_on_someone_elses_proposal_is_refused(
        self, client: Client, proposal: Proposal
    ) -> None:
        """B2 bad input: an append note on someone else's proposal (not even visible)."""
        client.force_login(UserFactory.create())
        before = snapshot()

        response = client.post(proposal.get_absolute_url(), {"action": "note", "note-body": "x"})

        assert response.status_code == 404
        assert snapshot() == before

    def test_client_cannot_add_notes(self, client: Client, proposal: Proposal) -> None:
        client.force_login(proposal.job.client)
        before = snapshot()

        response = client.post(proposal.get_absolute_url(), {"action": "note", "note-body": "x"})

        assert response.status_code == 403
        assert snapshot() == before

    def test_empty_note_is_400(self, client: Client, proposal: Proposal, lancer: User) -> None:
        client.force_login(lancer)

        response = client.post(proposal.get_absolute_url(), {"action": "note", "note-body": " "})

        assert response.status_code == 400
        assert "body" in response.context["note_form"].errors
        assert not AppendNote.objects.exists()

    def test_messages_both_ways_and_reading_marks_them_read(
        self, client: Client, proposal: Proposal, lancer: User, client_user: User
    ) -> None:
        """B8."""
        client.force_login(lancer)
        client.post(proposal.get_absolute_url(), {"action": "message", "message-body": "質問です"})
        client.force_login(client_user)

        page = client.get(proposal.get_absolute_url()).content.decode()

        assert "質問です" in page
        assert Message.objects.get().read_at is not None

    def test_unread_message_is_flagged_in_my_proposals(
        self, client: Client, proposal: Proposal, lancer: User, client_user: User
    ) -> None:
        client.force_login(client_user)
        client.post(proposal.get_absolute_url(), {"action": "message", "message-body": "回答です"})
        client.force_login(lancer)

        listing = client.get("/jobs/proposals/mine/")

        assert [p.has_unread for p in listing.context["proposals"]] == [True]

    def test_deleted_proposal_is_gone_for_the_client_but_marked_for_the_lancer(
        self, en: Client, proposal: Proposal, lancer: User, client_user: User
    ) -> None:
        en.force_login(client_user)
        en.post(reverse("jobs:proposal_delete", args=[proposal.pk]))

        assert en.get(proposal.get_absolute_url()).status_code == 404
        en.force_login(lancer)
        page = en.get(proposal.get_absolute_url()).content.decode()
        assert "The client has deleted this proposal." in page
        assert 'id="note-form"' not in page


class TestClientPages:
    def test_select_and_decline_from_the_job_page(
        self, client: Client, job: Job, client_user: User
    ) -> None:
        chosen, declined = ProposalFactory.create_batch(2, job=job)
        client.force_login(client_user)

        client.post(reverse("contracts:hire", args=[chosen.pk]))
        client.post(reverse("jobs:proposal_decline", args=[declined.pk]))

        chosen.refresh_from_db()
        declined.refresh_from_db()
        assert (chosen.status, declined.status) == ("selected", "declined")

    def test_close_from_the_job_page(
        self, client: Client, proposal: Proposal, job: Job, client_user: User
    ) -> None:
        client.force_login(client_user)

        response = client.post(reverse("jobs:close", args=[job.pk]))

        assert response.status_code == 302
        job.refresh_from_db()
        proposal.refresh_from_db()
        assert (job.status, proposal.status) == ("closed", "not_selected")

    def test_stranger_cannot_close(self, client: Client, job: Job) -> None:
        client.force_login(UserFactory.create())
        before = snapshot()

        assert client.post(reverse("jobs:close", args=[job.pk])).status_code == 403
        assert snapshot() == before

    def test_my_jobs_and_my_proposals(
        self, client: Client, proposal: Proposal, lancer: User, client_user: User
    ) -> None:
        client.force_login(client_user)
        jobs = client.get("/jobs/mine/")
        client.force_login(lancer)
        proposals = client.get("/jobs/proposals/mine/")

        assert [j.proposal_count for j in jobs.context["jobs"]] == [1]
        assert list(proposals.context["proposals"]) == [proposal]

    def test_unit_decisions_from_the_job_page(self, client: Client, lancer: User) -> None:
        from ukeoi.jobs.models import TaskSubmission

        task = TaskFactory.create()
        unit = TaskSubmission.objects.create(job=task, lancer=lancer, content="x")
        client.force_login(task.client)

        response = client.post(reverse("jobs:unit_reject", args=[unit.pk]))

        assert response.status_code == 302
        unit.refresh_from_db()
        assert unit.status == "rejected"


class TestJobList:
    def test_filters_by_format_category_and_keyword(self, client: Client) -> None:
        logo = JobFactory.create(title="ロゴ制作", category="design")
        JobFactory.create(title="記事執筆", category="writing", description="SEO記事")
        CompetitionFactory.create(title="ロゴコンペ", category="design")
        JobFactory.create(title="ロゴ（締切済）", status="closed", closed_at=clock.now())

        def titles(query: str) -> list[str]:
            return [j.title for j in client.get("/jobs/?" + query).context["page"]]

        assert titles("q=ロゴ&format=project") == [logo.title]
        assert sorted(titles("category=design")) == sorted(["ロゴ制作", "ロゴコンペ"])
        assert len(titles("q=ロゴ&closed=on")) == 3

    def test_bad_filter_is_400(self, client: Client) -> None:
        assert client.get("/jobs/?format=auction").status_code == 400

    def test_pages_of_twenty(self, client: Client) -> None:
        JobFactory.create_batch(45)

        first = client.get("/jobs/").context["page"]
        last = client.get("/jobs/?page=3").context["page"]
        beyond = client.get("/jobs/?page=99").context["page"]

        assert (len(first), len(last), first.paginator.num_pages) == (20, 5, 3)
        assert beyond.number == 3

    def test_proposal_counts_leave_out_deleted_proposals(self, client: Client, job: Job) -> None:
        ProposalFactory.create_batch(2, job=job)
        ProposalFactory.create(job=job, status="deleted")

        page = client.get("/jobs/").context["page"]

        assert [j.proposal_count for j in page] == [2]

    @pytest.mark.parametrize("signed_in", [False, True])
    def test_query_count_is_the_same_for_5_and_50_jobs_with_proposals(
        self, client: Client, django_assert_max_num_queries: Any, signed_in: bool
    ) -> None:
        """The job list (page and API) serves a page of 20 with a constant number of queries:
        a COUNT and one SELECT, plus the session and the user when signed in."""
        if signed_in:
            client.force_login(UserFactory.create())

        def fill(jobs: int) -> None:
            for job in JobFactory.create_batch(jobs, deadline=in_days(3)):
                ProposalFactory.create_batch(2, job=job)

        fill(5)
        if signed_in:
            client.get("/jobs/")  # the site-wide lookups cached once (the legal versions)
        # Trust signals add one query per ratings source (the contracts app registers one).
        budget = (4 if signed_in else 2) + len(jobs_selectors._ratings_sources)
        with django_assert_max_num_queries(budget):
            assert len(client.get("/jobs/").context["page"]) == 5
        fill(45)
        with django_assert_max_num_queries(budget):
            assert len(client.get("/jobs/?q=ロゴ").context["page"]) == 20
        with django_assert_max_num_queries(budget):
            assert len(client.get("/api/jobs?q=ロゴ").json()["items"]) == 20
