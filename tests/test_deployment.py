"""The container deployment: Dockerfile, docker-compose.yml and production settings.

No Docker engine runs where these tests run, so the compose file and the Dockerfile are checked
for structure, and the production settings are exercised the way the image uses them: through
`manage.py` in a subprocess with DEBUG off.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"

APP_SERVICES = ("web", "worker", "beat")
ALL_SERVICES = ("postgres", "redis", *APP_SERVICES)

# Variables the settings read that would change the outcome of the subprocess tests if they
# leaked in from the developer's shell or the CI job.
CONFIG_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "EMAIL_URL",
    "VAR_DIR",
    "STATIC_ROOT",
    "MEDIA_ROOT",
)


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose():
    with COMPOSE_FILE.open() as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def dockerfile():
    return DOCKERFILE.read_text()


def service(compose, name):
    return compose["services"][name]


def command_text(value):
    """A compose `command` or healthcheck `test`, list or string, as one string."""
    return " ".join(value) if isinstance(value, list) else value


def environment_of(svc):
    env = svc.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return env


def named_volume_mounts(svc):
    """(volume name, target) for each mount of a named volume (bind mounts are paths)."""
    mounts = []
    for mount in svc.get("volumes", []):
        if isinstance(mount, dict):
            if mount.get("type", "volume") == "volume":
                mounts.append((mount["source"], mount["target"]))
            continue
        source, target = mount.split(":")[:2]
        if not source.startswith((".", "/", "~", "$")):
            mounts.append((source, target))
    return mounts


def dockerfile_instructions(text, keyword):
    """Logical lines (continuations joined) starting with the given Dockerfile instruction."""
    logical = re.sub(r"\\\n", " ", text).splitlines()
    return [line.strip() for line in logical if line.strip().upper().startswith(keyword + " ")]


def manage(*args, tmp_path, **env_overrides):
    """Run manage.py as the container would: a fresh interpreter, configuration from the environment."""
    env = {key: value for key, value in os.environ.items() if key not in CONFIG_VARIABLES}
    env["VAR_DIR"] = str(tmp_path / "var")  # SQLite default, kept out of the working tree
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env():
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "advocacy.example.com",
        "SITE_URL": "https://advocacy.example.com",
    }


# --- docker-compose.yml -------------------------------------------------------------------------


def test_compose_defines_database_broker_web_worker_and_beat(compose):
    assert set(ALL_SERVICES) <= set(compose["services"])


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_every_service_has_a_healthcheck(compose, name):
    healthcheck = service(compose, name).get("healthcheck")
    assert healthcheck, f"{name} has no healthcheck"
    assert not healthcheck.get("disable", False)
    assert command_text(healthcheck["test"]).strip()


def test_postgres_and_redis_healthchecks_ask_the_servers_themselves(compose):
    assert "pg_isready" in command_text(service(compose, "postgres")["healthcheck"]["test"])
    assert "redis-cli ping" in command_text(service(compose, "redis")["healthcheck"]["test"])


def test_postgres_credentials_match_the_database_url(compose):
    postgres_env = environment_of(service(compose, "postgres"))
    assert postgres_env["POSTGRES_USER"] == "advocacy"
    assert postgres_env["POSTGRES_PASSWORD"] == "advocacy"
    assert postgres_env["POSTGRES_DB"] == "advocacy"
    assert environment_of(service(compose, "web"))["DATABASE_URL"] == (
        "postgres://advocacy:advocacy@postgres:5432/advocacy"
    )


def test_named_volumes_are_declared_and_every_declared_volume_is_used(compose):
    declared = set(compose.get("volumes") or {})
    used = {name for svc in compose["services"].values() for name, _ in named_volume_mounts(svc)}
    assert used <= declared, f"used but not declared at top level: {used - declared}"
    assert declared <= used, f"declared but never mounted: {declared - used}"


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("postgres", "/var/lib/postgresql/data"),
        ("redis", "/data"),
        ("web", "/app/media"),
        ("beat", "/app/var"),
    ],
)
def test_stateful_directories_live_on_named_volumes(compose, name, target):
    targets = [mount_target for _, mount_target in named_volume_mounts(service(compose, name))]
    assert target in targets


def test_beat_keeps_its_schedule_on_its_volume(compose):
    beat_command = command_text(service(compose, "beat")["command"])
    assert "--schedule /app/var/celerybeat-schedule" in beat_command


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_are_built_from_the_repository_dockerfile(compose, name):
    build = service(compose, name)["build"]
    if isinstance(build, str):
        build = {"context": build}
    context = (COMPOSE_FILE.parent / build["context"]).resolve()
    assert context == REPO_ROOT
    assert (context / build.get("dockerfile", "Dockerfile")).resolve() == DOCKERFILE


def test_compose_runs_migrations_before_gunicorn(compose):
    web_command = command_text(service(compose, "web")["command"])
    migrate = web_command.index("manage.py migrate --noinput")
    gunicorn = web_command.index("gunicorn advocacy.wsgi:application")
    assert migrate < gunicorn
    # Chained with &&, so a failed migration never serves traffic on the old schema.
    assert "&&" in web_command[migrate:gunicorn]
    assert "--bind 0.0.0.0:8000" in web_command[gunicorn:]


def test_web_publishes_port_8000(compose):
    assert "8000:8000" in [str(port) for port in service(compose, "web")["ports"]]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_postgres_and_redis(compose, name):
    depends_on = service(compose, name)["depends_on"]
    assert isinstance(depends_on, dict), "the list form cannot wait for health"
    for dependency in ("postgres", "redis"):
        assert depends_on[dependency]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", ("worker", "beat"))
def test_worker_and_beat_start_once_web_has_migrated(compose, name):
    assert service(compose, name)["depends_on"]["web"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_share_database_redis_and_production_settings(compose, name):
    env = environment_of(service(compose, name))
    assert env["DATABASE_URL"].startswith("postgres://")
    assert "@postgres:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert str(env["DEBUG"]) == "0"
    for variable in ("ALLOWED_HOSTS", "SITE_URL", "COMPANY_EMAIL_DOMAINS", "EMAIL_URL", "SECURE_SSL_REDIRECT"):
        assert variable in env


def test_compose_refuses_to_start_without_a_secret_key(compose):
    assert environment_of(service(compose, "web"))["SECRET_KEY"].startswith("${SECRET_KEY:?")


def test_web_healthcheck_probes_healthz_with_python_not_curl(compose):
    probe = command_text(service(compose, "web")["healthcheck"]["test"])
    assert "urllib" in probe
    assert "http://127.0.0.1:8000/healthz" in probe
    assert "curl" not in probe


@pytest.mark.parametrize(("name", "node"), [("worker", "celery@"), ("beat", "celerybeat@")])
def test_celery_healthchecks_ping_their_own_node(compose, name, node):
    probe = command_text(service(compose, name)["healthcheck"]["test"])
    assert "celery -A advocacy inspect ping" in probe
    # $$ in compose is a literal $, expanded by the container's shell to its own hostname.
    assert f"{node}$$HOSTNAME" in probe


def test_beat_answers_pings_only_with_remote_control_enabled(compose):
    assert "--enable-remote-control" in command_text(service(compose, "beat")["command"])


def test_worker_runs_the_celery_app(compose):
    assert command_text(service(compose, "worker")["command"]).startswith("celery -A advocacy worker")


# --- Dockerfile and .dockerignore ---------------------------------------------------------------


def test_dockerfile_builds_assets_with_node_and_runs_on_python(dockerfile):
    images = [line.split()[1] for line in dockerfile_instructions(dockerfile, "FROM")]
    assert images[0] == "node:20-slim"
    assert images[-1] == "python:3.11-slim"
    assert any("npm ci" in line for line in dockerfile_instructions(dockerfile, "RUN"))


def test_dockerfile_copies_node_modules_into_the_app(dockerfile):
    copies = dockerfile_instructions(dockerfile, "COPY")
    assert any("--from=" in line and line.endswith("/app/node_modules") for line in copies)


def test_dockerfile_installs_dependencies_under_the_constraints(dockerfile):
    assert any(
        "pip install" in line and "-c " in line and "constraints.txt" in line
        for line in dockerfile_instructions(dockerfile, "RUN")
    )


def test_dockerfile_collects_static_files_at_build_time_with_debug_off(dockerfile):
    collect = [line for line in dockerfile_instructions(dockerfile, "RUN") if "collectstatic" in line]
    assert collect, "no collectstatic step"
    assert "--noinput" in collect[0]
    assert "DEBUG=0" in collect[0]
    assert "SECRET_KEY=" in collect[0]


def test_dockerfile_runs_as_a_non_root_user(dockerfile):
    users = dockerfile_instructions(dockerfile, "USER")
    assert users, "no USER instruction: the container would run as root"
    assert users[-1].split()[1] not in {"root", "0"}


def test_dockerfile_serves_the_wsgi_app_with_gunicorn_on_port_8000(dockerfile):
    assert "EXPOSE 8000" in dockerfile_instructions(dockerfile, "EXPOSE")
    command = json.loads(dockerfile_instructions(dockerfile, "CMD")[-1][len("CMD ") :])
    assert command[:2] == ["gunicorn", "advocacy.wsgi:application"]
    assert "0.0.0.0:8000" in command


def test_dockerignore_keeps_local_state_out_of_the_build_context():
    ignored = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()}
    for entry in (".venv", "node_modules", "var", "media", "staticfiles", ".git", "test-artifacts"):
        assert entry in ignored
    assert any("__pycache__" in line for line in ignored)


# --- production settings ------------------------------------------------------------------------


def test_deploy_check_passes_with_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = production_env()
    del env["SECRET_KEY"]
    result = manage("check", "--deploy", tmp_path=tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_collectstatic_builds_the_manifest_the_image_serves(tmp_path):
    """The Dockerfile's collectstatic step: manifest storage, vendor assets from node_modules."""
    static_root = tmp_path / "staticfiles"
    result = manage(
        "collectstatic", "--noinput", tmp_path=tmp_path, STATIC_ROOT=str(static_root), **production_env()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    for asset in (
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "vendor/bootstrap-icons/bootstrap-icons.min.css",
        "vendor/chart.js/chart.umd.min.js",
    ):
        assert asset in manifest, f"{asset} missing: is node_modules installed (npm ci)?"


@pytest.mark.django_db
def test_postgresql_connections_compile_no_query_plans_to_machine_code():
    # JIT compilation added 10-50 ms to each of the report's aggregates (docs/benchmarks.md, Profiles).
    from django.db import connection

    from tests.conftest import postgres_configured, require

    require(postgres_configured(), "needs PostgreSQL (DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize("jit, expected", [(None, "-c jit=off"), ("server", None)])
def test_database_jit_server_sends_no_start_up_option_for_poolers(jit, expected):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_JIT"}
    env.update(DATABASE_URL="postgres://someone@db.example:5432/advocacy", DJANGO_SETTINGS_MODULE="advocacy.settings")
    if jit:
        env["DATABASE_JIT"] = jit
    script = ("import django; django.setup(); from django.conf import settings; "
              "print(settings.DATABASES['default']['OPTIONS'].get('options'))")
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parent.parent, check=True)
    assert result.stdout.strip() == str(expected)
