"""Settings refuse unsafe production setups; the yoc command fails with one clear line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.ops_databases import migrated_database, query
from yoc.settings import DEV_SECRET_KEY, ConfigError, Settings

STRONG_KEY = "k" * 40


def test_development_uses_the_development_key_and_a_sqlite_file() -> None:
    settings = Settings.from_env({"YOC_ENV": "development"})

    assert settings.env == "development"
    assert settings.secret_key == DEV_SECRET_KEY
    assert settings.database_url.startswith("sqlite://")
    settings.check()


def test_without_yoc_env_the_development_key_is_never_used() -> None:
    settings = Settings.from_env({})

    assert settings.env == "production"
    assert settings.secret_key != DEV_SECRET_KEY
    with pytest.raises(ConfigError, match="YOC_SECRET_KEY"):
        settings.check()


@pytest.mark.parametrize("env", ["test", "production"])
def test_outside_development_the_development_key_is_refused_even_when_given(env: str) -> None:
    settings = Settings.from_env(
        {"YOC_ENV": env, "YOC_SECRET_KEY": DEV_SECRET_KEY, "YOC_BASE_URL": "https://yoc.org"}
    )

    with pytest.raises(ConfigError, match="YOC_SECRET_KEY"):
        settings.check()


def test_production_refuses_to_start_without_a_secret_key() -> None:
    settings = Settings.from_env({"YOC_ENV": "production", "YOC_BASE_URL": "https://yoc.org"})

    with pytest.raises(ConfigError, match="YOC_SECRET_KEY"):
        settings.check()


def test_production_refuses_plain_http() -> None:
    settings = Settings.from_env(
        {"YOC_ENV": "production", "YOC_SECRET_KEY": STRONG_KEY, "YOC_BASE_URL": "http://yoc.org"}
    )

    with pytest.raises(ConfigError, match="https"):
        settings.check()


def test_production_with_key_and_https_is_accepted() -> None:
    settings = Settings.from_env(
        {
            "YOC_ENV": "production",
            "YOC_SECRET_KEY": STRONG_KEY,
            "YOC_BASE_URL": "https://yoc.example.org/",
        }
    )

    settings.check()
    assert settings.base_url == "https://yoc.example.org"
    assert settings.run_jobs_in_process is False


def run_yoc(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "yoc.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,  # a busy machine migrates slowly
    )


def test_cli_refuses_production_without_secret_in_one_line() -> None:
    result = run_yoc("migrate", env={"YOC_ENV": "production", "YOC_BASE_URL": "https://x.org"})

    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("yoc: YOC_SECRET_KEY")
    assert "Traceback" not in result.stderr


@pytest.fixture
def cli_database(server_url: str, tmp_path) -> Iterator[str]:
    """A migrated database of its own on the engine under test."""
    with migrated_database(server_url, tmp_path, "cli") as url:
        yield url


def test_cli_user_and_token_and_demo(cli_database: str) -> None:
    env = {
        "YOC_DATABASE_URL": cli_database,
        "YOC_ENV": "test",
        "YOC_SECRET_KEY": STRONG_KEY,
    }
    assert run_yoc("migrate", env=env).returncode == 0

    created = run_yoc(
        "create-user",
        "--email",
        "Rosa@Example.org",
        "--password",
        "desert bloom 2027",
        "--role",
        "admin",
        "--name",
        "Rosa",
        env=env,
    )
    duplicate = run_yoc(
        "create-user",
        "--email",
        "rosa@example.org",
        "--password",
        "desert bloom 2027",
        "--role",
        "staff",
        env=env,
    )
    weak = run_yoc(
        "create-user",
        "--email",
        "weak@example.org",
        "--password",
        "123",
        "--role",
        "staff",
        env=env,
    )
    token = run_yoc("create-token", "--email", "rosa@example.org", env=env)
    missing = run_yoc("create-token", "--email", "nobody@example.org", env=env)
    first_seed = run_yoc("seed-demo", env=env)
    second_seed = run_yoc("seed-demo", env=env)

    assert created.returncode == 0 and "rosa@example.org" in created.stdout
    assert duplicate.returncode == 1
    assert (
        duplicate.stderr == "yoc: email: An account with this email already exists. "
        "Try signing in instead.\n"
    )
    assert weak.returncode == 1 and weak.stderr == "yoc: password: Use at least 8 characters.\n"
    assert token.returncode == 0 and token.stdout.startswith("yoc_")
    assert missing.returncode == 1
    assert missing.stderr == "yoc: No account with the email nobody@example.org.\n"
    assert "Loaded the demo data." in first_seed.stdout
    assert "already there" in second_seed.stdout
    assert "admin@demo.yoc.example" in second_seed.stdout
    ((stored,),) = query(cli_database, "SELECT password_hash FROM users WHERE name = 'Rosa'")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # the production cost


def test_cli_refuses_demo_data_in_production(cli_database: str) -> None:
    env = {
        "YOC_DATABASE_URL": cli_database,
        "YOC_ENV": "production",
        "YOC_SECRET_KEY": STRONG_KEY,
        "YOC_BASE_URL": "https://yoc.example.org",
    }
    assert run_yoc("migrate", env=env).returncode == 0

    seeded = run_yoc("seed-demo", env=env)

    assert seeded.returncode == 1
    assert seeded.stderr.startswith("yoc: ") and seeded.stderr.count("\n") == 1
    assert "production" in seeded.stderr
    assert "admin@demo" not in seeded.stdout + seeded.stderr
    assert query(cli_database, "SELECT count(*) FROM users") == [(0,)]


async def test_demo_data_is_refused_in_production(app, settings) -> None:
    from yoc import demo
    from yoc.accounts.models import User

    with pytest.raises(ConfigError, match="production"):
        await demo.seed(settings.with_(env="production"))

    assert await User.all().count() == 0


async def test_demo_data_is_loaded_once(app, settings) -> None:
    from yoc import demo
    from yoc.accounts.models import User
    from yoc.members.models import Cohort

    assert await demo.seed(settings) is True
    assert await demo.seed(settings) is False

    assert await User.filter(role="admin").count() == 1
    assert await User.filter(role="mentor").count() == 2
    assert await User.filter(role="member").count() == 7
    cohorts = await Cohort.all().prefetch_related("members", "mentors")
    assert sorted(len(c.members) for c in cohorts) == [3, 4]
    assert all(len(c.mentors) == 1 for c in cohorts)


def test_development_links_follow_the_port_the_app_is_served_on(cli_database: str) -> None:
    """`make run PORT=8303` serves on 8303: the links in mail (consent, orders,
    invitations) and the API's server address must say 8303 too, not the default 8000."""
    import os
    import tempfile

    import httpx

    from tests.servers import free_port, running_process

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("YOC_")}
    env.update(YOC_ENV="development", YOC_DATABASE_URL=cli_database)
    subprocess.run([sys.executable, "-m", "yoc.cli", "migrate"], env=env, check=True)
    with (
        tempfile.TemporaryFile() as log,
        running_process(
            [sys.executable, "-m", "yoc.cli", "serve", "--port", str(port)],
            env=env,
            health=f"http://127.0.0.1:{port}/livez",
            log=log,
        ),
    ):
        document = httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json").json()

    assert document["servers"] == [{"url": f"http://127.0.0.1:{port}"}]


def test_a_chosen_base_url_is_kept_and_any_address_becomes_one_a_phone_can_reach() -> None:
    from yoc.cli import development_base_url

    dev = {"YOC_ENV": "development"}
    assert development_base_url("127.0.0.1", 8303, dev) == "http://127.0.0.1:8303"
    assert development_base_url("127.0.0.1", 8303, {**dev, "YOC_BASE_URL": "https://x.org"}) is None
    assert development_base_url("127.0.0.1", 8303, {}) is None  # production
    anywhere = "0.0.0.0"  # noqa: S104 -- what `make run HOST=0.0.0.0` passes
    lan = development_base_url(anywhere, 8303, {"YOC_ENV": "development"})
    assert lan is not None and lan.endswith(":8303") and anywhere not in lan
