"""How many claims a second ``compute_claim`` handles (a benchmark, not a test).

    .venv/bin/python tests/benchmarks/bench_calculation.py [--doctors 40000] [--profile]

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

from claims.calculation import (  # noqa: E402
    ABSYM_2024_1,
    ClaimInputs,
    ConsultationInput,
    IncidentInput,
    SlotInput,
    compute_claim,
    unavailability_by_service,
)
from outages.intervals import BRUSSELS, period_window  # noqa: E402

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


def make_incidents(rng: random.Random, count: int = 200) -> list[IncidentInput]:
    incidents = []
    for index in range(count):
        start = random_day_time(rng, 0, 24)
        ongoing = index == count - 1  # one still open at "now"
        end = None if ongoing else start + timedelta(minutes=rng.randint(5, 240))
        incidents.append(
            IncidentInput(
                reference=f"INC-{index:04d}",
                services=random_services(rng, 3),
                start=start,
                end=end,
                impact=rng.choice(IMPACTS),
                status=rng.choice(STATUSES),
            )
        )
    return incidents


def make_claim(rng: random.Random, doctor: int, incidents: list[IncidentInput]) -> ClaimInputs:
    slots = []
    for index in range(10):
        start = random_day_time(rng)
        slots.append(
            SlotInput(
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
            ConsultationInput(
                key=(doctor, index),
                start=random_day_time(rng),
                duration_minutes=rng.choice([15, 20, 20, 30]),
                code=code,
                fee=fee,
                services=random_services(rng, 2),
                outcome=rng.choice(OUTCOMES),
            )
        )
    return ClaimInputs(PERIOD, incidents, slots, consultations, ABSYM_2024_1, NOW)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doctors", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--profile", action="store_true", help="cProfile the timed part")
    parser.add_argument(
        "--breakdowns",
        action="store_true",
        help="also build the per-slot and per-consultation breakdowns (as a dossier does)",
    )
    arguments = parser.parse_args()

    rng = random.Random(arguments.seed)
    incidents = make_incidents(rng)

    started = time.perf_counter()
    unavailability = unavailability_by_service(incidents, PERIOD, ABSYM_2024_1, NOW)
    unavailability_seconds = time.perf_counter() - started

    profiler = cProfile.Profile() if arguments.profile else None
    computing = 0.0
    done = 0
    checksum = Decimal(0)
    affected = 0
    while done < arguments.doctors:
        batch = [
            make_claim(rng, doctor, incidents)
            for doctor in range(done, min(done + CHUNK, arguments.doctors))
        ]
        if profiler:
            profiler.enable()
        started = time.perf_counter()
        results = [compute_claim(inputs, unavailability) for inputs in batch]
        if arguments.breakdowns:
            for result in results:
                _ = result.slot_breakdown, result.consultation_breakdown, result.unavailability
        computing += time.perf_counter() - started
        if profiler:
            profiler.disable()
        checksum += sum(result.total for result in results)
        affected += sum(result.affected_consultations for result in results)
        done += len(batch)

    # ru_maxrss is in kilobytes on Linux.
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"U(s) for {len(incidents)} incidents: {unavailability_seconds * 1000:.1f} ms")
    print(f"claims: {done} in {computing:.2f} s = {done / computing:,.0f} claims/s")
    print(f"peak memory (max RSS): {peak_mib:.0f} MiB")
    print(f"checksum: total {checksum} EUR, {affected} affected consultations")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
