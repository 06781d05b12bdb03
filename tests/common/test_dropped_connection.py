"""A database connection dropped right after a save commits (issue #16 item 4): the save stays, the person gets a
page in Vietnamese that says what happened (never a bare "Bad Request (400)"), and the next request works. The
connection is really terminated, by PostgreSQL's pg_terminate_backend from a second connection."""

import json

import psycopg
import pytest
from django.contrib.sessions.backends.base import SessionBase
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from common.sessions import SessionStore
from reviews.models import Evaluation

from ..reviews.test_self_assessment_views import edit_url, form_data, own  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def _terminate(pid: int) -> None:
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_session_is_saved_on_a_fresh_connection_when_the_old_one_dropped(cast):
    store = SessionStore()
    store["who"] = "an"
    store.create()
    _terminate(_backend_pid())
    store["step"] = 2
    store.save()  # Django's own store raised UpdateError here: the 400 people saw
    assert isinstance(store, SessionBase)
    assert SessionStore(session_key=store.session_key).load() == {"who": "an", "step": 2}


def test_a_connection_dropped_after_the_save_commits_keeps_the_save_and_says_so(own):  # noqa: F811
    client, evaluation = own
    data = form_data(evaluation, text__strengths="Đã lưu trước khi mất kết nối")
    pid = _backend_pid()

    def drop_after_commit(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith('UPDATE "REVIEWS_EVALUATION"'):
            transaction.on_commit(lambda: _terminate(pid))
        return result

    with connection.execute_wrapper(drop_after_commit):
        response = client.post(edit_url(evaluation), data)
    page = response.content.decode()
    assert response.status_code != 400 and "Bad Request" not in page
    assert response.status_code in (200, 302, 503)
    if response.status_code == 503:
        assert "Kết nối tới cơ sở dữ liệu vừa bị gián đoạn" in page and response["Retry-After"] == "30"
    # A new request starts on a checked connection (CONN_HEALTH_CHECKS); the test shares the server's connection.
    connection.close_if_unusable_or_obsolete()
    saved = Evaluation.objects.get(pk=evaluation.pk)
    assert saved.version == evaluation.version + 1
    assert "Đã lưu trước khi mất kết nối" in json.dumps(saved.answers, ensure_ascii=False)
    # The next request works: the connection is new and the session survived.
    assert client.get(edit_url(evaluation)).status_code == 200


def test_the_error_pages_are_in_vietnamese(client: Client):
    from django.template.loader import render_to_string

    assert "Yêu cầu chưa thực hiện được" in render_to_string("400.html")
    assert "vẫn còn nguyên" in render_to_string("503.html")
    assert "Dữ liệu đã lưu không bị mất" in render_to_string("500.html")
    assert client.get(reverse("healthz")).content == b"ok"
