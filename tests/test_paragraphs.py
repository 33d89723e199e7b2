#!/usr/bin/env python3
"""End-to-end test of body paragraphs (FORMAT.md §8–9): justification, the 22 × 28 grid, and
no orphans, widows or stranded headings at page breaks.

Run from the repository root:  python3 tests/test_paragraphs.py
Environment: NIANBAO  path of the program (default <repo>/nianbao)
             NIANBAO_KEEP=1  keep the output directory (its path is printed)

Each test builds reports from samples/dingdingmen-2023.yaml with its prose fields (preamble,
overview, problems, other_matters; paragraphs separated by blank lines) replaced, renders them
with `nianbao render X.yaml -o X.pdf` and reads the PDF back with `pdftotext -bbox-layout`.
A paragraph's lines are found by matching the rendered lines' texts, joined, against the
paragraph's text with whitespace removed. The last line printed is "N passed, N failed"; the exit
status is non-zero on any failure.
"""
import concurrent.futures
import functools
import os
import re
import sys
import unittest
from collections import namedtuple

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_e2e import Word, parse_bbox_words, program, run, squash, workdir  # noqa: E402
from test_grid import run_tests  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(REPO, 'samples', 'dingdingmen-2023.yaml')
LAYOUT = os.path.join(REPO, 'layouts', 'gov-info-disclosure-2021.yaml')

# FORMAT.md §8: A4, margins top 37, bottom 35, left 28, right 26 mm; type area 156 × 225 mm;
# 22 lines × 28 characters, first line of a paragraph indented 2 characters.
MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT = 28 * MM                       # 79.370
RIGHT = PAGE_W - 26 * MM             # 521.575
TOP = 37 * MM
BOTTOM = PAGE_H - 35 * MM
PITCH = 156 * MM / 28                # 15.793: one character
LINE_PITCH = 225 * MM / 22           # 28.991
LINES, CHARS = 22, 28
TOL_EDGE = 0.5                       # pt: a line's ends against the type area's edges
TOL_PITCH = 0.1                      # pt: line spacing

PROSE_FIELDS = ('preamble', 'overview', 'problems', 'other_matters')

Line = namedtuple('Line', 'page index x0 y0 x1 y1 text')   # page and index from 0










# ---------------------------------------------------------------- building reports

class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value):
    """Multi-line strings as literal blocks, as a person writes prose fields."""
    return dumper.represent_scalar('tag:yaml.org,2002:str', value,
                                   style='|' if '\n' in value else None)


_Dumper.add_representer(str, _str)


@functools.lru_cache(maxsize=None)
def sample_data():
    with open(SAMPLE, encoding='utf-8') as f:
        return yaml.safe_load(f)


@functools.lru_cache(maxsize=None)
def layout_headings():
    """The section headings of the layout's document, e.g. 一、总体情况."""
    with open(LAYOUT, encoding='utf-8') as f:
        layout = yaml.safe_load(f)
    return [squash(item['heading']) for item in layout.get('document') or [] if 'heading' in item]


def prose(paragraphs):
    """A prose field's text: paragraphs separated by blank lines."""
    return '\n\n'.join(paragraphs) + '\n'


def paragraph_texts(data):
    """Every body paragraph of a report, in document order, whitespace removed."""
    out = []
    for field in PROSE_FIELDS:
        out += [p for p in (squash(part) for part in re.split(r'\n[ \t]*\n', data.get(field) or '')) if p]
    return out


class Rendering:
    """One report: written, rendered, read back; `problems` says what went wrong on the way."""

    def __init__(self, name, fields):
        self.name = name
        self.data = dict(sample_data())
        for key, paragraphs in fields.items():
            if paragraphs is None:
                self.data.pop(key, None)
            else:
                self.data[key] = prose(paragraphs)
        self.yaml = os.path.join(workdir(), name + '.yaml')
        self.pdf = os.path.join(workdir(), name + '.pdf')
        self.html = os.path.join(workdir(), name + '.html')
        self.problems = []
        self.pages = []          # per page: [Line] inside the type area, top to bottom
        self.all_lines = []      # every Line, in reading order

    def make(self):
        with open(self.yaml, 'w', encoding='utf-8') as f:
            yaml.dump(self.data, f, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10000)
        if not os.access(program(), os.X_OK):
            self.problems.append(f'{program()} is not an executable: build it (make)')
            return self
        r = run([program(), 'render', self.yaml, '-o', self.pdf])
        if r.returncode != 0 or not os.path.isfile(self.pdf):
            self.problems.append(f'render exit status {r.returncode}: {r.stderr.strip()[:500]}')
            return self
        if r.stderr.strip():
            self.problems.append(f'render stderr: {r.stderr.strip()[:500]}')
        r = run(['pdftotext', '-enc', 'UTF-8', '-bbox-layout', self.pdf, self.html])
        if r.returncode != 0:
            self.problems.append(f'pdftotext exit status {r.returncode}: {r.stderr.strip()[:500]}')
            return self
        if r.stderr.strip():
            self.problems.append(f'pdftotext stderr: {r.stderr.strip()[:500]}')
        with open(self.html, encoding='utf-8', errors='replace') as f:
            self.pages = [lines_of(page, words) for page, words in enumerate(parse_bbox_words(f.read()))]
        self.all_lines = [line for page in self.pages for line in page]
        return self

    def where(self, line):
        return f'{self.name} p{line.page + 1} line {line.index + 1} (y {line.y0:.1f})'




def lines_of(page, words):
    """A page's words grouped into text lines (a word whose vertical centre lies inside the
    line's first word joins it), top to bottom, each left to right; only lines inside the
    type area (not the page number)."""
    groups = []
    for word in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
        centre = (word.y0 + word.y1) / 2
        if groups and groups[-1][0].y0 <= centre <= groups[-1][0].y1:
            groups[-1].append(word)
        else:
            groups.append([word])
    lines = []
    for group in groups:
        centre = sum((w.y0 + w.y1) / 2 for w in group) / len(group)
        if not TOP - 2 <= centre <= BOTTOM + 2:
            continue
        group.sort(key=lambda w: w.x0)
        lines.append(Line(page, len(lines), min(w.x0 for w in group), min(w.y0 for w in group),
                          max(w.x1 for w in group), max(w.y1 for w in group),
                          squash(''.join(w.text for w in group))))
    return lines


def render_all(specs):
    """{name: fields} → {name: Rendering}, rendered in parallel."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        done = pool.map(lambda item: Rendering(*item).make(), specs.items())
        return {r.name: r for r in done}


def locate_paragraphs(rendering, paragraphs):
    """(for each paragraph, in order, the list of its Lines or None; problems). A paragraph must
    appear as a run of whole consecutive lines after the previous one."""
    lines, pos, found, problems = rendering.all_lines, 0, [], []
    for para in paragraphs:
        hit = None
        for j in range(pos, len(lines)):
            if not lines[j].text or not para.startswith(lines[j].text):
                continue
            text, k = '', j
            while k < len(lines) and len(text) < len(para) and para.startswith(text + lines[k].text):
                text += lines[k].text
                k += 1
            if text == para:
                hit = lines[j:k]
                pos = k
                break
        if hit is None:
            problems.append(f'{rendering.name}: paragraph not found as whole lines, in order: '
                            f'「{para[:40]}…」')
        found.append(hit)
    return found, problems


# ---------------------------------------------------------------- texts

HAN = ('政府信息公开工作年度报告街道办事处依申请主动公开情况制度规范流程平台建设监督保障'
       '人民群众知情权参与权表达权社会关注热点难点问题及时回应政务服务便民大厅网站栏目'
       '法治宣传培训学习审核发布统计期限数据条例规定编制全文包括总体存在主要改进其他需要')


def han(n, start=0):
    """n Han characters, no punctuation, taken round a fixed pool from `start`."""
    return ''.join(HAN[(start + i) % len(HAN)] for i in range(n))


# Paragraphs that put numbers, Latin, quotes, brackets, pairs of marks, dashes and ellipses at
# and near line ends (a body paragraph's first line holds 26 characters, the others 28).
MIXED = [
    '本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第四十九条、第五十条规定编制。'
    '全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和'
    '行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。本报告所列数据的统计期限自2023年1月1日起至'
    '2023年12月31日止。如对本报告有疑问，请与东关街道办事处党政办公室联系（电话：0379-63218857）。',
    han(25) + '，' + han(27, 3) + '。' + han(26, 7) + '、' + han(20, 9) + '。',
    han(25) + '。”' + han(26, 5) + '“' + han(12, 8) + '”，' + han(30, 2) + '）、' + han(9) + '。',
    han(24) + '12，' + han(27, 4) + '《' + han(6, 1) + '》' + han(40, 6) + '——' + han(25, 3) + '……' + han(8) + '。',
    '我街道通过“东关街道”微信公众号和各社区政务公开栏等渠道主动公开政府信息186条，其中机构职能、'
    '领导分工等基础信息12条，同比增长12.5%，办理依申请公开3件，按时办结率100%，网站HTML5页面'
    '访问量2.3万次，政务服务热线0379-63218857全年接听来电2,568个，群众满意度达到98.6%以上。',
    han(80, 11) + '0379-63218857' + han(40, 17) + '0379-63218857' + han(20, 5) + '。',
]

SENTENCES = [
    '我街道高度重视政府信息公开工作。', '严格落实公开属性源头认定制度。',
    '持续完善政务公开专栏的栏目设置。', '不断规范依申请公开的受理和答复流程。',
    '进一步加强政策文件的解读和回应工作。', '切实保障人民群众的知情权和监督权。',
    '扎实推进基层政务公开标准化规范化建设。', '积极回应社会关切的热点难点问题。',
    '认真做好政府信息公开保密审查工作。', '定期开展政务公开业务学习和专题培训。',
    '及时更新主动公开目录和公开指南。', '确保公开信息准确完整规范及时。',
    '充分发挥政务公开栏和便民服务大厅作用。', '加强与各社区之间的工作协调配合。',
    '推动政务公开向基层和群众身边延伸。', '不断提升政务公开工作的质量和实效。',
    '坚持以公开为常态不公开为例外的原则。', '健全政府信息公开工作考核评议机制。',
    '强化政府信息公开工作的监督检查。', '把政务公开融入日常工作各个环节。',
    '进一步拓宽群众参与和监督的渠道。', '努力打造阳光透明的服务型机关。',
    '严格执行信息发布审核三审制度。', '全面梳理各类公开事项的办理时限。',
    '力争公开工作再上一个新的台阶。',
]


# ---------------------------------------------------------------- checks

def justification_problems(rendering, paragraphs):
    """(problems, number of non-final lines checked)."""
    located, problems = locate_paragraphs(rendering, paragraphs)
    checked = sum(len(lines) - 1 for lines in located if lines)
    for para, lines in zip(paragraphs, located):
        if not lines:
            continue
        for i, line in enumerate(lines):
            want_x0 = LEFT + (2 * PITCH if i == 0 else 0)
            if abs(line.x0 - want_x0) > TOL_EDGE:
                problems.append(f'{rendering.where(line)}: starts at x {line.x0:.2f}, expected '
                                f'{want_x0:.2f} ({"2 characters in" if i == 0 else "the left edge"}): '
                                f'「{line.text}」')
            if i + 1 < len(lines) and abs(line.x1 - RIGHT) > TOL_EDGE:
                problems.append(f'{rendering.where(line)}: line {i + 1} of {len(lines)} of its '
                                f'paragraph ends at x {line.x1:.2f}, not at the right edge '
                                f'{RIGHT:.2f}: 「{line.text}」')
            if i + 1 == len(lines) and line.x1 > RIGHT + TOL_EDGE:
                problems.append(f'{rendering.where(line)}: last line runs past the right edge to '
                                f'x {line.x1:.2f}: 「{line.text}」')
    return problems, checked


def headings_near_a_break(rendering):
    """How many section headings are among the last 3 lines of a page or open a page after the
    first: the places where keeping a heading with what follows matters."""
    headings = set(layout_headings())
    return sum(1 for page in rendering.pages for line in page if line.text in headings
               and (line.index >= len(page) - 3 or (line.index == 0 and line.page > 0)))


def page_break_problems(rendering, paragraphs):
    """(problems, number of paragraphs split across pages)."""
    located, problems = locate_paragraphs(rendering, paragraphs)
    splits = 0
    for para, lines in zip(paragraphs, located):
        if not lines:
            continue
        pieces = []
        for line in lines:
            if pieces and pieces[-1][0] == line.page:
                pieces[-1][1].append(line)
            else:
                pieces.append((line.page, [line]))
        if len(pieces) < 2:
            continue
        splits += 1
        counts = '+'.join(str(len(p[1])) for p in pieces)
        first, last = pieces[0][1], pieces[-1][1]
        if len(first) == 1:
            problems.append(f'{rendering.where(first[0])}: a paragraph\'s first line alone at the '
                            f'foot of the page (lines per page {counts}): 「{para[:30]}…」')
        if len(last) == 1:
            problems.append(f'{rendering.where(last[0])}: a paragraph\'s last line alone at the '
                            f'top of the page (lines per page {counts}): 「{para[:30]}…」')
        # every piece but the first ends its page, every piece but the last starts one
        for page, piece in pieces[:-1]:
            if piece[-1] is not rendering.pages[page][-1]:
                problems.append(f'{rendering.where(piece[-1])}: the paragraph continues on the next '
                                f'page but this is not the last line of its page')
    headings = set(layout_headings())
    for page in rendering.pages:
        if page and page[-1].text in headings:
            problems.append(f'{rendering.where(page[-1])}: heading 「{page[-1].text}」 is the last '
                            f'line of its page')
    return problems, splits


# ---------------------------------------------------------------- the tests

class Paragraphs(unittest.TestCase):
    maxDiff = None

    def fail_all(self, problems):
        if problems:
            shown = problems[:40]
            more = f'\n… and {len(problems) - 40} more' if len(problems) > 40 else ''
            self.fail(f'{len(problems)} problem(s):\n' + '\n'.join(shown) + more)

    def test_01_justified_to_both_edges(self):
        """Every non-final line of every body paragraph ends at the type area's right edge and
        starts at its left edge; a paragraph's first line starts 2 characters in."""
        specs = {
            'justify-sample': {},
            'justify-mixed': {'preamble': MIXED[:2], 'overview': MIXED[2:4],
                              'problems': MIXED[4:5], 'other_matters': MIXED[5:]},
        }
        problems, checked = [], 0
        for rendering in render_all(specs).values():
            problems += rendering.problems
            found, n = justification_problems(rendering, paragraph_texts(rendering.data))
            problems += found
            checked += n
        self.fail_all(problems)
        self.assertGreater(checked, 40, 'too few non-final lines were checked')

    def test_02_grid_22_lines_of_28(self):
        """A page wholly covered by one paragraph of Han characters holds 22 lines of 28
        characters, spaced 225 mm / 22."""
        text = han(26 + 28 * 80)
        rendering = render_all({'grid': {'preamble': None, 'overview': [text]}})['grid']
        self.fail_all(rendering.problems)
        located, problems = locate_paragraphs(rendering, [text])
        self.fail_all(problems)
        lines = located[0]
        pages = sorted({line.page for line in lines})
        self.assertGreater(len(pages), 3, f'the paragraph spans only {len(pages)} pages')
        full = pages[1:-1]
        problems = []
        for p in full:
            page_lines = rendering.pages[p]
            mine = [line for line in lines if line.page == p]
            if len(mine) != len(page_lines):
                problems.append(f'p{p + 1}: {len(page_lines) - len(mine)} line(s) not of the paragraph')
            if len(page_lines) != LINES:
                problems.append(f'p{p + 1}: {len(page_lines)} text lines, expected {LINES}')
            for line in page_lines:
                if len(line.text) != CHARS:
                    problems.append(f'{rendering.where(line)}: {len(line.text)} characters, '
                                    f'expected {CHARS}: 「{line.text}」')
                if abs(line.x0 - LEFT) > TOL_EDGE or abs(line.x1 - RIGHT) > TOL_EDGE:
                    problems.append(f'{rendering.where(line)}: spans x {line.x0:.2f}–{line.x1:.2f}, '
                                    f'the type area {LEFT:.2f}–{RIGHT:.2f}')
            for a, b in zip(page_lines, page_lines[1:]):
                if abs((b.y0 - a.y0) - LINE_PITCH) > TOL_PITCH:
                    problems.append(f'{rendering.where(b)}: {b.y0 - a.y0:.3f} pt below the line '
                                    f'above, expected {LINE_PITCH:.3f}')
            if page_lines and (page_lines[0].y0 < TOP - TOL_EDGE or page_lines[-1].y1 > BOTTOM + TOL_EDGE):
                problems.append(f'p{p + 1}: lines from y {page_lines[0].y0:.2f} to '
                                f'{page_lines[-1].y1:.2f}, outside the type area {TOP:.2f}–{BOTTOM:.2f}')
        self.fail_all(problems)
        self.assertGreaterEqual(len(full), 2, 'fewer than 2 pages wholly covered by the paragraph')

    def test_03_no_orphans_widows_or_stranded_headings(self):
        """Sweep the preamble's length a sentence at a time so that the paragraphs after it end
        at every position relative to the page break: no paragraph leaves one line alone on a
        page (its first at a page foot, its last at a page top), and no section heading is the
        last line of its page."""
        specs = {f'sweep-{k:02d}': {'preamble': [''.join(SENTENCES[:k])]}
                 for k in range(1, len(SENTENCES) + 1)}
        problems, splits, near = [], 0, 0
        for _, rendering in sorted(render_all(specs).items()):
            problems += rendering.problems
            found, n = page_break_problems(rendering, paragraph_texts(rendering.data))
            problems += found
            splits += n
            near += headings_near_a_break(rendering)
        self.fail_all(problems)
        # the sweep reached the cases the rules are about
        self.assertGreaterEqual(splits, 5, f'only {splits} paragraph(s) split across pages in the '
                                           f'sweep: the test would not see a widow or an orphan')
        self.assertGreaterEqual(near, 1, 'no heading came near a page break in the sweep')


if __name__ == '__main__':
    sys.exit(run_tests(sys.modules[__name__]))
