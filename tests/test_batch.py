#!/usr/bin/env python3
"""`nianbao batch` end to end: a folder of good and bad reports (the good render, the bad are
listed with their messages, exit status 1, the manifest says the same), the 汇总 report equal
to the column sums of its inputs, and the combined PDF holding every page.

Run from the repository root:  python3 tests/test_batch.py
"""
import csv
import os
import shutil
import sys
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_e2e import SampleRun, cell_text_problems, program, run, workdir  # noqa: E402
from test_grid import REPO, load_layout, run_tests  # noqa: E402

SAMPLES = os.path.join(REPO, 'samples')
GEN = os.path.join(REPO, 'bench', 'gen.py')


def pdf_pages(path):
    out = run(['pdfinfo', path]).stdout
    return int(next(l.split()[-1] for l in out.splitlines() if l.startswith('Pages:')))


def pdf_text(path):
    return run(['pdftotext', path, '-']).stdout


class Batch(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.root = os.path.join(workdir(), 'batch')
        inp = os.path.join(cls.root, 'in')
        os.makedirs(os.path.join(inp, 'sub'))
        # good: the seed, the second sample (without its seal), 8 generated reports, one in
        # a subfolder with the same file name as another
        shutil.copy(os.path.join(SAMPLES, 'dingdingmen-2023.yaml'), os.path.join(inp, 'a.yaml'))
        with open(os.path.join(SAMPLES, 'chanhe-2023.yaml'), encoding='utf-8') as f:
            text = ''.join(l for l in f if not l.startswith('seal:'))
        with open(os.path.join(inp, 'sub', 'a.yaml'), 'w', encoding='utf-8') as f:
            f.write(text)
        gen = os.path.join(cls.root, 'gen')
        r = run([sys.executable, GEN, '8', gen, '--seed', '7'])
        assert r.returncode == 0, r.stderr
        for name in sorted(os.listdir(gen)):
            shutil.copy(os.path.join(gen, name), os.path.join(inp, 'g-' + name))
        # bad: numbers that do not add up, broken YAML, not a report at all
        bad = text.replace('carried_forward: [1, 0, 0, 0, 1, 0]', 'carried_forward: [3, 0, 0, 0, 1, 0]')
        bad = bad.replace('agency: 瀍河回族区东关街道办事处', 'agency: 瀍河回族区西关街道办事处')  # another unit
        assert bad != text
        with open(os.path.join(inp, 'bad-r1.yaml'), 'w', encoding='utf-8') as f:
            f.write(bad)
        with open(os.path.join(inp, 'sub', 'broken.yaml'), 'w', encoding='utf-8') as f:
            f.write('agency: [unclosed\nyear: 2023\n')
        with open(os.path.join(inp, 'notes.txt'), 'w') as f:
            f.write('not a report: ignored\n')
        cls.inp, cls.out = inp, os.path.join(cls.root, 'out')
        cls.manifest = os.path.join(cls.root, 'manifest.csv')
        cls.summary = os.path.join(cls.root, '汇总.pdf')
        cls.combined = os.path.join(cls.root, 'all.pdf')
        cls.result = run([program(), 'batch', inp, '-o', cls.out, '-j', '2',
                          '--manifest', cls.manifest, '--summary', cls.summary, '--allow-incomplete',
                          '--agency', '某某区人民政府', '--combine', cls.combined])
        with open(cls.manifest, encoding='utf-8-sig') as f:
            cls.rows = list(csv.DictReader(f))
        cls.good = [r for r in cls.rows if r['status'] == 'rendered']

    def test_exit_status_and_failures_listed(self):
        self.assertEqual(self.result.returncode, 1, self.result.stderr)
        err = self.result.stderr
        self.assertIn('batch: 10 rendered, 2 failed', err)
        bad_r1 = os.path.join(self.inp, 'bad-r1.yaml')
        broken = os.path.join(self.inp, 'sub', 'broken.yaml')
        self.assertIn(f'  failed: {bad_r1}: {bad_r1}:60:21: error: 三 column 自然人: 一 + 二 = 20 '
                      f'but （七）总计 + 四 = 22 (R1)', err)
        self.assertIn(f'  failed: {broken}: {broken}:2:5: error: YAML syntax:', err)
        self.assertEqual(self.result.stdout, '')

    def test_manifest(self):
        self.assertEqual(len(self.rows), 12)
        self.assertEqual(list(self.rows[0]), ['input', 'output', 'agency', 'year', 'pages', 'bytes',
                                              'status', 'error', 'message'])
        # in input order: folders walked in name order
        self.assertEqual([r['input'] for r in self.rows], sorted(r['input'] for r in self.rows))
        for r in self.rows:
            if r['status'] == 'rendered':
                self.assertTrue(os.path.isfile(r['output']), r)
                self.assertEqual(int(r['bytes']), os.path.getsize(r['output']))
                self.assertEqual(int(r['pages']), pdf_pages(r['output']))
                self.assertEqual(os.path.dirname(r['output']), self.out)
            else:
                self.assertEqual((r['output'], r['pages'], r['bytes']), ('', '0', '0'))
                self.assertIn(': error: ', r['message'])
                self.assertIn(': error: ', r['error'])
                self.assertIn(r['error'], r['message'])
        failed = {os.path.basename(r['input']) for r in self.rows if r['status'] == 'failed'}
        self.assertEqual(failed, {'bad-r1.yaml', 'broken.yaml'})

    def test_outputs_stay_in_outdir_and_are_unique(self):
        outs = [r['output'] for r in self.good]
        self.assertEqual(len(set(outs)), len(outs))
        self.assertIn(os.path.join(self.out, 'a.pdf'), outs)
        self.assertIn(os.path.join(self.out, 'a-2.pdf'), outs)
        self.assertEqual(sorted(os.listdir(self.out)), sorted(os.path.basename(o) for o in outs))
        # a bad report leaves no PDF
        self.assertFalse(os.path.exists(os.path.join(self.out, 'bad-r1.pdf')))

    def test_each_output_is_the_single_render(self):
        """A report rendered in the batch is the same PDF as `nianbao render` makes of it."""
        for r in self.good[:3]:
            single = os.path.join(self.root, 'single.pdf')
            res = run([program(), 'render', r['input'], '-o', single, '-q'])
            self.assertEqual(res.returncode, 0, res.stderr)
            with open(single, 'rb') as a, open(r['output'], 'rb') as b:
                self.assertEqual(a.read(), b.read(), r['input'])

    def test_summary_is_the_column_sums(self):
        data_path = self.summary[:-4] + '.yaml'
        with open(data_path, encoding='utf-8') as f:
            summary = yaml.safe_load(f)
        inputs = []
        for r in self.good:
            with open(r['input'], encoding='utf-8') as f:
                inputs.append(yaml.safe_load(f))
        self.assertEqual(summary['agency'], '某某区人民政府')
        prose = ''.join(summary[k] for k in ('preamble', 'overview', 'problems', 'other_matters'))
        for inp in inputs:   # the units summed, named (the layout's summary: says where)
            self.assertIn(inp['agency'], prose)
        self.assertIn(f'{len(inputs)}个单位', summary['preamble'])
        # and the two left out (with --allow-incomplete): by agency, or by file when unread
        self.assertIn('以下2个单位的报告未能纳入本汇总', summary['preamble'])
        self.assertIn('瀍河回族区西关街道办事处', summary['preamble'])
        self.assertIn('broken.yaml', summary['preamble'])

        def rows(node, path=''):
            if isinstance(node, dict):
                for k, v in node.items():
                    yield from rows(v, f'{path}.{k}' if path else k)
            else:
                yield path, node if isinstance(node, list) else [node]

        checked = 0
        for table in ('active_disclosure', 'requests', 'appeals'):
            for path, got in rows(summary[table], table):
                want = None
                for inp in inputs:
                    node = inp
                    for k in path.split('.'):
                        node = (node or {}).get(k)
                    vals = node if isinstance(node, list) else [node if node is not None else 0]
                    vals = vals[:len(got)] + [0] * (len(got) - len(vals))
                    want = vals if want is None else [a + b for a, b in zip(want, vals)]
                self.assertEqual([round(x, 4) for x in got], [round(x, 4) for x in want], path)
                checked += 1
        self.assertGreater(checked, 30)
        # and the PDF prints those numbers, in the right cells
        sample = SampleRun(data_path)
        self.assertEqual(sample.render.returncode, 0, sample.render.stderr)
        self.assertEqual(cell_text_problems(sample, load_layout()), [])
        with open(sample.pdf, 'rb') as a, open(self.summary, 'rb') as b:
            self.assertEqual(a.read(), b.read())

    def test_combined_has_every_page(self):
        pages = sum(int(r['pages']) for r in self.good)
        self.assertEqual(pdf_pages(self.combined), pages)
        text = pdf_text(self.combined)
        for r in self.good:
            self.assertIn(pdf_text(r['output']).strip(), text)
        fonts = run(['pdffonts', self.combined]).stdout.splitlines()[2:]
        self.assertTrue(fonts and all(' yes yes yes ' in l for l in fonts), fonts)
        self.assertIn('No syntax or stream encoding errors', run(['qpdf', '--check', self.combined]).stdout)

    def test_usage_errors(self):
        for args, msg in ((['batch', self.inp], 'batch takes'),
                          (['batch', self.inp, '-o', self.out, '-j', '0'], '-j takes'),
                          (['batch', self.inp, '-o', self.out, '--summary', 'x.pdf'], '--agency')):
            r = run([program(), *args])
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(msg, r.stderr)

    def test_all_good_exits_zero_and_quiet_is_quiet(self):
        inp = os.path.join(self.root, 'good-only')
        os.makedirs(inp)
        for r in self.good[:4]:
            shutil.copy(r['input'], os.path.join(inp, os.path.basename(r['input'])))
        r = run([program(), 'batch', inp, '-o', os.path.join(self.root, 'good-out'), '-q', '-j', '1'])
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, '', ''))


if __name__ == '__main__':
    sys.exit(run_tests(sys.modules[__name__]))
