"""Coordinates and boundaries: the shipped shapes in PostgreSQL, /api/lokasi,
the geojson routes, the partner's button, and the shapes' format and geometry
(wilayah/geo.py, without a database)."""

import csv
import gzip
import io
import logging

from odoo.exceptions import UserError
from odoo.tests import BaseCase, Form, tagged
from odoo.tools import file_open

from ..models.wilayah_shape import SHAPES_CHECKSUM_PARAM, SHAPES_TABLE
from ..wilayah import ADDON as MODULE
from ..wilayah import geo
from ..wilayah.levels import LEVELS, POSTAL_LEVEL
from ..wilayah.routes import ROUTES_BY_NAME
from .common import WilayahApiCase, WilayahCase, url

_logger = logging.getLogger(__name__)

NEGLAWANGI = "3204050001"
# Villages the source has no shape for (data/shapes/PROVENANCE.md): one
# without a Kemendagri code, one whose Kemendagri unit the source lacks.
NO_KEMENDAGRI_CODE = "1102033012"  # LAE CIKALA
SHAPE_LOGGER = f"odoo.addons.{MODULE}.models.wilayah_shape"
# The share of villages whose probe point (a point inside its unsimplified
# shape, tools/build_shapes.py) must find that very village.
PROBES_GOAL = 0.995


def probe_points():
    """[(code, lng, lat)] of tests/shape_probes.csv.gz."""
    with file_open(f"{MODULE}/tests/shape_probes.csv.gz", "rb") as packed:
        text = gzip.decompress(packed.read()).decode()
    return [
        (row["code"], float(row["longitude"]), float(row["latitude"]))
        for row in csv.DictReader(io.StringIO(text))
    ]


@tagged("post_install", "-at_install")
class TestShapesData(WilayahCase):
    def test_every_level_loaded(self):
        cr = self.env.cr
        for level in LEVELS.values():
            with self.subTest(level=level.key):
                cr.execute(
                    f"SELECT count(DISTINCT code) FROM {SHAPES_TABLE} WHERE level = %s",
                    [level.key],
                )
                with_shape = cr.fetchone()[0]
                cr.execute(
                    f"SELECT count(*) FROM {level.table} WHERE latitude IS NOT NULL"
                )
                self.assertEqual(cr.fetchone()[0], with_shape)
                # every unit of the upper levels, 98.9% of the villages
                self.assertGreaterEqual(with_shape, level.shipped_units * 0.985)

    def test_centroids(self):
        for level in LEVELS.values():
            code = level.example_code
            unit = self.env[level.model].search([("code", "=", code)])
            with self.subTest(level=level.key):
                self.assertEqual(
                    (unit.latitude, unit.longitude), level.example_location
                )
                self.assertIn(f"mlat={unit.latitude:.6f}", unit.map_url)
                self.assertIn(f"mlon={unit.longitude:.6f}", unit.map_url)

    def test_unit_without_shape(self):
        village = self.Kelurahan.search([("code", "=", NO_KEMENDAGRI_CODE)])
        self.assertTrue(village)
        self.assertFalse(village.kemendagri_code)
        self.assertFalse(village.latitude or village.longitude)
        self.assertFalse(village.map_url)
        shapes = self.env["wilayah.shape"]
        self.assertIsNone(shapes._boundary(POSTAL_LEVEL.key, NO_KEMENDAGRI_CODE))

    def test_sync_is_idempotent_and_reloads(self):
        shapes = self.env["wilayah.shape"]
        cr = self.env.cr
        count = f"SELECT count(*), sum(npoints(ring)) FROM {SHAPES_TABLE}"
        cr.execute(count)
        loaded = cr.fetchone()
        with self.assertLogs(SHAPE_LOGGER, logging.INFO) as logs:
            shapes._sync_bundled_shapes()
        self.assertIn("up to date", logs.output[0])
        # a unit re-inserted without coordinates (a reload of the regions):
        # the shapes load again, the same files
        village = self.Kelurahan.search([("code", "=", NEGLAWANGI)])
        cr.execute(
            "UPDATE wilayah_kelurahan SET latitude = NULL WHERE id = %s", [village.id]
        )
        village.invalidate_recordset()
        shapes._sync_bundled_shapes()
        self.assertEqual(village.latitude, POSTAL_LEVEL.example_location[0])
        # a centroid changed by hand, and the files changed (their checksum):
        # loaded again, the same rows
        village.latitude = 0.0
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(SHAPES_CHECKSUM_PARAM, "an older release")
        shapes._sync_bundled_shapes()
        self.assertEqual(village.latitude, POSTAL_LEVEL.example_location[0])
        self.assertNotEqual(params.get_param(SHAPES_CHECKSUM_PARAM), "an older release")
        cr.execute(count)
        self.assertEqual(cr.fetchone(), loaded)

    def test_probe_points_find_their_village(self):
        """A point inside each village's shape (not its centroid) finds that
        village, through the lookup the API runs: at least PROBES_GOAL."""
        shapes = self.env["wilayah.shape"]
        probes = probe_points()
        self.assertGreater(len(probes), 80_000)
        wrong = [
            code
            for code, lng, lat in probes
            if shapes._locate(POSTAL_LEVEL.key, lng, lat) != code
        ]
        share = 1 - len(wrong) / len(probes)
        _logger.info(
            "Probe points that find their own village: %d of %d (%.2f%%)",
            len(probes) - len(wrong),
            len(probes),
            100 * share,
        )
        self.assertGreaterEqual(share, PROBES_GOAL, wrong[:20])


@tagged("post_install", "-at_install")
class TestShapesLookup(WilayahCase):
    """The lookup's rules, on a made-up island in the Indian Ocean (far from
    any unit): inside, in a hole, in another unit's hole, near, far."""

    def setUp(self):
        super().setUp()
        self.shapes = self.env["wilayah.shape"]
        # (lng, lat): a square of 0.1 degree with a hole, and a small
        # village filling the hole
        outer = [(80.0, -10.0), (80.1, -10.0), (80.1, -9.9), (80.0, -9.9)]
        hole = [(80.04, -9.96), (80.06, -9.96), (80.06, -9.94), (80.04, -9.94)]
        self.insert_ring("9999999001", 0, 0, outer)
        self.insert_ring("9999999001", 0, 1, hole)

    def insert_ring(self, code, part, position, ring, level=POSTAL_LEVEL.key):
        points = ",".join(f"({x},{y})" for x, y in ring)
        self.env.cr.execute(
            f"INSERT INTO {SHAPES_TABLE} (level, code, part, position, bounds, ring)"
            " VALUES (%s, %s, %s, %s, box(polygon(%s)), polygon(%s))",
            [level, code, part, position, f"({points})", f"({points})"],
        )

    def locate(self, lng, lat):
        return self.shapes._locate(POSTAL_LEVEL.key, lng, lat)

    def test_inside_and_hole(self):
        self.assertEqual(self.locate(80.02, -9.98), "9999999001")
        self.assertIsNone(self.locate(80.05, -9.95))  # in the hole, nothing there
        inner = [(80.04, -9.96), (80.06, -9.96), (80.06, -9.94), (80.04, -9.94)]
        self.insert_ring("9999999002", 0, 0, inner)
        self.assertEqual(self.locate(80.05, -9.95), "9999999002")
        self.assertEqual(self.locate(80.02, -9.98), "9999999001")

    def test_overlap_takes_the_smaller(self):
        small = [(80.01, -9.99), (80.02, -9.99), (80.02, -9.98), (80.01, -9.98)]
        self.insert_ring("9999999003", 0, 0, small)
        self.assertEqual(self.locate(80.015, -9.985), "9999999003")

    def test_nearest_within_the_distance(self):
        near = geo.NEAREST_MAX_DEGREES / 2
        self.assertEqual(self.locate(80.1 + near, -9.95), "9999999001")
        self.assertEqual(self.locate(80.05, -10.0 - near), "9999999001")
        far = geo.NEAREST_MAX_DEGREES * 1.5
        self.assertIsNone(self.locate(80.1 + far, -9.95))

    def test_higher_level_prefers_its_own_shape_to_a_near_village(self):
        """A point in a kecamatan's shape where no village is known, 50 m
        from a village of another kecamatan: the village level takes the near
        village, the kecamatan level its own shape."""
        east = [(80.2, -10.0), (80.3, -10.0), (80.3, -9.9), (80.2, -9.9)]
        self.insert_ring("9999998", 0, 0, east, level="kecamatan")
        west = [(80.15, -10.0), (80.1995, -10.0), (80.1995, -9.9), (80.15, -9.9)]
        self.insert_ring("9999997001", 0, 0, west)
        self.assertEqual(self.locate(80.2, -9.95), "9999997001")
        self.assertEqual(self.shapes._locate("kecamatan", 80.2, -9.95), "9999998")
        # without a shape of its own there, the village's parent
        self.assertEqual(self.shapes._locate("kecamatan", 80.17, -9.95), "9999997")

    def test_higher_level_of_a_village(self):
        lat, lng = LEVELS[POSTAL_LEVEL.key].example_location
        for level in LEVELS.values():
            with self.subTest(level=level.key):
                self.assertEqual(
                    self.shapes._locate(level.key, lng, lat),
                    LEVELS[POSTAL_LEVEL.key].example_code[: level.code_length],
                )


@tagged("post_install", "-at_install")
class TestLokasiApi(WilayahApiCase):
    def test_example_point(self):
        route = ROUTES_BY_NAME["lokasi"]
        answer = self.get_json(route.example_request)
        self.assertEqual(answer, self.get_json(f"/api/kelurahan/{NEGLAWANGI}"))
        self.assertEqual(answer["code"], NEGLAWANGI)
        self.assertEqual(
            (answer["latitude"], answer["longitude"]),
            LEVELS[POSTAL_LEVEL.key].example_location,
        )

    def test_levels(self):
        lat, lng = LEVELS[POSTAL_LEVEL.key].example_location
        for level in LEVELS.values():
            with self.subTest(level=level.key):
                answer = self.get_json(
                    url("/api/lokasi", lat=lat, lng=lng, level=level.key)
                )
                code = NEGLAWANGI[: level.code_length]
                self.assertEqual(answer, self.get_json(f"/api/{level.key}/{code}"))

    def test_a_point_in_jakarta(self):
        # Monas, Jakarta: kelurahan GAMBIR, kecamatan GAMBIR, Jakarta Pusat
        answer = self.get_json(url("/api/lokasi", lat="-6.1754", lng="106.8272"))
        self.assertEqual(answer["name"], "GAMBIR")
        self.assertEqual(answer["city"]["name"], "JAKARTA PUSAT")
        self.assertEqual(answer["province"]["code"], "31")

    def test_the_sea_and_abroad(self):
        for lat, lng in (("-5.0", "110.0"), ("1.3521", "103.8198"), ("0", "0")):
            with self.subTest(lat=lat, lng=lng):
                self.get_error(
                    url("/api/lokasi", lat=lat, lng=lng),
                    404,
                    message_contains="No kelurahan/desa at",
                )

    def test_bad_numbers(self):
        good = {"lat": "-6.2", "lng": "106.8"}
        cases = [
            ({"lng": "106.8"}, "'lat' is required"),
            ({"lat": "-6.2"}, "'lng' is required"),
            ({**good, "lat": ""}, "'lat' is required"),
            ({**good, "lat": "abc"}, "Invalid 'lat'"),
            ({**good, "lat": "nan"}, "Invalid 'lat'"),
            ({**good, "lng": "NaN"}, "Invalid 'lng'"),
            ({**good, "lng": "inf"}, "Invalid 'lng'"),
            ({**good, "lat": "-Infinity"}, "Invalid 'lat'"),
            ({**good, "lat": "1_0"}, "Invalid 'lat'"),
            ({**good, "lat": "٣"}, "Invalid 'lat'"),
            ({**good, "lat": "-6,2"}, "Invalid 'lat'"),
            ({**good, "lat": "0x10"}, "Invalid 'lat'"),
            ({**good, "lat": "90.0001"}, "from -90 to 90"),
            ({**good, "lat": "-1e3"}, "from -90 to 90"),
            ({**good, "lng": "180.5"}, "from -180 to 180"),
            ({**good, "lng": "1" * 40}, "Invalid 'lng'"),
            ({**good, "level": "desa"}, "Unknown level 'desa'"),
        ]
        for params, message in cases:
            with self.subTest(params=params):
                self.get_error(
                    url("/api/lokasi", **params), 400, message_contains=message
                )

    def test_spellings_of_a_number(self):
        lat, lng = LEVELS[POSTAL_LEVEL.key].example_location
        for lat_text in (f"{lat}", f" {lat} ", f"{lat}0000", f"{lat * 10}e-1"):
            with self.subTest(lat=lat_text):
                answer = self.get_json(url("/api/lokasi", lat=lat_text, lng=lng))
                self.assertEqual(answer["code"], NEGLAWANGI)

    def test_needs_the_key(self):
        self.get_error(ROUTES_BY_NAME["lokasi"].example_request, 401, key=None)

    def test_etag(self):
        path = ROUTES_BY_NAME["lokasi"].example_request
        first = self.get(path)
        self.assertEqual(first.status_code, 200)
        again = self.get(path, headers={"If-None-Match": first.headers["ETag"]})
        self.assertEqual(again.status_code, 304)

    def test_detail_and_alamat_carry_coordinates(self):
        lat, lng = LEVELS["kota"].example_location
        detail = self.get_json("/api/kota/3204")
        self.assertEqual((detail["latitude"], detail["longitude"]), (lat, lng))
        hit = self.get_json(url("/api/alamat", q="kab bandung", limit=1))[0]
        self.assertEqual(hit["code"], "3204")
        self.assertEqual((hit["latitude"], hit["longitude"]), (lat, lng))
        none = self.get_json(f"/api/kelurahan/{NO_KEMENDAGRI_CODE}")
        self.assertIsNone(none["latitude"])
        self.assertIsNone(none["longitude"])
        # lists keep their shapes
        item = self.get_json("/api/kota?name=bandung")[0]
        self.assertNotIn("latitude", item)


@tagged("post_install", "-at_install")
class TestGeojsonApi(WilayahApiCase):
    def test_village_boundary(self):
        feature = self.get_json(f"/api/kelurahan/{NEGLAWANGI}/geojson")
        self.assertEqual(feature["type"], "Feature")
        self.assertEqual(
            feature["properties"],
            {"code": NEGLAWANGI, "name": "NEGLAWANGI", "level": "kelurahan"},
        )
        geometry = feature["geometry"]
        self.assertEqual(geometry["type"], "MultiPolygon")
        shape = []
        for polygon in geometry["coordinates"]:
            rings = []
            for position, ring in enumerate(polygon):
                self.assertGreaterEqual(len(ring), 4)
                self.assertEqual(ring[0], ring[-1])  # closed (RFC 7946 3.1.6)
                points = [tuple(point) for point in ring[:-1]]
                # outer rings counterclockwise, holes clockwise
                self.assertEqual(geo.ring_area(points) > 0, position == 0)
                rings.append(points)
            shape.append(rings)
        # [lng, lat]: Java lies near 107 E, 7 S; the probe point is inside
        lng, lat = shape[0][0][0]
        self.assertTrue(100 < lng < 115 and -9 < lat < -5, (lng, lat))
        probe = next(p for p in probe_points() if p[0] == NEGLAWANGI)
        self.assertTrue(geo.in_shape(shape, probe[1], probe[2]))

    def test_every_level_and_both_codes(self):
        for level in LEVELS.values():
            with self.subTest(level=level.key):
                feature = self.get_json(
                    f"/api/{level.key}/{level.example_code}/geojson"
                )
                self.assertEqual(feature["properties"]["code"], level.example_code)
                self.assertEqual(feature["properties"]["level"], level.key)
                if level.kemendagri_parts:
                    by_kemendagri = self.get_json(
                        f"/api/{level.key}/{level.example_kemendagri}/geojson"
                    )
                    self.assertEqual(by_kemendagri, feature)

    def test_gzip_and_etag(self):
        path = "/api/provinsi/94/geojson"  # Papua: a large boundary
        plain = self.get(path, headers={"Accept-Encoding": "identity"})
        self.assertEqual(plain.status_code, 200)
        self.assertNotIn("Content-Encoding", plain.headers)
        self.assertGreater(len(plain.content), 50_000)
        gzipped = self.get(path, headers={"Accept-Encoding": "gzip"}, stream=True)
        self.assertEqual(gzipped.headers.get("Content-Encoding"), "gzip")
        raw = gzipped.raw.read(decode_content=False)
        self.assertLess(len(raw), len(plain.content) / 2)
        self.assertEqual(gzip.decompress(raw), plain.content)
        again = self.get(path, headers={"If-None-Match": plain.headers["ETag"]})
        self.assertEqual(again.status_code, 304)

    def test_errors(self):
        cases = [
            ("/api/kelurahan/32040/geojson", 400, "Invalid kelurahan/desa code"),
            ("/api/kelurahan/3204059999/geojson", 404, "No kelurahan/desa with"),
            (f"/api/kelurahan/{NO_KEMENDAGRI_CODE}/geojson", 404, "No boundary"),
        ]
        for path, status, message in cases:
            with self.subTest(path=path):
                self.get_error(path, status, message_contains=message)
        self.get_error("/api/kota/3204/geojson/x", 404)
        self.get_error("/api/kota/3204/geojson", 401, key=None)


@tagged("post_install", "-at_install")
class TestPartnerFromCoordinates(WilayahCase):
    def setUp(self):
        super().setUp()
        lat, lng = LEVELS[POSTAL_LEVEL.key].example_location
        self.partner = self.env["res.partner"].create(
            {
                "name": "Kebun Teh",
                "partner_latitude": lat,
                "partner_longitude": lng,
                "city": "Somewhere else",
                "zip": "99999",
            }
        )

    def test_button_fills_the_address(self):
        self.partner.action_wilayah_locate()
        neglawangi = self.env.ref(f"{MODULE}.kelurahan_{NEGLAWANGI}")
        self.assertEqual(self.partner.wilayah_kelurahan_id, neglawangi)
        self.assertEqual(self.partner.wilayah_kecamatan_id, neglawangi.kecamatan_id)
        self.assertEqual(self.partner.wilayah_kota_id, neglawangi.kota_id)
        self.assertEqual(self.partner.state_id, self.env.ref("base.state_id_jb"))
        self.assertEqual(self.partner.country_id, self.env.ref("base.id"))
        self.assertEqual(self.partner.city, "Kabupaten Bandung")
        self.assertEqual(self.partner.zip, "40386")

    def test_without_coordinates_or_place(self):
        self.partner.partner_latitude = self.partner.partner_longitude = 0
        with self.assertRaisesRegex(UserError, "has no coordinates"):
            self.partner.action_wilayah_locate()
        self.partner.write({"partner_latitude": -5.0, "partner_longitude": 110.0})
        with self.assertRaisesRegex(UserError, "No kelurahan/desa is known"):
            self.partner.action_wilayah_locate()
        self.assertFalse(self.partner.wilayah_kelurahan_id)

    def test_archived_village(self):
        self.env.ref(f"{MODULE}.kelurahan_{NEGLAWANGI}").active = False
        with self.assertRaisesRegex(UserError, "NEGLAWANGI.*is archived"):
            self.partner.action_wilayah_locate()
        self.assertFalse(self.partner.wilayah_kelurahan_id)

    def test_button_in_the_address_block(self):
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn('name="action_wilayah_locate"', arch)
        form = Form(self.partner)
        self.assertEqual(form.partner_latitude, self.partner.partner_latitude)
        company_arch = self.env["res.company"].get_view(view_type="form")["arch"]
        self.assertNotIn("action_wilayah_locate", company_arch)


class TestGeoPlain(BaseCase):
    """wilayah/geo.py on its own."""

    SQUARE = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)]
    HOLE = [(1.0, 1.0), (1.0, 3.0), (3.0, 3.0), (3.0, 1.0)]

    def test_encode_round_trip(self):
        shape = [
            [[(106.81234, -6.20001), (106.9, -6.2), (106.85, -6.1)]],
            [self.SQUARE, self.HOLE],
        ]
        text = geo.encode_shape(shape)
        self.assertEqual(geo.decode_shape(text), shape)
        self.assertNotIn(".", text)  # grid integers only
        self.assertEqual(geo.decode_shape(""), [])

    def test_in_shape_with_hole(self):
        shape = [[self.SQUARE, self.HOLE]]
        self.assertTrue(geo.in_shape(shape, 0.5, 0.5))
        self.assertFalse(geo.in_shape(shape, 2.0, 2.0))
        self.assertFalse(geo.in_shape(shape, 5.0, 2.0))
        self.assertEqual(geo.shape_area(shape), 12.0)

    def test_interior_point_of_a_concave_shape(self):
        # a U: its centroid falls in the gap, the interior point does not
        u_shape = [[[(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3)]]]
        lng, lat = geo.interior_point(u_shape)
        self.assertTrue(geo.in_shape(u_shape, lng, lat))
        self.assertFalse(geo.in_shape(u_shape, 1.5, 2.0))

    def test_simplify_keeps_the_outline_within_tolerance(self):
        ring = [(x / 10, 0.001 * (x % 2)) for x in range(0, 41)] + [(4, 4), (0, 4)]
        simplified = geo.simplify_ring(ring, 0.01)
        self.assertLess(len(simplified), len(ring) / 5)
        self.assertEqual(simplified[0], ring[0])
        self.assertEqual(geo.simplify_ring(ring, 0.0), ring)

    def test_geojson_orientation(self):
        clockwise = self.SQUARE[::-1]
        feature = geo.geojson_feature(
            "kota", "3204", "BANDUNG", [[clockwise, self.HOLE[::-1]]]
        )
        outer, hole = feature["geometry"]["coordinates"][0]
        self.assertGreater(geo.ring_area([tuple(p) for p in outer[:-1]]), 0)
        self.assertLess(geo.ring_area([tuple(p) for p in hole[:-1]]), 0)
        self.assertEqual(outer[0], outer[-1])
