"""H1: the FAQ's first categories and articles, in Japanese and English.

They answer what people who want to leave a crowdsourcing site ask (how to withdraw, what
blocks it and how to clear each blocker, why a proposal cannot be taken back, payouts,
passwords, names, what stays public, erasure). Operators edit them in the admin afterwards;
this migration only creates the ones that are missing, so it never overwrites their edits.
The body markup is described in ukeoi/helpdesk/markup.py."""

from django.db import migrations

CATEGORIES = [
    {
        "slug": "withdrawal",
        "order": 1,
        "name_ja": "退会",
        "name_en": "Withdrawal",
        "description_ja": "退会の手順、退会できないときの対処、退会後に残る情報と報酬",
        "description_en": "How to withdraw, what blocks it, and what happens afterwards",
    },
    {
        "slug": "work",
        "order": 2,
        "name_ja": "依頼・提案・契約",
        "name_en": "Jobs, proposals and contracts",
        "description_ja": "提案の取り消し、依頼の終了、契約のキャンセル",
        "description_en": "Taking back a proposal, closing a job, cancelling a contract",
    },
    {
        "slug": "payments",
        "order": 3,
        "name_ja": "報酬・出金",
        "name_en": "Rewards and payouts",
        "description_ja": "振込日、振込の条件、振込手数料",
        "description_en": "Payout days, conditions and transfer fees",
    },
    {
        "slug": "account",
        "order": 4,
        "name_ja": "アカウント・ログイン",
        "name_en": "Account and sign-in",
        "description_ja": "パスワード、ユーザー名と表示名",
        "description_en": "Passwords, usernames and display names",
    },
    {
        "slug": "privacy",
        "order": 5,
        "name_ja": "個人情報",
        "name_en": "Personal information",
        "description_ja": "退会後に公開される情報、個人情報の削除",
        "description_en": "What stays public, and erasing your personal information",
    },
]

ARTICLES = [
    {
        "category": "withdrawal",
        "slug": "how-to-withdraw",
        "order": 1,
        "featured": True,
        "keywords": "退会方法 やめたい 辞めたい 解約 アカウント削除 登録解除 退会ページ "
        "withdraw withdrawal delete account close account cancel membership unsubscribe",
        "title_ja": "退会の方法と手順",
        "title_en": "How to withdraw (close your account)",
        "body_ja": """
ukeoi の退会（アカウントの削除）は、退会ページから数分で手続きできます。退会ページを開くにはログインが必要ですので、登録したメールアドレスとパスワードをご用意ください。

## 1. 退会できる状態か確認する

次のどれか一つでも当てはまる間は、退会できません。

- 募集中の依頼がある（依頼中）
- クライアントの判断を待っている提案がある（提案中）
- 進行中の契約がある（クライアントとしてもランサーとしても）
- 支払い待ち・検収待ちなど、完全には終わっていない取引がある
- 振込を待っている報酬がある（振込依頼中）
- 報酬の残高がある（退会フォームで報酬残高の破棄に同意すれば退会できます）

退会ページには、当てはまっている条件と対象の依頼・提案・契約、それぞれの解消方法が一覧で表示されます。くわしくは[退会できないときは（6つの条件と解消方法）](article:withdrawal-blockers)をご覧ください。

## 2. 退会ページを開く

退会ページは次のどちらからでも開けます。

- このヘルプセンターから：[退会手続き](url:withdrawal:index|url:accounts:settings)のページ
- [ログイン情報変更](url:accounts:settings)ページのいちばん下にある「退会を希望される方は こちら をご覧ください」のリンクから

## 3. 退会理由とパスワードを入力して「退会する」を押す

1. 退会理由を選び、必要なら内容を書き添えます（必須）。
2. 現在のパスワードを入力します（必須）。
3. 「その他ご意見」は任意です。空欄のままでもかまいません。
4. 退会後のプロフィールを公開したまま残すか、非公開にするかを選びます。
5. 「退会する」を押すと退会が完了し、確認のメールが届きます。

パスワードが違う、退会理由が選ばれていない、または手続きの間に新しい条件（たとえば新しい提案）が生じた場合は、理由が表示され、アカウントには何も変更は加えられません。

## 退会するとどうなるか

- ログインできなくなり、すべてのログイン状態と APIトークンが無効になります。
- 使っていたメールアドレスとユーザー名は、再登録には使えなくなります。[退会後にもう一度登録できますか](article:re-register)
- プロフィールの扱いは[退会後も公開される情報](article:after-withdrawal-public)をご覧ください。
- 退会する前に、ukeoi が保存しているあなたのデータ（プロフィール、依頼、提案、契約、メッセージ、評価、報酬の明細）をまとめてダウンロードできます。

パスワードを忘れてログインできない場合は、先に[パスワードを再設定](article:forgot-password)してください。
""",
        "body_en": """
You can withdraw from ukeoi (close your account) on the withdrawal page in a few minutes. The page needs you to be signed in, so have your e-mail address and password at hand.

## 1. Check that nothing stands in the way

You cannot withdraw while any of these holds:

- a job you posted is still open for proposals (依頼中)
- a proposal you sent is waiting for the client's decision (提案中)
- you have a contract in progress, as client or as lancer (進行中)
- something is not completely finished, such as a milestone waiting for payment or acceptance
- a payout to you has been requested and not yet paid (振込依頼中)
- you have a reward balance (you can still withdraw if you agree in the form to forfeit it)

The withdrawal page lists each condition that holds, the jobs, proposals or contracts concerned, and how to clear each one. See [Why can't I withdraw? The six conditions and how to clear each](article:withdrawal-blockers).

## 2. Open the withdrawal page

You can open it from either place:

- from this help centre: [the withdrawal page](url:withdrawal:index|url:accounts:settings)
- from the bottom of the [Account settings](url:accounts:settings) page (ログイン情報変更): follow the link "退会を希望される方は こちら をご覧ください" (if you wish to withdraw, see here)

## 3. Give a reason and your password, then press 「退会する」 (Withdraw)

1. Choose a reason, and add a few words if you like (required).
2. Enter your current password (required).
3. "Other comments" are optional.
4. Choose whether your public profile stays visible after withdrawal or is hidden.
5. Press 「退会する」. Your account is closed and a confirmation e-mail is sent.

If the password is wrong, no reason is chosen, or a new condition appeared while you were filling in the form (a new proposal, for example), the page tells you why and nothing about your account changes.

## What withdrawal does

- You can no longer sign in; every session and API token ends.
- Your e-mail address and username can never be registered again. See [Can I register again after withdrawing?](article:re-register)
- What stays public is explained in [What stays public after withdrawal](article:after-withdrawal-public).
- Before withdrawing you can download everything ukeoi holds about you (profile, jobs, proposals, contracts, messages, ratings, reward statement) as one archive.

If you cannot sign in because you forgot your password, [reset it](article:forgot-password) first.
""",
    },
    {
        "category": "withdrawal",
        "slug": "withdrawal-blockers",
        "order": 2,
        "featured": True,
        "keywords": "退会できない 退会出来ない 退会条件 エラー 依頼中 提案中 進行中 振込依頼中 "
        "報酬残高 解消 cannot withdraw blocked blocker",
        "title_ja": "退会できないときは（6つの条件と解消方法）",
        "title_en": "Why can't I withdraw? The six conditions and how to clear each",
        "body_ja": """
退会ページで「退会できません」と表示されたときは、次の6つの条件のどれかが当てはまっています。退会ページには、当てはまる条件ごとに対象の依頼・提案・契約と、解消するためのリンク、自動で解消される日（ある場合）が表示されます。

## 1. 募集中の依頼がある（依頼中）

あなたが投稿した依頼が、まだ提案を募集しています。

- 解消方法：[依頼した仕事](url:jobs:my_jobs)から依頼を開き、募集を終了してください。
- 待つ場合：募集期限を過ぎると依頼は自動的に締め切られ、この条件は解消されます。
- 採用しなかった提案は「不採用」になります。

## 2. 提案中の提案がある（提案中）

あなたが送った提案が、クライアントの判断を待っています。送った提案は、ランサーの側から取り消したり削除したりできません。削除できるのはクライアントだけです。

- 提案の「追記」で、提案を削除してもらえるようクライアントにお願いする
- メッセージでクライアントに直接連絡して、削除をお願いする
- 依頼の募集期限まで待つ（期限を過ぎると採用されなかった提案は「不採用」になり、提案中ではなくなります）

くわしくは[送った提案を取り消したい・削除したい](article:proposal-cannot-be-retracted)をご覧ください。

## 3. 進行中の契約がある（進行中）

クライアントとしてもランサーとしても、進行中の契約がある間は退会できません。

- 解消方法：契約を最後まで終えるか、相手と合意してキャンセルしてください。手順は[進行中の契約をキャンセルする](article:cancel-contract)にあります。
- 相手が対応しないとき：キャンセルの手順を行うべき側が7日間対応しない場合、その手順は自動的に進みます。

## 4. 完全に終わっていない取引がある

仮払い済みで納品や検収を待っている計画、支払いを待っている計画などです。

- 解消方法：検収や支払いを済ませるか、上の契約キャンセルの手順で計画を削除してください。

## 5. 振込を待っている報酬がある（振込依頼中）

出金が確定し、銀行への振込を待っている状態です。

- 解消方法：何もする必要はありません。振込日を過ぎると自動で解消されます。振込予定日は退会ページに表示されます。
- 振込に失敗した場合は、金額が報酬残高に戻ります。振込先口座の登録内容を確認してください。

## 6. 報酬の残高がある

まだ出金していない報酬が残っています。解消方法はどちらかです。

- 次の振込日まで待って、残高を銀行口座に振り込んでもらう（条件は[報酬の振込日と振込条件](article:payout-schedule)）
- 退会フォームで「報酬残高 ○○円 の破棄に同意する」にチェックを入れて退会する（残高は失われ、戻せません）

残高が1,000円未満の場合は通常の振込ができないため、退会するには破棄に同意する必要があります。くわしくは[退会時に残っている報酬](article:balance-at-withdrawal)をご覧ください。

## 待てば解消される条件だけが残っているとき

振込依頼中の報酬、募集期限を迎える依頼、自動で進むキャンセル手順のように、待っていれば解消される条件だけが残っている場合は、退会ページから「解消したら退会する」を申し込めます。すべて解消した時点で自動的に退会され、完了のメールが届きます。それまでは申し込みをいつでも取り消せます。

それでも解決しない場合は、[相談室](url:helpdesk:room)で質問するか、[運営に問い合わせて](url:helpdesk:contact?category=withdrawal)ください。
""",
        "body_en": """
When the withdrawal page says you cannot withdraw yet, one or more of these six conditions holds. For each one the page shows the jobs, proposals or contracts concerned, a link that starts clearing it, and the date it clears by itself where there is one.

## 1. A job you posted is still open (依頼中)

- To clear it: open the job from [My jobs](url:jobs:my_jobs) and close it.
- Or wait: when the proposal deadline passes the job closes by itself.
- Proposals you did not select become "not selected" (不採用).

## 2. A proposal you sent is pending (提案中)

A proposal you sent is waiting for the client's decision. A lancer cannot take back or delete a proposal once it is sent; only the client can delete it.

- add an append note (追記) to the proposal asking the client to delete it
- message the client and ask them directly
- wait for the job's proposal deadline: proposals that were not selected then become "not selected" and no longer count as pending

See [I want to take back a proposal I sent](article:proposal-cannot-be-retracted).

## 3. A contract is in progress (進行中)

Whether you are the client or the lancer, you cannot withdraw while a contract is in progress.

- To clear it: finish the contract, or agree with the other side to cancel it. The steps are in [Cancelling a contract in progress](article:cancel-contract).
- If the other side does not act: a cancellation step left undone for 7 days by the side who must take it is taken automatically.

## 4. Something is not completely finished

For example a milestone that is escrowed and waiting for delivery or acceptance, or one waiting for payment.

- To clear it: complete the acceptance or the payment, or delete the milestone through the cancellation steps above.

## 5. A payout is in progress (振込依頼中)

A payout to your bank account has been confirmed and is waiting to be transferred.

- To clear it: nothing to do. It clears by itself after the payment day, which the withdrawal page shows.
- If the transfer fails, the money returns to your reward balance; check your bank account details.

## 6. You have a reward balance

You have rewards that have not been paid out yet. Either:

- wait for the next payment day and have the balance transferred to your bank account (conditions: [When and how rewards are paid out](article:payout-schedule)), or
- tick "I agree to forfeit my reward balance" (報酬の破棄に同意) in the withdrawal form. The balance is lost and cannot be restored.

A balance below 1,000 yen cannot be paid out by the regular payouts, so withdrawing needs your consent to forfeit it. See [What happens to my balance when I withdraw](article:balance-at-withdrawal).

## When only conditions that clear by themselves are left

If all that is left clears by itself (a payout in progress, a job reaching its deadline, a cancellation step that will be taken automatically), you can ask on the withdrawal page to be withdrawn automatically once everything has cleared. You get an e-mail when it is done, and you can cancel the request until then.

Still stuck? Ask in the [consultation room](url:helpdesk:room) or [contact the operators](url:helpdesk:contact?category=withdrawal).
""",
    },
    {
        "category": "withdrawal",
        "slug": "balance-at-withdrawal",
        "order": 3,
        "featured": False,
        "keywords": "報酬放棄 報酬破棄 残高 1000円未満 少額 破棄に同意 最後の振込 "
        "forfeit small balance remaining money",
        "title_ja": "退会時に残っている報酬（1,000円未満の残高）",
        "title_en": "What happens to my balance when I withdraw",
        "body_ja": """
報酬の残高がある間は、そのままでは退会できません。残高の大きさによって、選べる方法が変わります。

## 残高が1,000円以上のとき

- 次の振込日まで待てば、残高は登録した銀行口座に自動で振り込まれます（振込手数料が差し引かれます）。振り込まれたあとで退会してください。
- 待たずに退会したい場合は、退会フォームで「報酬残高 ○○円 の破棄に同意する」にチェックを入れます。残高は破棄され、戻せません。

## 残高が1,000円未満のとき

1,000円未満の残高は通常の振込の対象にならないため、このまま退会するには破棄に同意する必要があります。破棄された金額は ukeoi の「破棄された報酬残高」として記録されます。

破棄したくない場合は、次のどちらかをご検討ください。

- もう少し報酬を得て、残高を1,000円以上にしてから振込を待つ（タスク形式の仕事は短時間で報酬を得やすい方法です）
- 退会ページで「解消したら退会する」を申し込み、最後の振込を選ぶ。残高が振込手数料以上あれば、手数料を差し引いた額を最後の振込で受け取ってから自動的に退会されます。

## 注意

- 一度退会すると、破棄した残高を受け取ることはできません。
- 振込の条件（銀行口座、自動出金、氏名・住所）がそろっていないと振込は行われません。[報酬の振込日と振込条件](article:payout-schedule)をご確認ください。
""",
        "body_en": """
You cannot simply withdraw while you have a reward balance. What you can do depends on its size.

## A balance of 1,000 yen or more

- Wait for the next payment day: the balance is transferred to your registered bank account automatically (minus the transfer fee). Withdraw after it has been paid.
- If you do not want to wait, tick "I agree to forfeit my reward balance" in the withdrawal form. The balance is forfeited and cannot be restored.

## A balance below 1,000 yen

Balances below 1,000 yen are not paid out by the regular payouts, so withdrawing now needs your consent to forfeit it. The forfeited amount is recorded in ukeoi's forfeited-balance account.

If you would rather not forfeit it:

- earn a little more so the balance reaches 1,000 yen, and wait for the payout (task-format jobs are a quick way to earn a small reward), or
- on the withdrawal page, ask to be withdrawn when clear and choose a final payout. If your balance is at least the transfer fee, it is paid out (minus the fee) and you are then withdrawn automatically.

## Please note

- Once you have withdrawn, a forfeited balance cannot be paid to you.
- A payout only happens when its conditions are met (bank account, automatic payout mode, name and address). See [When and how rewards are paid out](article:payout-schedule).
""",
    },
    {
        "category": "withdrawal",
        "slug": "re-register",
        "order": 4,
        "featured": False,
        "keywords": "再登録 もう一度登録 同じメールアドレス 以前のユーザー名 評価 リセット "
        "register again same email old username",
        "title_ja": "退会後にもう一度登録できますか",
        "title_en": "Can I register again after withdrawing?",
        "body_ja": """
はい、退会したあとでも、どなたでももう一度[会員登録](url:accounts:register)できます。ただし、次の2つは使えません。

- 退会したアカウントで使っていたメールアドレス
- 退会したアカウントで使っていたユーザー名

別のメールアドレスと新しいユーザー名で登録してください。

## メールアドレスはどう保存されていますか

再利用を防ぐため、ukeoi は退会したアカウントのメールアドレスそのものではなく、元に戻せない形（鍵付きハッシュ）だけを保存します。そのため、個人情報を削除したあとでも、同じアドレスでの再登録は防がれます。

## 評価は引き継がれますか

新しいアカウントで本人確認をして、その本人確認が退会したアカウントと同じ人物のものと確認された場合は、以前のアカウントの評価が新しいアカウントに引き継がれます。退会と再登録で評価がリセットされることはありません。

名前を変えたいだけなら、退会する必要はありません。[ユーザー名と表示名の違い](article:username-vs-display-name)をご覧ください。
""",
        "body_en": """
Yes. After withdrawing, anyone may [register](url:accounts:register) again, but not with:

- the e-mail address of the withdrawn account, or
- the username of the withdrawn account.

Please register with another e-mail address and a new username.

## How is my old e-mail address kept?

To block its reuse, ukeoi keeps only a keyed hash of the address, which cannot be turned back into the address. So reuse stays blocked even after your personal data has been erased.

## Do my ratings carry over?

If you verify your identity on the new account and it matches the identity verified on the withdrawn account, the new account carries the old account's rating history. Withdrawing and registering again does not reset a reputation.

If you only want a different name, you do not need to withdraw: see [Username vs display name](article:username-vs-display-name).
""",
    },
    {
        "category": "work",
        "slug": "proposal-cannot-be-retracted",
        "order": 1,
        "featured": True,
        "keywords": "提案 取り消し 取消 取り下げ キャンセル 削除 撤回 追記 提案中 "
        "retract withdraw proposal cancel proposal delete proposal append note",
        "title_ja": "送った提案を取り消したい・削除したい",
        "title_en": "I want to take back a proposal I sent",
        "body_ja": """
一度送った提案は、ランサーの側から取り消したり削除したりできません。提案を削除（または不採用に）できるのは、依頼を出したクライアントだけです。

## なぜ取り消せないのですか

クライアントは届いた提案を比べて、誰に依頼するかを決めています。選んでいる途中で提案が消えると、クライアントの判断や記録が崩れてしまうため、提案の扱いはクライアントが決める仕組みになっています。

## 提案を削除してもらうには

次のどれかの方法をとってください。

1. 提案に「追記」を書いて、削除をお願いする。追記は、送ったあとの提案についてクライアントに伝えられる唯一の方法です。
2. メッセージでクライアントに直接連絡して、削除をお願いする。
3. 依頼の募集期限まで待つ。期限を過ぎるか、クライアントが募集を終了すると、採用されなかった提案は「不採用」になり、提案中ではなくなります。

追記の例：

「ご検討いただいているところ申し訳ございません。都合によりこの提案を取り下げさせていただきたく、お手数ですが提案の削除をお願いできますでしょうか。」

提案中の提案があると退会できません。退会を考えている場合は、[退会できないときは](article:withdrawal-blockers)もあわせてご覧ください。送った提案の一覧は[提案した仕事](url:jobs:my_proposals)で確認できます。
""",
        "body_en": """
Once a proposal is sent, the lancer cannot take it back or delete it. Only the client who posted the job can delete it (or decline it).

## Why can't I take it back?

The client compares the proposals they receive to decide who to work with. If proposals disappeared while they were choosing, their decision and its record would break, so what happens to a proposal is the client's call.

## How to have a proposal deleted

1. Add an append note (追記) to the proposal asking the client to delete it. An append note is the only way to say something about a proposal after sending it.
2. Message the client and ask them directly.
3. Wait for the job's proposal deadline. When it passes, or the client closes the job, proposals that were not selected become "not selected" (不採用) and no longer count as pending.

An example append note:

"I am sorry to trouble you while you are considering proposals. Circumstances have changed and I would like to withdraw this proposal. Could you please delete it?"

A pending proposal blocks withdrawal: if you are planning to withdraw, see also [Why can't I withdraw?](article:withdrawal-blockers). Your proposals are listed under [My proposals](url:jobs:my_proposals).
""",
    },
    {
        "category": "work",
        "slug": "cancel-contract",
        "order": 2,
        "featured": False,
        "keywords": "契約 キャンセル 中止 解約 仮払いキャンセル 計画削除 返金 合意 進行中 "
        "cancel contract refund escrow milestone",
        "title_ja": "進行中の契約をキャンセルする",
        "title_en": "Cancelling a contract in progress",
        "body_ja": """
進行中の契約をキャンセルするには、次の5つの手順を、決められた側が順番に行います。各手順は契約ページで双方から見え、次に誰が何をすればよいかが表示されます。

1. 双方がキャンセルに合意する（どちらかがキャンセルを申し出て、相手が同意します）
2. ランサーが仮払いをキャンセルする（仮払いキャンセル）。仮払いされていたお金はクライアントに返金されます。
3. クライアントが計画を削除する（計画削除）
4. ランサーが計画削除を承認する
5. 契約がキャンセルされ、手続きが完了する

キャンセルに合意する前に、メッセージで理由や進め方を相手とよく話し合ってください。

## 相手が対応してくれないとき

- 手順を行うべき側が7日間対応しない場合、その手順は自動的に実行され、双方にメールでお知らせします。契約が止まったままになることはありません。
- 1年間まったく動きのない契約は自動的にキャンセルされ、仮払い金はクライアントに返金されます。その1か月前に警告のメールが届きます。

それでも解決しない場合は、[運営に問い合わせて](url:helpdesk:contact?category=work)ください。
""",
        "body_en": """
Cancelling a contract in progress takes five steps, each taken by the side named. Both sides see every step on the contract page, with who must act next.

1. Both sides agree to cancel (either side proposes it, the other agrees).
2. The lancer cancels the escrow (仮払いキャンセル). The escrowed money goes back to the client.
3. The client deletes the plan (計画削除).
4. The lancer approves the deletion.
5. The contract is cancelled.

Before agreeing, talk the reasons and the way forward through with the other side by message.

## If the other side does not act

- A step left undone for 7 days by the side who must take it is taken automatically, and both sides are told by e-mail. No contract stays stuck.
- A contract with no activity at all for a year is cancelled automatically and its escrow is refunded to the client. A warning e-mail is sent a month before.

If that does not solve it, [contact the operators](url:helpdesk:contact?category=work).
""",
    },
    {
        "category": "work",
        "slug": "close-open-job",
        "order": 3,
        "featured": False,
        "keywords": "依頼 募集終了 締め切り 取り下げ 依頼中 キャンセル 募集期限 "
        "close job end recruitment deadline",
        "title_ja": "募集中の依頼を終了する",
        "title_en": "Closing a job that is still open",
        "body_ja": """
投稿した依頼は、募集期限（提案の締め切り）まで提案を受け付けます。募集中の依頼がある間は退会できません。

- 募集を早めに終えたいときは、[依頼した仕事](url:jobs:my_jobs)から依頼を開き、募集を終了してください。
- 何もしなくても、募集期限を過ぎると依頼は自動的に締め切られます。
- 締め切られると、採用されなかった提案はすべて「不採用」になり、提案したランサーの「提案中」も解消されます。

すでに契約に進んでいる場合は、[進行中の契約をキャンセルする](article:cancel-contract)をご覧ください。
""",
        "body_en": """
A job you post takes proposals until its proposal deadline. You cannot withdraw while a job of yours is open.

- To stop taking proposals early, open the job from [My jobs](url:jobs:my_jobs) and close it.
- If you do nothing, the job closes by itself when the deadline passes.
- When it closes, every proposal you did not select becomes "not selected" (不採用), which also clears the lancers' pending proposals.

If the job has already turned into a contract, see [Cancelling a contract in progress](article:cancel-contract).
""",
    },
    {
        "category": "payments",
        "slug": "payout-schedule",
        "order": 1,
        "featured": True,
        "keywords": "振込 振込日 出金 入金 いつ 締め日 支払日 15日 月末 振込手数料 口座 "
        "自動出金 payout payment day bank transfer fee when paid",
        "title_ja": "報酬の振込日と振込条件",
        "title_en": "When and how rewards are paid out",
        "body_ja": """
検収された報酬は報酬残高になり、月に2回、登録した銀行口座へ自動で振り込まれます。

## 振込日

- 毎月15日締め → その月の末日に振込
- 毎月末日締め → 翌月15日に振込

振込日が土曜・日曜・祝日・年末年始（12月31日〜1月3日）など、銀行の営業日でない場合は、その前の営業日に振り込みます。

## 振り込まれる条件

次のすべてを満たしているときだけ振り込まれます。

1. 報酬残高が1,000円以上ある
2. 振込先の銀行口座が登録されている
3. 出金方法が「自動出金」に設定されている
4. 氏名・フリガナと住所が登録されている（[プロフィール](url:accounts:profile_edit)で登録できます）

一つでも欠けていると、残高はそのまま残ります。[出金設定](url:payouts:settings)のページに、足りない条件が表示されます。

## 振込手数料

振込1回ごとに振込手数料がかかり、振込額から差し引かれます。手数料は運営が設定しており、標準では ukeoi の取引銀行あてが100円、その他の銀行あてが500円です。差し引かれる金額は振込の前に表示されます。

## 振込に失敗したとき

口座番号や口座名義の誤りなどで振込に失敗した場合、その金額は報酬残高に戻ります。口座情報を確認して修正すれば、次の振込日に振り込まれます。
""",
        "body_en": """
Accepted rewards go to your reward balance, which is paid out automatically to your registered bank account twice a month.

## Payment days

- Balance confirmed by the 15th is paid at the end of that month.
- Balance confirmed by the end of the month is paid on the 15th of the next month.

When a payment day is not a bank business day (a Saturday, Sunday, national holiday, or 31 December – 3 January), the payment moves to the previous business day.

## Conditions

A payout is made only when all of these hold:

1. your reward balance is at least 1,000 yen;
2. a bank account is registered;
3. your payout mode is "automatic" (自動出金);
4. your full name, its katakana reading and your address are registered (on your [Profile](url:accounts:profile_edit)).

If any is missing, the balance stays where it is and your account page says which condition is missing.

## Transfer fee

Each payout carries a bank transfer fee, deducted from the amount paid. The operators set it; by default it is 100 yen to ukeoi's own bank and 500 yen to other banks. The fee is shown before the payout.

## If a transfer fails

If a transfer fails (a wrong account number or holder name, for example), the money returns to your reward balance. Correct your bank details and it is paid on the next payment day.
""",
    },
    {
        "category": "account",
        "slug": "forgot-password",
        "order": 1,
        "featured": True,
        "keywords": "パスワード 忘れた 再設定 リセット ログインできない メールが届かない "
        "password forgot reset cannot sign in login",
        "title_ja": "パスワードを忘れた",
        "title_en": "I forgot my password",
        "body_ja": """
パスワードは、登録したメールアドレスあてに届くリンクから再設定できます。

1. [パスワードの再設定](url:accounts:password_reset)のページを開きます（ログイン画面の「パスワードをお忘れの方」からも開けます）。
2. 登録したメールアドレスを入力して送信します。
3. 届いたメールのリンクを開き、新しいパスワードを設定します。リンクは一度しか使えず、一定時間で無効になります。

## メールが届かないとき

- 迷惑メールフォルダを確認してください。
- 登録したものとは別のメールアドレスを入力していないか確認してください。
- 退会したアカウントにはメールは届きません。

それでも解決しない場合は、ログインしていなくても[運営に問い合わせ](url:helpdesk:contact?category=sign_in)できます。
""",
        "body_en": """
You can set a new password through a link sent to your registered e-mail address.

1. Open the [password reset page](url:accounts:password_reset) (also linked as "Forgot your password?" on the sign-in page).
2. Enter the e-mail address you registered with and send the form.
3. Open the link in the e-mail you receive and choose a new password. The link works once and expires after a few hours.

## If no e-mail arrives

- Look in your spam folder.
- Check that you entered the address you registered with.
- Withdrawn accounts do not receive the e-mail.

Still stuck? You can [contact the operators](url:helpdesk:contact?category=sign_in) without signing in.
""",
    },
    {
        "category": "account",
        "slug": "username-vs-display-name",
        "order": 2,
        "featured": False,
        "keywords": "ユーザー名 表示名 名前 変更 変えたい 名前変更 ニックネーム "
        "username display name change name rename",
        "title_ja": "ユーザー名と表示名の違い（名前を変えたい）",
        "title_en": "Username vs display name (changing your name)",
        "body_ja": """
ukeoi のアカウントには「ユーザー名」と「表示名」の2つの名前があります。

## 表示名

- ほかのユーザーに表示される名前です。
- [プロフィール](url:accounts:profile_edit)からいつでも変更できます。

## ユーザー名

- 登録のときに決める、英数字の名前です。あとから変更することはできません。
- 公開されません。ほかのユーザーには表示名が表示されます。
- 相手にユーザー名が伝わるのは、その相手と契約したとき、またはどちらかが相手の依頼に提案したときだけです。

ユーザー名を変える唯一の方法は、退会して新しいユーザー名で登録し直すことです。ただし、以前のメールアドレスとユーザー名は再登録に使えず（[退会後にもう一度登録できますか](article:re-register)）、多くの人の目に触れるのは表示名です。名前を変えたいだけなら、退会せずに表示名を変更することをおすすめします。
""",
        "body_en": """
Every ukeoi account has two names: a username and a display name.

## Display name

- The name other users see.
- You can change it at any time on your [Profile](url:accounts:profile_edit).

## Username

- Chosen when you register (letters and digits) and can never be changed.
- Private: other users see your display name instead.
- A counterpart sees it only once you have a contract with them, or one of you proposes on the other's job.

The only way to get a new username is to withdraw and register again, and the old e-mail address and username cannot be reused ([Can I register again after withdrawing?](article:re-register)). Since the name most people see is the display name, if you only want a different name, change your display name instead of withdrawing.
""",
    },
    {
        "category": "privacy",
        "slug": "after-withdrawal-public",
        "order": 1,
        "featured": False,
        "keywords": "退会後 公開 プロフィール 残る 実績 評価 ポートフォリオ 非公開 個人情報 "
        "profile visible after withdrawal hide",
        "title_ja": "退会後も公開される情報",
        "title_en": "What stays public after withdrawal",
        "body_ja": """
退会しても、初期設定では公開プロフィールは「退会済み」と表示されたうえで残ります。残るのは次の情報です。

- 表示名
- 実績（これまでの取引）
- 評価
- 年齢
- ポートフォリオ

## 非公開にするには

退会フォームで、公開プロフィールを非公開にすることを選べます。フォームでは、それぞれを選んだときに何が公開されたまま残るかをプレビューで確認できます。

## そのほかに残るもの

- 相談室への投稿は、「退会済みユーザー」の投稿として残ります。
- 取引や報酬の記録は、法律で保存が義務づけられている期間、保存されます。

個人情報を完全に削除したい場合は、[個人情報の完全な削除を依頼する](article:erase-personal-data)をご覧ください。
""",
        "body_en": """
By default your public profile stays visible after withdrawal, marked as withdrawn (退会済み). It keeps:

- your display name
- your track record (past work)
- your ratings
- your age
- your portfolio

## To hide it

In the withdrawal form you can choose to hide your public profile instead. The form shows a preview of what stays public under each choice.

## What else stays

- Your posts in the consultation room stay, shown as from a "withdrawn user" (退会済みユーザー).
- Records of transactions and payments are kept for as long as the law requires.

To have your personal information deleted completely, see [Asking for your personal information to be erased](article:erase-personal-data).
""",
    },
    {
        "category": "privacy",
        "slug": "erase-personal-data",
        "order": 2,
        "featured": False,
        "keywords": "個人情報 削除 消去 完全削除 抹消 データ ダウンロード 開示 "
        "erase delete personal data privacy gdpr download my data",
        "title_ja": "個人情報の完全な削除を依頼する",
        "title_en": "Asking for your personal information to be erased",
        "body_ja": """
個人情報の完全な削除は、[お問い合わせフォーム](url:helpdesk:contact?category=delete_personal_data)からカテゴリ「個人情報の削除」を選んで運営に依頼できます。退会したあとは、ご自身で削除を申し込むこともできます。

## 削除されるもの

氏名、フリガナ、住所、生年月日、銀行口座、メールアドレス、自己紹介、ポートフォリオは、匿名の値に置き換えられます。削除のあと、これらの値はデータベースのどこにも残りません。

## 残るもの

法律で保存が義務づけられている取引と報酬の記録は、匿名のアカウントに結びつけたまま保存されます（税務上の記録は7年間）。

## 削除の流れ

1. 削除を申し込みます（退会後のご本人、または依頼を受けた運営）。
2. 削除は申し込みの14日後に実行されます。それまでは取り消せます。
3. 完了すると、最後に登録されていたメールアドレスに、削除したものと保存したもの、保存する法的な理由と、その記録を削除する日を記した受領書が届きます。

## 削除の前に

退会する前に、ukeoi が保存しているあなたのデータ（プロフィール、依頼、提案、契約、メッセージ、評価、報酬の明細）を機械で読める形式でまとめてダウンロードできます。
""",
        "body_en": """
You can ask the operators to delete your personal information completely: use the [contact form](url:helpdesk:contact?category=delete_personal_data) and choose the category "Delete my personal information". After withdrawing you can also ask for erasure yourself.

## What is erased

Your name, its katakana reading, address, date of birth, bank account, e-mail address, self-introduction and portfolio are replaced by anonymous placeholders. Afterwards none of these values can be found anywhere in the database.

## What is kept

Records of transactions and payments that the law requires us to keep stay, linked to the anonymous account (tax records: 7 years).

## How it goes

1. Erasure is requested (by you after withdrawing, or by the operators at your request).
2. It runs 14 days later; until then it can be cancelled.
3. When it is done, your last e-mail address receives a receipt listing what was erased and what was kept, with the legal reason and the date each kept record will be deleted.

## Before you go

Before withdrawing you can download everything ukeoi holds about you (profile, jobs, proposals, contracts, messages, ratings, reward statement) as one machine-readable archive.
""",
    },
]


def seed(apps, schema_editor):
    category_model = apps.get_model("helpdesk", "FaqCategory")
    article_model = apps.get_model("helpdesk", "FaqArticle")
    categories = {}
    for data in CATEGORIES:
        categories[data["slug"]], _created = category_model.objects.get_or_create(
            slug=data["slug"], defaults={k: v for k, v in data.items() if k != "slug"}
        )
    for data in ARTICLES:
        values = {k: v for k, v in data.items() if k not in ("slug", "category")}
        values["body_ja"] = values["body_ja"].strip()
        values["body_en"] = values["body_en"].strip()
        article_model.objects.get_or_create(
            slug=data["slug"],
            defaults={"category": categories[data["category"]], "published": True, **values},
        )


def unseed(apps, schema_editor):
    apps.get_model("helpdesk", "FaqArticle").objects.filter(
        slug__in=[a["slug"] for a in ARTICLES]
    ).delete()
    apps.get_model("helpdesk", "FaqCategory").objects.filter(
        slug__in=[c["slug"] for c in CATEGORIES], articles__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
