#!/usr/bin/env python3
"""The combined PDF (`batch --combine`): written as it is made, so that its memory does not
grow with the number of reports (the peak of 120 reports against 12, measured here, never an
absolute figure); the same text, pages and outline as the reports' own PDFs, each face
embedded once, read by four readers; nothing left behind when it is interrupted or fails;
written through a symbolic link and to a pipe.

Run from the repository root:  python3 tests/test_combine.py [words of test names]
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_e2e import program, workdir  # noqa: E402
from test_grid import REPO, run_tests  # noqa: E402

WAIT = 300  # seconds: far more than any run here takes, even under the sanitizers


def reports(name, n):
    """A folder of n different valid reports (bench/gen.py, fixed seed)."""
    path = os.path.join(workdir(), name)
    if not os.path.isdir(path) or len(os.listdir(path)) != n:
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run([sys.executable, os.path.join(REPO, 'bench', 'gen.py'), str(n), path,
                        '--seed', '7'], check=True, stdout=subprocess.DEVNULL, timeout=WAIT)
    return path


def sanitized():
    with open(program(), 'rb') as f:
        return b'__asan_init' in f.read()


PEAK = ('import resource, subprocess, sys\n'
        'done = subprocess.run(sys.argv[1:], stderr=subprocess.DEVNULL)\n'
        'print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n')


def peak_kb(*args):
    """The exit status of a run and the peak resident memory of it and its workers, in KB."""
    out = subprocess.run([sys.executable, '-c', PEAK, program(), *args], capture_output=True,
                         text=True, cwd=REPO, timeout=WAIT).stdout.split()
    return int(out[0]), int(out[1])


def text(pdf):
    done = subprocess.run(['pdftotext', pdf, '-'], capture_output=True, text=True, timeout=WAIT)
    return done.stdout, done.stderr


class Combined(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.inputs = reports('combine-in', 12)
        cls.out = os.path.join(workdir(), 'combine-out')
        shutil.rmtree(cls.out, ignore_errors=True)
        cls.combined = os.path.join(workdir(), 'combined.pdf')
        cls.done = subprocess.run([program(), 'batch', cls.inputs, '-o', cls.out, '-j', '2',
                                   '--combine', cls.combined], capture_output=True, text=True,
                                  cwd=REPO, timeout=WAIT)
        cls.names = sorted(os.listdir(cls.out))

    def test_it_is_made(self):
        self.assertEqual(self.done.returncode, 0, self.done.stderr)
        self.assertRegex(self.done.stderr, r'combined\.pdf: 12 reports, \d+ pages, \d+ bytes')

    def test_same_text_as_the_reports_in_order(self):
        whole, warnings = text(self.combined)
        self.assertEqual(warnings, '')
        parts = ''.join(text(os.path.join(self.out, n))[0] for n in self.names)
        self.assertEqual(whole, parts)

    def test_every_page(self):
        def pages(pdf):
            info = subprocess.run(['pdfinfo', pdf], capture_output=True, text=True).stdout
            return int(re.search(r'Pages:\s+(\d+)', info).group(1))
        self.assertEqual(pages(self.combined),
                         sum(pages(os.path.join(self.out, n)) for n in self.names))

    def test_each_face_once_embedded_subset_and_mapped(self):
        rows = subprocess.run(['pdffonts', self.combined], capture_output=True,
                              text=True).stdout.splitlines()[2:]
        faces = [r.split()[0].split('+')[1] for r in rows]
        self.assertEqual(len(faces), len(set(faces)), rows)
        self.assertGreaterEqual(len(faces), 3)
        for r in rows:
            self.assertRegex(r, r'yes yes yes', r)

    def test_smaller_than_the_reports_together(self):
        apart = sum(os.path.getsize(os.path.join(self.out, n)) for n in self.names)
        self.assertLess(os.path.getsize(self.combined), apart / 2)

    def test_outline_each_agency_over_its_headings(self):
        outline = subprocess.run(['mutool', 'show', self.combined, 'outline'], capture_output=True,
                                 text=True).stdout.splitlines()
        tops = [l for l in outline if not l.startswith('|')]
        self.assertEqual(len(tops), 12, outline[:20])
        for line in tops:
            self.assertRegex(line, r'(街道办事处|人民政府|局|委员会)"\s+#page=\d+&view=Fit$')
        self.assertEqual(len([l for l in outline if '一、总体情况' in l]), 12)

    def test_readers_find_no_fault(self):
        check = subprocess.run(['qpdf', '--check', self.combined], capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        mu = subprocess.run(['mutool', 'draw', '-q', '-o', '/dev/null', '-F', 'txt', self.combined],
                            capture_output=True, text=True)
        # Debian's MuPDF is built without colour management and says so, whatever the file
        faults = [l for l in mu.stderr.splitlines() if 'ICC support is not available' not in l]
        self.assertEqual((mu.returncode, faults), (0, []))
        gs = subprocess.run(['gs', '-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=nullpage',
                             self.combined], capture_output=True, text=True, timeout=WAIT)
        self.assertEqual((gs.returncode, gs.stdout.strip(), gs.stderr.strip()), (0, '', ''))


class Streaming(unittest.TestCase):

    def test_memory_does_not_grow_with_the_reports(self):
        if sanitized():
            self.skipTest('AddressSanitizer keeps freed memory in quarantine')
        small, large = reports('combine-in', 12), reports('combine-many', 120)
        status, few = peak_kb('batch', small, '-o', os.path.join(workdir(), 'cf-out'), '-j', '2',
                              '-q', '--combine', os.path.join(workdir(), 'cf.pdf'))
        self.assertEqual(status, 0)
        status, many = peak_kb('batch', large, '-o', os.path.join(workdir(), 'cm-out'), '-j', '2',
                               '-q', '--combine', os.path.join(workdir(), 'cm.pdf'))
        self.assertEqual(status, 0)
        # holding the reports (as before) grew by about 370 KB a report: 40 MB here
        self.assertLess(many - few, 8 * 1024, f'12 reports: {few} KB, 120: {many} KB')

    def test_sigterm_while_combining_leaves_nothing(self):
        d = reports('combine-many', 120)
        out = os.path.join(workdir(), 'cs-out')
        shutil.rmtree(out, ignore_errors=True)
        where = os.path.join(workdir(), 'cs')
        shutil.rmtree(where, ignore_errors=True)
        os.makedirs(where)
        combined, manifest = os.path.join(where, 'all.pdf'), os.path.join(where, 'list.csv')
        proc = subprocess.Popen([program(), 'batch', d, '-o', out, '-j', '2', '-q', '--manifest',
                                 manifest, '--combine', combined], stderr=subprocess.PIPE, cwd=REPO)
        deadline = time.time() + WAIT
        while time.time() < deadline and not any(f.endswith('.tmp') and f.startswith('all.pdf')
                                                 for f in os.listdir(where)):
            time.sleep(0.005)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=WAIT)
        self.assertEqual(proc.returncode, -signal.SIGTERM)
        self.assertEqual(sorted(os.listdir(where)), ['list.csv'])
        with open(manifest, encoding='utf-8') as f:
            self.assertEqual(len(f.read().splitlines()), 121)

    def test_a_fault_while_combining_costs_only_the_combined_pdf(self):
        # the combined PDF is made by a process of its own: a SIGBUS there (a font file
        # truncated under its mapping) leaves the batch standing, with a message
        d = reports('combine-many', 120)
        where = os.path.join(workdir(), 'cbus')
        shutil.rmtree(where, ignore_errors=True)
        os.makedirs(where)
        combined, manifest = os.path.join(where, 'all.pdf'), os.path.join(where, 'list.csv')
        proc = subprocess.Popen([program(), 'batch', d, '-o', os.path.join(where, 'out'), '-j', '2',
                                 '-q', '--manifest', manifest, '--combine', combined],
                                stderr=subprocess.PIPE, cwd=REPO)
        deadline, temp = time.time() + WAIT, None
        while time.time() < deadline and not temp:
            temp = next((f for f in os.listdir(where) if f.startswith('all.pdf.')), None)
            time.sleep(0.005)
        os.kill(int(temp.split('.')[2]), signal.SIGBUS)  # all.pdf.<pid>.<n>.tmp
        err = proc.communicate(timeout=WAIT)[1].decode()
        self.assertEqual(proc.returncode, 3, err)  # a system failure, not wrong data
        self.assertIn('all.pdf: error: not made: the process making it was stopped by a fault', err)
        self.assertEqual(sorted(os.listdir(where)), ['list.csv', 'out'])

    def test_a_report_changed_in_between_fails_it_and_leaves_nothing(self):
        # a report of another layout cannot join: refused by its name, nothing written
        d = os.path.join(workdir(), 'cmix')
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        shutil.copy(os.path.join(REPO, 'samples', 'dingdingmen-2023.yaml'), d)
        shutil.copy(os.path.join(REPO, 'samples', 'dingdingmen-2020.yaml'), d)
        combined = os.path.join(workdir(), 'cmix.pdf')
        if os.path.exists(combined):
            os.remove(combined)
        done = subprocess.run([program(), 'batch', d, '-o', os.path.join(workdir(), 'cmix-out'),
                               '--combine', combined], capture_output=True, text=True, cwd=REPO,
                              timeout=WAIT)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn('dingdingmen-2023.yaml: error: a combined PDF holds reports of one format',
                      done.stderr)
        self.assertFalse(os.path.exists(combined))
        self.assertFalse([f for f in os.listdir(workdir()) if f.startswith('cmix.pdf')])


class WrittenThrough(unittest.TestCase):

    def test_symlink_kept_and_its_file_written(self):
        d = reports('combine-in', 12)
        where = os.path.join(workdir(), 'clink')
        shutil.rmtree(where, ignore_errors=True)
        os.makedirs(where)
        target, link = os.path.join(where, 'target.pdf'), os.path.join(where, 'link.pdf')
        os.symlink('target.pdf', link)
        done = subprocess.run([program(), 'batch', d, '-o', os.path.join(where, 'out'), '-q',
                               '--combine', link], capture_output=True, text=True, cwd=REPO,
                              timeout=WAIT)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(os.path.islink(link))
        with open(target, 'rb') as f:
            self.assertEqual(f.read(8), b'%PDF-1.4')

    def test_to_a_pipe(self):
        d = reports('combine-in', 12)
        done = subprocess.run([program(), 'batch', d, '-o', os.path.join(workdir(), 'cpipe'), '-q',
                               '--combine', '-'], capture_output=True, cwd=REPO, timeout=WAIT)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(done.stdout.startswith(b'%PDF-1.4'))
        self.assertTrue(done.stdout.endswith(b'%%EOF\n'))
        piped = os.path.join(workdir(), 'cpipe.pdf')
        with open(piped, 'wb') as f:
            f.write(done.stdout)
        self.assertEqual(subprocess.run(['qpdf', '--check', piped], capture_output=True).returncode, 0)


if __name__ == '__main__':
    sys.exit(run_tests(sys.modules[__name__]))
