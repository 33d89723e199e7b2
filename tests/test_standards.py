#!/usr/bin/env python3
"""The standards a report PDF meets, read back with public tools: PAdES signatures
(--sign), the tagged PDF's logical structure, and PDF/A-2b.

- Signature: test certificates made here with openssl (a CA, RSA-2048 and ECDSA P-256
  signers, an expired and a not-yet-valid one, a PKCS#12 whose key does not match its
  certificate); pdfsig finds the signature valid, covering the whole document, trusted once
  the CA is in an NSS database, and a flipped byte a digest mismatch; openssl verifies the
  CMS taken out of /Contents, whose signed attributes are PAdES B-B's (no signingTime); the
  /ByteRange leaves out exactly the /Contents hex; the unsigned output is a prefix of the
  signed one; the widget lies over the seal, printable, with an appearance; every bad
  certificate is refused with its message and nothing written; batch signs every report.
- Tags: /MarkInfo, /Lang, /RoleMap, a /Document of /Title, /P, /H1, /H2, /Table and /Figure
  in reading order (pdfinfo -struct-text and a walk of the tree); the three tables cell for
  cell against shared/format-2021-grid.tsv with their spans, scopes and the sample's
  figures; every text-showing operator in one marked-content sequence, an MCID or an
  artifact, and the /ParentTree both ways; a table across two pages one /Table, its
  repeated header, 续表 and the page numbers artifacts.
- PdfA: each PDF/A-2b requirement that applies to what nianbao writes (listed in
  PdfA's docstring), also after signing; --no-pdfa drops the PDF/A identification only.

Run from the repository root:  python3 tests/test_standards.py [words of test names]
(Signature, Tags or PdfA runs one area.) Environment: NIANBAO (program), NIANBAO_KEEP=1.
pikepdf runs in Debian's Python (/usr/bin/python3, python3-pikepdf), which prints the PDF's
objects as JSON for this file to read.
"""
import base64
import datetime
import functools
import glob
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import sys
import unittest
import xml.etree.ElementTree as ET
from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_e2e import (TIMEOUT, SampleRun, Unavailable, expected_numbers,  # noqa: E402
                      expected_title, format_date, program, squash, workdir)
from test_grid import (REPO, NUMBER_TEXT, Cell, check, describe, grid_size,  # noqa: E402
                       layout_cells, load_layout, run_tests, spec_grids)

CHANHE = os.path.join(REPO, 'samples', 'chanhe-2023.yaml')              # 2021 format, a seal
DINGDINGMEN = os.path.join(REPO, 'samples', 'dingdingmen-2023.yaml')    # 2021 format, no seal
DINGDINGMEN_2020 = os.path.join(REPO, 'samples', 'dingdingmen-2020.yaml')  # 2019 format
STANDARD_SAMPLES = (CHANHE, DINGDINGMEN, DINGDINGMEN_2020)
SEAL_PNG = os.path.join(REPO, 'samples', 'seal-specimen.png')

PIKEPDF_PYTHON = '/usr/bin/python3'   # Debian's Python, with python3-pikepdf (./setup.sh)
PASSWORD = '测试密码123'
SIGN_TIME = '2025-01-20T09:00:00Z'
PASS_ENV = 'NIANBAO_SIGN_PASS'
TOL = 1.0                              # pt, for the widget against the seal's placement


# ---------------------------------------------------------------- running things

def need(name):
    """Raise Unavailable unless the tool is installed."""
    if not shutil.which(name):
        raise Unavailable(f'{name} is not installed (./setup.sh installs it)')


def tool(*args, binary=False, ok=(0,)):
    """Run a tool; its stdout (text unless binary). A status outside `ok` is Unavailable."""
    need(args[0])
    try:
        done = subprocess.run(args, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Unavailable(f'{" ".join(args)}: no result after {TIMEOUT} s')
    if ok is not None and done.returncode not in ok:
        raise Unavailable(f'{" ".join(map(str, args))}: exit {done.returncode}: '
                          f'{done.stderr.decode("utf-8", "replace")[:500]}')
    return done.stdout if binary else done.stdout.decode('utf-8', 'replace')


def tool_run(*args, **kwargs):
    """A tool's CompletedProcess (text), whatever its status."""
    need(args[0])
    return subprocess.run(args, capture_output=True, timeout=TIMEOUT, encoding='utf-8',
                          errors='replace', **kwargs)


def nianbao(*args, env=None, cwd=REPO):
    """Run the program: CompletedProcess with text output. The password variable is taken
    out of the environment unless `env` sets it."""
    if not os.access(program(), os.X_OK):
        raise Unavailable(f'{program()} is not an executable: build it (make) or set NIANBAO')
    environ = {k: v for k, v in os.environ.items() if k != PASS_ENV}
    environ.update(env or {})
    try:
        return subprocess.run([program(), *args], cwd=cwd, capture_output=True, timeout=TIMEOUT,
                              encoding='utf-8', errors='replace', env=environ)
    except subprocess.TimeoutExpired:
        raise Unavailable(f'nianbao {" ".join(args)}: no result after {TIMEOUT} s')


def fresh_dir(name):
    path = os.path.join(workdir(), name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


Rendered = namedtuple('Rendered', 'pdf result folder')


@functools.lru_cache(maxsize=None)
def render(sample, options=(), env=()):
    """Render a sample once per (options, env) into its own folder, as <stem>.pdf there (so
    that two renders differing only in their options have the same file name)."""
    stem = os.path.splitext(os.path.basename(sample))[0]
    key = hashlib.sha1(repr((sample, options, env)).encode()).hexdigest()[:10]
    folder = fresh_dir(f'render-{stem}-{key}')
    pdf = os.path.join(folder, stem + '.pdf')
    return Rendered(pdf, nianbao('render', sample, '-o', pdf, *options, env=dict(env)), folder)


def rendered(sample, *options, env=()):
    """Path of the sample's PDF rendered with these options; Unavailable when it failed."""
    r = render(sample, tuple(options), tuple(sorted(dict(env).items())))
    if r.result.returncode != 0 or not os.path.isfile(r.pdf):
        raise Unavailable(f'{os.path.basename(sample)} {" ".join(options)}: render exit '
                          f'{r.result.returncode}: {r.result.stderr.strip()[:600]}')
    return r.pdf


def read_bytes(path):
    with open(path, 'rb') as f:
        return f.read()


# ---------------------------------------------------------------- the PDF's objects (pikepdf)

DUMP = r'''
import base64, decimal, json, sys
import pikepdf

LIMIT = 1 << 20
pdf = pikepdf.open(sys.argv[1])
skip = set()            # font programs, images and page contents: their bytes are not needed
for obj in pdf.objects:
    if isinstance(obj, pikepdf.Dictionary):
        for key in ('/FontFile', '/FontFile2', '/FontFile3'):
            if key in obj and obj[key].is_indirect:
                skip.add(obj[key].objgen)
    if isinstance(obj, pikepdf.Stream) and obj.get('/Subtype') == '/Image':
        skip.add(obj.objgen)
pages = []
for page in pdf.pages:
    contents = page.obj.get('/Contents')
    for c in (contents if isinstance(contents, pikepdf.Array) else [contents]):
        if c is not None and c.is_indirect:
            skip.add(c.objgen)

def ref(o):
    return {'ref': '%d %d' % o.objgen}

def conv(o, top=False):
    if o is None or isinstance(o, (bool, int, float)):
        return o
    if isinstance(o, decimal.Decimal):
        return float(o)
    if not top and getattr(o, 'is_indirect', False):
        return ref(o)
    if isinstance(o, pikepdf.Name):
        return str(o)
    if isinstance(o, pikepdf.String):
        try:
            text = str(o)
        except Exception:
            text = None
        return {'str': text, 'hex': bytes(o).hex()}
    if isinstance(o, pikepdf.Array):
        return [conv(x) for x in o]
    if isinstance(o, pikepdf.Stream):
        d = {k: conv(v) for k, v in o.items()}
        d['stream'] = stream_info(o)
        return d
    if isinstance(o, pikepdf.Dictionary):
        return {k: conv(v) for k, v in o.items()}
    return {'other': repr(o)}

def ops(source):
    out = []
    for operands, operator in pikepdf.parse_content_stream(source):
        op = str(operator)
        if op == 'INLINE IMAGE':
            image = operands[0]
            try:
                out.append([[{'inline': {k: conv(v) for k, v in image.obj.items()}}], op])
            except Exception:
                out.append([[{'inline': repr(image)}], op])
        else:
            out.append([[conv(x) for x in operands], op])
    return out

def stream_info(s):
    info = {'raw_size': len(s.read_raw_bytes())}
    if s.get('/Subtype') == '/Form':
        info['ops'] = ops(s)
    if s.objgen in skip:
        return info
    try:
        data = s.read_bytes()
    except Exception as e:
        info['error'] = str(e)
        return info
    info['size'] = len(data)
    if len(data) <= LIMIT:
        info['data'] = base64.b64encode(data).decode()
    return info

objects = {}
for obj in pdf.objects:
    if obj is None or not getattr(obj, 'is_indirect', False):
        continue
    objects['%d %d' % obj.objgen] = conv(obj, top=True)
for page in pdf.pages:
    pages.append({'ref': '%d %d' % page.obj.objgen, 'ops': ops(page)})
json.dump({'objects': objects, 'trailer': conv(pdf.trailer, top=True), 'pages': pages,
           'version': pdf.pdf_version}, sys.stdout)
'''


class Model:
    """A PDF's objects as pikepdf reads them (the last revision): JSON values where a
    name is '/Name', a string {'str', 'hex'}, a reference {'ref': 'n g'}, a stream a dict
    with 'stream': {'raw_size', 'size', 'data' (base64), 'ops' (forms)}."""

    def __init__(self, data, path=''):
        self.path = path
        self.objects = data['objects']
        self.trailer = data['trailer']
        self.pages = data['pages']
        self.version = data.get('version')
        self.page_number = {p['ref']: i for i, p in enumerate(self.pages)}

    def get(self, value):
        """The value, through any references (None for a dangling one)."""
        seen = 0
        while isinstance(value, dict) and set(value) == {'ref'}:
            value = self.objects.get(value['ref'])
            seen += 1
            if seen > 50:
                return None
        return value

    @property
    def root(self):
        return self.get(self.trailer.get('/Root')) or {}

    @property
    def info(self):
        return self.get(self.trailer.get('/Info')) or {}

    def page(self, index):
        return self.get({'ref': self.pages[index]['ref']})

    def page_of(self, value):
        """0-based page index of a page reference, or None."""
        if isinstance(value, dict) and 'ref' in value:
            return self.page_number.get(value['ref'])
        return None

    def inherited(self, index, key):
        node, depth = self.page(index), 0
        while isinstance(node, dict) and depth < 50:
            if key in node:
                return self.get(node[key])
            node, depth = self.get(node.get('/Parent')), depth + 1
        return None

    def resources(self, index):
        return self.inherited(index, '/Resources') or {}

    def values(self):
        """Every direct value in every object and the trailer, depth first: (where, value)."""
        def walk(where, value):
            yield where, value
            if isinstance(value, dict) and 'ref' not in value and 'str' not in value:
                for k, v in value.items():
                    if k != 'stream':
                        yield from walk(f'{where} {k}', v)
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    yield from walk(f'{where}[{i}]', v)
        for num, obj in self.objects.items():
            yield from walk(f'obj {num}', obj)
        yield from walk('trailer', self.trailer)

    def dicts(self):
        return [(w, v) for w, v in self.values() if isinstance(v, dict) and 'ref' not in v
                and 'str' not in v]

    def all_ops(self):
        """(where, operands, operator) of every page's and form XObject's content."""
        for i, page in enumerate(self.pages):
            for operands, op in page['ops']:
                yield f'page {i + 1}', operands, op
        for num, obj in self.objects.items():
            if isinstance(obj, dict) and 'ops' in obj.get('stream', {}):
                for operands, op in obj['stream']['ops']:
                    yield f'form obj {num}', operands, op

    @functools.cached_property
    def marks(self):
        return [page_marks(self, i) for i in range(len(self.pages))]

    @functools.cached_property
    def tree(self):
        return struct_tree(self)


def stream_data(stream):
    """A stream's decoded bytes, or None."""
    data = (stream or {}).get('stream', {}).get('data') if isinstance(stream, dict) else None
    return base64.b64decode(data) if data is not None else None


def text_of(value):
    """A PDF string's text (or a name's, without the slash), else None."""
    if isinstance(value, dict) and 'str' in value:
        return value['str']
    if isinstance(value, str):
        return value[1:] if value.startswith('/') else value
    return None


def bytes_of(value):
    return bytes.fromhex(value['hex']) if isinstance(value, dict) and 'hex' in value else b''


@functools.lru_cache(maxsize=None)
def model(path):
    """The PDF at path read by pikepdf (in Debian's Python) into a Model."""
    if not os.path.exists(PIKEPDF_PYTHON):
        raise Unavailable(f'{PIKEPDF_PYTHON} is missing: Debian\'s python3 with python3-pikepdf')
    done = subprocess.run([PIKEPDF_PYTHON, '-c', DUMP, path], capture_output=True, timeout=TIMEOUT)
    if done.returncode:
        err = done.stderr.decode('utf-8', 'replace')
        if 'No module named' in err:
            raise Unavailable(f'{PIKEPDF_PYTHON} has no pikepdf (apt-get install python3-pikepdf)')
        raise Unavailable(f'pikepdf cannot read {path}: {err.strip()[-600:]}')
    return Model(json.loads(done.stdout), path)


# ---------------------------------------------------------------- marked content

def parse_tounicode(data):
    """A /ToUnicode CMap as {code: text} (bfchar and bfrange entries)."""
    def utf16(hexstr):
        return bytes.fromhex(hexstr).decode('utf-16-be', 'replace')
    text, cmap = data.decode('latin-1'), {}
    for block in re.findall(r'beginbfchar(.*?)endbfchar', text, re.S):
        for src, dst in re.findall(r'<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>', block):
            cmap[int(src, 16)] = utf16(dst)
    for block in re.findall(r'beginbfrange(.*?)endbfrange', text, re.S):
        for lo, hi, dst in re.findall(r'<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])',
                                      block):
            lo, hi = int(lo, 16), int(hi, 16)
            if dst.startswith('['):
                for i, d in enumerate(re.findall(r'<([0-9A-Fa-f]*)>', dst)):
                    cmap[lo + i] = utf16(d)
            else:
                base = bytes.fromhex(dst[1:-1])
                start = int.from_bytes(base, 'big')
                for i in range(hi - lo + 1):
                    cmap[lo + i] = utf16((start + i).to_bytes(len(base), 'big').hex())
    return cmap


class Font:
    """What decoding a font's strings needs: its code width and ToUnicode map."""

    def __init__(self, doc, font):
        font = doc.get(font) or {}
        self.two_bytes = font.get('/Subtype') == '/Type0'
        data = stream_data(doc.get(font.get('/ToUnicode')))
        self.cmap = parse_tounicode(data) if data else {}
        self.mapped = bool(data)

    def decode(self, raw):
        if self.two_bytes:
            codes = [int.from_bytes(raw[i:i + 2], 'big') for i in range(0, len(raw) - 1, 2)]
        else:
            codes = list(raw)
        return ''.join(self.cmap.get(c, '\ufffd') for c in codes)


TEXT_OPS = ('Tj', 'TJ', "'", '"')
Frame = namedtuple('Frame', 'tag mcid')


class PageMarks:
    """One page's marked content: text per MCID (in order), artifact text, images drawn in
    each MCID, and what is wrong with the marking."""

    def __init__(self):
        self.mcid_text = {}
        self.artifacts = []
        self.images = []          # (xobject name, Frame or None)
        self.problems = []

    def artifact_text(self):
        return squash(''.join(self.artifacts))


def shown_text(font, operands, op):
    if op == 'TJ':
        parts = operands[0] if operands and isinstance(operands[0], list) else []
        return ''.join(font.decode(bytes_of(p)) for p in parts if isinstance(p, dict))
    return font.decode(bytes_of(operands[-1])) if operands else ''


def page_marks(doc, index):
    """Walk one page's content: every text-showing operator must be in exactly one marked-
    content sequence, an /Artifact without MCID or one with an MCID; no MCID twice."""
    marks, where = PageMarks(), f'page {index + 1}'
    res = doc.resources(index)
    fonts_res = doc.get(res.get('/Font')) or {}
    props_res = doc.get(res.get('/Properties')) or {}
    xobjects = doc.get(res.get('/XObject')) or {}
    fonts, stack, gstack, font_name = {}, [], [], None
    for operands, op in doc.pages[index]['ops']:
        if op == 'BMC':
            stack.append(Frame(operands[0] if operands else None, None))
        elif op == 'BDC':
            props = operands[1] if len(operands) > 1 else {}
            if isinstance(props, str):
                props = doc.get(props_res.get(props)) or {}
            props = doc.get(props) or {}
            mcid = props.get('/MCID') if isinstance(props, dict) else None
            tag = operands[0] if operands else None
            if mcid is not None:
                if mcid in marks.mcid_text:
                    marks.problems.append(f'{where}: MCID {mcid} is used twice')
                marks.mcid_text.setdefault(mcid, '')
                if tag == '/Artifact':
                    marks.problems.append(f'{where}: /Artifact sequence with MCID {mcid}')
            stack.append(Frame(tag, mcid))
        elif op == 'EMC':
            if not stack:
                marks.problems.append(f'{where}: EMC without a BMC/BDC')
            else:
                stack.pop()
        elif op == 'q':
            gstack.append(font_name)
        elif op == 'Q':
            font_name = gstack.pop() if gstack else font_name
        elif op == 'Tf':
            font_name = operands[0] if operands else None
        elif op == 'Do' and operands:
            xo = doc.get(xobjects.get(operands[0])) or {}
            if xo.get('/Subtype') == '/Image':
                marks.images.append((operands[0], stack[0] if len(stack) == 1 else None))
        elif op in TEXT_OPS:
            if font_name not in fonts:
                fonts[font_name] = Font(doc, fonts_res.get(font_name))
            text = shown_text(fonts[font_name], operands, op)
            if len(stack) != 1:
                marks.problems.append(f'{where}: {op} 「{text}」 at marked-content depth '
                                      f'{len(stack)} ({"/".join(str(f.tag) for f in stack)}), not 1')
                continue
            frame = stack[0]
            if frame.tag == '/Artifact':
                marks.artifacts.append(text)
            elif frame.mcid is None:
                marks.problems.append(f'{where}: {op} 「{text}」 in {frame.tag} without an MCID')
            else:
                marks.mcid_text[frame.mcid] += text
    if stack:
        marks.problems.append(f'{where}: {len(stack)} marked-content sequence(s) never closed')
    return marks


# ---------------------------------------------------------------- the structure tree

Mcr = namedtuple('Mcr', 'page mcid')          # 0-based page


class Elem:
    """A structure element: its type (the /S name, no slash), dictionary, reference (None
    when direct), parent, page (/Pg, inherited), and kids: Elems and Mcrs, in order."""

    def __init__(self, doc, d, ref, parent):
        self.doc, self.dict, self.ref, self.parent = doc, d, ref, parent
        self.type = text_of(d.get('/S')) or ''
        pg = doc.page_of(d.get('/Pg'))
        self.page = pg if pg is not None else (parent.page if parent else None)
        self.kids = []

    def __repr__(self):
        return f'<{self.type} {self.ref}>'

    def elems(self, *types):
        return [k for k in self.kids if isinstance(k, Elem) and (not types or k.type in types)]

    def walk(self):
        yield self
        for k in self.elems():
            yield from k.walk()

    def mcrs(self, deep=True):
        for k in self.kids:
            if isinstance(k, Mcr):
                yield k
            elif deep:
                yield from k.mcrs()

    def text(self):
        marks = self.doc.marks
        parts = []
        for k in self.kids:
            if isinstance(k, Mcr):
                if k.page is not None and 0 <= k.page < len(marks):
                    parts.append(marks[k.page].mcid_text.get(k.mcid, ''))
            else:
                parts.append(k.text())
        return squash(''.join(parts))

    def pages(self):
        return sorted({m.page for m in self.mcrs() if m.page is not None})

    def attrs(self):
        """The element's attributes merged from /A (a dict or an array of dicts and
        revision numbers), each as (owner, key): value."""
        a = self.doc.get(self.dict.get('/A'))
        found = {}
        for item in (a if isinstance(a, list) else [a]):
            item = self.doc.get(item)
            if isinstance(item, dict):
                owner = item.get('/O')
                for k, v in item.items():
                    if k != '/O':
                        found[owner, k] = v
        return found

    def attr(self, key, owner='/Table'):
        return self.attrs().get((owner, key))


class Tree:
    def __init__(self, doc, root_dict, top):
        self.doc, self.dict, self.top = doc, root_dict, top
        self.problems = []

    def all(self):
        return [e for t in self.top for e in t.walk()]


def struct_tree(doc):
    """The /StructTreeRoot's elements (None when there is none)."""
    root = doc.get(doc.root.get('/StructTreeRoot'))
    if not isinstance(root, dict):
        return None
    tree = Tree(doc, root, [])
    seen = set()

    def kids(value):
        """/K as a list of kids: an array (perhaps referenced) or one kid."""
        resolved = doc.get(value) if isinstance(value, dict) and 'ref' in value else value
        if isinstance(resolved, list):
            return resolved
        return [] if value is None else [value]

    def build(ref_or_dict, parent):
        ref = ref_or_dict.get('ref') if isinstance(ref_or_dict, dict) and 'ref' in ref_or_dict else None
        if ref is not None:
            if ref in seen:
                tree.problems.append(f'element {ref} is reached twice')
                return None
            seen.add(ref)
        d = doc.get(ref_or_dict)
        if not isinstance(d, dict):
            tree.problems.append(f'structure kid {ref_or_dict!r} is not a dictionary')
            return None
        elem = Elem(doc, d, ref, parent)
        for kid in kids(d.get('/K')):
            if isinstance(kid, int):
                elem.kids.append(Mcr(elem.page, kid))
                continue
            kd = doc.get(kid)
            if not isinstance(kd, dict):
                tree.problems.append(f'{elem}: kid {kid!r} is neither an MCID nor a dictionary')
            elif '/MCID' in kd:
                pg = doc.page_of(kd.get('/Pg'))
                elem.kids.append(Mcr(pg if pg is not None else elem.page, kd['/MCID']))
            elif kd.get('/Type') == '/OBJR' or '/Obj' in kd:
                continue
            else:
                child = build(kid, elem)
                if child is not None:
                    elem.kids.append(child)
        return elem

    for kid in kids(root.get('/K')):
        e = build(kid, None)
        if e is not None:
            tree.top.append(e)
    return tree


def number_tree(doc, node, depth=0):
    """A number tree as {key: value}."""
    node = doc.get(node)
    found = {}
    if not isinstance(node, dict) or depth > 30:
        return found
    nums = doc.get(node.get('/Nums')) or []
    for k, v in zip(nums[::2], nums[1::2]):
        found[k] = v
    for kid in doc.get(node.get('/Kids')) or []:
        found.update(number_tree(doc, kid, depth + 1))
    return found


def parent_tree_problems(doc):
    """Every MCID in the content maps, through the page's /StructParents entry of the
    /ParentTree, to an element that has it as a kid on that page; every MCR of the tree is
    in the content; no content item belongs to two elements."""
    tree = doc.tree
    if tree is None:
        return ['no /StructTreeRoot']
    problems = list(tree.problems)
    parents = number_tree(doc, tree.dict.get('/ParentTree'))
    if not parents:
        problems.append('/StructTreeRoot has no /ParentTree number tree (or it is empty)')
    owner = {}
    for e in tree.all():
        for m in e.mcrs(deep=False):
            if m in owner:
                problems.append(f'page {m.page + 1 if m.page is not None else "?"} MCID {m.mcid} '
                                f'belongs to {owner[m]} and {e}')
            owner[m] = e
            if m.page is None:
                problems.append(f'{e}: MCID {m.mcid} with no /Pg')
            elif m.mcid not in doc.marks[m.page].mcid_text:
                problems.append(f'{e} 「{e.text()[:20]}」: page {m.page + 1} MCID {m.mcid} is not '
                                f'in the page\'s content')
    for i, marks in enumerate(doc.marks):
        page = doc.page(i)
        sp = page.get('/StructParents')
        if sp is None:
            problems.append(f'page {i + 1} has no /StructParents')
            continue
        entry = doc.get(parents.get(sp))
        if not isinstance(entry, list):
            problems.append(f'page {i + 1}: /ParentTree has no array for /StructParents {sp}')
            continue
        for mcid in sorted(marks.mcid_text):
            e = owner.get(Mcr(i, mcid))
            target = entry[mcid] if 0 <= mcid < len(entry) else None
            if e is None:
                problems.append(f'page {i + 1} MCID {mcid} 「{marks.mcid_text[mcid][:20]}」 belongs '
                                f'to no element of the tree')
            elif not (isinstance(target, dict) and target.get('ref') == e.ref and e.ref):
                problems.append(f'page {i + 1} MCID {mcid}: /ParentTree[{sp}][{mcid}] is {target!r}, '
                                f'the element holding it is {e}')
    return problems


def struct_text(pdf):
    """`pdfinfo -struct-text`: [(depth, line)] of its output, indentation counted."""
    out = tool('pdfinfo', '-struct-text', pdf)
    lines = []
    for line in out.splitlines():
        if line.strip():
            lines.append((len(line) - len(line.lstrip(' ')), line.strip()))
    return lines


# ---------------------------------------------------------------- hand-made PDFs (self-checks)

def write_pdf(objects, root=1, header=b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', trailer=b'', tail=b''):
    """A PDF file's bytes from {number: body} (the text between 'n 0 obj' and 'endobj'),
    with a correct cross-reference table."""
    out, offsets = bytearray(header), {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b'%d 0 obj\n' % num + objects[num] + b'\nendobj\n'
    size = max(objects) + 1
    xref = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % size
    for num in range(1, size):
        out += b'%010d 00000 n \n' % offsets[num] if num in offsets else b'0000000000 00001 f \n'
    out += b'trailer\n<< /Size %d /Root %d 0 R %s >>\nstartxref\n%d\n%%%%EOF\n' % (size, root, trailer, xref)
    return bytes(out) + tail


def pdf_stream(data, extra=b''):
    return b'<< /Length %d %s >>\nstream\n' % (len(data), extra) + data + b'\nendstream'


HAND_CHARS = '一、总体情况甲乙续表—'     # codes 1…, as bfchar entries
HAND_DIGITS = 0x100                      # codes 0x100… are 0-9, one bfrange entry


def hand_codes(text):
    return '<' + ''.join('%04X' % (HAND_DIGITS + int(ch) if ch.isdigit() else HAND_CHARS.index(ch) + 1)
                         for ch in text) + '>'


def hand_font_objects(first):
    """A Type0 font (not embedded) with a ToUnicode map: objects first…first+3."""
    cmap = ('/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Hand def\n'
            '1 begincodespacerange <0000> <FFFF> endcodespacerange\n'
            f'{len(HAND_CHARS)} beginbfchar\n'
            + ''.join(f'<{i + 1:04X}> <{ord(ch):04X}>\n' for i, ch in enumerate(HAND_CHARS))
            + f'endbfchar\n1 beginbfrange\n<{HAND_DIGITS:04X}> <{HAND_DIGITS + 9:04X}> <0030>\n'
            'endbfrange\nendcmap CMapName currentdict /CMap defineresource pop end end\n')
    f = first
    return {
        f: b'<< /Type /Font /Subtype /Type0 /BaseFont /Hand /Encoding /Identity-H '
           b'/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>' % (f + 1, f + 2),
        f + 1: b'<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Hand /CIDSystemInfo '
               b'<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R '
               b'/CIDToGIDMap /Identity >>' % (f + 3),
        f + 2: pdf_stream(cmap.encode()),
        f + 3: b'<< /Type /FontDescriptor /FontName /Hand /Flags 4 /FontBBox [0 0 1000 1000] '
               b'/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>',
    }


def hand_tagged_pdf(broken=False):
    """Two pages: an H1 and a one-column table whose header cell is on page 1 and its
    number cell on page 2, under 续表 and the header repeated (artifacts); page numbers as
    artifacts. Broken: text outside any sequence, an MCID twice, a /ParentTree entry wrong."""
    def text(s, y):
        return f'BT /F1 10 Tf 10 {y} Td {hand_codes(s)} Tj ET\n'
    page1 = ('/H1 <</MCID 0>> BDC ' + text('一、总体情况', 180) + 'EMC\n'
             '/TH <</MCID 1>> BDC BT /F1 10 Tf 10 150 Td [' + hand_codes('甲') + ' -50 '
             + hand_codes('乙') + '] TJ ET EMC\n'
             '/Artifact BMC ' + text('—1—', 10) + 'EMC\n'
             '/Artifact BMC 0 0 m 100 0 l S EMC\n')
    page2 = ('/Artifact BMC ' + text('续表', 190) + text('甲乙', 170) + 'EMC\n'
             '/TD <</MCID 0>> BDC ' + text('12', 150) + 'EMC\n'
             '/Artifact <</Type /Pagination>> BDC ' + text('—2—', 10) + 'EMC\n')
    if broken:
        page1 += text('总', 100)                                   # outside any sequence
        page2 += '/P <</MCID 0>> BDC ' + text('体', 120) + 'EMC\n'   # MCID 0 again
    objs = {
        1: b'<< /Type /Catalog /Pages 2 0 R /MarkInfo << /Marked true >> /Lang (zh-CN) '
           b'/StructTreeRoot 10 0 R >>',
        2: b'<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /Resources << /Font << /F1 5 0 R >> >> >>',
        3: b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 20 0 R /StructParents 0 >>',
        4: b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 21 0 R /StructParents 1 >>',
        10: b'<< /Type /StructTreeRoot /K 11 0 R /ParentTree 30 0 R /ParentTreeNextKey 2 '
            b'/RoleMap << /Title /P >> >>',
        11: b'<< /Type /StructElem /S /Document /P 10 0 R /K [12 0 R 13 0 R] >>',
        12: b'<< /Type /StructElem /S /H1 /P 11 0 R /Pg 3 0 R /K 0 >>',
        13: b'<< /Type /StructElem /S /Table /P 11 0 R /K [14 0 R 15 0 R] >>',
        14: b'<< /Type /StructElem /S /TR /P 13 0 R /K 16 0 R >>',
        15: b'<< /Type /StructElem /S /TR /P 13 0 R /K [17 0 R] >>',
        16: b'<< /Type /StructElem /S /TH /P 14 0 R /Pg 3 0 R /K [1] /A << /O /Table /Scope /Column >> >>',
        17: b'<< /Type /StructElem /S /TD /P 15 0 R /K << /Type /MCR /Pg 4 0 R /MCID 0 >> >>',
        20: pdf_stream(page1.encode()),
        21: pdf_stream(page2.encode()),
        30: b'<< /Nums [0 31 0 R 1 [17 0 R]] >>',
        31: b'[16 0 R 12 0 R]' if broken else b'[12 0 R 16 0 R]',
    }
    objs.update(hand_font_objects(5))
    return write_pdf(objs)


# ---------------------------------------------------------------- DER

OID = {
    'data': '1.2.840.113549.1.7.1', 'signedData': '1.2.840.113549.1.7.2',
    'contentType': '1.2.840.113549.1.9.3', 'messageDigest': '1.2.840.113549.1.9.4',
    'signingTime': '1.2.840.113549.1.9.5', 'signingCertificateV2': '1.2.840.113549.1.9.16.2.47',
    'signingCertificate': '1.2.840.113549.1.9.16.2.12',
    'sha256': '2.16.840.1.101.3.4.2.1',
    'rsaEncryption': '1.2.840.113549.1.1.1', 'sha256WithRSA': '1.2.840.113549.1.1.11',
    'ecdsaWithSHA256': '1.2.840.10045.4.3.2',
    'localKeyId': '1.2.840.113549.1.9.21', 'x509Certificate': '1.2.840.113549.1.9.22.1',
    'pkcs8ShroudedKeyBag': '1.2.840.113549.1.12.10.1.2', 'certBag': '1.2.840.113549.1.12.10.1.3',
}
OID_NAME = {v: k for k, v in OID.items()}


def der(tag, content):
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        body = n.to_bytes((n.bit_length() + 7) // 8, 'big')
        length = bytes([0x80 | len(body)]) + body
    return bytes([tag]) + length + content


def der_seq(*items):
    return der(0x30, b''.join(items))


def der_set(*items):
    return der(0x31, b''.join(sorted(items)))


def der_oid(dotted):
    parts = [int(p) for p in dotted.split('.')]
    body = bytearray([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7f]
        while p > 0x7f:
            p >>= 7
            chunk.append(0x80 | (p & 0x7f))
        body += bytes(reversed(chunk))
    return der(0x06, bytes(body))


def der_int(n):
    return der(0x02, n.to_bytes(n.bit_length() // 8 + 1, 'big'))


def der_octets(data):
    return der(0x04, data)


def der_explicit(n, content):
    return der(0xa0 + n, content)


def der_read(data, pos=0):
    """(tag, content, end) of the TLV at pos; ValueError when it is not DER."""
    if pos + 2 > len(data):
        raise ValueError(f'truncated at {pos}')
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first == 0x80:
        raise ValueError(f'indefinite length at {pos - 2} (BER, not DER)')
    if first & 0x80:
        n = first & 0x7f
        length = int.from_bytes(data[pos:pos + n], 'big')
        pos += n
    else:
        length = first
    if pos + length > len(data):
        raise ValueError(f'length {length} at {pos} runs past the end ({len(data)})')
    return tag, data[pos:pos + length], pos + length


def der_items(content):
    """[(tag, content)] of the TLVs one after another in content."""
    items, pos = [], 0
    while pos < len(content):
        tag, body, pos = der_read(content, pos)
        items.append((tag, body))
    return items


def oid_of(body):
    values, n = [], 0
    for b in body:
        n = (n << 7) | (b & 0x7f)
        if not b & 0x80:
            values.append(n)
            n = 0
    first = values[0]
    return '.'.join(str(v) for v in [min(first // 40, 2), first - 40 * min(first // 40, 2)] + values[1:])


def der_total(data):
    """Length of the outer TLV at the start of data (the rest is padding)."""
    return der_read(data, 0)[2]


# ---------------------------------------------------------------- test certificates

CA_CONFIG = '''\
[ca]
default_ca = CA_default
[CA_default]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[policy_any]
commonName = supplied
organizationName = optional
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_leaf]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[req]
distinguished_name = dn
[dn]
'''

# Every certificate (the CA's too) is valid 2020–2099, so that whichever moment nianbao or a
# reader checks it at (now, or the fixed --sign-time in 2025) it is valid; the two bad
# ones are outside that on either side.
VALID = ('20200101000000Z', '20991231235959Z')
DATES = {'rsa': VALID, 'ec': VALID, 'expired': ('20000101000000Z', '20010101000000Z'),
         'future': ('20990101000000Z', '21001231235959Z'), 'other': VALID}
Certs = namedtuple('Certs', 'dir ca pwfile p12 pem key')


def p12_kdf(password, salt, purpose, iterations, n):
    """RFC 7292 appendix B.2 with SHA-256 (u = 32, v = 64); password a BMPString with its
    two zero bytes."""
    u, v = 32, 64

    def fill(b):
        if not b:
            return b''
        length = v * ((len(b) + v - 1) // v)
        return (b * (length // len(b) + 1))[:length]
    d, i, out = bytes([purpose]) * v, fill(salt) + fill(password), b''
    while len(out) < n:
        a = hashlib.sha256(d + i).digest()
        for _ in range(iterations - 1):
            a = hashlib.sha256(a).digest()
        out += a
        b = int.from_bytes((a * (v // u + 1))[:v], 'big') + 1
        i = b''.join(((int.from_bytes(i[j:j + v], 'big') + b) % (1 << (8 * v))).to_bytes(v, 'big')
                     for j in range(0, len(i), v))
    return out[:n]


def build_p12(path, key_pem, cert_pem, pwfile, password=PASSWORD):
    """A PKCS#12 file holding this key and this certificate, under one localKeyId, whatever
    they are: `openssl pkcs12 -export` (and PKCS12_create under it) refuses a key that does
    not match the certificate, so the PFX is put together here. The key bag is openssl's
    own PBES2/AES-256 EncryptedPrivateKeyInfo; the certificate bag is plain (as with
    -certpbe NONE); the MAC is HMAC-SHA256 with the PKCS#12 key derivation."""
    epki = tool('openssl', 'pkcs8', '-topk8', '-in', key_pem, '-v2', 'aes-256-cbc', '-v2prf',
                'hmacWithSHA256', '-iter', '2048', '-passout', 'file:' + pwfile, '-outform', 'DER',
                binary=True)
    cert = tool('openssl', 'x509', '-in', cert_pem, '-outform', 'DER', binary=True)
    attrs = der_set(der_seq(der_oid(OID['localKeyId']), der_set(der_octets(hashlib.sha1(cert).digest()))))
    key_bag = der_seq(der_oid(OID['pkcs8ShroudedKeyBag']), der_explicit(0, epki), attrs)
    cert_bag = der_seq(der_oid(OID['certBag']), der_explicit(0, der_seq(
        der_oid(OID['x509Certificate']), der_explicit(0, der_octets(cert)))), attrs)
    safe = der_octets(der_seq(key_bag, cert_bag))
    auth_safe = der_seq(der_seq(der_oid(OID['data']), der_explicit(0, safe)))
    salt, iterations = b'nianbao!', 2048
    mac_key = p12_kdf(password.encode('utf-16-be') + b'\0\0', salt, 3, iterations, 32)
    mac = hmac.new(mac_key, auth_safe, hashlib.sha256).digest()
    mac_data = der_seq(der_seq(der_seq(der_oid(OID['sha256']), b'\x05\x00'), der_octets(mac)),
                       der_octets(salt), der_int(iterations))
    pfx = der_seq(der_int(3), der_seq(der_oid(OID['data']), der_explicit(0, der_octets(auth_safe))), mac_data)
    with open(path, 'wb') as f:
        f.write(pfx)


@functools.lru_cache(maxsize=None)
def certs():
    """The test certificates, made once per run in <workdir>/certs: a CA; leaves signed by
    it (rsa: RSA-2048, ec: ECDSA P-256, expired, future: not yet valid, other: a second RSA
    key); a PKCS#12 of each (password PASSWORD, OpenSSL 3's defaults: PBES2 AES-256-CBC,
    MAC SHA-256); mismatch.p12 (rsa's certificate with other's key) and, made the same way
    to show that way works, matched.p12 (rsa's own pair)."""
    need('openssl')
    d = os.path.join(workdir(), 'certs')
    if os.path.isdir(d) and os.path.exists(os.path.join(d, 'done')):
        return certs_in(d)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)

    def ssl(*args):
        done = subprocess.run(['openssl', *args], cwd=d, capture_output=True, timeout=TIMEOUT)
        if done.returncode:
            raise Unavailable(f'openssl {" ".join(args)}: {done.stderr.decode("utf-8", "replace")[-500:]}')
    with open(os.path.join(d, 'ca.cnf'), 'w') as f:
        f.write(CA_CONFIG)
    open(os.path.join(d, 'index.txt'), 'w').close()
    with open(os.path.join(d, 'serial'), 'w') as f:
        f.write('1000\n')
    with open(os.path.join(d, 'pw.txt'), 'w', encoding='utf-8') as f:
        f.write(PASSWORD + '\n')
    ssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'ca.key')
    ssl('req', '-new', '-key', 'ca.key', '-subj', '/CN=nianbao test CA', '-out', 'ca.csr',
        '-config', 'ca.cnf')
    ssl('ca', '-config', 'ca.cnf', '-batch', '-selfsign', '-keyfile', 'ca.key', '-in', 'ca.csr',
        '-out', 'ca.pem', '-startdate', VALID[0], '-enddate', VALID[1], '-extensions', 'v3_ca', '-notext')
    for name, (start, end) in DATES.items():
        if name == 'ec':
            ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ec.key')
        else:
            ssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', f'{name}.key')
        ssl('req', '-new', '-key', f'{name}.key', '-utf8', '-subj',
            f'/CN=东关街道（{name} 测试）/O=瀍河回族区东关街道办事处', '-out', f'{name}.csr',
            '-config', 'ca.cnf')
        ssl('ca', '-config', 'ca.cnf', '-batch', '-utf8', '-cert', 'ca.pem', '-keyfile', 'ca.key',
            '-in', f'{name}.csr', '-out', f'{name}.pem', '-startdate', start, '-enddate', end,
            '-extensions', 'v3_leaf', '-notext')
        ssl('pkcs12', '-export', '-in', f'{name}.pem', '-inkey', f'{name}.key', '-certfile', 'ca.pem',
            '-name', 'signer', '-out', f'{name}.p12', '-passout', 'file:pw.txt')
    build_p12(os.path.join(d, 'mismatch.p12'), os.path.join(d, 'other.key'), os.path.join(d, 'rsa.pem'),
              os.path.join(d, 'pw.txt'))
    build_p12(os.path.join(d, 'matched.p12'), os.path.join(d, 'rsa.key'), os.path.join(d, 'rsa.pem'),
              os.path.join(d, 'pw.txt'))
    shutil.copy(os.path.join(d, 'ca.pem'), os.path.join(d, 'garbage.p12'))   # PEM text, not PKCS#12
    with open(os.path.join(d, 'wrong-pw.txt'), 'w', encoding='utf-8') as f:
        f.write('测试密码124\n')
    with open(os.path.join(d, 'pw-two-lines.txt'), 'w', encoding='utf-8') as f:
        f.write(PASSWORD + '\nthis second line is not part of the password\n')
    with open(os.path.join(d, 'pw-notepad.txt'), 'w', encoding='utf-8-sig', newline='\r\n') as f:
        f.write(PASSWORD + '\n')   # as Windows Notepad saves it: a BOM and CRLF
    open(os.path.join(d, 'done'), 'w').close()
    return certs_in(d)


def certs_in(d):
    names = list(DATES) + ['mismatch', 'matched', 'garbage']
    return Certs(d, os.path.join(d, 'ca.pem'), os.path.join(d, 'pw.txt'),
                 {n: os.path.join(d, n + '.p12') for n in names},
                 {n: os.path.join(d, n + '.pem') for n in DATES},
                 {n: os.path.join(d, n + '.key') for n in DATES})


def sign_options(kind='rsa', *extra, pwfile=None):
    c = certs()
    return ('--sign', c.p12[kind], '--sign-pass-file', pwfile or c.pwfile, '--sign-time', SIGN_TIME,
            *extra)


@functools.lru_cache(maxsize=None)
def nss_db(with_ca):
    """A throw-away NSS database, empty or with the test CA trusted."""
    need('certutil')
    d = fresh_dir('nss-ca' if with_ca else 'nss-empty')
    tool('certutil', '-N', '--empty-password', '-d', 'sql:' + d)
    if with_ca:
        tool('certutil', '-A', '-n', 'nianbao test CA', '-t', 'CT,C,C', '-i', certs().ca, '-d', 'sql:' + d)
    return d


# ---------------------------------------------------------------- reading a signature

def pdfsig(pdf, trusted=False):
    """pdfsig's report as [{field: value, …, 'flags': {lines without a colon}}] per
    signature (pdfsig's exit status says nothing useful: only its text is read)."""
    out = tool('pdfsig', '-nssdir', 'sql:' + nss_db(trusted), pdf, ok=None)
    sigs = []
    for line in out.splitlines():
        if re.match(r'^Signature #\d+:', line):
            sigs.append({'flags': set()})
        elif sigs and re.match(r'^\s+- ', line):
            item = line.strip()[2:].strip()
            key, colon, value = item.partition(': ')
            if colon:
                sigs[-1][key.strip()] = value.strip()
            else:
                sigs[-1]['flags'].add(item)
    return sigs, out


ByteRange = namedtuple('ByteRange', 'a b c d')


def byte_range(raw):
    """The last /ByteRange in the file's bytes."""
    found = re.findall(rb'/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]', raw)
    if not found:
        raise AssertionError('no /ByteRange [a b c d] in the file')
    return ByteRange(*(int(x) for x in found[-1]))


def signed_bytes(raw, br):
    return raw[br.a:br.a + br.b] + raw[br.c:br.c + br.d]


def cms_der(raw, br):
    """The CMS in /Contents <hex> between the two ranges, its zero padding cut off by the
    outer SEQUENCE's DER length."""
    hexed = raw[br.a + br.b:br.c]
    if not re.fullmatch(rb'<[0-9A-Fa-f]*>', hexed):
        raise AssertionError(f'the bytes between the ranges are not one <hex string>: '
                             f'{hexed[:40]!r}…{hexed[-40:]!r}')
    data = bytes.fromhex(hexed[1:-1].decode())
    n = der_total(data)
    if data[n:].strip(b'\0'):
        raise AssertionError(f'/Contents: non-zero bytes after the CMS ({n} of {len(data)} bytes)')
    return data[:n]


def cms_facts(cms):
    """What a CMS SignedData says about itself: {'content_type', 'econtent', 'digest_algs',
    'certs', 'signers': [{'digest_alg', 'sig_alg', 'signed': {oid: [values]}, 'unsigned':
    {oid: [values]}}]}. ValueError when it is not such a structure."""
    items = der_items(cms)
    if len(items) != 1 or items[0][0] != 0x30:
        raise ValueError('not one SEQUENCE')
    ci = der_items(items[0][1])
    facts = {'content_type': oid_of(ci[0][1])}
    sd = der_items(der_items(ci[1][1])[0][1])        # [0] EXPLICIT SignedData
    facts['digest_algs'] = [oid_of(der_items(a)[0][1]) for _, a in der_items(sd[1][1])]
    encap = der_items(sd[2][1])
    facts['econtent_type'] = oid_of(encap[0][1])
    facts['econtent'] = len(encap) > 1
    facts['certs'] = any(tag == 0xa0 for tag, _ in sd[3:])
    facts['signers'] = []
    for _, si in der_items(sd[-1][1]):
        fields = der_items(si)
        signer = {'digest_alg': oid_of(der_items(fields[2][1])[0][1]), 'signed': {}, 'unsigned': {}}
        rest = fields[3:]
        if rest and rest[0][0] == 0xa0:
            signer['signed'] = attributes(rest[0][1])
            rest = rest[1:]
        signer['sig_alg'] = oid_of(der_items(rest[0][1])[0][1])
        if len(rest) > 2 and rest[2][0] == 0xa1:
            signer['unsigned'] = attributes(rest[2][1])
        facts['signers'].append(signer)
    return facts


def attributes(content):
    found = {}
    for _, attr in der_items(content):
        parts = der_items(attr)
        found.setdefault(oid_of(parts[0][1]), []).extend(der_items(parts[1][1]))
    return found


def cms_problems(cms, content, sig_algs):
    """Everything in which a CMS is not PAdES B-B over `content`: SignedData, detached,
    SHA-256, one signer whose signed attributes are contentType (id-data), messageDigest
    (of content), signingCertificateV2 and no signingTime, signed with one of sig_algs."""
    try:
        f = cms_facts(cms)
    except (ValueError, IndexError) as e:
        return [f'the CMS cannot be read: {e}']
    problems = []
    if f['content_type'] != OID['signedData']:
        problems.append(f'content type {f["content_type"]}, not signedData')
    if f['econtent_type'] != OID['data'] or f['econtent']:
        problems.append(f'encapsulated content {f["econtent_type"]} '
                        f'{"with" if f["econtent"] else "without"} eContent: PAdES wants id-data, detached')
    if OID['sha256'] not in f['digest_algs']:
        problems.append(f'digestAlgorithms {f["digest_algs"]}: no SHA-256')
    if not f['certs']:
        problems.append('no certificates in the SignedData (the signer\'s is needed)')
    if len(f['signers']) != 1:
        return problems + [f'{len(f["signers"])} SignerInfos, expected 1']
    s = f['signers'][0]
    names = sorted(OID_NAME.get(o, o) for o in s['signed'])
    if s['digest_alg'] != OID['sha256']:
        problems.append(f'signer digest algorithm {s["digest_alg"]}, not SHA-256')
    if s['sig_alg'] not in [OID[a] for a in sig_algs]:
        problems.append(f'signature algorithm {OID_NAME.get(s["sig_alg"], s["sig_alg"])}, expected '
                        f'one of {sig_algs}')
    for need_oid in ('contentType', 'messageDigest', 'signingCertificateV2'):
        if OID[need_oid] not in s['signed']:
            problems.append(f'signed attributes {names}: no {need_oid}')
    for attrs, where in ((s['signed'], 'signed'), (s['unsigned'], 'unsigned')):
        if OID['signingTime'] in attrs:
            problems.append(f'{where} attributes hold a signingTime (PAdES B-B: the time is /M)')
    ct = s['signed'].get(OID['contentType'])
    if ct and oid_of(ct[0][1]) != OID['data']:
        problems.append(f'contentType attribute {oid_of(ct[0][1])}, not id-data')
    md = s['signed'].get(OID['messageDigest'])
    if md and md[0][1] != hashlib.sha256(content).digest():
        problems.append('messageDigest is not the SHA-256 of the signed byte ranges')
    return problems


def cms_verify(cms, content, name):
    """openssl cms -verify -cades of a detached CMS over content, trusting the test CA."""
    d = fresh_dir('cms-' + name)
    sig, data = os.path.join(d, 'sig.der'), os.path.join(d, 'signed.bin')
    with open(sig, 'wb') as f:
        f.write(cms)
    with open(data, 'wb') as f:
        f.write(content)
    return tool_run('openssl', 'cms', '-verify', '-cades', '-binary', '-inform', 'DER', '-in', sig,
                    '-content', data, '-CAfile', certs().ca, '-purpose', 'any', '-out', os.devnull)


def cms_print(cms, name):
    d = fresh_dir('cmsprint-' + name)
    sig = os.path.join(d, 'sig.der')
    with open(sig, 'wb') as f:
        f.write(cms)
    return tool('openssl', 'cms', '-cmsout', '-print', '-inform', 'DER', '-in', sig)


def hand_signed_pdf(name):
    """A one-page PDF signed here the way PAdES wants (placeholder /Contents, /ByteRange,
    a detached CMS from `openssl cms -sign -cades`, which also adds a signingTime): to show
    the readers above work. Returns its path."""
    c = certs()
    hexlen = 16384
    objs = {
        1: b'<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] /SigFlags 3 >> >>',
        2: b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        3: b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Annots [5 0 R] >>',
        4: pdf_stream(b'0 0 1 rg 20 20 100 100 re f\n'),
        5: b'<< /Type /Annot /Subtype /Widget /FT /Sig /T (Sig1) /Rect [20 20 120 120] /F 4 '
           b'/P 3 0 R /V 6 0 R /AP << /N 7 0 R >> >>',
        6: b'<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M (D:20250120090000Z) '
           b'/ByteRange [0 0000000000 0000000000 0000000000] /Contents <' + b'0' * hexlen + b'> >>',
        7: pdf_stream(b'', b'/Type /XObject /Subtype /Form /BBox [0 0 100 100]'),
    }
    raw = bytearray(write_pdf(objs))
    b = raw.index(b'/Contents <') + len(b'/Contents ')
    cpos = b + hexlen + 2
    placeholder = b'[0 0000000000 0000000000 0000000000]'
    at = raw.index(placeholder)
    raw[at:at + len(placeholder)] = b'[0 %010d %010d %010d]' % (b, cpos, len(raw) - cpos)
    br = ByteRange(0, b, cpos, len(raw) - cpos)
    d = fresh_dir('handsig-' + name)
    content = os.path.join(d, 'content.bin')
    with open(content, 'wb') as f:
        f.write(signed_bytes(bytes(raw), br))
    sig = tool('openssl', 'cms', '-sign', '-binary', '-cades', '-nosmimecap', '-md', 'sha256',
               '-in', content, '-signer', c.pem['rsa'], '-inkey', c.key['rsa'], '-outform', 'DER',
               binary=True)
    raw[b + 1:b + 1 + 2 * len(sig)] = sig.hex().encode()
    path = os.path.join(d, 'signed.pdf')
    with open(path, 'wb') as f:
        f.write(raw)
    return path


def flip_byte_in_stream(raw, limit):
    """A copy of the file with one byte changed in the middle of the first stream's data
    that lies before offset limit (inside the first signed range)."""
    m = re.search(rb'stream\r?\n', raw)
    while m:
        end = raw.find(b'endstream', m.end())
        if end < 0 or end > limit:
            break
        if end - m.end() > 4:
            pos = (m.end() + end) // 2
            return raw[:pos] + bytes([raw[pos] ^ 0x20]) + raw[pos + 1:], pos
        m = re.compile(rb'stream\r?\n').search(raw, end + 9)
    raise AssertionError(f'no stream data before offset {limit}')


# ---------------------------------------------------------------- PDF/A-2b

def header_problems(raw):
    """ISO 19005-2 6.1.2: %PDF-1.n, then at once a comment of at least four bytes > 127."""
    m = re.match(rb'%PDF-(\d)\.(\d)(\r\n|\r|\n)', raw)
    if not m:
        return [f'the file does not start with %PDF-1.n and an end of line: {raw[:12]!r}']
    problems = []
    if (int(m.group(1)), int(m.group(2))) > (1, 7):
        problems.append(f'header version {m.group(1).decode()}.{m.group(2).decode()} (PDF/A-2: at most 1.7)')
    if not re.match(rb'%[\x80-\xff]{4,}(\r\n|\r|\n)', raw[m.end():]):
        problems.append(f'the line after the header is not a comment of four or more bytes > 127: '
                        f'{raw[m.end():m.end() + 12]!r}')
    return problems


def eof_problems(raw):
    """6.1.3: nothing after the last %%EOF but one optional end of line."""
    at = raw.rfind(b'%%EOF')
    if at < 0:
        return ['no %%EOF']
    tail = raw[at + 5:]
    if tail in (b'', b'\n', b'\r\n', b'\r'):
        return []
    return [f'{len(tail)} bytes after the last %%EOF: {tail[:20]!r}']


def trailer_problems(doc):
    """6.1.3: the trailer has /ID (two strings) and no /Encrypt; the version at most 1.7."""
    problems = []
    ident = doc.get(doc.trailer.get('/ID'))
    if not (isinstance(ident, list) and len(ident) == 2 and all('hex' in (doc.get(x) or {}) for x in ident)):
        problems.append(f'trailer /ID is not an array of two strings: {ident!r}')
    if '/Encrypt' in doc.trailer:
        problems.append('the trailer has /Encrypt')
    version = text_of(doc.root.get('/Version'))
    for v, where in ((doc.version, 'the file'), (version, 'the catalog /Version')):
        if v and tuple(int(x) for x in v.split('.')) > (1, 7):
            problems.append(f'{where} says PDF {v} (PDF/A-2: at most 1.7)')
    return problems


def font_problems(doc):
    """6.2.11: every font embedded (FontFile, FontFile2 or FontFile3) and, for text that is
    extracted, with /ToUnicode; a CIDFontType2 has /CIDToGIDMap."""
    problems = []
    for where, d in doc.dicts():
        if d.get('/Type') != '/Font' or d.get('/Subtype') in ('/Type3',):
            continue
        name = text_of(d.get('/BaseFont'))
        if d.get('/Subtype') == '/Type0':
            if '/ToUnicode' not in d:
                problems.append(f'{where} font {name}: no /ToUnicode')
            continue
        if d.get('/Subtype') in ('/CIDFontType0', '/CIDFontType2'):
            if d.get('/Subtype') == '/CIDFontType2' and '/CIDToGIDMap' not in d:
                problems.append(f'{where} font {name}: CIDFontType2 without /CIDToGIDMap')
        elif '/ToUnicode' not in d:
            problems.append(f'{where} font {name}: no /ToUnicode')
        fd = doc.get(d.get('/FontDescriptor')) or {}
        if not any(k in fd for k in ('/FontFile', '/FontFile2', '/FontFile3')):
            problems.append(f'{where} font {name}: not embedded (no FontFile/FontFile2/FontFile3)')
    return problems


def filters_of(value):
    return value if isinstance(value, list) else [value] if value else []


def filter_problems(doc):
    """6.1.7.2: no LZWDecode (and no external stream files: /F, /FFilter, /FDecodeParms)."""
    problems = []
    for where, d in doc.dicts():
        if 'stream' in d:
            if '/LZWDecode' in filters_of(d.get('/Filter')):
                problems.append(f'{where}: /LZWDecode')
            for key in ('/F', '/FFilter', '/FDecodeParms'):
                if key in d:
                    problems.append(f'{where}: stream with {key} (external data)')
    for where, operands, op in doc.all_ops():
        if op == 'INLINE IMAGE':
            inline = (operands[0] or {}).get('inline') if operands else None
            f = inline.get('/F', inline.get('/Filter')) if isinstance(inline, dict) else str(inline)
            if any(x in ('/LZW', '/LZWDecode') for x in filters_of(f)) or 'LZW' in str(f):
                problems.append(f'{where}: inline image with LZW')
    return problems


FORBIDDEN_ACTIONS = ('/Launch', '/Sound', '/Movie', '/ResetForm', '/ImportData', '/JavaScript',
                     '/Hide', '/SetOCGState', '/Rendition', '/Trans', '/GoTo3DView')


def forbidden_problems(doc):
    """6.5, 6.6, 6.8, 6.9: no JavaScript, no forbidden actions, no /AA, no embedded files,
    no optional content (nianbao writes none of them)."""
    problems = []
    root = doc.root
    names = doc.get(root.get('/Names')) or {}
    for key in ('/JavaScript', '/EmbeddedFiles'):
        if key in names:
            problems.append(f'the catalog\'s /Names has {key}')
    for key in ('/OCProperties', '/AA', '/Collection'):
        if key in root:
            problems.append(f'the catalog has {key}')
    for where, d in doc.dicts():
        if '/JS' in d:
            problems.append(f'{where}: /JS (JavaScript)')
        if '/AA' in d:
            problems.append(f'{where}: /AA (additional actions)')
        if d.get('/S') in FORBIDDEN_ACTIONS and ('/Type' not in d or d.get('/Type') == '/Action'):
            problems.append(f'{where}: action {d["/S"]}')
        if d.get('/Type') == '/EmbeddedFile' or '/EF' in d:
            problems.append(f'{where}: an embedded file')
        if d.get('/Type') == '/OCG':
            problems.append(f'{where}: an optional content group')
    return problems


ANNOT_HIDDEN = {1: 'Invisible', 2: 'Hidden', 32: 'NoView', 256: 'ToggleNoView'}


def annotation_problems(doc):
    """6.3.2, 6.3.3, 6.4.1: every annotation has /F with Print set and Invisible, Hidden,
    NoView and ToggleNoView clear, and (unless Popup, Link or of zero size) an /AP holding
    /N only, a stream for anything but a button; no /NeedAppearances true."""
    problems = []
    annots = []
    for i in range(len(doc.pages)):
        for a in doc.get(doc.page(i).get('/Annots')) or []:
            annots.append((f'page {i + 1} annotation {a.get("ref", "direct") if isinstance(a, dict) else a}',
                           doc.get(a) or {}))
    for where, a in annots:
        kind = a.get('/Subtype')
        flags = a.get('/F')
        if not isinstance(flags, int) or not flags & 4:
            problems.append(f'{where} ({kind}): /F {flags!r} without the Print bit')
        elif any(flags & bit for bit in ANNOT_HIDDEN):
            problems.append(f'{where} ({kind}): /F {flags} sets '
                            + ', '.join(n for bit, n in ANNOT_HIDDEN.items() if flags & bit))
        rect = doc.get(a.get('/Rect')) or [0, 0, 0, 0]
        empty = len(rect) == 4 and rect[0] == rect[2] and rect[1] == rect[3]
        ap = doc.get(a.get('/AP'))
        if kind in ('/Popup', '/Link') or empty:
            continue
        if not isinstance(ap, dict):
            problems.append(f'{where} ({kind}): no /AP appearance dictionary')
            continue
        if set(ap) != {'/N'}:
            problems.append(f'{where} ({kind}): /AP has {sorted(ap)}, PDF/A allows /N only')
        normal = doc.get(ap.get('/N'))
        is_button = (doc.get(a.get('/Parent')) or {}).get('/FT', a.get('/FT')) == '/Btn'
        if not is_button and not (isinstance(normal, dict) and 'stream' in normal):
            problems.append(f'{where} ({kind}): /AP /N is not a stream')
    form = doc.get(doc.root.get('/AcroForm')) or {}
    if form.get('/NeedAppearances') is True:
        problems.append('/AcroForm /NeedAppearances true')
    return problems


NS = {'x': 'adobe:ns:meta/', 'rdf': 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
      'dc': 'http://purl.org/dc/elements/1.1/', 'xmp': 'http://ns.adobe.com/xap/1.0/',
      'pdf': 'http://ns.adobe.com/pdf/1.3/', 'pdfaid': 'http://www.aiim.org/pdfa/ns/id/'}
XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'


def xmp_properties(data):
    """{(prefix, name): value} of an XMP packet's rdf:Descriptions: a simple property its
    text (written as an attribute or an element), an rdf:Alt {lang: text}, an rdf:Seq or
    rdf:Bag a list. Raises ET.ParseError for XML that is not well-formed."""
    prefix = {uri: p for p, uri in NS.items()}
    root = ET.fromstring(data)
    props = {}

    def key(tag):
        uri, _, local = tag[1:].partition('}') if tag.startswith('{') else ('', '', tag)
        return prefix.get(uri, uri), local
    for desc in root.iter(f'{{{NS["rdf"]}}}Description'):
        for attr, value in desc.attrib.items():
            if key(attr)[0] != 'rdf':
                props[key(attr)] = value
        for child in desc:
            alt = child.find('rdf:Alt', NS)
            seq = child.find('rdf:Seq', NS)
            seq = seq if seq is not None else child.find('rdf:Bag', NS)
            if alt is not None:
                props[key(child.tag)] = {li.get(XML_LANG): (li.text or '')
                                         for li in alt.findall('rdf:li', NS)}
            elif seq is not None:
                props[key(child.tag)] = [(li.text or '') for li in seq.findall('rdf:li', NS)]
            else:
                props[key(child.tag)] = child.text or ''
    return props


def pdf_date(text):
    """A PDF date string D:YYYYMMDDHHmmSSOHH'mm' as a datetime (aware when it has a zone)."""
    m = re.match(r"D:(\d{4})(\d\d)?(\d\d)?(\d\d)?(\d\d)?(\d\d)?(?:([Zz])|([+-])(\d\d)'?(\d\d)?'?)?",
                 text or '')
    if not m:
        return None
    y, mo, d, h, mi, s = (int(g) if g else dflt for g, dflt in zip(m.groups()[:6], (0, 1, 1, 0, 0, 0)))
    tz = None
    if m.group(7):
        tz = datetime.timezone.utc
    elif m.group(8):
        off = datetime.timedelta(hours=int(m.group(9)), minutes=int(m.group(10) or 0))
        tz = datetime.timezone(off if m.group(8) == '+' else -off)
    return datetime.datetime(y, mo, d, h, mi, s, tzinfo=tz)


def xmp_date(text):
    try:
        return datetime.datetime.fromisoformat((text or '').strip().replace('Z', '+00:00'))
    except ValueError:
        return None


INFO_XMP = {'/Title': ('dc', 'title'), '/Author': ('dc', 'creator'), '/Subject': ('dc', 'description'),
            '/Keywords': ('pdf', 'Keywords'), '/Creator': ('xmp', 'CreatorTool'),
            '/Producer': ('pdf', 'Producer'), '/CreationDate': ('xmp', 'CreateDate'),
            '/ModDate': ('xmp', 'ModifyDate')}


def xmp_problems(doc):
    """6.6.2: the catalog's /Metadata is an XMP stream (/Type /Metadata /Subtype /XML, no
    /Filter) in an xpacket (header without bytes= or encoding=, the trailer at its end),
    with pdfaid:part 2 and pdfaid:conformance B; 6.6.3: every Info entry equal in XMP
    (dc:title x-default, dc:creator one entry, pdf:Producer, xmp:CreatorTool, the dates)."""
    meta = doc.get(doc.root.get('/Metadata'))
    if not isinstance(meta, dict) or 'stream' not in meta:
        return ['the catalog has no /Metadata stream']
    problems = []
    if meta.get('/Type') != '/Metadata' or meta.get('/Subtype') != '/XML':
        problems.append(f'/Metadata is /Type {meta.get("/Type")} /Subtype {meta.get("/Subtype")}, '
                        f'not /Metadata /XML')
    if '/Filter' in meta:
        problems.append(f'/Metadata has /Filter {meta["/Filter"]} (PDF/A: not filtered)')
    data = stream_data(meta)
    if data is None:
        return problems + ['the /Metadata stream cannot be read']
    head = re.match(rb'(\xef\xbb\xbf)?<\?xpacket ([^?]*)\?>', data)
    if not head:
        problems.append(f'the XMP does not start with <?xpacket …?>: {data[:40]!r}')
    else:
        attrs = dict(re.findall(rb'(\w+)=["\']([^"\']*)["\']', head.group(2)))
        if b'begin' not in attrs or attrs.get(b'id') != b'W5M0MpCehiHzreSzNTczkc9d':
            problems.append(f'xpacket header {head.group(0)!r}: '
                            f'begin= and id="W5M0MpCehiHzreSzNTczkc9d" wanted')
        for bad in (b'bytes', b'encoding'):
            if bad in attrs:
                problems.append(f'xpacket header has {bad.decode()}= (6.6.2.1 forbids it)')
    if not re.search(rb'<\?xpacket end=["\'][rw]["\']\s*\?>\s*$', data):
        problems.append(f'the XMP does not end with <?xpacket end="w"?>: {data[-40:]!r}')
    try:
        props = xmp_properties(data)
    except ET.ParseError as e:
        return problems + [f'the XMP is not well-formed XML: {e}']
    if props.get(('pdfaid', 'part')) != '2':
        problems.append(f'pdfaid:part is {props.get(("pdfaid", "part"))!r}, not 2')
    if props.get(('pdfaid', 'conformance')) != 'B':
        problems.append(f'pdfaid:conformance is {props.get(("pdfaid", "conformance"))!r}, not B')
    info = doc.info
    for key, prop in INFO_XMP.items():
        if key not in info:
            continue
        want = text_of(doc.get(info[key]))
        got = props.get(prop)
        name = ':'.join(prop)
        if key in ('/CreationDate', '/ModDate'):
            a, b = pdf_date(want), xmp_date(got if isinstance(got, str) else None)
            if a is None or b is None or (a.tzinfo is None) != (b.tzinfo is None) or a != b:
                problems.append(f'Info {key} {want!r} but {name} {got!r}')
            continue
        if isinstance(got, dict):
            got = got.get('x-default')
        elif isinstance(got, list):
            got = got[0] if len(got) == 1 else got
        if got != want:
            problems.append(f'Info {key} 「{want}」 but {name} {got!r}')
    for prop in (('dc', 'title'), ('dc', 'description')):
        if prop in props and not (isinstance(props[prop], dict) and 'x-default' in props[prop]):
            problems.append(f'{":".join(prop)} is not an rdf:Alt with an x-default entry: {props[prop]!r}')
    return problems


def icc_is_srgb(data):
    """Does an ICC profile describe sRGB: 'sRGB' in its description, or its red colorant
    sRGB's (D50-adapted 0.4361, 0.2225, 0.0139)?"""
    if len(data) < 132:
        return False
    count = int.from_bytes(data[128:132], 'big')
    tags = {}
    for i in range(min(count, 100)):
        at = 132 + 12 * i
        off, size = int.from_bytes(data[at + 4:at + 8], 'big'), int.from_bytes(data[at + 8:at + 12], 'big')
        tags[data[at:at + 4]] = data[off:off + size]
    desc = tags.get(b'desc', b'')
    if b'sRGB' in desc or 'sRGB'.encode('utf-16-be') in desc:
        return True
    r = tags.get(b'rXYZ', b'')
    if len(r) >= 20:
        xyz = [int.from_bytes(r[8 + 4 * k:12 + 4 * k], 'big', signed=True) / 65536 for k in range(3)]
        return all(abs(a - b) < 0.01 for a, b in zip(xyz, (0.4361, 0.2225, 0.0139)))
    return False


def output_intent_problems(doc):
    """6.2.3: one output intent /S /GTS_PDFA1 with /OutputConditionIdentifier and a
    /DestOutputProfile: an ICC stream, /N 3, an RGB monitor or printer profile (header:
    size, version ≤ 4, class mntr/prtr, 'RGB ' at 16, 'acsp' at 36), sRGB."""
    intents = doc.get(doc.root.get('/OutputIntents'))
    if not isinstance(intents, list) or not intents:
        return ['the catalog has no /OutputIntents']
    problems = []
    pdfa = [doc.get(i) for i in intents if (doc.get(i) or {}).get('/S') == '/GTS_PDFA1']
    if len(pdfa) != 1:
        return [f'{len(pdfa)} output intents with /S /GTS_PDFA1, expected 1']
    oi = pdfa[0]
    if text_of(doc.get(oi.get('/OutputConditionIdentifier'))) in (None, ''):
        problems.append('the output intent has no /OutputConditionIdentifier')
    profile = doc.get(oi.get('/DestOutputProfile'))
    if not isinstance(profile, dict) or 'stream' not in profile:
        return problems + ['the output intent has no /DestOutputProfile stream']
    if profile.get('/N') != 3:
        problems.append(f'/DestOutputProfile /N {profile.get("/N")!r}, not 3')
    data = stream_data(profile)
    if data is None or len(data) < 132:
        return problems + ['the ICC profile cannot be read (or is shorter than its header)']
    if int.from_bytes(data[0:4], 'big') != len(data):
        problems.append(f'ICC header size {int.from_bytes(data[0:4], "big")}, '
                        f'the stream has {len(data)} bytes')
    if data[36:40] != b'acsp':
        problems.append(f'ICC signature {data[36:40]!r} at 36, not acsp')
    if data[16:20] != b'RGB ':
        problems.append(f'ICC colour space {data[16:20]!r}, not RGB')
    if data[8] > 4:
        problems.append(f'ICC version {data[8]}.{data[9] >> 4}, above 4')
    if data[12:16] not in (b'mntr', b'prtr'):
        problems.append(f'ICC device class {data[12:16]!r}: an output intent wants mntr or prtr')
    if not icc_is_srgb(data):
        problems.append('the ICC profile is not sRGB (no sRGB description, other primaries)')
    return problems


BLEND_MODES = ('/Normal', '/Compatible', '/Multiply', '/Screen', '/Overlay', '/Darken', '/Lighten',
               '/ColorDodge', '/ColorBurn', '/HardLight', '/SoftLight', '/Difference', '/Exclusion',
               '/Hue', '/Saturation', '/Color', '/Luminosity')


def extgstate_problems(doc):
    """6.2.5, 6.2.10: no ExtGState with /TR, /TR2 other than /Default, or /HTP; every
    blend mode a standard one (transparency itself is allowed: there is an output intent)."""
    states = {}
    for where, d in doc.dicts():
        if d.get('/Type') == '/ExtGState':
            states[where] = d
        resources = doc.get(d.get('/ExtGState'))
        for name, value in (resources.items() if isinstance(resources, dict) else ()):
            states[f'{where} /ExtGState {name}'] = doc.get(value) or {}
    problems = []
    for where, gs in states.items():
        if '/TR' in gs:
            problems.append(f'{where}: /TR')
        if '/TR2' in gs and gs['/TR2'] != '/Default':
            problems.append(f'{where}: /TR2 {gs["/TR2"]!r}')
        if '/HTP' in gs:
            problems.append(f'{where}: /HTP')
        for bm in filters_of(gs.get('/BM')):
            if bm not in BLEND_MODES:
                problems.append(f'{where}: blend mode {bm}')
    return problems


def colour_problems(doc):
    """6.2.4.3: the output intent is RGB, so nothing is painted in DeviceCMYK: no k/K, no
    /DeviceCMYK colour space in content, resources or images."""
    problems = []
    for where, value in doc.values():
        if value == '/DeviceCMYK':
            problems.append(f'{where}: /DeviceCMYK')
    for where, operands, op in doc.all_ops():
        if op in ('k', 'K'):
            problems.append(f'{where}: {op} (a CMYK colour)')
        elif op in ('cs', 'CS') and operands and operands[0] == '/DeviceCMYK':
            problems.append(f'{where}: {op} /DeviceCMYK')
        elif op == 'INLINE IMAGE' and re.search(r'"/(Device)?CMYK"', json.dumps(operands)):
            problems.append(f'{where}: inline image in CMYK')
    return sorted(set(problems))


def image_problems(doc):
    """6.2.8, 6.2.9: images without /Alternates, /OPI and /Interpolate true; no PostScript
    XObjects, forms without /OPI, /PS or /Subtype2 /PS."""
    problems = []
    for where, d in doc.dicts():
        if 'stream' not in d:
            continue
        kind = d.get('/Subtype')
        if kind == '/Image':
            for key in ('/Alternates', '/OPI'):
                if key in d:
                    problems.append(f'{where}: image with {key}')
            if d.get('/Interpolate') is True:
                problems.append(f'{where}: image with /Interpolate true')
        elif kind == '/PS':
            problems.append(f'{where}: a PostScript XObject')
        elif kind == '/Form':
            for key in ('/OPI', '/PS'):
                if key in d:
                    problems.append(f'{where}: form XObject with {key}')
            if d.get('/Subtype2') == '/PS':
                problems.append(f'{where}: form XObject /Subtype2 /PS')
    return problems


def qpdf_problems(path):
    done = tool_run('qpdf', '--check', path)
    text = done.stdout + done.stderr
    if done.returncode != 0 or 'No syntax or stream encoding errors found' not in text or 'WARNING' in text:
        return [f'qpdf --check (exit {done.returncode}): {text.strip()[-800:]}']
    return []


PDFA_CHECKS = (trailer_problems, font_problems, filter_problems, forbidden_problems,
               annotation_problems, xmp_problems, output_intent_problems, extgstate_problems,
               colour_problems, image_problems)
RAW_CHECKS = (header_problems, eof_problems)


def pdfa_problems(path):
    """Every PDF/A-2b check on one file, each message prefixed with the file's name."""
    doc, raw, name = model(path), read_bytes(path), os.path.basename(path)
    found = [p for f in RAW_CHECKS for p in f(raw)] + [p for f in PDFA_CHECKS for p in f(doc)]
    return [f'{name}: {p}' for p in found + qpdf_problems(path)]


def hand_pdfa(good):
    """A one-page file for the PDF/A checks: good, it has what PDF/A-2b wants (an sRGB
    output intent from Ghostscript's profiles, XMP equal to Info, /ID, the binary comment);
    bad, it breaks at least one rule of every check."""
    icc = sorted(glob.glob('/usr/share/ghostscript/*/iccprofiles/srgb.icc')
                 + glob.glob('/usr/share/color/icc/ghostscript/srgb.icc'))
    if good and not icc:
        raise Unavailable('no sRGB ICC profile (Ghostscript\'s srgb.icc) for the good control file')
    profile = read_bytes(icc[0]) if icc else b'\0' * 200
    title = '测试报告'
    xmp = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
           '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
           '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" '
           f'pdfaid:part="{2 if good else 1}" pdfaid:conformance="B"/>\n'
           '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
           f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>'
           '<dc:creator><rdf:Seq><rdf:li>某某街道办事处</rdf:li></rdf:Seq></dc:creator>'
           '</rdf:Description>\n'
           '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
           'xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmp:CreatorTool="nianbao" '
           f'xmp:CreateDate="2025-01-20T09:00:00{"Z" if good else ""}"><pdf:Producer>hand</pdf:Producer>'
           '</rdf:Description>\n</rdf:RDF></x:xmpmeta>\n<?xpacket end="w"?>').encode()
    info = (b'<< /Title <FEFF' + title.encode('utf-16-be').hex().upper().encode() + b'> /Author <FEFF'
            + '某某街道办事处'.encode('utf-16-be').hex().upper().encode()
            + b'> /Creator (nianbao) /Producer (hand) /CreationDate (D:20250120090000Z) >>')
    objs = {
        1: b'<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R /OutputIntents [6 0 R] %s >>'
           % (b'' if good else b'/Names << /JavaScript << /Names [] >> >> '
                               b'/OpenAction << /S /JavaScript /JS (app.alert) >>'),
        2: b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        3: b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources '
           b'<< /ExtGState << /G0 8 0 R >> /XObject << /Im0 9 0 R >> %s >> %s >>'
           % (b'' if good else b'/Font << /F1 20 0 R >>', b'' if good else b'/Annots [10 0 R]'),
        4: pdf_stream(b'/G0 gs 0 0 1 rg 20 20 100 100 re f q 50 0 0 50 10 10 cm /Im0 Do Q\n'
                      if good else b'/G0 gs 0 0 0 1 k 20 20 100 100 re f /Im0 Do\n'),
        5: pdf_stream(xmp, b'/Type /Metadata /Subtype /XML'),
        6: b'<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB) '
           b'/DestOutputProfile 7 0 R >>',
        7: pdf_stream(profile, b'/N %d' % (3 if good else 4)),
        8: b'<< /Type /ExtGState /ca 0.5 /BM /Multiply >>' if good
        else b'<< /Type /ExtGState /TR /Identity /BM /Weird >>',
        9: pdf_stream(b'\xff\x00\x00' * 4, b'/Type /XObject /Subtype /Image /Width 2 /Height 2 '
                      b'/ColorSpace /DeviceRGB /BitsPerComponent 8 %s'
                      % (b'' if good else b'/Interpolate true /OPI << >>')),
        11: info,
    }
    if not good:
        objs[10] = (b'<< /Type /Annot /Subtype /Text /Rect [0 0 20 20] /F 2 '
                    b'/AP << /N 12 0 R /D 12 0 R >> >>')
        objs[12] = pdf_stream(b'\x80\x0b\x60\x50\x22\x0c\x0c\x85\x01', b'/Filter /LZWDecode')
        objs.update(hand_font_objects(20))
    ident = b'/ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]'
    return write_pdf(objs, header=b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n' if good else b'%PDF-1.7\n',
                     trailer=b'/Info 11 0 R ' + (ident if good else b''), tail=b'' if good else b'junk\n')


# ---------------------------------------------------------------- what the report should hold

@functools.lru_cache(maxsize=None)
def sample_data(path):
    """The sample's YAML (cached: not to be changed by callers)."""
    with open(path, encoding='utf-8') as f:
        return yaml.safe_load(f)


def sample_layout(path):
    return load_layout(sample_data(path).get('layout') or 'gov-info-disclosure-2021')


def prose_paragraphs(text):
    """A prose field's paragraphs as nianbao reads them: each non-blank line."""
    return [squash(line) for line in (text or '').split('\n') if squash(line)]


def paragraph_blocks(para):
    """How one paragraph is tagged: a run-in （一）…。 heading of at most 30 characters before
    its 。 is an H2 followed by a P with the rest; a （一）… line without 。 of at most 24
    characters is an H2 alone; anything else a P (the rule of src/compose.c S_paragraph)."""
    m = re.match(r'（[一二三四五六七八九十]{1,3}）', para)
    if m:
        stop = para.find('。', m.end())
        if stop < 0 and len(para) <= 24:
            return [('H2', para)]
        if stop >= 0 and stop <= 30:
            return [('H2', para[:stop + 1]), ('P', para[stop + 1:])]
    return [('P', para)]


def expected_blocks(path):
    """The /Document's kids a sample should have, in reading order, as (type, text): the
    /Title, the prose's /P and /H2, the six /H1, a /Table per table (its text the layout's
    table name), the signature's agency and date as /P. Figures are not listed."""
    data, layout = sample_data(path), sample_layout(path)
    blocks = []
    for item in layout.get('document') or []:
        if item.get('title'):
            blocks.append(('Title', squash(expected_title(layout, data))))
        elif 'heading' in item:
            blocks.append(('H1', squash(item['heading'])))
        elif 'prose' in item:
            for para in prose_paragraphs(data.get(item['prose'])):
                blocks += paragraph_blocks(para)
        elif 'table' in item:
            blocks.append(('Table', item['table']))
        elif item.get('signature'):
            blocks.append(('P', squash(data['agency'])))
            if data.get('date'):
                blocks.append(('P', squash(format_date(layout, data['date']))))
    return blocks


def layout_tables(path):
    """The sample's layout tables in document order: [(name, section)]."""
    layout = sample_layout(path)
    return [(item['table'], str(layout['tables'][item['table']].get('section')))
            for item in layout.get('document') or [] if 'table' in item]


def document_elem(doc):
    """The one /Document element under the root, or AssertionError."""
    tree = doc.tree
    if tree is None:
        raise AssertionError(f'{os.path.basename(doc.path)}: the catalog has no /StructTreeRoot')
    if [e.type for e in tree.top] != ['Document']:
        raise AssertionError(f'{os.path.basename(doc.path)}: the root\'s kids are '
                             f'{[e.type for e in tree.top]}, not one /Document')
    return tree.top[0]


def table_elems(doc, path):
    """{layout table name: its /Table element}, matched in document order."""
    tables = document_elem(doc).elems('Table')
    names = layout_tables(path)
    if len(tables) != len(names):
        raise AssertionError(f'{os.path.basename(path)}: {len(tables)} /Table elements under '
                             f'/Document, the layout has {len(names)} tables')
    return {name: t for (name, _), t in zip(names, tables)}


GridCell = namedtuple('GridCell', 'row col rowspan colspan kind text elem')


def table_rows(table):
    """The TR elements of a /Table in order (through THead/TBody/TFoot), and problems."""
    rows, problems = [], []

    def collect(e):
        for k in e.kids:
            if isinstance(k, Mcr):
                problems.append(f'{e} holds content directly (MCID {k.mcid})')
            elif k.type == 'TR':
                rows.append(k)
            elif k.type in ('THead', 'TBody', 'TFoot'):
                collect(k)
            elif k.type != 'Caption':
                problems.append(f'{e} has a /{k.type} kid')
    collect(table)
    return rows, problems


def table_grid(table):
    """The cells of a /Table element placed as HTML places them: rows are the TRs in order
    (through THead/TBody/TFoot), each cell in the first free column of its row after the
    cells spanning down from rows above. Returns (cells, problems)."""
    rows, problems = table_rows(table)
    taken, cells = set(), []
    for r, tr in enumerate(rows):
        c = 0
        for k in tr.kids:
            if isinstance(k, Mcr) or k.type not in ('TH', 'TD'):
                problems.append(f'row {r}: a kid of the TR is {k!r}, not a TH or TD')
                continue
            while (r, c) in taken:
                c += 1
            spans = []
            for key in ('/RowSpan', '/ColSpan'):
                value = k.attr(key)
                if value == 1:
                    problems.append(f'r{r}c{c}: {key} 1 (omitted when 1)')
                spans.append(value if isinstance(value, int) else 1)
            rs, cs = spans
            for i in range(rs):
                for j in range(cs):
                    taken.add((r + i, c + j))
            cells.append(GridCell(r, c, rs, cs, k.type, k.text(), k))
            c += cs
    return cells, problems


def grid_problems(cells, spec, numbers, where):
    """The cells against the spec's (Cell list, '#' a number): same anchors and spans, '#'
    a TD holding numbers[(row, col)], any other text a TH holding that text."""
    problems, by_anchor = [], {(c.row, c.col): c for c in cells}
    for want in sorted(spec):
        got = by_anchor.pop((want.row, want.col), None)
        if got is None:
            problems.append(f'{where}: no cell at {describe(want)}')
            continue
        if (got.rowspan, got.colspan) != (want.rowspan, want.colspan):
            problems.append(f'{where}: r{want.row}c{want.col} spans {got.rowspan}×{got.colspan}, '
                            f'the spec {want.rowspan}×{want.colspan}')
        at = f'{where}: r{want.row}c{want.col}'
        if want.text == NUMBER_TEXT:
            if got.kind != 'TD':
                problems.append(f'{at} is a {got.kind}, a number cell is a TD')
            value = numbers.get((want.row, want.col))
            if got.text != value:
                problems.append(f'{at} holds 「{got.text}」, the sample gives {value}')
        else:
            if got.kind != 'TH':
                problems.append(f'{at} 「{want.text}」 is a {got.kind}, not a TH')
            if got.text != squash(want.text):
                problems.append(f'{at} holds 「{got.text}」, the spec 「{want.text}」')
    for extra in by_anchor.values():
        problems.append(f'{where}: extra cell r{extra.row}c{extra.col} ({extra.kind} 「{extra.text}」)')
    return problems


def spec_cells(path, name, section):
    """The expected cells of a table: FORMAT.md's grid (format-2021-grid.tsv) for the 2021
    format, the layout's own grid otherwise (the 2019 format has no TSV)."""
    layout = sample_layout(path)
    if layout.get('id') == 'gov-info-disclosure-2021':
        return spec_grids()[section]
    return layout_cells(layout, name)


def expected_figures(path):
    sample = SampleRun(path)
    return {(name, section): expected_numbers(sample.layout, sample.raw, name)
            for name, section in layout_tables(path)}


def sig_fields(doc):
    """[(field, [widget])] of every signature field of the /AcroForm (kids walked, /FT
    inherited)."""
    form = doc.get(doc.root.get('/AcroForm')) or {}
    found = []

    def walk(ref, ft, depth=0):
        f = doc.get(ref) or {}
        ft = f.get('/FT', ft)
        kids = [doc.get(k) or {} for k in doc.get(f.get('/Kids')) or []]
        fields = [k for k in kids if '/T' in k]          # kids that are fields, not widgets
        if fields and depth < 10:
            for k in doc.get(f.get('/Kids')) or []:
                walk(k, ft, depth + 1)
            return
        if ft == '/Sig':
            widgets = [f] if f.get('/Subtype') == '/Widget' else \
                [k for k in kids if k.get('/Subtype') == '/Widget']
            found.append((f, widgets, ref))
    for ref in doc.get(form.get('/Fields')) or []:
        walk(ref, None)
    return found


def widget_page(doc, widget_ref, widget):
    """0-based index of the page whose /Annots holds the widget."""
    for i in range(len(doc.pages)):
        for a in doc.get(doc.page(i).get('/Annots')) or []:
            same_ref = isinstance(a, dict) and isinstance(widget_ref, dict) and 'ref' in a \
                and a.get('ref') == widget_ref.get('ref')
            if same_ref or doc.get(a) is widget:
                return i
    return None


def top_down(doc, page, rect):
    """A PDF rectangle as (x0, y0, x1, y1) from the top of the page (pdftotext's frame)."""
    box = doc.get(doc.inherited(page, '/MediaBox')) or [0, 0, 595.276, 841.89]
    x0, y0, x1, y1 = (float(v) for v in rect)
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    return x0, box[3] - y1, x1, box[3] - y0


def first_difference(a, b):
    n = min(len(a), len(b))
    return next((i for i in range(n) if a[i] != b[i]), n)


# ---------------------------------------------------------------- Signature

RSA_ALGS = ('sha256WithRSA', 'rsaEncryption')
ECDSA_ALGS = ('ecdsaWithSHA256',)


def signed_pdf(sample=CHANHE, kind='rsa', *extra, pwfile=None):
    return rendered(sample, *sign_options(kind, *extra, pwfile=pwfile))


def signature_dict(doc):
    fields = sig_fields(doc)
    if len(fields) != 1:
        raise AssertionError(f'{len(fields)} signature fields in /AcroForm /Fields, expected 1')
    field = fields[0][0]
    v = doc.get(field.get('/V'))
    if not isinstance(v, dict):
        raise AssertionError(f'the signature field has no /V dictionary: {field.get("/V")!r}')
    return v


class Signature(unittest.TestCase):
    """--sign: PAdES B-B, read back by pdfsig, openssl and pikepdf."""

    def assert_valid(self, pdf, trusted=False):
        sigs, out = pdfsig(pdf, trusted)
        self.assertEqual(len(sigs), 1, f'pdfsig finds {len(sigs)} signatures:\n{out}')
        self.assertEqual(sigs[0].get('Signature Validation'), 'Signature is Valid.', out)
        self.assertIn('Total document signed', sigs[0]['flags'], out)
        return sigs[0], out

    def test_00_certificate_fixtures(self):
        """The certificates are what the other tests take them for: the leaves chain to the
        CA, the dates are as meant, every PKCS#12 opens with the password, and mismatch.p12
        holds a key that is not its certificate's (matched.p12, made the same way, one that is)."""
        c = certs()
        for name in DATES:       # at the --sign-time's day (and so now too, for the valid ones)
            done = tool_run('openssl', 'verify', '-CAfile', c.ca, '-attime', '1737363600', c.pem[name])
            self.assertEqual(done.returncode != 0, name in ('expired', 'future'),
                             f'{name}: {done.stdout}{done.stderr}')

        def x509(name, *what):
            return tool('openssl', 'x509', '-in', c.pem[name], '-noout', *what)
        self.assertIn('notAfter=Jan  1 00:00:00 2001 GMT', x509('expired', '-enddate'))
        self.assertIn('notBefore=Jan  1 00:00:00 2099 GMT', x509('future', '-startdate'))
        self.assertIn('ASN1 OID: prime256v1', x509('ec', '-text'))
        self.assertIn('Public-Key: (2048 bit)', x509('rsa', '-text'))

        def pubkeys(p12):
            key = tool('openssl', 'pkcs12', '-in', p12, '-passin', 'file:' + c.pwfile, '-nocerts', '-nodes')
            cert = tool('openssl', 'pkcs12', '-in', p12, '-passin', 'file:' + c.pwfile, '-nokeys', '-clcerts')
            k = subprocess.run(['openssl', 'pkey', '-pubout'], input=key.encode(), capture_output=True).stdout
            x = subprocess.run(['openssl', 'x509', '-pubkey', '-noout'], input=cert.encode(),
                               capture_output=True).stdout
            self.assertTrue(k and x, f'{p12}: no key or no certificate inside')
            return k, x
        for name in ('rsa', 'ec', 'expired', 'future', 'matched'):
            k, x = pubkeys(c.p12[name])
            self.assertEqual(k, x, f'{name}.p12: key and certificate should match')
        k, x = pubkeys(c.p12['mismatch'])
        self.assertNotEqual(k, x, 'mismatch.p12: key and certificate should differ')
        wrong = tool_run('openssl', 'pkcs12', '-in', c.p12['rsa'], '-noout',
                         '-passin', 'file:' + os.path.join(c.dir, 'wrong-pw.txt'))
        self.assertNotEqual(wrong.returncode, 0, 'rsa.p12 opens with the wrong password')
        garbage = tool_run('openssl', 'pkcs12', '-in', c.p12['garbage'], '-noout', '-passin', 'file:' + c.pwfile)
        self.assertNotEqual(garbage.returncode, 0, 'garbage.p12 reads as PKCS#12')

    def test_00_readers_on_a_hand_signed_pdf(self):
        """The readers here work: a PDF signed by openssl cms (with a signingTime) is valid,
        whole, trusted with the CA, verified, its signingTime caught, a flipped byte a mismatch."""
        pdf = hand_signed_pdf('readers')
        raw = read_bytes(pdf)
        br = byte_range(raw)
        self.assert_valid(pdf)
        self.assertEqual(pdfsig(pdf, trusted=True)[0][0].get('Certificate Validation'),
                         'Certificate is Trusted.')
        cms, content = cms_der(raw, br), signed_bytes(raw, br)
        done = cms_verify(cms, content, 'hand')
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(cms_problems(cms, content, RSA_ALGS),
                         ['signed attributes hold a signingTime (PAdES B-B: the time is /M)'])
        self.assertIn('messageDigest is not', ' '.join(cms_problems(cms, content + b'x', RSA_ALGS)))
        bad, pos = flip_byte_in_stream(raw, br.b)
        out = os.path.join(os.path.dirname(pdf), 'flipped.pdf')
        with open(out, 'wb') as f:
            f.write(bad)
        self.assertEqual(pdfsig(out)[0][0].get('Signature Validation'), 'Digest Mismatch.')
        self.assertEqual(len(sig_fields(model(pdf))), 1)

    def test_pdfsig_valid_whole_cades_sha256(self):
        sig, out = self.assert_valid(signed_pdf())
        self.assertEqual(sig.get('Signature Type'), 'ETSI.CAdES.detached', out)
        self.assertEqual(sig.get('Signing Hash Algorithm'), 'SHA-256', out)

    def test_pdfsig_trusts_it_with_the_ca(self):
        sig, out = self.assert_valid(signed_pdf(), trusted=True)
        self.assertEqual(sig.get('Certificate Validation'), 'Certificate is Trusted.', out)

    def test_flipped_byte_is_a_digest_mismatch(self):
        raw = read_bytes(signed_pdf())
        br = byte_range(raw)
        bad, pos = flip_byte_in_stream(raw, br.b)
        self.assertLess(pos, br.b)
        out = os.path.join(fresh_dir('flipped'), 'flipped.pdf')
        with open(out, 'wb') as f:
            f.write(bad)
        sigs, text = pdfsig(out)
        self.assertEqual([s.get('Signature Validation') for s in sigs], ['Digest Mismatch.'], text)

    def test_byte_range_is_all_but_the_contents(self):
        pdf = signed_pdf()
        raw, doc = read_bytes(pdf), model(pdf)
        br = byte_range(raw)
        self.assertEqual(br.a, 0, br)
        self.assertEqual(br.c + br.d, len(raw), f'{br}: the second range ends before the file ({len(raw)})')
        self.assertLess(br.b, br.c, br)
        hexed = raw[br.b:br.c]
        self.assertRegex(hexed, rb'^<[0-9A-Fa-f]+>$', 'between the ranges: exactly the /Contents <hex>')
        self.assertEqual(raw[br.b - 10:br.b].rstrip().endswith(b'/Contents'), True,
                         f'the gap is not preceded by /Contents: {raw[br.b - 20:br.b]!r}')
        v = signature_dict(doc)
        self.assertEqual(doc.get(v.get('/ByteRange')), list(br), 'the signature dictionary\'s /ByteRange')
        self.assertEqual(bytes_of(v.get('/Contents')), bytes.fromhex(hexed[1:-1].decode()),
                         'the signature dictionary\'s /Contents is not the string in the gap')

    def test_cms_verifies_with_openssl(self):
        raw = read_bytes(signed_pdf())
        br = byte_range(raw)
        done = cms_verify(cms_der(raw, br), signed_bytes(raw, br), 'rsa')
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn('Verification successful', done.stderr)

    def test_cms_signed_attributes_are_pades_b_b(self):
        raw = read_bytes(signed_pdf())
        br = byte_range(raw)
        cms = cms_der(raw, br)
        check(self, cms_problems(cms, signed_bytes(raw, br), RSA_ALGS))
        printed = cms_print(cms, 'rsa')
        self.assertNotIn('signingTime', printed)
        self.assertNotIn('1.2.840.113549.1.9.5)', printed)
        for name in ('contentType', 'messageDigest', 'signingCertificateV2'):
            self.assertIn(name, printed, f'openssl cms -print shows no {name}')

    def test_signature_dictionary(self):
        v = signature_dict(model(signed_pdf()))
        self.assertEqual(v.get('/Filter'), '/Adobe.PPKLite')
        self.assertEqual(v.get('/SubFilter'), '/ETSI.CAdES.detached')
        if '/Type' in v:
            self.assertEqual(v['/Type'], '/Sig')
        self.assertRegex(text_of(v.get('/M')) or '', r"^D:20250120090000(Z|[+-]00'?00'?)?$",
                         '/M is not the --sign-time 2025-01-20T09:00:00Z')
        self.assertNotRegex(text_of(v.get('/M')) or '', r'^D:20250120090000$',
                            '/M without its zone (local time)')

    def test_unsigned_output_is_a_prefix_of_the_signed(self):
        unsigned, signed = read_bytes(rendered(CHANHE)), read_bytes(signed_pdf())
        at = first_difference(unsigned, signed)
        self.assertTrue(signed.startswith(unsigned),
                        f'the files differ at byte {at} of {len(unsigned)}: '
                        f'unsigned {unsigned[at:at + 40]!r}, signed {signed[at:at + 40]!r}')
        self.assertGreater(len(signed), len(unsigned))

    def test_rsa_signature_is_reproducible(self):
        folder = fresh_dir('reproducible')
        out = os.path.join(folder, 'chanhe-2023.pdf')
        files = []
        for _ in range(2):
            done = nianbao('render', CHANHE, '-o', out, *sign_options())
            self.assertEqual(done.returncode, 0, done.stderr)
            files.append(read_bytes(out))
        at = first_difference(*files)
        self.assertEqual(files[0], files[1], f'two renders with the same --sign-time differ at byte {at}')

    def widget(self, pdf):
        doc = model(pdf)
        fields = sig_fields(doc)
        self.assertEqual(len(fields), 1, f'{len(fields)} /FT /Sig fields in /AcroForm /Fields')
        field, widgets, ref = fields[0]
        self.assertEqual(len(widgets), 1, 'the signature field should have one widget')
        w = widgets[0]
        w_ref = ref if w is field else next(k for k in doc.get(field.get('/Kids')) if doc.get(k) is w)
        page = widget_page(doc, w_ref, w)
        self.assertIsNotNone(page, 'the widget is in no page\'s /Annots')
        return doc, field, w, page

    def test_widget_lies_over_the_seal(self):
        seal = SampleRun(CHANHE).dump['images']
        self.assertEqual(len(seal), 1, 'chanhe-2023 has one seal image')
        seal = seal[0]
        doc, field, w, page = self.widget(signed_pdf())
        self.assertEqual(page + 1, seal['page'], 'the widget is not on the seal\'s page')
        x0, y0, x1, y1 = top_down(doc, page, doc.get(w.get('/Rect')))
        self.assertGreater((x1 - x0) * (y1 - y0), 1, f'the widget has no area: {w.get("/Rect")}')
        self.assertTrue(x0 >= seal['x0'] - TOL and x1 <= seal['x1'] + TOL and y0 >= seal['y0'] - TOL
                        and y1 <= seal['y1'] + TOL,
                        f'widget ({x0:.1f},{y0:.1f})-({x1:.1f},{y1:.1f}) from the top is not within the '
                        f'seal ({seal["x0"]:.1f},{seal["y0"]:.1f})-({seal["x1"]:.1f},{seal["y1"]:.1f})')

    def test_widget_over_name_and_date_without_a_seal(self):
        sample = SampleRun(DINGDINGMEN)
        last = sample.page_words(len(sample.words))
        agency = sample.sample['agency']
        date = squash(format_date(sample.layout, sample.sample['date']))
        words = [w for w in last if squash(w.text) in (agency, date)]
        self.assertEqual(len(words), 2, f'name and date on the last page: {[w.text for w in last]}')
        bx0, by0 = min(w.x0 for w in words), min(w.y0 for w in words)
        bx1, by1 = max(w.x1 for w in words), max(w.y1 for w in words)
        doc, field, w, page = self.widget(signed_pdf(DINGDINGMEN))
        self.assertEqual(page + 1, len(sample.words), 'the widget is not on the last page')
        x0, y0, x1, y1 = top_down(doc, page, doc.get(w.get('/Rect')))
        self.assertGreater((x1 - x0) * (y1 - y0), 1, f'the widget has no area: {w.get("/Rect")}')
        self.assertTrue(min(x1, bx1) - max(x0, bx0) > 0 and min(y1, by1) - max(y0, by0) > 0,
                        f'widget ({x0:.1f},{y0:.1f})-({x1:.1f},{y1:.1f}) does not overlap the name and '
                        f'date ({bx0:.1f},{by0:.1f})-({bx1:.1f},{by1:.1f})')

    def test_widget_printable_with_an_appearance(self):
        doc, field, w, page = self.widget(signed_pdf())
        self.assertIn('/T', field, 'the signature field has no /T name')
        self.assertIsInstance(w.get('/F'), int, 'the widget has no /F')
        self.assertTrue(w['/F'] & 4, f'/F {w["/F"]}: the Print bit is clear')
        self.assertFalse(w['/F'] & (1 | 2 | 32 | 256), f'/F {w["/F"]}: a hidden bit is set')
        ap = doc.get(w.get('/AP'))
        self.assertIsInstance(ap, dict, 'the widget has no /AP')
        self.assertEqual(sorted(ap), ['/N'])
        n = doc.get(ap['/N'])
        self.assertTrue(isinstance(n, dict) and 'stream' in n and '/BBox' in n,
                        f'/AP /N is not a form XObject stream: {ap["/N"]!r}')

    def test_reason_and_location(self):
        reason, location = '审核通过，同意公开', '洛阳市瀍河回族区'
        pdf = signed_pdf(CHANHE, 'rsa', '--sign-reason', reason, '--sign-location', location)
        v = signature_dict(model(pdf))
        self.assertEqual(text_of(v.get('/Reason')), reason)
        self.assertEqual(text_of(v.get('/Location')), location)
        self.assert_valid(pdf)

    def test_password_from_the_environment(self):
        pdf = rendered(CHANHE, '--sign', certs().p12['rsa'], '--sign-time', SIGN_TIME,
                       env={PASS_ENV: PASSWORD})
        self.assert_valid(pdf)

    def test_password_file_first_line_only(self):
        pdf = signed_pdf(CHANHE, pwfile=os.path.join(certs().dir, 'pw-two-lines.txt'))
        self.assert_valid(pdf)

    def test_password_file_saved_by_notepad(self):
        """A byte order mark and CRLF are not part of the password."""
        pdf = signed_pdf(CHANHE, pwfile=os.path.join(certs().dir, 'pw-notepad.txt'))
        self.assert_valid(pdf)

    def test_ecdsa_p256(self):
        pdf = signed_pdf(CHANHE, 'ec')
        self.assert_valid(pdf, trusted=True)
        raw = read_bytes(pdf)
        br = byte_range(raw)
        cms, content = cms_der(raw, br), signed_bytes(raw, br)
        done = cms_verify(cms, content, 'ec')
        self.assertEqual(done.returncode, 0, done.stderr)
        check(self, cms_problems(cms, content, ECDSA_ALGS))

    def test_batch_signs_every_report(self):
        src, out = fresh_dir('batch-sign-in'), os.path.join(workdir(), 'batch-sign-out')
        shutil.rmtree(out, ignore_errors=True)
        for path in (*STANDARD_SAMPLES, SEAL_PNG):
            shutil.copy(path, src)
        done = nianbao('batch', src, '-o', out, '-j', '2', *sign_options())
        self.assertEqual(done.returncode, 0, done.stderr)
        pdfs = sorted(glob.glob(os.path.join(out, '*.pdf')))
        self.assertEqual(len(pdfs), len(STANDARD_SAMPLES), f'batch wrote {os.listdir(out)}')
        for pdf in pdfs:
            with self.subTest(pdf=os.path.basename(pdf)):
                self.assert_valid(pdf)

    def test_qpdf_check_is_clean(self):
        check(self, qpdf_problems(signed_pdf()))


class SignatureRefused(unittest.TestCase):
    """Every bad certificate: its exit status, a message naming the .p12 file and what is
    wrong, and nothing written (no PDF, no temporary file) in the output folder."""

    def refused(self, label, p12, status, words, pwfile=None, extra=()):
        c = certs()
        folder = fresh_dir('refused-' + label)
        out = os.path.join(folder, 'report.pdf')
        pass_args = () if pwfile == '' else ('--sign-pass-file', pwfile or c.pwfile)
        done = nianbao('render', CHANHE, '-o', out, '--sign', p12, *pass_args, '--sign-time', SIGN_TIME,
                       *extra)
        self.assertEqual(done.returncode, status, f'exit {done.returncode}, expected {status}: {done.stderr}')
        if status != 2:
            self.assertIn(os.path.basename(p12), done.stderr, 'the message does not name the .p12 file')
        for word in words:
            self.assertIn(word.lower(), done.stderr.lower(), f'the message does not say 「{word}」')
        self.assertEqual(os.listdir(folder), [], 'something was written to the output folder')
        return done

    def test_missing_file(self):
        self.refused('missing', os.path.join(certs().dir, 'no-such-signer.p12'), 3, ['no-such-signer.p12'])

    def test_not_a_pkcs12_file(self):
        self.refused('garbage', certs().p12['garbage'], 1, ['not a PKCS#12 file'])

    def test_wrong_password(self):
        self.refused('password', certs().p12['rsa'], 1, ['password'],
                     pwfile=os.path.join(certs().dir, 'wrong-pw.txt'))

    def test_expired(self):
        self.refused('expired', certs().p12['expired'], 1, ['expired'])

    def test_not_yet_valid(self):
        self.refused('future', certs().p12['future'], 1, ['not valid before'])

    def test_key_does_not_match_the_certificate(self):
        self.refused('mismatch', certs().p12['mismatch'], 1, ['does not match'])

    def test_password_on_the_command_line_is_a_usage_error(self):
        done = self.refused('cmdline', certs().p12['rsa'], 2, [], pwfile='',
                            extra=('--sign-pass', PASSWORD))
        self.assertNotIn(PASSWORD, done.stderr, 'the password is echoed to the terminal')


# ---------------------------------------------------------------- Tags

def struct_text_elements(lines):
    """pdfinfo -struct-text lines as [(type, text)]: each element's text is the quoted
    lines right under it."""
    elems = []
    for depth, line in lines:
        if line.startswith('"'):
            if elems:
                elems[-1][1].append(line[1:-1] if line.endswith('"') else line[1:])
        elif not line.startswith('/'):
            elems.append((line.split()[0].rstrip(':'), []))
    return [(t, squash(''.join(parts))) for t, parts in elems]


class Tags(unittest.TestCase):
    """The tagged PDF: catalog entries, the structure in reading order, the tables cell for
    cell, every text in marked content, the /ParentTree, artifacts."""

    def doc(self, sample=CHANHE):
        return model(rendered(sample))

    def test_00_readers_on_a_hand_tagged_pdf(self):
        """The walkers here work: a good hand-made file has no problems and its table reads
        back; a broken one's faults are each found."""
        d = fresh_dir('hand-tagged')
        good, bad = os.path.join(d, 'good.pdf'), os.path.join(d, 'bad.pdf')
        with open(good, 'wb') as f:
            f.write(hand_tagged_pdf())
        with open(bad, 'wb') as f:
            f.write(hand_tagged_pdf(broken=True))
        doc = model(good)
        self.assertEqual([p for m in doc.marks for p in m.problems], [])
        self.assertEqual(parent_tree_problems(doc), [])
        table = document_elem(doc).elems('Table')[0]
        cells, problems = table_grid(table)
        self.assertEqual(problems, [])
        self.assertEqual([(c.row, c.col, c.kind, c.text) for c in cells],
                         [(0, 0, 'TH', '甲乙'), (1, 0, 'TD', '12')])
        self.assertEqual(table.pages(), [0, 1])
        self.assertEqual(cells[0].elem.attr('/Scope'), '/Column')
        self.assertEqual(doc.marks[1].artifact_text(), '续表甲乙—2—')
        self.assertIn(('H1', '一、总体情况'), struct_text_elements(struct_text(good)))
        spec = [Cell(0, 0, 1, 1, '甲乙'), Cell(1, 0, 1, 1, NUMBER_TEXT)]
        self.assertEqual(grid_problems(cells, spec, {(1, 0): '12'}, 't'), [])
        self.assertEqual(len(grid_problems(cells, [Cell(0, 0, 1, 2, '甲'), Cell(1, 0, 1, 1, NUMBER_TEXT)],
                                           {(1, 0): '13'}, 't')), 3)
        broken = model(bad)
        marks = ' '.join(p for m in broken.marks for p in m.problems)
        self.assertIn('at marked-content depth 0', marks)
        self.assertIn('MCID 0 is used twice', marks)
        self.assertTrue(any('/ParentTree[0][0]' in p for p in parent_tree_problems(broken)))

    def test_catalog_marked_lang_rolemap(self):
        problems = []
        for sample in STANDARD_SAMPLES:
            doc, name = self.doc(sample), os.path.basename(sample)
            root = doc.root
            mark = doc.get(root.get('/MarkInfo')) or {}
            if mark.get('/Marked') is not True:
                problems.append(f'{name}: /MarkInfo {mark!r}, not << /Marked true >>')
            if text_of(doc.get(root.get('/Lang'))) != 'zh-CN':
                problems.append(f'{name}: /Lang {root.get("/Lang")!r}, not (zh-CN)')
            tree = doc.get(root.get('/StructTreeRoot'))
            if not isinstance(tree, dict):
                problems.append(f'{name}: no /StructTreeRoot')
                continue
            # /Title is PDF 2.0's type: mapped for 1.7 readers to /P, so that the six
            # sections are the document's only H1 (as pdfinfo -struct-text shows them)
            if (doc.get(tree.get('/RoleMap')) or {}).get('/Title') != '/P':
                problems.append(f'{name}: /RoleMap {tree.get("/RoleMap")!r} does not map /Title to /P')
            if '/ParentTree' not in tree:
                problems.append(f'{name}: /StructTreeRoot has no /ParentTree')
            problems += [f'{name}: page {i + 1} has no /StructParents' for i in range(len(doc.pages))
                         if not isinstance(doc.page(i).get('/StructParents'), int)]
            info = tool('pdfinfo', rendered(sample))
            if not re.search(r'^Tagged:\s+yes', info, re.M):
                problems.append(f'{name}: pdfinfo does not say Tagged: yes')
        check(self, problems)

    def test_pdfinfo_struct_text_headings_and_tables(self):
        """Poppler reads the six H1 headings in order and a Table per layout table."""
        problems = []
        with ThreadPoolExecutor() as pool:      # poppler takes seconds over each
            outputs = list(pool.map(struct_text, [rendered(s) for s in STANDARD_SAMPLES]))
        for sample, lines in zip(STANDARD_SAMPLES, outputs):
            name, layout = os.path.basename(sample), sample_layout(sample)
            elems = struct_text_elements(lines)
            title = squash(expected_title(layout, sample_data(sample)))
            headings = [squash(item['heading']) for item in layout['document'] if 'heading' in item]
            h1 = [text for kind, text in elems if kind == 'H1' and text != title]
            if h1 != headings:
                problems.append(f'{name}: pdfinfo -struct-text H1s {h1}, expected {headings}')
            tables, want = sum(1 for kind, _ in elems if kind == 'Table'), len(layout_tables(sample))
            if tables != want:
                problems.append(f'{name}: {tables} Table elements, the layout has {want} tables')
        check(self, problems)

    def test_document_kids_in_reading_order(self):
        """Title, P, H1, H2 + P for a run-in heading, Table, the signature's P, in order."""
        problems = []
        for sample in STANDARD_SAMPLES:
            doc, name = self.doc(sample), os.path.basename(sample)
            try:
                kids = document_elem(doc).elems()
            except AssertionError as e:
                problems.append(str(e))
                continue
            got, tables = [], iter(layout_tables(sample))
            for k in kids:
                if k.type == 'Figure':
                    continue
                got.append((k.type, next(tables, ('?',))[0] if k.type == 'Table' else k.text()))
            want = expected_blocks(sample)
            if got != want:
                at = first_difference(got, want)
                problems.append(f'{name}: /Document kid {at} is {got[at] if at < len(got) else "missing"}, '
                                f'expected {want[at] if at < len(want) else "nothing"} '
                                f'({len(got)} kids, expected {len(want)}); '
                                f'before it: {got[max(0, at - 2):at]}')
        check(self, problems)

    def test_run_in_heading_is_an_h2_before_its_paragraph(self):
        kids = document_elem(self.doc(CHANHE)).elems()
        para = prose_paragraphs(sample_data(CHANHE)['overview'])[0]      # （一）主动公开情况。2023年，…
        heading = para[:para.index('。') + 1]
        h2 = [i for i, k in enumerate(kids) if k.type == 'H2' and k.text() == heading]
        self.assertEqual(len(h2), 1, f'not one H2 「{heading}」 among '
                                     f'{[(k.type, k.text()[:12]) for k in kids]}')
        after = kids[h2[0] + 1] if h2[0] + 1 < len(kids) else None
        self.assertIsNotNone(after)
        self.assertEqual((after.type, after.text()), ('P', para[len(heading):]))

    def check_tables(self, sample, sections):
        doc, problems = self.doc(sample), []
        figures = expected_figures(sample)
        for name, elem in table_elems(doc, sample).items():
            section = sample_layout(sample)['tables'][name]['section']
            if str(section) not in sections:
                continue
            cells, found = table_grid(elem)
            spec = spec_cells(sample, name, str(section))
            where = f'{os.path.basename(sample)} table {section}'
            problems += [f'{where}: {p}' for p in found]
            rows = len(table_rows(elem)[0])
            if rows != grid_size(spec)[0]:
                problems.append(f'{where}: {rows} TR elements, the grid has {grid_size(spec)[0]} rows')
            problems += grid_problems(cells, spec, figures[name, str(section)], where)
        check(self, problems)

    def test_table_二_cells_match_the_spec_grid(self):
        self.check_tables(CHANHE, ['二'])

    def test_table_三_cells_match_the_spec_grid(self):
        self.check_tables(CHANHE, ['三'])

    def test_table_四_cells_match_the_spec_grid(self):
        self.check_tables(CHANHE, ['四'])

    def test_2019_format_tables_match_its_layout(self):
        self.check_tables(DINGDINGMEN_2020, ['二', '三', '四'])

    def test_header_cells_scope_column_others_scope_row(self):
        """A TH in the layout's header rows has /Scope /Column, any other /Scope /Row (in
        an attribute dictionary /O /Table); table 二 has no header rows in the layout, so
        its THs need a /Scope but either will do."""
        doc, problems = self.doc(CHANHE), []
        layout = sample_layout(CHANHE)
        for name, elem in table_elems(doc, CHANHE).items():
            header_rows = layout['tables'][name].get('header_rows')
            for cell in table_grid(elem)[0]:
                if cell.kind != 'TH':
                    continue
                scope = cell.elem.attr('/Scope')
                want = ('/Row', '/Column') if header_rows is None else \
                    ('/Column',) if cell.row < header_rows else ('/Row',)
                if scope not in want:
                    problems.append(f'table {name} r{cell.row}c{cell.col} 「{cell.text}」: /Scope {scope!r} '
                                    f'(with /O /Table), expected {" or ".join(want)}')
        check(self, problems)

    def test_every_text_in_one_marked_sequence(self):
        problems = []
        for sample in STANDARD_SAMPLES:
            doc = self.doc(sample)
            problems += [f'{os.path.basename(sample)}: {p}' for m in doc.marks for p in m.problems]
        check(self, problems)

    def test_parent_tree_both_ways(self):
        problems = []
        for sample in STANDARD_SAMPLES:
            problems += [f'{os.path.basename(sample)}: {p}' for p in parent_tree_problems(self.doc(sample))]
        check(self, problems)

    def test_split_table_is_one_element_with_artifact_repeats(self):
        """chanhe-2023's table 三 crosses a page: one /Table with content on both pages, its
        header rows tagged once (on the first page), the next page's 续表, repeated header
        and repeated split-cell label in artifacts only."""
        sample = SampleRun(CHANHE)
        boxes = [b for b in sample.boxes if b.table == 'requests']
        box_pages = sorted({b.page for b in boxes})
        self.assertGreater(len(box_pages), 1, f'table 三 of chanhe-2023 is on pages {box_pages}: '
                                              f'the test needs it split')
        doc = self.doc(CHANHE)
        table = table_elems(doc, CHANHE)['requests']
        self.assertEqual([p + 1 for p in table.pages()], box_pages, 'the /Table\'s content pages')
        layout = sample_layout(CHANHE)
        header_rows = layout['tables']['requests']['header_rows']
        cells = table_grid(table)[0]
        problems = []
        for cell in cells:
            pages = cell.elem.pages()
            if cell.row < header_rows and [p + 1 for p in pages] != box_pages[:1]:
                problems.append(f'header cell r{cell.row}c{cell.col} 「{cell.text}」 tagged on pages '
                                f'{[p + 1 for p in pages]}, expected only {box_pages[0]}')
        continued = layout.get('table_continued') or '续表'
        for page in box_pages[1:]:
            marks = doc.marks[page - 1]
            artifacts = marks.artifact_text()
            if continued not in artifacts:
                problems.append(f'page {page}: 「{continued}」 is not in an artifact')
            for cell in cells:
                if cell.row < header_rows and cell.text not in artifacts:
                    problems.append(f'page {page}: the repeated header 「{cell.text}」 is not in an artifact')
            for b in boxes:
                if b.page == page and b.continued and squash(b.text):
                    if squash(b.text) not in artifacts:
                        problems.append(f'page {page}: the repeated label 「{b.text}」 of split cell '
                                        f'r{b.row}c{b.col} is not in an artifact')
                    owner = next((c for c in cells if (c.row, c.col) == (b.row, b.col)), None)
                    if owner and page - 1 in owner.elem.pages():
                        problems.append(f'split cell r{b.row}c{b.col}: its element has content on page '
                                        f'{page}, where its label is only repeated')
        tagged = ''.join(t for m in doc.marks for t in m.mcid_text.values())
        if continued in squash(tagged):
            problems.append(f'「{continued}」 is tagged content, not an artifact')
        check(self, problems)

    def test_seal_is_a_figure_with_alt_text(self):
        doc = self.doc(CHANHE)
        agency = sample_data(CHANHE)['agency']
        figures = [e for e in document_elem(doc).walk() if e.type == 'Figure']
        self.assertEqual(len(figures), 1, f'{len(figures)} Figure elements, the report has one seal')
        fig = figures[0]
        self.assertIn(agency, text_of(doc.get(fig.dict.get('/Alt'))) or '', '/Alt does not name the agency')
        page = SampleRun(CHANHE).dump['images'][0]['page'] - 1
        drawn = [frame for _, frame in doc.marks[page].images]
        mcids = {m.mcid for m in fig.mcrs() if m.page == page}
        self.assertTrue(drawn and all(f is not None and f.mcid in mcids for f in drawn),
                        f'the seal image on page {page + 1} is drawn in {drawn}, the Figure holds MCIDs '
                        f'{sorted(mcids)} there')
        for sample in (DINGDINGMEN, DINGDINGMEN_2020):
            self.assertEqual([e for e in document_elem(self.doc(sample)).walk() if e.type == 'Figure'], [],
                             f'{os.path.basename(sample)} has no seal, so no Figure')

    def test_page_numbers_are_artifacts(self):
        problems = []
        for sample in STANDARD_SAMPLES:
            doc, name = self.doc(sample), os.path.basename(sample)
            for i, marks in enumerate(doc.marks):
                number = f'—{i + 1}—'
                if number not in marks.artifact_text():
                    problems.append(f'{name} page {i + 1}: {number} is not in an artifact')
                for mcid, text in marks.mcid_text.items():
                    if number in squash(text):
                        problems.append(f'{name} page {i + 1}: {number} is tagged content (MCID {mcid})')
        check(self, problems)


# ---------------------------------------------------------------- PDF/A-2b

class PdfA(unittest.TestCase):
    """PDF/A-2b (ISO 19005-2), what applies to what nianbao writes:
    - 6.1.2 the header %PDF-1.n (n ≤ 7) followed by a comment of four or more bytes > 127;
    - 6.1.3 the trailer has /ID, two strings, and no /Encrypt; nothing after the last
      %%EOF but one end of line;
    - 6.1.7 no LZWDecode, no external stream data;
    - 6.2.3 one /OutputIntents entry /S /GTS_PDFA1 with /OutputConditionIdentifier and an
      sRGB /DestOutputProfile (/N 3, 'acsp' at 36, 'RGB ' at 16, version ≤ 4);
    - 6.2.4.3 with an RGB output intent nothing in DeviceCMYK;
    - 6.2.5, 6.2.10 ExtGStates without /TR, a /TR2 other than /Default or /HTP; blend modes
      of ISO 32000-1 only (transparency is allowed, the output intent being there);
    - 6.2.8, 6.2.9 images without /Alternates, /OPI, /Interpolate true; no PostScript XObjects;
    - 6.2.11 every font embedded (FontFile/FontFile2/FontFile3) with /ToUnicode, CIDToGIDMap
      for a CIDFontType2;
    - 6.3 every annotation printable (/F: Print set, Hidden, Invisible, NoView,
      ToggleNoView clear) with an /AP of /N only; no /NeedAppearances;
    - 6.5, 6.6, 6.8, 6.9 no JavaScript, no /AA, no forbidden actions, no embedded files,
      no optional content;
    - 6.6.2 the catalog's /Metadata an unfiltered XMP stream /Type /Metadata /Subtype /XML,
      in an xpacket (no bytes= or encoding=), pdfaid:part 2, pdfaid:conformance B; 6.6.3
      every Info entry the same in XMP (dc:title x-default, dc:creator, pdf:Producer,
      xmp:CreatorTool, dates);
    - version ≤ 1.7, and qpdf --check clean.
    Signing keeps all of it (the signature appended after); --no-pdfa drops the
    identification but not the tags."""

    def files(self):
        return [rendered(s) for s in STANDARD_SAMPLES]

    def each(self, check_fn, raw=False):
        problems = []
        for pdf in self.files():
            found = check_fn(read_bytes(pdf)) if raw else check_fn(model(pdf))
            problems += [f'{os.path.basename(pdf)}: {p}' for p in found]
        check(self, problems)

    def test_00_checks_catch_faults(self):
        """A hand-made good file passes every check; a bad one fails each of them."""
        d = fresh_dir('hand-pdfa')
        good, bad = os.path.join(d, 'good.pdf'), os.path.join(d, 'bad.pdf')
        with open(good, 'wb') as f:
            f.write(hand_pdfa(True))
        with open(bad, 'wb') as f:
            f.write(hand_pdfa(False))
        check(self, pdfa_problems(good))
        quiet = [f.__name__ for f in PDFA_CHECKS if not f(model(bad))]
        quiet += [f.__name__ for f in RAW_CHECKS if not f(read_bytes(bad))]
        self.assertEqual(quiet, [], 'these checks find nothing wrong with the bad file')

    def test_header_and_binary_comment(self):
        self.each(header_problems, raw=True)

    def test_nothing_after_the_last_eof(self):
        self.each(eof_problems, raw=True)

    def test_trailer_id_no_encryption_version(self):
        self.each(trailer_problems)

    def test_fonts_embedded_with_tounicode(self):
        self.each(font_problems)

    def test_no_lzw_or_external_streams(self):
        self.each(filter_problems)

    def test_no_javascript_actions_embedded_files_layers(self):
        self.each(forbidden_problems)

    def test_xmp_metadata_matches_info(self):
        self.each(xmp_problems)

    def test_output_intent_is_srgb(self):
        self.each(output_intent_problems)

    def test_extgstate_and_blend_modes(self):
        self.each(extgstate_problems)

    def test_no_device_cmyk(self):
        self.each(colour_problems)

    def test_images(self):
        self.each(image_problems)

    def test_qpdf_check_is_clean(self):
        check(self, [p for pdf in self.files() for p in qpdf_problems(pdf)])

    def test_signed_file_is_still_pdfa(self):
        """After the signature's incremental update: every check above, the widget the one
        annotation, and the /ID's first string the unsigned file's."""
        signed = signed_pdf()
        problems = pdfa_problems(signed)
        doc = model(signed)
        annots = [a for i in range(len(doc.pages)) for a in doc.get(doc.page(i).get('/Annots')) or []]
        if not annots:
            problems.append('the signed file has no annotation (the signature widget)')
        unsigned = model(rendered(CHANHE))
        ident = [bytes_of(doc.get(x)) for x in doc.get(doc.trailer.get('/ID')) or []]
        before = [bytes_of(unsigned.get(x)) for x in unsigned.get(unsigned.trailer.get('/ID')) or []]
        if ident[:1] != before[:1] or not ident:
            problems.append(f'/ID[0] changed by signing (or is missing): {before[:1]} then {ident[:1]}')
        check(self, problems)

    def test_no_pdfa_drops_the_identification_still_tagged(self):
        pdf = rendered(CHANHE, '--no-pdfa')
        doc = model(pdf)
        meta = doc.get(doc.root.get('/Metadata'))
        data = stream_data(meta) if isinstance(meta, dict) else None
        if data:
            try:
                props = xmp_properties(data)
            except ET.ParseError as e:
                self.fail(f'--no-pdfa: the XMP is not well-formed: {e}')
            self.assertNotIn(('pdfaid', 'part'), props, '--no-pdfa still claims PDF/A')
        self.assertNotIn(b'pdfaid', read_bytes(pdf), '--no-pdfa still names pdfaid')
        self.assertIs((doc.get(doc.root.get('/MarkInfo')) or {}).get('/Marked'), True, '--no-pdfa: not tagged')
        document_elem(doc)
        check(self, [p for m in doc.marks for p in m.problems] + parent_tree_problems(doc)
              + qpdf_problems(pdf))


if __name__ == '__main__':
    sys.exit(run_tests(sys.modules[__name__]))
