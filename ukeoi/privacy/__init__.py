"""Personal data rules P2–P4 and the A6 identity hash's use: data export (P3), staged
erasure with a receipt (P2, P4) and the purge of kept records whose retention ended.

DESIGN.md places export and erasure inside `withdrawal`; they live in this separate app so
dependencies stay one-way: privacy may import any app (accounts, jobs, contracts, ledger,
payouts, helpdesk, withdrawal), and nothing imports privacy. It hears about withdrawals
and erasure inquiries only through signals (`withdrawal.signals.account_withdrawn`,
`helpdesk.services.inquiry_erasure_requested`), connected in PrivacyConfig.ready()."""
