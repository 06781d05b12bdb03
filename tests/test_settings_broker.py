"""`make run`'s filesystem broker keeps every runtime file under var/ (issue #13 item 7): kombu's exchange table
("control_folder", default a relative "control/") included."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_filesystem_broker_writes_nothing_outside_var():
    code = (
        "import os; os.environ.pop('REDIS_URL', None); os.environ.setdefault('DJANGO_SECRET_KEY', 'x');"
        "from django.conf import settings; import django; django.setup();"
        "print('\\n'.join(str(v) for k, v in settings.CELERY_BROKER_TRANSPORT_OPTIONS.items() if k.endswith(('folder', 'folder_in', 'folder_out'))))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "evaluation_portal.settings.local", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(out) == 4
    var = ROOT / "var"
    assert all(Path(folder).resolve().is_relative_to(var) for folder in out), out
