#!/usr/bin/env python
"""Ledger and escrow throughput and latency on a real database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/workwall_bench \\
        .venv/bin/python bench/ledger.py --cycles 300 --threads 8

It migrates the (scratch!) database it is given and times, through the services
(no HTTP):

1. escrow cycles, one after another: fund -> submit -> approve of a fresh
   milestone (3 transitions, 2 ledger postings, audit rows, notifications);
2. faucet postings from ``--threads`` threads at once, each for its own user
   (no shared account but the external one);
3. withdrawals from ``--threads`` threads at once, all draining ONE user's
   balance (every posting queues on that account's row lock).

Latencies are per call (wall clock, p50/p99); throughput is calls per second of
the whole phase. ``ledger_check`` runs at the end and must report no problem.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("MATCHING_EMBEDDER", "hashing")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(name: str, latencies: list[float], elapsed: float) -> str:
    ms = [v * 1000 for v in latencies]
    return (
        f"| {name} | {len(ms)} | {len(ms) / elapsed:,.0f} | {statistics.median(ms):.1f} | {percentile(ms, 0.99):.1f} |"
    )


def timed(call: Callable[[], object], sink: list[float]) -> None:
    started = time.perf_counter()
    call()
    sink.append(time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=300, help="escrow cycles (phase 1)")
    parser.add_argument("--threads", type=int, default=8, help="concurrent callers (phases 2 and 3)")
    parser.add_argument("--per-thread", type=int, default=100, help="calls per thread (phases 2 and 3)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from config.errors import DomainError
    from marketplace.models import Milestone, Project
    from tests.factories import MilestoneFactory, ProjectFactory, UserFactory
    from wallets import escrow, payouts
    from wallets.management.commands.ledger_check import check_ledger
    from wallets.models import Token

    call_command("migrate", verbosity=0)
    usdc = Token.objects.get(symbol="USDC")
    run = f"{time.time_ns()}"
    lines = [
        f"Database: {connection.vendor}; {args.threads} threads for phases 2 and 3.",
        "",
        "| phase | calls | calls/s | p50 ms | p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]

    # 1. escrow cycles
    client = UserFactory(persona=f"bench-client-{run}")
    contributor = UserFactory(persona=f"bench-contributor-{run}")
    payouts.faucet(user=client, token=usdc, amount=10_000 * 10**6)
    project = ProjectFactory(
        owner=client, contributor=contributor, status=Project.Status.IN_PROGRESS, budget_amount=10**15
    )
    milestones = [MilestoneFactory(project=project, amount=10 * 10**6, order=i + 1) for i in range(args.cycles)]
    latencies: list[float] = []
    started = time.perf_counter()
    for milestone in milestones:

        def cycle(m: Milestone = milestone) -> None:
            escrow.milestone_fund(milestone=m, actor=client)
            escrow.milestone_submit(milestone=m, actor=contributor, note="Done.")
            escrow.milestone_approve(milestone=m, actor=client)

        timed(cycle, latencies)
    lines.append(report("escrow cycle (fund, submit, approve)", latencies, time.perf_counter() - started))

    # 2. concurrent faucet postings, one user per thread
    users = [UserFactory(persona=f"bench-user-{run}-{i}") for i in range(args.threads)]
    latencies = []
    lock = threading.Lock()

    def faucet_worker(index: int) -> None:
        mine: list[float] = []
        try:
            for _ in range(args.per_thread):
                timed(lambda: payouts.faucet(user=users[index], token=usdc, amount=10**6), mine)
        finally:
            connections.close_all()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(faucet_worker, range(args.threads)))
    lines.append(report("faucet credit, a user per thread", latencies, time.perf_counter() - started))

    # 3. concurrent withdrawals draining one balance
    drained = UserFactory(persona=f"bench-drained-{run}")
    payouts.faucet(user=drained, token=usdc, amount=10_000 * 10**6)
    latencies = []
    refused = 0

    def withdraw_worker(_: int) -> None:
        nonlocal refused
        mine: list[float] = []
        misses = 0
        try:
            for _ in range(args.per_thread):
                try:
                    timed(lambda: payouts.withdrawal_request(user=drained, token=usdc, amount=10**6), mine)
                except DomainError:
                    misses += 1
        finally:
            connections.close_all()
        with lock:
            latencies.extend(mine)
            refused += misses

    started = time.perf_counter()
    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(withdraw_worker, range(args.threads)))
    lines.append(report("withdrawal, all threads on one balance", latencies, time.perf_counter() - started))

    problems = check_ledger().problems
    lines.append("")
    lines.append(f"Refused withdrawals: {refused}. ledger_check problems: {len(problems)}.")
    print("\n".join(lines))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
