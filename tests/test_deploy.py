"""The deployment files in deploy/ and the commands in docs/operations.md agree with the
app: every YOC_ variable they set is a setting, every `yoc` command they run is a real
subcommand with real options, the compose file is valid YAML naming its services, and
the ports and versions they share match. (Nothing here runs a container or systemd.)"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from yoc.cli import build_parser
from yoc.settings import PROJECT_DIR, Settings

DEPLOY = PROJECT_DIR / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
OPERATIONS = PROJECT_DIR / "docs" / "operations.md"
YOC_NAME = re.compile(r"\bYOC_[A-Z0-9_]+\b")


def yoc_command(argv: list[str]) -> None:
    """Parse ``yoc <argv>`` as the real command would, or fail saying why."""
    try:
        build_parser().parse_args(argv)
    except SystemExit:
        pytest.fail(f"`yoc {' '.join(argv)}` is not a command the yoc CLI takes")


def unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit: section -> key -> values (a key may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, sep, value = line.partition("=")
        assert sep and current is not None, f"{path.name}: cannot read {line!r}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_every_yoc_variable_in_the_deploy_files_and_the_guide_is_a_setting() -> None:
    files = [p for p in DEPLOY.rglob("*") if p.is_file()] + [OPERATIONS]
    used = {name: p.name for p in files for name in YOC_NAME.findall(p.read_text())}

    assert len(used) >= 10
    assert sorted(set(used) - Settings.env_names()) == []


def test_the_example_settings_are_what_production_needs() -> None:
    lines = (DEPLOY / "yoc.env.example").read_text().splitlines()
    names = [line.split("=", 1)[0] for line in lines if line and not line.startswith("#")]

    assert sorted(set(names) - Settings.env_names()) == []
    assert len(names) == len(set(names))
    for required in ("YOC_ENV", "YOC_SECRET_KEY", "YOC_BASE_URL", "YOC_DATABASE_URL"):
        assert required in names
    assert "YOC_ENV=production" in lines
    assert "YOC_SECRET_KEY=" in lines  # empty: never a shared example key


def test_the_compose_file_names_its_services_and_runs_real_commands() -> None:
    config = compose()
    services = config["services"]

    assert set(services) == {"postgres", "redis", "app", "worker", "caddy"}
    assert services["app"]["command"][:2] == ["yoc", "serve"]
    assert services["worker"]["command"] == ["yoc", "worker"]
    for name in ("app", "worker"):
        yoc_command(services[name]["command"][1:])
        env = services[name]["environment"]
        assert sorted(set(env) - Settings.env_names()) == []
        assert env["YOC_ENV"] == "production"
        assert env["YOC_DATABASE_URL"].startswith("postgres://yoc:")
        assert env["YOC_DATABASE_URL"].endswith("@postgres:5432/yoc")
        assert env["YOC_REDIS_URL"] == "redis://redis:6379/0"
        assert services[name]["env_file"] == ["yoc.env"]
        assert services[name]["image"] == services["app"]["image"]
    assert services["app"]["build"] == {"context": "..", "dockerfile": "deploy/Containerfile"}
    assert (PROJECT_DIR / "deploy" / "Containerfile").is_file()
    # Caddy reaches the app on the port the app serves, and the app trusts only the
    # network they share.
    port = services["app"]["command"][services["app"]["command"].index("--port") + 1]
    assert services["caddy"]["environment"]["APP_UPSTREAM"] == f"app:{port}"
    subnet = config["networks"]["web"]["ipam"]["config"][0]["subnet"]
    assert services["app"]["environment"]["YOC_TRUSTED_PROXIES"] == subnet
    assert set(services["caddy"]["networks"]) == {"web"}
    assert "web" not in services["postgres"]["networks"]
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in services["caddy"]["volumes"]


def test_the_container_image_runs_yoc_and_can_back_up_the_compose_database() -> None:
    text = (DEPLOY / "Containerfile").read_text()
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", text, re.MULTILINE).group(1))
    postgres_image = compose()["services"]["postgres"]["image"]

    assert cmd[0] == "yoc"
    yoc_command(cmd[1:])
    assert cmd == compose()["services"]["app"]["command"]
    # pg_dump refuses a server newer than itself: the image's client matches the server.
    client = re.search(r"postgresql-client-(\d+)", text).group(1)
    server = re.search(r":(\d+)", postgres_image.rsplit("/", 1)[-1]).group(1)
    assert client == server
    # Everything `pip install .` packages is copied in (yoc/data/privacy.md links to docs/).
    for folder in ("yoc", "migrations", "templates", "static", "docs"):
        assert f"COPY {folder} ./{folder}" in text
    assert "\nUSER yoc\n" in text


@pytest.mark.parametrize("path", UNITS, ids=[p.name for p in UNITS])
def test_systemd_units_run_real_yoc_commands_as_the_yoc_user(path: Path) -> None:
    service = unit(path)["Service"]
    commands = [
        shlex.split(value.lstrip("-@+!:"))
        for key, values in service.items()
        if key.startswith("Exec")
        for value in values
    ]
    yoc_runs = [argv for argv in commands if Path(argv[0]).name == "yoc"]

    assert len(yoc_runs) == 1
    assert yoc_runs[0][0] == "/opt/yoc/venv/bin/yoc"
    yoc_command(yoc_runs[0][1:])
    assert service["User"] == ["yoc"]
    assert service["EnvironmentFile"] == ["/etc/yoc/yoc.env"]
    assert service["UMask"] == ["0077"]


def test_the_units_serve_where_caddy_looks_and_back_up_on_a_schedule() -> None:
    serve = shlex.split(unit(DEPLOY / "systemd" / "yoc.service")["Service"]["ExecStart"][0])
    worker = unit(DEPLOY / "systemd" / "yoc-worker.service")["Service"]["ExecStart"][0]
    backup = unit(DEPLOY / "systemd" / "yoc-backup.service")["Service"]
    timer = unit(DEPLOY / "systemd" / "yoc-backup.timer")
    caddyfile = (DEPLOY / "Caddyfile").read_text()

    host, port = serve[serve.index("--host") + 1], serve[serve.index("--port") + 1]
    assert "{$APP_UPSTREAM:" + f"{host}:{port}" + "}" in caddyfile
    assert "{$SITE_ADDRESS}" in caddyfile
    assert worker == "/opt/yoc/venv/bin/yoc worker"
    assert backup["Type"] == ["oneshot"]
    output = shlex.split(backup["ExecStart"][0])[-1]
    assert backup["ReadWritePaths"] == [output]
    assert timer["Timer"]["Unit"] == ["yoc-backup.service"]
    assert timer["Timer"]["OnCalendar"] == ["*-*-* 03:15:00"]
    assert timer["Timer"]["Persistent"] == ["true"]


def _yoc_arguments(argv: list[str]) -> list[str] | None:
    """The arguments of a `yoc` command line: run directly, or in the compose app."""
    if argv and (argv[0] == "yoc" or argv[0].endswith("/bin/yoc")):
        return argv[1:]
    if argv[:2] == ["docker", "compose"] and "app" in argv:
        rest = argv[argv.index("app") + 1 :]
        if rest[:1] == ["yoc"]:
            return rest[1:]
    return None


def test_every_yoc_command_in_the_operations_guide_is_real() -> None:
    text = OPERATIONS.read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.DOTALL)
    commands = [
        shlex.split(line, comments=True)
        for block in blocks
        for line in block.replace("\\\n", " ").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ] + [shlex.split(span) for span in re.findall(r"`(yoc [^`]+)`", text)]
    yoc_runs = [args for argv in commands if (args := _yoc_arguments(argv)) is not None]

    assert len(yoc_runs) >= 10
    for args in yoc_runs:
        yoc_command(args)
    used = {args[0] for args in yoc_runs}
    assert {"check", "migrate", "backup", "restore", "create-user", "create-token"} <= used
