"""The share-text check: each rule of the guide blocks or warns, and X/Bluesky lengths count like the networks."""

import unicodedata

import pytest

from advocacy.networks import text_length, x_weighted_length
from guidelines.rules import check_share_text
from tests import factories

LINK = "https://adv.example.com/s/AbCdEfGh12"


def rules(findings):
    return {(finding.rule, finding.blocking) for finding in findings}


def test_x_counts_links_as_23_cjk_and_emoji_as_2():
    assert x_weighted_length("hola") == 4
    assert x_weighted_length("see https://example.com/a/really/long/path?with=query ok") == 4 + 23 + 3
    assert x_weighted_length("日本") == 4
    assert x_weighted_length("👨‍👩‍👧") == 2  # one emoji sequence of five code points
    assert x_weighted_length("🇪🇸") == 2
    # A decomposed "é" is one character once normalised, as X counts it.
    assert x_weighted_length(unicodedata.normalize("NFD", "café")) == 4


def test_x_limit_is_280_with_the_link_counted_as_23():
    assert text_length("x", "a" * 256, LINK) == (256 + 1 + 23, 280)
    assert text_length("x", "a" * 257, LINK)[0] == 281


def test_bluesky_counts_graphemes_of_text_and_link():
    length, limit = text_length("bluesky", "👨‍👩‍👧 ñ", LINK)
    assert limit == 300
    assert length == 3 + 2 + len(LINK)  # emoji, space, ñ, the blank line, the link


def test_email_has_no_limit():
    assert text_length("email", "x" * 100_000, LINK)[1] is None


@pytest.mark.django_db
def test_forbidden_and_confidential_terms_block_whatever_the_case_and_accents():
    version = factories.GuideVersionFactory(forbidden_terms="tonto\n", confidential_terms="Proyecto Halcón\nACME-42")
    check = check_share_text("Qué TONTO el proyecto halcon, y el acme-42", "linkedin", LINK, version)
    assert check.blocking
    assert rules(check.findings) == {("forbidden_term", True), ("confidential_term", True)}
    text = "Qué TONTO el proyecto halcon, y el acme-42"
    # The message quotes the text as the employee wrote it, and says where it is.
    assert [(f.message, text[f.start:f.end]) for f in check.findings if f.rule == "confidential_term"] == [
        ("“proyecto halcon” is confidential: remove it before sharing.", "proyecto halcon"),
        ("“acme-42” is confidential: remove it before sharing.", "acme-42"),
    ]
    assert {f.severity for f in check.findings} == {"block"}


@pytest.mark.django_db
def test_spanish_text_positions_survive_accents_and_characters_that_fold_longer():
    version = factories.GuideVersionFactory(forbidden_terms="imbécil", confidential_terms="Straße Nord\nAÑO FISCAL")
    text = "ﬁnal: el Año  Fiscal de la STRASSE nord… ¡qué IMBECIL!"
    check = check_share_text(text, "linkedin", LINK, version)
    assert [(f.rule, text[f.start:f.end]) for f in check.findings] == [
        ("forbidden_term", "IMBECIL"), ("confidential_term", "STRASSE nord"), ("confidential_term", "Año  Fiscal"),
    ]


@pytest.mark.django_db
def test_a_term_folding_longer_keeps_its_place():
    version = factories.GuideVersionFactory(confidential_terms="strasse nord")
    text = "ﬁne Straße Nord"
    [finding] = check_share_text(text, "linkedin", LINK, version).findings
    assert text[finding.start:finding.end] == "Straße Nord"


@pytest.mark.django_db
def test_terms_match_whole_words_only():
    version = factories.GuideVersionFactory(forbidden_terms="ass\ncon")
    assert check_share_text("A class of its own, confident and proud.", "linkedin", LINK, version).findings == []


@pytest.mark.django_db
def test_disclosure_hashtag_and_hashtag_count_warn_without_blocking():
    version = factories.GuideVersionFactory(disclosure_hashtag="EmpleadoAcme", max_hashtags=2)
    check = check_share_text("Great news #one #two #three", "linkedin", LINK, version)
    assert not check.blocking
    assert rules(check.findings) == {("disclosure", False), ("hashtags", False)}
    fine = check_share_text("Great news #empleadoacme #one", "linkedin", LINK, version)
    assert fine.findings == []


@pytest.mark.django_db
def test_a_network_the_guide_does_not_allow_is_blocked():
    version = factories.GuideVersionFactory(allowed_networks="linkedin,x")
    assert not check_share_text("Hi", "x", LINK, version).blocking
    check = check_share_text("Hi", "telegram", LINK, version)
    assert rules(check.findings) == {("network", True)}


def test_without_a_guide_only_the_length_is_checked():
    check = check_share_text("a" * 300, "x", LINK, None)
    assert rules(check.findings) == {("length", True)}
    assert check.as_dict()["findings"][0]["message"] == "Too long for X: 324 of 280 characters, the link included."
