#!/usr/bin/env python3
"""The official look (issue: 仿宋 body, 小标宋 title, OpenType fonts, a seal that prints like
ink, GB/T 9704 §7.3.5 in full), read back with three PDF readers: Poppler (pdftotext,
pdffonts, pdftoppm), MuPDF (mutool) and Ghostscript.

- the samples' faces: the body in FandolFang (or an official 仿宋), the title in a bold
  Song, every font embedded, subset and Unicode-mapped;
- the same text from pdftotext, `mutool draw -F txt` and Ghostscript's txtwrite, and every
  page drawn with ink by all three renderers;
- characters above U+FFFF in the agency and the prose: drawn, extracted, broken as Han;
- a seal over the signature leaves the name and date dark, also a seal on white paper;
- a sweep of the prose before the signature: the last page always holds text above it,
  and nothing leaves the type area; a long agency name wraps inside it.

Run from the repository root:  python3 tests/test_official.py [words of test names]
"""
import functools
import glob
import os
import re
import subprocess
import sys
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_e2e import (SAMPLES, TIMEOUT, SampleRun, Unavailable, parse_pdffonts, program,  # noqa: E402
                      run, squash, workdir)
from test_grid import check, run_tests  # noqa: E402
from test_typeset import SEAL, base_report, png, render, seal_sample  # noqa: E402

BODY_FACES = ('FandolFang', 'FangSong')          # pdffonts / MuPDF names of a 仿宋
TITLE_FACES = ('NotoSerifCJKsc-Bold', 'FandolSong-Bold', 'FZXiaoBiaoSong')
ASTRAL = '\U0002000B\U00020087\U0002A6D6'        # 𠀋 𠂇 𪛖: 生僻字 of names and places
LINE = 28.95                                     # the body line pitch, pt


# ---------------------------------------------------------------- reading back

def tool(*args, binary=False):
    try:
        done = subprocess.run(args, capture_output=True, timeout=TIMEOUT)
    except FileNotFoundError:
        raise Unavailable(f'{args[0]} is not installed (./setup.sh installs it)')
    if done.returncode:
        raise Unavailable(f'{" ".join(args)}: exit {done.returncode}: '
                          f'{done.stderr.decode("utf-8", "replace")[:300]}')
    return done.stdout if binary else done.stdout.decode('utf-8', 'replace')


@functools.lru_cache(maxsize=None)
def stext(pdf):
    """[(page, font name, char, x, baseline y, size, quad)] from MuPDF's structured text."""
    out = []
    for number, page in enumerate(ET.fromstring(tool('mutool', 'draw', '-F', 'stext', '-o', '-',
                                                     pdf, binary=True)).iter('page'), 1):
        for font in page.iter('font'):
            name, size = font.get('name'), float(font.get('size'))
            for ch in font.iter('char'):
                quad = [float(v) for v in ch.get('quad').split()]
                out.append((number, name, ch.get('c'), float(ch.get('x')), float(ch.get('y')),
                            size, quad))
    return out


def text_by(reader, pdf, first_page=False):
    """The document's text (or its first page's) as one reader gives it, whitespace and page
    numbers removed."""
    if reader == 'pdftotext':
        text = tool('pdftotext', *(['-l', '1'] if first_page else []), pdf, '-')
    elif reader == 'mutool':
        text = tool('mutool', 'draw', '-F', 'txt', '-o', '-', pdf, *(['1'] if first_page else []))
    else:
        text = tool('gs', '-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=txtwrite',
                    *(['-dLastPage=1'] if first_page else []), '-sOutputFile=-', pdf)
    text = re.sub(r'—\s*\d+\s*—', '', text)
    return squash(text)


def ppm(data):
    """(width, height, rgb bytes) of a binary PPM."""
    parts, pos = [], 0
    while len(parts) < 4:
        m = re.compile(rb'\s*(#[^\n]*\n\s*)*(\S+)').match(data, pos)
        parts.append(m.group(2))
        pos = m.end()
    return int(parts[1]), int(parts[2]), data[pos + 1:]


def page_image(pdf, page, dpi, renderer='poppler'):
    if renderer == 'poppler':
        data = tool('pdftoppm', '-r', str(dpi), '-f', str(page), '-l', str(page), pdf, binary=True)
    elif renderer == 'mupdf':
        data = tool('mutool', 'draw', '-q', '-r', str(dpi), '-F', 'ppm', '-o', '-', pdf, str(page),
                    binary=True)
    else:
        data = tool('gs', '-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=ppmraw',
                    '-dTextAlphaBits=4', '-dGraphicsAlphaBits=4', f'-r{dpi}', f'-dFirstPage={page}', f'-dLastPage={page}', '-sOutputFile=-', pdf,
                    binary=True)
    return ppm(data)


def glyph_ink(image, dpi, quad):
    """Does any pixel inside a glyph's box (pt) hold ink (a channel under 200)?"""
    w, h, rgb = image
    s = dpi / 72
    x0, y0 = int(quad[0] * s), int(quad[1] * s)
    x1, y1 = int(quad[6] * s + 1), int(quad[7] * s + 1)
    for y in range(max(0, y0), min(h, y1)):
        row = rgb[(y * w + max(0, x0)) * 3:(y * w + min(w, x1)) * 3]
        if row and min(row) < 200:
            return True
    return False


def black_pixels(image, dpi, quad):
    """Near-black pixels (every channel under 90) inside a glyph's quad (pt)."""
    w, h, rgb = image
    s = dpi / 72
    x0, y0, x1, y1 = int(quad[0] * s), int(quad[1] * s), int(quad[6] * s), int(quad[7] * s)
    n = 0
    for y in range(max(0, y0), min(h, y1)):
        row = y * w * 3
        for x in range(max(0, x0), min(w, x1)):
            i = row + 3 * x
            n += max(rgb[i], rgb[i + 1], rgb[i + 2]) < 90
    return n


def pages(pdf):
    return int(re.search(r'Pages:\s+(\d+)', tool('pdfinfo', pdf)).group(1))


# ---------------------------------------------------------------- the samples

class Faces(unittest.TestCase):
    """Each sample's body is set in a 仿宋 and its title in a bold Song, all embedded."""

    def runs(self):
        return [SampleRun(p) for p in SAMPLES]

    def test_body_is_fangsong_and_title_a_bold_song(self):
        problems = []
        for sample in self.runs():
            chars = stext(sample.pdf)
            title = sample.sample['agency']
            first = [c for c in chars if c[0] == 1 and c[2] == title[0]]
            if not first or not first[0][1].startswith(TITLE_FACES):
                problems.append(f'{sample.name}: the title is set in {first[0][1] if first else "?"}')
            body = [c[1] for c in chars if c[5] == 16]   # 三号: body, headings, signature
            most = max(set(body), key=body.count) if body else '?'
            if not most.startswith(BODY_FACES) or body.count(most) < 0.7 * len(body):
                problems.append(f'{sample.name}: most body text is set in {most} '
                                f'({body.count(most)} of {len(body)} characters)')
        check(self, problems)

    def test_every_font_embedded_subset_and_mapped(self):
        problems = []
        for sample in self.runs():
            rows = parse_pdffonts(tool('pdffonts', sample.pdf))
            types = {r['type'] for r in rows}
            if 'CID Type 0C' not in types:
                problems.append(f'{sample.name}: no CFF font among {types}')
            for r in rows:
                if (r['emb'], r['sub'], r['uni']) != ('yes', 'yes', 'yes') or '+' not in r['name']:
                    problems.append(f'{sample.name}: {r}')
        check(self, problems)

    def test_three_readers_give_the_same_text(self):
        """The same characters from all three, and the first page (title and prose) in the
        same order; tables they read in orders of their own (cell by cell or row by row)."""
        problems = []
        for sample in self.runs():
            for first in (False, True):
                texts = {r: text_by(r, sample.pdf, first) for r in ('pdftotext', 'mutool', 'gs')}
                if not texts['pdftotext'] or squash(sample.sample['agency']) not in texts['pdftotext']:
                    problems.append(f'{sample.name}: pdftotext gives no agency')
                for reader in ('mutool', 'gs'):
                    a, b = texts['pdftotext'], texts[reader]
                    if not first:
                        a, b = ''.join(sorted(a)), ''.join(sorted(b))
                    if a != b:
                        at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                        problems.append(f'{sample.name}{" page 1" if first else ""}: {reader} differs '
                                        f'from pdftotext at {at}: …{a[max(0, at - 10):at + 10]}… / '
                                        f'…{b[max(0, at - 10):at + 10]}…')
        check(self, problems)

    def test_pdftotext_gives_no_warning(self):
        for sample in self.runs():
            done = run(['pdftotext', sample.pdf, os.devnull])
            self.assertEqual((done.returncode, done.stderr), (0, ''), sample.name)

    def test_three_renderers_draw_every_glyph(self):
        """No blank page and no missing glyph: every character MuPDF finds leaves ink inside
        its box in Poppler's, MuPDF's and Ghostscript's rendering of its page."""
        problems = []
        dpi = 60
        for sample in self.runs():
            chars = [c for c in stext(sample.pdf) if c[2].strip()]
            for page in range(1, pages(sample.pdf) + 1):
                on_page = [c for c in chars if c[0] == page]
                if not on_page:
                    problems.append(f'{sample.name} p{page}: no text')
                for r in ('poppler', 'mupdf', 'gs'):
                    image = page_image(sample.pdf, page, dpi, r)
                    blank = [c[2] for c in on_page if not glyph_ink(image, dpi, c[6])]
                    if blank:
                        problems.append(f'{sample.name} p{page} {r}: no ink for 「{"".join(blank[:20])}」')
        check(self, problems)


# ---------------------------------------------------------------- beyond U+FFFF

class OwnCffSubsets(unittest.TestCase):
    """The faces' subsets are our own (cffsub.c, desubroutinized): each sample draws the same
    pixels, in Poppler, MuPDF and Ghostscript, as with HarfBuzz's subsets
    (NIANBAO_CFF_HARFBUZZ=1), and gives the same text."""

    def test_same_pages_as_harfbuzz_subsets(self):
        problems = []
        for path in SAMPLES:
            name = os.path.splitext(os.path.basename(path))[0]
            d = workdir()
            ours, theirs = os.path.join(d, name + '-own.pdf'), os.path.join(d, name + '-hb.pdf')
            env = dict(os.environ, NIANBAO_CFF_HARFBUZZ='1')
            for out, e in ((ours, None), (theirs, env)):
                done = subprocess.run([program(), 'render', '-q', path, '-o', out], env=e,
                                      capture_output=True, timeout=TIMEOUT)
                if done.returncode:
                    raise AssertionError(f'{name}: render failed: {done.stderr[-300:]}')
            if tool('pdftotext', ours, '-') != tool('pdftotext', theirs, '-'):
                problems.append(f'{name}: the text differs from the HarfBuzz subsets')
            renders = {
                'poppler': lambda pdf, stem: tool('pdftoppm', '-r', '50', '-png', pdf, stem),
                'mupdf': lambda pdf, stem: tool('mutool', 'draw', '-q', '-r', '50', '-o',
                                                stem + '-%d.png', pdf),
                'ghostscript': lambda pdf, stem: tool('gs', '-q', '-dNOPAUSE', '-dBATCH',
                                                      '-sDEVICE=png16m', '-r50',
                                                      f'-sOutputFile={stem}-%d.png', pdf),
            }
            for reader, draw in renders.items():
                a, b = os.path.join(d, f'{reader}-own'), os.path.join(d, f'{reader}-hb')
                draw(ours, a), draw(theirs, b)
                pa, pb = sorted(glob.glob(a + '-*.png')), sorted(glob.glob(b + '-*.png'))
                if len(pa) != len(pb) or not pa:
                    problems.append(f'{name}: {reader} drew {len(pa)} pages, {len(pb)} with HarfBuzz')
                for x, y in zip(pa, pb):
                    with open(x, 'rb') as fx, open(y, 'rb') as fy:
                        if fx.read() != fy.read():
                            problems.append(f'{name}: {reader} draws {os.path.basename(x)} '
                                            f'differently from the HarfBuzz subsets')
        check(self, problems)


class Astral(unittest.TestCase):
    """Three characters above U+FFFF, one in the agency (so in the title and the signature)
    and two in the prose, are drawn, extracted and broken like any Han character."""

    @classmethod
    def setUpClass(cls):
        data = base_report()
        data['agency'] = data['agency'].replace('定鼎门', '定' + ASTRAL[0] + '鼎门')
        data['overview'] = data['overview'].replace('坚持', '坚持' + ASTRAL[1], 1).replace(
            '深入贯彻', '深入' + ASTRAL[2] + '贯彻', 1)
        cls.sample = render('astral', data)

    def test_extracted_exactly(self):
        text = text_by('pdftotext', self.sample.pdf)
        self.assertEqual(text.count(ASTRAL[0]), 2, 'the agency: in the title and the signature')
        for c in ASTRAL[1:]:
            self.assertEqual(text.count(c), 1, f'U+{ord(c):X}')
        self.assertIn(squash(self.sample.sample['agency']), text)

    def test_drawn_in_a_font(self):
        """MuPDF finds each in a font's glyphs, and it leaves ink where it stands."""
        chars = [c for c in stext(self.sample.pdf) if c[2] in ASTRAL]
        self.assertEqual({c[2] for c in chars}, set(ASTRAL))
        image = page_image(self.sample.pdf, 1, 150)
        for c in chars:
            if c[0] == 1:
                self.assertGreater(black_pixels(image, 150, c[6]), 20, f'U+{ord(c[2]):X} left no ink')

    def test_set_on_the_grid_like_han(self):
        """Each is one character wide on the 28-character grid: the glyphs after it in its
        line keep the grid's pitch (15.79 pt)."""
        chars = [c for c in stext(self.sample.pdf) if c[0] == 1 and c[5] == 16]
        for i, c in enumerate(chars):
            if c[2] in ASTRAL[1:]:
                nxt = chars[i + 1]
                self.assertAlmostEqual(nxt[3] - c[3], 15.79, delta=0.6, msg=f'after U+{ord(c[2]):X}')


# ---------------------------------------------------------------- the seal

def white_paper(seal_png):
    """The specimen seal composed onto opaque white paper (as a scan gives it), RGB."""
    import struct
    import zlib
    data = open(seal_png, 'rb').read()
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, colour = struct.unpack('>IIBB', body[:10])
            assert depth == 8 and colour == 6, 'the specimen is 8-bit RGBA'
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw, stride, prev, rows = zlib.decompress(idat), w * 4, bytearray(w * 4), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - 4] if x >= 4 else 0
            b, c = prev[x], prev[x - 4] if x >= 4 else 0
            p = (a + b - c)
            pred = [0, a, b, (a + b) // 2,
                    a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else b if abs(p - b) <= abs(p - c) else c][f]
            line[x] = (line[x] + pred) & 255
        prev = line
        rgb = bytearray()
        for x in range(w):
            r, g, b_, al = line[4 * x:4 * x + 4]
            rgb += bytes(round(v * al / 255 + 255 * (255 - al) / 255) for v in (r, g, b_))
        rows.append(bytes(rgb))
    return png(w, h, rows, 8, 2)


class SealLikeInk(unittest.TestCase):
    """The agency name and the date under the seal stay dark at 150 dpi: each glyph under
    the seal keeps most of the near-black pixels it has without a seal."""

    DPI = 150

    def seal_run(self, name, image):
        sample = seal_sample(name, image)
        self.assertEqual(sample.render.returncode, 0, sample.render.stderr)
        return sample

    def under_seal(self, sample):
        img = sample.dump['images'][0]
        last = img['page']
        chars = [c for c in stext(sample.pdf) if c[0] == last and c[5] == 16 and c[2].strip()
                 and img['x0'] <= (c[6][0] + c[6][2]) / 2 <= img['x1']
                 and img['y0'] <= (c[6][1] + c[6][7]) / 2 <= img['y1']]
        self.assertGreaterEqual(len(chars), 8, 'the name and the date stand under the seal')
        return last, chars

    def check_dark(self, name, image):
        sample = self.seal_run(name, image)
        page, chars = self.under_seal(sample)
        with_seal = page_image(sample.pdf, page, self.DPI)
        # the same page with a seal of the same size that is clear all over: the same layout
        clear = png(600, 600, [bytes(4 * 600)] * 600)
        bare = page_image(self.seal_run(name + '-clear', clear).pdf, page, self.DPI)
        problems = []
        for c in chars:
            kept, alone = black_pixels(with_seal, self.DPI, c[6]), black_pixels(bare, self.DPI, c[6])
            if alone and kept < 0.8 * alone:
                problems.append(f'「{c[2]}」 under the seal: {kept} of its {alone} dark pixels left')
        check(self, problems)
        return sample

    def test_name_and_date_dark_under_the_seal(self):
        self.check_dark('ink', open(SEAL, 'rb').read())

    def test_seal_on_white_paper_is_transparent(self):
        """A scan on white paper: the paper is made transparent, the text stays readable."""
        sample = self.check_dark('ink-white', white_paper(SEAL))
        self.assertTrue(sample.dump['images'][0]['alpha'], 'the paper was made transparent')


# ---------------------------------------------------------------- GB/T 9704 §7.3.5

FILL = '本段为测试用的补充文字。'    # 12 characters


class SignatureNeverAlone(unittest.TestCase):
    """The prose before the signature grows a few characters at a time over two pages'
    worth of positions (40 steps each, with and without a seal): the signature's page
    always has body text above the signature, and no line leaves the type area."""

    STEPS = 40

    def sweep(self, seal):
        problems = []
        for step in range(self.STEPS):
            data = base_report()
            data['other_matters'] = data['other_matters'].rstrip() + FILL * (step // 2) + \
                '补充' * (step % 2 * 5) + '。\n'
            if seal:
                data['seal'] = SEAL
            sample = render(f'sweep-{"seal" if seal else "plain"}-{step}', data)
            words = sample.page_words(len(sample.words))
            ta = sample.type_area
            sig = [w for w in words if squash(w.text) in (squash(data['agency']), '2024年1月20日')]
            if len(sig) != 2:
                problems.append(f'step {step}: the last page has no signature: {[w.text for w in words]}')
                continue
            top = min(w.y0 for w in sig)
            body = [w for w in words if w.y1 < top - 1 and w.y0 >= ta.y0 - 1]
            if not body:
                problems.append(f'step {step}: the signature stands alone on page {len(sample.words)}')
            for page, ws in enumerate(sample.words, 1):
                for w in ws:
                    if w.y0 > ta.y1 and re.fullmatch(r'[—\d]+', squash(w.text)):
                        continue   # the page number, below the type area by design
                    if w.y0 < ta.y0 - 1 or w.y1 > ta.y1 + 1 or w.x0 < ta.x0 - 1 or w.x1 > ta.x1 + 1:
                        problems.append(f'step {step} p{page}: 「{w.text}」 leaves the type area')
        return problems

    def test_without_seal(self):
        check(self, self.sweep(False))

    def test_with_seal(self):
        check(self, self.sweep(True))


class LongAgencyName(unittest.TestCase):
    """A name longer than the room for it wraps into right-aligned lines inside the type
    area, the date below it."""

    def test_wraps_inside_the_type_area(self):
        data = base_report()
        data['agency'] = '洛阳市洛龙区人民政府定鼎门街道办事处社区综合服务与政务公开工作领导小组办公室'
        data['title'] = '定鼎门街道2023年政府信息公开工作年度报告'
        sample = render('long-name', data)
        words = sample.page_words(len(sample.words))
        ta = sample.type_area
        date = [w for w in words if squash(w.text) == '2024年1月20日']
        self.assertEqual(len(date), 1)
        name = [w for w in words if w.y1 < date[0].y0 + 1 and w.y0 > date[0].y0 - 3 * LINE
                and squash(w.text) in squash(data['agency'])]
        self.assertGreaterEqual(len({round(w.y0) for w in name}), 2, 'the name is broken in lines')
        self.assertEqual(squash(''.join(w.text for w in sorted(name, key=lambda w: (round(w.y0), w.x0)))),
                         squash(data['agency']))
        for w in name + date:
            self.assertGreaterEqual(w.x0, ta.x0 - 1, w.text)
            self.assertLessEqual(w.x1, ta.x1 + 1, w.text)
        rights = {round(w.x1) for w in name}
        self.assertEqual(len(rights), 1, f'the name\'s lines end at one right edge: {rights}')


if __name__ == '__main__':
    sys.exit(run_tests(sys.modules[__name__]))
