#!/usr/bin/env python3
"""Speed and size of nianbao on the seed report, with Typst on the same report in the same run.

    python3 bench/run.py [--runs N] [--no-typst]

Prints: cold `nianbao render` wall time (median of N process runs), the PDF's bytes and pages;
then Typst's cold compile (`time node bench.mjs 1`, median of 3) and its in-process rate, and
the ratios. Typst comes from the npm registry (see ../shared/bench/typst/README.md); it is
installed into $TYPST_PEER_DIR (default /tmp/typst-peer) when missing.
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get('NIANBAO_SHARED', os.path.join(ROOT, '..', 'shared'))
SEED = os.path.join(ROOT, 'samples', 'dingdingmen-2023.yaml')
TYPST_DIR = os.path.join(SHARED, 'bench', 'typst')
PEER = os.environ.get('TYPST_PEER_DIR', os.path.join(tempfile.gettempdir(), 'typst-peer'))


def timed(cmd, **kw):
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    dt = time.perf_counter() - t
    if r.returncode:
        sys.exit(f'bench: {" ".join(cmd)} failed:\n{r.stderr}')
    return dt, r.stdout


def nianbao(runs, out_dir):
    exe = os.path.join(ROOT, 'nianbao')
    out = os.path.join(out_dir, 'seed.pdf')
    times = [timed([exe, 'render', '-q', SEED, '-o', out])[0] for _ in range(runs)]
    pages = subprocess.run(['pdfinfo', out], capture_output=True, text=True).stdout
    pages = next((l.split()[-1] for l in pages.splitlines() if l.startswith('Pages:')), '?')
    return statistics.median(times), min(times), max(times), os.path.getsize(out), pages


def typst(out_dir):
    mod = os.path.join(PEER, 'node_modules', '@myriaddreamin', 'typst-ts-node-compiler')
    if not os.path.isdir(mod):
        print(f'installing the Typst peer into {PEER} …', file=sys.stderr)
        r = subprocess.run(['npm', 'install', '--silent', '--prefix', PEER,
                            '@myriaddreamin/typst-ts-node-compiler@0.7.0'], capture_output=True, text=True)
        if r.returncode:
            print(f'bench: cannot install Typst ({r.stderr.strip()[:200]}); skipping it', file=sys.stderr)
            return None
    env = dict(os.environ, TYPST_PEER_DIR=PEER)
    script = os.path.join(TYPST_DIR, 'bench.mjs')
    out = os.path.join(out_dir, 'typst.pdf')
    cold = [timed(['node', script, '1', '--no-tags', '--out', out], env=env, cwd=TYPST_DIR)[0] for _ in range(3)]
    _, text = timed(['node', script, '20', '--no-tags'], env=env, cwd=TYPST_DIR)
    per = next((float(l.split()[1]) for l in text.splitlines() if l.startswith('ms/report')), float('nan'))
    return statistics.median(cold), per, os.path.getsize(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--runs', type=int, default=11)
    ap.add_argument('--no-typst', action='store_true')
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        med, lo, hi, size, pages = nianbao(a.runs, d)
        print(f'nianbao render (cold process), seed report: median {med*1000:.1f} ms '
              f'(min {lo*1000:.1f}, max {hi*1000:.1f}, {a.runs} runs)')
        print(f'nianbao PDF: {size} bytes, {pages} pages')
        if a.no_typst:
            return
        t = typst(d)
        if not t:
            return
        cold, per, tsize = t
        print(f'typst cold compile (node bench.mjs 1 --no-tags): median {cold*1000:.1f} ms (3 runs)')
        print(f'typst in-process: {per:.1f} ms/report (20 renders, fresh, untagged)')
        print(f'typst PDF (untagged): {tsize} bytes')
        print(f'ratios: cold time nianbao/typst = {med/cold:.3f}; '
              f'nianbao cold vs typst in-process = {med*1000/per:.2f}; bytes nianbao/typst = {size/tsize:.2f}')


if __name__ == '__main__':
    main()
