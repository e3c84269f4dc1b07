"""Issue 9, security: a strict Content Security Policy (django-csp) that every page
satisfies: our own files only, no inline style, inline script only with the response's
nonce; HSTS and secure cookies in production."""

import re
from pathlib import Path

import pytest
from django.test import Client, override_settings

from tests.factories import DEFAULT_PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    p for p in (ROOT / "ukeoi").rglob("templates/**/*.html") if "/mail/" not in p.as_posix()
)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)
HANDLER_ATTR = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.mark.django_db
def test_every_page_gets_a_strict_policy(client: Client):
    policy = _policy(client.get("/"))

    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


@pytest.mark.django_db
def test_an_inline_script_runs_only_with_the_nonce_of_its_response(client: Client):
    client.force_login(UserFactory.create())

    response = client.get("/jobs/new/")

    assert response.status_code == 200
    nonces = re.findall(r'<script nonce="([^"]+)">', response.content.decode())
    assert nonces
    script_src = _policy(response)["script-src"]
    assert all(f"'nonce-{nonce}'" in script_src for nonce in nonces)
    assert (
        client.get("/jobs/new/")["Content-Security-Policy"] != response["Content-Security-Policy"]
    )  # a fresh nonce each time


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_style_or_script_without_nonce(template: Path):
    """Every template of every app: a new inline style or handler fails here rather than
    silently in the browser."""
    text = template.read_text()
    problems = []
    for match in SCRIPT_TAG.finditer(text):
        attrs = match.group(1)
        if "src=" in attrs or "application/json" in attrs:
            continue
        if 'nonce="{{ request.csp_nonce }}"' not in attrs:
            problems.append(f"inline <script> without nonce: {match.group(0)}")
    problems += [f"style attribute near: {m.group(0)}" for m in STYLE_ATTR.finditer(text)]
    problems += ["<style> element" for _ in STYLE_TAG.finditer(text)]
    problems += [f"inline event handler: {m.group(0)[:60]}" for m in HANDLER_ATTR.finditer(text)]
    problems += ["javascript: URL" for _ in JAVASCRIPT_URL.finditer(text)]
    assert not problems, f"{template}: " + "; ".join(problems)


@pytest.mark.django_db
@override_settings(
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_https_responses_carry_hsts_and_cookies_are_secure(client: Client):
    UserFactory.create(email="taro@example.jp")

    response = client.get("/accounts/login/", secure=True)

    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response.cookies["csrftoken"]["secure"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    signed_in = client.post(
        "/accounts/login/",
        {"username": "taro@example.jp", "password": DEFAULT_PASSWORD},
        secure=True,
    )
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["secure"]
    assert signed_in.cookies["sessionid"]["httponly"]


POST_FORM = re.compile(r"<form\b[^>]*method=[\"']post[\"'][^>]*>(.*?)</form>", re.I | re.S)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_post_form_carries_the_csrf_token(template: Path):
    """Issue 9: every form with CSRF protection (the middleware refuses a POST without it)."""
    missing = [
        form[:80]
        for form in POST_FORM.findall(template.read_text())
        if "{% csrf_token %}" not in form
    ]
    assert not missing, f"{template}: POST form without {{% csrf_token %}}: {missing}"
