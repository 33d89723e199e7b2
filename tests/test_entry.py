#!/usr/bin/env python3
"""A report as a clerk fills it in (issue: Chinese messages, a labelled template,
input-method tolerance, GBK files, Excel workbooks): a file saved as GBK reads as the UTF-8
one does, with one warning and the same positions; dates that cannot be are named by their
wrong part; `--previous` must be the same unit's report of the year before.

Run from the repository root:  python3 tests/test_entry.py [words of test names]
"""
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_e2e import program, workdir  # noqa: E402
from test_grid import REPO, run_tests  # noqa: E402

SAMPLE = os.path.join(REPO, 'samples', 'dingdingmen-2023.yaml')
WAIT = 120


def nb(*args):
    return subprocess.run([program(), *args], capture_output=True, cwd=REPO, timeout=WAIT)


def folder(name):
    path = os.path.join(workdir(), name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def sample_text():
    with open(SAMPLE, encoding='utf-8') as f:
        return f.read()


class Encodings(unittest.TestCase):

    def test_a_gbk_file_renders_the_same_pdf_with_one_warning(self):
        d = folder('gbk')
        src = os.path.join(d, '报告.yaml')
        with open(src, 'wb') as f:
            f.write(sample_text().encode('gbk'))
        ref = os.path.join(d, 'ref.pdf')
        self.assertEqual(nb('render', SAMPLE, '-o', ref).returncode, 0)
        out = os.path.join(d, 'gbk.pdf')
        done = nb('render', src, '-o', out)
        self.assertEqual(done.returncode, 0, done.stderr.decode())
        err = done.stderr.decode('utf-8')
        self.assertEqual(err.count('warning'), 1, err)
        self.assertIn(f'{src}: warning: this file is in the GBK (GB18030) encoding', err)
        with open(ref, 'rb') as a, open(out, 'rb') as b:
            self.assertEqual(a.read(), b.read())

    def test_positions_in_a_gbk_file_are_those_of_its_characters(self):
        d = folder('gbk-pos')
        text = sample_text().replace('licensing: 0', 'licensing: 2.5')
        utf, gbk = os.path.join(d, 'u.yaml'), os.path.join(d, 'g.yaml')
        with open(utf, 'w', encoding='utf-8') as f:
            f.write(text)
        with open(gbk, 'wb') as f:
            f.write(text.encode('gb18030'))
        a, b = nb('check', utf).stderr.decode(), nb('check', gbk).stderr.decode()
        where = lambda err, f: re.findall(rf'{re.escape(f)}:(\d+:\d+): error', err)  # noqa: E731
        self.assertTrue(where(a, utf))
        self.assertEqual(where(a, utf), where(b, gbk))

    def test_neither_utf8_nor_gb18030_is_refused(self):
        d = folder('bad-enc')
        src = os.path.join(d, 'x.yaml')
        with open(src, 'wb') as f:
            f.write(b'agency: \xff\xfe\xfd\nyear: 2023\n')
        done = nb('check', src)
        self.assertEqual(done.returncode, 1)
        self.assertIn(f'{src}:1:9: error: not UTF-8 text (byte 0xFF)', done.stderr.decode())


def as_typed(text):
    """The sample's figures as a Chinese input method types them (full-width digits and
    commas, 【】 and ［］, 、 and spaces between numbers), its prose untouched."""
    fw = str.maketrans('0123456789,', '０１２３４５６７８９，')
    out = []
    for k, line in enumerate(text.splitlines(keepends=True)):
        m = re.match(r'^(\s+\w+:\s+)(\[[^\]]*\]|\d+(\.\d+)?)(.*)$', line, re.S)
        if not m:
            out.append(line)
            continue
        value = m.group(2).translate(fw)
        if value.startswith('['):
            value = ('【' + value[1:-1] + '】') if k % 2 else ('［' + value[1:-1] + '］')
            if k % 3 == 0:
                value = value.replace('，', '、')
            elif k % 3 == 1:
                value = value.replace('，', ' ').replace('  ', ' ')
        out.append(m.group(1) + value + m.group(4))
    return ''.join(out)


class InputMethod(unittest.TestCase):

    def test_typed_with_an_input_method_and_saved_as_gbk_gives_the_same_pdf(self):
        d = folder('ime')
        with open(os.path.join(REPO, 'samples', 'chanhe-2023.yaml'), encoding='utf-8') as f:
            clean = f.read()
        typed = as_typed(clean)
        self.assertNotEqual(typed, clean)
        self.assertIn('【', typed)
        self.assertIn('、', typed)
        shutil.copy(os.path.join(REPO, 'samples', 'seal-specimen.png'), d)
        paths = {}
        for name, data in (('clean', clean.encode('utf-8')), ('typed', typed.encode('utf-8')),
                           ('gbk', typed.encode('gb18030'))):
            paths[name] = os.path.join(d, f'{name}.yaml')
            with open(paths[name], 'wb') as f:
                f.write(data)
        pdfs = {}
        for name, path in paths.items():
            out = os.path.join(d, f'{name}.pdf')
            done = nb('render', path, '-o', out)
            self.assertEqual(done.returncode, 0, done.stderr.decode())
            err = done.stderr.decode()
            if name != 'clean':
                self.assertEqual(err.count('figures typed with a Chinese input method'), 1, err)
            with open(out, 'rb') as f:
                pdfs[name] = f.read()
        self.assertEqual(pdfs['typed'], pdfs['clean'])
        self.assertEqual(pdfs['gbk'], pdfs['clean'])

    def report_with(self, name, old, new):
        d = folder(name)
        path = os.path.join(d, 'r.yaml')
        text = sample_text()
        self.assertIn(old, text)
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text.replace(old, new))
        return path, nb('check', path)

    def test_a_full_width_colon_is_named_where_it_is(self):
        path, done = self.report_with('fwcolon', '  carried_over:    [', '  carried_over：   [')
        self.assertEqual(done.returncode, 1)
        self.assertIn(f"{path}:34:15: error: '：' after 'carried_over' is a full-width colon",
                      done.stderr.decode())
        self.assertNotIn('YAML syntax', done.stderr.decode())

    def test_a_thousands_comma_in_a_list_is_ambiguous(self):
        path, done = self.report_with('thousands', 'regulations:         [0, 0, 0]',
                                      'regulations:         [1,218, 0]')
        self.assertEqual(done.returncode, 1)
        self.assertIn(f"{path}:25:25: error: '1,218' may be one number (1218) or two (1 and 218)",
                      done.stderr.decode())

    def test_prose_keeps_its_full_width_characters(self):
        path, done = self.report_with('prose-fw', '（一）主动公开情况。', '（一）主动公开情况，１８条。')
        self.assertEqual(done.returncode, 0, done.stderr.decode())
        self.assertNotIn('input method', done.stderr.decode())


def fill_template(template, data, typed=False):
    """The template filled in with a report's data as a clerk would: the unit's details, each
    prose field's guidance replaced by its text, every figure typed into its row (with a
    Chinese input method's full-width characters when typed)."""
    fw = str.maketrans('0123456789,', '０１２３４５６７８９，')
    out, path, skip = [], [], None
    for line in template.splitlines():
        if skip is not None:
            if line.startswith('  ') or not line.strip():
                continue
            skip = None
        m = re.match(r'^(agency|year|date): \S+(.*)$', line)
        if m:
            out.append(f'{m.group(1)}: {data[m.group(1)]}{m.group(2)}')
            continue
        m = re.match(r'^(\w+): \|$', line)
        if m:   # a prose field: its guidance out, the report's text in
            out.append(line)
            out.extend('  ' + l if l else '' for l in (data.get(m.group(1)) or '').rstrip('\n').split('\n'))
            skip = m.group(1)
            continue
        m = re.match(r'^( *)(\w+):( (\[[^\]]*\]|0))?(.*)$', line)
        if not m or line.lstrip().startswith('#'):
            out.append(line)
            continue
        depth = len(m.group(1)) // 2
        path = path[:depth] + [m.group(2)]
        if not m.group(3):
            out.append(line)
            continue
        node = data
        for k in path:
            node = (node or {}).get(k) if isinstance(node, dict) else None
        value = node if node is not None else 0
        text = '[' + ', '.join(str(v) for v in value) + ']' if isinstance(value, list) else str(value)
        if typed:
            text = text.translate(fw)
            if text.startswith('['):
                text = '【' + text[1:-1] + '】'
        out.append(f'{m.group(1)}{m.group(2)}: {text}{m.group(5)}')
    return '\n'.join(out) + '\n'


class Template(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.d = folder('template')
        cls.path = os.path.join(cls.d, '年报.yaml')
        cls.made = nb('template', '-o', cls.path)
        with open(cls.path, encoding='utf-8') as f:
            cls.text = f.read()

    def test_written_with_o(self):
        self.assertEqual(self.made.returncode, 0, self.made.stderr.decode())
        self.assertTrue(self.text.startswith('# 政府信息公开工作年度报告'))
        self.assertEqual(nb('template').stdout.decode(), self.text)

    def test_an_argument_is_a_usage_error(self):
        done = nb('template', 'extra.yaml')
        self.assertEqual(done.returncode, 2)
        self.assertIn("template takes no report", done.stderr.decode())

    def test_every_column_named_and_the_fee_in_wan_yuan(self):
        for names in ('自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他',
                      '结果维持, 结果纠正, 其他结果, 尚未审结', '本年制发件数, 本年废止件数, 现行有效件数'):
            self.assertIn(f'# each row: {names}', self.text)
        self.assertRegex(self.text, r'fees: 0 +# 行政事业性收费: 本年收费金额（单位：万元）')

    def test_an_unfilled_template_is_refused_at_each_line(self):
        done = nb('check', self.path)
        self.assertEqual(done.returncode, 1)
        err = done.stderr.decode()
        self.assertIn(f"{self.path}:5:9: error: agency: 某某街道办事处 is the template's example", err)
        for field in ('preamble', 'overview', 'problems', 'other_matters'):
            self.assertRegex(err, rf"{re.escape(self.path)}:\d+:3: error: {field} still holds the "
                                  r"template's example text")

    def test_filled_as_a_clerk_would_gives_the_samples_pdf(self):
        import yaml
        with open(SAMPLE, encoding='utf-8') as f:
            data = yaml.safe_load(f)
        data['date'] = str(data['date'])
        ref = os.path.join(self.d, 'ref.pdf')
        self.assertEqual(nb('render', SAMPLE, '-o', ref).returncode, 0)
        with open(ref, 'rb') as f:
            want = f.read()
        for name, typed, enc in (('clean', False, 'utf-8'), ('typed', True, 'utf-8'),
                                 ('typed-gbk', True, 'gb18030')):
            src = os.path.join(self.d, f'{name}.yaml')
            with open(src, 'wb') as f:
                f.write(fill_template(self.text, data, typed).encode(enc))
            out = os.path.join(self.d, f'{name}.pdf')
            done = nb('render', src, '-o', out)
            self.assertEqual(done.returncode, 0, f'{name}: {done.stderr.decode()}')
            err = done.stderr.decode()
            self.assertEqual('input method' in err, typed, err)
            self.assertEqual('GBK' in err, enc != 'utf-8', err)
            with open(out, 'rb') as f:
                self.assertEqual(f.read(), want, name)


class Dates(unittest.TestCase):

    def check_date(self, date):
        d = folder('dates')
        src = os.path.join(d, 'r.yaml')
        with open(src, 'w', encoding='utf-8') as f:
            f.write(re.sub(r'(?m)^date: .*$', f'date: {date}', sample_text()))
        return src, nb('check', src)

    def test_an_impossible_date_says_which_part(self):
        for date, says in (('2024-02-30', '2024-02 has 29 days, not 30'),
                           ('2024-13-01', 'there is no month 13'),
                           ('2023-02-29', '2023-02 has 28 days, not 29')):
            src, done = self.check_date(date)
            self.assertEqual(done.returncode, 1, date)
            self.assertIn(f'{src}:9:7: error: date {date}: {says}', done.stderr.decode())

    def test_a_date_in_chinese(self):
        src, done = self.check_date('2024年1月20日')
        self.assertEqual((done.returncode, done.stderr.decode()), (0, f'{src}: ok\n'))

    def test_a_date_before_the_year_ends_is_a_warning(self):
        src, done = self.check_date('2023-06-30')
        self.assertEqual(done.returncode, 0)
        self.assertIn(f'{src}:9:7: warning: the date 2023-06-30 is before the end of 2023',
                      done.stderr.decode())

    def test_no_date_is_a_warning(self):
        d = folder('nodate')
        src = os.path.join(d, 'r.yaml')
        with open(src, 'w', encoding='utf-8') as f:
            f.write(re.sub(r'(?m)^date: .*\n', '', sample_text()))
        done = nb('check', src)
        self.assertEqual(done.returncode, 0)
        self.assertIn(f'{src}:1:1: warning: no date', done.stderr.decode())


class Previous(unittest.TestCase):

    def last_year(self, name, agency='洛龙区定鼎门街道办事处', year=2022):
        d = folder(name)
        path = os.path.join(d, 'last.yaml')
        text = sample_text().replace('year: 2023', f'year: {year}')
        text = text.replace('agency: 洛龙区定鼎门街道办事处', f'agency: {agency}')
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)
        return path

    def test_the_same_unit_the_year_before(self):
        done = nb('check', SAMPLE, '--previous', self.last_year('prev-ok'))
        self.assertEqual(done.returncode, 0, done.stderr.decode())

    def test_another_unit_or_year_is_refused(self):
        for name, kw in (('prev-unit', {'agency': '某某镇人民政府'}), ('prev-year', {'year': 2021}),
                         ('prev-same', {'year': 2023})):
            path = self.last_year(name, **kw)
            done = nb('check', SAMPLE, '--previous', path)
            self.assertEqual(done.returncode, 1, name)
            self.assertIn(f'{path}: error: this is ', done.stderr.decode())
            self.assertIn("not 洛龙区定鼎门街道办事处's for 2022", done.stderr.decode())


def in_language(lang, *args):
    env = {k: v for k, v in os.environ.items() if k not in ('LANGUAGE', 'LANG', 'LC_MESSAGES')}
    env['LC_ALL'] = lang
    return subprocess.run([program(), *args], capture_output=True, cwd=REPO, timeout=WAIT, env=env)


class Chinese(unittest.TestCase):
    """Messages, --help and the closing lines in Chinese under a Chinese locale (as on a
    Chinese desktop, 统信 or 麒麟), in English otherwise; file:line:col: stays in front."""

    @classmethod
    def setUpClass(cls):
        if 'zh_CN' not in subprocess.run(['locale', '-a'], capture_output=True, text=True).stdout:
            raise AssertionError('the zh_CN.UTF-8 locale is missing (./setup.sh makes it)')
        cls.d = folder('chinese')
        cls.bad = os.path.join(cls.d, 'bad.yaml')
        with open(cls.bad, 'w', encoding='utf-8') as f:
            f.write(re.sub(r'(?m)^date: .*$', 'date: 2024-02-30', sample_text()).replace(
                'agency: 洛龙区定鼎门街道办事处', 'agency: 洛龙区关林街道办事处'))

    def both(self, *args):
        return (in_language('zh_CN.UTF-8', *args).stderr.decode(),
                in_language('C.UTF-8', *args).stderr.decode())

    def test_a_data_error(self):
        zh, en = self.both('check', self.bad)
        self.assertIn(f'{self.bad}:9:7: 错误：日期 2024-02-30：2024-02 只有 29 天，没有 30 日', zh)
        self.assertIn(f'{self.bad}:9:7: error: date 2024-02-30: 2024-02 has 29 days, not 30', en)

    def test_ok_and_warnings(self):
        zh, en = self.both('check', SAMPLE)
        self.assertEqual(zh, f'{SAMPLE}：通过\n')
        self.assertEqual(en, f'{SAMPLE}: ok\n')

    def test_usage_and_help(self):
        zh, en = self.both('frobnicate')
        self.assertIn("未知命令 'frobnicate'", zh)
        self.assertIn("unknown command 'frobnicate'", en)
        out = in_language('zh_CN.UTF-8', '--help').stdout.decode()
        self.assertTrue(out.startswith('用法：nianbao render 报告.yaml'), out[:80])
        self.assertIn('退出状态：0 完成', out)
        self.assertTrue(in_language('C.UTF-8', '--help').stdout.decode().startswith('usage:'))

    def test_each_command_has_its_own_help(self):
        whole = in_language('C.UTF-8', '--help').stdout.decode()
        for cmd, zh in (('render', '用法：nianbao render 报告.yaml'), ('check', '用法：nianbao check'),
                        ('batch', '用法：nianbao batch'), ('template', '用法：nianbao template')):
            en = in_language('C.UTF-8', cmd, '--help')
            self.assertEqual(en.returncode, 0)
            self.assertTrue(en.stdout.decode().startswith(f'usage: nianbao {cmd}'), cmd)
            self.assertNotEqual(en.stdout.decode(), whole, cmd)
            self.assertTrue(in_language('zh_CN.UTF-8', cmd, '--help').stdout.decode().startswith(zh), cmd)

    def test_a_batch_says_its_end_in_chinese(self):
        out = os.path.join(self.d, 'out')
        zh = in_language('zh_CN.UTF-8', 'batch', SAMPLE, self.bad, '-o', out).stderr.decode()
        self.assertIn('batch：通过 1 份，未通过 1 份', zh)
        self.assertIn(f'  未通过：{self.bad}：{self.bad}:9:7: 错误：日期', zh)

    def test_the_pdf_is_the_same_in_either_language(self):
        pdfs = []
        for lang in ('zh_CN.UTF-8', 'C.UTF-8'):
            out = os.path.join(self.d, f'{lang}.pdf')
            self.assertEqual(in_language(lang, 'render', SAMPLE, '-o', out).returncode, 0)
            with open(out, 'rb') as f:
                pdfs.append(f.read())
        self.assertEqual(pdfs[0], pdfs[1])

    def test_every_message_has_its_translation(self):
        pot = os.path.join(self.d, 'nianbao.pot')
        done = subprocess.run(['make', '-s', 'pot', f'POT={pot}'], cwd=REPO, capture_output=True,
                              text=True, timeout=WAIT)
        self.assertEqual(done.returncode, 0, done.stderr)

        def entries(path):
            with open(path, encoding='utf-8') as f:
                text = f.read()
            out = {}
            for head, mid, mstr in re.findall(r'((?:#.*\n)*)msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)',
                                              text):
                key = ''.join(re.findall(r'"(.*)"', mid))
                if key:
                    out[key] = (''.join(re.findall(r'"(.*)"', mstr)), 'fuzzy' in head)
            return out
        wanted, have = entries(pot), entries(os.path.join(REPO, 'po', 'zh_CN.po'))
        self.assertGreater(len(wanted), 200)
        missing = [k for k in wanted if k not in have or not have[k][0] or have[k][1]]
        self.assertEqual(missing, [], 'messages without a translation in po/zh_CN.po (make pot, '
                                      'then translate them)')
        check = subprocess.run(['msgfmt', '--check', '-o', '/dev/null',
                                os.path.join(REPO, 'po', 'zh_CN.po')], capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stderr)


OPENPYXL = '/usr/bin/python3'   # Debian's Python, with python3-openpyxl (./setup.sh installs it)

EDIT = r"""
import sys, openpyxl
book, action, out = sys.argv[1], sys.argv[2], sys.argv[3]
wb = openpyxl.load_workbook(book)
def figures(ws):   # the cells a clerk types into: unlocked, holding a number
    return [c for row in ws.iter_rows() for c in row
            if not c.protection.locked and isinstance(c.value, (int, float))]
if action == 'copy':    # every figure and text of another workbook, typed into this one
    src = openpyxl.load_workbook(sys.argv[4])
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if type(c).__name__ == 'MergedCell':
                    continue
                if not c.protection.locked or ws.title == '单位' and c.column == 2:
                    c.value = src[ws.title][c.coordinate].value
elif action == 'figure':
    c = figures(wb['三'])[0]; c.value = (c.value or 0) + 5; print(c.coordinate)
elif action == 'text':
    c = figures(wb['二'])[0]; c.value = '五'; print(c.coordinate)
elif action == 'delete':
    wb.remove(wb['四'])
elif action == 'unmerge':
    ws = wb['三']; ws.unmerge_cells(str(sorted(ws.merged_cells.ranges, key=str)[0]))
wb.save(out)
"""


class Workbooks(unittest.TestCase):
    """Reports as Excel workbooks both ways: template --xlsx (--from a report) and render,
    check, batch reading .xlsx, every message naming its sheet and cell."""

    @classmethod
    def setUpClass(cls):
        cls.d = folder('xlsx')
        shutil.copy(os.path.join(REPO, 'samples', 'seal-specimen.png'), cls.d)
        cls.ref = {}
        for name in ('dingdingmen-2023', 'chanhe-2023'):
            pdf = os.path.join(cls.d, f'{name}-ref.pdf')
            assert nb('render', os.path.join(REPO, 'samples', f'{name}.yaml'), '-o', pdf).returncode == 0
            with open(pdf, 'rb') as f:
                cls.ref[name] = f.read()

    def render(self, book):
        out = book[:-5] + '.pdf'
        done = nb('render', book, '-o', out)
        self.assertEqual(done.returncode, 0, done.stderr.decode())
        with open(out, 'rb') as f:
            return f.read()

    def edit(self, book, action, out, *extra):
        if not os.path.exists(OPENPYXL):
            self.fail('Debian\'s python3 is missing (./setup.sh)')
        done = subprocess.run([OPENPYXL, '-c', EDIT, book, action, out, *extra], capture_output=True,
                              text=True, timeout=WAIT)
        self.assertEqual(done.returncode, 0, done.stderr + ' (python3-openpyxl: ./setup.sh)')
        return done.stdout.strip()

    def resave(self, book, where):
        os.makedirs(where, exist_ok=True)
        subprocess.run(['soffice', f'-env:UserInstallation=file://{self.d}/profile', '--headless',
                        '--convert-to', 'xlsx', '--outdir', where, book], capture_output=True,
                       timeout=WAIT)
        out = os.path.join(where, os.path.basename(book))
        self.assertTrue(os.path.exists(out), 'LibreOffice did not save it')
        return out

    def test_from_each_sample_renders_the_samples_pdf(self):
        for name in self.ref:
            book = os.path.join(self.d, f'{name}.xlsx')
            done = nb('template', '--xlsx', book, '--from', os.path.join(REPO, 'samples', f'{name}.yaml'))
            self.assertEqual(done.returncode, 0, done.stderr.decode())
            self.assertEqual(self.render(book), self.ref[name], name)
            again = os.path.join(self.d, f'{name}-again.xlsx')   # --from last year's workbook
            self.assertEqual(nb('template', '--xlsx', again, '--from', book).returncode, 0)
            self.assertEqual(self.render(again), self.ref[name], name)

    def test_filled_by_openpyxl_and_saved_by_libreoffice(self):
        src = os.path.join(self.d, 'src.xlsx')
        self.assertEqual(nb('template', '--xlsx', src, '--from',
                            os.path.join(REPO, 'samples', 'chanhe-2023.yaml')).returncode, 0)
        blank = os.path.join(self.d, 'blank.xlsx')
        self.assertEqual(nb('template', '--xlsx', blank).returncode, 0)
        filled = os.path.join(self.d, 'filled.xlsx')
        self.edit(blank, 'copy', filled, src)
        self.assertEqual(self.render(filled), self.ref['chanhe-2023'])
        again = self.resave(filled, os.path.join(self.d, 'lo'))
        shutil.copy(os.path.join(self.d, 'seal-specimen.png'), os.path.dirname(again))
        self.assertEqual(self.render(again), self.ref['chanhe-2023'])

    def book(self):
        book = os.path.join(self.d, 'book.xlsx')
        if not os.path.exists(book):
            self.assertEqual(nb('template', '--xlsx', book, '--from',
                                os.path.join(REPO, 'samples', 'dingdingmen-2023.yaml')).returncode, 0)
        return book

    def test_a_wrong_figure_names_its_cell(self):
        bad = os.path.join(self.d, 'wrong.xlsx')
        cell = self.edit(self.book(), 'figure', bad)
        done = nb('check', bad)
        self.assertEqual(done.returncode, 1)
        err = done.stderr.decode()
        # R1 is told at the row that disagrees (四), by its cell; no line of the YAML shows
        self.assertRegex(err, rf'{re.escape(bad)}:三![A-Z]+\d+: error: 三 column 自然人: 一 \+ 二 = 5')
        self.assertNotRegex(err, rf'{re.escape(bad)}:\d+:\d+')   # not at the start, not quoted
        self.assertTrue(cell)

    def test_text_in_a_number_cell_names_its_cell(self):
        bad = os.path.join(self.d, 'text.xlsx')
        cell = self.edit(self.book(), 'text', bad)
        done = nb('check', bad)
        self.assertEqual(done.returncode, 1)
        self.assertIn(f'{bad}:二!{cell}: error: ', done.stderr.decode())
        self.assertIn('a number is expected', done.stderr.decode())

    def test_a_deleted_sheet_is_named(self):
        bad = os.path.join(self.d, 'deleted.xlsx')
        self.edit(self.book(), 'delete', bad)
        done = nb('check', bad)
        self.assertEqual(done.returncode, 1)
        self.assertIn(f"{bad}: error: the workbook has no sheet '四'", done.stderr.decode())

    def test_a_merged_range_changed_is_refused(self):
        bad = os.path.join(self.d, 'unmerged.xlsx')
        self.edit(self.book(), 'unmerge', bad)
        done = nb('check', bad)
        self.assertEqual(done.returncode, 1)
        self.assertIn(f"{bad}: error: the merged cells of sheet '三' are not those of the official "
                      "table", done.stderr.decode())

    def test_a_figure_with_an_exponent_is_its_plain_decimal(self):
        import zipfile
        bad = os.path.join(self.d, 'exponent.xlsx')
        with zipfile.ZipFile(self.book()) as src, zipfile.ZipFile(bad, 'w', zipfile.ZIP_DEFLATED) as out:
            for item in src.infolist():   # 规章's first figure on sheet 二 (B3) written as Excel may
                data = src.read(item.filename)
                if item.filename == 'xl/worksheets/sheet2.xml':
                    data = re.sub(rb'(<c r="B3"[^>]*><v>)[^<]*(</v>)', rb'\g<1>1E-3\2', data, count=1)
                out.writestr(item, data)
        done = nb('check', bad)
        self.assertIn(f'{bad}:二!B3: error: 二 规章, 本年制发件数: 0.001 is not a whole number',
                      done.stderr.decode())

    def test_a_corrupt_workbook_is_refused(self):
        with open(self.book(), 'rb') as f:
            data = f.read()
        for name, bytes_ in (('cut.xlsx', data[:len(data) // 2]), ('text.xlsx', b'agency: A\n'),
                             ('empty.xlsx', b'')):
            path = os.path.join(self.d, 'bad-' + name)
            with open(path, 'wb') as f:
                f.write(bytes_)
            done = nb('check', path)
            self.assertEqual(done.returncode, 1, name)
            self.assertIn(f'{path}: error: ', done.stderr.decode())

    def test_a_batch_reads_workbooks_too(self):
        d = folder('xlsx-batch')
        shutil.copy(self.book(), os.path.join(d, '定鼎门.xlsx'))
        done = nb('batch', d, '-o', os.path.join(d, 'out'))
        self.assertEqual(done.returncode, 0, done.stderr.decode())
        self.assertEqual(os.listdir(os.path.join(d, 'out')), ['定鼎门.pdf'])


class Documents(unittest.TestCase):

    def test_the_manual_page_renders_and_names_every_option(self):
        page = os.path.join(REPO, 'nianbao.1')
        done = subprocess.run(['groff', '-k', '-man', '-Tutf8', '-ww', '-z', page], capture_output=True,
                              text=True, timeout=WAIT)
        self.assertEqual((done.returncode, done.stderr), (0, ''))
        shown = subprocess.run(['man', '-l', page], capture_output=True, text=True, timeout=WAIT,
                               env=dict(os.environ, MANWIDTH='100', MANPAGER='cat', PAGER='cat'))
        self.assertEqual(shown.returncode, 0, shown.stderr)
        text = re.sub(r'.\x08', '', shown.stdout).replace('\u2010', '-')
        helptext = nb('--help').stdout.decode()
        options = set(re.findall(r'(?m)^\s+(?:-\w, )?(--[a-z-]+)', helptext))
        self.assertGreater(len(options), 12)
        for option in sorted(options - {'--version', '--dump-boxes'}):
            self.assertIn(option, text, f'{option} is in --help but not in the manual page')

    def test_the_chinese_readme_gives_the_same_two_commands(self):
        def commands(name, heading):
            with open(os.path.join(REPO, name), encoding='utf-8') as f:
                text = f.read()
            section = text[text.index(heading):]
            return re.search(r'```sh\n(.*?)```', section, re.S).group(1)
        self.assertEqual(commands('README.zh-CN.md', '## 两条命令'),
                         commands('README.md', '## Two commands'))


if __name__ == '__main__':
    sys.exit(run_tests(sys.modules[__name__]))
