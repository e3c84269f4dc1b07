"""Issue 9, security: the Content Security Policy, as Chromium enforces it. The main pages,
including those with an inline (nonce) script and the admin, load without a single policy
violation, and the scripts still work under it (the language menu, the job form)."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD, JobFactory, OperatorFactory

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile);
});
"""


def violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__csp || []"))


def test_main_pages_load_without_policy_violations(page: Page, url: Callable[..., str]) -> None:
    operator = OperatorFactory.create(email="ops@example.jp")
    job = JobFactory.create()
    page.add_init_script(RECORD_VIOLATIONS)
    seen: dict[str, list[str]] = {}

    for name, args in [
        ("home", ()),
        ("jobs:list", ()),
        ("jobs:detail", (job.pk,)),
        ("accounts:login", ()),
        ("helpdesk:index", ()),
    ]:
        page.goto(url(name, *args))
        page.wait_for_load_state("load")
        seen[name] = violations(page)

    sign_in(page, url, email=operator.email, password=DEFAULT_PASSWORD)
    for name in ("jobs:create", "helpdesk:contact", "admin:index", "api:openapi-view"):
        page.goto(url(name))
        page.wait_for_load_state("load")
        seen[name] = violations(page)

    assert {name: v for name, v in seen.items() if v} == {}


def test_the_job_form_script_runs_under_the_policy(page: Page, url: Callable[..., str]) -> None:
    """The job form's nonce script hides the fields of the other formats."""
    operator = OperatorFactory.create(email="ops@example.jp")
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, url, email=operator.email, password=DEFAULT_PASSWORD)

    page.goto(url("jobs:create"))

    expect(page.locator("input[name=unit_reward]")).to_be_hidden()
    page.locator("input[name=format][value=task]").check()
    expect(page.locator("input[name=unit_reward]")).to_be_visible()
    assert violations(page) == []
