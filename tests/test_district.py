#!/usr/bin/env python3
"""A district's batch and 汇总 (issue: exact sums, no unit counted twice or lost, outputs that
never collide): money summed exactly (compared here with Python's decimal), each unit once,
a 汇总 that says what it holds, outputs that cannot replace inputs, exit statuses that tell
data errors from system failures, a manifest the office can open, a duplex combined PDF.

Run from the repository root:  python3 tests/test_district.py [words of test names]
"""
import csv
import os
import re
import shutil
import subprocess
import sys
import unittest
from decimal import Decimal

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_e2e import program, workdir  # noqa: E402
from test_grid import REPO, run_tests  # noqa: E402

SAMPLE = os.path.join(REPO, 'samples', 'dingdingmen-2023.yaml')
GEN = os.path.join(REPO, 'bench', 'gen.py')
WAIT = 300


def nb(*args, **kw):
    return subprocess.run([program(), *args], capture_output=True, text=True, cwd=REPO,
                          timeout=WAIT, **kw)


def folder(name):
    path = os.path.join(workdir(), name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def unit(i, fee='0', year=2023, agency=None):
    """The seed report as unit i (its own agency), with the fee given as written."""
    with open(SAMPLE, encoding='utf-8') as f:
        text = f.read()
    agency = agency or f'测试区第{i}街道办事处'
    text = re.sub(r'(?m)^agency: .*$', f'agency: {agency}', text)
    text = re.sub(r'(?m)^(  fees: )\S+', rf'\g<1>{fee}', text)
    if year != 2023:
        text = text.replace('year: 2023', f'year: {year}').replace('date: 2024-01-20',
                                                                   f'date: {year + 1}-01-20')
        text = text.replace('2023年', f'{year}年')
    return text


def write_units(d, n, **kw):
    for i in range(n):
        with open(os.path.join(d, f'u{i:03}.yaml'), 'w', encoding='utf-8') as f:
            f.write(unit(i, **kw))


def summary_data(path):
    """The 汇总's data as written beside its PDF, numbers as the exact text they print."""
    with open(path, encoding='utf-8') as f:
        return yaml.load(f, Loader=yaml.BaseLoader)


def rows(data, prefix=''):
    """Every numeric row of a report's data, at any depth: {path: [Decimal …]}."""
    out = {}
    for key, val in data.items():
        if isinstance(val, dict):
            out.update(rows(val, f'{prefix}{key}.'))
            continue
        vals = val if isinstance(val, list) else [val]
        if prefix and all(isinstance(v, str) and re.fullmatch(r'-?\d+(\.\d+)?', v) for v in vals):
            out[prefix + key] = [Decimal(v) for v in vals]
    return out


class ExactDecimals(unittest.TestCase):

    def fee_sum(self, name, n, fee):
        d = folder(name)
        write_units(d, n, fee=fee)
        summary = os.path.join(workdir(), f'{name}-汇总.pdf')
        done = nb('batch', d, '-o', os.path.join(workdir(), f'{name}-out'), '-q', '--summary',
                  summary, '--agency', '测试区人民政府')
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(os.path.exists(summary))
        fees = summary_data(summary[:-4] + '.yaml')['active_disclosure']['fees']
        return fees[0] if isinstance(fees, list) else fees

    def test_100_times_12_35_is_1235_00(self):
        self.assertEqual(self.fee_sum('fee1235', 100, '12.35'), '1235.00')

    def test_10_times_0_1_is_1(self):
        fee = self.fee_sum('fee01', 10, '0.1')
        self.assertEqual(Decimal(fee), Decimal(1), fee)

    def test_places_kept(self):
        self.assertEqual(self.fee_sum('fee12345', 1, '0.12345'), '0.12345')

    def test_every_number_is_the_exact_column_sum(self):
        d = folder('gen30')
        subprocess.run([sys.executable, GEN, '30', d, '--seed', '11'], check=True,
                       stdout=subprocess.DEVNULL, timeout=WAIT)
        summary = os.path.join(workdir(), 'gen30-汇总.pdf')
        done = nb('batch', d, '-o', os.path.join(workdir(), 'gen30-out'), '-q', '--summary',
                  summary, '--agency', '测试区人民政府')
        self.assertEqual(done.returncode, 0, done.stderr)
        inputs = []
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), encoding='utf-8') as f:
                inputs.append(rows(yaml.load(f, Loader=yaml.BaseLoader)))
        got = rows(summary_data(summary[:-4] + '.yaml'))
        self.assertGreater(len(got), 20)
        for key, vals in got.items():
            want = [sum((r[key][k] for r in inputs if key in r), Decimal(0)) for k in range(len(vals))]
            self.assertEqual(vals, want, key)
        self.assertTrue(any(v != v.to_integral_value() for v in got['active_disclosure.fees']))


def manifest_rows(path):
    with open(path, encoding='utf-8-sig') as f:
        return list(csv.DictReader(f))


class OneUnitOnce(unittest.TestCase):

    def test_a_copy_refuses_both_naming_each_other(self):
        d = folder('copy')
        write_units(d, 3)
        shutil.copy(os.path.join(d, 'u001.yaml'), os.path.join(d, 'u001 - 副本.yaml'))
        out, manifest = os.path.join(workdir(), 'copy-out'), os.path.join(workdir(), 'copy.csv')
        done = nb('batch', d, '-o', out, '--manifest', manifest)
        self.assertEqual(done.returncode, 1, done.stderr)
        a, b = os.path.join(d, 'u001.yaml'), os.path.join(d, 'u001 - 副本.yaml')
        self.assertIn(f"{a}: error: 测试区第1街道办事处's report for 2023 is given twice: here and "
                      f"in {b}", done.stderr)
        self.assertIn(f"{b}: error: 测试区第1街道办事处's report for 2023 is given twice: here and "
                      f"in {a}", done.stderr)
        self.assertEqual(sorted(os.listdir(out)), ['u000.pdf', 'u002.pdf'])
        status = {r['input']: r['status'] for r in manifest_rows(manifest)}
        self.assertEqual(status[a], 'failed')
        self.assertEqual(status[b], 'failed')
        self.assertIn('batch: 2 rendered, 2 failed', done.stderr)

    def test_the_same_file_twice_is_one_input(self):
        d = folder('twice')
        write_units(d, 2)
        link = os.path.join(workdir(), 'twice-link')
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(d, link)
        flink = os.path.join(workdir(), 'twice-file.yaml')
        if os.path.lexists(flink):
            os.remove(flink)
        os.symlink(os.path.join(d, 'u000.yaml'), flink)
        done = nb('batch', d, d, link, os.path.join(d, 'u001.yaml'), flink, '-o',
                  os.path.join(workdir(), 'twice-out'))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn('batch: 2 rendered, 0 failed', done.stderr)
        self.assertIn(f'{d}: warning: this folder is given already', done.stderr)
        self.assertIn(f'{flink}: warning: the same file as {d}/u000.yaml', done.stderr)

    def test_a_link_that_loops_is_walked_once(self):
        d = folder('loop')
        os.makedirs(os.path.join(d, 'sub'))
        write_units(os.path.join(d, 'sub'), 2)
        os.symlink('..', os.path.join(d, 'sub', 'up'))
        done = nb('batch', d, '-o', os.path.join(workdir(), 'loop-out'))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn('batch: 2 rendered, 0 failed', done.stderr)

    def test_lock_files_backups_and_hidden_files_are_skipped(self):
        d = folder('locks')
        write_units(d, 2)
        for name in ('~$u000.yaml', '~u001.yaml', '.u000.yaml', '.~lock.u000.yaml#'):
            with open(os.path.join(d, name), 'w') as f:
                f.write('not: [a report\n')
        done = nb('batch', d, '-o', os.path.join(workdir(), 'locks-out'))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn('batch: 2 rendered, 0 failed', done.stderr)


class OutputsNeverCollide(unittest.TestCase):

    def setUp(self):
        self.d = folder(f'collide-{self._testMethodName}')
        write_units(self.d, 2)
        self.out = os.path.join(workdir(), f'collide-out-{self._testMethodName}')

    def refused(self, *args, says):
        before = {n: os.path.getmtime(os.path.join(self.d, n)) for n in os.listdir(self.d)}
        done = nb('batch', self.d, '-o', self.out, *args)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn(says, done.stderr)
        self.assertFalse(os.path.exists(self.out), 'nothing is written, not even the folder')
        after = {n: os.path.getmtime(os.path.join(self.d, n)) for n in os.listdir(self.d)}
        self.assertEqual(before, after)

    def test_summary_onto_an_input(self):
        u = os.path.join(self.d, 'u000.yaml')
        self.refused('--summary', os.path.join(self.d, 'u000.pdf'), '--agency', '测试区人民政府',
                     says=f"the 汇总's data would replace the report {u}")

    def test_manifest_onto_an_input(self):
        u = os.path.join(self.d, 'u001.yaml')
        self.refused('--manifest', u, says=f'--manifest would replace the report {u}')

    def test_combine_onto_a_reports_pdf(self):
        self.refused('--combine', os.path.join(self.out, 'u000.pdf'),
                     says='--combine and the PDF of a report are the same file')

    def test_summary_and_combine_the_same(self):
        same = os.path.join(workdir(), 'same.pdf')
        self.refused('--summary', same, '--agency', '测试区人民政府', '--combine', same,
                     says='--combine and --summary are the same file')

    def test_summary_data_in_the_input_folder_is_not_summed_again(self):
        # written into the input folder, then the same again, then under another name, then
        # with no 汇总 at all: it is never taken for a unit's report
        for name in ('汇总.pdf', '汇总.pdf', '汇总2.pdf', None):
            extra = ['--summary', os.path.join(self.d, name), '--agency', '测试区人民政府'] if name else []
            done = nb('batch', self.d, '-o', self.out, *extra)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn('batch: 2 rendered, 0 failed', done.stderr)
            if name:
                self.assertIn('the 汇总 report of 2 units', done.stderr)
        with open(os.path.join(self.d, '汇总.yaml'), encoding='utf-8') as f:
            self.assertTrue(f.readline().startswith('# 汇总: made by nianbao'))

    def test_render_onto_its_own_report(self):
        u = os.path.join(self.d, 'u000.yaml')
        with open(u, 'rb') as f:
            before = f.read()
        done = nb('render', u, '-o', u)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn('the output would replace the report itself', done.stderr)
        with open(u, 'rb') as f:
            self.assertEqual(f.read(), before)


def no_room():
    """In the child: files may not grow past 1 KB, and the signal that would say so is
    ignored, so that every write of a PDF fails (ENOSPC's cousin EFBIG), root or not."""
    import resource
    import signal
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))


class ExitStatusAndCounts(unittest.TestCase):

    def test_outputs_that_cannot_be_written_are_a_system_failure_and_not_counted(self):
        d = folder('noroom')
        write_units(d, 2)
        out = os.path.join(workdir(), 'noroom-out')
        done = nb('batch', d, '-o', out, '-j', '2', preexec_fn=no_room)
        self.assertEqual(done.returncode, 3, done.stderr)
        self.assertIn('batch: 0 rendered, 2 failed, 0 pages, 0 bytes', done.stderr)
        self.assertIn('cannot write the PDF: File too large', done.stderr)
        self.assertEqual([f for f in os.listdir(out)], [], 'no temporary file is left')

    def test_a_system_failure_outweighs_wrong_data(self):
        d = folder('noroom-bad')
        write_units(d, 1)
        with open(os.path.join(d, 'bad.yaml'), 'w', encoding='utf-8') as f:
            f.write(unit(9).replace('year: 2023', 'year: 1999'))
        done = nb('batch', d, '-o', os.path.join(workdir(), 'noroom-bad-out'), preexec_fn=no_room)
        self.assertEqual(done.returncode, 3, done.stderr)
        done = nb('batch', d, '-o', os.path.join(workdir(), 'bad-out'))
        self.assertEqual(done.returncode, 1, done.stderr)

    def test_the_output_folder_is_made_with_its_parents(self):
        d = folder('parents')
        write_units(d, 1)
        out = os.path.join(workdir(), 'parents-out', '2023', '各街道')
        shutil.rmtree(os.path.join(workdir(), 'parents-out'), ignore_errors=True)
        done = nb('batch', d, '-o', out + '/')
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(os.listdir(out), ['u000.pdf'])


def xlsx_cells(path):
    """The text of every cell of an .xlsx's first sheet, row by row (read with zipfile: the
    shared strings and the sheet's XML)."""
    import xml.etree.ElementTree as ET
    import zipfile
    ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
    with zipfile.ZipFile(path) as z:
        shared = []
        if 'xl/sharedStrings.xml' in z.namelist():
            for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', ns):
                shared.append(''.join(t.text or '' for t in si.iter(f'{{{ns["m"]}}}t')))
        sheet = ET.fromstring(z.read('xl/worksheets/sheet1.xml'))
    rows = []
    for row in sheet.iter(f'{{{ns["m"]}}}row'):
        cells = []
        for c in row.findall('m:c', ns):
            v = c.find('m:v', ns)
            text = '' if v is None else v.text
            if c.get('t') == 's':
                text = shared[int(text)]
            elif c.get('t') == 'inlineStr':
                text = ''.join(t.text or '' for t in c.iter(f'{{{ns["m"]}}}t'))
            cells.append(text)
        rows.append(cells)
    return rows


class FilesTheOfficeOpens(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.d = folder('office')
        write_units(cls.d, 3)
        with open(os.path.join(cls.d, 'bad.yaml'), 'w', encoding='utf-8') as f:
            f.write(unit(7).replace('year: 2023', 'year: 1999'))
        cls.out = os.path.join(workdir(), 'office-out')
        cls.manifest = os.path.join(workdir(), '清单.csv')
        cls.combined = os.path.join(workdir(), '合订本.pdf')
        cls.done = nb('batch', cls.d, '-o', cls.out, '--manifest', cls.manifest, '--combine',
                      cls.combined, '--duplex')

    def test_manifest_has_a_bom_and_says_whose_and_which_year(self):
        with open(self.manifest, 'rb') as f:
            self.assertEqual(f.read(3), b'\xef\xbb\xbf')
        rows = manifest_rows(self.manifest)
        units = [r for r in rows if not r['input'].endswith('bad.yaml')]
        self.assertEqual([r['agency'] for r in units], [f'测试区第{i}街道办事处' for i in range(3)])
        self.assertEqual({r['year'] for r in rows}, {'2023', '1999'})
        bad = next(r for r in rows if r['input'].endswith('bad.yaml'))
        self.assertRegex(bad['error'], r'^\S+bad\.yaml:\d+:\d+: error: ')
        self.assertIn(bad['error'], bad['message'])

    def test_manifest_opens_in_calc_with_chinese_intact(self):
        if not shutil.which('soffice'):
            self.fail('LibreOffice is not installed (./setup.sh installs libreoffice-calc-nogui)')
        where = folder('calc')
        profile = f'-env:UserInstallation=file://{where}/profile'
        done = subprocess.run(['soffice', profile, '--headless', '--infilter=CSV:44,34,76',
                               '--convert-to', 'xlsx', '--outdir', where, self.manifest],
                              capture_output=True, text=True, timeout=WAIT)
        sheet = os.path.join(where, '清单.xlsx')
        self.assertTrue(os.path.exists(sheet), done.stdout + done.stderr)
        cells = xlsx_cells(sheet)
        self.assertEqual(cells[0][:4], ['input', 'output', 'agency', 'year'])
        agencies = [row[2] for row in cells[1:] if len(row) > 2]
        self.assertIn('测试区第0街道办事处', agencies)
        self.assertIn('2023', [row[3] for row in cells[1:] if len(row) > 3])

    def test_gbk_manifest(self):
        path = os.path.join(workdir(), 'gbk.csv')
        done = nb('batch', self.d, '-o', self.out, '--manifest', path, '--manifest-encoding', 'gbk')
        self.assertEqual(done.returncode, 1, done.stderr)
        with open(path, encoding='gbk') as f:
            self.assertIn('测试区第0街道办事处', f.read())

    def test_duplex_every_report_starts_on_an_odd_page(self):
        self.assertEqual(self.done.returncode, 1, self.done.stderr)  # bad.yaml
        outline = subprocess.run(['mutool', 'show', self.combined, 'outline'], capture_output=True,
                                 text=True).stdout.splitlines()
        starts = [int(re.search(r'#page=(\d+)', l).group(1)) for l in outline if not l.startswith('|')]
        self.assertEqual(len(starts), 3)
        self.assertTrue(all(p % 2 == 1 for p in starts), starts)
        info = subprocess.run(['pdfinfo', self.combined], capture_output=True, text=True).stdout
        pages = int(re.search(r'Pages:\s+(\d+)', info).group(1))
        own = [int(re.search(r'Pages:\s+(\d+)', subprocess.run(
            ['pdfinfo', os.path.join(self.out, f'u{i:03}.pdf')], capture_output=True,
            text=True).stdout).group(1)) for i in range(3)]
        self.assertEqual(pages, sum(own) + sum(n % 2 for n in own[:-1]))
        text = subprocess.run(['pdftotext', '-f', str(starts[1] - 1), '-l', str(starts[1] - 1),
                               self.combined, '-'], capture_output=True, text=True).stdout
        if own[0] % 2:
            self.assertEqual(text.strip(), '', 'the blank page is blank, unnumbered')
        self.assertEqual(subprocess.run(['qpdf', '--check', self.combined],
                                        capture_output=True).returncode, 0)

    def test_duplex_needs_combine(self):
        done = nb('batch', self.d, '-o', self.out, '--duplex')
        self.assertEqual(done.returncode, 2)
        self.assertIn('--duplex is for --combine', done.stderr)


def pdf_text(path):
    done = subprocess.run(['pdftotext', path, '-'], capture_output=True, text=True)
    return re.sub(r'\s+', '', done.stdout)


class SummarySaysWhatItHolds(unittest.TestCase):

    def batch(self, name, d, *extra):
        summary = os.path.join(workdir(), f'{name}-汇总.pdf')
        for p in (summary, summary[:-4] + '.yaml'):
            if os.path.exists(p):
                os.remove(p)
        done = nb('batch', d, '-o', os.path.join(workdir(), f'{name}-out'), '--summary', summary,
                  '--agency', '测试区人民政府', *extra)
        return done, summary

    def test_a_failed_unit_keeps_it_from_being_made(self):
        d = folder('sum-failed')
        write_units(d, 3)
        with open(os.path.join(d, 'u001.yaml'), encoding='utf-8') as f:
            text = f.read()
        with open(os.path.join(d, 'u001.yaml'), 'w', encoding='utf-8') as f:
            f.write(text.replace('regulations:         [0, 0, 0]', 'regulations:         [0, 0, -1]'))
        done, summary = self.batch('sum-failed', d)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn('汇总.pdf: error: not made: 1 of the 3 units are not in it', done.stderr)
        self.assertIn('测试区第1街道办事处', done.stderr)
        self.assertIn('--allow-incomplete', done.stderr)
        self.assertFalse(os.path.exists(summary))
        self.assertFalse(os.path.exists(summary[:-4] + '.yaml'))
        # allowed: made of the other two, and it names the one left out
        done, summary = self.batch('sum-failed', d, '--allow-incomplete')
        self.assertEqual(done.returncode, 1, done.stderr)   # a unit still failed
        text = pdf_text(summary)
        self.assertIn('汇总所属2个单位', text)
        self.assertIn('以下1个单位的报告未能纳入本汇总，其数据不在本报告中：测试区第1街道办事处。', text)
        self.assertIn('测试区第0街道办事处、测试区第2街道办事处', text)

    def test_a_folder_of_two_years_is_refused_with_one_message(self):
        d = folder('sum-years')
        write_units(d, 3)
        for i in (7, 8):
            with open(os.path.join(d, f'old{i}.yaml'), 'w', encoding='utf-8') as f:
                f.write(unit(i, year=2022))
        done, summary = self.batch('sum-years', d)
        self.assertEqual(done.returncode, 1, done.stderr)
        lines = [l for l in done.stderr.splitlines() if '汇总.pdf: error' in l]
        self.assertEqual(len(lines), 1, done.stderr)
        self.assertIn('gov-info-disclosure-2021 of 2023 for most, but not', lines[0])
        self.assertIn(f'{d}/old7.yaml (2022), {d}/old8.yaml (2022)', lines[0])
        self.assertNotIn('u000.yaml', lines[0])
        self.assertFalse(os.path.exists(summary))

    def test_the_inputs_layout_with_a_renamed_field_and_no_preamble(self):
        layout = os.path.join(REPO, 'tests', 'layouts', 'renamed-no-preamble.yaml')
        d = folder('sum-layout')
        for i, fee in enumerate(('1.5', '2.25')):
            text = unit(i, fee=fee).replace('layout: gov-info-disclosure-2021', f'layout: {layout}')
            text = text.replace('  fees: ', '  charges: ')
            with open(os.path.join(d, f'u{i}.yaml'), 'w', encoding='utf-8') as f:
                f.write(text)
        done, summary = self.batch('sum-layout', d)
        self.assertEqual(done.returncode, 0, done.stderr)
        data = summary_data(summary[:-4] + '.yaml')
        self.assertEqual(data['layout'], layout)
        self.assertEqual(data['active_disclosure']['charges'], ['3.75'])
        self.assertNotIn('preamble', data)
        self.assertEqual(data['title'], '测试区人民政府2023年政府信息公开工作年度报告汇总')
        text = pdf_text(summary)
        self.assertIn('测试区人民政府2023年政府信息公开工作年度报告汇总', text)
        self.assertIn('本报告汇总测试区人民政府所属2个单位2023年度的数据。', text)
        self.assertIn('所含单位：测试区第0街道办事处、测试区第1街道办事处。', text)
        self.assertIn('3.75', text)

    def test_a_layout_without_a_summary_section(self):
        import yaml as pyyaml
        with open(os.path.join(REPO, 'tests', 'layouts', 'renamed-no-preamble.yaml'),
                  encoding='utf-8') as f:
            layout = pyyaml.safe_load(f)
        del layout['summary']
        path = os.path.join(workdir(), 'no-summary.yaml')
        with open(path, 'w', encoding='utf-8') as f:
            pyyaml.safe_dump(layout, f, allow_unicode=True, sort_keys=False)
        d = folder('sum-nolayout')
        text = unit(0).replace('layout: gov-info-disclosure-2021', f'layout: {path}')
        with open(os.path.join(d, 'u0.yaml'), 'w', encoding='utf-8') as f:
            f.write(text.replace('  fees: ', '  charges: '))
        done, summary = self.batch('sum-nolayout', d)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn('has no summary: section', done.stderr)

    def test_every_heading_has_its_text_and_tables_keep_their_headings(self):
        d = folder('sum-30')
        subprocess.run([sys.executable, GEN, '30', d, '--seed', '5'], check=True,
                       stdout=subprocess.DEVNULL, timeout=WAIT)
        done, summary = self.batch('sum-30', d)
        self.assertEqual(done.returncode, 0, done.stderr)
        pages = subprocess.run(['pdftotext', summary, '-'], capture_output=True,
                               text=True).stdout.split('\f')
        pages = [re.sub(r'\s+', '', p) for p in pages]
        whole = ''.join(pages)
        for heading, after in (('一、总体情况', '2023年，测试区人民政府所属30个单位'),
                               ('五、存在的主要问题及改进情况', '各单位存在的主要问题'),
                               ('六、其他需要报告的事项', '本报告无其他需要报告的事项')):
            self.assertIn(heading + after, whole)
        for heading, table in (('二、主动公开政府信息情况', '第二十条第（一）项'),
                               ('三、收到和处理政府信息公开申请情况', '申请人情况')):
            on = [k for k, p in enumerate(pages) if heading in p]
            self.assertEqual(len(on), 1)
            self.assertIn(table, pages[on[0]], heading)


class CarriedOverAcrossTheDistrict(unittest.TestCase):

    def test_each_unit_against_its_own_last_year(self):
        d, last = folder('carry-now'), folder('carry-last')
        write_units(d, 3)
        for i in (0, 1):   # last year's reports, under other file names, in another order
            text = unit(i, year=2022)
            if i == 1:
                text = text.replace('carried_forward: [0, 0, 0, 0, 0, 0]',
                                    'carried_forward: [2, 0, 0, 0, 0, 0]')
            with open(os.path.join(last, f'{9 - i}-2022.yaml'), 'w', encoding='utf-8') as f:
                f.write(text)
        done = nb('batch', d, '-o', os.path.join(workdir(), 'carry-out'), '--previous', last)
        self.assertEqual(done.returncode, 1, done.stderr)
        err = done.stderr
        self.assertRegex(err, rf"{d}/u001\.yaml:\d+:\d+: error: .*上年结转.*{last}/8-2022\.yaml:\d+:\d+")
        self.assertNotRegex(err, rf'{d}/u000\.yaml:\d+:\d+: error')   # its own 2022 agrees
        self.assertIn(f'{d}/u002.yaml: warning: no report of 2022 for 测试区第2街道办事处 among '
                      "last year's reports", err)
        self.assertIn('batch: 2 rendered, 1 failed', err)

    def test_a_file_is_not_a_folder_of_last_years_reports(self):
        d = folder('carry-file')
        write_units(d, 1)
        done = nb('batch', d, '-o', os.path.join(workdir(), 'carry-file-out'), '--previous',
                  os.path.join(d, 'u000.yaml'))
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("batch --previous takes the folder of last year's reports", done.stderr)


if __name__ == '__main__':
    sys.exit(run_tests(sys.modules[__name__]))
