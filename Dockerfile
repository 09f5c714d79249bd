# Ossature's image: one image for every role, the role given as the command
# (`serve gateway`, `serve worker`, `serve commands`, `serve scheduler`, `migrate`).
# Deployment, secrets and probes: docs/deployment.md. Checked by hadolint in CI (.ci/deploy).

# The build stage: the package and its pinned dependencies installed into a venv.
FROM python:3.11.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/ossature
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/ossature/bin/pip install --no-cache-dir .

# The runtime stage: the venv alone, run by an account without privileges.
FROM python:3.11.11-slim-bookworm
RUN groupadd --system --gid 10001 ossature \
    && useradd --system --uid 10001 --gid ossature --no-create-home \
        --home-dir /var/lib/ossature --shell /usr/sbin/nologin ossature \
    && mkdir -p /var/lib/ossature \
    && chown ossature:ossature /var/lib/ossature
COPY --from=build /opt/ossature /opt/ossature
# Secrets are never in the image: they are mounted at run time (OSSATURE_SECRETS_DIR, set
# by the manifests) or given as variables by the orchestrator. The roles leave migrating to
# the migrations Job, `ossature migrate` (OSSATURE_MIGRATE=off).
ENV PATH=/opt/ossature/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OSSATURE_VAR_DIR=/var/lib/ossature \
    OSSATURE_HOST=0.0.0.0 \
    OSSATURE_PORT=8000 \
    OSSATURE_MIGRATE=off
WORKDIR /var/lib/ossature
USER 10001:10001
EXPOSE 8000 8081
ENTRYPOINT ["ossature"]
CMD ["serve", "gateway"]
