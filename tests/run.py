#!/usr/bin/env python3
"""The whole suite, in parallel: every cmocka unit test (build/tests/test_*) and every
end-to-end test file (tests/test_*.py) runs as its own process, JOBS at a time (default:
the number of cores). Each one's output is printed whole when it ends, so the outputs do
not interleave; then a table of each with its result and time, the wall time, and last the
line 'N passed, N failed' over all of them. The exit status is 1 if any failed.

Run from the repository root (make check does):  python3 tests/run.py [-j JOBS] [NAME…]
NAME picks the test programs whose name contains it (test_typeset, kinsoku, …).
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT = 900  # seconds for one test program

# the longest first, so that two cores finish together
SLOW_FIRST = ['test_official', 'test_typeset', 'test_batch', 'test_combine', 'test_paragraphs', 'test_e2e']
# the longest files run as two processes, split by the words that select their tests
SHARDS = {'test_official': [['SignatureNeverAlone'], ['-SignatureNeverAlone']],
          'test_typeset': [['AtEveryRow'], ['-AtEveryRow']]}

PY_RESULT = re.compile(r'^(\d+) passed, (\d+) failed', re.M)
CM_PASSED = re.compile(r'^\[  PASSED  \] (\d+) test', re.M)
CM_FAILED = re.compile(r'^\[  FAILED  \] (\d+) test', re.M)


def programs(names):
    unit = sorted(glob.glob(os.path.join(REPO, 'build', 'tests', 'test_*')))
    e2e = sorted(glob.glob(os.path.join(REPO, 'tests', 'test_*.py')))
    jobs = [[p] for p in unit if os.access(p, os.X_OK)]
    for p in e2e:
        stem = os.path.splitext(os.path.basename(p))[0]
        jobs += [[sys.executable, p, *words] for words in SHARDS.get(stem, [[]])]
    if names:
        jobs = [j for j in jobs if any(n in os.path.basename(program_of(j)) for n in names)]

    def rank(job):
        stem = os.path.splitext(os.path.basename(program_of(job)))[0]
        return SLOW_FIRST.index(stem) if stem in SLOW_FIRST else len(SLOW_FIRST)
    return sorted(jobs, key=rank)


def program_of(job):
    """The test program of a job: its first argument ending in test_*.py, or the binary."""
    return next((a for a in job if os.path.basename(a).startswith('test_')), job[-1])


def label(job):
    name = os.path.relpath(program_of(job), REPO)
    words = job[job.index(program_of(job)) + 1:]
    return name + (' ' + ' '.join(words) if words else '')


def counts(output, status):
    """(passed, failed) as the program's own closing lines give them."""
    m = PY_RESULT.findall(output)
    if m:
        return int(m[-1][0]), int(m[-1][1])
    passed = sum(int(n) for n in CM_PASSED.findall(output))
    failed = sum(int(n) for n in CM_FAILED.findall(output))
    if status and not failed:
        failed = 1  # it crashed or said nothing: count it as one failure
    return passed, failed


# The tests read the program's messages in English (the C locale, UTF-8), whatever this
# machine's language; the tests of the Chinese messages set their own.
TEST_ENV = {k: v for k, v in os.environ.items() if k not in ('LANGUAGE', 'LC_MESSAGES', 'LANG')}
TEST_ENV['LC_ALL'] = 'C.UTF-8'


def run_one(job):
    start = time.monotonic()
    try:
        done = subprocess.run(job, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=TIMEOUT, encoding='utf-8', errors='replace', env=TEST_ENV)
        output, status = done.stdout, done.returncode
    except subprocess.TimeoutExpired as e:
        output = (e.stdout or b'').decode('utf-8', 'replace') if isinstance(e.stdout, bytes) \
            else (e.stdout or '')
        output += f'\n{label(job)}: no result after {TIMEOUT} s\n'
        status = 124
    return job, output, status, time.monotonic() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('-j', '--jobs', type=int, default=os.cpu_count() or 2)
    ap.add_argument('names', nargs='*')
    args = ap.parse_args()
    jobs = programs(args.names)
    if not jobs:
        print('no test programs found (run make first)', file=sys.stderr)
        print('0 passed, 0 failed')
        return 1
    start = time.monotonic()
    results = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for fut in as_completed([pool.submit(run_one, j) for j in jobs]):
            job, output, status, secs = fut.result()
            name = label(job)
            print(f'== {name}', flush=True)
            sys.stdout.write(output if output.endswith('\n') or not output else output + '\n')
            results.append((name, status, secs, *counts(output, status)))
    wall = time.monotonic() - start
    print('\n== summary')
    for name, status, secs, p, f in sorted(results):
        verdict = 'ok' if status == 0 and f == 0 else f'FAILED (exit {status})'
        print(f'{name:52} {p:4} passed {f:3} failed {secs:6.1f} s  {verdict}')
    print(f'wall time {wall:.1f} s with {args.jobs} jobs '
          f'(the programs\' own times add up to {sum(r[2] for r in results):.1f} s)')
    passed = sum(r[3] for r in results)
    failed = sum(r[4] for r in results)
    bad = any(r[1] != 0 for r in results)
    print(f'{passed} passed, {failed} failed', flush=True)
    return 1 if failed or bad else 0


if __name__ == '__main__':
    sys.exit(main())
