"""Issued documents (L1, T2, T3, T4): one model for every kind, numbered without gaps per
series, never changed after issue, kept until their retention date, served only when the
stored PDF still matches the SHA-256 recorded at issue.

Like the ledger, this app knows no domain: contracts (and later jobs and payouts) call
`services.document_issue(...)` inside their own transaction with what the document says
and a renderer that turns it into PDF bytes."""
