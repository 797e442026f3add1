#!/usr/bin/env python3
# Odoo's launcher (as its own setup/odoo), kept as a file: with --workers, Odoo
# starts its gevent process as [python, sys.argv[0], "gevent", ...], which a
# `python -c` launcher cannot give.
__import__("os").environ["TZ"] = "UTC"
import odoo  # noqa: E402  (TZ must be set before Odoo loads)

if __name__ == "__main__":
    odoo.cli.main()
