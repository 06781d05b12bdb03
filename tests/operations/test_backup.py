"""Backup and restore (issue #16 item 7): a database with issued documents (real PDFs) is backed up, restored into a
fresh database the test creates and a fresh media folder, and every issued document comes back byte-identical."""

from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command

from documents import services
from documents.models import Document, DocumentKind
from operations.backup import manifest_read
from reviews.models import Decision, DecisionState
from tests.documents.conftest import fill, run, sign_decision

from .conftest import manage

pytestmark = pytest.mark.django_db(transaction=True)


def _issued_notice(evaluation, by) -> Document:
    evaluation = fill(evaluation, status="published", final_level="httnv")
    Decision.objects.filter(evaluation=evaluation, state=DecisionState.SIGNED).update(
        state=DecisionState.REPLACED
    )
    sign_decision(evaluation, level="httnv")
    job = services.document_request(kind=DocumentKind.NOTICE, evaluation=evaluation, by=by, issue=True)
    assert run(job) == "done", job.error
    return job.document


@pytest.fixture
def issued(cast):
    return [
        _issued_notice(official.enrolments.get().evaluation, cast.users["chair"])
        for official in (cast.official_a, cast.official_b)
    ]


@pytest.fixture
def archive(issued, tmp_path):
    path = tmp_path / "portal.tar"
    call_command("backup_create", output=str(path))
    return path


def test_the_manifest_counts_rows_and_lists_every_stored_file_with_its_hash(issued, archive):
    manifest = manifest_read(archive)
    assert manifest["engine"] == "postgresql" and manifest["missing"] == []
    assert manifest["tables"]["documents_document"] == 2 == Document.objects.count()
    assert manifest["tables"]["audit_auditevent"] > 0
    listed = {item["path"]: item for item in manifest["files"]}
    for document in issued:
        assert listed[document.pdf.name]["sha256"] == document.pdf_sha256
        assert f"documents.Document:{document.pk}.pdf" in listed[document.pdf.name]["rows"]
    assert manifest["audit_chain"]["ok"] is True


def test_a_restore_into_a_fresh_stack_gives_back_every_issued_document_byte_for_byte(
    server, scratch_database, issued, archive, tmp_path
):
    media = tmp_path / "restored-media"
    url = server.url(scratch_database)
    restored = manage("backup_restore", str(archive), database_url=url, media_root=media)
    assert restored.stdout.startswith("OK:")
    for document in issued:
        with document.pdf.open("rb") as original:
            assert (media / document.pdf.name).read_bytes() == original.read()
        assert (media / document.pdf.name).read_bytes().startswith(b"%PDF")
    assert manage("backup_verify", str(archive), database_url=url, media_root=media).stdout.startswith("OK:")
    assert manage("audit_verify", database_url=url, media_root=media).stdout.startswith("OK:")

    # A restored file that changed afterwards is named, against the backup and against its row.
    tampered = issued[1]
    path: Path = media / tampered.pdf.name
    path.write_bytes(path.read_bytes() + b"%tampered\n")
    verify = manage("backup_verify", str(archive), database_url=url, media_root=media, check=False)
    assert verify.returncode == 1
    assert f"documents.Document {tampered.pk}: file {tampered.pdf.name}" in verify.stderr
    assert f"file {tampered.pdf.name}: SHA-256" in verify.stderr
    assert issued[0].pdf.name not in verify.stderr


def test_a_restore_refuses_a_database_that_is_not_empty(server, archive, tmp_path, settings):
    """Restoring over the live database (the test's own, full of rows) is refused, nothing touched."""
    url = server.url(settings.DATABASES["default"]["NAME"])
    refused = manage("backup_restore", str(archive), database_url=url, media_root=tmp_path / "m", check=False)
    assert refused.returncode == 1 and "not empty" in refused.stderr
    assert Document.objects.count() == 2


def test_a_row_count_that_differs_from_the_backup_is_reported(server, scratch_database, archive, tmp_path):
    media = tmp_path / "restored-media"
    url = server.url(scratch_database)
    manage("backup_restore", str(archive), database_url=url, media_root=media)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO django_session VALUES ('extra-row', 'y', now())")
    verify = manage("backup_verify", str(archive), database_url=url, media_root=media, check=False)
    assert verify.returncode == 1 and "table django_session: " in verify.stderr


def test_a_stored_file_gone_from_disk_is_reported_and_the_rest_still_backed_up(issued, tmp_path):
    lost = issued[0]
    Path(lost.pdf.path).unlink()
    path = tmp_path / "portal.tar"
    with pytest.raises(CommandError, match=lost.pdf.name):
        call_command("backup_create", output=str(path))
    manifest = manifest_read(path)
    assert manifest["missing"] == [lost.pdf.name]
    assert [item["path"] for item in manifest["files"]] == [issued[1].pdf.name]
    with pytest.raises(
        CommandError, match=rf"file {lost.pdf.name} \(documents.Document:{lost.pk}.pdf\) is missing"
    ):
        call_command("backup_verify")
