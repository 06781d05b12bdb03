import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse

from common.outbox import TransientMailError
from reviews.models import EventKind, Reminder, ReminderStatus
from reviews.services import reminder_email_send

from ..factories import OfficialFactory, OrganisationFactory, PeerGroupFactory, enrol

pytestmark = pytest.mark.django_db


def test_the_board_filters_by_group_organisation_and_status(cast, login):
    communes = PeerGroupFactory(code="commune_chairs", name="Chủ tịch UBND xã, phường")
    commune = OrganisationFactory(name="UBND xã Ngọc Sơn")
    enrol(cast.cycle, OfficialFactory(full_name="Hà Thị Mai", peer_group=communes, organisation=commune))
    client = login(cast.users["home_affairs"])
    url = reverse("reviews:progress_board", kwargs={"pk": cast.cycle.pk})

    everyone = client.get(url).content.decode()
    assert "Hà Thị Mai" in everyone and "Nguyễn Thị An" in everyone
    by_group = client.get(url, {"peer_group": communes.pk}).content.decode()
    assert "Hà Thị Mai" in by_group and "Nguyễn Thị An" not in by_group
    by_org = client.get(url, {"organisation": cast.official_a.organisation.pk}).content.decode()
    assert "Nguyễn Thị An" in by_org and "Hà Thị Mai" not in by_org
    assert "Không có ai khớp bộ lọc" in client.get(url, {"status": "submitted"}).content.decode()


def test_the_board_refreshes_itself_as_a_partial(cast, login):
    client = login(cast.users["home_affairs"])
    page = client.get(reverse("reviews:progress_board", kwargs={"pk": cast.cycle.pk}), HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert 'data-testid="progress-table"' in text and "<html" not in text


def reminder_send(pk):
    return reminder_email_send(reminder_id=pk)


class DownBackend(LocmemBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, messages):
        raise ConnectionError("mail server down")


def _reminder(cast, evaluation):
    return Reminder.objects.create(evaluation=evaluation, requested_by=cast.users["home_affairs"])


def test_the_reminder_task_mails_the_person_a_link_to_their_form(cast):
    evaluation = cast.official_a.enrolments.get().evaluation
    assert reminder_send(_reminder(cast, evaluation).pk) is True
    message = mail.outbox[0]
    assert message.to == [cast.users["official_a"].email]
    assert message.subject == "Nhắc nộp phiếu tự đánh giá, xếp loại chất lượng"
    assert f"/evaluations/{evaluation.pk}/self-assessment/" in message.body
    assert evaluation.events.filter(kind=EventKind.REMINDED).count() == 1


def test_no_reminder_once_submitted(cast):
    evaluation = cast.official_a.enrolments.get().evaluation
    evaluation.__class__.objects.filter(pk=evaluation.pk).update(
        status="submitted", submitted_at="2026-11-20T10:00Z"
    )
    reminder = _reminder(cast, evaluation)
    assert reminder_send(reminder.pk) is False
    assert mail.outbox == []
    assert Reminder.objects.get(pk=reminder.pk).status == ReminderStatus.SKIPPED


def test_the_reminder_button_queues_mail_for_those_not_submitted(
    cast, login, django_capture_on_commit_callbacks
):
    client = login(cast.users["home_affairs"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("reviews:reminders_send", kwargs={"pk": cast.cycle.pk}), follow=True)
    assert "Đã xếp 2 thư nhắc vào hàng gửi" in response.content.decode()
    assert len(callbacks) == 2


def test_a_reminder_delivered_twice_is_mailed_once(cast):
    """The outbox row is claimed before sending: a duplicate delivery of the task finds nothing to send."""
    evaluation = cast.official_a.enrolments.get().evaluation
    reminder = _reminder(cast, evaluation)
    assert reminder_send(reminder.pk) is True
    assert reminder_send(reminder.pk) is False
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT and reminder.email_to == cast.users["official_a"].email
    assert evaluation.events.filter(kind=EventKind.REMINDED).count() == 1


def test_a_failed_send_gives_the_claim_back(cast, settings):
    evaluation = cast.official_a.enrolments.get().evaluation
    reminder = _reminder(cast, evaluation)
    backend = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "tests.reviews.test_progress_and_reminders.DownBackend"
    with pytest.raises(TransientMailError):
        reminder_send(reminder.pk)
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING and "mail server down" in reminder.last_error
    settings.EMAIL_BACKEND = backend
    assert reminder_send(reminder.pk) is True and len(mail.outbox) == 1


def test_the_reminder_button_writes_one_outbox_row_per_person(
    cast, login, django_capture_on_commit_callbacks
):
    client = login(cast.users["home_affairs"])
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("reviews:reminders_send", kwargs={"pk": cast.cycle.pk}))
    assert Reminder.objects.filter(status=ReminderStatus.PENDING).count() == 2
