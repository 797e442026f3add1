# Thin wrapper: the logic lives in scripts/*.sh. Variables are read from the
# environment or the command line, e.g. `make run DB=demo PORT=8070 WORKERS=2`.
SHELL := /bin/bash
export DB PORT WORKERS TEST_DB TEST_PORT PYTHON ODOO_SRC ODOO_HOME STATE_DIR

.PHONY: help setup run test key lint bench bench-import search-quality soak fuzz docs-check check-upgrade readme i18n

help:
	@echo "targets: setup run test key lint bench bench-import search-quality soak fuzz docs-check check-upgrade readme i18n"

setup:
	@bash scripts/setup.sh

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

# install, -u and the drop-in replacement of the published module, end to end
check-upgrade:
	@bash scripts/test.sh upgrade

key:
	@bash scripts/key.sh

lint:
	@bash scripts/lint.sh

# i18n: re-export i18n/*.pot and merge it into i18n/*.po
bench soak fuzz i18n:
	@bash scripts/$@.sh

# the shipped files through the import dialog's calls (base_import)
bench-import:
	@bash scripts/bench_import.sh

# the address search (wilayah/search.py) on generated queries, then on a
# second reader's, against the substring and all-words baselines; in-process
search-quality:
	@python3 tools/search_quality.py
	@python3 tools/search_quality.py --queries tools/search_queries_second_reader.json

docs-check:
	@bash scripts/check_docs.sh

# README.rst and static/description/index.html (the Apps page) from readme/*.md
readme:
	@python3 tools/gen_readme.py
