import os
import shutil
import subprocess
import sys
from pathlib import Path

from scripts.dev_env import dev_env_write

ROOT = Path(__file__).resolve().parents[2]


def test_dev_env_writes_debug_and_the_development_key_when_there_is_no_env(tmp_path):
    key = tmp_path / "dev_secret_key"
    key.write_text("dev-key-123\n")
    env = tmp_path / ".env"
    assert dev_env_write(env_path=env, key_path=key) is True
    lines = env.read_text().splitlines()
    assert "DEBUG=true" in lines
    assert "SECRET_KEY=dev-key-123" in lines
    assert "INVENTORY_ALERT_EMAILS=stock-alerts@example.com" in lines  # shown in the log
    assert env.stat().st_mode & 0o077 == 0


def test_dev_env_leaves_an_existing_env_alone_and_says_so(tmp_path):
    key = tmp_path / "dev_secret_key"
    key.write_text("dev-key-123\n")
    env = tmp_path / ".env"
    env.write_text("DEBUG=false\nSECRET_KEY=mine\n")
    result = subprocess.run(
        [sys.executable, "-m", "scripts.dev_env", str(env), str(key)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert env.read_text() == "DEBUG=false\nSECRET_KEY=mine\n"
    assert "exists: left as it is" in result.stdout


def test_env_is_git_ignored():
    result = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT, check=False)
    assert result.returncode == 0


def _manage(tmp_path, *args, **env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **env_overrides)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_missing_secret_key_with_debug_off_is_one_line_and_exit_1(tmp_path):
    # DEBUG and SECRET_KEY set empty in the environment, which wins over any developer's .env.
    result = _manage(tmp_path, "check", DEBUG="false", SECRET_KEY="")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Configuration error: SECRET_KEY must be set when DEBUG is off")
    assert ".env" in lines[0]
    assert "Traceback" not in result.stderr


def test_check_works_with_debug_on_and_no_key(tmp_path):
    result = _manage(tmp_path, "check", DEBUG="true", SECRET_KEY="")
    assert result.returncode == 0, result.stderr


def test_gunicorn_loading_the_app_without_a_key_is_one_clear_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="false", SECRET_KEY="")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from gunicorn.errors import AppImportError\n"
        "try:\n    import config.wsgi\n"
        "except AppImportError as exc:\n    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("Configuration error: SECRET_KEY must be set")


def _settings_seen(tmp_path, module: str) -> str:
    """DEBUG and the database engine that `module` reads in a checkout with a developer's .env."""
    shutil.copytree(ROOT / "config", tmp_path / "config")
    (tmp_path / ".env").write_text(
        "DEBUG=true\nSECRET_KEY=from-dot-env\nDATABASE_URL=postgres://dev@127.0.0.1:1/devdb\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    code = (
        "import importlib, sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "s = importlib.import_module(sys.argv[3])\n"
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), str(ROOT), module],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_test_settings_ignore_a_developers_env(tmp_path):
    assert _settings_seen(tmp_path, "config.settings_test") == "False sqlite3"


def test_the_development_settings_read_the_env(tmp_path):
    assert _settings_seen(tmp_path, "config.settings") == "True postgresql"
