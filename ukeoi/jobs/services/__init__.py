"""Jobs use cases (B1, B2, B8, M1, M2, W6). Each is one transaction that locks its rows in
the order of `ukeoi.jobs.locks`, refuses a withdrawn actor, asks a pure rule, writes, audits
and sends its mail after commit. Views, the API, the admin and the periodic task all call
these, so the rules live here once."""

from ukeoi.jobs.services._common import (
    ESCROW_SUBJECT,
)
from ukeoi.jobs.services.jobs import job_close, job_post, jobs_close_expired
from ukeoi.jobs.services.messages import message_mark_read, message_send
from ukeoi.jobs.services.payments import client_payment_confirm
from ukeoi.jobs.services.proposals import (
    append_note_add,
    proposal_decline,
    proposal_delete,
    proposal_select,
    proposal_submit,
)
from ukeoi.jobs.services.units import (
    task_submission_approve,
    task_submission_reject,
    task_submission_submit,
)

__all__ = [
    "ESCROW_SUBJECT",
    "append_note_add",
    "client_payment_confirm",
    "job_close",
    "job_post",
    "jobs_close_expired",
    "message_mark_read",
    "message_send",
    "proposal_decline",
    "proposal_delete",
    "proposal_select",
    "proposal_submit",
    "task_submission_approve",
    "task_submission_reject",
    "task_submission_submit",
]
