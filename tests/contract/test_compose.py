"""Contract: docker-compose.yml and the image it builds (Dockerfile, .dockerignore).

Docker is not needed: the files are parsed and their properties checked (docs/adr/0002-deployment.md).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

K8S_SERVICES = ROOT / "deploy" / "k8s" / "base" / "services"

ONE_SHOTS = {"topology", "demo"}
INFRA = {"rabbitmq", "mongo"}


@pytest.fixture(scope="module")
def compose() -> dict:
    with COMPOSE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def depends_on(service: dict) -> dict[str, str]:
    deps = service.get("depends_on", {})
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: spec.get("condition", "service_started") for name, spec in deps.items()}


def as_list(value) -> list[str]:
    if value is None:
        return []
    return value.split() if isinstance(value, str) else [str(item) for item in value]


def app_services(services: dict) -> dict:
    return {name: service for name, service in services.items() if name not in INFRA}


def runner_services(services: dict) -> set[str]:
    """The long-running suite services: everything but the broker, the database and the one-shots."""
    return set(services) - INFRA - ONE_SHOTS


def test_compose_has_the_expected_services(services):
    assert INFRA | ONE_SHOTS <= set(services)
    assert {"grid", "gateway"} <= runner_services(services)


def test_compose_runs_the_same_services_as_kubernetes(services):
    deployed = {path.stem for path in K8S_SERVICES.glob("*.yaml")}
    assert runner_services(services) == deployed, "a service added to one deployment but not the other"


def test_every_application_service_uses_the_one_image_and_build(services):
    apps = app_services(services)
    images = {service.get("image") for service in apps.values()}
    builds = {json.dumps(service.get("build"), sort_keys=True) for service in apps.values()}
    assert len(images) == 1 and None not in images, f"images {images}"
    assert len(builds) == 1, f"builds {builds}"
    build = next(iter(apps.values()))["build"]
    context = build if isinstance(build, str) else build["context"]
    assert (ROOT / context).resolve() == ROOT
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert (ROOT / context / dockerfile).resolve() == DOCKERFILE


def test_each_runner_service_is_picked_by_its_command(services):
    for name in runner_services(services):
        service = services[name]
        assert "entrypoint" not in service, f"{name}: the image's entrypoint (shared.runner) must run"
        assert as_list(service.get("command")) == [name], f"{name}: command {service.get('command')}"


def test_rabbitmq_has_management_and_a_healthcheck(services):
    rabbitmq = services["rabbitmq"]
    image, _, tag = rabbitmq["image"].partition(":")
    assert image == "rabbitmq" and re.fullmatch(r"3\.13(\.\d+)?-management", tag), rabbitmq["image"]
    test = as_list(rabbitmq["healthcheck"]["test"])
    assert "rabbitmq-diagnostics" in test


def test_mongo_runs_as_replica_set_rs0_initiated_by_compose(services):
    mongo = services["mongo"]
    assert mongo["image"].split(":")[0] == "mongo" and mongo["image"].split(":")[1].split(".")[0] == "7"
    command = as_list(mongo.get("command"))
    assert "--replSet" in command and command[command.index("--replSet") + 1] == "rs0", command
    check = " ".join(as_list(mongo["healthcheck"]["test"]))
    assert "rs.initiate" in check, "the healthcheck must initiate the replica set"
    assert re.search(r"_id:\s*'rs0'", check) and "host: 'mongo:27017'" in check
    assert "isWritablePrimary" in check, "healthy must mean a primary exists"


def test_application_services_reach_broker_and_replica_set(services):
    for name, service in app_services(services).items():
        env = environment(service)
        amqp = urlparse(env["AMQP_URI"])
        assert amqp.scheme == "amqp" and amqp.hostname == "rabbitmq", f"{name}: AMQP_URI {env['AMQP_URI']}"
        mongo = urlparse(env["MONGO_URI"])
        assert mongo.hostname == "mongo", f"{name}: MONGO_URI {env['MONGO_URI']}"
        assert parse_qs(mongo.query).get("replicaSet") == ["rs0"], f"{name}: MONGO_URI without replicaSet=rs0"
        assert env["XZ_ENV"] == "local", f"{name}: XZ_ENV"


SECRETS = ("JWT_SECRET", "PII_ENCRYPTION_KEY", "PII_INDEX_KEY", "PII_PREVIOUS_KEYS", "ADMIN_INITIAL_PASSWORD")


def test_no_key_or_password_is_written_in_the_compose_file(services):
    for name, service in app_services(services).items():
        assert not set(SECRETS) & set(environment(service)), f"{name}: a secret in docker-compose.yml"
        assert as_list(service.get("env_file")) == [".local/secrets.env"], f"{name}: secrets from the install's file"
    text = COMPOSE.read_text(encoding="utf-8")
    assert not re.search(r"[A-Za-z0-9+/]{40,}={0,2}", text), "something key-like is committed in the compose file"


def test_the_readme_makes_the_install_keys_before_compose_starts():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for line in readme.splitlines() if "docker compose up" in line]
    assert lines and all("scripts/xz keys &&" in line.split("docker compose up")[0] for line in lines), lines
    assert ".local/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_the_install_env_file_holds_random_keys_private_and_kept(tmp_path):
    from shared import keys

    path = tmp_path / ".local" / "secrets.env"
    first, created = keys.ensure_env_file(path)
    assert created and (path.stat().st_mode & 0o777) == 0o600
    again, created_again = keys.ensure_env_file(path)
    assert (again, created_again) == (first, False), "a second run reuses the install's keys"
    other, _ = keys.ensure_env_file(tmp_path / "other" / "secrets.env")
    for name in keys.KEY_NAMES:
        assert len(keys.decode(name, first[name])) == 32  # accepted: random, unpublished, not text
        assert first[name] != other[name], f"{name} must differ between installs"
    assert len({first[name] for name in keys.KEY_NAMES}) == 3
    assert keys.read_env_file(path) == first  # plain KEY=VALUE lines, as compose's env_file reads them


def test_topology_runs_once_before_every_service(services):
    topology = services["topology"]
    assert as_list(topology.get("entrypoint")) == ["python", "-m", "shared.topology"]
    assert depends_on(topology).get("rabbitmq") == "service_healthy"
    assert str(topology.get("restart", "no")) == "no"
    for name in runner_services(services) | {"demo"}:
        deps = depends_on(services[name])
        assert deps.get("topology") == "service_completed_successfully", f"{name} must wait for topology"
        assert deps.get("rabbitmq") == "service_healthy" and deps.get("mongo") == "service_healthy", name


def test_gateway_is_published_on_8000_and_binds_all_interfaces(services):
    gateway = services["gateway"]
    published = [str(port) for port in gateway.get("ports", [])]
    assert any(port.endswith(":8000:8000") or port == "8000:8000" for port in published), published
    assert environment(gateway).get("GATEWAY_BIND") == "0.0.0.0"
    others = [
        name for name, service in services.items()
        if name != "gateway" and any(str(port).endswith(":8000") for port in service.get("ports", []))
    ]
    assert not others, f"only the gateway publishes 8000: {others}"


def test_demo_loader_is_optional(services):
    demo = services["demo"]
    assert demo.get("profiles") == ["demo"], "demo must not start with a plain `docker compose up`"
    argv = as_list(demo.get("entrypoint")) + as_list(demo.get("command"))
    assert argv == ["python", "-m", "services.grid.demo", "--load"]
    for name, service in services.items():
        if name != "demo":
            assert not service.get("profiles"), f"{name} must start by default"


# --------------------------------------------------------------------------------------------- the image


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_image_is_python_311_slim_non_root_with_the_runner_entrypoint():
    instructions = dockerfile_instructions()
    args = dict(rest.split("=", 1) for keyword, rest in instructions if keyword == "ARG" and "=" in rest)
    froms = [rest.split()[0] for keyword, rest in instructions if keyword == "FROM"]
    bases = [re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], image) for image in froms]
    assert bases and all(base == "python:3.11-slim" for base in bases), bases
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}, f"USER {users}"
    (entrypoint,) = [json.loads(rest) for keyword, rest in instructions if keyword == "ENTRYPOINT"]
    assert entrypoint == ["python", "-m", "shared.runner"]
    (cmd,) = [json.loads(rest) for keyword, rest in instructions if keyword == "CMD"]
    assert cmd == ["gateway"]


def test_image_installs_the_project_without_the_local_extra():
    runs = " ".join(rest for keyword, rest in dockerfile_instructions() if keyword == "RUN")
    installs = re.findall(r"pip install ([^&;|]+)", runs)
    assert installs, "the image must pip install the project"
    for arguments in installs:
        assert "secantus" not in arguments.lower(), arguments
        assert "[" not in arguments, f"no extras in the production image: pip install {arguments}"
    assert any(arguments.split() == ["."] for arguments in installs), installs


def test_dockerignore_keeps_local_state_out_of_the_build_context():
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    patterns = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    assert {".venv", ".local", ".git", ".pytest_cache"} <= patterns, patterns
    assert any("__pycache__" in pattern for pattern in patterns)
    for needed in ("pyproject.toml", "shared", "services"):
        assert needed not in patterns, f"{needed} is needed to build the image"
