#!/usr/bin/env python3
"""README.rst and the Apps page from readme/*.md and __manifest__.py.

Does what OCA's oca-gen-addon-readme does, with the standard library and
docutils only: the Markdown fragments of readme/ (the subset they use:
paragraphs, ATX headings, bullet and numbered lists, indented and fenced code,
`code`, *emphasis*, **strong**, [links](url)) become reStructuredText sections
of README.rst in OCA's layout, and docutils renders README.rst into
static/description/index.html, the page Odoo shows for the module in Apps
(a small stylesheet embedded, nothing loaded from elsewhere). The output
depends only on the inputs (no dates).

    python3 tools/gen_readme.py          write README.rst and index.html
    python3 tools/gen_readme.py --check  exit 1, naming the stale file, when
                                         either differs from what it would write
"""

import argparse
import ast
import re
import sys
import textwrap
from pathlib import Path

from docutils.core import publish_string

ADDON_DIR = Path(__file__).resolve().parent.parent
README_RST = "README.rst"
INDEX_HTML = "static/description/index.html"

# (fragment, section title) in OCA's order; a missing or empty fragment has no
# section. DESCRIPTION comes before the table of contents, the credits last.
SECTIONS = [
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
]
CREDITS = [("CONTRIBUTORS", "Contributors"), ("CREDITS", "Other credits")]

# Section underlines below the document title (which is over- and underlined
# with "="): sections "=", their subsections "-", then "~", "^", '"'.
UNDERLINES = '=-~^"'
TOC = "**Table of contents**\n\n.. contents::\n   :local:\n   :backlinks: none"

STYLE = """
body { margin: 0; background: #fff; color: #1f2328;
  font: 15px/1.55 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
div.document { max-width: 52em; margin: 0 auto; padding: 1.5em 2em 3em; }
h1.title { font-size: 2em; margin: 0.2em 0 0.4em; color: #714b67; }
h1, h2, h3, h4 { line-height: 1.25; margin: 1.6em 0 0.5em; }
h2 { font-size: 1.5em; padding-bottom: 0.25em; border-bottom: 1px solid #d8dee4; }
h3 { font-size: 1.2em; }
p, ul, ol, pre, table { margin: 0 0 0.9em; }
p.summary { font-size: 1.15em; color: #57606a; }
ul, ol { padding-left: 1.6em; }
li > p { margin: 0 0 0.3em; }
a { color: #0969da; text-decoration: none; }
a:hover { text-decoration: underline; }
tt.literal, pre.literal-block { font-family: ui-monospace, SFMono-Regular,
  Menlo, Consolas, monospace; font-size: 0.9em; background: #f3f4f6;
  border-radius: 4px; }
tt.literal { padding: 0.05em 0.2em; }
pre.literal-block { padding: 0.8em 1em; overflow-x: auto; }
table.docinfo { border-collapse: collapse; color: #57606a; }
table.docinfo th { text-align: left; padding: 0 1em 0 0; font-weight: 600; }
table.docinfo td { padding: 0; }
div.contents { background: #f6f8fa; border: 1px solid #d8dee4;
  border-radius: 6px; padding: 0.4em 1.2em; margin: 0 0 1em; }
div.contents ul { margin: 0.3em 0; }
"""

# --------------------------------------------------------------- Markdown


class MarkdownError(ValueError):
    pass


# Characters that may stand right before / after reStructuredText inline
# markup (docutils' "inline markup recognition rules", ASCII part).
_MARKUP_BEFORE = set(" \t\n-:/'\"<([{")
_MARKUP_AFTER = set(" \t\n-.,:;!?\\/'\")]}>")

_INLINE = re.compile(
    r"""
      (?P<ticks>`+)(?P<code>.+?)(?P=ticks)
    | \[(?P<link_text>[^\]]+)\]\((?P<link_url>[^)\s]+)\)
    | <(?P<autolink>https?://[^>\s]+)>
    | \*\*(?P<strong>\S(?:.*?\S)?)\*\*
    | (?<!\w)__(?P<strong_>\S(?:.*?\S)?)__(?!\w)
    | \*(?P<em>[^\s*](?:.*?[^\s*])?)\*
    | (?<!\w)_(?P<em_>[^\s_](?:.*?[^\s_])?)_(?!\w)
    | \\(?P<escaped>[!-/:-@\[-`{-~])
    """,
    re.VERBOSE | re.DOTALL,
)


def _escape(text):
    """Plain text for reStructuredText: no character starts markup."""
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([*`|])", r"\\\1", text)
    # name_ and name__ are references
    return re.sub(r"_(?=[^0-9A-Za-z]|$)", r"\\_", text)


def _markup(match):
    """The reStructuredText of one inline Markdown construct."""
    kind = match.lastgroup
    value = match.group(kind)
    if kind == "code":
        value = value.strip()
        if "``" in value or not value:
            raise MarkdownError(f"code span not representable: {match.group(0)!r}")
        return f"``{value}``"
    if kind == "link_url":
        text = _escape(match.group("link_text")).replace("<", "\\<")
        return f"`{text} <{value}>`__"
    if kind == "autolink":
        return f"`{value} <{value}>`__"
    if kind in ("strong", "strong_"):
        return f"**{_escape(value)}**"
    if kind in ("em", "em_"):
        return f"*{_escape(value)}*"
    return None  # an escaped character: plain text


def inline(text):
    """Markdown inline text to reStructuredText."""
    out = []
    pos = 0
    for match in _INLINE.finditer(text):
        out.append(_escape(text[pos : match.start()]))
        pos = match.end()
        rst = _markup(match)
        if rst is None:
            out.append(_escape(match.group("escaped")))
            continue
        # inline markup must stand between spaces or punctuation: "\ " is an
        # escaped space, which reStructuredText drops
        before = "".join(out)[-1:]
        if before and before not in _MARKUP_BEFORE:
            out.append("\\ ")
        out.append(rst)
        if pos < len(text) and text[pos] not in _MARKUP_AFTER:
            out.append("\\ ")
    out.append(_escape(text[pos:]))
    return "".join(out)


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^(```+|~~~+)")
_ITEM = re.compile(r"^( {0,3})([-*+]|\d{1,9}[.)])( +|$)")
# A paragraph line that reStructuredText would read as block markup.
_RST_BLOCK_START = re.compile(
    r"^(?:[-+*\u2022](?:\s|$)|(?:\d+|[A-Za-z#]|[ivxlcdm]+|[IVXLCDM]+)[.)]\s"
    r"|\(\w+\)\s|\.\.(?:\s|$)|:|>>>|\|(?:\s|$))"
)


def _indent(text, width):
    pad = " " * width
    return "\n".join(pad + line if line else line for line in text.split("\n"))


class _Blocks:
    """Markdown block structure to reStructuredText blocks."""

    def __init__(self, lines, underlines):
        self.lines = lines
        self.underlines = underlines
        self.pos = 0
        self.blocks = []  # (kind, rst)

    def parse(self):
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if not line.strip():
                self.pos += 1
            elif _FENCE.match(line.lstrip()) and self._indent_of(line) < 4:
                self._fenced()
            elif self._indent_of(line) >= 4:
                self._indented_code()
            elif _HEADING.match(line):
                self._heading()
            elif _ITEM.match(line):
                self._list()
            else:
                self._paragraph()
        return self.blocks

    @staticmethod
    def _indent_of(line):
        return len(line) - len(line.lstrip(" "))

    def _literal(self, code_lines):
        while code_lines and not code_lines[-1].strip():
            code_lines.pop()
        if not code_lines:
            return
        # "text:" then a literal block is "text::" in reStructuredText
        if self.blocks and self.blocks[-1][0] == "p" and self.blocks[-1][1][-1] == ":":
            self.blocks[-1] = ("p", self.blocks[-1][1] + ":")
        else:
            self.blocks.append(("marker", "::"))
        self.blocks.append(("code", _indent("\n".join(code_lines), 4)))

    def _fenced(self):
        opening = self.lines[self.pos]
        indent = self._indent_of(opening)
        fence = _FENCE.match(opening.lstrip()).group(1)
        self.pos += 1
        code = []
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            self.pos += 1
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                break
            code.append(line[min(indent, self._indent_of(line)) :])
        else:
            raise MarkdownError(f"unclosed code fence {fence!r}")
        self._literal(code)

    def _indented_code(self):
        code = []
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if line.strip() and self._indent_of(line) < 4:
                break
            code.append(line[4:])
            self.pos += 1
        self._literal(code)

    def _heading(self):
        match = _HEADING.match(self.lines[self.pos])
        self.pos += 1
        level = len(match.group(1))
        if level > len(self.underlines):
            raise MarkdownError(f"heading too deep here: {match.group(0)!r}")
        title = inline(match.group(2))
        self.blocks.append(("h", f"{title}\n{self.underlines[level - 1] * len(title)}"))

    def _starts_block(self, line):
        return bool(
            _HEADING.match(line)
            or (_FENCE.match(line.lstrip()) and self._indent_of(line) < 4)
            or (_ITEM.match(line) and not _ITEM.match(line).group(2)[0].isdigit())
            or re.match(r"^ {0,3}1[.)] ", line)
        )

    def _paragraph(self):
        text = []
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if not line.strip() or (text and self._starts_block(line)):
                break
            text.append(line.strip())
            self.pos += 1
        rst = inline("\n".join(text))
        if _RST_BLOCK_START.match(rst):
            rst = "\\" + rst
        self.blocks.append(("p", rst))

    def _list(self):
        first = _ITEM.match(self.lines[self.pos])
        ordered = first.group(2)[0].isdigit()
        items = []
        while self.pos < len(self.lines):
            match = _ITEM.match(self.lines[self.pos])
            if not match or match.group(2)[0].isdigit() != ordered:
                break
            items.append(self._item(match))
            # a blank line then something that is not an item ends the list
            if self.pos < len(self.lines) and not _ITEM.match(self.lines[self.pos]):
                break
        loose = any(len(blocks) > 1 for blocks in items)
        rst = []
        for number, blocks in enumerate(items, 1):
            marker = f"{number}. " if ordered else "- "
            body = "\n\n".join(text for _kind, text in blocks)
            rst.append(marker + _indent(body, len(marker))[len(marker) :])
        self.blocks.append(("list", ("\n\n" if loose else "\n").join(rst)))

    def _item(self, match):
        """One list item's blocks; self.pos moves past it (and blank lines)."""
        line = self.lines[self.pos]
        # the item's content column: after the marker and its spaces (one
        # space when more than four, which start indented code)
        width = len(match.group(0))
        if not match.group(3) or len(match.group(3)) > 4:
            width = len(match.group(1)) + len(match.group(2)) + 1
        content = [line[width:]]
        self.pos += 1
        blank = False
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if not line.strip():
                blank = True
                content.append("")
            elif self._indent_of(line) >= width:
                blank = False
                content.append(line[width:])
            elif not blank and not _ITEM.match(line) and not self._starts_block(line):
                content.append(line.strip())  # a lazy continuation line
            else:
                break
            self.pos += 1
        while content and not content[-1]:
            content.pop()
        blocks = _Blocks(content, self.underlines).parse()
        return blocks or [("p", "")]


def md_to_rst(text, underlines):
    """A Markdown fragment as reStructuredText, its headings underlined with
    `underlines` (level 1 first)."""
    lines = text.expandtabs(4).splitlines()
    lines = [line.rstrip() for line in lines]
    blocks = _Blocks(lines, underlines).parse()
    return "\n\n".join(text for _kind, text in blocks)


# ------------------------------------------------------------------ README


def read_manifest(addon_dir):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text("utf-8"))


def read_fragment(addon_dir, name):
    path = addon_dir / "readme" / f"{name}.md"
    if not path.is_file():
        return ""
    return path.read_text("utf-8").strip()


def _section(title, body, level):
    return f"{title}\n{UNDERLINES[level] * len(title)}\n\n{body}"


def _fragment(addon_dir, name, level):
    text = read_fragment(addon_dir, name)
    if not text:
        return ""
    try:
        return md_to_rst(text, UNDERLINES[level + 1 :])
    except MarkdownError as exc:
        raise SystemExit(f"readme/{name}.md: {exc}") from exc


def make_readme(addon_dir):
    manifest = read_manifest(addon_dir)
    name = manifest["name"]
    bar = "=" * len(name)
    parts = [
        f"{bar}\n{name}\n{bar}",
        "..\n"
        "   This file is generated by tools/gen_readme.py from readme/*.md and\n"
        "   __manifest__.py (which also writes static/description/index.html):\n"
        "   edit those and run it again.",
        f":Version: {manifest['version']}\n"
        f":License: {manifest['license']}\n"
        f":Author: {inline(manifest['author'])}",
    ]
    if manifest.get("summary"):
        summary = inline(manifest["summary"])
        summary = textwrap.fill(
            summary, 88, break_long_words=False, break_on_hyphens=False
        )
        parts.append(f".. class:: summary\n\n{summary}")
    description = _fragment(addon_dir, "DESCRIPTION", -1)
    if description:
        parts.append(description)
    parts.append(TOC)
    for fragment, title in SECTIONS:
        body = _fragment(addon_dir, fragment, 0)
        if body:
            parts.append(_section(title, body, 0))
    parts.append(_section("Credits", "", 0).rstrip())
    authors = [author.strip() for author in manifest["author"].split(",")]
    authors = "\n".join(f"- {inline(author)}" for author in authors if author)
    parts.append(_section("Authors", authors, 1))
    for fragment, title in CREDITS:
        body = _fragment(addon_dir, fragment, 1)
        if body:
            parts.append(_section(title, body, 1))
    return "\n\n".join(parts) + "\n"


def make_html(rst):
    html = publish_string(
        rst,
        writer_name="html",
        settings_overrides={
            "_disable_config": True,  # no docutils.conf of the machine
            "output_encoding": "utf-8",
            "xml_declaration": False,  # Odoo warns about them
            "embed_stylesheet": False,
            "stylesheet_path": "",
            "stylesheet": "",
            "initial_header_level": 2,  # h1 is the title
            "halt_level": 2,  # a warning is an error
            "report_level": 2,
            "traceback": True,
        },
    ).decode("utf-8")
    # not the docutils version: the page depends on the inputs only
    html = re.sub(r'<meta name="generator"[^>]*/>\n', "", html)
    # one line: the page is generated, the readable stylesheet is STYLE above
    style = " ".join(STYLE.split())
    style = f'<style type="text/css">{style}</style>\n'
    if html.count("</head>") != 1:
        raise SystemExit("docutils wrote no single </head>")
    return html.replace("</head>", style + "</head>")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when a file is not what it would be",
    )
    parser.add_argument("--addon-dir", type=Path, default=ADDON_DIR)
    args = parser.parse_args()
    rst = make_readme(args.addon_dir)
    outputs = {README_RST: rst, INDEX_HTML: make_html(rst)}
    stale = []
    for relpath, content in outputs.items():
        path = args.addon_dir / relpath
        current = path.read_text("utf-8") if path.is_file() else None
        if current == content:
            continue
        if args.check:
            stale.append(relpath)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, "utf-8")
            print(f"wrote {relpath}")
    for relpath in stale:
        print(
            f"{relpath} is stale (readme/*.md or __manifest__.py changed): "
            "run python3 tools/gen_readme.py",
            file=sys.stderr,
        )
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
