#!/usr/bin/env python3
"""Prose as clerks write it (clreq on mixed Chinese and Western text; FORMAT.md §9): an
English sentence opening a paragraph, web addresses in the middle of a line and at its
end, a telephone number and a 40-digit number at a line end, and text pasted from Word.

Each case is a paragraph of the overview, rendered once, and read back glyph by glyph
with MuPDF (`mutool draw -F stext`) and word by word with `pdftotext -bbox-layout`:
- no line holds a single Latin word while the next line starts with Chinese that fits;
- no gap between two Han characters exceeds 0.5 em on a line with a breakable Latin run
  (a space in it) or a web address;
- no line break falls inside a run of digits;
- every line of a paragraph but its last ends at the type area's right edge;
- the pasted-text cases: no leading spaces, none after a run-in heading, a heading line
  starts a paragraph, and one warning says so.

Run from the repository root:  python3 tests/test_prose.py [words of test names]
"""
import functools
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_e2e import run, squash  # noqa: E402
from test_grid import check, run_tests  # noqa: E402
from test_official import stext  # noqa: E402
from test_typeset import base_report, render  # noqa: E402

URL = 'https://www.luolong.gov.cn/xxgk/zfxxgknb/2024/index_20240120_report_full_text.html'
PHONE = '0379-63218857'
DIGITS = '1234567890' * 4
CASES = {
    'english': 'English abbreviations such as APP and H5 are used in this report, and the 12345 '
               'hotline is explained for readers 以及本街道的政务公开工作情况说明。',
    'mixed': '本街道认真贯彻落实相关要求，在门户网站发布了the annual report, and a summary for '
             'readers，同时在政务公开栏张贴了纸质文本，方便群众查阅，取得了良好的社会效果。',
    'url-middle': '本报告全文可在洛龙区人民政府门户网站政府信息公开专栏（网址：' + URL + '）查阅下载，欢迎'
                  '社会各界监督。',
    'url-end': '本报告全文可在洛龙区人民政府门户网站政府信息公开专栏查阅，网址为：' + URL,
    'phone': '如对本报告有疑问，请与街道党政办公室联系，联系电话' + PHONE + '，地址为洛阳市洛龙区定'
             '鼎门街道办事处院内。',
    'digits': '本年度政府信息公开工作台账统计编号为' + DIGITS + '，请核对。',
}
PASTED = ('　　（三）政府信息管理情况。本年度健全工作制度，规范工作流程。\n'
          '（四）  政府信息公开平台建设情况。本年度优化网站栏目设置。\n'
          '本段末尾换行后直接开始下一段\n'
          '（二）依申请公开办理情况。本年度未收到政府信息公开申请。')
EM = 16.0
PITCH = 156 * 72 / 25.4 / 28


def han(c):
    return '\u3400' <= c <= '\u9fff'


def latin(c):
    return c.isascii() and not c.isspace()


@functools.lru_cache(maxsize=None)
def sample():
    data = base_report()
    data['overview'] = '\n\n'.join(CASES.values()) + '\n\n' + PASTED + '\n'
    return render('prose', data)


def lines(run_):
    """The body lines (16 pt) of every page as [(page, baseline, [(char, x0, x1)])], in order."""
    out = {}
    for page, _, c, x, y, size, quad in stext(run_.pdf):
        if size == EM:
            out.setdefault((page, round(y, 1)), []).append((c, quad[0], quad[2]))
    return [(p, y, sorted(chars, key=lambda t: t[1])) for (p, y), chars in sorted(out.items())]


def text(line):
    return ''.join(c for c, _, _ in line[2])


def paragraphs_of(run_, start):
    """The lines of the paragraph whose text begins with `start` (squashed)."""
    ls = lines(run_)
    ta = run_.type_area
    for i, line in enumerate(ls):
        if squash(text(line)).startswith(squash(start)[:8]) and line[2][0][1] > ta.x0 + EM:
            para = [line]
            for nxt in ls[i + 1:]:
                if nxt[2][0][1] > ta.x0 + EM or not nxt[2]:   # indented: the next paragraph
                    break
                para.append(nxt)
            return para
    raise AssertionError(f'no paragraph starting 「{start[:8]}」 in the PDF')


class MixedProse(unittest.TestCase):

    def each(self):
        run_ = sample()
        for name, para in CASES.items():
            yield name, paragraphs_of(run_, para), run_.type_area

    def test_no_lone_latin_word(self):
        problems = []
        for name, para, ta in self.each():
            for a, b in zip(para, para[1:]):
                words = squash(text(a))
                if re.fullmatch(r'[A-Za-z0-9,.;:!?]+', words) and b[2] and han(b[2][0][0]):
                    room = ta.x1 - a[2][-1][2]
                    if room >= PITCH:
                        problems.append(f'{name}: line 「{words}」 alone, though 「{b[2][0][0]}」 fits')
        check(self, problems)

    def test_han_gaps_on_lines_with_latin(self):
        problems = []
        for name, para, ta in self.each():
            for line in para[:-1]:
                t = text(line)
                # a Latin run with a space in it, or an address (MuPDF puts spaces of its own
                # into wide gaps: they are left out of the glyphs compared)
                if not (re.search(r'[A-Za-z0-9,.] +[A-Za-z0-9]', t) or 'http' in t or '/' in t):
                    continue
                chars = [c for c in line[2] if c[0] != ' ']
                for (c, x0, x1), (d, y0, _) in zip(chars, chars[1:]):
                    if han(c) and han(d) and y0 - x0 - PITCH > 0.5 * EM:
                        problems.append(f'{name}: 「{c}{d}」 {y0 - x0 - PITCH:.1f} pt apart in 「{t}」')
        check(self, problems)

    def test_no_break_inside_digits(self):
        problems = []
        for name, para, ta in self.each():
            for a, b in zip(para, para[1:]):
                if a[2][-1][0].isdigit() and b[2][0][0].isdigit():
                    problems.append(f'{name}: 「…{text(a)[-6:]}」 | 「{text(b)[:6]}…」')
        check(self, problems)

    def test_justified_lines_flush_right(self):
        problems = []
        for name, para, ta in self.each():
            for line in para[:-1]:
                right = line[2][-1][2]
                if abs(right - ta.x1) > 0.6:
                    problems.append(f'{name}: 「{text(line)}」 ends at {right:.2f}, not {ta.x1:.2f}')
        check(self, problems)

    def test_addresses_whole_and_the_digits_too(self):
        """The address, the telephone number and the 40 digits come back whole, in order."""
        body = squash(run(['pdftotext', sample().pdf, '-']).stdout)
        for piece in (URL, PHONE, DIGITS):
            self.assertIn(piece, body)

    def test_cases_are_meaningful(self):
        """The address really is broken across lines, and the number really is at a line
        end (or the checks above would have nothing to check)."""
        run_ = sample()
        url_lines = [line for line in paragraphs_of(run_, CASES['url-middle']) if 'luolong' in text(line)
                     or 'report' in text(line)]
        self.assertGreaterEqual(len(url_lines), 2, 'the address fits on one line')
        phone = paragraphs_of(run_, CASES['phone'])
        self.assertTrue(any(text(l).endswith(PHONE[:4]) or text(l).startswith(PHONE[:4]) or
                            PHONE in text(l) for l in phone))


class PastedText(unittest.TestCase):

    def test_pasted_paragraphs(self):
        run_ = sample()
        ls = lines(run_)
        ta = run_.type_area
        for head in ('（三）政府信息', '（四）政府信息', '（二）依申请公'):
            found = [l for l in ls if squash(text(l)).startswith(head)]
            self.assertEqual(len(found), 1, f'no line starts 「{head}」')
            line = found[0]
            # indented by the layout's two characters, not by pasted spaces
            self.assertAlmostEqual(line[2][0][1] - ta.x0, 2 * PITCH, delta=1, msg=head)
        four = [l for l in ls if squash(text(l)).startswith('（四）政府信息')][0]
        gap = four[2][3][1] - four[2][2][2]   # after （四）: no pasted spaces kept
        self.assertLess(gap, 0.3 * EM)

    def test_one_warning_for_the_heading_without_a_blank_line(self):
        done = run(['./nianbao' if os.path.exists('nianbao') else 'nianbao', 'check',
                    sample().path])
        warnings = [l for l in done.stderr.splitlines() if 'taken as a new paragraph' in l]
        self.assertEqual(len(warnings), 1, done.stderr)
        self.assertIn('（四）', warnings[0])
        self.assertRegex(warnings[0], r':\d+:\d+: warning: overview:')


if __name__ == '__main__':
    sys.exit(run_tests(sys.modules[__name__]))
