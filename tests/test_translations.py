"""The Simplified Chinese catalog is complete and its compiled form is current."""

import gettext
from pathlib import Path

import polib
import pytest
from django.utils import translation

CATALOG = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def entries():
    return [entry for entry in polib.pofile(str(CATALOG / "django.po")) if not entry.obsolete]


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated = [e.msgid for e in entries() if not e.translated()]
    assert untranslated == []
    assert [e.msgid for e in entries() if "fuzzy" in e.flags] == []


def test_compiled_catalog_matches_the_source_catalog():
    with open(CATALOG / "django.mo", "rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    for entry in entries():
        if entry.msgid_plural:
            assert (
                translations.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
            )
        else:
            assert translations.gettext(entry.msgid) == entry.msgstr, entry.msgid


@pytest.mark.django_db
def test_pages_speak_chinese_without_english_leftovers(client, make_article):
    article = make_article(tags=["网贷"])
    for url in ["/", "/articles/", article.get_absolute_url(), "/no-such-page/"]:
        html = client.get(url).content.decode()
        assert "跳到正文" in html
        for source_text in ["Skip to content", "Search articles", "People also read", "Home<"]:
            assert source_text not in html, (url, source_text)


@pytest.mark.django_db
def test_pages_speak_the_language_active_while_they_render(client):
    with translation.override("en"):
        english = client.get("/").content.decode()
    assert "Skip to content" in english
    assert "跳到正文" not in english
    assert "跳到正文" in client.get("/").content.decode()
