#!/usr/bin/env python3
"""Build the boundary files the addon ships (data/shapes/) from
cahyadsn/wilayah_boundaries.

Usage: tools/build_shapes.py SOURCE [--commit COMMIT] [--tolerance DEGREES]

SOURCE is a checkout of https://github.com/cahyadsn/wilayah_boundaries (its
working tree is read), or its git directory (then COMMIT, default HEAD, is read
with ``git archive``). The
source keys each unit by its Kemendagri code and gives a centroid and a
simplified multipolygon as [lat, lng]; this script maps them to the addon's
BPS units through the Kemendagri codes of data/wilayah/*.csv (a BPS unit with
several takes all their polygons, joined, not dissolved; one with none, or with
a Kemendagri unit the source lacks, gets nothing), simplifies every ring further
(Douglas-Peucker, ``--tolerance`` degrees), and writes one gzipped CSV per
province (columns: wilayah/geo.py SHAPES_COLUMNS), plus the probe points the
accuracy test and the bench look up (tests/shape_probes.csv.gz: a point inside
each village's unsimplified shape). It prints the counts and checks that
data/shapes/PROVENANCE.md reports. The output depends only on the source
commit, the region files and the tolerance.
"""

import argparse
import csv
import gzip
import io
import json
import re
import subprocess
import sys
import tarfile
from collections import defaultdict
from math import floor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from wilayah import geo  # noqa: E402
from wilayah.levels import LEVELS  # noqa: E402

DEFAULT_TOLERANCE = 0.0003  # degrees, about 33 m
DISTRICT_MARGIN = 0.005  # degrees, about 550 m (check_villages_in_districts)
PROBES_FILE = ROOT / "tests" / "shape_probes.csv.gz"
# One row of the source's INSERTs: ('32.04.31.2005','Neglawangi',lat,lng,'[...]')
ROW = re.compile(
    r"\(\s*'([0-9.]+)',\s*'(?:[^']|'')*',\s*([-+.0-9eE]+|NULL),\s*([-+.0-9eE]+|NULL),"
    r"\s*'(\[[^']*\])'\s*\)"
)
# A Kemendagri code's number of dotted parts gives its level.
LEVEL_OF_PARTS = {
    max(len(level.kemendagri_parts), 1): level.key for level in LEVELS.values()
}


def source_files(source, commit):
    """(path, text) of the source's SQL files, sorted by path."""
    if (source / "db").is_dir():
        for path in sorted((source / "db").rglob("*.sql")):
            yield str(path.relative_to(source)), path.read_text(encoding="utf-8")
        return
    archive = subprocess.run(
        ["git", "--git-dir", str(source), "archive", "--format=tar", commit, "db"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = sorted(
            (m for m in tar.getmembers() if m.name.endswith(".sql")),
            key=lambda m: m.name,
        )
        for member in members:
            yield member.name, tar.extractfile(member).read().decode("utf-8")


def source_commit(source, commit):
    """The commit read: COMMIT of a git directory, HEAD of a checkout."""
    if (source / "db").is_dir():
        git = ["git", "-C", str(source)]
    else:
        git = ["git", "--git-dir", str(source)]
    result = subprocess.run(
        [*git, "rev-parse", commit], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() if result.returncode == 0 else "(not a git checkout)"


def read_source(source, commit):
    """{level: {kemendagri code: (lat, lng, shape)}}, shapes as in geo.py."""
    units = defaultdict(dict)
    for _path, text in source_files(source, commit):
        for code, lat, lng, path in ROW.findall(text):
            nested = json.loads(path)
            depth, probe = 0, nested
            while isinstance(probe, list) and probe:
                depth, probe = depth + 1, probe[0]
            polygons = nested if depth == 4 else [nested]
            shape = []
            for polygon in polygons:
                rings = []
                for ring in polygon:
                    points = [(point[1], point[0]) for point in ring]
                    if len(points) > 1 and points[0] == points[-1]:
                        points.pop()
                    if len(points) >= 3:
                        rings.append(points)
                if rings:
                    shape.append(rings)
            level = LEVEL_OF_PARTS[code.count(".") + 1]
            centroid = (float(lat), float(lng)) if "NULL" not in (lat, lng) else None
            units[level][code] = (centroid, shape)
    return units


def read_regions():
    """{level: [(bps code, [kemendagri codes])]} from the shipped region files."""
    regions = {}
    for level in LEVELS.values():
        with open(ROOT / "data" / "wilayah" / level.data_file, encoding="utf-8") as f:
            regions[level.key] = [
                (row["code"], [c for c in row["kemendagri_code"].split(",") if c])
                for row in csv.DictReader(f)
            ]
    return regions


def simplify(shape, tolerance):
    """The shape simplified, on the shipped grid; rings that vanish dropped,
    an outer ring kept unsimplified rather than lost."""
    result = []
    for polygon in shape:
        rings = []
        for position, ring in enumerate(polygon):
            for candidate in (geo.simplify_ring(ring, tolerance), ring):
                snapped = []
                for lng, lat in candidate:
                    point = (
                        round(lng * geo.GRID) / geo.GRID,
                        round(lat * geo.GRID) / geo.GRID,
                    )
                    if not snapped or snapped[-1] != point:
                        snapped.append(point)
                while len(snapped) > 1 and snapped[0] == snapped[-1]:
                    snapped.pop()
                if len(snapped) >= 3 and geo.ring_area(snapped):
                    rings.append(snapped)
                    break
                if position:  # a hole that vanishes is dropped
                    break
            if not rings:  # the outer ring vanished: the polygon goes
                break
        if rings:
            result.append(rings)
    return result


class Grid:
    """Bounding boxes of shapes in 0.1-degree cells, for the build's checks."""

    CELL = 10

    def __init__(self):
        self.cells = defaultdict(list)

    def add(self, key, shape):
        for polygon in shape:
            lngs = [lng for lng, _ in polygon[0]]
            lats = [lat for _, lat in polygon[0]]
            cell = self.CELL
            for cx in range(floor(min(lngs) * cell), floor(max(lngs) * cell) + 1):
                for cy in range(floor(min(lats) * cell), floor(max(lats) * cell) + 1):
                    self.cells[cx, cy].append(key)

    def near(self, lng, lat):
        return set(self.cells.get((floor(lng * self.CELL), floor(lat * self.CELL)), ()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--commit", default="HEAD")
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE)
    parser.add_argument("--output", type=Path, default=ROOT / geo.SHAPES_DIR)
    args = parser.parse_args()
    if (args.source / "db").is_dir() and args.commit != "HEAD":
        parser.error("--commit reads a git directory; check that commit out instead")

    source = read_source(args.source, args.commit)
    regions = read_regions()
    rows_by_province = defaultdict(list)
    shapes = {}  # (level, code) -> simplified shape
    probes = []
    counts = {}
    used = defaultdict(set)  # level -> Kemendagri codes mapped to a BPS unit
    area_changes = []  # |simplified - source| / source, of each village
    original_points = simplified_points = 0
    for level in LEVELS.values():
        found = no_code = missing = 0
        for code, kemendagri_codes in regions[level.key]:
            if not kemendagri_codes:
                no_code += 1
                continue
            parts = [source[level.key].get(k) for k in kemendagri_codes]
            if any(part is None or not part[1] for part in parts):
                missing += 1
                continue
            original = [polygon for _, shape in parts for polygon in shape]
            areas = [geo.shape_area(shape) for _, shape in parts]
            if all(centroid for centroid, _ in parts) and sum(areas) > 0:
                # several Kemendagri units: their centroids weighted by area
                lat = sum(
                    c[0] * a for (c, _), a in zip(parts, areas, strict=True)
                ) / sum(areas)
                lng = sum(
                    c[1] * a for (c, _), a in zip(parts, areas, strict=True)
                ) / sum(areas)
            else:
                lng, lat = geo.interior_point(original) or (None, None)
            shape = simplify(original, args.tolerance)
            if not shape or lat is None:
                missing += 1
                continue
            found += 1
            used[level.key].update(kemendagri_codes)
            if level.key == geo.LOOKUP_LEVEL and geo.shape_area(original) > 0:
                area_changes.append(
                    abs(geo.shape_area(shape) / geo.shape_area(original) - 1)
                )
            original_points += sum(len(r) for p in original for r in p)
            simplified_points += sum(len(r) for p in shape for r in p)
            shapes[level.key, code] = shape
            rows_by_province[code[:2]].append(
                (level.key, code, f"{lat:.6f}", f"{lng:.6f}", geo.encode_shape(shape))
            )
            if level.key == geo.LOOKUP_LEVEL:
                point = geo.interior_point(original)
                if point:
                    probes.append((code, point))
        counts[level.key] = (len(regions[level.key]), found, no_code, missing)

    args.output.mkdir(parents=True, exist_ok=True)
    for old in args.output.glob("*.csv.gz"):
        old.unlink()
    total_bytes = 0
    for province, rows in sorted(rows_by_province.items()):
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(geo.SHAPES_COLUMNS)
        writer.writerows(rows)
        path = args.output / Path(geo.shapes_file(province)).name
        total_bytes += write_gzip(path, text.getvalue())
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(("code", "longitude", "latitude"))
    writer.writerows((code, f"{lng:.6f}", f"{lat:.6f}") for code, (lng, lat) in probes)
    probe_bytes = write_gzip(PROBES_FILE, text.getvalue())

    commit = source_commit(args.source, args.commit)
    print(
        f"source commit: {commit}: "
        + ", ".join(f"{len(units)} {key}" for key, units in source.items())
        + f"; tolerance {args.tolerance} degree"
    )
    for key, (units, found, no_code, missing) in counts.items():
        print(
            f"{key}: {found} of {units} units with a shape; {no_code} without a "
            f"Kemendagri code, {missing} whose Kemendagri unit has no shape; "
            f"{len(set(source[key]) - used[key])} source units unused"
        )
    area_changes.sort()
    print(
        "village areas changed by the simplification: median "
        f"{area_changes[len(area_changes) // 2]:.2%}, 95th percentile "
        f"{area_changes[len(area_changes) * 95 // 100]:.2%}"
    )
    print(
        f"points: {original_points} in the source's shapes, {simplified_points} "
        f"shipped ({simplified_points / original_points:.1%})"
    )
    print(
        f"files: {total_bytes / 1e6:.2f} MB shapes, {probe_bytes / 1e6:.2f} MB probes"
    )
    check_villages_in_districts(
        shapes, probes, (2 * args.tolerance, 0.002, DISTRICT_MARGIN)
    )
    check_probes(shapes, probes)


def write_gzip(path, text):
    """Write reproducibly (no name nor time in the gzip header)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as out:
        out.write(text.encode("utf-8"))
    path.write_bytes(buffer.getvalue())
    return len(buffer.getvalue())


def near_boundary(shape, lng, lat, tolerance):
    for polygon in shape:
        for ring in polygon:
            for (x1, y1), (x2, y2) in geo.edges(ring):
                dx, dy = x2 - x1, y2 - y1
                length = dx * dx + dy * dy
                t = ((lng - x1) * dx + (lat - y1) * dy) / length if length else 0
                t = min(1, max(0, t))
                if (x1 + t * dx - lng) ** 2 + (y1 + t * dy - lat) ** 2 <= tolerance**2:
                    return True
    return False


def check_villages_in_districts(shapes, probes, margins):
    """How well the mapping holds: the share of villages whose probe point
    lies in their kecamatan's shape, and whose outline does (every one of up
    to 16 of its points, evenly spread, inside or within each of ``margins``
    degrees of its outline: the source draws kecamatan more coarsely than
    villages)."""
    point_inside = checked = 0
    outline_inside = dict.fromkeys(margins, 0)
    for code, (lng, lat) in probes:
        district = shapes.get(("kecamatan", code[:7]))
        if district is None:
            continue
        checked += 1
        point_inside += geo.in_shape(district, lng, lat)
        points = [
            point for polygon in shapes["kelurahan", code] for point in polygon[0]
        ]
        step = max(1, len(points) // 16)
        outside = [p for p in points[::step] if not geo.in_shape(district, *p)]
        for margin in margins:
            outline_inside[margin] += all(
                near_boundary(district, x, y, margin) for x, y in outside
            )
    print(
        f"villages in their kecamatan's shape, of {checked}: probe point "
        f"{point_inside} ({point_inside / checked:.2%}); outline within "
        + ", ".join(
            f"{margin:g} degree {count} ({count / checked:.2%})"
            for margin, count in outline_inside.items()
        )
    )


def check_probes(shapes, probes):
    """Estimate of the lookup's accuracy (the test and the bench measure it in
    PostgreSQL): share of probe points whose smallest containing shipped
    village shape is their own."""
    grid = Grid()
    for (level, code), shape in shapes.items():
        if level == "kelurahan":
            grid.add(code, shape)
    right = 0
    for code, (lng, lat) in probes:
        hits = [
            (geo.shape_area(shapes["kelurahan", other]), other)
            for other in grid.near(lng, lat)
            if geo.in_shape(shapes["kelurahan", other], lng, lat)
        ]
        if hits and min(hits)[1] == code:
            right += 1
    print(
        f"probe points found in their own village's shape: {right} of "
        f"{len(probes)} ({right / len(probes):.2%})"
    )


if __name__ == "__main__":
    main()
