#include "check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* ------------------------------------------------------------------ naming things */

/* The table a row is printed in ("三"), or "". */
static const char *S_section(const NbLayout *l, int field)
{
    const NbTableSpec *t;
    int col;
    return nb_layout_value_cell(l, field, 0, &t, &col) ? t->section : "";
}

static const char *S_column(const NbLayout *l, int field, int k)
{
    const char *s = nb_layout_column_label(l, field, k);
    return *s ? s : "?";
}

static void S_value_text(NbBuf *b, double v)
{
    NbValue x;
    nb_value_set(&x, v);
    nb_buf_puts(b, x.text);
}

/* A row's value in column k; in its 总计 column the sum of its columns, so that a wrong
 * 总计 the data gives is reported once, by the total rule, not again by every equal rule. */
static double S_cell(const NbReport *r, const NbLayout *l, int fi, int k)
{
    const NbField *f = &l->fields[fi];
    const NbRow *row = &r->rows[fi];
    if (k >= row->n) return 0;
    if (!f->total || k != f->count) return row->vals[k].v;
    double s = 0;
    for (int j = 0; j < f->count; j++) s += row->vals[j].v;
    return s;
}

static double S_term_sum(const NbReport *r, const NbLayout *l, const NbRuleTerm *t, int k)
{
    double s = 0;
    for (size_t i = 0; i < t->n; i++) s += S_cell(r, l, t->fields[i], k);
    return s;
}

/* "一 + 二 = 7" */
static double S_side(NbBuf *b, const NbReport *r, const NbLayout *l, const NbRuleTerm *t, size_t n,
                     int k)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        if (i) nb_buf_puts(b, " + ");
        nb_buf_puts(b, t[i].name);
        s += S_term_sum(r, l, &t[i], k);
    }
    nb_buf_puts(b, " = ");
    S_value_text(b, s);
    return s;
}

/* Where to point for a column of an equal rule: a summary row the data gives though it
 * could be computed (（七）总计: what the rule checks), else the first row of the right side
 * that the data gives (the side usually filled in last), else of the left, else the
 * report's top. */
static NbMark S_equal_at(const NbReport *r, const NbLayout *l, const NbRule *rule, int k)
{
    for (int pass = 0; pass < 2; pass++)
        for (int side = 0; side < 2; side++) {
            const NbRuleTerm *t = side ? rule->left : rule->right;
            size_t n = side ? rule->nleft : rule->nright;
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < t[i].n; j++) {
                    const NbRow *row = &r->rows[t[i].fields[j]];
                    if (!row->given || (pass == 0 && !l->fields[t[i].fields[j]].computed)) continue;
                    return k < row->n ? row->vals[k].mark : row->mark;
                }
        }
    return r->top;
}

/* ------------------------------------------------------------------ the rules */

/* An equal rule: per column, the named rows on the left add up to those on the right. */
static void S_equal(const NbReport *r, const NbLayout *l, const NbRule *rule, NbDiag *diag)
{
    if (!rule->nleft || !rule->left[0].n) return;
    int first = rule->left[0].fields[0], cols = r->rows[first].n;
    for (int k = 0; k < cols; k++) {
        NbBuf left = {0}, right = {0};
        double a = S_side(&left, r, l, rule->left, rule->nleft, k);
        double b = S_side(&right, r, l, rule->right, rule->nright, k);
        if (fabs(a - b) > 1e-9)
            nb_diag_add(diag, NB_ERROR, S_equal_at(r, l, rule, k), "%s column %s: %s but %s (%s)",
                        S_section(l, first), S_column(l, first, k), left.s, right.s, rule->id);
        nb_buf_free(&left);
        nb_buf_free(&right);
    }
}

/* A total rule: a 总计 the data gives equals the sum of its row. */
static void S_total(const NbReport *r, const NbLayout *l, const NbRule *rule, NbDiag *diag)
{
    for (size_t i = 0; i < rule->nfields; i++) {
        int fi = rule->fields[i];
        const NbField *f = &l->fields[fi];
        const NbRow *row = &r->rows[fi];
        if (!f->total || !row->vals[f->count].given) continue;
        NbDec s = {0, 0};
        int held = 1; /* exactly, decimals too */
        for (int k = 0; k < f->count; k++) held = held && nb_dec_add(&s, row->vals[k].dec);
        if (!held || row->vals[f->count].dec.places < 0 || nb_dec_cmp(s, row->vals[f->count].dec) == 0)
            continue; /* a figure too long to hold is the range rule's */
        NbValue sum;
        nb_value_set_dec(&sum, s);
        nb_diag_add(diag, NB_ERROR, row->vals[f->count].mark,
                    "%s %s: %s is given as %s but the columns sum to %s (%s)", S_section(l, fi),
                    f->label, S_column(l, fi, f->count), row->vals[f->count].text, sum.text, rule->id);
    }
}

/* A range rule: every value within [min, max], whole unless its row is decimal. */
static void S_range(const NbReport *r, const NbLayout *l, const NbRule *rule, NbDiag *diag)
{
    for (size_t i = 0; i < rule->nfields; i++) {
        int fi = rule->fields[i];
        const NbField *f = &l->fields[fi];
        const NbRow *row = &r->rows[fi];
        for (int k = 0; k < row->n; k++) {
            const NbValue *v = &row->vals[k];
            if (!v->given) continue;
            NbBuf lim = {0};
            const char *why = NULL;
            if (v->v < rule->min) {
                if (rule->min == 0) why = _("is negative; counts are 0 or more");
                else S_value_text(&lim, rule->min), why = _("is below the least allowed,");
            } else if (v->v > rule->max) {
                S_value_text(&lim, rule->max);
                why = _("is beyond");
            } else if (rule->whole && !f->decimal && v->v != floor(v->v)) {
                why = _("is not a whole number; a count of cases has no fraction");
            }
            if (why) {
                const char *tail = v->v > rule->max ? _("; check the figure") : "";
                nb_diag_add(diag, NB_ERROR, v->mark, "%s %s, %s: %s %s%s%s%s (%s)", S_section(l, fi),
                            f->label, S_column(l, fi, k), v->text, why, lim.s ? " " : "",
                            lim.s ? lim.s : "", tail, rule->id);
            }
            nb_buf_free(&lim);
        }
    }
}

/* ------------------------------------------------------------------ phrases in the prose */

static int S_clause_end(uint32_t cp)
{
    return cp == 0xFF0C || cp == 0x3002 || cp == 0xFF1B || cp == 0xFF1A || cp == 0xFF01 ||
           cp == 0xFF1F || cp == '\n' || cp == ';' || cp == ',';
}

static int S_digit(char c) { return c >= '0' && c <= '9'; }

/* Does pat match text at t ({n} a number, … up to 15 characters within a clause)? *out: its
 * end. */
static int S_match(const char *pat, const char *t, const char *end, const char **out, double *num)
{
    if (!*pat) {
        *out = t;
        return 1;
    }
    if (strncmp(pat, "{n}", 3) == 0) {
        const char *q = t;
        while (q < end && S_digit(*q)) q++;
        if (q == t || q - t > 12) return 0;
        char digits[16];
        memcpy(digits, t, (size_t)(q - t));
        digits[q - t] = 0;
        *num = strtod(digits, NULL);
        return S_match(pat + 3, q, end, out, num);
    }
    const char *pp = pat, *pend = pat + strlen(pat);
    uint32_t pc = nb_utf8_next(&pp, pend);
    if (pc == 0x2026) { /* …: the shortest run of up to 15 characters within the clause */
        const char *q = t;
        for (int n = 0; n <= 15; n++) {
            if (S_match(pp, q, end, out, num)) return 1;
            if (q >= end || S_clause_end(nb_utf8_next(&q, end))) return 0;
        }
        return 0;
    }
    if (t >= end) return 0;
    const char *q = t;
    return nb_utf8_next(&q, end) == pc && S_match(pp, q, end, out, num);
}

int nb_phrase_find(const char *pattern, const char *text, size_t from, size_t *start, size_t *end,
                   double *number)
{
    const char *t = text + from, *stop = text + strlen(text);
    int lead_number = strncmp(pattern, "{n}", 3) == 0;
    /* a pattern that starts with a literal character: jump from one of those to the next */
    char lead[5] = {0};
    if (!lead_number && (unsigned char)pattern[0] >= 0x80) {
        const char *pp = pattern;
        if (nb_utf8_next(&pp, pattern + strlen(pattern)) != 0x2026)
            memcpy(lead, pattern, (size_t)(pp - pattern) < 4 ? (size_t)(pp - pattern) : 4);
    }
    while (t < stop) {
        if (lead[0] && !(t = strstr(t, lead))) return 0;
        const char *got;
        /* a number is matched whole: not from inside another */
        if (!(lead_number && t > text && S_digit(t[-1])) && S_match(pattern, t, stop, &got, number)) {
            *start = (size_t)(t - text), *end = (size_t)(got - text);
            return 1;
        }
        nb_utf8_next(&t, stop);
    }
    return 0;
}

/* "三 一、本年新收政府信息公开申请数量, 总计" for a phrase's cells. */
static void S_cells_text(NbBuf *b, const NbLayout *l, const NbPhrase *ph)
{
    const NbCellRef *c0 = &ph->cells[0], *cn = &ph->cells[ph->ncells - 1];
    nb_buf_printf(b, "%s %s", S_section(l, c0->field), l->fields[c0->field].label);
    if (cn->field != c0->field) nb_buf_printf(b, " … %s", l->fields[cn->field].label);
    nb_buf_printf(b, ", %s", S_column(l, c0->field, c0->from));
    if (cn->to != c0->from) nb_buf_printf(b, " … %s", S_column(l, cn->field, cn->to));
}

#define S_MAX_WARNINGS 20

/* One statement, one check: words an earlier phrase already matched (新收到…申请 read
 * by both 新收…申请 and 收到…申请) are not read again. */
static int S_claimed(const size_t *spans, size_t n, size_t a, size_t e)
{
    for (size_t k = 0; k < n; k++)
        if (a < spans[2 * k + 1] && spans[2 * k] < e) return 1;
    return 0;
}

/* A prose rule: every figure the text states beside a table's terms, against the table
 * (warnings). */
static void S_prose(const NbReport *r, const NbLayout *l, const NbRule *rule, NbDiag *diag)
{
    size_t shown = 0, more = 0; /* a text that says a thing a thousand times: twenty suffice */
    for (size_t i = 0; i < r->nprose; i++) {
        const NbProse *p = &r->prose[i];
        size_t *spans = NULL, nspans = 0, cap = 0;
        for (size_t j = 0; j < rule->nphrases; j++) {
            const NbPhrase *ph = &rule->phrases[j];
            if (!ph->ncells) continue;
            size_t at = 0, a, e;
            double said = 0;
            while (nb_phrase_find(ph->find, p->text, at, &a, &e, &said)) {
                at = e > a ? e : a + 1;
                if (S_claimed(spans, nspans, a, e)) continue;
                nb_grow(&spans, &cap, 2 * (nspans + 1), sizeof *spans);
                spans[2 * nspans] = a, spans[2 * nspans + 1] = e, nspans++;
                if (ph->has_means) said = ph->means;
                double table = 0;
                for (size_t k = 0; k < ph->ncells; k++) {
                    const NbRow *row = &r->rows[ph->cells[k].field];
                    for (int c = ph->cells[k].from; c <= ph->cells[k].to && c < row->n; c++)
                        table += row->vals[c].v;
                }
                if (fabs(table - said) <= 1e-9) continue;
                if (shown == S_MAX_WARNINGS) {
                    more++;
                    continue;
                }
                shown++;
                const NbRow *row = &r->rows[ph->cells[0].field];
                NbMark there = row->vals[ph->cells[0].from].mark;
                NbBuf cells = {0}, value = {0};
                S_cells_text(&cells, l, ph);
                S_value_text(&value, table);
                int nth = 0; /* the same words earlier in this field */
                for (size_t b = 0; b + (e - a) <= a; b++) nth += !memcmp(p->text + b, p->text + a, e - a);
                nb_diag_add(diag, NB_WARNING, nb_report_locate(&p->src, p->text + a, e - a, nth),
                            "the text says “%.*s” but %s is %s (%s:%d:%d) (%s)", (int)(e - a),
                            p->text + a, cells.s, value.s, there.file, there.line, there.col,
                            rule->id);
                nb_buf_free(&cells);
                nb_buf_free(&value);
            }
        }
        free(spans);
    }
    if (more)
        nb_diag_add(diag, NB_WARNING, r->top, "and %zu more figures in the text disagree with the tables (%s)",
                    more, rule->id);
}

void nb_check_report(const NbReport *r, const NbLayout *l, NbDiag *diag)
{
    for (size_t i = 0; i < l->nrules; i++) {
        const NbRule *rule = &l->rules[i];
        switch (rule->kind) {
        case NB_RULE_EQUAL: S_equal(r, l, rule, diag); break;
        case NB_RULE_TOTAL: S_total(r, l, rule, diag); break;
        case NB_RULE_RANGE: S_range(r, l, rule, diag); break;
        case NB_RULE_PROSE: S_prose(r, l, rule, diag); break;
        case NB_RULE_CARRY: break; /* nb_check_previous */
        }
    }
}

void nb_check_previous(const NbReport *r, const NbReport *prev, const NbLayout *l, NbDiag *diag)
{
    for (size_t i = 0; i < l->nrules; i++) {
        const NbRule *rule = &l->rules[i];
        if (rule->kind != NB_RULE_CARRY) continue;
        const NbRow *now = &r->rows[rule->this_field], *then = &prev->rows[rule->prev_field];
        const NbField *fn = &l->fields[rule->this_field], *fp = &l->fields[rule->prev_field];
        for (int k = 0; k < now->n && k < then->n; k++) {
            if (fabs(now->vals[k].v - then->vals[k].v) <= 1e-9) continue;
            const NbMark *t = &then->vals[k].mark;
            nb_diag_add(diag, NB_ERROR, now->vals[k].mark,
                        "%s column %s: %s = %s but last year's %s = %s (%s:%d:%d) (%s)",
                        S_section(l, rule->this_field), S_column(l, rule->this_field, k), fn->label,
                        now->vals[k].text, fp->label, then->vals[k].text, t->file, t->line, t->col,
                        rule->id);
        }
    }
}
