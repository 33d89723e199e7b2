#!/usr/bin/env python3
"""Hostile files and failing systems, round two: special files where a file is expected,
a PNG that claims a huge chunk (under a 500 MB address-space limit), inputs whose cost must
grow linearly (many keys, many characters no font has: the ratio of two sizes is measured
here, never an absolute time), outputs written through links and pipes, long messages
through worker processes, and a batch interrupted by a signal.

Run from the repository root:  python3 tests/test_hostile2.py [words of test names]
"""
import os
import resource
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_e2e import program, workdir  # noqa: E402
from test_grid import REPO, run_tests  # noqa: E402

SAMPLE = os.path.join(REPO, 'samples', 'dingdingmen-2023.yaml')
WAIT = 20   # seconds: a blocked program is killed by then, and the test fails


def nb(*args, preexec=None, stdout=subprocess.PIPE):
    return subprocess.run([program(), *args], stdout=stdout, stderr=subprocess.PIPE, cwd=REPO,
                          timeout=WAIT, preexec_fn=preexec)


def folder(name):
    path = os.path.join(workdir(), name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def copy_as_unit(path, i):
    """The sample as unit i: its own agency, so that a batch holds each unit once."""
    with open(SAMPLE, encoding='utf-8') as f:
        text = f.read().replace('agency: 洛龙区定鼎门街道办事处', f'agency: 测试区第{i}街道办事处')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


def report_with(extra_top='', **fields):
    with open(SAMPLE, encoding='utf-8') as f:
        text = f.read()
    return extra_top + text


def cpu_of(*args):
    """The CPU seconds a run of the program takes (user + system), by getrusage."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = nb(*args)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done


class SpecialFiles(unittest.TestCase):
    """A FIFO named where a file is expected is refused at once with its name, never waited on."""

    @classmethod
    def setUpClass(cls):
        cls.dir = folder('fifos')
        cls.fifo = os.path.join(cls.dir, 'pipe.yaml')
        os.mkfifo(cls.fifo)
        cls.png = os.path.join(cls.dir, 'seal.png')
        os.mkfifo(cls.png)

    def refused(self, done, name):
        err = done.stderr.decode('utf-8', 'replace')
        self.assertIn(name, err)
        self.assertIn('not a regular file', err)

    def test_fifo_as_report(self):
        done = nb('check', self.fifo)
        self.assertEqual(done.returncode, 3)
        self.refused(done, self.fifo)

    def test_fifo_as_layout(self):
        done = nb('check', SAMPLE, '--layout', self.fifo)
        self.assertEqual(done.returncode, 3)
        self.refused(done, self.fifo)

    def test_fifo_as_previous(self):
        done = nb('check', SAMPLE, '--previous', self.fifo)
        self.assertEqual(done.returncode, 3)
        self.refused(done, self.fifo)

    def test_fifo_as_seal(self):
        path = os.path.join(self.dir, 'sealed.yaml')
        with open(path, 'w', encoding='utf-8') as f:
            f.write('seal: seal.png\n' + report_with())
        done = nb('check', path)
        self.assertEqual(done.returncode, 1)
        self.refused(done, 'seal.png')

    def test_fifo_in_a_batch_folder(self):
        d = folder('fifo-batch')
        shutil.copy(SAMPLE, os.path.join(d, 'a.yaml'))
        os.mkfifo(os.path.join(d, 'b.yaml'))
        out = os.path.join(workdir(), 'fifo-batch-out')
        done = nb('batch', d, '-o', out, '-j', '2', '-q')
        self.assertEqual(done.returncode, 3)  # not a file to read: as for check, not wrong data
        self.refused(done, 'b.yaml')
        self.assertTrue(os.path.exists(os.path.join(out, 'a.pdf')))


def png_with_chunk(kind, claimed):
    """A 1 × 1 PNG with a chunk that claims `claimed` bytes and holds none."""
    def chunk(k, body):
        return struct.pack('>I', len(body)) + k + body + struct.pack('>I', zlib.crc32(k + body))
    ihdr = chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 2, 0, 0, 0))
    return b'\x89PNG\r\n\x1a\n' + ihdr + struct.pack('>I', claimed) + kind + b'\0' * 16


class PngBomb(unittest.TestCase):

    def test_huge_declared_chunk_under_500_mb(self):
        d = folder('bomb')
        with open(os.path.join(d, 'seal.png'), 'wb') as f:
            f.write(png_with_chunk(b'zTXt', 0x7FFFFFF0))
        path = os.path.join(d, 'report.yaml')
        with open(path, 'w', encoding='utf-8') as f:
            f.write('seal: seal.png\n' + report_with())
        limit = 500 << 20

        def cap():
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        # AddressSanitizer reserves terabytes of address space for its shadow: under it the
        # limit cannot be set, and the check is only that the bomb is refused
        with open(program(), 'rb') as f:
            asan = b'__asan_init' in f.read()
        done = nb('check', path, preexec=None if asan else cap)
        err = done.stderr.decode('utf-8', 'replace')
        self.assertEqual(done.returncode, 1, err)
        self.assertIn('seal: seal.png: the PNG is truncated or corrupt', err)
        self.assertIn('zTXt', err)


class LinearCost(unittest.TestCase):
    """Twice a hundred times the input costs at most two hundred times the CPU."""

    def ratio(self, make, small, large):
        d = folder('linear')
        paths = []
        for n in (small, large):
            p = os.path.join(d, f'{n}.yaml')
            with open(p, 'w', encoding='utf-8') as f:
                f.write(make(n))
            paths.append(p)
        cpu_of('check', paths[0])   # warm the caches
        a = min(cpu_of('check', paths[0])[0] for _ in range(3))
        b, done = cpu_of('check', paths[1])
        self.assertEqual(done.returncode, 1)
        return b / max(a, 0.005), done

    def test_many_distinct_keys(self):
        def make(n):
            return 'agency: 测试街道办事处\nyear: 2023\nrequests:\n' + ''.join(
                f'  k{i}: 1\n' for i in range(n))
        r, done = self.ratio(make, 2000, 200000)
        self.assertLessEqual(r, 200, f'200,000 keys cost {r:.0f} times 2,000')
        self.assertIn(b'more problems of the same files, not shown', done.stderr)

    def test_many_characters_no_font_has(self):
        def make(n):
            return 'agency: 测试街道办事处\nyear: 2023\noverview: |\n  ' + '\u16a0' * n + '\n'
        r, done = self.ratio(make, 200, 20000)
        self.assertLessEqual(r, 200, f'20,000 characters cost {r:.0f} times 200')
        err = done.stderr.decode('utf-8')
        self.assertEqual(err.count('U+16A0'), 20)
        self.assertIn('and 19980 more characters', err)


class WriteThrough(unittest.TestCase):

    def test_symlink_is_kept_and_its_file_replaced(self):
        d = folder('link')
        target, link = os.path.join(d, 'real.pdf'), os.path.join(d, 'link.pdf')
        with open(target, 'w') as f:
            f.write('old')
        os.symlink(target, link)
        done = nb('render', SAMPLE, '-o', link)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(os.path.islink(link))
        with open(target, 'rb') as f:
            self.assertEqual(f.read(5), b'%PDF-')
        self.assertEqual(sorted(os.listdir(d)), ['link.pdf', 'real.pdf'])

    def test_standard_output_and_a_pipe(self):
        done = nb('render', SAMPLE, '-o', '-')
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(done.stdout.startswith(b'%PDF-') and done.stdout.rstrip().endswith(b'%%EOF'))
        self.assertIn(b'(standard output)', done.stderr)
        d = folder('pipe')
        fifo = os.path.join(d, 'out.pdf')
        os.mkfifo(fifo)
        got = os.path.join(d, 'read.pdf')
        with open(got, 'wb') as sink:   # the reader drains the pipe into a file
            reader = subprocess.Popen(['cat', fifo], stdout=sink)
            done = nb('render', SAMPLE, '-o', fifo)
            reader.wait(timeout=WAIT)
        with open(got, 'rb') as f:
            data = f.read()
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(data.startswith(b'%PDF-'))
        self.assertTrue(stat.S_ISFIFO(os.stat(fifo).st_mode), 'the pipe was replaced')


class LongMessages(unittest.TestCase):

    def test_200_kb_of_messages_through_two_workers(self):
        d = folder('long-messages')
        name = 'x' * 300
        bad = 'agency: 测试街道办事处\nyear: 2023\nrequests:\n' + ''.join(
            f'  {name}{i}: 1\n' for i in range(900))
        for k in range(2):
            with open(os.path.join(d, f'bad{k}.yaml'), 'w', encoding='utf-8') as f:
                f.write(bad)
        shutil.copy(SAMPLE, os.path.join(d, 'good.yaml'))
        manifest = os.path.join(workdir(), 'long.csv')
        done = nb('batch', d, '-o', os.path.join(workdir(), 'long-out'), '-j', '2',
                  '--manifest', manifest)
        err = done.stderr.decode('utf-8')   # valid UTF-8, or this raises
        self.assertEqual(done.returncode, 1)
        for k in range(2):   # every report's messages whole: the last key of each is there
            self.assertGreater(len(err), 200_000)
            self.assertIn(f'{name}899', err)
        with open(manifest, 'rb') as f:
            f.read().decode('utf-8')


class FontTruncatedDuringABatch(unittest.TestCase):
    """A font file truncated while a batch runs: later reports open the fonts again (the
    truncated face is refused, the next of its role used), a worker that faults loses only
    its report, and the batch ends with a manifest of every report."""

    def test_batch_goes_on(self):
        for jobs in ('2', '1'):  # -j 1 too: its one worker is a process of its own
            with self.subTest(jobs=jobs):
                self.run_truncated(jobs)

    def run_truncated(self, jobs):
        import yaml
        d = folder(f'font-change-{jobs}')
        fonts = os.path.join(d, 'fonts')
        os.makedirs(fonts)
        found = subprocess.run(['fc-match', '-f', '%{file}', 'FandolKai'], capture_output=True,
                               text=True).stdout
        body = subprocess.run(['fc-match', '-f', '%{file}', 'FandolFang'], capture_output=True,
                              text=True).stdout
        if 'FandolKai' not in found or 'FandolFang' not in body:
            self.fail('the Fandol fonts are not installed (./setup.sh installs them)')
        kai = os.path.join(fonts, 'kai.otf')
        shutil.copy(found, kai)            # a copy of our own to truncate
        shutil.copy(body, os.path.join(fonts, 'fang.otf'))
        conf = os.path.join(d, 'fonts.conf')
        with open(conf, 'w') as f:         # fontconfig sees only these two files
            f.write(f'<?xml version="1.0"?><fontconfig><dir>{fonts}</dir>'
                    f'<cachedir>{d}/cache</cachedir></fontconfig>')
        with open(os.path.join(REPO, 'layouts', 'gov-info-disclosure-2021.yaml'), encoding='utf-8') as f:
            layout = yaml.safe_load(f)
        for role in layout['fonts']:
            layout['fonts'][role] = ['FandolFang']
        layout['fonts']['heading2'] = ['FandolKai', 'FandolFang']
        lpath = os.path.join(d, 'layout.yaml')
        with open(lpath, 'w', encoding='utf-8') as f:
            yaml.safe_dump(layout, f, allow_unicode=True, sort_keys=False)
        inputs = os.path.join(d, 'in')
        os.makedirs(inputs)
        for i in range(60):
            copy_as_unit(os.path.join(inputs, f'r{i:02}.yaml'), i)
        out, manifest = os.path.join(d, 'out'), os.path.join(d, 'm.csv')
        env = dict(os.environ, FONTCONFIG_FILE=conf)
        proc = subprocess.Popen([program(), 'batch', inputs, '-o', out, '-j', jobs, '--layout', lpath,
                                 '--manifest', manifest, '--combine', os.path.join(d, 'all.pdf')],
                                stderr=subprocess.PIPE, cwd=REPO, env=env)
        deadline = time.time() + WAIT
        while time.time() < deadline and not (os.path.isdir(out) and len(os.listdir(out)) >= 6):
            time.sleep(0.01)
        os.truncate(kai, 1000)
        err = proc.communicate(timeout=4 * WAIT)[1].decode('utf-8', 'replace')
        self.assertIn(proc.returncode, (0, 1, 3), err[-2000:])
        with open(manifest, encoding='utf-8') as f:
            rows = f.read().splitlines()
        self.assertEqual(len(rows), 61, 'the manifest lists every report')
        self.assertFalse([f for f in os.listdir(out) if f.endswith('.tmp')])
        self.assertFalse([f for f in os.listdir(d) if f.endswith('.tmp')])
        # said by a worker that saw the change, or by one started after a worker faulted
        self.assertTrue('this font file changed while nianbao ran' in err or
                        ("font 'FandolKai'" in err and 'cannot be used' in err), err[-1500:])
        rendered = [r for r in rows[1:] if ',"rendered",' in r or ',rendered,' in r]
        self.assertGreaterEqual(len(rendered), 55, 'the reports after the change were rendered')


def empty_outlines(font):
    """The TrueType font's bytes with every glyph emptied (its loca all zeros)."""
    data = bytearray(font)
    tables = {}
    for i in range(struct.unpack('>H', data[4:6])[0]):
        tag, _, off, length = struct.unpack('>4sIII', data[12 + 16 * i:28 + 16 * i])
        tables[tag] = (off, length)
    off, length = tables[b'loca']
    data[off:off + length] = bytes(length)
    return bytes(data)


class EmptyGlyphs(unittest.TestCase):
    """A font whose Chinese glyphs are all empty is refused with a warning naming it, and
    the next font of its role draws the text."""

    def test_next_font_is_used(self):
        import yaml
        d = folder('empty-glyphs')
        fonts = os.path.join(d, 'fonts')
        os.makedirs(fonts)
        seed = os.path.join(REPO, 'tests', 'fuzz', 'corpus', 'font', 'arphic-sungti.ttf')
        with open(seed, 'rb') as f, open(os.path.join(fonts, 'empty.ttf'), 'wb') as g:
            g.write(empty_outlines(f.read()))
        fang = subprocess.run(['fc-match', '-f', '%{file}', 'FandolFang'], capture_output=True,
                              text=True).stdout
        shutil.copy(fang, os.path.join(fonts, 'fang.otf'))
        conf = os.path.join(d, 'fonts.conf')
        with open(conf, 'w') as f:
            f.write(f'<?xml version="1.0"?><fontconfig><dir>{fonts}</dir>'
                    f'<cachedir>{d}/cache</cachedir></fontconfig>')
        with open(os.path.join(REPO, 'layouts', 'gov-info-disclosure-2021.yaml'), encoding='utf-8') as f:
            layout = yaml.safe_load(f)
        for role in layout['fonts']:
            layout['fonts'][role] = ['AR PL SungtiL GB', 'FandolFang']
        lpath = os.path.join(d, 'layout.yaml')
        with open(lpath, 'w', encoding='utf-8') as f:
            yaml.safe_dump(layout, f, allow_unicode=True, sort_keys=False)
        out = os.path.join(d, 'out.pdf')
        done = subprocess.run([program(), 'render', SAMPLE, '--layout', lpath, '-o', out],
                              capture_output=True, text=True, cwd=REPO, timeout=WAIT,
                              env=dict(os.environ, FONTCONFIG_FILE=conf))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("font 'AR PL SungtiL GB'", done.stderr)
        self.assertIn('empty outlines', done.stderr)
        listing = subprocess.run(['pdffonts', out], capture_output=True, text=True).stdout
        self.assertIn('FandolFang', listing)
        self.assertNotIn('Sungti', listing)


class Interrupted(unittest.TestCase):

    def test_sigterm_stops_the_batch_and_keeps_the_manifest(self):
        d = folder('many')
        for i in range(120):
            copy_as_unit(os.path.join(d, f'r{i:03}.yaml'), i)
        out, manifest = os.path.join(workdir(), 'many-out'), os.path.join(workdir(), 'many.csv')
        proc = subprocess.Popen([program(), 'batch', d, '-o', out, '-j', '2', '-q', '--manifest',
                                 manifest], stderr=subprocess.PIPE, cwd=REPO)
        deadline = time.time() + WAIT
        while time.time() < deadline and not (os.path.isdir(out) and len(os.listdir(out)) >= 4):
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=WAIT)
        self.assertEqual(proc.returncode, -signal.SIGTERM)
        self.assertFalse([f for f in os.listdir(out) if f.endswith('.tmp')])
        with open(manifest, encoding='utf-8') as f:
            rows = f.read().splitlines()
        self.assertEqual(len(rows), 121)
        self.assertTrue(any('interrupted' in r for r in rows), 'nothing was left to do')


if __name__ == '__main__':
    sys.exit(run_tests(sys.modules[__name__]))
