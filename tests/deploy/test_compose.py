"""The production shape, checked against the code: docker-compose.yml, the
Dockerfile, .env.example and docs/deployment.md.

There is no Docker engine on the test machines, so nothing here starts a
container. Instead every name these files use must be one the code reads,
every secret must come from `.env`, the values compose would produce must
pass `Settings.check_production`, and the documentation must describe every
setting with its real default.
"""

from __future__ import annotations

import copy
import io
import ipaddress
import itertools
import json
import os
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from pde.cli import build_parser
from pde.settings import Settings, UnsafeSettings
from tests.needs import missing

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
CADDYFILE = REPO / "deploy" / "Caddyfile"
ENV_EXAMPLE = REPO / ".env.example"
DEPLOYMENT_DOC = REPO / "docs" / "deployment.md"

SETTING_NAMES = {f"PDE_{name.upper()}": name for name in Settings.model_fields}
REPLICAS = ("app-1", "app-2")
SERVICES = {"caddy", "migrate", *REPLICAS, "postgres", "redis", "minio", "minio-init"}
ONE_SHOT = {"migrate", "minio-init"}
LONG_RUNNING = SERVICES - ONE_SHOT
PDE_IMAGE = {"migrate", *REPLICAS}
CADDY_ADDRESS = "10.89.28.10"
# Compose's variable references: `$$`, `${NAME}`, `${NAME:-default}`, `${NAME:?error}`.
INTERPOLATION = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<operator>:[-?])(?P<argument>[^}]*))?\}"
)
# `${NAME:?message}`: compose refuses to start while NAME is unset or empty.
REQUIRED_VARIABLE = re.compile(r"^\$\{(?P<name>[A-Z][A-Z0-9_]*):\?[^}]+\}$")
# Values a careful operator would put in .env, to resolve the compose file with.
SAMPLE_ENV = {
    "PDE_DOMAIN": "pde.example.org",
    "REDIS_PASSWORD": "d" * 64,
    "PDE_SERVER_SECRET": "5" * 64,
    "POSTGRES_PASSWORD": "a" * 64,
    "MINIO_ROOT_USER": "pde-admin",
    "MINIO_ROOT_PASSWORD": "b" * 64,
    "PDE_S3_ACCESS_KEY": "pde-app",
    "PDE_S3_SECRET_KEY": "c" * 64,
    "PDE_OPERATOR_NAME": "Bruss'help ASBL",
    "PDE_OPERATOR_ADDRESS": "Rue Royale 35, 1000 Bruxelles",
    "PDE_OPERATOR_CONTACT": "pde@example.org",
    "PDE_OPERATOR_DPO_CONTACT": "dpo@example.org",
}


@pytest.fixture(autouse=True)
def no_pde_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings read PDE_* variables: the developer's own must not leak into these tests."""
    for name in list(os.environ):
        if name.startswith("PDE_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    try:
        import yaml
    except ImportError:  # PyYAML is a test-only dependency
        message = "PyYAML is not installed: `uv pip install pyyaml` to check docker-compose.yml"
        missing(message)
    document: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return document


def service(compose: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = compose["services"][name]
    return found


def environment(compose: dict[str, Any], name: str) -> dict[str, str]:
    """A service's environment as a mapping, whichever of compose's two forms it uses."""
    raw = service(compose, name).get("environment", {})
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {key: str(value) for key, value in raw.items()}


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's interpolation of `${NAME}`, `${NAME:-default}`, `${NAME:?error}` and `$$`."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, operator, argument = match.group("name", "operator", "argument")
        given = variables.get(name, "")
        if operator == ":?" and not given:
            raise KeyError(f"{name} is required: {argument}")
        if operator == ":-" and not given:
            return argument
        return given

    return re.sub(INTERPOLATION, substitute, value)


def required_variables(text: str) -> set[str]:
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*):\?", text))


# -- docker-compose.yml ----------------------------------------------------------


def test_the_region_s_services_exist(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == SERVICES
    for name in PDE_IMAGE:
        assert service(compose, name)["build"] == "."
        assert service(compose, name)["image"] == "pde:local"
    assert service(compose, "caddy")["image"].startswith("caddy:2.")
    assert service(compose, "postgres")["image"].startswith("postgres:15")
    assert service(compose, "redis")["image"].startswith("redis:7")
    assert "minio/minio:" in service(compose, "minio")["image"]
    assert "minio/mc:" in service(compose, "minio-init")["image"]


def test_third_party_images_are_pinned(compose: dict[str, Any]) -> None:
    for name in SERVICES - PDE_IMAGE:
        image = service(compose, name)["image"]
        assert ":" in image and not image.endswith(":latest"), image


def test_pde_containers_set_only_real_settings(compose: dict[str, Any]) -> None:
    for name in PDE_IMAGE:
        names = {key for key in environment(compose, name) if key.startswith("PDE_")}
        assert names <= set(SETTING_NAMES), f"not settings: {sorted(names - set(SETTING_NAMES))}"


def test_replicas_and_migrate_run_one_configuration(compose: dict[str, Any]) -> None:
    """The same settings everywhere: a replica that differed would count limits, or
    derive fake salts, on its own."""
    first = environment(compose, "app-1")
    for name in PDE_IMAGE:
        assert environment(compose, name) == first, name


def test_app_runs_the_production_shape(compose: dict[str, Any]) -> None:
    env = environment(compose, "app-1")
    assert env["PDE_ENVIRONMENT"] == "production"
    assert env["PDE_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@postgres:5432/" in env["PDE_DATABASE_URL"]
    assert env["PDE_BLOB_BACKEND"] == "s3"
    assert env["PDE_S3_ENDPOINT"] == "minio:9000"
    assert env["PDE_PUBLIC_URL"] == "https://${PDE_DOMAIN:?set it in .env}"
    assert env["PDE_REDIS_URL"].startswith("redis://:${REDIS_PASSWORD:?")
    assert env["PDE_REDIS_URL"].endswith("@redis:6379/0")


def test_migrate_runs_once_before_both_replicas_serve(compose: dict[str, Any]) -> None:
    migrate = service(compose, "migrate")
    assert migrate["command"] == ["pde", "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in REPLICAS:
        replica = service(compose, name)
        assert replica["command"] == ["pde", "serve", "--host", "0.0.0.0"]
        assert replica["restart"] == "unless-stopped"
        depends = replica["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        for store in ("postgres", "redis", "minio"):
            assert depends[store]["condition"] == "service_healthy", (name, store)
        assert depends["minio-init"]["condition"] == "service_completed_successfully"
    assert service(compose, "minio-init")["depends_on"]["minio"]["condition"] == "service_healthy"


SECRET_NAME = re.compile(r"PASSWORD|SECRET|ACCESS_KEY|AUTH")


def literal_secrets(compose: dict[str, Any]) -> list[str]:
    """Every environment value or command argument that looks like a secret and is
    written in the file rather than taken from .env."""
    found = []
    for name, definition in compose["services"].items():
        for key, value in environment(compose, name).items():
            if SECRET_NAME.search(key) and not REQUIRED_VARIABLE.match(value):
                found.append(f"{name}: {key}")
            for credentials in re.findall(r"://([^@/]*)@", value):
                password = credentials.split(":", 1)[-1]
                if not REQUIRED_VARIABLE.match(password):
                    found.append(f"{name}: {key} (password in a URL)")
        command = definition.get("command", [])
        for flag, argument in itertools.pairwise(command):
            if flag in ("--requirepass", "--password") and not REQUIRED_VARIABLE.match(argument):
                found.append(f"{name}: {flag}")
    return found


def test_no_secret_is_written_in_the_file(compose: dict[str, Any]) -> None:
    assert literal_secrets(compose) == []
    assert "MINIO_ROOT_PASSWORD" not in environment(compose, "app-1")


def test_the_secret_check_finds_a_literal_password(compose: dict[str, Any]) -> None:
    tampered = copy.deepcopy(compose)
    tampered["services"]["redis"]["command"][-1] = "hunter2"
    tampered["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"] = "hunter2"
    url = "postgresql+psycopg://pde:hunter2@postgres:5432/pde"
    tampered["services"]["app-2"] = {**tampered["services"]["app-2"]}
    tampered["services"]["app-2"]["environment"] = {"PDE_DATABASE_URL": url}
    assert sorted(literal_secrets(tampered)) == [
        "app-2: PDE_DATABASE_URL (password in a URL)",
        "postgres: POSTGRES_PASSWORD",
        "redis: --requirepass",
    ]


def test_resolved_app_environment_passes_the_production_checks(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the containers get from a filled-in .env makes safe production Settings."""
    for key, value in environment(compose, "app-1").items():
        monkeypatch.setenv(key, interpolate(value, SAMPLE_ENV))
    settings = Settings()

    settings.check_production()
    assert settings.environment == "production"
    assert settings.public_url == "https://pde.example.org"
    assert settings.sqlalchemy_url == f"postgresql+psycopg://pde:{'a' * 64}@postgres:5432/pde"
    assert settings.redis_url == f"redis://:{'d' * 64}@redis:6379/0"
    assert settings.s3_secure is False
    assert settings.s3_bucket == "pde"


def test_an_unfilled_env_is_refused(compose: dict[str, Any]) -> None:
    with pytest.raises(KeyError, match="PDE_SERVER_SECRET"):
        interpolate(environment(compose, "app-1")["PDE_SERVER_SECRET"], {})
    with pytest.raises(KeyError, match="PDE_DOMAIN"):
        interpolate(environment(compose, "caddy")["PDE_DOMAIN"], {})


def test_bucket_and_app_user_are_the_ones_the_app_uses(compose: dict[str, Any]) -> None:
    app, init = environment(compose, "app-1"), environment(compose, "minio-init")
    assert init["BUCKET"] == app["PDE_S3_BUCKET"] == environment(compose, "caddy")["PDE_S3_BUCKET"]
    assert init["APP_ACCESS_KEY"] == app["PDE_S3_ACCESS_KEY"]
    assert init["APP_SECRET_KEY"] == app["PDE_S3_SECRET_KEY"]
    assert init["MINIO_ROOT_USER"] == environment(compose, "minio")["MINIO_ROOT_USER"]


def test_long_running_services_have_healthchecks(compose: dict[str, Any]) -> None:
    for name in LONG_RUNNING:
        check = service(compose, name).get("healthcheck", {})
        assert check.get("test"), f"{name} has no healthcheck"
    for name in REPLICAS:
        app_check = " ".join(service(compose, name)["healthcheck"]["test"])
        assert "http://127.0.0.1:8000/api/v1/health" in app_check
    for name in ONE_SHOT:
        assert service(compose, name)["restart"] == "no"


def test_caddy_starts_after_healthy_replicas_and_minio(compose: dict[str, Any]) -> None:
    depends = service(compose, "caddy")["depends_on"]
    assert {name: d["condition"] for name, d in depends.items()} == {
        "app-1": "service_healthy",
        "app-2": "service_healthy",
        "minio": "service_healthy",
    }


def test_caddy_serves_the_caddyfile_for_the_domain(compose: dict[str, Any]) -> None:
    caddy = service(compose, "caddy")
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    assert {"caddy-data:/data", "caddy-config:/config"} <= set(caddy["volumes"])
    assert {"caddy-data", "caddy-config"} <= set(compose["volumes"])
    env = environment(compose, "caddy")
    assert REQUIRED_VARIABLE.match(env["PDE_DOMAIN"])
    assert env["PDE_TLS"] == "${PDE_TLS:-acme}"
    caddyfile = CADDYFILE.read_text()
    for name in env:
        assert "{$" + name in caddyfile, f"the Caddyfile does not read {name}"
    for name in (*REPLICAS, "minio"):
        assert name in caddyfile, f"the Caddyfile does not route to {name}"


def test_only_caddy_is_published(compose: dict[str, Any]) -> None:
    assert service(compose, "caddy")["ports"] == ["80:80", "443:443", "443:443/udp"]
    for name in SERVICES - {"caddy"}:
        assert "ports" not in service(compose, name), f"{name} must not be published"


def test_replicas_believe_forwarded_for_from_caddy_alone(compose: dict[str, Any]) -> None:
    """Caddy replaces X-Forwarded-For (tests/deploy/test_caddyfile.py); the replicas
    believe it only from Caddy's fixed address on the proxy network."""
    proxy = compose["networks"]["proxy"]
    [subnet] = [pool["subnet"] for pool in proxy["ipam"]["config"]]
    address = service(compose, "caddy")["networks"]["proxy"]["ipv4_address"]
    assert address == CADDY_ADDRESS
    assert ipaddress.ip_address(address) in ipaddress.ip_network(subnet)
    for name in REPLICAS:
        assert environment(compose, name)["PDE_TRUSTED_PROXIES"] == CADDY_ADDRESS


def test_only_caddy_reaches_the_outside(compose: dict[str, Any]) -> None:
    assert compose["networks"]["proxy"]["internal"] is True
    assert compose["networks"]["backend"]["internal"] is True
    assert not compose["networks"]["edge"], "edge is an ordinary network with a route out"
    for name in SERVICES:
        networks = set(service(compose, name)["networks"])
        assert ("edge" in networks) == (name == "caddy"), name
    assert set(service(compose, "caddy")["networks"]) == {"edge", "proxy"}
    for name in REPLICAS:
        assert service(compose, name)["networks"] == ["proxy", "backend"]
    assert service(compose, "minio")["networks"] == ["proxy", "backend"]
    for name in ("postgres", "redis", "minio-init", "migrate"):
        assert service(compose, name)["networks"] == ["backend"]


def test_redis_keeps_nothing_on_disk(compose: dict[str, Any]) -> None:
    redis = service(compose, "redis")
    command = redis["command"]
    assert command[0] == "redis-server"
    flags = dict(zip(command[1::2], command[2::2], strict=True))
    assert flags["--save"] == ""
    assert flags["--appendonly"] == "no"
    assert flags["--maxmemory-policy"] == "noeviction"
    assert "volumes" not in redis
    assert redis["tmpfs"] == ["/data"]
    assert redis["read_only"] is True
    # The password the replicas use is the one Redis requires.
    password = flags["--requirepass"]
    assert environment(compose, "app-1")["PDE_REDIS_URL"] == f"redis://:{password}@redis:6379/0"
    assert environment(compose, "redis")["REDISCLI_AUTH"] == password


def test_stores_keep_their_data_in_volumes(compose: dict[str, Any]) -> None:
    assert "postgres-data:/var/lib/postgresql/data" in service(compose, "postgres")["volumes"]
    assert "minio-data:/data" in service(compose, "minio")["volumes"]
    assert {"postgres-data", "minio-data"} <= set(compose["volumes"])


def test_pde_containers_are_confined(compose: dict[str, Any]) -> None:
    for name in PDE_IMAGE | {"caddy"}:
        definition = service(compose, name)
        assert definition["read_only"] is True, name
        assert definition["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in definition["security_opt"], name


def test_env_example_lists_every_required_variable_empty() -> None:
    """Copying .env.example unchanged must fail loudly, not run with sample secrets."""
    example = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            example[key.strip()] = value.strip()
    required = required_variables(COMPOSE_FILE.read_text())
    assert required == set(example), "docker-compose.yml and .env.example disagree"
    assert all(value == "" for value in example.values())


def test_minio_init_creates_the_bucket_and_a_user_confined_to_it(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    """Run the one-shot script under /bin/sh with a stand-in `mc` that records its calls."""
    init = service(compose, "minio-init")
    assert init["entrypoint"] == ["/bin/sh", "-c"]
    policy_file = tmp_path / "policy.json"
    script = interpolate(init["command"][0], {})
    script = script.replace("/tmp/pde-app-policy.json", str(policy_file))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "mc").write_text('#!/bin/sh\nprintf "%s\\n" "$*" >> "$MC_LOG"\n')
    (bin_dir / "mc").chmod(0o755)
    log = tmp_path / "mc.log"
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "MC_LOG": str(log),
        "MINIO_ROOT_USER": "pde-admin",
        "MINIO_ROOT_PASSWORD": "root-secret",
        "BUCKET": "pde",
        "APP_ACCESS_KEY": "pde-app",
        "APP_SECRET_KEY": "app-secret",
    }

    subprocess.run(["/bin/sh", "-c", script], env=env, check=True, capture_output=True)

    calls = log.read_text().splitlines()
    assert calls[0] == "alias set pde http://minio:9000 pde-admin root-secret"
    assert "mb --ignore-existing pde/pde" in calls
    assert f"admin policy create pde pde-app {policy_file}" in calls
    assert "admin user add pde pde-app app-secret" in calls
    assert "admin policy attach pde pde-app --user pde-app" in calls
    policy = json.loads(policy_file.read_text())
    resources = {r for statement in policy["Statement"] for r in statement["Resource"]}
    assert resources == {"arn:aws:s3:::pde", "arn:aws:s3:::pde/*"}


# -- Dockerfile --------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_dockerfile_builds_the_package_on_python_311_slim() -> None:
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    assert any(kind == "RUN" and "pip install ." in args for kind, args in instructions)


def test_dockerfile_copies_every_package_and_never_the_whole_context() -> None:
    """`COPY . .` would put .env, var/ (data) and .venv into the image."""
    copied = {args.split()[0] for kind, args in dockerfile_instructions() if kind == "COPY"}
    assert "." not in copied
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {pattern.rstrip("*") for pattern in include}
    assert packages | {"pyproject.toml"} == copied


def test_dockerfile_runs_as_a_non_root_user() -> None:
    users = [args for kind, args in dockerfile_instructions() if kind == "USER"]
    assert users, "no USER instruction"
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_dockerfile_migrates_then_serves_on_all_interfaces() -> None:
    cmd = [args for kind, args in dockerfile_instructions() if kind == "CMD"][-1]
    script = json.loads(cmd)[-1]
    assert script == "pde migrate && exec pde serve --host 0.0.0.0"
    parser = build_parser()
    assert parser.parse_args(["migrate"]).command == "migrate"
    assert parser.parse_args(["serve", "--host", "0.0.0.0"]).host == "0.0.0.0"


# -- Settings.check_production -----------------------------------------------------


def safe_production(**changes: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "production",
        "database_url": "postgresql+psycopg://pde:secret@postgres:5432/pde",
        "public_url": "https://pde.example.org",
        "server_secret": SecretStr("s" * 32),
        "blob_backend": "s3",
        "s3_access_key": "pde-app",
        "s3_secret_key": SecretStr("k" * 8),
        "operator_name": "Bruss'help ASBL",
        "operator_address": "Rue Royale 35, 1000 Bruxelles",
        "operator_contact": "pde@example.org",
        "operator_dpo_contact": "dpo@example.org",
    }
    return Settings(**{**values, **changes})


def test_safe_production_settings_pass() -> None:
    safe_production().check_production()


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"database_url": ""}, "PDE_DATABASE_URL"),
        ({"database_url": "sqlite:////var/lib/pde/pde.sqlite3"}, "PDE_DATABASE_URL"),
        ({"server_secret": SecretStr("")}, "PDE_SERVER_SECRET"),
        ({"server_secret": SecretStr("s" * 31)}, "PDE_SERVER_SECRET"),
        ({"public_url": "http://pde.example.org"}, "PDE_PUBLIC_URL"),
        ({"s3_access_key": ""}, "PDE_S3_ACCESS_KEY"),
        ({"s3_secret_key": SecretStr("k" * 7)}, "PDE_S3_SECRET_KEY"),
        ({"operator_name": ""}, "PDE_OPERATOR_NAME"),
        ({"operator_dpo_contact": "[placeholder] dpo"}, "PDE_OPERATOR_DPO_CONTACT"),
    ],
)
def test_unsafe_production_settings_are_refused(changes: dict[str, Any], problem: str) -> None:
    with pytest.raises(UnsafeSettings, match=problem):
        safe_production(**changes).check_production()


def test_every_problem_is_named_at_once() -> None:
    unsafe = Settings(environment="production", blob_backend="s3")
    with pytest.raises(UnsafeSettings) as refused:
        unsafe.check_production()
    for name in ("PDE_DATABASE_URL", "PDE_SERVER_SECRET", "PDE_PUBLIC_URL", "PDE_S3_ACCESS_KEY"):
        assert name in str(refused.value)


def test_development_defaults_are_not_checked() -> None:
    Settings().check_production()


# -- docs/deployment.md --------------------------------------------------------------


def settings_table() -> dict[str, str]:
    """The configuration table of docs/deployment.md: variable name -> default cell."""
    rows = re.findall(r"^\| `(PDE_[A-Z0-9_]+)` \| ([^|]*) \|", DEPLOYMENT_DOC.read_text(), re.M)
    return {name: default.strip() for name, default in rows}


def documented_default(value: Any) -> str:
    """How the table writes a default: the value as set in the environment, or (empty)."""
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def test_deployment_doc_mentions_every_setting() -> None:
    text = DEPLOYMENT_DOC.read_text()
    missing = sorted(name for name in SETTING_NAMES if name not in text)
    assert not missing, f"docs/deployment.md does not mention {missing}"


def test_deployment_doc_table_has_every_setting_with_its_default() -> None:
    table = settings_table()
    assert set(table) == set(SETTING_NAMES), "the table and wallet/settings.py disagree"
    for env_name, field_name in SETTING_NAMES.items():
        default = Settings.model_fields[field_name].default
        assert table[env_name] == documented_default(default), env_name


def test_restore_check_in_the_docs_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The restore check of docs/deployment.md, run on a small embedded installation."""
    from wallet.clock import now
    from wallet.db import make_engine, migrate, session_factory
    from wallet.models import Account, Document
    from wallet.services.documents import READY, content_key
    from wallet.storage.local import LocalBlobStore

    blocks = re.findall(r"```python\n(.*?)```", DEPLOYMENT_DOC.read_text(), re.S)
    script = next(block for block in blocks if block.lstrip().startswith("# check-restore"))
    settings = Settings(data_dir=tmp_path)
    migrate(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    moment = now()
    account = Account(
        id="a" * 22,
        handle="tamo-rizu-58",
        handle_key="tamo-rizu-58",
        account_salt=bytes(16),
        verifier="v",
        recovery_verifier="v",
        wrapped_master_key=b"w",
        wrapped_master_key_recovery=b"w",
        deposit_public_key=bytes(32),
        wrapped_deposit_private_key=b"w",
        created_at=moment,
    )
    documents = [
        Document(
            id=letter * 22,
            account_id=account.id,
            state=READY,
            wrapped_key=b"w",
            metadata_box=b"m",
            size=100,
            sha256=bytes(32),
            created_at=moment,
            updated_at=moment,
        )
        for letter in "bc"
    ]
    with session_factory(engine)() as db:
        db.add_all([account, *documents])
        db.commit()
    engine.dispose()
    blobs = LocalBlobStore(settings.local_blob_dir)
    blobs.put(content_key(account.id, "b" * 22), io.BytesIO(bytes(100)), 100)

    def run() -> tuple[object, str]:
        with pytest.raises(SystemExit) as ended:
            exec(compile(script, "check-restore.py", "exec"), {"__name__": "__main__"})
        return ended.value.code, capsys.readouterr().out.strip()

    monkeypatch.setenv("PDE_DATA_DIR", str(tmp_path))
    assert run() == (1, "1 documents complete, 1 missing, 0 of the wrong size")

    blobs.put(content_key(account.id, "c" * 22), io.BytesIO(bytes(100)), 100)
    assert run() == (0, "2 documents complete, 0 missing, 0 of the wrong size")
