"""The four levels of Indonesia's administrative units, described once.

Everything else derives from this table: the models' names, fields and code
rules, the data loader, the API's index and JSON shapes, its routes, the
OpenAPI document, the tests and the bench/soak/fuzz tools. Plain Python: no
ORM, so that unit tests and the tools import it without a database.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

# One rule for digits everywhere: ASCII only. Python's \d also takes e.g.
# fullwidth or Arabic-Indic digits, which no code of either numbering has.
DIGIT = "[0-9]"
POSTAL_CODE_PATTERN = f"{DIGIT}{{5}}"
# Patterns are published in the OpenAPI document: they use only syntax that
# Python's re and ECMA-262 (JavaScript, with or without the u flag) read alike,
# and are matched with re.fullmatch here (so "$" never accepts a trailing "\n").
POSTAL_CODES_PATTERN = f"^({POSTAL_CODE_PATTERN}(,{POSTAL_CODE_PATTERN})*)?$"


def is_postal_code(value):
    """A single 5-digit postal code."""
    return bool(re.fullmatch(POSTAL_CODE_PATTERN, value or ""))


def normalize_postal_codes(value):
    """'23898, 23895' -> '23895,23898' (sorted, no blanks, no repeats)."""
    if not value:
        return value
    return ",".join(sorted({part.strip() for part in str(value).split(",")} - {""}))


@dataclass(frozen=True)
class UnitType:
    """One kind of unit within a level (the ``type`` field), e.g. ``kota``."""

    value: str  # stored and answered: "kabupaten"
    label: str  # shown in Odoo: "Kabupaten"
    prefix: str  # before the name in a label ("KAB. BANDUNG"); "" for none
    # Words (casefolded, without dots) that people write for it in an address.
    words: tuple


def kota_type(code, _kemendagri_code):
    """BPS numbers cities 71 and above within their province (3273 KOTA
    BANDUNG), regencies below (3204 KAB. BANDUNG)."""
    return "kota" if code[2:4] >= "71" else "kabupaten"


def kelurahan_type(_code, kemendagri_code):
    """Kemendagri numbers a kelurahan 1xxx and a desa 2xxx within its
    kecamatan; 3xxx are the kampung adat of Kab. Jayapura, villages (desa)
    by law. None where the numbering does not say: no Kemendagri code (578
    units, many a "desa persiapan"), or codes of both kinds (2 units that BPS
    counts once)."""
    kinds = {
        "kelurahan" if part.rsplit(".", 1)[-1][:1] == "1" else "desa"
        for part in (kemendagri_code or "").split(",")
        if part
    }
    return kinds.pop() if len(kinds) == 1 else None


@dataclass(frozen=True, eq=False)  # one object per level: compared by identity
class Level:
    """One level of units, e.g. ``kota``."""

    key: str  # "kota": model wilayah.kota, route /api/kota, table wilayah_kota
    title: str  # "Kota/Kabupaten": the model's description and menus
    label: str  # "kota/kabupaten": how API messages name a unit
    word: str  # "city/regency": how the OpenAPI document names one
    plural: str  # "cities and regencies": ... and several
    code_length: int  # digits of its BPS code
    parent: str | None  # key of the level above
    child: str | None  # key of the level below
    # Lengths of the dotted parts of its Kemendagri code ((2, 2) is 32.04); a
    # province's Kemendagri code has no dot and is not accepted as a reference.
    kemendagri_parts: tuple
    # Labels of its fields, and of a field referring to one of its units, as
    # the published module has them.
    name_string: str
    code_string: str
    reference_string: str
    # JSON shapes: how a child's list item names this level's code, and how a
    # descendant's detail names this level (the published module's shapes).
    code_key: str | None
    detail_key: str | None
    has_postal_code: bool
    shipped_units: int  # units in the data the addon ships (data/wilayah/)
    # The unit the documentation shows (and the tests request): code, name,
    # Kemendagri code (and postal code, for villages).
    example: tuple
    # The name filter of the list's documented example, and its answer.
    list_example: tuple
    # The zoom of a map showing one unit (OpenStreetMap's 0-19).
    map_zoom: int
    # The example unit's centroid (latitude, longitude), as shipped.
    example_location: tuple
    # Words (casefolded, without dots) that people write before a unit's name
    # to say its level ("kec", "prov"); its types' words say a type too.
    words: tuple = ()
    # Kinds of its units (the `type` field), and the rule that tells them
    # from a unit's (BPS code, Kemendagri code); none for a level without.
    types: tuple = ()
    type_rule: Callable | None = None

    @property
    def model(self):
        return f"wilayah.{self.key}"

    @property
    def table(self):
        return f"wilayah_{self.key}"

    @property
    def xmlid_prefix(self):
        return f"{self.key}_"

    @property
    def data_file(self):
        """The shipped CSV, in data/wilayah/."""
        return f"data_{self.key}.csv"

    @property
    def reference_field(self):
        """Name of a Many2one to this level: ``kota_id``."""
        return f"{self.key}_id"

    @property
    def parent_field(self):
        return LEVELS[self.parent].reference_field if self.parent else None

    @property
    def child_field(self):
        return f"{self.child}_ids" if self.child else None

    @property
    def parent_filter(self):
        """The query parameter that filters the children's lists by this unit."""
        return f"kode_{self.key}" if self.child else None

    @property
    def code_pattern(self):
        return f"^{DIGIT}{{{self.code_length}}}$"

    @property
    def kemendagri_pattern(self):
        if not self.kemendagri_parts:
            return None
        parts = (f"{DIGIT}{{{length}}}" for length in self.kemendagri_parts)
        return "^" + r"\.".join(parts) + "$"

    @property
    def example_code(self):
        return self.example[0]

    @property
    def example_kemendagri(self):
        return self.example[2]

    def unit_type(self, code, kemendagri_code):
        """The type of a unit (a value of ``types``), or None."""
        return self.type_rule(code, kemendagri_code) if self.type_rule else None

    def written_name(self, name, unit_type):
        """A unit's name as an address writes it: KAB. BANDUNG."""
        prefix = next(
            (kind.prefix for kind in self.types if kind.value == unit_type), ""
        )
        return f"{prefix} {name}" if prefix else name

    def is_code(self, value):
        return bool(re.fullmatch(self.code_pattern, value))

    def is_kemendagri_code(self, value):
        pattern = self.kemendagri_pattern
        return bool(pattern and re.fullmatch(pattern, value))


LEVELS = {
    level.key: level
    for level in (
        Level(
            key="provinsi",
            title="Provinsi",
            label="provinsi",
            word="province",
            plural="provinces",
            code_length=2,
            parent=None,
            child="kota",
            kemendagri_parts=(),
            name_string="Name Provinsi",
            code_string="Kode Provinsi",
            reference_string="Provinsi",
            code_key="province_code",
            detail_key="province",
            has_postal_code=False,
            shipped_units=38,
            example=("32", "JAWA BARAT", "32"),
            map_zoom=7,
            example_location=(-6.920631, 107.603319),
            list_example=(
                "jawa",
                [
                    {"code": "32", "name": "JAWA BARAT"},
                    {"code": "33", "name": "JAWA TENGAH"},
                    {"code": "35", "name": "JAWA TIMUR"},
                ],
            ),
            words=("provinsi", "propinsi", "prov", "prop"),
        ),
        Level(
            key="kota",
            title="Kota/Kabupaten",
            label="kota/kabupaten",
            word="city/regency",
            plural="cities and regencies",
            code_length=4,
            parent="provinsi",
            child="kecamatan",
            kemendagri_parts=(2, 2),
            name_string="Nama Kota",
            code_string="Kode Kota",
            reference_string="Kota",
            code_key="city_code",
            detail_key="city",
            has_postal_code=False,
            shipped_units=514,
            example=("3204", "BANDUNG", "32.04"),
            map_zoom=10,
            example_location=(-7.097588, 107.608727),
            list_example=(
                "bandung",
                [
                    {"code": "3204", "name": "BANDUNG", "province_code": "32"},
                    {"code": "3217", "name": "BANDUNG BARAT", "province_code": "32"},
                    {"code": "3273", "name": "BANDUNG", "province_code": "32"},
                ],
            ),
            types=(
                UnitType("kabupaten", "Kabupaten", "KAB.", ("kabupaten", "kab")),
                UnitType("kota", "Kota", "KOTA", ("kota", "kotamadya", "kodya")),
            ),
            type_rule=kota_type,
        ),
        Level(
            key="kecamatan",
            title="Kecamatan",
            label="kecamatan",
            word="district",
            plural="districts",
            code_length=7,
            parent="kota",
            child="kelurahan",
            kemendagri_parts=(2, 2, 2),
            name_string="Nama Kecamatan",
            code_string="Kode Kecamatan",
            reference_string="Kecamatan",
            code_key="district_code",
            detail_key="sub_district",
            has_postal_code=False,
            shipped_units=7277,
            example=("3204050", "KERTASARI", "32.04.31"),
            map_zoom=12,
            example_location=(-7.235568, 107.677485),
            list_example=(
                "cicalengka",
                [{"code": "3204100", "name": "CICALENGKA", "city_code": "3204"}],
            ),
            # Papua calls its kecamatan "distrik".
            words=("kecamatan", "kec", "kcm", "distrik"),
        ),
        Level(
            key="kelurahan",
            title="Kelurahan/Desa",
            label="kelurahan/desa",
            word="village",
            plural="villages",
            code_length=10,
            parent="kecamatan",
            child=None,
            kemendagri_parts=(2, 2, 2, 4),
            name_string="Nama Kelurahan",
            code_string="Kode Kelurahan",
            reference_string="Kelurahan/Desa",
            code_key=None,
            detail_key=None,
            has_postal_code=True,
            shipped_units=84197,
            example=("3204050001", "NEGLAWANGI", "32.04.31.2005", "40386"),
            map_zoom=14,
            example_location=(-7.27368, 107.69499),
            list_example=(
                "neglawangi",
                [
                    {
                        "code": "3204050001",
                        "name": "NEGLAWANGI",
                        "postal_code": "40386",
                        "district_code": "3204050",
                    }
                ],
            ),
            types=(
                UnitType("kelurahan", "Kelurahan", "", ("kelurahan", "kel")),
                UnitType("desa", "Desa", "", ("desa", "ds")),
            ),
            type_rule=kelurahan_type,
        ),
    )
}
# Top-down: parents always come before their children.
LEVEL_KEYS = tuple(LEVELS)
# The level that carries postal codes (/api/kodepos answers its units).
POSTAL_LEVEL = next(level for level in LEVELS.values() if level.has_postal_code)


def ancestors(level_key):
    """Keys of the levels above ``level_key``, nearest first."""
    result = []
    parent = LEVELS[level_key].parent
    while parent:
        result.append(parent)
        parent = LEVELS[parent].parent
    return tuple(result)


def by_model(model_name):
    """The level of a model name, or None."""
    return next((lvl for lvl in LEVELS.values() if lvl.model == model_name), None)
