# syntax=docker/dockerfile:1

# --- Front-end assets: Bootstrap, Bootstrap Icons, Chart.js, exactly as package-lock.json pins them.
FROM node:20-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund


# --- The application image: gunicorn for `web`, the same image runs Celery `worker` and `beat`.
FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# A writable home: gunicorn puts its control socket under $HOME/.gunicorn.
RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

# Dependencies first, so that a source change does not reinstall them. pyproject.toml lists the
# direct dependencies and has `packages = []`, so installing "the project" installs exactly those,
# with every transitive version pinned by constraints.txt. Built outside /app so no egg-info is left.
COPY pyproject.toml constraints.txt README.md /tmp/deps/
RUN pip install --no-cache-dir -c /tmp/deps/constraints.txt /tmp/deps \
    && rm -rf /tmp/deps

WORKDIR /app
COPY --from=assets /assets/node_modules /app/node_modules
COPY . .

# Hashed, compressed static files (whitenoise manifest storage, used when DEBUG is off). The key
# only lets settings load for this step; it is not baked into the image.
RUN DEBUG=0 SECRET_KEY=build-only-not-secret VAR_DIR=/tmp/build-var \
        python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-var \
    && mkdir -p /app/var /app/media \
    && chown app:app /app/var /app/media

# Fail closed: without DEBUG set the settings would fall back to development mode.
ENV DEBUG=0

USER app
EXPOSE 8000
CMD ["gunicorn", "advocacy.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "16", "--access-logfile", "-"]
