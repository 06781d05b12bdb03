# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm

# Settings: manage.py and celery.py default to the local settings (DEBUG, demo data), never wanted here.
# Static root is baked in so collectstatic at build time and whitenoise at run time agree on the path.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=evaluation_portal.settings.production \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/srv/media

# Pango/HarfBuzz for WeasyPrint; gettext for compilemessages; pg_dump/pg_restore (15, as the db service) for
# manage.py backup_create / backup_restore.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# A real home so fontconfig (WeasyPrint) can keep its cache there.
RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --create-home --home-dir /home/portal portal

WORKDIR /app

# Requirements first: the pip layer stays cached while only code changes.
COPY requirements.txt .
RUN pip install -r requirements.txt

# Code stays root-owned, so the running app cannot rewrite itself.
COPY . .

# The dummy key exists only for these two commands; the real one comes from the environment at run time.
RUN DJANGO_SECRET_KEY=build-only-not-secret python manage.py compilemessages \
    && DJANGO_SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput

# Created here so fresh named volumes mounted on them inherit this ownership.
RUN mkdir -p /srv/media /srv/beat /srv/backups && chown portal:portal /srv/media /srv/beat /srv/backups

USER portal

EXPOSE 8000
