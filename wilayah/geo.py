"""Coordinates and boundaries of the units: the shipped shape files' format,
plane geometry on [lng, lat], GeoJSON, and the point lookup's parameters.

Plain Python, shared by the build script (``tools/build_shapes.py``), the
loader (``models/wilayah_shape.py``), the API and the tests. A shape is a list
of polygons; a polygon a list of rings, its outer ring first, then its holes;
a ring a list of (lng, lat) points, not closed (the first point is not
repeated). Longitude first, as GeoJSON (RFC 7946) and PostgreSQL's ``point``
(x, y) have it.
"""

import csv
import gzip
import math
from collections.abc import Callable
from itertools import accumulate
from typing import NamedTuple

# Shapes are stored on a grid of 1e-5 degree (about 1.1 m at the equator).
GRID = 100_000
# The shipped files: one per province (BPS code), in data/shapes/.
SHAPES_DIR = "data/shapes"
SHAPES_COLUMNS = ("level", "code", "latitude", "longitude", "shape")
# The point lookup answers this level unless asked for another.
LOOKUP_LEVEL = "kelurahan"
# A point in no unit but this close to one (in degrees, about 110 m) takes
# that unit: simplifying each unit on its own opens narrow gaps along borders
# and coasts (build_shapes.py's tolerance is 0.0003 degree).
NEAREST_MAX_DEGREES = 0.001
# ... in round metres, as the documentation says it (a degree of latitude is
# 111,320 m; of longitude about as much in Indonesia, near the equator)
NEAREST_MAX_METRES = int(round(NEAREST_MAX_DEGREES * 111_320, -1))
# What a coordinate may be, in decimal degrees (WGS 84).
LATITUDE_RANGE = (-90, 90)
LONGITUDE_RANGE = (-180, 180)


# The table the loader fills (models/wilayah_shape.py): one row per ring,
# `position` 0 a polygon's outer ring and the others its holes, `bounds` its
# bounding box (GiST-indexed, per level: GiST indexes no polygon @> point).
SHAPES_TABLE = "wilayah_shape"
# The lookup of a point, in two steps (the model runs them; make bench times
# them). The unit whose shape holds the point: in more of its outer rings
# than of its holes; the smallest outer ring wins where shapes overlap (or
# one lies in another's hole). `level` picks the level's own GiST index
# (models/wilayah_shape.py), so no other level's ring is read.
LOCATE_SQL = f"""
    SELECT code
      FROM {SHAPES_TABLE}
     WHERE bounds @> box(point(%(lng)s, %(lat)s), point(%(lng)s, %(lat)s))
       AND level = %(level)s AND ring @> point(%(lng)s, %(lat)s)
     GROUP BY code
    HAVING count(*) FILTER (WHERE position = 0)
           > count(*) FILTER (WHERE position > 0)
     ORDER BY min(area(path(ring))) FILTER (WHERE position = 0), code
     LIMIT 1
"""
# Else (a gap the simplification opened, a hole, the sea) the unit with the
# nearest outline, outer ring or hole, within NEAREST_MAX_DEGREES.
NEAREST_SQL = f"""
    SELECT code
      FROM {SHAPES_TABLE}
     WHERE bounds && box(point(%(lng)s - %(reach)s, %(lat)s - %(reach)s),
                         point(%(lng)s + %(reach)s, %(lat)s + %(reach)s))
       AND level = %(level)s
       AND point(%(lng)s, %(lat)s) <-> path(ring) <= %(reach)s
     ORDER BY point(%(lng)s, %(lat)s) <-> path(ring), code
     LIMIT 1
"""


def shapes_file(province_code):
    return f"{SHAPES_DIR}/{province_code}.csv.gz"


# --- the shipped text format ------------------------------------------------
# A shape is its polygons separated by ";", a polygon its rings separated by
# "|", a ring its points as grid integers, "lng lat" of the first point then
# "dlng dlat" of each next one from the one before, all separated by spaces.
# Small deltas of a simplified outline make short text that gzip packs well.


def encode_shape(shape):
    polygons = []
    for polygon in shape:
        rings = []
        for ring in polygon:
            numbers, last_x, last_y = [], 0, 0
            for lng, lat in ring:
                x, y = round(lng * GRID), round(lat * GRID)
                numbers += (x - last_x, y - last_y)
                last_x, last_y = x, y
            rings.append(" ".join(map(str, numbers)))
        polygons.append("|".join(rings))
    return ";".join(polygons)


def decode_grid(text):
    """A shape of ``encode_shape``, its points as grid integers."""
    shape = []
    for polygon_text in text.split(";") if text else ():
        polygon = []
        for ring_text in polygon_text.split("|"):
            numbers = list(map(int, ring_text.split()))
            xs, ys = accumulate(numbers[0::2]), accumulate(numbers[1::2])
            polygon.append(list(zip(xs, ys, strict=True)))
        shape.append(polygon)
    return shape


def decode_shape(text):
    return [
        [[(x / GRID, y / GRID) for x, y in ring] for ring in polygon]
        for polygon in decode_grid(text)
    ]


def read_shapes_file(binary_file):
    """(level, code, latitude, longitude, shape on the grid) of each row of a
    shipped file (gzipped CSV)."""
    with gzip.open(binary_file, "rt", encoding="utf-8", newline="") as text:
        reader = csv.reader(text)
        if tuple(next(reader)) != SHAPES_COLUMNS:
            raise ValueError("Not a shapes file: unexpected columns")
        for level_key, code, lat, lng, shape in reader:
            yield level_key, code, float(lat), float(lng), decode_grid(shape)


class ShapeSource(NamedTuple):
    """Where the API finds shapes (models/wilayah_shape.py reads PostgreSQL)."""

    # (level, lng, lat) -> the BPS code of that level's unit there, or None
    locate: Callable
    # (level, code) -> the unit's shape (lng, lat floats), or None
    boundary: Callable


# --- plane geometry on degrees (small units: no projection needed) ----------


def edges(ring):
    """(start, end) of each side of a ring, the last one closing it."""
    return zip(ring, ring[1:] + ring[:1], strict=True)


def ring_area(ring):
    """Signed area (shoelace), in square degrees."""
    area = 0.0
    for (x1, y1), (x2, y2) in edges(ring):
        area += x1 * y2 - x2 * y1
    return area / 2


def polygon_area(polygon):
    return abs(ring_area(polygon[0])) - sum(abs(ring_area(r)) for r in polygon[1:])


def shape_area(shape):
    return sum(polygon_area(polygon) for polygon in shape)


def in_ring(ring, lng, lat):
    """Whether a point lies inside a ring (even-odd rule)."""
    inside = False
    for (x1, y1), (x2, y2) in edges(ring):
        if (y1 > lat) != (y2 > lat) and lng < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def in_shape(shape, lng, lat):
    return any(
        in_ring(polygon[0], lng, lat)
        and not any(in_ring(hole, lng, lat) for hole in polygon[1:])
        for polygon in shape
    )


def interior_point(shape):
    """A point inside the shape, away from its edges where it can be: the
    middle of the widest stretch of the largest polygon along the line of
    latitude through its middle. (A centroid can fall outside a concave
    shape.) None for a shape with no area."""
    polygons = sorted(shape, key=polygon_area, reverse=True)
    if not polygons or polygon_area(polygons[0]) <= 0:
        return None
    polygon = polygons[0]
    lats = [lat for _lng, lat in polygon[0]]
    low, high = min(lats), max(lats)
    best = None
    # A few lines of latitude, in case the middle one grazes a vertex.
    for fraction in (0.5, 0.37, 0.63, 0.25, 0.75):
        lat = low + (high - low) * fraction
        crossings = sorted(
            x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            for ring in polygon
            for (x1, y1), (x2, y2) in edges(ring)
            if (y1 > lat) != (y2 > lat)
        )
        for start, end in zip(crossings[::2], crossings[1::2], strict=False):
            if best is None or end - start > best[0]:
                best = (end - start, ((start + end) / 2, lat))
    return best[1] if best else None


def simplify_ring(ring, tolerance):
    """Douglas-Peucker on a closed ring: the points that keep the outline
    within ``tolerance`` (degrees) of the original. Anchored at the first
    point and the point farthest from it."""
    count = len(ring)
    if count <= 4:
        return list(ring)
    x0, y0 = ring[0]
    far = max(range(count), key=lambda i: math.dist(ring[i], (x0, y0)))
    points = list(ring) + [ring[0]]
    keep = [False] * (count + 1)
    keep[0] = keep[far] = keep[count] = True
    stack = [(0, far), (far, count)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        worst, worst_index = -1.0, None
        for index in range(first + 1, last):
            px, py = points[index]
            if length:
                distance = abs(dy * (px - ax) - dx * (py - ay)) / length
            else:
                distance = math.hypot(px - ax, py - ay)
            if distance > worst:
                worst, worst_index = distance, index
        if worst_index is not None and worst > tolerance:
            keep[worst_index] = True
            stack += ((first, worst_index), (worst_index, last))
    return [point for point, kept in zip(points[:count], keep, strict=False) if kept]


# --- GeoJSON (RFC 7946) -----------------------------------------------------


def geojson_feature(level_key, code, name, shape):
    """A unit's boundary as a Feature: a MultiPolygon of closed rings, outer
    rings counterclockwise and holes clockwise (RFC 7946, 3.1.6)."""
    polygons = []
    for polygon in shape:
        rings = []
        for position, ring in enumerate(polygon):
            clockwise = ring_area(ring) < 0
            if clockwise != (position > 0):
                ring = ring[::-1]
            rings.append([[lng, lat] for lng, lat in ring + ring[:1]])
        polygons.append(rings)
    return {
        "type": "Feature",
        "geometry": {"type": "MultiPolygon", "coordinates": polygons},
        "properties": {"code": code, "name": name, "level": level_key},
    }
