#!/usr/bin/env python3
"""End-to-end test: render every samples/*.yaml with nianbao and read the PDF back with
public tools (pdftotext, pdffonts, pdfinfo, qpdf).

Run from the repository root:  python3 tests/test_e2e.py
Environment: NIANBAO  path of the program (default <repo>/nianbao)
             NIANBAO_KEEP=1  keep the output directory (its path is printed)

For each sample the program is run once as
    nianbao render SAMPLE.yaml -o OUT.pdf --dump-boxes OUT.json
and each check is its own test method in a class named after the sample, so a failure reads
e.g. "test_05_cell_text_inside_cells (E2E_chanhe_2023)". The last line printed is
"N passed, N failed"; the exit status is non-zero on any failure.
"""
import atexit
import datetime
import decimal
import functools
import glob
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from collections import namedtuple

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_grid import (REPO, LAYOUT_ID, NUMBER_TEXT, check, document_headings,  # noqa: E402
                       field_spec, layout_cells, load_layout, lookup, number_slots, run_tests,
                       spec_grids, subsequence_problems)

SAMPLES = sorted(glob.glob(os.path.join(REPO, 'samples', '*.yaml')))
TIMEOUT = 120          # seconds per external command
TOL_WORD = 0.5         # pt: a word inside a box, overlap between words, the type area
TOL_GRID = 0.1         # pt: cell edges on the common column and row boundaries
MM = 72 / 25.4
PAPER_MM = {'A3': (297, 420), 'A4': (210, 297), 'A5': (148, 210), 'B5': (176, 250)}

Word = namedtuple('Word', 'x0 y0 x1 y1 text')
Box = namedtuple('Box', 'table section page row col rowspan colspan x0 y0 x1 y1 text number continued')
BOX_KEYS = Box._fields


class Unavailable(AssertionError):
    """An input a check needs could not be produced (counts as that check's failure)."""


def squash(text):
    """The text with all whitespace removed."""
    return re.sub(r'\s+', '', text or '')


def program():
    return os.environ.get('NIANBAO') or os.path.join(REPO, 'nianbao')


@functools.lru_cache(maxsize=None)
def workdir():
    path = tempfile.mkdtemp(prefix='nianbao-e2e-')
    if os.environ.get('NIANBAO_KEEP'):
        print(f'outputs kept in {path}', file=sys.stderr)
    else:
        atexit.register(shutil.rmtree, path, True)
    return path


def run(args):
    """Run a command from the repo root; returns CompletedProcess with text output."""
    try:
        return subprocess.run(args, cwd=REPO, capture_output=True, timeout=TIMEOUT,
                              encoding='utf-8', errors='replace')
    except FileNotFoundError:
        raise Unavailable(f'cannot run {args[0]}: not found')
    except subprocess.TimeoutExpired:
        raise Unavailable(f'{" ".join(args)}: no result after {TIMEOUT} s')


# ---------------------------------------------------------------- reading the sample

def raw_tree(node):
    """A composed YAML node as plain data whose scalars keep their source text."""
    if isinstance(node, yaml.MappingNode):
        return {key.value: raw_tree(value) for key, value in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [raw_tree(item) for item in node.value]
    return node.value


def row_values(raw, path, spec):
    """The `count` values of one data row of the sample: missing means zeros, a scalar is a
    one-element row, a given total (one extra value) is dropped. Decimals stay exact."""
    node = lookup(raw, path)
    count = spec['count']
    if node is None:
        return [0] * count
    values = node if isinstance(node, list) else [node]
    if len(values) not in (count, count + 1):
        raise Unavailable(f'sample row {path} has {len(values)} values, the layout expects {count}')
    convert = decimal.Decimal if spec.get('decimal') else int
    return [convert(v) for v in values[:count]]


def field_values(layout, raw, field):
    """Every printed value of a `numbers:` field: its values (summed elementwise over its rows
    when computed), then its total when it has one."""
    spec = field_spec(layout, field)
    values = [0] * spec['count']
    for path, row_spec in spec['rows']:
        values = [a + b for a, b in zip(values, row_values(raw, path, row_spec))]
    return values + [sum(values)] if spec['total'] else values


def expected_numbers(layout, raw, table):
    """{(row, col): printed text} for every number cell of a layout table."""
    return {(slot.row, slot.col): str(field_values(layout, raw, slot.field)[slot.index])
            for slot in number_slots(layout, table)}


def format_date(layout, value):
    """The sample's date: as the layout's date_format, e.g. 2024年1月20日 (no zero padding)."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value.strip())
    pattern = layout.get('date_format') or '{y}年{m}月{d}日'
    return pattern.format(y=value.year, m=value.month, d=value.day)


def expected_title(layout, sample):
    """The sample's title, else the layout's title pattern; '|' (a preferred break) dropped."""
    pattern = sample.get('title') or layout.get('title') or '{agency}{year}年政府信息公开工作年度报告'
    return str(pattern).format(agency=sample['agency'], year=sample['year']).replace('|', '')


def paragraphs(prose):
    """A prose field's paragraphs (split on blank lines), whitespace removed."""
    return [p for p in (squash(part) for part in re.split(r'\n[ \t]*\n', prose or '')) if p]


def expected_sequence(layout, sample):
    """Texts the report must show, in reading order: title, headings, prose, signature."""
    sequence = [expected_title(layout, sample)]
    for item in layout.get('document') or []:
        if 'heading' in item:
            sequence.append(item['heading'])
        elif 'prose' in item:
            sequence += paragraphs(sample.get(item['prose']))
        elif item.get('signature'):
            sequence.append(sample['agency'])
            if sample.get('date'):
                sequence.append(format_date(layout, sample['date']))
    return [squash(text) for text in sequence]


# ---------------------------------------------------------------- reading the PDF

def parse_bbox_words(xhtml):
    """pdftotext -bbox-layout output as one list of Words per page."""
    pages = []
    for page in re.findall(r'<page\b[^>]*>(.*?)</page>', xhtml, re.S):
        words = []
        for attrs, text in re.findall(r'<word\b([^>]*)>(.*?)</word>', page, re.S):
            a = dict(re.findall(r'(\w+)="([^"]*)"', attrs))
            words.append(Word(float(a['xMin']), float(a['yMin']), float(a['xMax']),
                              float(a['yMax']), html.unescape(text)))
        pages.append(words)
    return pages


def reading_order(words):
    """Words sorted into lines (top to bottom), each line left to right."""
    lines = []
    for word in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
        centre = (word.y0 + word.y1) / 2
        if lines and lines[-1][0].y0 <= centre <= lines[-1][0].y1:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [w for line in lines for w in sorted(line, key=lambda w: w.x0)]


def centre_inside(word, box):
    cx, cy = (word.x0 + word.x1) / 2, (word.y0 + word.y1) / 2
    return box.x0 <= cx <= box.x1 and box.y0 <= cy <= box.y1


def inside(word, box, tol):
    return (word.x0 >= box.x0 - tol and word.x1 <= box.x1 + tol
            and word.y0 >= box.y0 - tol and word.y1 <= box.y1 + tol)


def overlaps(a, b, tol):
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > tol
            and min(a.y1, b.y1) - max(a.y0, b.y0) > tol)


def parse_pdffonts(output):
    """pdffonts rows as dicts keyed by header name, sliced at the dashed rule's columns."""
    lines = output.splitlines()
    rule = next((i for i, line in enumerate(lines) if line.startswith('---')), None)
    if rule is None:
        return []
    spans = [m.span() for m in re.finditer(r'-+', lines[rule])]
    spans[-1] = (spans[-1][0], None)
    header = [lines[rule - 1][a:b].strip() for a, b in spans]
    return [{key: line[a:b].strip() for key, (a, b) in zip(header, spans)}
            for line in lines[rule + 1:] if line.strip()]


def parse_pdfinfo(output):
    """pdfinfo output as {key: value}."""
    return dict(m.groups() for m in re.finditer(r'^([^:\n]+):[ \t]*(.*)$', output, re.M))


def outline_items(items):
    """(title, 1-based destination page or None) of every outline item, depth first."""
    found = []
    for item in items or []:
        found.append((item.get('title'), item.get('destpageposfrom1')))
        found += outline_items(item.get('kids'))
    return found


def strip_page_number(text, page):
    """A page's pdftotext text without its page number line — {page} —."""
    matches = list(re.finditer(rf'—\s*{page}\s*—', text))
    if not matches:
        return text
    m = matches[-1]
    return text[:m.start()] + text[m.end():]


def parse_box(entry, index):
    missing = [key for key in BOX_KEYS if key not in entry]
    if missing:
        raise Unavailable(f'boxes JSON cells[{index}] lacks {", ".join(missing)}: {entry}')
    return Box(**{key: entry[key] for key in BOX_KEYS})


def cell_name(box):
    return f'p{box.page} {box.table}/{box.section} r{box.row}c{box.col}'


# ---------------------------------------------------------------- one sample's run

class SampleRun:
    """A sample, rendered once on first use, with each tool's output read once."""

    def __init__(self, path):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]

    def out(self, suffix):
        return os.path.join(workdir(), self.name + suffix)

    @functools.cached_property
    def sample(self):
        with open(self.path, encoding='utf-8') as f:
            return yaml.safe_load(f)

    @functools.cached_property
    def raw(self):
        with open(self.path, encoding='utf-8') as f:
            return raw_tree(yaml.compose(f))

    @functools.cached_property
    def layout(self):
        return load_layout(self.sample.get('layout') or LAYOUT_ID)

    @functools.cached_property
    def render(self):
        if not os.access(program(), os.X_OK):
            raise Unavailable(f'{program()} is not an executable: build it (make) or set NIANBAO')
        return run([program(), 'render', self.path, '-o', self.out('.pdf'),
                    '--dump-boxes', self.out('.json')])

    @functools.cached_property
    def pdf(self):
        """Path of the rendered PDF; Unavailable when rendering failed."""
        result, path = self.render, self.out('.pdf')
        if result.returncode != 0 or not os.path.isfile(path):
            raise Unavailable(f'no PDF (render exit status {result.returncode}): '
                              f'{result.stderr.strip()[:500]}')
        return path

    def tool(self, *args):
        """Run a PDF tool on the rendered PDF ('{pdf}' in args is replaced by its path)."""
        return run([arg.replace('{pdf}', self.pdf) for arg in args])

    @functools.cached_property
    def text(self):
        return self.tool('pdftotext', '-enc', 'UTF-8', '{pdf}', '-')

    @functools.cached_property
    def page_texts(self):
        """Each page's pdftotext text, without its page number, whitespace removed."""
        pages = self.text.stdout.split('\f')
        if pages and not pages[-1].strip():
            pages.pop()
        return [squash(strip_page_number(text, n)) for n, text in enumerate(pages, 1)]

    @functools.cached_property
    def words(self):
        """Words of each page (index 0 is page 1) from pdftotext -bbox-layout."""
        out = self.out('.html')
        result = self.tool('pdftotext', '-enc', 'UTF-8', '-bbox-layout', '{pdf}', out)
        if result.returncode != 0:
            raise Unavailable(f'pdftotext -bbox-layout failed: {result.stderr.strip()}')
        with open(out, encoding='utf-8', errors='replace') as f:
            return parse_bbox_words(f.read())

    @functools.cached_property
    def info(self):
        result = self.tool('pdfinfo', '-enc', 'UTF-8', '{pdf}')
        if result.returncode != 0:
            raise Unavailable(f'pdfinfo failed: {result.stderr.strip()}')
        return parse_pdfinfo(result.stdout)

    @functools.cached_property
    def dump(self):
        """The --dump-boxes JSON, parsed."""
        self.pdf   # noqa: B018  (rendering must have succeeded)
        try:
            with open(self.out('.json'), encoding='utf-8') as f:
                return json.load(f)
        except (OSError, ValueError) as e:
            raise Unavailable(f'cannot read the --dump-boxes JSON: {e}')

    @functools.cached_property
    def boxes(self):
        return [parse_box(entry, i) for i, entry in enumerate(self.dump.get('cells') or [])]

    @functools.cached_property
    def type_area(self):
        ta = self.dump.get('type_area') or {}
        if not all(k in ta for k in ('x0', 'y0', 'x1', 'y1')):
            raise Unavailable(f'boxes JSON type_area lacks x0/y0/x1/y1: {ta}')
        return Word(ta['x0'], ta['y0'], ta['x1'], ta['y1'], '')

    def page_words(self, page):
        """Words of a 1-based page ([] if the PDF has no such page)."""
        return self.words[page - 1] if 1 <= page <= len(self.words) else []


# ---------------------------------------------------------------- checks, per sample

def cell_text_problems(run_, layout):
    """Check 5: the words inside each cell read as its text, and lie wholly inside it."""
    problems, expected = [], {}
    for table in layout['tables']:
        expected[table] = expected_numbers(layout, run_.raw, table)
    for box in run_.boxes:
        if box.number:
            want = expected.get(box.table, {}).get((box.row, box.col))
            if want is None:
                problems.append(f'{cell_name(box)}: number cell not bound by the layout\'s numbers:')
                continue
            if squash(box.text) and squash(box.text) != want:
                problems.append(f'{cell_name(box)}: JSON text 「{box.text}」, sample gives 「{want}」')
        elif squash(box.text):
            want = squash(box.text)
        else:
            continue
        words = [w for w in run_.page_words(box.page) if centre_inside(w, box)]
        got = ''.join(squash(w.text) for w in reading_order(words))
        if got != want:
            problems.append(f'{cell_name(box)}: PDF shows 「{got}」, expected 「{want}」')
        problems += [f'{cell_name(box)}: word 「{w.text}」 ({w.x0:.1f},{w.y0:.1f})-({w.x1:.1f},'
                     f'{w.y1:.1f}) sticks out of the cell ({box.x0:.1f},{box.y0:.1f})-'
                     f'({box.x1:.1f},{box.y1:.1f})' for w in words if not inside(w, box, TOL_WORD)]
    return problems


def expect_bound(bounds, key, value, what, box, problems):
    """Record bounds[key] = value, or report a disagreement with the value seen first."""
    if key not in bounds:
        bounds[key] = (value, box)
    elif abs(bounds[key][0] - value) > TOL_GRID:
        first_value, first_box = bounds[key]
        problems.append(f'{cell_name(box)}: {what} {value:.2f}, but {cell_name(first_box)} puts '
                        f'that boundary at {first_value:.2f}')


def monotonic_problems(bounds, what, where):
    ordered = [bounds[k][0] for k in sorted(bounds)]
    if any(b < a - TOL_GRID for a, b in zip(ordered, ordered[1:])):
        return [f'{where}: {what} boundaries are not in order: {[round(v, 2) for v in ordered]}']
    return []


def continues(box, boxes):
    """Whether a cell fragment is cut at the page end: a continued fragment follows it."""
    return any(o.continued and o.page > box.page and (o.row, o.col) == (box.row, box.col)
               for o in boxes)


def alignment_problems(table, boxes):
    """Check 6 for one table: one set of column boundaries; per page, one set of row bounds."""
    problems, columns = [], {}
    cut = {(b.row, b.col, b.page) for b in boxes if continues(b, boxes)}
    for box in boxes:
        if box.x1 <= box.x0 or box.y1 <= box.y0:
            problems.append(f'{cell_name(box)}: empty box ({box.x0},{box.y0})-({box.x1},{box.y1})')
        expect_bound(columns, box.col, box.x0, 'x0', box, problems)
        expect_bound(columns, box.col + box.colspan, box.x1, 'x1', box, problems)
    problems += monotonic_problems(columns, 'column', f'table {table}')
    for page in sorted({b.page for b in boxes}):
        rows, on_page = {}, [b for b in boxes if b.page == page]
        for box in on_page:
            if not box.continued:
                expect_bound(rows, box.row, box.y0, 'y0', box, problems)
            if (box.row, box.col, page) not in cut:
                expect_bound(rows, box.row + box.rowspan, box.y1, 'y1', box, problems)
        problems += monotonic_problems(rows, 'row', f'table {table} page {page}')
        lines = [value for value, _ in rows.values()]
        for box in on_page:
            edges = ([('y0', box.y0)] if box.continued else []) + \
                    ([('y1', box.y1)] if (box.row, box.col, page) in cut else [])
            problems += [f'{cell_name(box)}: split fragment {name} {value:.2f} is on no row boundary'
                         for name, value in edges if not any(abs(value - l) <= TOL_GRID for l in lines)]
    return problems


def expected_grids(layout):
    """{section: [Cell]} a sample's tables must show: the spec grids (format-2021-grid.tsv) for
    the layout they describe; for another format (no spec grid here), that layout's own cells,
    which the C loader has checked to cover its grid exactly once."""
    if layout.get('id') == LAYOUT_ID:
        return spec_grids()
    return {str(t.get('section')): layout_cells(layout, name) for name, t in layout['tables'].items()}


def spec_coverage_problems(section, boxes, grids):
    """Check 6, continued: every spec cell is in the JSON, with the spec's kind, span and text."""
    problems = []
    for cell in grids.get(section, []):
        frags = sorted((b for b in boxes if (b.row, b.col) == (cell.row, cell.col)),
                       key=lambda b: b.page)
        where = f'section {section} r{cell.row}c{cell.col} 「{cell.text}」'
        if not frags:
            problems.append(f'{where}: not in the boxes JSON on any page')
            continue
        first, is_number = frags[0], cell.text == NUMBER_TEXT
        if bool(first.number) != is_number:
            problems.append(f'{cell_name(first)}: JSON number={first.number}, spec says '
                            f'{"number" if is_number else "label"}')
        if first.colspan != cell.colspan or (not continues(first, frags)
                                             and first.rowspan != cell.rowspan):
            problems.append(f'{cell_name(first)}: JSON rowspan {first.rowspan} colspan '
                            f'{first.colspan}, spec rowspan {cell.rowspan} colspan {cell.colspan}')
        if not is_number and squash(cell.text) not in (squash(first.text),
                                                       ''.join(squash(f.text) for f in frags)):
            problems.append(f'{cell_name(first)}: JSON text 「{first.text}」, spec 「{cell.text}」')
    anchors = {(c.row, c.col) for c in grids.get(section, [])}
    problems += [f'{cell_name(b)}: not a cell of the spec grid' for b in boxes
                 if (b.row, b.col) not in anchors]
    return problems


def page_number_words(words, type_area):
    """Words below the type area that are digits or em dashes, left to right."""
    return sorted((w for w in words if w.y0 >= type_area.y1 - TOL_WORD
                   and re.fullmatch(r'[0-9—]+', w.text)), key=lambda w: w.x0)


def type_area_problems(run_):
    """Check 8: every word inside the type area but the page number, which reads — n —
    and stands right of centre on odd pages, left of it on even pages."""
    problems, ta = [], run_.type_area
    centre = (ta.x0 + ta.x1) / 2
    for page, words in enumerate(run_.words, 1):
        numbers = page_number_words(words, ta)
        problems += [f'p{page}: word 「{w.text}」 ({w.x0:.1f},{w.y0:.1f})-({w.x1:.1f},{w.y1:.1f}) '
                     f'is outside the type area' for w in words
                     if w not in numbers and not inside(w, ta, TOL_WORD)]
        text = ''.join(w.text for w in numbers)
        if text != f'—{page}—':
            problems.append(f'p{page}: page number reads 「{text}」, expected 「—{page}—」')
            continue
        middle = (numbers[0].x0 + numbers[-1].x1) / 2
        if (middle > centre) != (page % 2 == 1):
            side = 'right' if page % 2 else 'left'
            problems.append(f'p{page}: page number at x={middle:.1f} should be {side} of the '
                            f'type area centre {centre:.1f}')
    return problems


def geometry_problems(run_):
    """The boxes JSON agrees with the PDF (pages, size) and the layout's page geometry."""
    dump, info, problems = run_.dump, run_.info, []
    page = dump.get('page') or {}
    if str(dump.get('pages')) != info.get('Pages'):
        problems.append(f'JSON pages {dump.get("pages")}, pdfinfo Pages {info.get("Pages")}')
    size = re.match(r'([\d.]+) x ([\d.]+) pts', info.get('Page size', ''))
    if not size or abs(float(size[1]) - page.get('width', 0)) > TOL_WORD \
            or abs(float(size[2]) - page.get('height', 0)) > TOL_WORD:
        problems.append(f'JSON page {page}, pdfinfo Page size {info.get("Page size")}')
    spec = run_.layout.get('page') or {}
    paper, margin = PAPER_MM.get(spec.get('size')), spec.get('margin') or {}
    if paper is None:
        return problems + [f'layout page size {spec.get("size")!r} unknown to this test']
    width, height = paper[0] * MM, paper[1] * MM
    if abs(width - page.get('width', 0)) > TOL_WORD or abs(height - page.get('height', 0)) > TOL_WORD:
        problems.append(f'JSON page {page}, layout {spec.get("size")} is {width:.2f} x {height:.2f}')
    want = {'x0': length_pt(margin.get('left')), 'y0': length_pt(margin.get('top')),
            'x1': width - length_pt(margin.get('right')),
            'y1': height - length_pt(margin.get('bottom'))}
    got = dump.get('type_area') or {}
    problems += [f'type_area {k} is {got.get(k)}, the layout\'s margins give {v:.2f}'
                 for k, v in want.items() if abs((got.get(k) or 0) - v) > TOL_WORD]
    return problems


def length_pt(value):
    """A layout length such as '37mm' or '10pt' in points."""
    m = re.fullmatch(r'\s*([\d.]+)\s*(mm|pt)\s*', str(value))
    if not m:
        raise Unavailable(f'layout length {value!r}: expected NNmm or NNpt')
    return float(m[1]) * (MM if m[2] == 'mm' else 1)


# ---------------------------------------------------------------- the tests

def short_failures(cls):
    """Class decorator: an Unavailable input fails a test with its message alone, without the
    traceback through the lazy properties."""
    def wrap(method):
        @functools.wraps(method)
        def test(self):
            try:
                return method(self)
            except Unavailable as e:
                message = str(e)
            self.fail(f'{self.where}: {message}')
        return test
    for name in [n for n in vars(cls) if n.startswith('test_')]:
        setattr(cls, name, wrap(getattr(cls, name)))
    return cls


@short_failures
class SampleChecks:
    """The checks run on each sample; a subclass per sample sets `run_`."""
    run_ = None

    def setUp(self):
        self.where = self.run_.name

    def fail_all(self, problems):
        check(self, [f'{self.where}: {p}' for p in problems])

    def test_01_render_succeeds(self):
        result = self.run_.render
        self.assertEqual(0, result.returncode, f'{self.where}: exit status {result.returncode}, '
                                               f'stderr:\n{result.stderr}')
        self.assertEqual('', result.stderr, f'{self.where}: stderr not empty')
        with open(self.run_.pdf, 'rb') as f:
            self.assertEqual(b'%PDF-', f.read(5), f'{self.where}: output is not a PDF')

    def test_02_text_has_title_sections_prose_signature(self):
        result, run_ = self.run_.text, self.run_
        problems = [f'pdftotext stderr: {line}' for line in dict.fromkeys(result.stderr.splitlines())]
        if result.returncode != 0:
            problems.append(f'pdftotext exit status {result.returncode}')
        text = ''.join(run_.page_texts)
        pos = 0
        for item in expected_sequence(run_.layout, run_.sample):
            found = text.find(item, pos)
            if found >= 0:
                pos = found + len(item)
            else:
                where = 'out of order' if item in text else 'missing'
                problems.append(f'text {where}: 「{item[:60]}{"…" if len(item) > 60 else ""}」')
        self.fail_all(problems)

    def test_03_fonts_embedded_subset_unicode(self):
        result = self.run_.tool('pdffonts', '{pdf}')
        rows = parse_pdffonts(result.stdout)
        problems = [f'pdffonts exit status {result.returncode}: {result.stderr.strip()}'] \
            if result.returncode else []
        if not rows:
            problems.append('pdffonts lists no font')
        for row in rows:
            bad = [k for k in ('emb', 'sub', 'uni') if row.get(k) != 'yes']
            if bad or row.get('type') not in ('CID TrueType', 'CID Type 0C'):
                problems.append(f'font {row.get("name")}: type {row.get("type")}, '
                                + ', '.join(f'{k}={row.get(k)}' for k in ('emb', 'sub', 'uni')))
        self.fail_all(problems)

    def test_04_qpdf_check_clean(self):
        result = self.run_.tool('qpdf', '--check', '{pdf}')
        output = result.stdout + result.stderr
        self.assertEqual(0, result.returncode, f'{self.where}: qpdf --check exit status '
                                               f'{result.returncode}:\n{output}')
        self.assertNotIn('WARNING', output.upper(), f'{self.where}: qpdf --check:\n{output}')

    def test_05_cell_text_inside_cells(self):
        self.fail_all(cell_text_problems(self.run_, self.run_.layout))

    def test_06_columns_rows_align_and_cover_grid(self):
        problems, boxes = [], self.run_.boxes
        for name, table in self.run_.layout['tables'].items():
            section = str(table.get('section'))
            mine = [b for b in boxes if b.table == name]
            problems += [f'{cell_name(b)}: JSON section {b.section}, layout says {section}'
                         for b in mine if str(b.section) != section]
            problems += alignment_problems(name, mine)
            problems += spec_coverage_problems(section, mine, expected_grids(self.run_.layout))
        tables = set(self.run_.layout['tables'])
        problems += [f'{cell_name(b)}: table not in the layout' for b in boxes if b.table not in tables]
        self.fail_all(problems)

    def test_07_no_overlapping_words(self):
        problems = []
        for page, words in enumerate(self.run_.words, 1):
            problems += [f'p{page}: 「{a.text}」 ({a.x0:.1f},{a.y0:.1f})-({a.x1:.1f},{a.y1:.1f}) '
                         f'overlaps 「{b.text}」 ({b.x0:.1f},{b.y0:.1f})-({b.x1:.1f},{b.y1:.1f})'
                         for i, a in enumerate(words) for b in words[i + 1:]
                         if overlaps(a, b, TOL_WORD)]
        self.fail_all(problems)

    def test_08_type_area_and_page_numbers(self):
        self.fail_all(type_area_problems(self.run_))

    def test_09_info_title_author(self):
        info, run_ = self.run_.info, self.run_
        title = expected_title(run_.layout, run_.sample)
        problems = [f'pdfinfo {key}: 「{info.get(key)}」, expected 「{want}」'
                    for key, want in (('Title', title), ('Author', str(run_.sample['agency'])))
                    if info.get(key) != want]
        self.fail_all(problems)

    def test_10_outline_has_section_headings(self):
        result = self.run_.tool('qpdf', '--json', '--json-key=outlines', '{pdf}')
        try:
            items = outline_items(json.loads(result.stdout).get('outlines'))
        except ValueError as e:
            self.fail(f'{self.where}: qpdf --json output unreadable ({e}): {result.stderr}')
        headings = document_headings(self.run_.layout)
        problems = subsequence_problems(headings, [title for title, _ in items], 'outline item')
        texts = self.run_.page_texts
        for title, page in items:
            if title in headings and page and not (page <= len(texts) and squash(title) in texts[page - 1]):
                problems.append(f'outline item 「{title}」 points to page {page}, '
                                f'which does not show that heading')
        self.fail_all(problems)

    def test_11_boxes_json_matches_pdf_and_layout(self):
        self.fail_all(geometry_problems(self.run_))


def sample_test_classes(paths):
    """One TestCase class per sample, named after it: E2E_<sample stem>."""
    classes = {}
    for path in paths:
        sample_run = SampleRun(path)
        name = 'E2E_' + re.sub(r'\W', '_', sample_run.name)
        classes[name] = type(name, (SampleChecks, unittest.TestCase), {'run_': sample_run})
    return classes


class SamplesPresent(unittest.TestCase):
    def test_samples_exist(self):
        self.assertTrue(SAMPLES, f'no samples/*.yaml under {REPO}')


globals().update(sample_test_classes(SAMPLES))

if __name__ == '__main__':
    sys.exit(run_tests(sys.modules[__name__]))
