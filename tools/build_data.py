#!/usr/bin/env python3
"""Build the data files the addon ships from the project's data set.

Usage: tools/build_data.py SOURCE_DIR [TARGET_DIR]

SOURCE_DIR holds data_provinsi.csv, data_kota.csv, data_kecamatan.csv,
data_kelurahan.csv and kemendagri_bridge.csv (see its PROVENANCE.md). The four
import files are copied to TARGET_DIR (default: data/wilayah of this addon)
with one column added, ``kemendagri_code``: the Kemendagri code(s) of the unit
from the bridge, sorted and comma-separated where BPS merges several
Kemendagri units into one, empty where Kemendagri has no such unit. The files
stay importable as they are through Actions > Import.
"""

import csv
import shutil
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from wilayah.levels import LEVELS  # noqa: E402


def main(source_dir, target_dir):
    bridge = defaultdict(set)
    bridge_path = source_dir / "kemendagri_bridge.csv"
    with open(bridge_path, newline="", encoding="utf-8") as bridge_file:
        for row in csv.DictReader(bridge_file):
            if row["bps_code"] and row["kemendagri_code"]:
                bridge[(row["level"], row["bps_code"])].add(row["kemendagri_code"])
    target_dir.mkdir(parents=True, exist_ok=True)
    for level in LEVELS:
        name = LEVELS[level].data_file
        with (
            open(source_dir / name, newline="", encoding="utf-8") as source,
            open(target_dir / name, "w", newline="", encoding="utf-8") as target,
        ):
            reader = csv.DictReader(source)
            writer = csv.DictWriter(
                target, [*reader.fieldnames, "kemendagri_code"], lineterminator="\n"
            )
            writer.writeheader()
            for row in reader:
                row["kemendagri_code"] = ",".join(sorted(bridge[(level, row["code"])]))
                writer.writerow(row)
    shutil.copy(source_dir / "PROVENANCE.md", target_dir / "PROVENANCE.md")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    default_target = Path(__file__).resolve().parent.parent / "data" / "wilayah"
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) == 3 else default_target)
