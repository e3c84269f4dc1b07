"""B1, B3, B6: a selected proposal becomes a contract; milestones are agreed, escrowed
(仮払い), delivered (納品) and accepted (検収); every refused move changes nothing."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse

from tests.contracts import builders
from tests.contracts.support import balance, english, escrow_balance
from tests.factories import UserFactory
from tests.support import assert_ledger_clean, assert_refused, snapshot
from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import User
from ukeoi.contracts import selectors, services
from ukeoi.contracts.display import fee_view
from ukeoi.contracts.enums import ContractStatus, MilestoneStatus
from ukeoi.contracts.models import Contract, Milestone
from ukeoi.contracts.rules import MilestoneDraft
from ukeoi.core import clock
from ukeoi.core.errors import InvalidInput
from ukeoi.core.models import AuditEvent
from ukeoi.jobs import services as jobs
from ukeoi.jobs.enums import PaymentPurpose, PaymentStatus
from ukeoi.ledger.enums import AccountKind

pytestmark = pytest.mark.django_db


def only_milestone(contract: Contract) -> Milestone:
    return builders.first_milestone(contract)


class TestCreation:
    def test_selecting_a_project_proposal_creates_a_contract_with_one_proposed_milestone(
        self,
        client_user: User,
        lancer: User,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """B1, B3: the contract starts agreeing, with the proposal's amount as its plan."""
        proposal = builders.project_proposal(client=client_user, lancer=lancer, amount=24_000)

        with django_capture_on_commit_callbacks(execute=True):
            services.proposal_hire(actor=client_user, proposal_id=proposal.pk)

        contract = Contract.objects.get(proposal=proposal)
        assert (contract.client, contract.lancer, contract.status) == (
            client_user,
            lancer,
            ContractStatus.AGREEING,
        )
        assert contract.thread == proposal.thread
        milestone = only_milestone(contract)
        assert (milestone.amount, milestone.status) == (24_000, MilestoneStatus.PROPOSED)
        assert AuditEvent.objects.filter(action="contract.created").count() == 1
        # jobs tells the lancer it was selected; L1: both get the statement of terms.
        selected, *terms = mailoutbox
        assert selected.to == [lancer.email]
        assert sorted(m.to[0] for m in terms) == sorted([client_user.email, lancer.email])

    def test_contract_creation_is_idempotent_per_proposal(self, client_user: User) -> None:
        contract = builders.contract_agreeing(client=client_user)
        assert contract.proposal_id is not None
        again = services.contract_create_from_proposal(
            actor=client_user, proposal_id=contract.proposal_id
        )
        assert again == contract
        assert Contract.objects.count() == 1

    def test_selecting_a_withdrawn_lancers_proposal_is_refused(self, client_user: User) -> None:
        """W6: the lancer's row is locked and a withdrawn lancer gets no contract."""
        proposal = builders.project_proposal(client=client_user)
        User.objects.filter(pk=proposal.lancer_id).update(
            status=AccountStatus.WITHDRAWN, is_active=False
        )
        assert_refused(
            lambda: services.proposal_hire(actor=client_user, proposal_id=proposal.pk),
            code="lancer_withdrawn",
            status=409,
        )

    @pytest.mark.parametrize("side", ["lancer", "client"])
    def test_no_contract_is_made_with_a_withdrawn_side_whoever_calls(
        self, client_user: User, side: str
    ) -> None:
        """W6 insurance: even called directly (not through the selection, which refuses
        first), the service checks both sides under their row locks and makes nothing."""
        proposal = builders.project_proposal(client=client_user)
        gone = proposal.lancer_id if side == "lancer" else client_user.pk
        User.objects.filter(pk=gone).update(status=AccountStatus.WITHDRAWN, is_active=False)
        before = AuditEvent.objects.count()

        assert_refused(
            lambda: services.contract_create_from_proposal(
                actor=client_user, proposal_id=proposal.pk
            ),
            code="side_withdrawn",
            status=409,
        )

        assert Contract.objects.count() == 0
        assert Milestone.objects.count() == 0
        assert AuditEvent.objects.count() == before


class TestMilestonePlan:
    def test_client_proposes_several_milestones_replacing_the_unagreed_one(self) -> None:
        contract = builders.contract_agreeing(amount=30_000)
        first = only_milestone(contract)
        today = clock.today()

        created = services.milestones_propose(
            actor=contract.client,
            contract_id=contract.pk,
            milestones=[
                MilestoneDraft("デザイン案", 10_000, today + timedelta(days=10)),
                MilestoneDraft("最終納品", 20_000, today + timedelta(days=20)),
            ],
        )

        first.refresh_from_db()
        assert first.status == MilestoneStatus.DELETED
        assert [(m.title, m.amount, m.status) for m in created] == [
            ("デザイン案", 10_000, MilestoneStatus.PROPOSED),
            ("最終納品", 20_000, MilestoneStatus.PROPOSED),
        ]

    def test_lancer_agrees_and_the_contract_is_in_progress_with_fees_fixed(self) -> None:
        """B6: 5.5 % client fee, 16.5 % lancer fee, rounded down."""
        contract = builders.contract_agreeing(amount=10_001)

        services.milestones_agree(actor=contract.lancer, contract_id=contract.pk)

        contract.refresh_from_db()
        milestone = only_milestone(contract)
        assert contract.status == ContractStatus.IN_PROGRESS
        assert milestone.status == MilestoneStatus.AWAITING_ESCROW
        assert (milestone.client_fee, milestone.lancer_fee) == (550, 1650)
        assert (milestone.client_total, milestone.lancer_net) == (10_551, 8_351)

    def test_new_milestones_on_an_in_progress_contract_need_agreement_again(self) -> None:
        contract = builders.contract_in_progress(escrowed=True)
        services.milestones_propose(
            actor=contract.client,
            contract_id=contract.pk,
            milestones=[MilestoneDraft("追加作業", 5_000)],
        )
        contract.refresh_from_db()
        assert contract.status == ContractStatus.AGREEING
        services.milestones_agree(actor=contract.lancer, contract_id=contract.pk)
        contract.refresh_from_db()
        assert contract.status == ContractStatus.IN_PROGRESS

    @pytest.mark.parametrize("amount", [0, -1, -10_000, None, 100_000_001])
    def test_zero_negative_missing_or_huge_amounts_are_refused(self, amount: Any) -> None:
        contract = builders.contract_agreeing()
        before = snapshot()
        with pytest.raises(InvalidInput) as info:
            services.milestones_propose(
                actor=contract.client,
                contract_id=contract.pk,
                milestones=[MilestoneDraft("作業", amount)],
            )
        assert "milestones.0.amount" in info.value.fields
        assert info.value.status == 400
        assert snapshot() == before

    def test_empty_plan_blank_title_and_past_due_date_are_refused(self) -> None:
        contract = builders.contract_agreeing()
        before = snapshot()
        with pytest.raises(InvalidInput) as info:
            services.milestones_propose(
                actor=contract.client, contract_id=contract.pk, milestones=[]
            )
        assert "milestones" in info.value.fields
        with pytest.raises(InvalidInput) as info:
            services.milestones_propose(
                actor=contract.client,
                contract_id=contract.pk,
                milestones=[MilestoneDraft(" ", 1000, clock.today() - timedelta(days=1))],
            )
        assert {"milestones.0.title", "milestones.0.due_date"} <= set(info.value.fields)
        assert snapshot() == before

    def test_lancer_cannot_propose_and_client_cannot_agree(self) -> None:
        contract = builders.contract_agreeing()
        assert_refused(
            lambda: services.milestones_propose(
                actor=contract.lancer,
                contract_id=contract.pk,
                milestones=[MilestoneDraft("作業", 1000)],
            ),
            code="not_client",
            status=403,
        )
        assert_refused(
            lambda: services.milestones_agree(actor=contract.client, contract_id=contract.pk),
            code="not_lancer",
            status=403,
        )

    def test_a_stranger_is_not_told_the_contract_exists(self) -> None:
        """A2: to a stranger a contract and its milestones do not exist (404, as unknown
        ones), before any input is looked at."""
        contract = builders.contract_in_progress()
        milestone = only_milestone(contract)
        stranger = UserFactory.create()
        assert_refused(
            lambda: services.milestones_agree(actor=stranger, contract_id=contract.pk),
            code="not_found",
            status=404,
        )
        assert_refused(
            lambda: services.milestone_deliver(actor=stranger, milestone_id=milestone.pk, body=""),
            code="not_found",
            status=404,
        )
        hidden = assert_refused(
            lambda: services.milestone_accept(actor=stranger, milestone_id=milestone.pk),
            code="not_found",
            status=404,
        )
        unknown = assert_refused(
            lambda: services.milestone_accept(actor=stranger, milestone_id=999_999),
            code="not_found",
            status=404,
        )
        assert english(hidden.message) == english(unknown.message)

    def test_an_operator_sees_the_contract_but_is_not_a_side(self) -> None:
        """A2, B3: an operator may see a contract (so 403, not 404) but takes no step."""
        contract = builders.contract_agreeing()
        operator = builders.operator()
        assert_refused(
            lambda: services.milestones_agree(actor=operator, contract_id=contract.pk),
            code="not_a_side",
            status=403,
        )

    def test_agreeing_twice_is_refused(self) -> None:
        contract = builders.contract_in_progress(escrowed=False)
        assert_refused(
            lambda: services.milestones_agree(actor=contract.lancer, contract_id=contract.pk),
            code="nothing_to_agree",
            status=409,
        )

    def test_agreeing_with_a_withdrawn_client_is_refused(self) -> None:
        """W6: no new obligation with an account that has left."""
        contract = builders.contract_agreeing()
        User.objects.filter(pk=contract.client_id).update(
            status=AccountStatus.WITHDRAWN, is_active=False
        )
        assert_refused(
            lambda: services.milestones_agree(actor=contract.lancer, contract_id=contract.pk),
            code="counterpart_withdrawn",
            status=409,
        )


class TestEscrow:
    def test_escrow_request_creates_a_payment_of_amount_plus_client_fee(self) -> None:
        """B3, B6: the fee is shown before (display.fee_view) and charged with the escrow."""
        contract = builders.contract_in_progress(amount=20_000, escrowed=False)
        milestone = only_milestone(contract)
        fees = fee_view(milestone)
        assert (fees.client_fee, fees.client_total, fees.lancer_fee, fees.lancer_net) == (
            1_100,
            21_100,
            3_300,
            16_700,
        )

        milestone = services.milestone_escrow(actor=contract.client, milestone_id=milestone.pk)

        payment = milestone.payment
        assert payment is not None
        assert (payment.purpose, payment.status) == (
            PaymentPurpose.MILESTONE,
            PaymentStatus.AWAITING,
        )
        assert (payment.escrow_amount, payment.client_fee, payment.amount) == (
            20_000,
            1_100,
            21_100,
        )
        assert milestone.status == MilestoneStatus.AWAITING_ESCROW
        assert list(selectors.unfinished_payments_list(user_id=contract.lancer_id)) == [milestone]

    def test_escrow_request_twice_creates_one_payment(self) -> None:
        contract = builders.contract_in_progress(escrowed=False)
        milestone = only_milestone(contract)
        services.milestone_escrow(actor=contract.client, milestone_id=milestone.pk)
        before = snapshot()
        services.milestone_escrow(actor=contract.client, milestone_id=milestone.pk)
        assert snapshot() == before

    def test_operator_confirmation_escrows_the_milestone_through_the_ledger(
        self,
        operator: User,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """B3, M1: bank -> client payments -> milestone escrow + client fee revenue."""
        contract = builders.contract_in_progress(amount=20_000, escrowed=False)
        milestone = services.milestone_escrow(
            actor=contract.client, milestone_id=only_milestone(contract).pk
        )
        assert milestone.payment_id is not None

        with django_capture_on_commit_callbacks(execute=True):
            jobs.client_payment_confirm(actor=operator, payment_id=milestone.payment_id)

        milestone.refresh_from_db()
        contract.refresh_from_db()
        assert milestone.status == MilestoneStatus.ESCROWED
        assert milestone.escrow_amount == 20_000
        assert contract.work_started_at is not None
        assert escrow_balance(milestone) == 20_000
        assert balance(AccountKind.FEE_REVENUE_CLIENT) == 1_100
        assert balance(AccountKind.CLIENT_PAYMENTS, owner=contract.client) == 0
        assert {m.to[0] for m in mailoutbox} >= {contract.client.email, contract.lancer.email}
        # Confirming again changes nothing (M2).
        before = snapshot()
        jobs.client_payment_confirm(actor=operator, payment_id=milestone.payment_id)
        assert snapshot() == before
        assert_ledger_clean()

    def test_escrow_before_agreement_or_twice_or_by_the_lancer_is_refused(self) -> None:
        contract = builders.contract_agreeing()
        milestone = only_milestone(contract)
        assert_refused(
            lambda: services.milestone_escrow(actor=contract.client, milestone_id=milestone.pk),
            code="not_agreed",
            status=409,
        )
        contract = builders.contract_in_progress(escrowed=True)
        milestone = only_milestone(contract)
        assert_refused(
            lambda: services.milestone_escrow(actor=contract.lancer, milestone_id=milestone.pk),
            code="not_client",
            status=403,
        )
        assert_refused(
            lambda: services.milestone_escrow(actor=contract.client, milestone_id=milestone.pk),
            code="already_escrowed",
            status=409,
        )

    def test_escrow_by_a_withdrawn_client_is_refused(self) -> None:
        """W6."""
        contract = builders.contract_in_progress(escrowed=False)
        client = contract.client
        User.objects.filter(pk=client.pk).update(status=AccountStatus.WITHDRAWN, is_active=False)
        client.refresh_from_db()
        assert_refused(
            lambda: services.milestone_escrow(
                actor=client, milestone_id=only_milestone(contract).pk
            ),
            code="account_withdrawn",
            status=403,
        )


class TestDeliveryAndAcceptance:
    def test_lancer_delivers_with_a_note_and_a_file(self, settings: Any, tmp_path: Any) -> None:
        settings.MEDIA_ROOT = tmp_path
        contract = builders.contract_in_progress(escrowed=True)
        milestone = only_milestone(contract)

        delivery = services.milestone_deliver(
            actor=contract.lancer,
            milestone_id=milestone.pk,
            body="ロゴ一式です",
            file=SimpleUploadedFile("logo.txt", b"logo"),
        )

        milestone.refresh_from_db()
        assert milestone.status == MilestoneStatus.DELIVERED
        assert delivery.body == "ロゴ一式です"
        assert delivery.file.name.endswith("logo.txt")

    @pytest.mark.parametrize(
        ("name", "content"),
        [("logo.png", b"not a png at all"), ("tool.exe", b"MZ\x90\x00"), ("empty.txt", b"")],
    )
    def test_a_file_of_the_wrong_kind_is_refused_and_nothing_changes(
        self, settings: Any, tmp_path: Any, name: str, content: bytes
    ) -> None:
        """Uploads are type-checked by their content, not only their name (issue 9)."""
        settings.MEDIA_ROOT = tmp_path
        contract = builders.contract_in_progress(escrowed=True)
        milestone = only_milestone(contract)

        with pytest.raises(InvalidInput) as error:
            services.milestone_deliver(
                actor=contract.lancer,
                milestone_id=milestone.pk,
                body="納品します",
                file=SimpleUploadedFile(name, content),
            )

        assert error.value.status == 400
        assert list(error.value.fields) == ["file"]
        milestone.refresh_from_db()
        assert milestone.status == MilestoneStatus.ESCROWED
        assert not milestone.deliveries.exists()
        assert not any(tmp_path.rglob("*.*"))

    def test_delivering_twice_is_refused(self) -> None:
        contract = builders.contract_in_progress(delivered=True)
        assert_refused(
            lambda: services.milestone_deliver(
                actor=contract.lancer, milestone_id=only_milestone(contract).pk, body="再納品"
            ),
            code="already_delivered",
            status=409,
        )

    def test_delivering_before_escrow_or_by_the_client_or_empty_is_refused(self) -> None:
        contract = builders.contract_in_progress(escrowed=False)
        milestone = only_milestone(contract)
        assert_refused(
            lambda: services.milestone_deliver(
                actor=contract.lancer, milestone_id=milestone.pk, body="納品"
            ),
            code="not_escrowed",
            status=409,
        )
        contract = builders.contract_in_progress(escrowed=True)
        milestone = only_milestone(contract)
        assert_refused(
            lambda: services.milestone_deliver(
                actor=contract.client, milestone_id=milestone.pk, body="納品"
            ),
            code="not_lancer",
            status=403,
        )
        assert_refused(
            lambda: services.milestone_deliver(
                actor=contract.lancer, milestone_id=milestone.pk, body="   "
            ),
            code="invalid",
            status=400,
        )

    def test_acceptance_pays_the_lancer_minus_the_fee_and_completes_the_contract(
        self, django_capture_on_commit_callbacks: Any, mailoutbox: list[EmailMessage]
    ) -> None:
        """B3, B6, M1: escrow 10,000 -> reward 8,350 + lancer fee 1,650."""
        contract = builders.contract_in_progress(amount=10_000, delivered=True)
        milestone = only_milestone(contract)

        with django_capture_on_commit_callbacks(execute=True):
            services.milestone_accept(actor=contract.client, milestone_id=milestone.pk)

        milestone.refresh_from_db()
        contract.refresh_from_db()
        assert milestone.status == MilestoneStatus.ACCEPTED
        assert contract.status == ContractStatus.COMPLETED
        assert contract.completed_at is not None
        assert escrow_balance(milestone) == 0
        assert balance(AccountKind.REWARD, owner=contract.lancer) == 8_350
        assert balance(AccountKind.FEE_REVENUE_LANCER) == 1_650
        assert len(mailoutbox) >= 4
        assert_ledger_clean()

    def test_accepting_twice_moves_money_once(self) -> None:
        contract = builders.contract_completed()
        assert_refused(
            lambda: services.milestone_accept(
                actor=contract.client, milestone_id=only_milestone(contract).pk
            ),
            code="contract_closed",
            status=409,
        )
        assert_ledger_clean()

    def test_one_accepted_milestone_of_two_keeps_the_contract_in_progress(self) -> None:
        contract = builders.contract_agreeing()
        services.milestones_propose(
            actor=contract.client,
            contract_id=contract.pk,
            milestones=[MilestoneDraft("前半", 5_000), MilestoneDraft("後半", 5_000)],
        )
        services.milestones_agree(actor=contract.lancer, contract_id=contract.pk)
        first, second = contract.milestones.filter(status=MilestoneStatus.AWAITING_ESCROW)
        builders.escrow(first)
        services.milestone_deliver(actor=contract.lancer, milestone_id=first.pk, body="前半")
        services.milestone_accept(actor=contract.client, milestone_id=first.pk)
        contract.refresh_from_db()
        assert contract.status == ContractStatus.IN_PROGRESS
        builders.escrow(second)
        services.milestone_deliver(actor=contract.lancer, milestone_id=second.pk, body="後半")
        services.milestone_accept(actor=contract.client, milestone_id=second.pk)
        contract.refresh_from_db()
        assert contract.status == ContractStatus.COMPLETED
        assert balance(AccountKind.REWARD, owner=contract.lancer) == 2 * 4_175
        assert_ledger_clean()

    def test_accepting_an_unfunded_or_undelivered_milestone_is_refused(self) -> None:
        """Bad input: accepting an unfunded milestone."""
        contract = builders.contract_in_progress(escrowed=False)
        assert_refused(
            lambda: services.milestone_accept(
                actor=contract.client, milestone_id=only_milestone(contract).pk
            ),
            code="not_escrowed",
            status=409,
        )
        contract = builders.contract_in_progress(escrowed=True)
        assert_refused(
            lambda: services.milestone_accept(
                actor=contract.client, milestone_id=only_milestone(contract).pk
            ),
            code="not_delivered",
            status=409,
        )

    def test_the_lancer_cannot_accept_their_own_delivery(self) -> None:
        contract = builders.contract_in_progress(delivered=True)
        assert_refused(
            lambda: services.milestone_accept(
                actor=contract.lancer, milestone_id=only_milestone(contract).pk
            ),
            code="not_client",
            status=403,
        )

    def test_client_asks_for_changes_and_the_lancer_delivers_again(self) -> None:
        contract = builders.contract_in_progress(delivered=True)
        milestone = only_milestone(contract)

        services.milestone_request_changes(
            actor=contract.client, milestone_id=milestone.pk, comment="色を変えてください"
        )

        milestone.refresh_from_db()
        assert milestone.status == MilestoneStatus.ESCROWED
        assert milestone.deliveries.get().change_request == "色を変えてください"
        services.milestone_deliver(actor=contract.lancer, milestone_id=milestone.pk, body="修正版")
        milestone.refresh_from_db()
        assert milestone.status == MilestoneStatus.DELIVERED
        assert escrow_balance(milestone) == milestone.amount
        assert_ledger_clean()

    def test_unknown_milestone_is_404(self, client_user: User) -> None:
        assert_refused(
            lambda: services.milestone_accept(actor=client_user, milestone_id=999_999),
            code="not_found",
            status=404,
        )


def test_completing_by_hand_is_refused_while_milestones_are_open() -> None:
    contract = builders.contract_in_progress(escrowed=True)
    assert_refused(
        lambda: services.contract_complete(actor=contract.client, contract_id=contract.pk),
        code="milestones_open",
        status=409,
    )


@pytest.mark.django_db
def test_b8_a_message_on_a_contract_mails_a_link_that_leads_to_the_contract(
    client: Client, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    """B8: the talk of a selected project proposal continues on its contract page, so the
    mail about a new message leads there (through the proposal's contract redirect)."""
    contract = builders.contract_agreeing()
    assert contract.thread_id is not None
    with django_capture_on_commit_callbacks(execute=True):
        jobs.message_send(
            actor=contract.lancer, thread_id=contract.thread_id, body="進め方の相談です"
        )

    [mail] = mailoutbox
    link = reverse("contracts:for_proposal", args=[contract.proposal_id])
    assert link in str(mail.body)
    client.force_login(contract.client)
    assert client.get(link)["Location"] == contract.get_absolute_url()
