#!/usr/bin/env python
"""Real-time notifications under load: many websockets on ONE ASGI worker.

    .venv/bin/python bench/notifications_ws.py --clients 500 --per-user 5 --senders 2 --idle 15

PostgreSQL at ``postgres://postgres@127.0.0.1:5432/ww_bench_ws`` and Redis at
``redis://127.0.0.1:6379/14`` by default (``--database-url sqlite:///var/bench_ws.sqlite3``
runs it on SQLite). The database is DROPPED and re-created, and the Redis database
FLUSHED, at every run: give it scratch ones. Under a minute.

What it does, in order:

1. Re-creates the scratch database, migrates it, and makes ``--clients`` users, each
   with an API token (``wallets.services.token_create``, as wallet sign-in does).
2. Starts ``uvicorn --app-dir platform config.asgi:application`` in a subprocess: one
   process, one worker, with REDIS_URL set (channels-redis carries every push, as in
   production), DEBUG off, the matching warm-up off (it would load the embedding
   model, ~300 MB that has nothing to do with websockets). Its stderr goes to a file
   whose tracebacks are counted at the end.
3. Reads the worker's resident memory (``VmRSS`` of /proc/<pid>/status), then opens
   one websocket per user from this process (asyncio, the ``websockets`` library;
   ``Authorization: Bearer <token>``, ``--connect-concurrency`` handshakes at a time)
   and waits for each one's ``hello``; reads the memory again; lets the sockets idle
   ``--idle`` seconds, as most sockets mostly do.
4. Starts ``--senders`` processes that call ``notifications.services.notify()`` for
   every user ``--per-user`` times, round-robin, each call in its own transaction
   (as a service would), as fast as they can: the burst. Each sender stamps the
   moment each transaction commits (an on-commit callback registered before
   notify's own push, so it runs first) and writes the stamps out at the end.
5. Every socket reads until it has its ``--per-user`` notifications (or the server
   closes it). Latency of a message = its receipt here - its commit in the sender
   (``time.monotonic``: CLOCK_MONOTONIC, one clock for all processes of the
   machine). Throughput = messages delivered / (last receipt - first commit).
6. Closes all sockets at once and counts the worker's exceptions then too.

Printed: a Markdown row for docs/PERFORMANCE.md, the worker's CPU time per message,
sockets the server dropped, and every message lost or duplicated; the exit status is
1 if anything was lost, dropped or raised while running.

Experiments: ``--conn-max-age 60`` sets the worker's CONN_MAX_AGE;
``--layer-host-options '{"socket_timeout": null, "max_connections": 1000}'`` adds
options to the channel layer's Redis host in the worker (through a factory in this
file, as settings cannot be changed from the environment).

Everything shares the machine (worker, clients, senders, Redis, PostgreSQL): on a
small machine the numbers are those of the whole system, not of the worker alone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform as stdlib_platform
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/ww_bench_ws"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"


def django_env(database_url: str, redis_url: str) -> dict[str, str]:
    """The environment of every Django process of the run (driver, worker, senders)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-notifications-ws-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_DOMAIN": "127.0.0.1",
        "MATCHING_EMBEDDER": "hashing",
        "MATCHING_WARM_UP": "false",
        "HF_HUB_OFFLINE": "1",
        "LOG_LEVEL": "WARNING",
    }


def setup_django(database_url: str, redis_url: str) -> None:
    os.environ.update(django_env(database_url, redis_url))
    sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
    import django

    django.setup()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (VmRSS from /proc; psutil is not needed)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def raise_open_files(needed: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        soft = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return soft


# --- 1. database and users ------------------------------------------------------------


def recreate_database(database_url: str) -> None:
    url = urlparse(database_url)
    if url.scheme.startswith("sqlite"):
        path = Path(url.path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def flush_redis(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def make_users(count: int) -> list[tuple[int, str]]:
    """``count`` users with an API token each: [(user id, raw token)]."""
    from eth_account import Account

    from accounts.models import User
    from wallets.services import token_create

    users = User.objects.bulk_create(
        User(address=Account.create().address, display_name=f"Socket {i}") for i in range(count)
    )
    users = list(User.objects.filter(display_name__startswith="Socket ").order_by("pk"))
    return [(user.pk, token_create(user=user, name="bench").raw) for user in users]


# --- 4. the senders (run as subprocesses of this script) -----------------------------------


def send(user_ids: list[int], per_user: int, stamps_path: Path) -> None:
    """Notify each of ``user_ids`` ``per_user`` times, round-robin, one transaction
    each, and write [(notification id, commit time)] to ``stamps_path``."""
    from django.db import transaction

    from accounts.models import User
    from notifications.models import Notification
    from notifications.services import notify

    users = list(User.objects.filter(pk__in=user_ids).order_by("pk"))
    stamps: list[tuple[int, float]] = []
    for round_ in range(per_user):
        for user in users:
            committed: list[float] = []

            def stamp(stamps: list[float] = committed) -> None:
                stamps.append(time.monotonic())

            with transaction.atomic():
                # Registered before notify's push: runs first, right after the commit.
                transaction.on_commit(stamp)
                notification = notify(
                    recipient=user,
                    kind=Notification.Kind.MILESTONE_FUNDED,
                    title=f"Benchmark message {round_ + 1} of {per_user}",
                    body="1,000 USDC is held in escrow for you.",
                    link="/wallet/",
                )
            stamps.append((notification.pk, committed[0]))
    stamps_path.write_text(json.dumps(stamps))


# --- 3 and 5. the clients ---------------------------------------------------------------


@dataclass
class Client:
    user_id: int
    token: str
    expected: int
    connect_seconds: float = 0.0
    received: list[tuple[int, float]] = field(default_factory=list)  # (notification id, receipt time)
    unread_ok: bool = True
    closed_by_server: int | None = None  # the close code, if the server closed it before the end
    refused: str | None = None  # why the handshake failed (an HTTP status), if it did
    done: asyncio.Event = field(default_factory=asyncio.Event)


async def connect(url: str, client: Client, gate: asyncio.Semaphore) -> Any:
    """The client's open socket after its hello, or None if the server refused it
    (then the client is done: it will receive nothing)."""
    from websockets.asyncio.client import connect as ws_connect
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    async with gate:
        started = time.monotonic()
        try:
            ws = await ws_connect(
                url, additional_headers={"Authorization": f"Bearer {client.token}"}, open_timeout=60, max_queue=None
            )
            hello = json.loads(await ws.recv())
        except (InvalidStatus, ConnectionClosed) as exc:
            client.refused = str(getattr(getattr(exc, "response", None), "status_code", "") or type(exc).__name__)
            client.done.set()
            return None
        client.connect_seconds = time.monotonic() - started
    if hello.get("type") != "hello":
        raise RuntimeError(f"user {client.user_id}: expected hello, got {hello}")
    return ws


async def read(ws: Any, client: Client) -> None:
    from websockets.exceptions import ConnectionClosed

    with contextlib.suppress(ConnectionClosed):
        async for frame in ws:
            now = time.monotonic()
            message = json.loads(frame)
            if message.get("type") != "notification":
                continue
            client.received.append((message["notification"]["id"], now))
            # Nobody reads them, so the unread count must be exactly what arrived so far.
            client.unread_ok &= message["unread"] == len(client.received)
            if len(client.received) >= client.expected:
                client.done.set()
    if not client.done.is_set():  # The server closed the socket: what it had not sent is lost.
        client.closed_by_server = ws.close_code
        client.done.set()


@dataclass
class Worker:
    """The uvicorn subprocess and the file its stderr goes to."""

    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_size(self) -> int:
        return self.log.stat().st_size

    def errors(self, start: int = 0, end: int | None = None) -> Counter[str]:
        """Exceptions that escaped a consumer ("Exception in ASGI application"), by the
        last exception line of each traceback, in the log between two offsets."""
        with self.log.open("rb") as f:
            f.seek(start)
            text = f.read(None if end is None else end - start).decode(errors="replace")
        found: Counter[str] = Counter()
        for block in text.split("Exception in ASGI application")[1:]:
            lines = [line for line in block.splitlines() if EXCEPTION_LINE.match(line)]
            found[lines[-1].split(":")[0] if lines else "?"] += 1
        return found


EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Consumer)\b")


@dataclass
class Result:
    label: str
    database: str
    clients: int
    per_user: int
    senders: int
    connect_wall: float
    connect_p50: float
    connect_p99: float
    rss_idle: float
    rss_connected: float
    rss_after: float
    sent: int
    delivered: int
    duplicates: int
    unread_wrong: int
    closed_by_server: Counter[int | None]
    refused: Counter[str]
    errors_during: Counter[str]
    errors_at_close: Counter[str]
    latency_p50: float
    latency_p99: float
    latency_max: float
    burst_seconds: float
    messages_per_second: float
    worker_cpu: float
    send_seconds: float

    HEADER = (
        "| worker configuration | database | sockets | connect all: s | handshake+hello p50 / p99 ms | "
        "worker RSS idle / connected / after MB | messages delivered | latency p50 / p99 / max ms | "
        "messages/s | worker CPU ms per message | sockets refused / dropped |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )

    def row(self) -> str:
        dropped = sum(self.closed_by_server.values())
        return (
            f"| {self.label} | {self.database} | {self.clients} | {self.connect_wall:.1f} "
            f"| {self.connect_p50 * 1000:.0f} / {self.connect_p99 * 1000:.0f} "
            f"| {self.rss_idle:.0f} / {self.rss_connected:.0f} / {self.rss_after:.0f} "
            f"| {self.delivered:,} of {self.sent:,} | {self.latency_p50 * 1000:.1f} / {self.latency_p99 * 1000:.1f} / "
            f"{self.latency_max * 1000:.0f} | {self.messages_per_second:,.0f} "
            f"| {self.worker_cpu / max(self.delivered, 1) * 1000:.2f} | {sum(self.refused.values())} / {dropped} |"
        )

    def ok(self) -> bool:
        return (
            self.delivered == self.sent
            and not self.duplicates
            and not self.unread_wrong
            and not self.closed_by_server
            and not self.refused
            and not self.errors_during
        )


async def run(args: argparse.Namespace, users: list[tuple[int, str]], worker: Worker) -> Result:
    url = f"ws://127.0.0.1:{args.port}/ws/notifications/"
    clients = [Client(user_id=uid, token=token, expected=args.per_user) for uid, token in users]
    rss_idle = rss_mb(worker.pid)

    gate = asyncio.Semaphore(args.connect_concurrency)
    started = time.monotonic()
    opened = await asyncio.gather(*(connect(url, c, gate) for c in clients))
    connect_wall = time.monotonic() - started
    sockets = [ws for ws in opened if ws is not None]
    readers = [asyncio.create_task(read(ws, c)) for ws, c in zip(opened, clients, strict=True) if ws is not None]
    await asyncio.sleep(1.0)  # let the worker settle before reading its memory
    rss_connected = rss_mb(worker.pid)
    print(f"{len(sockets)} of {len(clients)} sockets open after {connect_wall:.1f} s", flush=True)
    if args.idle:
        # Sockets idle as most are most of the time (the channel layer's blocking
        # read waits 5 s per round when nothing arrives).
        print(f"idling {args.idle:.0f} s", flush=True)
        await asyncio.sleep(args.idle)

    cpu_before = cpu_seconds(worker.pid)
    tmp = Path(tempfile.mkdtemp(prefix="bench-ws-"))
    shares = [[uid for uid, _ in users][i :: args.senders] for i in range(args.senders)]
    send_started = time.monotonic()
    senders = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--sender",
            json.dumps(share),
            "--per-user",
            str(args.per_user),
            "--stamps",
            str(tmp / f"stamps-{i}.json"),
            "--database-url",
            args.database_url,
            "--redis-url",
            args.redis_url,
            env=django_env(args.database_url, args.redis_url),
        )
        for i, share in enumerate(shares)
    ]
    codes = await asyncio.gather(*(s.wait() for s in senders))
    send_seconds = time.monotonic() - send_started
    if any(codes):
        raise RuntimeError(f"a sender failed: exit codes {codes}")
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(c.done.wait() for c in clients)), timeout=args.timeout)
    worker_cpu = cpu_seconds(worker.pid) - cpu_before
    rss_after = rss_mb(worker.pid)
    before_close = worker.log_size()
    for task in readers:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    await asyncio.sleep(2.0)  # the worker's disconnect handlers

    committed: dict[int, float] = {}
    for i in range(args.senders):
        committed.update((pk, t) for pk, t in json.loads((tmp / f"stamps-{i}.json").read_text()))
    received = [(pk, t) for c in clients for pk, t in c.received]
    ids = [pk for pk, _ in received]
    latencies = [t - committed[pk] for pk, t in received if pk in committed]
    first_commit = min(committed.values())
    last_receipt = max(t for _, t in received) if received else first_commit
    connects = [c.connect_seconds for c in clients if c.refused is None] or [float("nan")]
    return Result(
        label=args.label,
        database="PostgreSQL" if args.database_url.startswith("postgres") else "SQLite",
        clients=len(clients),
        per_user=args.per_user,
        senders=args.senders,
        connect_wall=connect_wall,
        connect_p50=statistics.median(connects),
        connect_p99=percentile(connects, 0.99),
        rss_idle=rss_idle,
        rss_connected=rss_connected,
        rss_after=rss_after,
        sent=len(committed),
        delivered=len(set(ids) & set(committed)),
        duplicates=len(ids) - len(set(ids)),
        unread_wrong=sum(1 for c in clients if not c.unread_ok),
        closed_by_server=Counter(c.closed_by_server for c in clients if c.closed_by_server is not None),
        refused=Counter(c.refused for c in clients if c.refused is not None),
        errors_during=worker.errors(0, before_close),
        errors_at_close=worker.errors(before_close),
        latency_p50=statistics.median(latencies) if latencies else float("nan"),
        latency_p99=percentile(latencies, 0.99) if latencies else float("nan"),
        latency_max=max(latencies) if latencies else float("nan"),
        burst_seconds=last_receipt - first_commit,
        messages_per_second=len(received) / (last_receipt - first_commit) if received else 0.0,
        worker_cpu=worker_cpu,
        send_seconds=send_seconds,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def worker_application() -> Any:
    """``config.asgi:application`` with extra options for the channel layer's Redis
    connections (``--layer-host-options``, passed in BENCH_LAYER_HOST_OPTIONS):
    uvicorn calls this factory in the worker, before Django reads its settings."""
    sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
    import config.settings as site_settings

    extra = json.loads(os.environ["BENCH_LAYER_HOST_OPTIONS"])
    config: dict[str, Any] = site_settings.CHANNEL_LAYERS["default"]["CONFIG"]  # type: ignore[assignment]
    config["hosts"] = [
        {"address": host, **extra} if isinstance(host, str) else {**host, **extra} for host in config["hosts"]
    ]
    from config.asgi import application

    return application


def start_worker(args: argparse.Namespace, log: Path) -> Worker:
    app = (
        ["--app-dir", "bench", "--factory", "notifications_ws:worker_application"]
        if args.layer_host_options
        else ["--app-dir", "platform", "config.asgi:application"]
    )
    command = [
        str(ROOT / ".venv" / "bin" / "uvicorn"),
        *app,
        "--host",
        "127.0.0.1",
        "--port",
        str(args.port),
        "--lifespan",
        "off",
        "--log-level",
        "warning",
        "--ws",
        args.ws,
    ]
    env = django_env(args.database_url, args.redis_url)
    if args.layer_host_options:
        env["BENCH_LAYER_HOST_OPTIONS"] = json.dumps(json.loads(args.layer_host_options))
    if args.conn_max_age is not None:
        env["CONN_MAX_AGE"] = str(args.conn_max_age)
    # The command is this script's own, built from fixed strings and validated options.
    worker = Worker(subprocess.Popen(command, cwd=ROOT, env=env, stderr=log.open("wb")), log)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            raise RuntimeError(f"the worker exited with {worker.process.returncode}; see {log}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", args.port), timeout=0.5):
            return worker
        time.sleep(0.2)
    worker.process.kill()
    raise RuntimeError("the worker did not start listening within 60 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=500, help="websockets (one user each)")
    parser.add_argument("--per-user", type=int, default=5, help="notifications per user in the burst")
    parser.add_argument("--senders", type=int, default=2, help="processes calling notify() at once")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE, help="a SCRATCH database: dropped and re-created")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS, help="a SCRATCH Redis database: flushed")
    parser.add_argument("--ws", default="websockets-sansio", help="uvicorn's websocket implementation")
    parser.add_argument(
        "--connect-concurrency", type=int, default=50, help="handshakes in flight at once while connecting"
    )
    parser.add_argument("--idle", type=float, default=0.0, help="seconds the sockets idle before the burst")
    parser.add_argument("--conn-max-age", type=int, help="the worker's CONN_MAX_AGE (default: the setting's, 0)")
    parser.add_argument(
        "--layer-host-options",
        help="an experiment: JSON options added to the channel layer's Redis host in the worker, e.g. "
        '\'{"socket_timeout": null, "max_connections": 1000}\'',
    )
    parser.add_argument("--label", default="as configured", help="the first column of the result row")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the last message")
    parser.add_argument("--sender", help=argparse.SUPPRESS)
    parser.add_argument("--stamps", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.sender:
        setup_django(args.database_url, args.redis_url)
        send(json.loads(args.sender), args.per_user, args.stamps)
        return 0

    soft = raise_open_files(args.clients * 2 + 1024)
    print(f"open-file limit {soft}", flush=True)
    recreate_database(args.database_url)
    flush_redis(args.redis_url)
    setup_django(args.database_url, args.redis_url)
    from django.core.management import call_command
    from django.db import connections

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    users = make_users(args.clients)
    connections.close_all()
    print(f"database ready with {len(users)} users and tokens in {time.monotonic() - started:.1f} s", flush=True)

    args.port = free_port()
    log = Path(tempfile.mkdtemp(prefix="bench-ws-worker-")) / "stderr.log"
    worker = start_worker(args, log)
    try:
        result = asyncio.run(run(args, users, worker))
    finally:
        worker.process.terminate()
        try:
            worker.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.process.kill()

    import channels
    import channels_redis
    import django
    import redis
    import uvicorn
    from websockets.version import version as websockets_version

    print()
    print(
        f"{os.cpu_count()} cores ({stdlib_platform.machine()}), Python {stdlib_platform.python_version()}, "
        f"Django {django.__version__}, channels {channels.__version__}, channels-redis {channels_redis.__version__}, "
        f"redis-py {redis.__version__}, uvicorn {uvicorn.__version__} (--ws {args.ws}), "
        f"websockets {websockets_version}; {result.database}; one worker process; "
        f"{result.per_user} notifications per user from {result.senders} sender processes; idle {args.idle:.0f} s."
    )
    print()
    print(Result.HEADER)
    print(result.row())
    print()
    print(
        f"senders: {result.sent} notify() calls in {result.send_seconds:.1f} s "
        f"({result.sent / result.send_seconds:,.0f}/s); burst (first commit -> last receipt) "
        f"{result.burst_seconds:.1f} s; duplicates {result.duplicates}; sockets with a wrong unread count "
        f"{result.unread_wrong}; worker CPU {result.worker_cpu:.1f} s over the burst."
    )
    print(f"handshakes refused, by HTTP status: {dict(result.refused) or 'none'}")
    print(f"sockets closed by the server, by close code: {dict(result.closed_by_server) or 'none'}")
    print(f"worker exceptions while running: {dict(result.errors_during) or 'none'}")
    print(
        f"worker exceptions when the {result.clients} sockets closed at once: {dict(result.errors_at_close) or 'none'}"
    )
    print(f"worker log: {log}")
    return 0 if result.ok() else 1


if __name__ == "__main__":
    sys.exit(main())
