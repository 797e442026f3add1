"""Short names Indonesians write for provinces and a few cities.

Address search (``search.py``) reads a word of this table as the whole name
of the unit it names: ``jabar`` is JAWA BARAT, ``jaksel`` JAKARTA SELATAN.
Keys are words as the search folds them (lower case, no dots nor spaces);
values are BPS codes (2 digits: a province, 4: a city or regency), or several
where the word names several units (jogja: the province and its city).
"""

ALIASES = {
    # Provinces: the abbreviations of news, forms and number plates' regions.
    "nad": "11",
    "sumut": "12",
    "sumbar": "13",
    "sumsel": "16",
    "babel": "19",
    "kepri": "21",
    "dki": "31",
    "jkt": "31",
    "jabar": "32",
    "jateng": "33",
    "diy": "34",
    "jogja": ("34", "3471"),
    "jogjakarta": ("34", "3471"),
    "jokja": ("34", "3471"),
    "jokjakarta": ("34", "3471"),
    "yogya": ("34", "3471"),
    "jatim": "35",
    "ntb": "52",
    "ntt": "53",
    "kalbar": "61",
    "kalteng": "62",
    "kalsel": "63",
    "kaltim": "64",
    "kaltara": "65",
    "sulut": "71",
    "sulteng": "72",
    "sulsel": "73",
    "sultra": "74",
    "sulbar": "76",
    "malut": "82",
    "pabar": "91",
    "pbd": "92",
    "papsel": "95",
    "papteng": "96",
    "papeg": "97",
    # Jakarta's five cities and its regency, and cities better known by
    # another name.
    "jakpus": "3173",
    "jakbar": "3174",
    "jaksel": "3171",
    "jaktim": "3172",
    "jakut": "3175",
    "kepseribu": "3101",
    "solo": "3372",
}
