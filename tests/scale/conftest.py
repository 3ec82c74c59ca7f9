"""Real PostgreSQL, Redis and nginx servers for the scale-out tests, installed by the test setup
(``scripts/ensure_servers.sh``, Debian packages) and started here on free ports in temporary
folders; plus the production topology built from the same settings the launcher and
``deploy/`` use: two Rasa instances sharing the stores, two action servers, nginx in front."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import string
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from bot.services import Service, Stack, build_services, write_endpoints
from bot.settings import PROJECT_ROOT, Settings
from tests.integration import conftest as it

TEMPLATE = PROJECT_ROOT / "deploy" / "nginx.conf.template"


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


@pytest.fixture(scope="session")
def server_packages() -> None:
    subprocess.run(["bash", str(PROJECT_ROOT / "scripts" / "ensure_servers.sh")], check=True)


def _pg_bin(name: str) -> str:
    (found,) = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1:]
    return found


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@dataclass
class Postgres:
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://foerderlotse@127.0.0.1:{self.port}/foerderlotse"

    def ctl(self, *args: str, wait: bool = True) -> None:
        # the server's log goes to a file: a server started here must not hold our pipes
        log = str(self.data / "server.log")
        cmd = [_pg_bin("pg_ctl"), "-D", str(self.data), "-l", log, "-w" if wait else "-W", *args]
        subprocess.run(
            _as_postgres(cmd),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        self.ctl("-o", options, "start")

    def stop(self) -> None:
        self.ctl("-m", "fast", "stop")


@pytest.fixture(scope="session")
def postgres(server_packages: None) -> Iterator[Postgres]:
    # not under pytest's temporary folder: that is private to root, and PostgreSQL runs as
    # its own user when the tests run as root
    base = Path(tempfile.mkdtemp(prefix="foerderlotse-pg-"))
    data = base / "data"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(data, "postgres")
    subprocess.run(
        _as_postgres([_pg_bin("initdb"), "-D", str(data), "-U", "foerderlotse", "--auth=trust"]),
        check=True,
        capture_output=True,
    )
    pg = Postgres(data, it.free_port())
    pg.start()
    subprocess.run(
        [
            _pg_bin("createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(pg.port),
            "-U",
            "foerderlotse",
            "foerderlotse",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(postgres: Postgres) -> Iterator[str]:
    """A fresh, empty database for one test."""
    import uuid

    import psycopg2

    name = f"t_{uuid.uuid4().hex[:12]}"
    base = postgres.url.rsplit("/", 1)[0]
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{base}/{name}"
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE {name} WITH (FORCE)")
        conn.close()


@pytest.fixture(scope="session")
def redis(server_packages: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = it.free_port()
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path_factory.mktemp("redis")),
        ],
        stdout=subprocess.DEVNULL,
    )
    wait_port(port)
    yield f"redis://127.0.0.1:{port}/1"
    proc.terminate()
    proc.wait(timeout=10)


@dataclass
class Topology:
    settings: Settings
    rasa: list[Service]
    actions: list[Service]
    entry_port: int
    internal_port: int
    postgres: Postgres

    @property
    def entry_url(self) -> str:
        return f"http://127.0.0.1:{self.entry_port}"

    def rasa_url(self, i: int) -> str:
        url = self.rasa[i].ready_url
        assert url is not None
        return url.rstrip("/")


def render_nginx(prefix: Path, values: dict[str, str]) -> Path:
    text = string.Template(TEMPLATE.read_text(encoding="utf-8")).safe_substitute(values)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    return conf


@pytest.fixture(scope="module")
def topology(
    trained_model: Path, postgres: Postgres, redis: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Topology]:
    var = tmp_path_factory.mktemp("scale-var")
    internal = it.free_port()
    base = replace(
        it.test_settings(var),
        tracker_store_url=postgres.url,
        database_url=postgres.url,  # the console and the training needs, on the same server
        lock_store_url=redis,
        actions_endpoint_url=f"http://127.0.0.1:{internal}/actions",
        rasa_token="scale-test-token",
    )
    write_endpoints(base)
    services: list[Service] = []
    rasa, actions = [], []
    for i in range(2):
        own = replace(base, rasa_port=it.free_port(), actions_port=it.free_port())
        built = {s.name: s for s in build_services(own, trained_model, log_dir=var)}
        r, a = built["rasa"], built["actions"]
        r.name, a.name = f"rasa-{i + 1}", f"actions-{i + 1}"
        r.env["TICKET_LOCK_LIFETIME"] = (
            "15"  # a killed instance's lock frees after 15 s; longer than
        )
        # the in-order test's queue of 12 messages per conversation waits
        r.log_file, a.log_file = var / f"{r.name}.out", var / f"{a.name}.out"
        rasa.append(r)
        actions.append(a)
        services += [a, r]
    entry = it.free_port()
    prefix = tmp_path_factory.mktemp("nginx")
    conf = render_nginx(
        prefix,
        {
            "NGINX_PREFIX": str(prefix),
            "ENTRY_LISTEN": f"127.0.0.1:{entry}",
            "INTERNAL_LISTEN": f"127.0.0.1:{internal}",
            "RASA_1": rasa[0].ready_url.split("//")[1].rstrip("/"),
            "RASA_2": rasa[1].ready_url.split("//")[1].rstrip("/"),
            "ACTIONS_1": actions[0].ready_url.split("//")[1].removesuffix("/health"),
            "ACTIONS_2": actions[1].ready_url.split("//")[1].removesuffix("/health"),
            "WEB_1": f"127.0.0.1:{it.free_port()}",
        },
    )
    nginx = subprocess.Popen(
        ["/usr/sbin/nginx", "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        stderr=(prefix / "stderr.log").open("wb"),
    )
    try:
        wait_port(entry)
        with Stack(base, services, timeout=300):
            yield Topology(base, rasa, actions, entry, internal, postgres)
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=10)
