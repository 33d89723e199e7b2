#!/usr/bin/env python3
"""Generate N different, valid reports for batch benchmarks, as a district would have them:
each its own unit name, its own figures (consistent with every rule, R1–R7) and its own
prose drawn from the samples' sentences, so that no two reports share a glyph set.

    python3 bench/gen.py N OUTDIR [--seed S]
"""
import argparse
import copy
import os
import random
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = [os.path.join(ROOT, 'samples', n) for n in ('dingdingmen-2023.yaml', 'chanhe-2023.yaml')]
PROSE = ('overview', 'problems', 'other_matters')
# characters that make up place names, all in the free fonts' coverage
NAME_CHARS = ('东西南北中新安平和兴华长宁广永福德清江河山林阳明光泰康庆丰盛嘉文武成富'
              '龙凤鹤松柏梅兰竹桂湖海洲城关桥园里坊口湾塘岭峰源泉溪川')
SUFFIX = ('街道办事处', '镇人民政府', '乡人民政府', '局', '委员会')


def sentences():
    """Sentences of the samples' prose, without numbers (so they state no figure)."""
    out = []
    for path in SAMPLES:
        with open(path, encoding='utf-8') as f:
            data = yaml.safe_load(f)
        for key in ('preamble',) + PROSE:
            for s in re.split(r'(?<=。)', data.get(key) or ''):
                s = s.strip()
                if s and not re.search(r'[0-9]|收到|申请|复议|诉讼|结转|规范性文件', s):
                    out.append(s.replace('\n', ''))
    return out


def split(total, parts, rng):
    """total as `parts` non-negative integers."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


def report(i, rng, pool, base):
    name = ''.join(rng.choice(NAME_CHARS) for _ in range(rng.randint(2, 4)))
    sub = ''.join(rng.choice(NAME_CHARS) for _ in range(rng.randint(2, 3)))
    agency = f'{name}区{sub}{rng.choice(SUFFIX)}'
    data = copy.deepcopy(base)
    data['agency'] = agency
    data.pop('title', None)
    for key in PROSE:
        paras = []
        for _ in range(rng.randint(1, 4)):
            paras.append(''.join(rng.sample(pool, rng.randint(2, 5))))
        data[key] = '\n\n'.join(paras) + '\n'
    data['preamble'] = f'本报告由{agency}编制。' + ''.join(rng.sample(pool, 2)) + '\n'
    # table 三 per applicant column: new + carried_over = handled + carried_forward (R1),
    # handled spread over the result rows (R3)
    req = data['requests']
    results = [('granted',), ('partly_granted',)] + \
              [('denied', k) for k in req['denied']] + [('unavailable', k) for k in req['unavailable']] + \
              [('not_processed', k) for k in req['not_processed']] + [('other', k) for k in req['other']]
    cols = {key: [0] * 6 for key in ('new', 'carried_over', 'carried_forward')}
    res = {r: [0] * 6 for r in results}
    for c in range(6):
        new, over = rng.randint(0, 30), rng.randint(0, 5)
        fwd = rng.randint(0, new + over)
        cols['new'][c], cols['carried_over'][c], cols['carried_forward'][c] = new, over, fwd
        for r, v in zip(results, split(new + over - fwd, len(results), rng)):
            res[r][c] = v
    for key, vals in cols.items():
        req[key] = vals
    for r, vals in res.items():
        if len(r) == 1:
            req[r[0]] = vals
        else:
            req[r[0]][r[1]] = vals
    ad = data['active_disclosure']
    ad['regulations'] = [rng.randint(0, 3) for _ in range(3)]
    ad['normative_documents'] = [rng.randint(0, 9) for _ in range(3)]
    for k in ('licensing', 'penalties', 'enforcement'):
        ad[k] = rng.randint(0, 300)
    ad['fees'] = round(rng.random() * 5, 2)
    for k in data['appeals']:
        data['appeals'][k] = [rng.randint(0, 3) for _ in range(4)]
    return data


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('n', type=int)
    ap.add_argument('outdir')
    ap.add_argument('--seed', type=int, default=2023)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    pool = sentences()
    with open(SAMPLES[0], encoding='utf-8') as f:
        base = yaml.safe_load(f)
    os.makedirs(a.outdir, exist_ok=True)
    dumper = getattr(yaml, 'CSafeDumper', yaml.SafeDumper)
    for i in range(a.n):
        with open(os.path.join(a.outdir, f'r{i:05d}.yaml'), 'w', encoding='utf-8') as f:
            yaml.dump(report(i, rng, pool, base), f, Dumper=dumper, allow_unicode=True, sort_keys=False)


if __name__ == '__main__':
    main()
