"""Property tests of the pure pieces: the FAQ markup never lets HTML through, and search
terms are always bounded (H1)."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ukeoi.helpdesk.markup import plain_excerpt, render_faq_body
from ukeoi.helpdesk.selectors import MAX_TERMS, content_words, search_terms

ALLOWED_TAG = re.compile(r"</?(p|br|ul|ol|li|h2|strong)>|<a href=\"(/[^\"<>]*)\">|</a>")
# Text that mixes Japanese, markup characters and the markup's own syntax.
PIECES = [
    *"退会提案ア ab<>&\"'/\\=:()[]*#-1.\n",
    "<script>",
    "javascript:",
    "](",
    "**",
    "url:",
    "|",
    "](/\\",
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_markup_emits_only_its_own_tags_and_site_links(source: str) -> None:
    html = str(render_faq_body(source))

    leftover = ALLOWED_TAG.sub("", html)
    assert "<" not in leftover
    assert ">" not in leftover
    for href in re.findall(r'<a href="([^"]*)"', html):
        assert href.startswith("/")
        assert not href.startswith("//")
        assert "\\" not in href  # browsers read it as "/" (issue 14 item 4)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_excerpt_is_one_bounded_line(source: str) -> None:
    excerpt = plain_excerpt(source, 50)

    assert len(excerpt) <= 50
    assert "\n" not in excerpt


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_search_terms_are_bounded_and_never_blank(query: str) -> None:
    terms = search_terms(query)

    assert len(terms) <= MAX_TERMS
    assert all(term and not any(c.isspace() for c in term) for term in terms)
    assert len(set(terms)) == len(terms)
    assert len(content_words(terms)) <= MAX_TERMS
