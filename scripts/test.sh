#!/usr/bin/env bash
# `make test`: the whole suite against the real PostgreSQL and Redis, a real Celery worker and headless
# Chromium. Installs and starts what it needs. Extra arguments go to pytest (e.g. `make test ARGS="-k access"`).
source "$(dirname "$0")/lib.sh"

ensure_debs "${RUNTIME_DEBS[@]}" chromium postgresql postgresql-client redis-server

# PostgreSQL and Redis: start them if they are installed but stopped (the machine notes' commands).
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  say "Starting PostgreSQL"
  for version in /etc/postgresql/*; do
    as_root pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start || true
  done
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  say "Starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
fi

# The default database (not the test one) only quiets makemigrations' history check.
if [ -z "${DATABASE_URL:-}" ] && ! psql -h 127.0.0.1 -U postgres -Atc "select 1 from pg_database where datname='evaluation_portal'" | grep -q 1; then
  createdb -h 127.0.0.1 -U postgres evaluation_portal
fi

ensure_venv requirements-dev.txt
export DJANGO_SETTINGS_MODULE=evaluation_portal.settings.test

say "Compiling translations"
manage compilemessages -v0 --ignore=.venv
say "ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
say "Imports run one way (import-linter layers contract in pyproject.toml)"
"$VENV/bin/lint-imports" --no-cache
say "Migrations are up to date"
manage makemigrations --check --dry-run
say "Deployment checks on production settings"
DJANGO_SETTINGS_MODULE=evaluation_portal.settings.production \
  DJANGO_SECRET_KEY="ci-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')" \
  DJANGO_ALLOWED_HOSTS=danhgia.example.invalid \
  FIELD_ENCRYPTION_KEYS="$("$VENV/bin/python" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
  FIELD_BLIND_INDEX_KEY="ci-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')" \
  "$VENV/bin/python" manage.py check --deploy --fail-level WARNING
say "mypy"
"$VENV/bin/mypy"
say "pytest"
"$VENV/bin/pytest" "$@"
