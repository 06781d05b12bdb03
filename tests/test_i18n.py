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
