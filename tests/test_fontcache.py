#!/usr/bin/env python3
"""The font resolution cache (src/font.c): which file each family of the layout resolved to,
kept in $XDG_CACHE_HOME/nianbao/fonts so that a cold render need not start fontconfig.

- a render writes it, and a render from it gives the very same PDF as one without it
  (NIANBAO_FONT_CACHE=0), without opening fontconfig's configuration;
- a font put into a --fonts folder after the cache was written is used at once (the
  folder's time is in the stamp), and one taken away is no longer looked for;
- a cache file that is corrupt, cut short or names a font that is gone is not trusted;
- NIANBAO_FONT_CACHE=0 writes none.

Each test has a cache folder of its own (XDG_CACHE_HOME). Run from the repository root:
    python3 tests/test_fontcache.py [words of test names]
"""
import os
import shutil
import subprocess
import tempfile
import sys
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_e2e import REPO, SAMPLES, TIMEOUT, Unavailable, program, workdir  # noqa: E402
from test_grid import check, run_tests  # noqa: E402

SEED = os.path.join(REPO, 'samples', 'dingdingmen-2023.yaml')
LAYOUT = os.path.join(REPO, 'layouts', 'gov-info-disclosure-2021.yaml')
DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'
FAMILY = 'NianbaoCacheTestSans'   # a family no machine has: the font made here


def renamed_font(path):
    """DejaVu Sans under the family name FAMILY (fontTools), written to path."""
    try:
        from fontTools.ttLib import TTFont
    except ImportError:
        done = subprocess.run(['/usr/bin/python3', '-c', 'import fontTools'], capture_output=True)
        if done.returncode:
            raise Unavailable('fontTools is missing (python3-fonttools, ./setup.sh installs it)')
        script = ('import sys\nfrom fontTools.ttLib import TTFont\nf = TTFont(sys.argv[1])\n'
                  'for r in f["name"].names:\n'
                  '    if r.nameID in (1, 4, 16): r.string = sys.argv[3]\n'
                  '    if r.nameID == 6: r.string = sys.argv[3].replace(" ", "")\n'
                  'f.save(sys.argv[2])\n')
        subprocess.run(['/usr/bin/python3', '-c', script, DEJAVU, path, FAMILY], check=True)
        return
    f = TTFont(DEJAVU)
    for r in f['name'].names:
        if r.nameID in (1, 4, 16):
            r.string = FAMILY
        if r.nameID == 6:
            r.string = FAMILY
    f.save(path)


class FontCache(unittest.TestCase):
    def setUp(self):
        if not os.path.exists(DEJAVU):
            raise Unavailable(f'{DEJAVU} is missing (fonts-dejavu-core)')
        self.dir = tempfile.mkdtemp(dir=workdir())   # workdir() is one per run
        self.cache_home = os.path.join(self.dir, 'cache')
        self.cache = os.path.join(self.cache_home, 'nianbao', 'fonts')

    def render(self, out, *extra, env=None, trace=False):
        e = dict(os.environ, XDG_CACHE_HOME=self.cache_home, **(env or {}))
        args = [program(), 'render', '-q', SEED, '-o', os.path.join(self.dir, out), *extra]
        if trace:
            if not shutil.which('strace'):
                raise Unavailable('strace is not installed (./setup.sh installs it)')
            args = ['strace', '-f', '-e', 'trace=openat,open', *args]
            # under the sanitizers: LeakSanitizer cannot run under ptrace
            e['ASAN_OPTIONS'] = ':'.join(filter(None, [e.get('ASAN_OPTIONS'), 'detect_leaks=0']))
        done = subprocess.run(args, env=e, capture_output=True, timeout=TIMEOUT,
                              encoding='utf-8', errors='replace')
        self.assertEqual(done.returncode, 0, done.stderr[-500:])
        return done, os.path.join(self.dir, out)

    def read(self, path):
        with open(path, 'rb') as f:
            return f.read()

    def fonts_of(self, pdf):
        done = subprocess.run(['pdffonts', pdf], capture_output=True, text=True, timeout=TIMEOUT)
        return done.stdout

    def test_written_and_used_giving_the_same_pdf(self):
        _, first = self.render('first.pdf')
        self.assertTrue(os.path.isfile(self.cache), 'no cache written')
        with open(self.cache, encoding='utf-8') as f:
            text = f.read()
        self.assertTrue(text.startswith('nianbao fonts 1\n'), text[:80])
        self.assertIn('FandolFang', text)
        done, cached = self.render('cached.pdf', trace=True)
        _, plain = self.render('plain.pdf', env={'NIANBAO_FONT_CACHE': '0'})
        self.assertEqual(self.read(cached), self.read(plain))
        self.assertEqual(self.read(first), self.read(plain))
        opened = [l for l in done.stderr.splitlines() if 'fonts.conf' in l or '/fontconfig/' in l]
        self.assertEqual(opened, [], 'fontconfig was started although the cache holds the fonts')

    def test_no_cache_written_when_turned_off(self):
        self.render('off.pdf', env={'NIANBAO_FONT_CACHE': '0'})
        self.assertFalse(os.path.exists(self.cache))

    def test_a_font_added_to_a_fonts_folder_is_used_at_once(self):
        folder = os.path.join(self.dir, 'myfonts')
        os.makedirs(folder)
        layout = os.path.join(self.dir, 'layout.yaml')
        with open(LAYOUT, encoding='utf-8') as f:
            data = yaml.safe_load(f)
        data['fonts']['title'] = [FAMILY] + data['fonts']['title']  # its Latin and digits
        with open(layout, 'w', encoding='utf-8') as f:
            yaml.safe_dump(data, f, allow_unicode=True, sort_keys=False)
        _, before = self.render('before.pdf', '--layout', layout, '--fonts', folder)
        self.assertNotIn(FAMILY, self.fonts_of(before))
        done, _ = self.render('again.pdf', '--layout', layout, '--fonts', folder, trace=True)
        self.assertFalse([l for l in done.stderr.splitlines() if 'fonts.conf' in l],
                         'the second render did not use the cache')
        renamed_font(os.path.join(folder, 'test.ttf'))
        _, after = self.render('after.pdf', '--layout', layout, '--fonts', folder)
        self.assertIn(FAMILY, self.fonts_of(after), 'the new font was not used: a stale cache')
        os.remove(os.path.join(folder, 'test.ttf'))
        _, gone = self.render('gone.pdf', '--layout', layout, '--fonts', folder)
        self.assertNotIn(FAMILY, self.fonts_of(gone))
        self.assertEqual(self.read(gone), self.read(before))

    def test_a_bad_cache_is_not_trusted(self):
        _, plain = self.render('plain.pdf', env={'NIANBAO_FONT_CACHE': '0'})
        self.render('write.pdf')
        with open(self.cache, encoding='utf-8') as f:
            good = f.read()
        stamp, _, entries = good.partition('--\n')
        first = entries.splitlines()[0]
        gone = first.rsplit(' ', 1)[0] + ' /nonexistent/font.otf'
        bad = {
            'cut short': good[:len(good) // 2],
            'garbage': 'not a cache\n',
            'a font that is gone': stamp + '--\n' + entries.replace(first, gone, 1),
            'a line that is not an entry': stamp + '--\n' + 'what is this\n' + entries,
            'empty': '',
        }
        problems = []
        for what, text in bad.items():
            with open(self.cache, 'w', encoding='utf-8') as f:
                f.write(text)
            done, pdf = self.render(what.replace(' ', '-') + '.pdf')
            if self.read(pdf) != self.read(plain):
                problems.append(f'{what}: a different PDF')
            if done.stderr.strip():
                problems.append(f'{what}: it said {done.stderr.strip()[:200]}')
        check(self, problems)


if __name__ == '__main__':
    sys.exit(run_tests(sys.modules[__name__]))
