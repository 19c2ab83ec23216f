# PDE's server image, used by docker-compose.yml. It holds no secret and no
# data: settings come from PDE_* environment variables, documents live in
# PostgreSQL and the S3 bucket. docs/deployment.md explains how to run it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# pg_dump and pg_restore for `pde backup` and `pde restore`: the base image's
# Debian ones, no older than docker-compose.yml's PostgreSQL 15 (as they must be).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# Only the package's own sources: never .env, var/, .venv or the tests.
WORKDIR /src
COPY pyproject.toml ./
COPY crypto ./crypto
COPY wallet ./wallet
COPY share_links ./share_links
COPY day_centres ./day_centres
COPY page_kit ./page_kit
COPY kiosk_ui ./kiosk_ui
COPY client ./client
COPY pde ./pde
RUN pip install . && rm -rf /src

# An unprivileged user; the data folder is used only by the embedded defaults.
RUN groupadd --system --gid 10001 pde \
    && useradd --system --uid 10001 --gid pde --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin pde \
    && install -d -o pde -g pde -m 0700 /var/lib/pde
ENV PDE_DATA_DIR=/var/lib/pde
WORKDIR /var/lib/pde
USER 10001:10001

EXPOSE 8000
# Migrate first: the server refuses to start on a schema that is not at head.
CMD ["sh", "-c", "pde migrate && exec pde serve --host 0.0.0.0"]
