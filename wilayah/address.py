"""Indonesian addresses in Odoo's own forms: which levels a partner carries,
how their units are written in an address, and Odoo's state of each province.

Plain Python, as the rest of this package: ``models/wilayah_address_mixin.py``
puts it on partners and companies, and the tests import it directly.
"""

import re

from .levels import LEVEL_KEYS, LEVELS, ancestors

# The levels a partner names with a field of its own, top-down (kota,
# kecamatan, kelurahan). The provinsi is Odoo's own ``state_id``.
ADDRESS_LEVELS = tuple(key for key in LEVEL_KEYS if LEVELS[key].parent)
# The level whose unit is Odoo's ``city`` ("Kabupaten Bandung").
CITY_LEVEL = "kota"
# The levels that Odoo's address has no line for: the address format of
# Indonesia prints them, one line each, above the city.
PRINTED_LEVELS = tuple(key for key in reversed(ADDRESS_LEVELS) if key != CITY_LEVEL)

# Odoo's code (ISO 3166-2:ID) of the res.country.state of each provinsi, by
# BPS code: the 38 states base installs for Indonesia.
STATE_CODES = {
    "11": "AC",
    "12": "SU",
    "13": "SB",
    "14": "RI",
    "15": "JA",
    "16": "SS",
    "17": "BE",
    "18": "LA",
    "19": "BB",
    "21": "KR",
    "31": "JK",
    "32": "JB",
    "33": "JT",
    "34": "YO",
    "35": "JI",
    "36": "BT",
    "51": "BA",
    "52": "NB",
    "53": "NT",
    "61": "KB",
    "62": "KT",
    "63": "KS",
    "64": "KI",
    "65": "KU",
    "71": "SA",
    "72": "ST",
    "73": "SN",
    "74": "SG",
    "75": "GO",
    "76": "SR",
    "81": "MA",
    "82": "MU",
    "91": "PB",
    "92": "PD",
    "94": "PA",
    "95": "PS",
    "96": "PT",
    "97": "PE",
}
COUNTRY_CODE = "ID"

# Roman numerals in names stay as they are: KOTO XI TARUSAN, not Koto Xi.
ROMAN_NUMERAL = re.compile(r"(?=[IVX])X{0,3}(IX|IV|V?I{0,3})")
NAME_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


def address_field(level_key):
    """The partner's Many2one to a unit of this level: ``wilayah_kota_id``."""
    return f"wilayah_{level_key}_id"


def printed_name_field(level_key):
    """The partner's field that the address format prints for this level."""
    return f"wilayah_{level_key}_name"


def domain_field(level_key):
    """The partner's field holding the domain of its dropdown of this level."""
    return f"wilayah_{level_key}_domain"


def address_ancestors(level_key):
    """Keys of the address levels above ``level_key``, nearest first."""
    return tuple(key for key in ancestors(level_key) if key in ADDRESS_LEVELS)


def address_descendants(level_key):
    """Keys of the address levels below ``level_key``, nearest first."""
    return tuple(key for key in ADDRESS_LEVELS if level_key in ancestors(key))


def title_case(name):
    """A name in capitals as an address writes it: ``KOTO XI TARUSAN`` ->
    ``Koto XI Tarusan``; ``MA'RUF`` -> ``Ma'ruf``."""

    def word(match):
        text = match.group()
        return text if ROMAN_NUMERAL.fullmatch(text) else text.capitalize()

    return NAME_WORD.sub(word, name or "")


def address_name(level_key, name, unit_type=None):
    """A unit as an address names it, with the word of its type or level:
    ``Kabupaten Bandung``, ``Kecamatan Kertasari``, ``Desa Neglawangi``;
    the name alone where its type is not known."""
    level = LEVELS[level_key]
    if level.types:
        word = next((kind.label for kind in level.types if kind.value == unit_type), "")
    else:
        word = level.title
    name = title_case(name)
    return f"{word} {name}" if word and name else name


def village_zip(postal_codes, typed_zip):
    """The zip of an address in a village: the one typed if the village has
    it, else the village's first code (``postal_codes`` is "40386,40387")."""
    codes = [code for code in (postal_codes or "").split(",") if code]
    if typed_zip and typed_zip.strip() in codes:
        return typed_zip.strip()
    return codes[0] if codes else typed_zip


# Indonesia's address format (res.country.address_format): the village and
# the district on their own lines, then "city, province zip".
ADDRESS_FORMAT = "\n".join(
    [
        "%(street)s",
        "%(street2)s",
        *(f"%({printed_name_field(key)})s" for key in PRINTED_LEVELS),
        "%(city)s, %(state_name)s %(zip)s",
        "%(country_name)s",
    ]
)
