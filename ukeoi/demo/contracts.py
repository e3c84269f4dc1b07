"""Demo contracts (issue 5) between the demo client and the demo lancer, one in every state,
one of them in the middle of its cancellation. Each is built through the real services
(jobs and contracts) once: a job the demo client already has (by title) is left as it is,
so running the command again changes nothing and the ledger stays balanced."""

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction

from ukeoi.accounts.models import User
from ukeoi.contracts import services as contracts
from ukeoi.contracts.models import Contract, Milestone
from ukeoi.contracts.rules import MilestoneDraft
from ukeoi.core import clock
from ukeoi.jobs import services as jobs
from ukeoi.jobs.models import Job

Step = Callable[["_Demo", Contract], None]


class _Demo:
    def __init__(self) -> None:
        self.client = User.objects.get(email="client@demo.ukeoi.jp")
        self.lancer = User.objects.get(email="lancer@demo.ukeoi.jp")
        self.operator = User.objects.get(email="operator@demo.ukeoi.jp")

    def contract(self, title: str, description: str, category: str, amount: int) -> Contract:
        """A project, the demo lancer's proposal, selected: a contract (agreeing)."""
        job = jobs.job_post(
            actor=self.client,
            title=title,
            description=description,
            category=category,
            format="project",
            deadline=clock.now() + timedelta(days=21),
            budget_min=amount,
            budget_max=amount,
            # T3: writing fees (原稿料) paid to an individual: the demo client withholds.
            withholding=category == "writing",
        )
        proposal = jobs.proposal_submit(
            actor=self.lancer,
            job_id=job.pk,
            amount=amount,
            delivery_date=clock.today() + timedelta(days=30),
            message="ご依頼内容を拝見しました。ぜひ担当させてください。（デモ用の提案）",
        )
        contracts.proposal_hire(actor=self.client, proposal_id=proposal.pk)
        return Contract.objects.get(proposal=proposal)

    def milestones(self, contract: Contract) -> list[Milestone]:
        return list(contract.milestones.exclude(status="deleted").order_by("position", "id"))

    def agree(self, contract: Contract) -> None:
        contracts.milestones_agree(actor=self.lancer, contract_id=contract.pk)

    def escrow(self, milestone: Milestone) -> None:
        milestone = contracts.milestone_escrow(actor=self.client, milestone_id=milestone.pk)
        assert milestone.payment_id is not None
        jobs.client_payment_confirm(actor=self.operator, payment_id=milestone.payment_id)

    def deliver(self, milestone: Milestone, body: str) -> None:
        contracts.milestone_deliver(actor=self.lancer, milestone_id=milestone.pk, body=body)

    def accept(self, milestone: Milestone) -> None:
        contracts.milestone_accept(actor=self.client, milestone_id=milestone.pk)


def _agreeing(demo: _Demo, contract: Contract) -> None:
    """Two milestones proposed by the client; the lancer has not agreed yet."""
    contracts.milestones_propose(
        actor=demo.client,
        contract_id=contract.pk,
        milestones=[
            MilestoneDraft("ラフ案（3案）", 20_000, clock.today() + timedelta(days=10)),
            MilestoneDraft("清書・データ納品", 40_000, clock.today() + timedelta(days=25)),
        ],
    )


def _awaiting_escrow(demo: _Demo, contract: Contract) -> None:
    demo.agree(contract)


def _in_work(demo: _Demo, contract: Contract) -> None:
    """Two milestones: the first accepted and paid, the second escrowed and in work."""
    contracts.milestones_propose(
        actor=demo.client,
        contract_id=contract.pk,
        milestones=[
            MilestoneDraft("ワイヤーフレーム", 50_000, clock.today() + timedelta(days=7)),
            MilestoneDraft("画面デザイン（10画面）", 150_000, clock.today() + timedelta(days=30)),
        ],
    )
    demo.agree(contract)
    first, second = demo.milestones(contract)
    demo.escrow(first)
    demo.deliver(first, "ワイヤーフレームを納品します。Figmaのリンクをご確認ください。")
    demo.accept(first)
    demo.escrow(second)


def _delivered(demo: _Demo, contract: Contract) -> None:
    demo.agree(contract)
    (milestone,) = demo.milestones(contract)
    demo.escrow(milestone)
    demo.deliver(milestone, "パンフレットのデザインを納品します。PDFと入稿データをご確認ください。")


def _completed(demo: _Demo, contract: Contract) -> None:
    demo.agree(contract)
    (milestone,) = demo.milestones(contract)
    demo.escrow(milestone)
    demo.deliver(milestone, "記事10本を納品します。ご確認をお願いいたします。")
    demo.accept(milestone)
    contracts.rating_submit(
        actor=demo.client,
        contract_id=contract.pk,
        value="satisfied",
        comment="丁寧な記事で、納期も守っていただきました。またお願いします。",
    )
    contracts.rating_submit(
        actor=demo.lancer,
        contract_id=contract.pk,
        value="satisfied",
        comment="指示が明確で、とても仕事がしやすかったです。",
    )


def _mid_cancellation(demo: _Demo, contract: Contract) -> None:
    """B4: both agreed to cancel; the lancer must cancel the escrow next (step 2)."""
    demo.agree(contract)
    (milestone,) = demo.milestones(contract)
    demo.escrow(milestone)
    contracts.cancellation_propose(
        actor=demo.client,
        contract_id=contract.pk,
        reason="社内の方針変更により、動画の公開自体が中止になりました。申し訳ありません。",
    )
    contracts.cancellation_agree(actor=demo.lancer, contract_id=contract.pk)


def _cancelled(demo: _Demo, contract: Contract) -> None:
    """B4: all five steps done."""
    demo.agree(contract)
    (milestone,) = demo.milestones(contract)
    demo.escrow(milestone)
    contracts.cancellation_propose(
        actor=demo.lancer,
        contract_id=contract.pk,
        reason="体調不良のため、納期までの対応が難しくなりました。",
    )
    contracts.cancellation_agree(actor=demo.client, contract_id=contract.pk)
    contracts.cancellation_escrow_cancel(actor=demo.lancer, contract_id=contract.pk)
    contracts.cancellation_plan_delete(actor=demo.client, contract_id=contract.pk)
    contracts.cancellation_deletion_approve(actor=demo.lancer, contract_id=contract.pk)


DEMO_CONTRACTS: list[tuple[str, str, str, int, Step]] = [
    (
        "ECサイトのバナー制作（計画の合意待ち）",
        "セール用のバナーを大小2サイズで制作してください。",
        "design",
        60_000,
        _agreeing,
    ),
    (
        "社内報のイラスト制作（仮払い待ち）",
        "社内報の表紙イラストを1点お願いします。",
        "design",
        30_000,
        _awaiting_escrow,
    ),
    (
        "スマホアプリのUIデザイン（作業中）",
        "家計簿アプリの主要画面のUIデザインをお願いします。",
        "design",
        200_000,
        _in_work,
    ),
    (
        "会社案内パンフレットのデザイン（検収待ち）",
        "A4・8ページの会社案内パンフレットのデザインです。",
        "design",
        80_000,
        _delivered,
    ),
    (
        "ブログ記事の執筆（10本・完了）",
        "SEOを意識したブログ記事を10本執筆してください。",
        "writing",
        50_000,
        _completed,
    ),
    (
        "YouTube動画の編集（キャンセル手続き中）",
        "10分程度の動画の編集をお願いします。",
        "video",
        40_000,
        _mid_cancellation,
    ),
    (
        "名刺デザイン（キャンセル済み）",
        "新しいロゴに合わせた名刺デザインをお願いします。",
        "design",
        15_000,
        _cancelled,
    ),
]


def demo_contracts() -> int:
    """Create the demo contracts that are missing; returns how many were created."""
    demo = _Demo()
    created = 0
    for title, description, category, amount, build in DEMO_CONTRACTS:
        if Job.objects.filter(client=demo.client, title=title).exists():
            continue
        with transaction.atomic():
            contract = demo.contract(title, description, category, amount)
            build(demo, contract)
        created += 1
    return created
