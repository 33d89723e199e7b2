#!/usr/bin/env python3
"""Speed and size of nianbao on the seed report, with Typst on the same report in the same run.

    python3 bench/run.py [--runs N] [--batch N] [--rss N] [--faces N] [--no-typst]

Prints: cold `nianbao render` wall time (median of N process runs), the PDF's bytes and pages;
`nianbao batch` over N *different* generated reports (bench/gen.py) with -j 1 and -j 2:
reports per second, ms per report and the peak RSS of a worker; with --rss N, the peak RSS of
a batch of N reports (10,000 shows it does not grow with the count); then Typst's cold
compile (`node bench.mjs 1 --no-tags`, median of 3) and its in-process rate (untagged and
tagged), all with `--input faces=official` (FandolFang, FandolHei, FandolKai, Noto Serif CJK SC
Bold: the faces nianbao uses by default), and last issue 15's targets, each with its measured
value and ratio: the -j 1 rate against Typst's in-process rate, -j 2 over -j 1, the cold
render against Typst's cold compile, the seed's bytes against Typst's untagged PDF, the peak
RSS (with --rss), and the share of a -j 1 batch's CPU (perf) outside compression and the
kernel's reading and writing. Typst comes from the npm registry (see ../shared/bench/typst/README.md); it is
installed into $TYPST_PEER_DIR (default /tmp/typst-peer) when missing.
With --faces N (default 200): the cost of the official look's faces (OpenType, CFF, subset
by HarfBuzz) against the TrueType faces used before (AR PL, WenQuanYi), in the same run:
cold render time and bytes of the seed, and a batch of N reports -j 1 with each; then the
bytes of every sample against Typst's untagged PDF of the seed.
With --standards N (default 200): what the tagged structure, PDF/A-2b and the signature
cost: the seed's cold render and bytes and a batch of N reports -j 1 with --no-pdfa (tagged
only), by default (tagged and PDF/A) and with --sign (a throw-away RSA-2048 certificate); with
--ref REV, also the binary built from commit REV (in a temporary git worktree) as the
reference: REV=9280095 is the last one before tagging, so its difference from --no-pdfa is
the cost of the tags.
"""
import argparse, os, resource, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get('NIANBAO_SHARED', os.path.join(ROOT, '..', 'shared'))
SEED = os.path.join(ROOT, 'samples', 'dingdingmen-2023.yaml')
TYPST_DIR = os.path.join(SHARED, 'bench', 'typst')
# the folders of the faces nianbao uses by default, for Typst's --input faces=official
OFFICIAL_FONT_PATHS = [p for p in ('/usr/local/share/fonts/fandol', '/usr/share/fonts/opentype/noto')
                       if os.path.isdir(p)]
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


def generate(n, out_dir):
    d = os.path.join(out_dir, f'reports-{n}')
    if not os.path.isdir(d):
        subprocess.run([sys.executable, os.path.join(ROOT, 'bench', 'gen.py'), str(n), d], check=True)
    return d


def batch(reports, jobs, out_dir, exe=None, extra=()):
    """Wall time of one batch and the largest RSS of any process of it (KB)."""
    exe = exe or os.path.join(ROOT, 'nianbao')
    out = os.path.join(out_dir, f'out-j{jobs}')
    shutil.rmtree(out, ignore_errors=True)
    # each batch in a child of its own, so that RUSAGE_CHILDREN sees only its processes
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        t = time.perf_counter()
        rc = subprocess.run([exe, 'batch', reports, '-o', out, '-j', str(jobs), '-q', *extra]).returncode
        dt = time.perf_counter() - t
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        os.write(w, f'{rc} {dt} {rss}'.encode())
        os._exit(0)
    os.close(w)
    rc, dt, rss = os.read(r, 100).decode().split()
    os.waitpid(pid, 0)
    if int(rc):
        sys.exit(f'bench: batch -j {jobs} failed with status {rc}')
    n = len([f for f in os.listdir(reports) if f.endswith('.yaml')])
    return n, float(dt), int(rss)


# The faces before the official look: TrueType only (what libharu-era nianbao could embed).
TRUETYPE_FACES = {
    'title': ['AR PL UMing CN', 'AR PL SungtiL GB'],
    'heading1': ['WenQuanYi Micro Hei', 'WenQuanYi Zen Hei'],
    'heading2': ['AR PL UKai CN', 'LXGW WenKai'],
    'body': ['AR PL SungtiL GB', 'AR PL UMing CN'],
    'table': ['AR PL SungtiL GB', 'AR PL UMing CN'],
    'number': ['AR PL SungtiL GB', 'AR PL UMing CN'],
    'fallback': ['AR PL UMing CN', 'AR PL SungtiL GB', 'WenQuanYi Micro Hei', 'LXGW WenKai',
                 'BabelStone Han', 'DejaVu Sans'],
}


def truetype_layout(out_dir):
    """The official layout with the TrueType faces of before, as a file of its own."""
    import yaml
    with open(os.path.join(ROOT, 'layouts', 'gov-info-disclosure-2021.yaml'), encoding='utf-8') as f:
        layout = yaml.safe_load(f)
    layout['fonts'] = TRUETYPE_FACES
    path = os.path.join(out_dir, 'truetype-faces.yaml')
    with open(path, 'w', encoding='utf-8') as f:
        yaml.safe_dump(layout, f, allow_unicode=True, sort_keys=False)
    return path


def faces(n, out_dir):
    """Seed render and batch -j 1 with the official look's faces and with the TrueType ones."""
    exe = os.path.join(ROOT, 'nianbao')
    old = truetype_layout(out_dir)
    reports = generate(n, out_dir)
    rows = {}
    for name, extra in (('CFF (official look)', []), ('TrueType (before)', ['--layout', old])):
        out = os.path.join(out_dir, 'faces.pdf')
        times = [timed([exe, 'render', '-q', SEED, '-o', out, *extra])[0] for _ in range(11)]
        size = os.path.getsize(out)
        dest = os.path.join(out_dir, 'faces-batch')
        shutil.rmtree(dest, ignore_errors=True)
        dt, _ = timed([exe, 'batch', reports, '-o', dest, '-j', '1', '-q', *extra])
        rows[name] = (statistics.median(times), size, dt * 1000 / n)
        print(f'faces {name}: seed render {statistics.median(times)*1000:.1f} ms, {size} bytes; '
              f'batch -j 1 of {n}: {dt*1000/n:.2f} ms/report')
    (a, sa, ba), (b, sb, bb) = rows.values()
    print(f'faces ratio CFF/TrueType: render {a/b:.2f}, bytes {sa/sb:.2f}, batch ms/report {ba/bb:.2f}')


def reference(rev, out_dir):
    """./nianbao as built from commit rev, in a git worktree of its own."""
    tree = os.path.join(out_dir, f'ref-{rev}')
    if not os.path.isdir(tree):
        subprocess.run(['git', '-C', ROOT, 'worktree', 'add', '--detach', tree, rev], check=True,
                       capture_output=True)
    subprocess.run(['make', '-C', tree, '-s', 'nianbao'], check=True, capture_output=True)
    return tree


def test_certificate(out_dir):
    """A throw-away self-signed RSA-2048 certificate as PKCS#12, password 'bench'."""
    key, crt, p12 = (os.path.join(out_dir, f) for f in ('bench.key', 'bench.crt', 'bench.p12'))
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key,
                    '-out', crt, '-days', '30', '-subj', '/CN=bench'], check=True, capture_output=True)
    subprocess.run(['openssl', 'pkcs12', '-export', '-inkey', key, '-in', crt, '-out', p12,
                    '-passout', 'pass:bench'], check=True, capture_output=True)
    return p12


def standards(n, out_dir, ref):
    """Cold render, bytes and batch ms/report: untagged reference, tagged, PDF/A, signed."""
    exe = os.path.join(ROOT, 'nianbao')
    p12 = test_certificate(out_dir)
    os.environ['NIANBAO_SIGN_PASS'] = 'bench'
    reports = generate(n, out_dir)
    runs = [('tagged (--no-pdfa)', exe, ['--no-pdfa']), ('tagged + PDF/A (default)', exe, []),
            ('tagged + PDF/A + --sign', exe, ['--sign', p12, '--sign-time', '2025-01-20T09:00:00Z'])]
    if ref:
        runs.insert(0, (f'untagged ({ref})', os.path.join(reference(ref, out_dir), 'nianbao'), []))
    rows = []
    for name, binary, extra in runs:
        out = os.path.join(out_dir, 'standards.pdf')
        times = [timed([binary, 'render', '-q', SEED, '-o', out, *extra])[0] for _ in range(11)]
        n_done, dt, _ = batch(reports, 1, out_dir, binary, extra)
        rows.append((name, statistics.median(times) * 1000, os.path.getsize(out), dt * 1000 / n_done))
        print(f'standards {name}: seed render {rows[-1][1]:.1f} ms, {rows[-1][2]} bytes; '
              f'batch -j 1 of {n_done}: {rows[-1][3]:.2f} ms/report')
    for (an, at, ab, ams), (bn, bt, bb, bms) in zip(rows, rows[1:]):
        print(f'standards cost of {bn} over {an}: {bms - ams:+.2f} ms/report in a batch '
              f'({bms/ams:.3f}x), {bt - at:+.1f} ms cold, {bb - ab:+d} bytes ({bb/ab:.3f}x)')
    if ref:
        subprocess.run(['git', '-C', ROOT, 'worktree', 'remove', '--force',
                        os.path.join(out_dir, f'ref-{ref}')], capture_output=True)


def samples_sizes(out_dir):
    exe = os.path.join(ROOT, 'nianbao')
    sizes = {}
    for f in sorted(os.listdir(os.path.join(ROOT, 'samples'))):
        if f.endswith('.yaml'):
            out = os.path.join(out_dir, f[:-5] + '.pdf')
            timed([exe, 'render', '-q', os.path.join(ROOT, 'samples', f), '-o', out])
            sizes[f[:-5]] = os.path.getsize(out)
    return sizes


def typst(out_dir):
    """Typst on the seed with the official faces: cold compile (median of 3), in-process
    ms/report (20 fresh renders) untagged and tagged, and the untagged PDF's bytes."""
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
    faces = ['--input', 'faces=official']
    for d in OFFICIAL_FONT_PATHS:
        faces += ['--font-path', d]
    out = os.path.join(out_dir, 'typst.pdf')
    cold = [timed(['node', script, '1', '--no-tags', '--out', out, *faces], env=env, cwd=TYPST_DIR)[0]
            for _ in range(3)]

    def per_report(*extra):
        _, text = timed(['node', script, '20', *extra, *faces], env=env, cwd=TYPST_DIR)
        return next((float(l.split()[1]) for l in text.splitlines() if l.startswith('ms/report')),
                    float('nan'))
    return statistics.median(cold), per_report('--no-tags'), per_report(), os.path.getsize(out)


def fonts_ok(pdf):
    """Every font of the PDF embedded, subset and Unicode-mapped (pdffonts)."""
    rows = subprocess.run(['pdffonts', pdf], capture_output=True, text=True).stdout.splitlines()[2:]
    return bool(rows) and all(r.split()[-5:-2] == ['yes', 'yes', 'yes'] for r in rows)


def share_outside(reports, out_dir):
    """The share of a -j 1 batch's CPU samples outside compression (libdeflate, zlib) and
    writing (the kernel: the files read and written), by perf; None without perf."""
    if not shutil.which('perf'):
        return None
    data = os.path.join(out_dir, 'perf.data')
    out = os.path.join(out_dir, 'out-perf')
    shutil.rmtree(out, ignore_errors=True)
    r = subprocess.run(['perf', 'record', '-q', '-o', data, '--', os.path.join(ROOT, 'nianbao'),
                        'batch', reports, '-o', out, '-j', '1', '-q'], capture_output=True, text=True)
    if r.returncode:
        return None
    rep = subprocess.run(['perf', 'report', '-i', data, '--no-children', '--sort', 'dso', '-g', 'none',
                          '--stdio'], capture_output=True, text=True).stdout
    shares = {}
    for line in rep.splitlines():
        f = line.split()
        if len(f) >= 2 and f[0].endswith('%') and not line.startswith('#'):
            shares[f[1]] = float(f[0].rstrip('%'))
    comp = sum(v for k, v in shares.items() if k.startswith(('libdeflate', 'libz.')))
    kern = sum(v for k, v in shares.items() if 'kernel' in k)
    return 100 - comp - kern, comp, kern


def targets(d, seed_ms, seed_bytes, seed_pdf, rates, rss, t, share):
    """Issue 15's targets, each with its measured value and ratio."""
    cold, untagged_ms, tagged_ms, tbytes = t
    print('targets (issue 15), nianbao against Typst 0.14 with the same official faces:')
    if 1 in rates:
        ms = 1000 / rates[1]
        print(f'  batch -j 1: {ms:.2f} ms/report against Typst in-process {untagged_ms:.1f} '
              f'(untagged; {tagged_ms:.1f} tagged) = {untagged_ms / ms:.2f}x, target >= 10x')
    if 1 in rates and 2 in rates:
        print(f'  batch -j 2 / -j 1 = {rates[2] / rates[1]:.2f}, target >= 1.85')
    print(f'  cold render: {seed_ms:.1f} ms against Typst cold {cold * 1000:.1f} ms = '
          f'{seed_ms / (cold * 1000):.3f}, target <= {1 / 12:.3f}')
    print(f'  seed bytes: {seed_bytes} against Typst untagged {tbytes} = {seed_bytes / tbytes:.2f}, '
          f'target <= 0.80; fonts embedded, subset, mapped: {"yes" if fonts_ok(seed_pdf) else "NO"}; tagged')
    if rss:
        n, mb = rss
        print(f'  peak RSS, batch -j 2 of {n}: {mb:.1f} MB, target < 50 MB')
    if share:
        out, comp, kern = share
        print(f'  share of a -j 1 batch outside compression and writing: {out:.0f} % '
              f'(compression {comp:.0f} %, kernel {kern:.0f} %), target < 40 %')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--runs', type=int, default=11)
    ap.add_argument('--batch', type=int, default=1000, help='reports in the batch runs (0: none)')
    ap.add_argument('--rss', type=int, default=0, help='also a batch of this many for peak RSS')
    ap.add_argument('--faces', type=int, default=200, help='reports in the faces batch (0: none)')
    ap.add_argument('--standards', type=int, default=200,
                    help='reports in the tagging/PDF-A/signing batches (0: none)')
    ap.add_argument('--ref', help='a commit to build and measure as the untagged reference')
    ap.add_argument('--no-typst', action='store_true')
    ap.add_argument('--work', help='keep generated reports here (default: a temporary folder)')
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = a.work or tmp
        os.makedirs(d, exist_ok=True)
        med, lo, hi, size, pages = nianbao(a.runs, d)
        seed_pdf = os.path.join(d, 'seed.pdf')
        print(f'nianbao render (cold process), seed report: median {med*1000:.1f} ms '
              f'(min {lo*1000:.1f}, max {hi*1000:.1f}, {a.runs} runs)')
        print(f'nianbao PDF: {size} bytes, {pages} pages')
        rates, rss_row, share = {}, None, None
        if a.batch:
            reports = generate(a.batch, d)
            share = share_outside(reports, d)
            for jobs in (1, 2):
                n, dt, rss = batch(reports, jobs, d)
                rates[jobs] = n / dt
                print(f'nianbao batch -j {jobs}: {n} different reports in {dt:.2f} s = '
                      f'{n/dt:.1f} reports/s, {dt*1000/n:.2f} ms/report, peak RSS {rss/1024:.1f} MB')
            print(f'batch scaling -j2/-j1 = {rates[2]/rates[1]:.2f}')
        if a.rss:
            reports = generate(a.rss, d)
            n, dt, rss = batch(reports, 2, d)
            rss_row = (n, rss / 1024)
            print(f'nianbao batch -j 2 of {n} reports: {dt:.1f} s, peak RSS {rss/1024:.1f} MB')
        if a.faces:
            faces(a.faces, d)
        if a.standards:
            standards(a.standards, d, a.ref)
        sizes = samples_sizes(d)
        if a.no_typst:
            return
        t = typst(d)
        if not t:
            return
        cold, per, per_tagged, tsize = t
        for name, b in sizes.items():
            print(f'sample {name}: {b} bytes = {b/tsize:.2f} × typst\'s untagged seed ({tsize} bytes)')
        print(f'typst cold compile (node bench.mjs 1 --no-tags, official faces): median {cold*1000:.1f} ms (3 runs)')
        print(f'typst in-process: {per:.1f} ms/report untagged, {per_tagged:.1f} tagged (20 renders, fresh)')
        print(f'typst PDF (untagged): {tsize} bytes')
        targets(d, med * 1000, size, seed_pdf, rates, rss_row, t, share)


if __name__ == '__main__':
    main()
