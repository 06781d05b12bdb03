# Issue #16 item 2: the notices and reminders take the field names of the one outbox (common/outbox.py).
# Renamed, not re-created, so every row keeps its state; the constraints on the old names go first.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0010_objection_answer_email"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="notice", name="notice_email_status_valid"),
        migrations.RemoveConstraint(model_name="notice", name="notice_sent_iff_emailed_at"),
        migrations.RemoveConstraint(model_name="notice", name="notice_claim_counts_an_attempt"),
        migrations.RemoveConstraint(model_name="reminder", name="reminder_status_valid"),
        migrations.RemoveConstraint(model_name="reminder", name="reminder_sent_iff_sent_at"),
        migrations.RenameField(model_name="notice", old_name="email_status", new_name="status"),
        migrations.RenameField(model_name="notice", old_name="email_claimed_at", new_name="claimed_at"),
        migrations.RenameField(model_name="notice", old_name="emailed_at", new_name="sent_at"),
        migrations.RenameField(model_name="notice", old_name="email_attempts", new_name="attempts"),
    ]
