"""How many claims a second ``compute_claim`` handles (a benchmark, not a test).

    .venv/bin/python tests/benchmarks/bench_calculation.py [--doctors 40000] [--profile]

Prints claims/s against the goal of issue 13 (10,000 claims/s on one core) next to its
anchor measured in the same run on the same claims: the calculation as it was before
(``calculation_previous.py``), timed in interleaved chunks so that a busy machine slows
both alike; the ratio is the figure to read. Every result is checked equal to the
anchor's (figures and cited incidents).

One month (January 2024) of 200 incidents over ten services; per doctor 30 consultations
and 10 slots. ``U(s)`` is built once, as a reviewer batch does, then every doctor's claim
is computed. The data are random but seeded, so runs compare. Inputs are generated in
chunks outside the timed sections, which keeps the memory of 40,000 doctors' worth of
dataclasses out of the peak and their construction out of the rate.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import resource
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

# Runnable as a plain script from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import calculation_previous as previous  # noqa: E402

from claims import calculation as current  # noqa: E402
from claims.calculation import ABSYM_2024_1  # noqa: E402
from outages.intervals import BRUSSELS, period_window  # noqa: E402

GOAL = 10_000  # claims/s on one core, issue 13

SERVICES = [
    "recip-e",
    "mycarenet",
    "dmg",
    "tiers-payant",
    "eattest",
    "ehealth-auth",
    "insurability",
    "chapter-iv",
    "hubs",
    "vaccinnet",
]
IMPACTS = ["major_outage"] * 4 + ["partial_outage"] * 3 + ["degraded_performance", "maintenance"]
STATUSES = ["confirmed"] * 9 + ["provisional"]
OUTCOMES = ["completed"] * 7 + ["postponed", "cancelled", "unpaid"]
FEES = [(code, Decimal(fee)) for code, fee in [("101076", "31.81"), ("101496", "36.61")]]

PERIOD = period_window(date(2024, 1, 1), date(2024, 1, 31))
MONTH_START = datetime(2024, 1, 1, tzinfo=BRUSSELS)
NOW = datetime(2024, 2, 1, 12, tzinfo=BRUSSELS)
CHUNK = 2_000


def random_services(rng: random.Random, most: int) -> frozenset[str]:
    return frozenset(rng.sample(SERVICES, rng.randint(1, most)))


def random_day_time(rng: random.Random, first_hour: int = 7, last_hour: int = 19) -> datetime:
    """A whole minute on a random January day, mostly during consulting hours."""
    day = rng.randrange(31)
    minute = rng.randrange(first_hour * 60, last_hour * 60)
    return MONTH_START + timedelta(days=day, minutes=minute)


def make_incidents(rng: random.Random, count: int = 200) -> list[dict]:
    incidents = []
    for index in range(count):
        start = random_day_time(rng, 0, 24)
        ongoing = index == count - 1  # one still open at "now"
        end = None if ongoing else start + timedelta(minutes=rng.randint(5, 240))
        incidents.append(
            dict(
                reference=f"INC-{index:04d}",
                services=random_services(rng, 3),
                start=start,
                end=end,
                impact=rng.choice(IMPACTS),
                status=rng.choice(STATUSES),
            )
        )
    return incidents


def make_claim(rng: random.Random, doctor: int) -> tuple[list[dict], list[dict]]:
    """One doctor's declarations as plain fields, for either implementation's inputs."""
    slots = []
    for index in range(10):
        start = random_day_time(rng)
        slots.append(
            dict(
                key=(doctor, index),
                start=start,
                end=start + timedelta(minutes=rng.randint(10, 180)),
                services=random_services(rng, 3),
            )
        )
    consultations = []
    for index in range(30):
        code, fee = rng.choice(FEES)
        consultations.append(
            dict(
                key=(doctor, index),
                start=random_day_time(rng),
                duration_minutes=rng.choice([15, 20, 20, 30]),
                code=code,
                fee=fee,
                services=random_services(rng, 2),
                outcome=rng.choice(OUTCOMES),
            )
        )
    return slots, consultations


def build(module, incidents, claim):
    """``ClaimInputs`` of ``module`` (converting to epoch seconds happens here, at load)."""
    slots, consultations = claim
    return module.ClaimInputs(
        PERIOD,
        incidents,
        [module.SlotInput(**fields) for fields in slots],
        [module.ConsultationInput(**fields) for fields in consultations],
        PARAMS[module],
        NOW,
    )


PARAMS = {current: ABSYM_2024_1, previous: previous.ABSYM_2024_1}


def figures(result) -> tuple:
    return (
        result.declared_seconds,
        result.verified_seconds,
        result.slot_lost_seconds,
        result.catch_up_seconds,
        result.time_value,
        result.revenue_loss,
        result.total,
        result.affected_consultations,
        result.cited_incidents,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doctors", type=int, default=40_000)
    parser.add_argument("--incidents", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--profile", action="store_true", help="cProfile the timed part")
    parser.add_argument(
        "--breakdowns",
        action="store_true",
        help="also build the per-slot and per-consultation breakdowns (as a dossier does)",
    )
    arguments = parser.parse_args()

    rng = random.Random(arguments.seed)
    incident_fields = make_incidents(rng, arguments.incidents)
    incidents = {
        module: [module.IncidentInput(**fields) for fields in incident_fields]
        for module in (current, previous)
    }

    started = time.perf_counter()
    unavailability = {
        module: module.unavailability_by_service(incidents[module], PERIOD, PARAMS[module], NOW)
        for module in (current, previous)
    }
    unavailability_seconds = time.perf_counter() - started

    profiler = cProfile.Profile() if arguments.profile else None
    computing = {current: 0.0, previous: 0.0}
    done = 0
    checksum = Decimal(0)
    affected = 0
    while done < arguments.doctors:
        claims = [
            make_claim(rng, doctor) for doctor in range(done, min(done + CHUNK, arguments.doctors))
        ]
        results = {}
        # Alternate which one runs first, so neither always gets the warmer caches.
        order = (current, previous) if (done // CHUNK) % 2 == 0 else (previous, current)
        for module in order:
            batch = [build(module, incidents[module], claim) for claim in claims]
            compute = module.compute_claim
            shared = unavailability[module]
            if profiler and module is current:
                profiler.enable()
            started = time.perf_counter()
            results[module] = [compute(inputs, shared) for inputs in batch]
            if arguments.breakdowns:
                for result in results[module]:
                    _ = result.slot_breakdown, result.consultation_breakdown, result.unavailability
            computing[module] += time.perf_counter() - started
            if profiler:
                profiler.disable()
        for new, old in zip(results[current], results[previous], strict=True):
            if figures(new) != figures(old):
                raise SystemExit(f"results differ: {figures(new)} != {figures(old)}")
        checksum += sum(result.total for result in results[current])
        affected += sum(result.affected_consultations for result in results[current])
        done += len(claims)

    # ru_maxrss is in kilobytes on Linux.
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = done / computing[current]
    anchor = done / computing[previous]
    print(
        f"U(s) for {len(incident_fields)} incidents, both versions: "
        f"{unavailability_seconds * 1000:.1f} ms"
    )
    print(
        f"claims: {done} in {computing[current]:.2f} s = {rate:,.0f} claims/s "
        f"(goal {GOAL:,}: {rate / GOAL:.2f}x the goal)"
    )
    print(
        f"anchor, the previous calculation on the same claims: {anchor:,.0f} claims/s; "
        f"speed-up {rate / anchor:.2f}x; goal / anchor = {GOAL / anchor:.2f}x"
    )
    print(f"identical results: {done} of {done}")
    print(f"peak memory (max RSS): {peak_mib:.0f} MiB")
    print(f"checksum: total {checksum} EUR, {affected} affected consultations")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
