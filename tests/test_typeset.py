#!/usr/bin/env python3
"""End-to-end typesetting tests (FORMAT.md §8): tables broken across pages, the signature
with and without a seal, bad seal images, and larger paper.

Run from the repository root:  python3 tests/test_typeset.py
Environment: NIANBAO (program path), NIANBAO_KEEP=1 (keep outputs; the path is printed).

Reports are made from samples/dingdingmen-2023.yaml with one thing changed, rendered with
--dump-boxes (table cells and images as JSON) and read back with pdftotext -bbox-layout.
"""
import os
import struct
import sys
import unittest
import zlib

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_e2e import (MM, SampleRun, inside, program, reading_order, run,  # noqa: E402
                      squash, workdir)
from test_grid import REPO, run_tests, spec_grids  # noqa: E402

BASE = os.path.join(REPO, 'samples', 'dingdingmen-2023.yaml')
SEAL = os.path.join(REPO, 'samples', 'seal-specimen.png')
TOL = 0.5
A4 = (595.276, 841.890)
FILLER = '本段为测试填充文字，用于移动后面的表格。'   # one body line


def base_report():
    with open(BASE, encoding='utf-8') as f:
        return yaml.safe_load(f)


def write_report(name, data):
    path = os.path.join(workdir(), name + '.yaml')
    with open(path, 'w', encoding='utf-8') as f:
        yaml.safe_dump(data, f, allow_unicode=True, sort_keys=False)
    return path


def render(name, data, *extra):
    """Write and render a report; returns its SampleRun (rendering failures raise)."""
    sample = SampleRun(write_report(name, data))
    result = run([program(), 'render', sample.path, '-o', sample.out('.pdf'),
                  '--dump-boxes', sample.out('.json'), *extra])
    if result.returncode != 0:
        raise AssertionError(f'{name}: render failed ({result.returncode}): {result.stderr}')
    sample.__dict__['render'] = result
    return sample


def words_in(words, box, tol=TOL):
    return [w for w in words if inside(w, box, tol)]


def png(width, height, rgba_rows, depth=8, colour=6):
    """A PNG file's bytes (rows of raw samples, filter 0)."""
    def chunk(kind, body):
        return (struct.pack('>I', len(body)) + kind + body
                + struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff))
    raw = b''.join(b'\0' + row for row in rgba_rows)
    return (b'\x89PNG\r\n\x1a\n'
            + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, depth, colour, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


def red_disc(size=64, depth=8):
    """A red disc on transparency, RGBA, 8 or 16 bits per sample."""
    rows = []
    for y in range(size):
        row = b''
        for x in range(size):
            on = (x - size / 2 + 0.5) ** 2 + (y - size / 2 + 0.5) ** 2 <= (size / 2) ** 2
            px = (220, 20, 30, 255) if on else (0, 0, 0, 0)
            row += bytes(px) if depth == 8 else b''.join(struct.pack('>H', v * 257) for v in px)
        rows.append(row)
    return png(size, size, rows, depth)


def seal_sample(name, image_bytes, data=None):
    """A report (the base one, or data) in its own folder with `seal: seal.png` beside it;
    rendered when its `render` is first read."""
    folder = os.path.join(workdir(), name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'seal.png'), 'wb') as f:
        f.write(image_bytes)
    data = data or base_report()
    data['seal'] = 'seal.png'
    sample = SampleRun(os.path.join(folder, 'report.yaml'))
    sample.name = name + '/report'
    with open(sample.path, 'w', encoding='utf-8') as f:
        yaml.safe_dump(data, f, allow_unicode=True, sort_keys=False)
    return sample


# ---------------------------------------------------------------- tables across pages

def layout_variant(name, **changes):
    """A copy of the official layout with top-level keys changed, and table space_before."""
    with open(os.path.join(REPO, 'layouts', 'gov-info-disclosure-2021.yaml'), encoding='utf-8') as f:
        layout = yaml.safe_load(f)
    space = changes.pop('space_before', None)
    if space:
        layout['styles']['table']['space_before'] = space
    layout.update(changes)
    path = os.path.join(workdir(), name + '.layout.yaml')
    with open(path, 'w', encoding='utf-8') as f:
        yaml.safe_dump(layout, f, allow_unicode=True, sort_keys=False)
    return path


class TableContinuation(unittest.TestCase):
    """Sweep the amount of prose before table 三 one body line at a time, so that the page
    break falls at each of its rows in turn, with the official layout."""

    SWEEP = 30
    VARIANTS = [None]

    @classmethod
    def sweep(cls, tag, variants):
        runs = []
        for v, layout in enumerate(variants):
            extra = ['--layout', layout] if layout else []
            for k in range(cls.SWEEP):
                data = base_report()
                data['overview'] = (data['overview'].rstrip('\n') + '\n\n'
                                    + '\n\n'.join([FILLER] * k))
                runs.append(render(f'{tag}{v}-{k:02d}', data, *extra))
        return runs

    @classmethod
    def setUpClass(cls):
        cls.runs = cls.sweep('sweep', cls.VARIANTS)

    def table_pages(self, sample, key='requests'):
        pages = {}
        for box in sample.boxes:
            if box.table == key:
                pages.setdefault(box.page, []).append(box)
        return pages

    def continuation_starts(self):
        starts, split_cells = set(), set()
        for sample in self.runs:
            pages = self.table_pages(sample)
            for page in sorted(pages)[1:]:
                starts.add(min(b.row for b in pages[page] if b.row >= 3 and b.rowspan == 1))
            split_cells |= {(b.row, b.col) for b in sample.boxes
                            if b.table == 'requests' and b.continued}
        return starts, split_cells

    def test_sweep_is_meaningful(self):
        """The table is broken at several rows, and through both spanning row labels."""
        starts, split_cells = self.continuation_starts()
        self.assertGreaterEqual(len(starts), 5, f'continuations start at rows {sorted(starts)}')
        self.assertIn((5, 0), split_cells, '三、本年度办理结果 never split')
        self.assertIn((7, 1), split_cells, '（三）不予公开 never split')

    def test_split_labels_repeated(self):
        """On every page that holds part of a spanning cell, its label is inside it."""
        for k, sample in enumerate(self.runs):
            for page, boxes in self.table_pages(sample).items():
                words = sample.page_words(page)
                for box in boxes:
                    if box.number or box.rowspan == 1 and not box.continued:
                        continue
                    label = squash(box.text)
                    got = squash(''.join(w.text for w in reading_order(words_in(words, box))))
                    self.assertTrue(label, f'sweep {k} p{page} r{box.row}c{box.col}: no label')
                    self.assertEqual(got, label, f'sweep {k} p{page} r{box.row}c{box.col}')
                    # the part is tall enough for its label: no word crosses its edges
                    for w in words:
                        if w.x0 >= box.x0 - TOL and w.x1 <= box.x1 + TOL:
                            cy = (w.y0 + w.y1) / 2
                            if box.y0 < cy < box.y1:
                                self.assertTrue(inside(w, box, TOL), f'sweep {k}: {w} crosses {box}')

    def test_header_repeated_and_marked(self):
        """Every continuation starts with the three header rows, under 续表; rows are never
        cut and each appears once."""
        for k, sample in enumerate(self.runs):
            pages = self.table_pages(sample)
            seen = {}
            for n, page in enumerate(sorted(pages)):
                boxes = pages[page]
                head = [b for b in boxes if b.row < 3]
                body = [b for b in boxes if b.row >= 3]
                self.assertEqual(len(head), 10, f'sweep {k} p{page}: header cells {len(head)}')
                self.assertLessEqual(max(b.y1 for b in head), min(b.y0 for b in body) + TOL)
                head_top = min(b.y0 for b in head)
                marks = [w for w in sample.page_words(page)
                         if w.text == '续表' and w.y1 <= head_top + TOL and w.y0 >= head_top - 20]
                if n == 0:
                    self.assertFalse(marks, f'sweep {k} p{page}: 续表 on the first part')
                else:
                    self.assertEqual(len(marks), 1, f'sweep {k} p{page}: no 续表 over the header')
                    self.assertAlmostEqual(marks[0].x1, sample.type_area.x1, delta=TOL)
                for b in body:
                    if b.rowspan == 1:
                        self.assertNotIn((b.row, b.col), seen, f'sweep {k}: row {b.row} twice')
                        seen[(b.row, b.col)] = page
                # a part that starts the table holds at least two rows of figures
                if n == 0:
                    self.assertGreaterEqual(len({b.row for b in body}), 2, f'sweep {k}')
            want = sum(1 for c in spec_grids()['三'] if c.row >= 3 and c.rowspan == 1)
            self.assertEqual(len(seen), want, f'sweep {k}: one-row cells drawn')

    def test_table_two_starts_with_two_rows_of_figures(self):
        """Table 二, split, keeps its whole （一） on the first page: 规章 and 行政规范性文件
        (rows 2 and 3), never 规章 alone."""
        split = 0
        for k, sample in enumerate(self.runs):
            pages = self.table_pages(sample, 'active')
            if len(pages) < 2:
                continue
            split += 1
            first = {b.row for b in pages[min(pages)]}
            self.assertTrue({2, 3} <= first, f'sweep {k}: first part rows {sorted(first)}')
        self.assertGreater(split, 0, 'the sweep never splits table 二')

    def test_heading_stays_with_table(self):
        """三、收到和处理政府信息公开申请情况 is on the page where table 三 starts, and 二 on
        the page of table 二 (whose first part runs to the end of its first spanned label)."""
        for k, sample in enumerate(self.runs):
            texts = [squash(''.join(w.text for w in reading_order(sample.page_words(p))))
                     for p in range(1, len(sample.words) + 1)]
            for heading, table in (('三、收到和处理政府信息公开申请情况', 'requests'),
                                   ('二、主动公开政府信息情况', 'active')):
                first = min(self.table_pages(sample, table))
                on = [p for p, t in enumerate(texts, 1) if heading in t]
                self.assertEqual(on, [first], f'sweep {k}: {heading}')


class TableContinuationAtEveryRow(TableContinuation):
    """The same checks with clean breaks not preferred (table_clean_break: 0) and the
    table's start shifted by thirds of a line, so that the break falls at every row the
    rules allow: each part of a split label is then as short as it gets, and grows."""

    @classmethod
    def setUpClass(cls):
        cls.runs = cls.sweep('every', [
            layout_variant(f'every{d}', table_clean_break=0, space_before=f'{14.47 + d:.2f}pt')
            for d in (0, 9.65, 19.3)])

    def test_sweep_is_meaningful(self):
        """Breaks fall at many rows, through each spanning label taller than its own rows
        need. (Not at every row: where a break would leave the first part of a label
        short, that part grows to hold it, and the rows after it then fit in the same
        height, so the page takes them too; （四）无法提供 is as tall as its label, so no
        break inside it ever gains a row. Nor at rows 10 and 11 since a heading keeps with
        its table's whole first part: those breaks came from 三 set where the sweep no longer
        puts it, after a table 二 that moved to a new page without its heading.)"""
        starts, split_cells = self.continuation_starts()
        self.assertGreaterEqual(len(starts), 9, f'continuations start at rows {sorted(starts)}')
        for cell in ((5, 0), (7, 1), (18, 1), (23, 1)):
            self.assertIn(cell, split_cells)


# ---------------------------------------------------------------- signature and seal

class Signature(unittest.TestCase):

    def name_and_date(self, sample):
        data = sample.sample
        last = sample.page_words(len(sample.words))
        name = [w for w in last if w.text == data['agency']]
        date = [w for w in last if squash(w.text) == '2024年1月20日']
        self.assertEqual((len(name), len(date)), (1, 1), [w.text for w in last])
        return name[0], date[0], last

    def test_without_seal(self):
        """GB/T 9704 §7.3.5.2: name 2 characters from the right, date on the next line,
        no zero padding, one blank line below the text."""
        sample = render('sig-plain', base_report())
        name, date, words = self.name_and_date(sample)
        ta, em = sample.type_area, (sample.type_area.x1 - sample.type_area.x0) / 28
        self.assertAlmostEqual(name.x1, ta.x1 - 2 * em, delta=1)
        self.assertAlmostEqual(date.y0 - name.y0, 28.95, delta=0.2)
        self.assertAlmostEqual(date.x0, name.x0 + 2 * em, delta=1)
        above = max(w.y1 for w in words if w.y1 < name.y0 - 1)
        self.assertGreater(name.y0 - above, 28.95)   # a blank line
        self.assertLess(name.y0 - above, 2 * 28.95)
        self.assertEqual(sample.dump['images'], [])

    def seal_sample(self, name, image_bytes):
        return seal_sample(name, image_bytes)

    def check_seal(self, sample, pixels):
        name, date, words = self.name_and_date(sample)
        ta, em = sample.type_area, (sample.type_area.x1 - sample.type_area.x0) / 28
        images = sample.dump['images']
        self.assertEqual(len(images), 1)
        img = images[0]
        self.assertEqual(img['pixels'], pixels)
        self.assertTrue(img['alpha'])
        self.assertEqual(img['page'], len(sample.words))
        # the date 4 characters from the right, the name centred over it
        self.assertAlmostEqual(date.x1, ta.x1 - 4 * em, delta=1)
        self.assertAlmostEqual((name.x0 + name.x1) / 2, (date.x0 + date.x1) / 2, delta=1)
        # the seal 42 mm across, centred over both, name and date below its centre
        self.assertAlmostEqual(img['x1'] - img['x0'], 42 * MM, delta=0.1)
        self.assertAlmostEqual((img['x0'] + img['x1']) / 2, (date.x0 + date.x1) / 2, delta=1)
        centre = (img['y0'] + img['y1']) / 2
        self.assertLess(centre, (name.y0 + date.y1) / 2)
        self.assertGreater(centre, name.y0)
        # its top within one line below the text above, not over it
        above = max(w.y1 for w in words if w.y1 < img['y0'] + 1 and w.x1 < ta.x1 + 1)
        self.assertGreaterEqual(img['y0'], above - TOL)
        self.assertLessEqual(img['y0'] - above, 28.95 + TOL)
        # the PDF holds the image with a soft mask
        listing = run(['pdfimages', '-list', sample.pdf]).stdout
        self.assertRegex(listing, rf'\bimage\s+{pixels[0]}\s+{pixels[1]}\s+rgb')
        self.assertRegex(listing, rf'\bsmask\s+{pixels[0]}\s+{pixels[1]}\s+gray')

    def test_with_seal(self):
        sample = self.seal_sample('seal-good', open(SEAL, 'rb').read())
        self.assertEqual(sample.render.returncode, 0, sample.render.stderr)
        self.check_seal(sample, [600, 600])

    def test_sixteen_bit_seal(self):
        """A 16-bit PNG is reduced to 8 bits, not drawn corrupt: the page shows red."""
        sample = self.seal_sample('seal-16', red_disc(64, 16))
        self.assertEqual(sample.render.returncode, 0, sample.render.stderr)
        self.check_seal(sample, [64, 64])
        img = os.path.join(workdir(), 'seal-16', 'img')
        self.assertEqual(run(['pdfimages', '-png', sample.pdf, img]).returncode, 0)
        self.assertTrue(os.path.exists(img + '-000.png'))
        with open(img + '-000.png', 'rb') as f:
            data = f.read()
        self.assertIn(b'IHDR' + struct.pack('>II', 64, 64) + b'\x08\x02', data)

    BAD = {
        'not-png': (b'GIF89a' + b'\0' * 40, 'not a PNG image'),
        'corrupt': (red_disc()[:60] + b'\x55' * 200 + red_disc()[-12:], 'corrupt'),
        'truncated': (red_disc()[:200], 'truncated'),
        'enormous': (png(20000, 20000, []), '20000 × 20000'),
        'empty': (b'', 'empty'),
    }

    def test_bad_seals(self):
        """Each bad seal: exit status 1, the file:line:col of seal:, what is wrong, no PDF
        written and an existing PDF left as it was."""
        for case, (content, words) in self.BAD.items():
            with self.subTest(case=case):
                sample = self.seal_sample('bad-' + case, content)
                path = sample.path
                line = next(i for i, text in enumerate(open(path, encoding='utf-8'), 1)
                            if text.startswith('seal:'))
                out = os.path.join(workdir(), 'bad-' + case, 'out.pdf')
                fresh = os.path.join(workdir(), 'bad-' + case, 'none.pdf')
                with open(out, 'wb') as f:
                    f.write(b'%PDF-old')
                for target in (out, fresh):
                    result = run([program(), 'render', path, '-o', target])
                    self.assertEqual(result.returncode, 1, result.stderr)
                    self.assertIn(f'{path}:{line}:7: error: seal: seal.png: ', result.stderr)
                    self.assertIn(words, result.stderr)
                self.assertFalse(os.path.exists(fresh))
                self.assertEqual(open(out, 'rb').read(), b'%PDF-old')
                check = run([program(), 'check', path])
                self.assertEqual(check.returncode, 1)
                self.assertIn('seal: seal.png: ', check.stderr)

    def test_missing_seal(self):
        data = base_report()
        data['seal'] = 'no-such-seal.png'
        path = write_report('seal-missing', data)
        result = run([program(), 'render', path, '-o', os.path.join(workdir(), 'x.pdf')])
        self.assertEqual(result.returncode, 1)
        self.assertIn('seal: no-such-seal.png: cannot open: No such file or directory',
                      result.stderr)


# ---------------------------------------------------------------- larger paper

class LargerPaper(unittest.TestCase):
    """--paper A3 sets the A4 design again, every length scaled by √2."""

    @classmethod
    def setUpClass(cls):
        cls.a4 = render('paper-a4', base_report())
        cls.a3 = render('paper-a3', base_report(), '--paper', 'A3')

    def test_page_and_type_area(self):
        f = 2 ** 0.5
        self.assertAlmostEqual(self.a3.dump['page']['width'], 297 * MM, delta=0.5)
        self.assertAlmostEqual(self.a3.dump['page']['height'], 420 * MM, delta=0.5)
        for key, mm in (('x0', 28), ('y0', 37)):
            self.assertAlmostEqual(self.a3.dump['type_area'][key], mm * MM * f, delta=0.5)
        info = run(['pdfinfo', self.a3.pdf]).stdout
        self.assertIn('(A3)', info)

    def test_every_word_scaled(self):
        """Same pages, same words, each at its A4 place × √2 (the type, the grid, the
        tables and the page numbers alike)."""
        f = 2 ** 0.5
        self.assertEqual(len(self.a3.words), len(self.a4.words))
        for page, (w4, w3) in enumerate(zip(self.a4.words, self.a3.words), 1):
            self.assertEqual(sorted(w.text for w in w4), sorted(w.text for w in w3), f'page {page}')
            for a in w4:
                near = [b for b in w3 if b.text == a.text
                        and all(abs(getattr(a, k) * f - getattr(b, k)) <= 0.75
                                for k in ('x0', 'y0', 'x1', 'y1'))]
                self.assertTrue(near, f'page {page}: {a} has no counterpart at ×√2')

    def test_cells_scaled(self):
        f = 2 ** 0.5
        self.assertEqual(len(self.a3.boxes), len(self.a4.boxes))
        for a, b in zip(self.a4.boxes, self.a3.boxes):
            self.assertEqual((a.page, a.row, a.col), (b.page, b.row, b.col))
            self.assertAlmostEqual(a.x1 * f, b.x1, delta=0.1)
            self.assertAlmostEqual(a.y1 * f, b.y1, delta=0.1)

    def test_other_sizes_and_unknown(self):
        for paper, (w, h) in (('A5', (148, 210)), ('B4', (250, 353))):
            sample = render('paper-' + paper, base_report(), '--paper', paper)
            self.assertAlmostEqual(sample.dump['page']['width'], w * MM, delta=0.5)
            self.assertAlmostEqual(sample.dump['page']['height'], h * MM, delta=0.5)
        result = run([program(), 'render', BASE, '--paper', 'A7', '-o',
                      os.path.join(workdir(), 'a7.pdf')])
        self.assertEqual(result.returncode, 2)
        self.assertIn("unknown paper size 'A7'", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(workdir(), 'a7.pdf')))


if __name__ == '__main__':
    sys.exit(run_tests(sys.modules[__name__]))
