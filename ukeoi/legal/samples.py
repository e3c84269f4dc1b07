# ruff: noqa: E501
"""L4: sample texts of the three legal pages, in Japanese and English, each marked as a
sample, so that a fresh install has versions to show and to agree to (`manage.py
legal_samples`, and the demo data). Operators replace them in the admin with their own
texts, reviewed by their lawyer, as a new version: these are not legal advice.

The texts are prose, one paragraph a line as the admin stores them (ruff's E501 is off here).

The 特商法 notice refers to the fees "as set now", which its page prints from the settings
(core.fees) below the text, so the text never contradicts the configured rates."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ukeoi.core import clock
from ukeoi.legal.enums import DocumentKind
from ukeoi.legal.models import DocumentVersion

# The date the samples say they are in force from (or now, if that were still to come).
SAMPLE_EFFECTIVE_FROM = datetime(2026, 4, 1, 0, 0)


@dataclass(frozen=True)
class Sample:
    kind: str
    title_ja: str
    title_en: str
    body_ja: str
    body_en: str


TERMS_JA = """【サンプル】この利用規約はデモ用のサンプルです。運営者は実際の内容に差し替えてください。

この利用規約（以下「本規約」といいます。）は、ukeoi運営事務局（以下「当社」といいます。）が提供するクラウドソーシングサービス「ukeoi」（以下「本サービス」といいます。）の利用条件を定めるものです。登録ユーザーの皆さまには、本規約に従って本サービスをご利用いただきます。

## 第1条（適用）
本規約は、ユーザーと当社との間の本サービスの利用に関わる一切の関係に適用されます。当社が本サービス上で掲載するガイドライン等は、本規約の一部を構成します。

## 第2条（利用登録）
- 登録希望者が本規約に同意のうえ、当社の定める方法によって利用登録を申請し、当社がこれを承認することによって、利用登録が完了するものとします。
- ユーザー名は登録後に変更することはできません。表示名はいつでも変更できます。
- 虚偽の事項を届け出た場合、過去に本規約に違反した者からの申請である場合、その他当社が不適当と判断した場合には、登録を承認しないことがあります。

## 第3条（アカウントの管理）
ユーザーは、自己の責任においてメールアドレスおよびパスワードを適切に管理するものとします。第三者による使用によって生じた損害について、当社に故意または重大な過失がある場合を除き、当社は責任を負いません。

## 第4条（仕事の依頼と契約）
- クライアントは依頼を掲載し、ランサーは提案を行います。クライアントが提案を採用したときに、クライアントとランサーの間で業務委託契約が成立します。当社は契約の当事者ではありません。
- 当社は、フリーランス・事業者間取引適正化等法に基づき、契約の成立時および条件の変更時に取引条件明示書を双方に交付します。
- 送信した提案をランサーが取り消すことはできません。提案の削除はクライアントのみが行えます。

## 第5条（仮払いと報酬の支払い）
- クライアントは、各計画（マイルストーン）の作業開始前に、その金額とシステム利用料を当社に仮払いします。
- 納品後、クライアントが検収すると、仮払い金からランサーのシステム利用料を差し引いた額がランサーの報酬残高になります。検収期間内に検収または修正依頼がない場合、検収されたものとみなします。
- 報酬残高は、当社の定める出金スケジュールに従ってランサーの登録口座に振り込まれます。振込手数料はランサーの負担とします。

## 第6条（禁止事項）
- 法令または公序良俗に違反する行為
- 本サービスを介さずに直接取引を行うことを目的とした連絡先の交換
- 他のユーザーまたは第三者の知的財産権、プライバシーその他の権利を侵害する行為
- 本サービスの運営を妨害するおそれのある行為

## 第7条（退会）
ユーザーは、当社の定める手続により、いつでも退会できます。ただし、進行中の契約、未払いの報酬その他の未完了の取引がある場合には、それらが完了するまで退会できません。報酬残高がある場合は、その放棄に同意したうえで退会できます。

## 第8条（免責）
当社は、ユーザー間の取引の内容、成果物の品質および適法性について保証しません。ユーザー間の紛争は当事者間で解決するものとします。ただし、当社の故意または重大な過失による損害についてはこの限りではありません。

## 第9条（規約の変更）
当社は、必要と判断した場合には、ユーザーに通知することにより本規約を変更できます。変更後の本規約の効力発生後に本サービスを利用するには、変更後の規約への同意が必要です。

## 第10条（準拠法・裁判管轄）
本規約の解釈にあたっては日本法を準拠法とし、本サービスに関して紛争が生じた場合には、東京地方裁判所を第一審の専属的合意管轄裁判所とします。

以上（サンプル）"""

TERMS_EN = """[Sample] These terms of use are a sample for the demo. Operators must replace them with their own.

These terms of use (the "Terms") set out the conditions of use of ukeoi (the "Service"), the crowdsourcing service provided by the ukeoi operations office ("we"). Registered users use the Service in accordance with the Terms.

## Article 1 (Scope)
The Terms apply to every relationship between users and us concerning the use of the Service. Guidelines we publish on the Service form part of the Terms.

## Article 2 (Registration)
- Registration is complete when an applicant agrees to the Terms, applies in the way we set and we accept the application.
- The username cannot be changed after registration. The display name can be changed at any time.
- We may refuse a registration that gives false information, comes from someone who broke the Terms before, or that we otherwise judge inappropriate.

## Article 3 (Account)
Users keep their e-mail address and password safe on their own responsibility. We are not liable for loss caused by a third party's use, unless caused by our intent or gross negligence.

## Article 4 (Jobs and contracts)
- Clients post jobs and lancers send proposals. When a client accepts a proposal, a service contract is made between the client and the lancer. We are not a party to it.
- Under the Freelance Act we issue a statement of terms to both sides when a contract is made and whenever its terms change.
- A lancer cannot withdraw a proposal once sent; only the client can delete it.

## Article 5 (Escrow and payment of rewards)
- Before work on a milestone starts, the client pays its amount and the system fee to us in escrow.
- After delivery and the client's acceptance, the escrow less the lancer's system fee becomes the lancer's reward balance. A delivery neither accepted nor sent back within the inspection period is deemed accepted.
- The reward balance is transferred to the lancer's registered bank account on our payout schedule. The bank transfer fee is borne by the lancer.

## Article 6 (Prohibited conduct)
- Acts that break the law or public order and morals
- Exchanging contact details in order to trade outside the Service
- Infringing the intellectual property, privacy or other rights of other users or third parties
- Acts that may disturb the operation of the Service

## Article 7 (Withdrawal)
Users may withdraw at any time through the procedure we set. While a contract is in progress, a reward is unpaid or another transaction is unfinished, withdrawal waits until it is done. With a reward balance, a user may withdraw after agreeing to forfeit it.

## Article 8 (Disclaimer)
We do not guarantee the content of transactions between users, nor the quality or legality of their work. Disputes between users are settled between them, except for loss caused by our intent or gross negligence.

## Article 9 (Changes to the Terms)
We may change the Terms by notifying users. To use the Service after a change takes effect, users must agree to the changed Terms.

## Article 10 (Governing law and jurisdiction)
The Terms are governed by the laws of Japan. The Tokyo District Court has exclusive jurisdiction in the first instance over disputes about the Service.

End (sample)"""

PRIVACY_JA = """【サンプル】このプライバシーポリシーはデモ用のサンプルです。運営者は実際の内容に差し替えてください。

ukeoi運営事務局（以下「当社」といいます。）は、個人情報の保護に関する法律（以下「個人情報保護法」といいます。）を遵守し、本サービスにおける個人情報を以下のとおり取り扱います。

## 1. 取得する情報
- 登録時：メールアドレス、ユーザー名、表示名、パスワード（ハッシュ化して保存）
- プロフィール：氏名、フリガナ、生年月日、住所、自己紹介、ポートフォリオ
- 出金のため：銀行口座の情報
- 本人確認：本人確認書類の画像（確認後に削除します）
- 取引の記録：依頼、提案、メッセージ、契約、評価、入出金の記録
- アクセス記録：サインインの日時、IPアドレス

## 2. 利用目的
- 本サービスの提供、本人確認および不正利用の防止のため
- 契約の成立、取引条件明示書・請求書等の交付、報酬の支払いのため
- お問い合わせへの回答、重要なお知らせの送付のため
- 法令に基づく帳簿・書類の保存（税務上の記録は7年間）のため
- 本サービスの改善のための統計の作成（個人を識別できない形に加工します）

## 3. 第三者提供
法令に基づく場合を除き、ご本人の同意なく個人情報を第三者に提供しません。取引の相手方には、取引に必要な範囲（表示名、契約後はユーザー名）で情報を開示します。

## 4. 安全管理措置
アクセス権限の管理、通信の暗号化、パスワードのハッシュ化、退会済みメールアドレスの鍵付きハッシュでの保管など、必要かつ適切な安全管理措置を講じます。

## 5. 開示・訂正・利用停止・削除の請求
- ご本人は、当社が保有する個人データの開示、訂正、追加、削除、利用停止、消去および第三者提供の停止を請求できます。
- 保有するデータは、アカウントのデータエクスポート機能でいつでもダウンロードできます。プロフィールは設定画面で訂正できます。
- 退会後は、個人情報の消去（匿名化）を申請できます。法令により保存が必要な取引記録は、保存期間の経過後に削除します。
- その他の請求は、ヘルプセンターのお問い合わせフォーム（カテゴリ「個人情報の削除」など）からご連絡ください。ご本人確認のうえ、遅滞なく対応します。

## 6. お問い合わせ窓口
ukeoi運営事務局 個人情報保護担当
〒100-0005 東京都千代田区丸の内一丁目0番0号 サンプルビル5階（サンプル）
メール：privacy@ukeoi.example（サンプル）

## 7. 改定
本ポリシーを改定したときは、本サービス上でお知らせし、改定後の内容への同意をお願いします。

以上（サンプル）"""

PRIVACY_EN = """[Sample] This privacy policy is a sample for the demo. Operators must replace it with their own.

The ukeoi operations office ("we") complies with the Act on the Protection of Personal Information (APPI) and handles personal information in the Service as follows.

## 1. What we collect
- At registration: e-mail address, username, display name, password (stored hashed)
- Profile: full name, reading in katakana, date of birth, address, self-introduction, portfolio
- For payouts: bank account details
- Identity verification: images of identity documents (deleted after the check)
- Records of transactions: jobs, proposals, messages, contracts, ratings, payments and payouts
- Access records: time of sign-in, IP address

## 2. Purposes of use
- To provide the Service, verify identity and prevent misuse
- To make contracts, issue statements of terms, invoices and other documents, and pay rewards
- To answer inquiries and send important notices
- To keep the books and documents the law requires (tax records: 7 years)
- To compile statistics that improve the Service (processed so that no person can be identified)

## 3. Disclosure to third parties
Except where the law requires it, we do not give personal information to third parties without the person's consent. A counterpart in a transaction sees what the transaction needs (the display name; the username once a contract is made).

## 4. Security
We take necessary and appropriate measures: access control, encrypted connections, hashed passwords, retired e-mail addresses kept only as keyed hashes, and more.

## 5. Disclosure, correction, stop of use and deletion
- You may ask us to disclose, correct, add to, delete, stop using or erase the personal data we hold about you, or to stop giving it to third parties.
- You can download the data we hold at any time with your account's data export. You can correct your profile in the settings.
- After withdrawal you can ask for erasure (anonymisation) of your personal information. Transaction records the law requires us to keep are deleted when their retention period ends.
- For any other request, contact us through the help centre's contact form (for example the category "delete my personal information"). We answer without delay after confirming your identity.

## 6. Contact
ukeoi operations office, personal information desk
Sample Building 5F, 1-0-0 Marunouchi, Chiyoda-ku, Tokyo 100-0005 (sample)
E-mail: privacy@ukeoi.example (sample)

## 7. Changes
When we change this policy we announce it on the Service and ask you to agree to the new version.

End (sample)"""

TOKUSHOHO_JA = """【サンプル】この表記はデモ用のサンプルです。運営者は実際の内容に差し替えてください。

## 販売事業者
ukeoi運営事務局（サンプル）

## 運営統括責任者
請負 太郎（サンプル）

## 所在地
〒100-0005 東京都千代田区丸の内一丁目0番0号 サンプルビル5階（サンプル）

## 連絡先
メール：support@ukeoi.example（サンプル）
電話番号：03-0000-0000（サンプル。受付時間 平日10:00〜17:00。ご請求があれば遅滞なく開示します）
お問い合わせはヘルプセンターのお問い合わせフォームからも受け付けています。

## 販売価格（手数料）
会員登録および依頼の掲載は無料です。契約が成立し仮払いまたは検収が行われたときに、下記「現在の手数料」のシステム利用料がかかります（税込）。
- クライアント：仮払いする金額に料率を掛けた額を、仮払い金とあわせてお支払いいただきます。
- ランサー：検収された金額に料率を掛けた額を、報酬から差し引きます。
- 手数料は1円未満を切り捨てて計算します。
- 出金時には振込手数料を報酬から差し引きます。

## 商品代金以外の必要料金
インターネット接続に必要な通信料、銀行振込で仮払いする場合の振込手数料はお客様のご負担となります。

## 支払方法
銀行振込（当社指定口座）。入金を当社が確認した時点で仮払いが完了します。

## 支払時期
各計画（マイルストーン）の作業開始前に仮払いしてください。ランサーへの報酬は、毎月15日締め当月末払い、月末締め翌月15日払い（金融機関の休業日は前営業日）で振り込みます。

## 役務の提供時期
契約の成立後、当事者間で合意した納期に従って提供されます。

## キャンセル・返金
- 作業開始前または契約のキャンセル手続が完了した場合、仮払い金は全額クライアントに返金されます。
- 検収済みの計画の代金は返金できません。
- 仮払い後のキャンセルは、当事者双方の合意のうえ、本サービスのキャンセル手続に従って行います。

以上（サンプル）"""

TOKUSHOHO_EN = """[Sample] This notice is a sample for the demo. Operators must replace it with their own.

## Seller
ukeoi operations office (sample)

## Person responsible
Taro Ukeoi (sample)

## Address
Sample Building 5F, 1-0-0 Marunouchi, Chiyoda-ku, Tokyo 100-0005 (sample)

## Contact
E-mail: support@ukeoi.example (sample)
Telephone: 03-0000-0000 (sample; weekdays 10:00–17:00; disclosed without delay on request)
Inquiries are also accepted through the help centre's contact form.

## Prices (fees)
Registration and posting jobs are free. When a contract is made and escrow is paid or work is accepted, the system fees under "Fees as set now" below apply (tax included).
- Client: the escrowed amount times the rate, paid together with the escrow.
- Lancer: the accepted amount times the rate, deducted from the reward.
- Fees are rounded down to the yen.
- On payout, the bank transfer fee is deducted from the reward.

## Other charges
The cost of the internet connection, and the bank's fee when escrow is paid by bank transfer, are borne by the customer.

## Payment method
Bank transfer to our account. Escrow is complete when we confirm the payment.

## Payment timing
Pay the escrow before work on each milestone starts. Rewards are paid to lancers semi-monthly: balance confirmed by the 15th is paid at the end of the month, balance confirmed by the end of the month on the 15th of the next month (the previous business day when that is a bank holiday).

## When the service is provided
After the contract is made, on the delivery dates the parties agreed.

## Cancellation and refunds
- Escrow is refunded in full to the client before work starts or when the cancellation of a contract is complete.
- Milestones already accepted are not refunded.
- After escrow, a contract is cancelled by agreement of both sides through the Service's cancellation steps.

End (sample)"""

SAMPLES = (
    Sample(DocumentKind.TERMS, "利用規約（サンプル）", "Terms of use (sample)", TERMS_JA, TERMS_EN),
    Sample(
        DocumentKind.PRIVACY,
        "プライバシーポリシー（サンプル）",
        "Privacy policy (sample)",
        PRIVACY_JA,
        PRIVACY_EN,
    ),
    Sample(
        DocumentKind.TOKUSHOHO,
        "特定商取引法に基づく表記（サンプル）",
        "Notice under the Specified Commercial Transactions Act (sample)",
        TOKUSHOHO_JA,
        TOKUSHOHO_EN,
    ),
)


def samples_load() -> int:
    """Version 1 of every kind that has no version yet, from the samples. Idempotent: a
    kind with any version (a sample or the operators' own) is left as it is. Returns how
    many versions it created."""
    now = clock.now()
    effective_from = min(timezone.make_aware(SAMPLE_EFFECTIVE_FROM), now)
    created = 0
    with transaction.atomic():
        for sample in SAMPLES:
            if DocumentVersion.objects.filter(kind=sample.kind).exists():
                continue
            DocumentVersion.objects.create(
                kind=sample.kind,
                number=1,
                title_ja=sample.title_ja,
                title_en=sample.title_en,
                body_ja=sample.body_ja,
                body_en=sample.body_en,
                effective_from=effective_from,
                created_at=now,
            )
            created += 1
    return created
