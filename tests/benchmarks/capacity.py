"""Capacity of the scaled-out app (prints figures; not a test). ``make capacity``.

Starts the cluster of ``tests/support/cluster.py`` on loopback (one gunicorn app server
with one process per core, one ``db_worker``, SeaweedFS, PostgreSQL from DATABASE_URL,
Redis) and loads it from this process with a bounded threaded client:

* **doctors' mix**: per virtual doctor, dashboard, week, claim page, in a loop, and one
  submission (which renders and stores the dossier) every eleventh request until it has
  submitted; **public calendar**: the month page and the iCalendar feed, anonymous.
  Concurrency steps up while p95 stays at or under 500 ms; the best throughput that
  keeps p95 ≤ 500 ms, divided by the cores, is the figure per app-server core.
* **batch dossiers**: one worker merges every stored dossier into a batch dossier;
  dossiers per minute per worker core (a db_worker is one process: one core).

Everything runs on this machine, client included, so the figures are lower bounds.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.browser import Browser  # noqa: E402
from tests.support.cluster import start_cluster  # noqa: E402

P95_LIMIT = 0.5
PAGES = ["/", "/claims/week/?week=2024-W03", "/claims/{draft}/"]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)] if ordered else 0.0


def run_load(make_step, users: int, seconds: float) -> dict[str, list[float]]:
    """``users`` threads each calling their own step until ``seconds`` pass. A step
    returns (kind, ok); returns the latencies per kind, errors under "errors", and the
    wall time under "duration"."""
    results: dict[str, list[float]] = {"errors": [], "duration": []}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def user(index: int) -> None:
        step = make_step(index)
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                kind, ok = step()
            except OSError as error:  # refused or reset: an error, like a 5xx
                kind, ok = "page", f"{type(error).__name__}: {error}"
            elapsed = time.perf_counter() - started
            with lock:
                results.setdefault(kind, []).append(elapsed)
                if ok is not True:
                    results["errors"].append(elapsed)
                    if len(results["errors"]) <= 3:
                        print(f"    error: {ok}")

    # Daemons: an interrupted run stops the cluster without waiting for the load to end.
    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results["duration"].append(time.monotonic() - began)
    return results


def doctor_steps(base: str, doctors: list[dict]):
    unused = iter(doctors)  # each virtual doctor, at every step, is one who has not submitted

    def make(index: int):
        doctor = next(unused)
        browser = Browser()
        browser.cookies.set_cookie(_cookie("sessionid", doctor["session"]))
        browser.get(f"{base}/")  # the CSRF cookie
        state = {"n": 0, "submitted": False}

        def step() -> bool:
            state["n"] += 1
            if state["n"] % 11 == 0 and not state["submitted"]:
                state["submitted"] = True
                reply = browser.post(
                    f"{base}/claims/{doctor['draft']}/submit/", {"declaration_accepted": "on"}
                )
                return "submit", reply.status == 302 or f"submit {reply.status}"
            page = PAGES[state["n"] % len(PAGES)].format(draft=doctor["draft"])
            reply = browser.get(base + page)
            return "page", reply.status == 200 or f"GET {page} {reply.status}"

        return step

    return make


def calendar_steps(base: str):
    pages = ["/outages/?month=2024-01", "/outages/calendar.ics"]

    def make(index: int):
        browser = Browser()
        counter = {"n": index}

        def step() -> bool:
            counter["n"] += 1
            page = pages[counter["n"] % 2]
            status = browser.get(base + page).status
            return "page", status == 200 or f"GET {page} {status}"

        return step

    return make


def _cookie(name: str, value: str):
    return http.cookiejar.Cookie(
        0, name, value, None, False, "127.0.0.1", True, False, "/", True, False,
        None, False, None, None, {},
    )  # fmt: skip


def step_up(label: str, make_step, levels: list[int], seconds: float, cores: int) -> float:
    """The best page throughput (submissions included in the load) whose page p95 stays
    at or under 500 ms; submissions, which render a dossier, are reported on their own."""
    best = 0.0
    for users in levels:
        results = run_load(make_step, users, seconds)
        duration = results["duration"][0]
        pages = results.get("page", [])
        submits = results.get("submit", [])
        rps = (len(pages) + len(submits)) / duration
        tail = p95(pages)
        line = (
            f"  {label:<16} {users:>3} users: {rps:7.1f} req/s, page p95 {tail * 1000:6.0f} ms, "
            f"{len(pages) + len(submits)} requests, {len(results['errors'])} errors"
        )
        if submits:
            line += (
                f"; {len(submits)} submissions, median {statistics.median(submits):.2f} s, "
                f"max {max(submits):.2f} s"
            )
        print(line)
        if tail <= P95_LIMIT and not results["errors"]:
            best = max(best, rps)
        elif tail > P95_LIMIT:
            break
    print(f"  {label}: {best:.1f} req/s at p95 <= 500 ms = {best / cores:.1f} req/s per core")
    return best / cores


def batch_rate(cluster, data: dict, base: str) -> float:
    reviewer = Browser()
    reviewer.cookies.set_cookie(_cookie("sessionid", data["reviewer"]))
    reviewer.get(f"{base}/claims/review/")
    ids = [row[0] for row in cluster.query("SELECT id FROM claims_claim WHERE dossier <> ''")]
    created = reviewer.post(
        f"{base}/claims/review/batches/from-selection/",
        [("name", "Capacity"), *[("claim", str(pk)) for pk in ids]],
    )
    batch = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    reviewer.post(f"{base}/claims/review/batches/{batch}/freeze/", {"confirm": "yes"})
    reviewer.post(f"{base}/claims/review/batches/{batch}/files/dossier/")
    while True:
        time.sleep(0.5)
        [(state, started, finished)] = cluster.query(
            "SELECT state, started_at, finished_at FROM claims_batchoutput WHERE batch_id = %s",
            batch,
        )
        if state in ("done", "failed"):
            break
    seconds = (finished - started).total_seconds()
    rate = len(ids) / seconds * 60
    print(f"  batch dossier: {len(ids)} dossiers merged in {seconds:.1f} s ({state}) ")
    print(f"  = {rate:.0f} dossiers per minute per worker core")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="per concurrency step")
    parser.add_argument("--levels", default="2,4,8", help="concurrent users per step")
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",")]
    cores = os.cpu_count() or 1
    os.environ.setdefault("CAPACITY_DOCTORS", str(sum(levels)))
    print(
        f"Cluster on loopback: 1 app server x {cores} gunicorn workers, 1 db_worker, {cores} cores"
    )
    started = time.monotonic()
    cluster = start_cluster(
        servers=1,
        workers=1,
        server_workers=cores,
        setup_script=(Path(__file__).parent / "capacity_data.py").read_text(),
    )
    try:
        print(f"  ready in {time.monotonic() - started:.0f} s")
        base = cluster.servers[0]
        data = cluster.data
        step_up("doctors' mix", doctor_steps(base, data["doctors"]), levels, args.seconds, cores)
        step_up("public calendar", calendar_steps(base), levels, args.seconds, cores)
        submit_times = cluster.query(
            "SELECT count(*) FROM claims_claim WHERE status = 'submitted'"
        )[0][0]
        print(f"  submitted claims after the load: {submit_times}")
        batch_rate(cluster, data, base)
        media = cluster.files_under_media_root()
        objects = len(cluster.s3.object_names())
        print(f"  objects in the bucket: {objects}; files under MEDIA_ROOT: {len(media)}")
    finally:
        cluster.stop()
    print(f"  total {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
