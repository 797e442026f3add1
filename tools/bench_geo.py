#!/usr/bin/env python3
"""The point lookup in PostgreSQL, on its own (part of ``make bench``).

Runs the two statements of /api/lokasi's lookup (wilayah/geo.py LOCATE_SQL,
then NEAREST_SQL where the first finds nothing) straight on the database,
for the probe points of tests/shape_probes.csv.gz (a point inside each
village's unsimplified shape): the time of one lookup (p50, p95, max over
SAMPLE distinct points, timed in this client around the statements on a local
socket) and the share of all probe points that find their own village.

    python3 tools/bench_geo.py --db <database>

Also gives tools/bench.py the stream of distinct points for its /api/lokasi
row (``lokasi_lines``).
"""

import argparse
import csv
import gzip
import os
import random
import statistics
import sys
import time

# The repository root: its plain `wilayah` package, without Odoo.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from wilayah.geo import (  # noqa: E402
    LOCATE_SQL,
    LOOKUP_LEVEL,
    NEAREST_MAX_DEGREES,
    NEAREST_SQL,
    SHAPES_TABLE,
)

PROBES = os.path.join(ROOT, "tests", "shape_probes.csv.gz")
SEED = 20261127
SAMPLE = 2000
P50_MAX_MS = 2.0
ACCURACY_GOAL = 0.995


def probe_points():
    """[(village code, lng, lat)], in the file's order (by code)."""
    with gzip.open(PROBES, "rt", encoding="utf-8", newline="") as text:
        return [
            (row["code"], float(row["longitude"]), float(row["latitude"]))
            for row in csv.DictReader(text)
        ]


def lokasi_lines(lat_param, lng_param):
    """Query strings of /api/lokasi for every probe point, shuffled with a
    fixed seed: distinct points, so no two requests ask the same."""
    lines = [
        f"{lat_param.name}={lat}&{lng_param.name}={lng}"
        for _code, lng, lat in probe_points()
    ]
    random.Random(SEED).shuffle(lines)
    return lines


def locate(cursor, lng, lat):
    args = {"level": LOOKUP_LEVEL, "lng": lng, "lat": lat}
    cursor.execute(LOCATE_SQL, args)
    row = cursor.fetchone()
    if not row:
        cursor.execute(NEAREST_SQL, {**args, "reach": NEAREST_MAX_DEGREES})
        row = cursor.fetchone()
    return row[0] if row else None


def report(db):
    """(Markdown lines, every target met)."""
    import psycopg2  # pylint: disable=import-outside-toplevel

    probes = probe_points()
    lines = []
    with psycopg2.connect(dbname=db) as connection, connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), pg_total_relation_size('{SHAPES_TABLE}') "
            f"FROM {SHAPES_TABLE}"
        )
        rings, size = cursor.fetchone()
        sample = random.Random(SEED).sample(probes, min(SAMPLE, len(probes)))
        for _code, lng, lat in sample[:100]:  # warm the cache
            locate(cursor, lng, lat)
        times = []
        for _code, lng, lat in sample:
            started = time.perf_counter()
            locate(cursor, lng, lat)
            times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        right = sum(locate(cursor, lng, lat) == code for code, lng, lat in probes)
        all_seconds = time.perf_counter() - started
    times.sort()
    p50 = statistics.median(times)
    share = right / len(probes)
    p50_ok, share_ok = p50 <= P50_MAX_MS, share >= ACCURACY_GOAL
    lines += [
        f"Table `{SHAPES_TABLE}`: {rings:,} rings, {size / 2**20:.0f} MiB with its "
        "indexes (in PostgreSQL, not in the workers).",
        "",
        "| what | figure | target |",
        "|---|---:|---:|",
        f"| one lookup, p50 ({len(times):,} distinct points) | {p50:.2f} ms | "
        f"<= {P50_MAX_MS} ms{'' if p50_ok else ' **missed**'} |",
        f"| one lookup, p95 / max | {times[len(times) * 95 // 100]:.2f} / "
        f"{times[-1]:.2f} ms | |",
        f"| probe points that find their own village | {right:,} of "
        f"{len(probes):,} ({share:.2%}) | >= {ACCURACY_GOAL:.1%}"
        f"{'' if share_ok else ' **missed**'} |",
        f"| all {len(probes):,} lookups, one after another | {all_seconds:.1f} s | |",
    ]
    return lines, p50_ok and share_ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    lines, ok = report(parser.parse_args().db)
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
