#!/usr/bin/env python3
"""Hostile and broken input, end to end: every case is fed to `nianbao render` (and `check`),
and the test asserts the exact diagnostics, the exit status, that no PDF was written and
that an existing PDF at the output path was left exactly as it was.

Run from the repository root:  python3 tests/test_hostile.py
Environment: NIANBAO (program path), NIANBAO_KEEP=1 (keep the work folder).
"""
import os
import re
import stat
import sys
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_e2e import program, run, workdir  # noqa: E402
from test_grid import REPO, run_tests  # noqa: E402

BASE = os.path.join(REPO, 'samples', 'dingdingmen-2023.yaml')
LAYOUT = os.path.join(REPO, 'layouts', 'gov-info-disclosure-2021.yaml')
OLD = b'%PDF-1.4 an earlier report that must survive\n'
DATA, USAGE, SYSTEM = 1, 2, 3


def base_text():
    with open(BASE, encoding='utf-8') as f:
        return f.read()


def folder(name):
    path = os.path.join(workdir(), name)
    os.makedirs(path, exist_ok=True)
    return path


class Hostile(unittest.TestCase):

    def feed(self, name, content, expected, status=DATA, extra=(), check=True):
        """Write content (bytes) as NAME.yaml in its own folder and render it twice: to a new
        path and over an existing PDF. Expect exactly `expected` (lines, with {f} for the
        input's path) on stderr, the exit status, and no PDF written or changed."""
        where = folder(name)
        src = os.path.join(where, name + '.yaml')
        with open(src, 'wb') as f:
            f.write(content)
        want = [line.format(f=src) for line in expected]
        fresh, old = os.path.join(where, 'new.pdf'), os.path.join(where, 'old.pdf')
        with open(old, 'wb') as f:
            f.write(OLD)
        def said(result):  # its messages, but for the warning any report without a date gets
            lines = result.stderr.splitlines()
            if not re.search(rb'(?m)^date:', content):
                lines = [l for l in lines if f'{src}:1:1: warning: no date' not in l]
            return lines

        for out in (fresh, old):
            result = run([program(), 'render', src, '-o', out, *extra])
            self.assertEqual(said(result), want, f'{name}: stderr')
            self.assertEqual(result.stdout, '', f'{name}: stdout')
            self.assertEqual(result.returncode, status, f'{name}: exit status')
        self.assertFalse(os.path.exists(fresh), f'{name}: a PDF was written')
        with open(old, 'rb') as f:
            self.assertEqual(f.read(), OLD, f'{name}: the existing PDF was changed')
        self.assertEqual(sorted(os.listdir(where)), sorted([name + '.yaml', 'old.pdf']),
                         f'{name}: files left behind')
        if check:
            result = run([program(), 'check', src, *extra])
            self.assertEqual(result.returncode, status, f'{name}: check exit status')
            self.assertEqual(said(result), want, f'{name}: check stderr')
        return src

    def sample_with(self, old, new):
        text = base_text()
        self.assertIn(old, text)
        return text.replace(old, new, 1).encode('utf-8')

    # -------------------------------------------------------------- YAML and encoding

    def test_malformed_yaml(self):
        self.feed('malformed', b'agency: [unclosed\nyear: 2023\n', [
            "{f}:2:5: error: YAML syntax: while parsing a flow sequence, did not find "
            "expected ',' or ']'"])

    def test_tab_indent(self):
        self.feed('tabs', b'agency: A\nyear: 2023\nrequests:\n\tnew: [1, 2, 3, 4, 5, 6]\n', [
            '{f}:4:1: error: a tab character; YAML indents with spaces only: replace the tab '
            'by spaces'])

    def test_invalid_utf8(self):
        self.feed('latin1', b'agency: A\xff\xfeB\nyear: 2023\n', [
            '{f}:1:10: error: not UTF-8 text (byte 0xFF); save the file with the UTF-8 encoding'])
        self.feed('cut-utf8', 'agency: A\nyear: 2023\npreamble: |\n  第一行\n  第二'.encode()
                  + b'\xc3(\n', [
            '{f}:5:5: error: not UTF-8 text (byte 0xC3); save the file with the UTF-8 encoding'])

    def test_nul_byte(self):
        self.feed('nul', b'agency: A\x00B\nyear: 2023\n', [
            '{f}:1:10: error: a control character (byte 0x00) is not allowed in the text; '
            'remove it'])

    def test_anchors_and_aliases(self):
        laughs = (b'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
                  b'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n')
        self.feed('laughs', laughs, [
            '{f}:1:4: error: YAML anchors (&name) are not allowed in a report; write the values out'])

    def test_deep_nesting(self):
        self.feed('deep', b'agency: ' + b'[' * 200 + b']' * 200 + b'\n', [
            '{f}:1:73: error: nesting deeper than 64 levels; a report is never this deep'])

    def test_hundred_megabytes(self):
        where = folder('big')
        src = os.path.join(where, 'big.yaml')
        with open(src, 'wb') as f:
            f.write(b'agency: A\n')
            f.truncate(100 * 1024 * 1024)
        out = os.path.join(where, 'big.pdf')
        result = run([program(), 'render', src, '-o', out])
        self.assertEqual(result.returncode, DATA)
        self.assertEqual(result.stderr.splitlines(), [
            f'{src}: error: the file is larger than 16 MB; a report is a few KB: is this the '
            f'right file?'])
        self.assertFalse(os.path.exists(out))

    def test_bom_and_crlf_accepted(self):
        """A byte-order mark (Notepad) and CRLF line ends (Windows) are accepted: the PDF
        reads exactly like the plain file's."""
        plain = base_text().encode('utf-8')
        texts = {}
        for name, content in (('plain', plain), ('bom', b'\xef\xbb\xbf' + plain),
                              ('crlf', plain.replace(b'\n', b'\r\n')),
                              ('bom-crlf', b'\xef\xbb\xbf' + plain.replace(b'\n', b'\r\n'))):
            where = folder('accept-' + name)
            src, out = os.path.join(where, 'r.yaml'), os.path.join(where, 'r.pdf')
            with open(src, 'wb') as f:
                f.write(content)
            result = run([program(), 'render', src, '-o', out])
            self.assertEqual(result.returncode, 0, result.stderr)
            texts[name] = run(['pdftotext', out, '-']).stdout
        for name in ('bom', 'crlf', 'bom-crlf'):
            self.assertEqual(texts[name], texts['plain'], name)

    # -------------------------------------------------------------- wrong data

    def test_wrong_type(self):
        self.feed('wrongtype', b'agency: A\nyear: 2023\nrequests:\n  new: {a: 1}\n', [
            '{f}:4:8: error: requests.new (一、本年新收政府信息公开申请数量): a list of 6 numbers '
            'is expected, like [0, 0, 0, 0, 0, 0]'])
        self.feed('textnumber', b'agency: A\nyear: 2023\nappeals:\n  review: [1, "2", 0, 0]\n', [
            '{f}:4:15: error: appeals.review (行政复议): a number is expected, not the text "2"; '
            'remove the quotes'])

    def test_wrong_length(self):
        self.feed('wronglen', b'agency: A\nyear: 2023\nrequests:\n  new: [1, 2, 3]\n', [
            '{f}:4:8: error: requests.new (一、本年新收政府信息公开申请数量): 3 numbers given; it '
            'takes 6 (or one more: the 总计, which is then checked)'])

    def test_negative_fraction_huge(self):
        self.feed('numbers', b'agency: A\nyear: 2023\nactive_disclosure:\n  licensing: 2.5\n'
                  b'  penalties: -3\n  enforcement: 1000000001\n  fees: -0.5\n', [
            '{f}:4:14: error: 二 行政许可, 本年处理决定数量: 2.5 is not a whole number; a count of '
            'cases has no fraction (R5)',
            '{f}:5:14: error: 二 行政处罚, 本年处理决定数量: -3 is negative; counts are 0 or more (R5)',
            '{f}:6:16: error: 二 行政强制, 本年处理决定数量: 1000000001 is beyond 1000000000; check '
            'the figure (R5)',
            '{f}:7:9: error: 二 行政事业性收费, 本年收费金额（单位：万元）: -0.5 is negative; counts '
            'are 0 or more (R5)'])

    def test_numbers_that_do_not_add_up(self):
        self.feed('r1', self.sample_with('  carried_forward: [0, 0, 0, 0, 0, 0]',
                                         '  carried_forward: [0, 0, 1, 0, 0, 0]'), [
            '{f}:60:27: error: 三 column 科研机构: 一 + 二 = 0 but （七）总计 + 四 = 1 (R1)',
            '{f}:60:20: error: 三 column 总计: 一 + 二 = 0 but （七）总计 + 四 = 1 (R1)'])

    def test_warnings_never_block(self):
        """A figure in the text that disagrees with the tables (R7) is a warning: check exits
        0 and says so, render writes the PDF, -q keeps quiet about it."""
        where = folder('warn')
        src, out = os.path.join(where, 'warn.yaml'), os.path.join(where, 'warn.pdf')
        content = self.sample_with('未收到公众依申请公开办理的事项', '收到政府信息公开申请3件')
        with open(src, 'wb') as f:
            f.write(content)
        line = next(i for i, text in enumerate(content.decode().splitlines(), 1) if '申请3件' in text)
        col = content.decode().splitlines()[line - 1].index('收到政府') + 1
        warning = (f'{src}:{line}:{col}: warning: the text says “收到政府信息公开申请3件” but 三 '
                   f'一、本年新收政府信息公开申请数量, 总计 is 0 ({src}:33:20) (R7)')
        check = run([program(), 'check', src])
        self.assertEqual(check.returncode, 0)
        self.assertEqual(check.stderr.splitlines(), [f'{src}: ok, with warnings', warning])
        render = run([program(), 'render', src, '-o', out])
        self.assertEqual(render.returncode, 0)
        self.assertEqual(render.stderr.splitlines(), [warning])
        self.assertTrue(os.path.getsize(out) > 0)
        quiet = run([program(), 'render', '-q', src, '-o', out])
        self.assertEqual((quiet.returncode, quiet.stdout, quiet.stderr), (0, '', ''))

    def test_errors_block_render_and_fail_check(self):
        where = folder('errs')
        src = os.path.join(where, 'errs.yaml')
        with open(src, 'wb') as f:
            f.write(self.sample_with('  new:             [0, 0, 0, 0, 0, 0]',
                                     '  new:             [1, 0, 0, 0, 0, 0, 2]'))
        for cmd in (['check', src], ['render', src, '-o', os.path.join(where, 'e.pdf')],
                    ['render', '-q', src, '-o', os.path.join(where, 'e.pdf')]):
            result = run([program(), *cmd])
            self.assertEqual(result.returncode, DATA)
            self.assertIn('(R2)', result.stderr)
            self.assertIn('(R1)', result.stderr)
        self.assertEqual(sorted(os.listdir(where)), ['errs.yaml'])

    # -------------------------------------------------------------- characters and fonts

    def test_character_beyond_bmp_no_font_has(self):
        """A character above U+FFFF is drawn when a font has one (test_official); only one
        that no font has is an error, located like any other: here an Egyptian hieroglyph."""
        self.feed('astral', self.sample_with('坚持“以公开为常态', '坚持“以公\U00013000开为常态'), [
            '{f}:12:17: error: overview, paragraph 1: the character \U00013000 (U+13000) is in '
            'none of the installed fonts; replace it, or add a font that has it (fonts/ or '
            '--fonts DIR)'])

    def test_character_no_font_has(self):
        # a Runic letter: no font the set-up installs has one
        self.feed('nofont', self.sample_with('agency: 洛龙区定鼎门街道办事处',
                                             'agency: 洛龙区定鼎门街道办事处ᚠ'), [
            '{f}:7:20: error: agency: the character ᚠ (U+16A0) is in none of the installed '
            'fonts; replace it, or add a font that has it (fonts/ or --fonts DIR)'])

    def test_no_usable_font(self):
        with open(LAYOUT, encoding='utf-8') as f:
            layout = yaml.safe_load(f)
        for role in layout['fonts']:
            layout['fonts'][role] = ['No Such Family']
        path = os.path.join(folder('nofonts-layout'), 'layout.yaml')
        with open(path, 'w', encoding='utf-8') as f:
            yaml.safe_dump(layout, f, allow_unicode=True, sort_keys=False)
        roles = [r for r in layout['fonts'] if r != 'fallback']
        self.feed('nofonts', base_text().encode(), [
            f"{path}: error: no usable font for role '{role}' (tried: No Such Family); "
            f"install one (see README) or put the font file into fonts/ or a folder given with "
            f"--fonts" for role in roles], SYSTEM, extra=('--layout', path))

    def test_fonts_folder_missing(self):
        where = folder('fontsdir')
        self.feed('fontsdir', base_text().encode(), [
            f'nianbao: --fonts {where}/none: no such folder', "Try 'nianbao --help'."], USAGE,
            extra=('--fonts', os.path.join(where, 'none')))

    # -------------------------------------------------------------- files

    def test_missing_or_unreadable_layout(self):
        missing = os.path.join(workdir(), 'no-such-layout.yaml')
        self.feed('nolayout', base_text().encode(), [
            f'{missing}: error: cannot read: No such file or directory'], SYSTEM,
            extra=('--layout', missing))
        where = folder('layout-is-folder.yaml')
        self.feed('layoutdir', base_text().encode(), [
            f'{where}: error: cannot read: it is a folder, not a file'], SYSTEM,
            extra=('--layout', where))
        if os.geteuid() != 0:   # root reads anything
            locked = os.path.join(folder('locked'), 'layout.yaml')
            with open(locked, 'wb') as f:
                f.write(open(LAYOUT, 'rb').read())
            os.chmod(locked, 0)
            self.feed('lockedlayout', base_text().encode(), [
                f'{locked}: error: cannot read: Permission denied'], SYSTEM,
                extra=('--layout', locked))

    def test_missing_report(self):
        missing = os.path.join(workdir(), 'no-such-report.yaml')
        result = run([program(), 'render', missing])
        self.assertEqual(result.returncode, SYSTEM)
        self.assertEqual(result.stderr.splitlines(),
                         [f'{missing}: error: cannot read: No such file or directory'])
        self.assertFalse(os.path.exists(missing[:-5] + '.pdf'))

    def test_output_is_a_folder(self):
        where = folder('outdir')
        result = run([program(), 'render', BASE, '-o', where])
        self.assertEqual(result.returncode, USAGE)
        self.assertEqual(result.stderr.splitlines(), [
            f'{where}: error: the output is a folder; give a file name such as '
            f'{where}/report.pdf'])
        self.assertEqual(os.listdir(where), [])

    def test_output_folder_missing(self):
        out = os.path.join(workdir(), 'no-such-folder', 'r.pdf')
        result = run([program(), 'render', BASE, '-o', out])
        self.assertEqual(result.returncode, SYSTEM)
        self.assertEqual(result.stderr.splitlines(), [
            f'{out}: error: cannot write the PDF: No such file or directory'])
        self.assertFalse(os.path.exists(os.path.dirname(out)))

    def test_full_disk(self):
        """/dev/full fails every write with ENOSPC: an error, and the device stays a device
        (the PDF is never renamed over it)."""
        result = run([program(), 'render', BASE, '-o', '/dev/full'])
        self.assertEqual(result.returncode, SYSTEM)
        self.assertEqual(result.stderr.splitlines(), [
            '/dev/full: error: cannot write the PDF: No space left on device'])
        self.assertTrue(stat.S_ISCHR(os.stat('/dev/full').st_mode))
        self.assertEqual(os.listdir('/dev').count('full'), 1)
        self.assertFalse([n for n in os.listdir('/dev') if n.startswith('full.')])

    def test_corrupt_seal(self):
        where = folder('seal')
        with open(os.path.join(where, 'seal.png'), 'wb') as f:
            f.write(b'\x89PNG\r\n\x1a\n' + b'\0' * 30)
        content = self.sample_with('date: 2024-01-20', 'date: 2024-01-20\nseal: seal.png')
        src = os.path.join(where, 'seal.yaml')
        with open(src, 'wb') as f:
            f.write(content)
        line = content.decode().splitlines().index('seal: seal.png') + 1
        result = run([program(), 'render', src, '-o', os.path.join(where, 'x.pdf')])
        self.assertEqual(result.returncode, DATA)
        self.assertEqual(len(result.stderr.splitlines()), 1)
        self.assertTrue(result.stderr.startswith(f'{src}:{line}:7: error: seal: seal.png: '),
                        result.stderr)
        self.assertFalse(os.path.exists(os.path.join(where, 'x.pdf')))


if __name__ == '__main__':
    sys.exit(run_tests(sys.modules[__name__]))
