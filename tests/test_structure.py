#!/usr/bin/env python3
"""The code's structure as the README states it: the five stages of the pipeline (and the
base below them and the drivers above), each file in one stage, every `#include "…"` of a
file going to its own stage or an earlier one, and hpdf.h included by the painter alone.

The stage table is read from the README's "How it is built" section, so the README and the
code cannot drift apart: a new file must be given a stage there.

Run from the repository root:  python3 tests/test_structure.py
"""
import glob
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_grid import REPO, run_tests  # noqa: E402

SRC = os.path.join(REPO, 'src')
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
STAGES = ['base', 'load', 'check', 'compose', 'typeset', 'paint', 'run']


def readme_stages(text):
    """{module stem: stage} from the README's table, the first code block of "How it is
    built": a line per stage, its columns apart by two spaces or more (stage, files, what)."""
    section = text.split('## How it is built', 1)[-1]
    block = section.split('```', 2)[1] if section.count('```') >= 2 else ''
    table = {}
    for line in block.splitlines():
        columns = re.split(r'\s{2,}', line.strip())
        if len(columns) >= 2 and columns[0] in STAGES:
            for name in columns[1].split():
                table[name] = columns[0]
    return table


def sources():
    return sorted(glob.glob(os.path.join(SRC, '*.c')) + glob.glob(os.path.join(SRC, '*.h')))


def includes(path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    # comments may mention headers; only directives count
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    return [(kind, name) for kind, name in INCLUDE.findall(text)]


def stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def upward_includes(table, files):
    """Every include that goes to a later stage: (file, header, its stage, the header's)."""
    problems = []
    for path in files:
        mine = table.get(stem(path))
        for kind, name in includes(path):
            if kind != '"':
                continue
            theirs = table.get(stem(name))
            if mine and theirs and STAGES.index(theirs) > STAGES.index(mine):
                problems.append((os.path.basename(path), name, mine, theirs))
    return problems


class Structure(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(REPO, 'README.md'), encoding='utf-8') as f:
            cls.table = readme_stages(f.read())
        cls.files = sources()

    def test_readme_names_the_five_stages(self):
        named = set(self.table.values())
        for stage in ('load', 'check', 'compose', 'typeset', 'paint'):
            self.assertIn(stage, named, f'the README names no file of the {stage} stage')

    def test_every_file_has_a_stage(self):
        missing = sorted({stem(p) for p in self.files} - set(self.table))
        self.assertEqual(missing, [], 'src/ files the README gives no stage')

    def test_readme_names_only_real_files(self):
        real = {stem(p) for p in self.files}
        self.assertEqual(sorted(set(self.table) - real), [], 'README stages name files not in src/')

    def test_includes_run_one_way(self):
        problems = upward_includes(self.table, self.files)
        self.assertEqual(problems, [], 'a file includes a header of a later stage')

    def test_only_the_painter_includes_hpdf(self):
        users = sorted(os.path.basename(p) for p in self.files
                       if any(name.startswith('hpdf') for _, name in includes(p)))
        self.assertEqual(users, ['pdf.c'])

    def test_only_the_painter_names_hpdf(self):
        """`grep -l hpdf.h src/*` names one file."""
        named = []
        for p in self.files:
            with open(p, encoding='utf-8') as f:
                if 'hpdf.h' in f.read():
                    named.append(os.path.basename(p))
        self.assertEqual(named, ['pdf.c'])

    def test_compose_knows_no_font(self):
        for name in ('compose.c', 'compose.h', 'blocks.h'):
            headers = {h for _, h in includes(os.path.join(SRC, name))}
            self.assertFalse(headers & {'font.h', 'text.h', 'table.h', 'flow.h'},
                             f'{name} includes a typesetting header')


class SelfCheck(unittest.TestCase):
    """The checker itself can fail: an upward include is found, a stray file is named."""

    def test_upward_include_is_found(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, 'report.c')
            with open(bad, 'w') as f:
                f.write('#include "report.h"\n/* #include "pdf.h" */\n#include "flow.h"\n')
            table = {'report': 'load', 'flow': 'typeset', 'pdf': 'paint'}
            self.assertEqual(upward_includes(table, [bad]),
                             [('report.c', 'flow.h', 'load', 'typeset')])

    def test_table_parsing(self):
        text = ('## How it is built\n```\nstage files\nbase   util utf8   allocation\n'
                'paint  pdf   PDF bytes\n```\n')
        self.assertEqual(readme_stages(text), {'util': 'base', 'utf8': 'base', 'pdf': 'paint'})


if __name__ == '__main__':
    sys.exit(run_tests(sys.modules[__name__]))
