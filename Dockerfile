# One image for every Xiangzhi service. The command names the service:
#   docker run xiangzhi grid        ->  python -m shared.runner grid
# One-shot jobs override the entrypoint, e.g. `python -m shared.topology`.
# Why: docs/adr/0002-deployment.md
#
# Only the production dependency set goes in. The `local` extra (SecantusDB, GPL-2.0) and the
# `test` extra are never installed here; the build fails if SecantusDB ends up in the image.

ARG PYTHON_IMAGE=python:3.11-slim

# ---------------------------------------------------------------- build: resolve and install into a venv
FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

RUN python -m venv /opt/venv

WORKDIR /src
COPY pyproject.toml ./
COPY shared ./shared
COPY services ./services

# `pip install .`, not `.[local]`: SecantusDB stays out. The guard makes an accidental
# dependency on it (direct or transitive) a build failure instead of a licence problem.
RUN pip install . \
 && ! pip show secantusdb >/dev/null 2>&1

# Every non-Python file of the packages (e.g. services/gateway/static/) must be installed too, i.e.
# declared as package data in pyproject.toml; the image runs the installed copy, not these sources.
RUN python -c "import pathlib, sys, sysconfig; \
site = pathlib.Path(sysconfig.get_paths()['purelib']); \
missing = [str(p) for top in ('shared', 'services') for p in sorted(pathlib.Path(top).rglob('*')) \
           if p.is_file() and p.suffix not in ('.py', '.pyc') and not (site / p).is_file()]; \
sys.exit('not installed, declare as package data in pyproject.toml: ' + ' '.join(missing) if missing else 0)"

# ---------------------------------------------------------------- runtime: no sources, no build tools, non-root
FROM ${PYTHON_IMAGE}

# XZ_ENV=production is the fail-safe default: a container without an explicit XZ_ENV refuses to start
# without PII_ENCRYPTION_KEY / PII_INDEX_KEY (docker-compose.yml sets XZ_ENV=local).
# GATEWAY_BIND: inside a container the gateway listens on all interfaces (the code default is 127.0.0.1).
# METRICS_PORT: every container has its own network namespace, so every service uses the same port.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    XZ_ENV=production \
    GATEWAY_BIND=0.0.0.0 \
    METRICS_PORT=9100

RUN groupadd --system --gid 10001 xiangzhi \
 && useradd --system --uid 10001 --gid xiangzhi --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin xiangzhi \
 && install -d -o 10001 -g 10001 -m 700 /var/lib/xiangzhi/audit-anchors

# AUDIT_ANCHOR_DIR: the gateway anchors the audit chain's head outside the database (docs/security.md); the
# directory is the user's own so that a volume mounted on it starts writable.
ENV AUDIT_ANCHOR_DIR=/var/lib/xiangzhi/audit-anchors

COPY --from=build /opt/venv /opt/venv

# Code runs from the installed package in /opt/venv; the working directory stays empty.
WORKDIR /app

# Numeric user so that Kubernetes can verify runAsNonRoot.
USER 10001:10001

# 8000: gateway HTTP (/health, /ready). 9100: Prometheus metrics (every service).
EXPOSE 8000 9100

ENTRYPOINT ["python", "-m", "shared.runner"]
CMD ["gateway"]
