#!/usr/bin/env bash
# `make run`: the portal with demo data on this machine. SQLite and a filesystem Celery broker by default;
# set DATABASE_URL and REDIS_URL to use PostgreSQL and Redis instead.
source "$(dirname "$0")/lib.sh"

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-evaluation_portal.settings.local}"
export PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://$HOST:$PORT}"

ensure_debs "${RUNTIME_DEBS[@]}"
ensure_venv requirements.txt
say "Compiling translations"
manage compilemessages -v0 --ignore=.venv
say "Migrating the database"
manage migrate --noinput -v0
say "Loading demo data"
manage load_demo

say "Starting the Celery worker (log: var/worker.log)"
mkdir -p var
# -B embeds the beat scheduler (the reconcilers of documents and notice e-mails); production runs it apart.
"$VENV/bin/celery" -A evaluation_portal worker -B -s var/celerybeat-schedule -Q celery,documents_bulk -l info --concurrency 2 >var/worker.log 2>&1 &
WORKER_PID=$!
trap 'kill "$WORKER_PID" 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Evaluation Portal:  http://$HOST:$PORT/
  Log in with one of the demo accounts above. Stop with Ctrl+C.

MSG
manage runserver "$HOST:$PORT"
