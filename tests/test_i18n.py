import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_vietnamese_is_the_default(client):
    response = client.get(reverse("login"))
    assert '<html lang="vi">' in response.content.decode()
    assert "Đăng nhập" in response.content.decode()


def test_the_language_switcher_turns_the_portal_english(cast, login):
    client = login(cast.users["official_a"])
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True)
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "My rating form" in page and "Log out" in page
    assert "Phiếu đánh giá của tôi" not in page


def test_legal_texts_translate_too(cast, login):
    client = login(cast.users["official_a"])
    client.post(reverse("set_language"), {"language": "en"})
    evaluation = cast.official_a.enrolments.get().evaluation
    page = client.get(reverse("reviews:evaluation_detail", kwargs={"pk": evaluation.pk})).content.decode()
    assert "General criteria" in page


def test_the_audit_log_and_the_buttons_translate_the_same_words_apart():
    from django.utils import translation
    from django.utils.translation import gettext

    from audit.models import Action

    with translation.override("en"):
        assert str(Action.OBJECTION_FILED.label) == "Objection filed"
        assert gettext("Gửi kiến nghị") == "File objection"


def _catalogue_entries(path):
    """The entries of a .po file, read without polib: each as its flags, msgctxt, msgid and msgstr(s), the
    continuation lines joined and the escapes undone; obsolete entries (#~) left out."""
    import ast

    entries, entry, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry is not None and "msgid" in entry["fields"]:
                entries.append(entry)
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"flags": set(), "fields": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry["fields"][field] += ast.literal_eval(line)
        else:
            field, _, value = line.partition(" ")
            entry["fields"][field] = ast.literal_eval(value)
    return entries


def test_the_english_catalogue_is_complete():
    """Every message has its English and none is a fuzzy guess (gettext ignores fuzzy entries, so the page would
    show the Vietnamese)."""
    from pathlib import Path

    from django.conf import settings

    entries = _catalogue_entries(Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    untranslated = [
        entry["fields"]["msgid"]
        for entry in entries
        if entry["fields"]["msgid"]  # the header's msgid is empty
        and any(not value for name, value in entry["fields"].items() if name.startswith("msgstr"))
    ]
    fuzzy = [entry["fields"]["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    assert untranslated == [], f"{len(untranslated)} untranslated: {untranslated[:5]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy: {fuzzy[:5]}"
