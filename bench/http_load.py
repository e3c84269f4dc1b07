"""HTTP throughput of the production shape (issue 9, load).

    make bench-http        # = .venv/bin/python -m bench.http_load

Starts `scripts/prod-local.sh` (gunicorn with WEB_WORKERS workers, Celery worker and beat)
on its own database (`ukeoi_bench_http` on the server of DATABASE_URL, recreated, migrated,
with the demo data), then loads, one after the other, for --seconds each at --connections
concurrent connections:

- `bare`: a bare Django JSON view (bench/urls.py, only in the bench settings) — the yardstick;
- `job_list`: the job list page (/jobs/), as a visitor (not signed in);
- `job_page`: a job page (/jobs/<id>/) of the demo job with most proposals, as a visitor;
- `withdrawal_check`: the withdrawal check page, signed in as the demo lancer.

wrk is not needed: the load comes from this script (processes × threads, a new connection
per request, as gunicorn's sync workers close each one). Progress goes to stderr; stdout gets
exactly one JSON line: for each target requests/s, p50 and p99 in ms, errors, and the ratio
of its requests/s to the bare view's. Targets: ratio >= 0.5, p99 < 200 ms on two cores.
The stack is stopped at the end (by its pid files)."""

import argparse
import http.client
import json
import math
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.pg import log, recreate_database, with_database

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "ukeoi_bench_http"
LANCER = ("lancer@demo.ukeoi.jp", "demo-pass-2026")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stack_env(database_url: str, var_dir: Path, port: int, workers: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        PROD_VAR_DIR=str(var_dir),
        PROD_BIND=f"127.0.0.1:{port}",
        WEB_WORKERS=str(workers),
        CELERY_CONCURRENCY="1",
        CELERY_BROKER_URL=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/10"),
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11"),
        STATIC_ROOT=str(var_dir / "static"),
        LANGUAGE_CODE="ja",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


class Session:
    """Plain http.client with a cookie jar of one site (enough for the sign-in)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str | None = None
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, dict(response.getheaders()), text

    def sign_in(self, email: str, password: str) -> None:
        _, _, page = self.request("GET", "/accounts/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not match:
            raise SystemExit("no CSRF token on the sign-in page")
        from urllib.parse import urlencode

        body = urlencode(
            {"csrfmiddlewaretoken": match.group(1), "username": email, "password": password}
        )
        status, _, _ = self.request("POST", "/accounts/login/", body)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"demo sign-in failed ({status})")


def _load_worker(
    args: tuple[str, int, str, str, int, float],
) -> tuple[list[float], int]:
    """One load process: `threads` threads, each requesting `path` until `until`."""
    host, port, path, cookie, threads, until = args
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def run() -> None:
        mine: list[float] = []
        bad = 0
        headers = {"Cookie": cookie} if cookie else {}
        while time.time() < until:
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, port, timeout=30)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                ok = response.status == 200
            except OSError:
                ok = False
            if ok:
                mine.append(time.perf_counter() - start)
            else:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return latencies, errors[0]


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    index = min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)
    return ordered[max(index, 0)]


def load(
    host: str, port: int, path: str, cookie: str, *, connections: int, seconds: float, procs: int
) -> dict[str, Any]:
    per_proc = [connections // procs + (1 if i < connections % procs else 0) for i in range(procs)]
    until = time.time() + seconds
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(procs) as pool:
        parts = pool.map(
            _load_worker, [(host, port, path, cookie, n, until) for n in per_proc if n]
        )
    latencies = [x for part, _ in parts for x in part]
    errors = sum(e for _, e in parts)
    return {
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "requests": len(latencies),
        "errors": errors,
    }


def targets(env: dict[str, str], session: Session) -> dict[str, str]:
    """The URLs: the job page is the demo job with the most proposals."""
    code = (
        "import django; django.setup()\n"
        "from django.db.models import Count\n"
        "from django.urls import reverse\n"
        "from ukeoi.jobs.models import Job\n"
        "job = Job.objects.annotate(n=Count('proposals')).order_by('-n', 'pk').first()\n"
        "print(reverse('jobs:detail', args=[job.pk]))\n"
        "try:\n"
        "    print(reverse('withdrawal:index'))\n"
        "except Exception:\n"
        "    print('')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    urls = {"bare": "/bench/bare/", "job_list": "/jobs/", "job_page": out[0]}
    if out[1]:
        urls["withdrawal_check"] = out[1]
    else:
        log("no withdrawal:index URL yet: withdrawal_check skipped")
    for name, url in urls.items():
        status, _, _ = session.request("GET", url)
        if status != 200:
            raise SystemExit(f"{name} {url} answers {status}, not 200")
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "4")))
    parser.add_argument("--load-processes", type=int, default=2)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ukeoi"),
    )
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("bench/http_load.py needs PostgreSQL: set DATABASE_URL=postgres://...")

    url = with_database(args.database_url, BENCH_DB)
    port = free_port()
    var_dir = Path(tempfile.mkdtemp(prefix="ukeoi-bench-http-"))
    env = stack_env(url, var_dir, port, args.workers)
    log(f"database {BENCH_DB}: recreate, migrate, demo data")
    recreate_database(args.database_url, BENCH_DB)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "demo_data")
    script = ["bash", str(ROOT / "scripts" / "prod-local.sh")]
    log(f"starting the stack on 127.0.0.1:{port} ({args.workers} gunicorn workers)")
    started = subprocess.run(
        [*script, "start"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if started.returncode != 0:
        raise SystemExit(started.stdout + started.stderr)
    results: dict[str, Any] = {}
    try:
        session = Session("127.0.0.1", port)
        session.sign_in(*LANCER)
        urls = targets(env, session)
        cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        for name, path in urls.items():
            log(f"{name}: {path} — warm-up {args.warmup}s, then {args.seconds}s")
            # Public pages as a visitor sees them; the withdrawal check signed in.
            jar = cookie if name == "withdrawal_check" else ""
            load(
                "127.0.0.1",
                port,
                path,
                jar,
                connections=args.connections,
                seconds=args.warmup,
                procs=args.load_processes,
            )
            results[name] = load(
                "127.0.0.1",
                port,
                path,
                jar,
                connections=args.connections,
                seconds=args.seconds,
                procs=args.load_processes,
            )
            log(f"  {results[name]}")
    finally:
        subprocess.run([*script, "stop"], cwd=ROOT, env=env, capture_output=True, timeout=120)
    bare = results["bare"]["rps"] or math.nan
    for name, figures in results.items():
        if name != "bare":
            figures["ratio"] = round(figures["rps"] / bare, 2)
    print(
        json.dumps(
            {
                "connections": args.connections,
                "seconds": args.seconds,
                "gunicorn_workers": args.workers,
                **results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
