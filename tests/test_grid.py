#!/usr/bin/env python3
"""Spec test: the table grids of layouts/gov-info-disclosure-2021.yaml against the official
grids of FORMAT.md §3–5, as given cell by cell in shared/format-2021-grid.tsv.

Run from the repository root:  python3 tests/test_grid.py
The shared directory defaults to <repo>/../shared; set NIANBAO_SHARED to another directory
(or directly to a grid .tsv file) to override.

The layout helpers here (field specs, number slots) are also used by tests/test_e2e.py.
"""
import copy
import functools
import os
import re
import sys
import unittest
from collections import namedtuple

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAYOUT_ID = 'gov-info-disclosure-2021'
GRID_FILE = 'format-2021-grid.tsv'

# A grid cell: 0-based anchor, spans, and its text ('#' for a number cell).
Cell = namedtuple('Cell', 'row col rowspan colspan text')
# One number cell bound by a layout `numbers:` entry: value `index` of `field`.
Slot = namedtuple('Slot', 'row col colspan field index')

NUMBER_TEXT = '#'


# ---------------------------------------------------------------- files

def shared_path(name):
    """Path of a spec file: NIANBAO_SHARED, else <repo>/../shared when present, else the copy
    kept in tests/spec (so the suite also runs on a machine without shared/)."""
    override = os.environ.get('NIANBAO_SHARED')
    if override and os.path.isfile(override):
        return override if name == GRID_FILE else os.path.join(os.path.dirname(override), name)
    if override:
        return os.path.join(override, name)
    beside = os.path.join(REPO, '..', 'shared', name)
    return beside if os.path.isfile(beside) else os.path.join(REPO, 'tests', 'spec', name)


def layout_path(layout_id=LAYOUT_ID):
    return os.path.join(REPO, 'layouts', layout_id + '.yaml')


def load_yaml(path):
    with open(path, encoding='utf-8') as f:
        return yaml.safe_load(f)


@functools.lru_cache(maxsize=None)
def load_layout(layout_id=LAYOUT_ID):
    """The parsed layout file (cached: callers that mutate it must deep-copy it first)."""
    return load_yaml(layout_path(layout_id))


def load_spec_grid(path):
    """The TSV grid as {section: [Cell, …]}; '#' lines are comments, the first row a header."""
    grids = {}
    with open(path, encoding='utf-8') as f:
        rows = [line.rstrip('\n') for line in f if line.strip() and not line.startswith('#')]
    header, body = rows[0].split('\t'), rows[1:]
    if header != ['table', 'row', 'col', 'rowspan', 'colspan', 'text']:
        raise ValueError(f'{path}: unexpected header {header}')
    for lineno, line in enumerate(body, 2):
        fields = line.split('\t')
        if len(fields) != 6:
            raise ValueError(f'{path}: data row {lineno}: expected 6 tab-separated fields: {line!r}')
        section, row, col, rowspan, colspan, text = fields
        grids.setdefault(section, []).append(
            Cell(int(row), int(col), int(rowspan), int(colspan), text))
    return grids


@functools.lru_cache(maxsize=None)
def spec_grids():
    return load_spec_grid(shared_path(GRID_FILE))


def spec_headings(format_md_text):
    """The six section headings listed under FORMAT.md's '## 2.' (separated by '·')."""
    match = re.search(r'^## 2\..*?\n\n(.*?)\n\n', format_md_text, re.M | re.S)
    if not match:
        raise ValueError('FORMAT.md: no paragraph under "## 2."')
    return [h.strip() for h in match.group(1).replace('\n', ' ').split('·') if h.strip()]


@functools.lru_cache(maxsize=None)
def format_md_headings():
    with open(shared_path('FORMAT.md'), encoding='utf-8') as f:
        return spec_headings(f.read())


# ---------------------------------------------------------------- layout model

def lookup(tree, dotted):
    """The node at a dotted path in nested mappings, or None."""
    node = tree
    for key in dotted.split('.'):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def is_row_spec(node):
    return isinstance(node, dict) and 'count' in node


def row_specs(node, path):
    """[(dotted path, row spec)] of every data row at or under node, in file order."""
    if is_row_spec(node):
        return [(path, node)]
    if isinstance(node, dict):
        return [leaf for key, child in node.items() for leaf in row_specs(child, f'{path}.{key}')]
    return []


def field_spec(layout, field):
    """What a `numbers:` field holds: {count, total, decimal, rows: [(path, row spec)]}.

    A data field is one row; a `computed:` field sums (elementwise) every data row under its
    `sum:` paths, has their count, and has a total when they do. Raises KeyError naming the
    field when it is unknown or malformed."""
    data = layout.get('data') or {}
    computed = layout.get('computed') or {}
    if field in computed:
        rows = []
        for path in computed[field].get('sum') or []:
            found = row_specs(lookup(data, path), path)
            if not found:
                raise KeyError(f'computed field {field!r}: sum path {path!r} has no rows in data:')
            rows += found
        if not rows:
            raise KeyError(f'computed field {field!r}: empty sum:')
        counts = {spec['count'] for _, spec in rows}
        if len(counts) != 1:
            raise KeyError(f'computed field {field!r}: summed rows differ in count: {sorted(counts)}')
        return {'count': counts.pop(), 'total': all(spec.get('total') for _, spec in rows),
                'decimal': any(spec.get('decimal') for _, spec in rows), 'rows': rows}
    spec = lookup(data, field)
    if not is_row_spec(spec):
        raise KeyError(f'field {field!r} is neither a data: row (with count:) nor in computed:')
    return {'count': spec['count'], 'total': bool(spec.get('total')),
            'decimal': bool(spec.get('decimal')), 'rows': [(field, spec)]}


def field_width(spec):
    """Number of cells a field fills: its values, then its total if it has one."""
    return spec['count'] + (1 if spec['total'] else 0)


def number_slots(layout, table):
    """Every number cell of a layout table as a Slot, expanding each `numbers:` entry."""
    slots = []
    for entry in layout['tables'][table].get('numbers') or []:
        row, col, field = entry[:3]
        colspan = entry[3] if len(entry) > 3 else 1
        for index in range(field_width(field_spec(layout, field))):
            slots.append(Slot(row, col + index * colspan, colspan, field, index))
    return slots


def layout_cells(layout, table):
    """The full cell list of a layout table: label cells, then number cells (text '#')."""
    labels = [Cell(*entry) for entry in layout['tables'][table].get('cells') or []]
    numbers = [Cell(s.row, s.col, 1, s.colspan, NUMBER_TEXT) for s in number_slots(layout, table)]
    return labels + numbers


def table_for_section(layout, section):
    """Name of the layout table whose `section:` is the given one, or None."""
    names = [name for name, t in layout['tables'].items() if str(t.get('section')) == section]
    return names[0] if len(names) == 1 else None


def document_headings(layout):
    return [item['heading'] for item in layout.get('document') or []
            if isinstance(item, dict) and 'heading' in item]


# ---------------------------------------------------------------- comparisons

def describe(cell):
    return f'r{cell.row}c{cell.col} (rowspan {cell.rowspan}, colspan {cell.colspan}) 「{cell.text}」'


def grid_size(cells):
    """(rows, columns) of the smallest grid holding every cell."""
    return (max(c.row + c.rowspan for c in cells), max(c.col + c.colspan for c in cells))


def compare_cells(expected, actual, where):
    """Messages for every difference between two cell lists, matched by anchor (row, col)."""
    problems = []
    by_anchor = {}
    for cell in actual:
        if (cell.row, cell.col) in by_anchor:
            problems.append(f'{where}: layout defines r{cell.row}c{cell.col} twice: '
                            f'{describe(by_anchor[cell.row, cell.col])} and {describe(cell)}')
        by_anchor[cell.row, cell.col] = cell
    for want in sorted(expected):
        got = by_anchor.pop((want.row, want.col), None)
        if got is None:
            problems.append(f'{where}: spec cell {describe(want)} is missing from the layout')
        elif (got.rowspan, got.colspan) != (want.rowspan, want.colspan):
            problems.append(f'{where}: r{want.row}c{want.col} span: spec rowspan {want.rowspan} '
                            f'colspan {want.colspan}, layout rowspan {got.rowspan} colspan {got.colspan}')
        if got is not None and got.text != want.text:
            problems.append(f'{where}: r{want.row}c{want.col} text: spec 「{want.text}」, '
                            f'layout 「{got.text}」')
    for extra in sorted(by_anchor.values()):
        problems.append(f'{where}: layout cell {describe(extra)} is not in the spec')
    return problems


def coverage_problems(cells, rows, cols, where):
    """Messages for grid slots covered by no cell or by more than one, and cells off the grid."""
    owner, problems = {}, []
    for cell in cells:
        if cell.rowspan < 1 or cell.colspan < 1 or cell.row < 0 or cell.col < 0 \
                or cell.row + cell.rowspan > rows or cell.col + cell.colspan > cols:
            problems.append(f'{where}: cell {describe(cell)} lies outside the {rows}x{cols} grid')
        for r in range(cell.row, min(cell.row + cell.rowspan, rows)):
            for c in range(cell.col, min(cell.col + cell.colspan, cols)):
                if (r, c) in owner:
                    problems.append(f'{where}: slot r{r}c{c} covered twice: by '
                                    f'{describe(owner[r, c])} and by {describe(cell)}')
                owner.setdefault((r, c), cell)
    problems += [f'{where}: slot r{r}c{c} is covered by no cell'
                 for r in range(rows) for c in range(cols) if (r, c) not in owner]
    return problems


def table_problems(layout, section, spec_cells):
    """Everything wrong with the layout table of one section, judged against the spec grid."""
    table = table_for_section(layout, section)
    if table is None:
        return [f'section {section}: expected exactly one layout table with section: {section}']
    where = f'table {table} (section {section})'
    try:
        cells = layout_cells(layout, table)
    except (KeyError, TypeError, ValueError) as e:
        return [f'{where}: cannot build the cell list: {e}']
    rows, cols = grid_size(spec_cells)
    problems = compare_cells(spec_cells, cells, where)
    problems += coverage_problems(cells, rows, cols, where)
    columns = layout['tables'][table].get('columns') or []
    if len(columns) != cols:
        problems.append(f'{where}: columns: has {len(columns)} entries, the grid is {cols} wide')
    return problems


def field_problems(layout):
    """Messages for every `numbers:` field (and `computed:` sum path) that does not resolve."""
    problems = []
    for table, spec in layout['tables'].items():
        for entry in spec.get('numbers') or []:
            if not isinstance(entry, list) or len(entry) not in (3, 4):
                problems.append(f'table {table}: numbers entry {entry!r} is not [row, col, field(, colspan)]')
                continue
            try:
                field_spec(layout, entry[2])
            except KeyError as e:
                problems.append(f'table {table}: numbers entry {entry!r}: {e.args[0]}')
    return problems


def subsequence_problems(wanted, present, what):
    """Messages for items of `wanted` that do not appear in `present` in the same order."""
    problems, pos = [], 0
    for item in wanted:
        if item in present[pos:]:
            pos = present.index(item, pos) + 1
        elif item in present:
            problems.append(f'{what}: 「{item}」 is out of order')
        else:
            problems.append(f'{what}: 「{item}」 is missing')
    return problems


MAX_LISTED = 60


def check(testcase, problems):
    """Fail listing the problems, one per line (the first MAX_LISTED of them)."""
    if problems:
        listed = problems[:MAX_LISTED]
        if len(problems) > MAX_LISTED:
            listed.append(f'… and {len(problems) - MAX_LISTED} more')
        testcase.fail(f'{len(problems)} problem(s):\n  ' + '\n  '.join(listed))


# ---------------------------------------------------------------- tests

class GridSpecTest(unittest.TestCase):
    """The layout's three grids equal FORMAT.md's, cell for cell."""

    def check_section(self, section):
        check(self, table_problems(load_layout(), section, spec_grids()[section]))

    def test_table_二_active_matches_spec(self):
        self.check_section('二')

    def test_table_三_requests_matches_spec(self):
        self.check_section('三')

    def test_table_四_appeals_matches_spec(self):
        self.check_section('四')

    def test_spec_has_exactly_these_sections(self):
        layout = load_layout()
        sections = sorted(str(t.get('section')) for t in layout['tables'].values())
        self.assertEqual(sorted(spec_grids()), sections,
                         'the layout tables\' section: values differ from the TSV\'s tables')

    def test_number_fields_exist(self):
        check(self, field_problems(load_layout()))

    def test_document_has_spec_headings_in_order(self):
        headings = format_md_headings()
        self.assertEqual(6, len(headings), f'FORMAT.md §2 should list six headings, got {headings}')
        check(self, subsequence_problems(headings, document_headings(load_layout()),
                                         'layout document: heading'))

    def test_document_places_each_table_under_its_heading(self):
        layout, problems, heading = load_layout(), [], None
        for item in layout.get('document') or []:
            heading = item.get('heading', heading)
            if 'table' not in item:
                continue
            table = layout['tables'].get(item['table'])
            if table is None:
                problems.append(f'document names table {item["table"]!r}, not in tables:')
            elif not (heading or '').startswith(str(table.get('section')) + '、'):
                problems.append(f'table {item["table"]} (section {table.get("section")}) '
                                f'follows heading 「{heading}」')
        check(self, problems)


LAYOUT_2019 = 'gov-info-disclosure-2019'


def requests_2019(spec_三):
    """Table 三 of the 2019 试行 format, from the 2021 spec grid and FORMAT.md §6: （六）其他处理
    is one row across c1–c2 (the 2021 grid's three sub-rows 23–25 are one), so （七）总计 and
    四 move up two rows and 三、本年度办理结果 spans 20 rows."""
    cells = []
    for c in spec_三:
        if c.row in (24, 25) or (c.row == 23 and c.col >= 2):
            continue                                  # the sub-items of （六）, and their numbers
        if (c.row, c.col) == (23, 1):
            c = c._replace(rowspan=1, colspan=2)      # （六）其他处理, one row
        elif (c.row, c.col) == (5, 0):
            c = c._replace(rowspan=20)                # 三、本年度办理结果
        elif c.row > 25:
            c = c._replace(row=c.row - 2)
        cells.append(c)
    cells += [Cell(23, col, 1, 1, NUMBER_TEXT) for col in range(3, 10)]
    return cells


class Format2019Test(unittest.TestCase):
    """The 2019 试行 layout against FORMAT.md §6: what differs from 2021, and what does not."""

    @classmethod
    def setUpClass(cls):
        cls.layout = load_layout(LAYOUT_2019)

    def test_table_四_is_the_2021_grid(self):
        check(self, table_problems(self.layout, '四', spec_grids()['四']))

    def test_table_三_has_one_row_for_其他处理(self):
        check(self, table_problems(self.layout, '三', requests_2019(spec_grids()['三'])))

    def test_table_二_has_the_2019_columns_and_rows(self):
        texts = [c.text for c in layout_cells(self.layout, table_for_section(self.layout, '二'))]
        for label in ('本年新制作数量', '本年新公开数量', '对外公开总数量', '上一年项目数量', '本年增/减',
                      '处理决定数量', '其他对外管理服务事项', '第二十条第（九）项', '政府集中采购',
                      '采购项目数量', '采购总金额'):
            self.assertIn(label, texts, f'table 二 of the 2019 format has no cell 「{label}」')
        for label in ('本年制发件数', '本年废止件数', '现行有效件数'):
            self.assertNotIn(label, texts, f'「{label}」 is a 2021 column, not 2019\'s')

    def test_table_二_group_rows_span_the_table(self):
        table = self.layout['tables'][table_for_section(self.layout, '二')]
        groups = [Cell(*e) for e in table['cells'] if str(e[4]).startswith('第二十条')]
        self.assertEqual([g.text for g in groups], ['第二十条第（一）项', '第二十条第（五）项',
                                                   '第二十条第（六）项', '第二十条第（八）项',
                                                   '第二十条第（九）项'])
        for g in groups:
            self.assertEqual((g.col, g.colspan), (0, 4), describe(g))

    def test_document_has_spec_headings_in_order(self):
        check(self, subsequence_problems(format_md_headings(), document_headings(self.layout),
                                         'layout document: heading'))

    def test_number_fields_exist(self):
        check(self, field_problems(self.layout))

    def test_derived_grid_is_a_grid(self):
        """The expected 三 itself covers its 26 × 10 slots once each (or the test proves nothing)."""
        cells = requests_2019(spec_grids()['三'])
        self.assertEqual(grid_size(cells), (26, 10))
        check(self, coverage_problems(cells, 26, 10, 'derived 2019 三'))


class SelfCheckTest(unittest.TestCase):
    """The comparisons above can fail: mutated copies of the layout are caught."""

    def mutated_problems(self, section, mutate):
        layout = copy.deepcopy(load_layout())
        mutate(layout)
        return table_problems(layout, section, spec_grids()[section])

    def test_changed_span_is_reported(self):
        def widen(layout):
            layout['tables']['requests']['cells'][0][2] = 2   # corner rowspan 3 -> 2
        problems = self.mutated_problems('三', widen)
        self.assertTrue(any('r0c0 span' in p for p in problems), problems)
        self.assertTrue(any('covered by no cell' in p for p in problems), problems)

    def test_changed_text_is_reported(self):
        def retext(layout):
            layout['tables']['appeals']['cells'][0][4] = '行政复核'
        problems = self.mutated_problems('四', retext)
        self.assertTrue(any('r0c0 text' in p and '行政复核' in p for p in problems), problems)

    def test_wrong_number_colspan_is_reported(self):
        def narrow(layout):
            layout['tables']['active']['numbers'][2] = [6, 1, 'active_disclosure.licensing']
        problems = self.mutated_problems('二', narrow)
        self.assertTrue(any('r6c1 span' in p for p in problems), problems)

    def test_overlap_and_extra_cell_are_reported(self):
        def overlap(layout):
            layout['tables']['active']['cells'].append([2, 1, 1, 1, '重叠'])
        problems = self.mutated_problems('二', overlap)
        self.assertTrue(any('defines r2c1 twice' in p for p in problems), problems)
        self.assertTrue(any('covered twice' in p for p in problems), problems)

    def test_missing_column_width_is_reported(self):
        def drop(layout):
            layout['tables']['appeals']['columns'].pop()
        problems = self.mutated_problems('四', drop)
        self.assertTrue(any('columns: has 14 entries' in p for p in problems), problems)

    def test_unknown_field_is_reported(self):
        layout = copy.deepcopy(load_layout())
        layout['tables']['requests']['numbers'][0][2] = 'requests.neww'
        layout['computed']['requests.total']['sum'].append('requests.nothing')
        problems = field_problems(layout)
        self.assertTrue(any('requests.neww' in p for p in problems), problems)
        self.assertTrue(any('requests.nothing' in p for p in problems), problems)

    def test_computed_total_fills_seven_cells(self):
        self.assertEqual(7, field_width(field_spec(load_layout(), 'requests.total')))
        self.assertEqual(21, len(field_spec(load_layout(), 'requests.total')['rows']))   # 2+8+3+5+3

    def test_heading_order_is_checked(self):
        headings = format_md_headings()
        swapped = [headings[1], headings[0]] + headings[2:]
        self.assertTrue(subsequence_problems(headings, swapped, 'heading'))


# ---------------------------------------------------------------- runner

def iter_tests(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from iter_tests(item)
        else:
            yield item


def select_tests(suite, words):
    """The tests whose Class.method contains one of the words (any case), less those that
    contain a word given as -WORD: `python3 tests/test_typeset.py Signature` runs one class,
    `… test_seal_centred` one case, `… -Signature` all the others."""
    if not words:
        return suite
    take = [w.lower() for w in words if not w.startswith('-')]
    drop = [w[1:].lower() for w in words if w.startswith('-')]
    def name(t):
        return f'{type(t).__name__}.{t._testMethodName}'.lower()
    picked = [t for t in iter_tests(suite)
              if (not take or any(w in name(t) for w in take)) and not any(w in name(t) for w in drop)]
    return unittest.TestSuite(picked)


def run_tests(module, argv=None):
    """Run a module's tests verbosely (only those the command line's words select, if any),
    print 'N passed, N failed' last; return the exit status."""
    words = sys.argv[1:] if argv is None else argv
    suite = select_tests(unittest.defaultTestLoader.loadTestsFromModule(module), words)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    sys.stderr.flush()
    print(f'{passed} passed, {failed} failed', flush=True)
    return 1 if failed or not result.testsRun else 0


if __name__ == '__main__':
    sys.exit(run_tests(sys.modules[__name__]))
