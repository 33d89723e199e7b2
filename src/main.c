/* nianbao: the command line. */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "job.h"
#include "layout.h"
#include "util.h"
#include "xlsx.h"

#ifndef NB_VERSION
#define NB_VERSION "0.1.0"
#endif
#ifndef NB_DATADIR
#define NB_DATADIR "/usr/local/share/nianbao"
#endif
#ifndef NB_LOCALEDIR
#define NB_LOCALEDIR NB_DATADIR "/locale"
#endif

enum { EXIT_DATA = 1, EXIT_USAGE = 2, EXIT_SYSTEM = 3 };

typedef struct {
    const char *cmd;
    const char **inputs;
    size_t ninputs;
    const char *out;
    const char *layout;
    const char *paper;
    const char *dump_boxes;
    const char *previous;
    const char *manifest, *summary, *agency, *combine, *manifest_encoding, *xlsx, *from;
    int duplex, allow_incomplete;
    const char *sign, *sign_pass_file, *sign_reason, *sign_location, *sign_time;
    int no_pdfa;
    const NbSigner *signer;
    const char *jobs;
    int workers;
    const char *font_dirs[16];
    size_t nfont_dirs;
    int quiet;
} S_Opts;

static const char S_usage[] = N_(
    "usage: nianbao render REPORT.yaml [-o OUT.pdf] [options]\n"
    "       nianbao check REPORT.yaml...\n"
    "       nianbao batch REPORT.yaml...|FOLDER... -o OUTDIR [-j N] [options]\n"
    "       nianbao template [-o report.yaml | --xlsx BOOK.xlsx [--from REPORT]]\n"
    "\n"
    "Typesets the 政府信息公开工作年度报告 from YAML data into a print-ready PDF.\n"
    "\n"
    "commands:\n"
    "  render     check the data, then write the PDF (default: REPORT.pdf beside the input)\n"
    "  check      check the data only; prints every problem with file:line:col\n"
    "  template   print (or -o FILE: write) a blank report to fill in, every column named\n"
    "             (--xlsx BOOK.xlsx: as an Excel workbook; --from REPORT: filled in)\n"
    "  batch      check and render many reports, one PDF each into OUTDIR; a bad report\n"
    "             never stops the others\n"
    "\n"
    "options:\n"
    "  -o, --output FILE   where to write the PDF\n"
    "  --paper SIZE        A4 (default), A3, A2, B4, …: the report set again for that sheet\n"
    "  --fonts DIR         also look for fonts in DIR (repeatable)\n"
    "  --layout ID|FILE    the report format (default: the report's layout: or "
    "gov-info-disclosure-2021)\n"
    "batch options:\n"
    "  -j, --jobs N        worker processes (default: one per core)\n"
    "  --manifest FILE     a CSV line per report: input, output, agency, year, pages, bytes,\n"
    "                      status, its first error and all its messages (UTF-8 with a BOM,\n"
    "                      which Excel and WPS read)\n"
    "  --manifest-encoding gbk|gb18030|utf-8\n"
    "                      the manifest in GBK (or GB18030) for older spreadsheet programs\n"
    "  --summary OUT.pdf   also the 汇总 report: every table summed over the reports rendered\n"
    "                      (its data is written beside it as OUT.yaml)\n"
    "  --agency NAME       the 汇总 report's agency (with --summary)\n"
    "  --allow-incomplete  make the 汇总 even when some units failed or were refused; it\n"
    "                      names them (without it, it is not made then)\n"
    "  --combine OUT.pdf   also one PDF holding every report rendered, in order, for printing\n"
    "  --duplex            with --combine: every report starts on an odd page, for two-sided\n"
    "                      printing (a blank page where needed)\n"
    "\n"
    "  --previous FILE     last year's report: check that its 结转 is this year's 上年结转\n"
    "                      (batch: the folder of last year's reports, each unit's by agency)\n"
    "  --sign FILE.p12     sign the PDF (PAdES) with the key and certificate in FILE.p12; its\n"
    "                      password from --sign-pass-file FILE or NIANBAO_SIGN_PASS\n"
    "  --sign-reason TEXT, --sign-location TEXT   said in the signature\n"
    "  --sign-time TIME    a fixed signing time (2025-01-20T09:00:00Z), for reproducible files\n"
    "  --no-pdfa           not PDF/A-2b (the default is PDF/A-2b, tagged for screen readers)\n"
    "  --dump-boxes FILE   also write the positions of table cells and images as JSON (tests)\n"
    "  -q, --quiet         print errors only\n"
    "  -h, --help          this help\n"
    "  --version           the version\n"
    "\n"
    "exit status: 0 done; 1 the data is wrong (nothing written); 2 usage; 3 system failure\n");

/* Each command's own --help. */
static const struct {
    const char *cmd, *text;
} S_command_help[] = {
    {"render", N_("usage: nianbao render REPORT.yaml [-o OUT.pdf] [options]\n"
                  "\n"
                  "Checks the report, then writes its PDF (default: REPORT.pdf beside it). Nothing is\n"
                  "written when the data is wrong; every problem is printed as file:line:col.\n"
                  "\n"
                  "  -o, --output FILE   where to write the PDF (- for standard output)\n"
                  "  --paper SIZE        A4 (default), A3, A2, B4, …: set again for that sheet\n"
                  "  --fonts DIR         also look for fonts in DIR (repeatable)\n"
                  "  --layout ID|FILE    the report format (default: the report's layout:)\n"
                  "  --previous FILE     last year's report: its 结转 must be this year's 上年结转\n"
                  "  --sign FILE.p12     sign it (PAdES); the password from --sign-pass-file FILE\n"
                  "                      or NIANBAO_SIGN_PASS; --sign-reason, --sign-location TEXT\n"
                  "  --no-pdfa           not PDF/A-2b (the default)\n"
                  "  -q, --quiet         print errors only\n")},
    {"check", N_("usage: nianbao check REPORT.yaml... [options]\n"
                 "\n"
                 "Checks reports without writing anything: every problem of each, as file:line:col.\n"
                 "\n"
                 "  --layout ID|FILE    the report format (default: the report's layout:)\n"
                 "  --previous FILE     last year's report: its 结转 must be this year's 上年结转\n"
                 "  -q, --quiet         print errors only\n")},
    {"template", N_("usage: nianbao template [-o report.yaml] [--layout ID|FILE]\n"
                    "       nianbao template --xlsx BOOK.xlsx [--from REPORT]\n"
                    "\n"
                    "A blank report to fill in: every row's columns named, the fee's unit, an example\n"
                    "paragraph for each section (a report still holding one is refused).\n"
                    "\n"
                    "  -o, --output FILE   write it to FILE (default: standard output)\n"
                    "  --xlsx BOOK.xlsx    an Excel workbook instead: the unit's sheet and a sheet\n"
                    "                      per table drawn as printed (render, check, batch read it)\n"
                    "  --from REPORT       fill it from a report (YAML or a workbook): last year's\n"
                    "  --layout ID|FILE    the report format (default: gov-info-disclosure-2021)\n")},
    {"batch", N_("usage: nianbao batch REPORT.yaml...|FOLDER... -o OUTDIR [options]\n"
                 "\n"
                 "Checks and renders many reports, one PDF each into OUTDIR; a bad report never stops\n"
                 "the others. Each unit counts once; no output may replace an input.\n"
                 "\n"
                 "  -j, --jobs N        worker processes (default: one per core)\n"
                 "  --manifest FILE     a CSV line per report (UTF-8 with a BOM)\n"
                 "  --manifest-encoding gbk|gb18030|utf-8\n"
                 "  --summary OUT.pdf   the 汇总 report (with --agency NAME)\n"
                 "  --allow-incomplete  make the 汇总 even when units failed; it names them\n"
                 "  --combine OUT.pdf   one PDF of every report, in order (--duplex: odd pages)\n"
                 "  --previous DIR      last year's reports, each unit's found by its agency\n"
                 "  --sign FILE.p12     sign every report (as render --sign)\n"
                 "  --paper, --fonts, --layout, --no-pdfa, -q as for render\n")},
};

static int S_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "nianbao: ");
    fprintf(stderr, gettext(fmt), arg);
    fprintf(stderr, _("\nTry 'nianbao --help'.\n"));
    return EXIT_USAGE;
}

static int S_is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The folder holding layouts/ and fonts/: $NIANBAO_DATA, the program's own folder (a
 * build tree), or the installed data folder. */
static char *S_data_dir(void)
{
    const char *env = getenv("NIANBAO_DATA");
    if (env && *env) return nb_xstrdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            char *probe = nb_xasprintf("%s/layouts", exe);
            int here = S_is_dir(probe);
            free(probe);
            if (here) return nb_xstrdup(exe);
        }
    }
    return nb_xstrdup(NB_DATADIR);
}

static char *S_default_out(const char *input)
{
    size_t n = strlen(input) - nb_report_ext(input);
    return nb_xasprintf("%.*s.pdf", (int)n, input);
}

static NbJobOpts S_job_opts(const S_Opts *o, const char *data)
{
    return (NbJobOpts){data, o->layout, o->paper, o->previous, o->font_dirs, o->nfont_dirs, NULL, 0,
                       !o->no_pdfa, o->signer};
}

/* render: one report to its PDF. */
static int S_render(const S_Opts *o, const char *data)
{
    const char *input = o->inputs[0];
    NbDiag diag = {0};
    char *out = o->out ? nb_xstrdup(o->out) : S_default_out(input);
    int status;
    char *in_key = nb_path_key(input), *out_key = nb_path_key(out);
    int same = strcmp(in_key, out_key) == 0;
    free(in_key);
    free(out_key);
    if (S_is_dir(out)) {
        nb_diag_add(&diag, NB_ERROR, (NbMark){out, 0, 0},
                    "the output is a folder; give a file name such as %s/report.pdf", out);
        status = EXIT_USAGE;
    } else if (same) {
        nb_diag_add(&diag, NB_ERROR, (NbMark){out, 0, 0},
                    "the output would replace the report itself; give another name with -o");
        status = EXIT_USAGE;
    } else {
        NbJobOpts jo = S_job_opts(o, data);
        NbWorker *w = nb_worker_new(&jo);
        NbJobResult res = nb_worker_run(w, input, NULL, 0, out, o->dump_boxes, &diag);
        nb_worker_free(w);
        status = (int)res.status;
        /* with -o - the PDF is standard output: the count goes to standard error */
        struct stat st; /* a PDF sent to a pipe or a device: the count goes to stderr */
        int plain = strcmp(out, "-") != 0 && (stat(out, &st) != 0 || S_ISREG(st.st_mode));
        if (!o->quiet && !status)
            fprintf(plain ? stdout : stderr, _("%s: %zu pages, %zu bytes\n"),
                    strcmp(out, "-") ? out : "(standard output)", res.pages, res.bytes);
    }
    nb_diag_print_some(&diag, stderr, o->quiet);
    nb_diag_free(&diag);
    free(out);
    return status;
}

/* check: every report given, each one's problems printed after its name. */
static int S_check(const S_Opts *o, const char *data)
{
    int status = 0;
    NbJobOpts jo = S_job_opts(o, data);
    NbWorker *w = nb_worker_new(&jo);
    for (size_t i = 0; i < o->ninputs; i++) {
        NbDiag diag = {0};
        NbJobResult res = nb_worker_run(w, o->inputs[i], NULL, 0, NULL, NULL, &diag);
        if (res.status && status != EXIT_SYSTEM) status = (int)res.status;
        if (!res.status && !o->quiet)
            fprintf(stderr, diag.warnings ? _("%s: ok, with warnings\n") : _("%s: ok\n"), o->inputs[i]);
        nb_diag_print_some(&diag, stderr, o->quiet);
        nb_diag_free(&diag);
    }
    nb_worker_free(w);
    return status;
}

/* The labels of a row's columns, as the printed table heads them: "自然人, 商业企业, …". */
static void S_column_names(NbBuf *b, const NbLayout *l, int fi)
{
    const NbField *f = &l->fields[fi];
    for (int k = 0; k < f->count; k++)
        nb_buf_printf(b, "%s%s", k ? ", " : "", nb_layout_column_label(l, fi, k));
    if (f->total) nb_buf_printf(b, " (and a %s to check, if you like)", nb_layout_column_label(l, fi, f->count));
}

/* template --xlsx: the workbook to fill in, blank or filled from --from (a report, YAML or
 * a workbook, so that a unit starts from last year's file). */
static int S_template_xlsx(const S_Opts *o, const char *data)
{
    NbDiag diag = {0};
    NbJobOpts jo = S_job_opts(o, data);
    NbWorker *w = nb_worker_new(&jo);
    const NbLayout *l = NULL;
    NbLayout *own = NULL;
    NbReport *r = NULL;
    int status = 0;
    if (o->from) {
        r = nb_worker_load(w, o->from, &l, &diag);
        struct stat st;
        if (!r) status = stat(o->from, &st) == 0 && S_ISREG(st.st_mode) ? EXIT_DATA : EXIT_SYSTEM;
    } else {
        char *path = nb_layout_path(data, o->layout ? o->layout : NB_DEFAULT_LAYOUT);
        l = own = nb_layout_load(path, &diag);
        free(path);
        if (!l) status = EXIT_SYSTEM;
    }
    char *err = NULL;
    if (!status && !nb_xlsx_template(l, r, o->xlsx, &err)) {
        nb_diag_add(&diag, NB_ERROR, (NbMark){o->xlsx, 0, 0}, "cannot write the workbook: %s", err);
        status = EXIT_SYSTEM;
    }
    free(err);
    nb_diag_print_some(&diag, stderr, o->quiet);
    if (!status && !o->quiet)
        fprintf(stderr, _("%s: a workbook to fill in; then: nianbao render %s\n"), o->xlsx, o->xlsx);
    nb_diag_free(&diag);
    nb_report_free(r);
    nb_layout_free(own);
    nb_worker_free(w);
    return status;
}

/* template: a blank report of the layout, every row's columns named above it and every
 * prose field holding its guidance, on standard output or -o FILE. */
static int S_template(const S_Opts *o, const char *data)
{
    if (o->ninputs)
        return S_usage_error("template takes no report; write it to a file with -o FILE, not '%s'",
                             o->inputs[0]);
    if (o->xlsx) return S_template_xlsx(o, data);
    if (o->from) return S_usage_error("--from is for template --xlsx BOOK.xlsx%s", "");
    NbDiag diag = {0};
    char *path = nb_layout_path(data, o->layout ? o->layout : NB_DEFAULT_LAYOUT);
    NbLayout *l = nb_layout_load(path, &diag);
    free(path);
    if (!l) {
        nb_diag_print_some(&diag, stderr, o->quiet);
        nb_diag_free(&diag);
        return EXIT_SYSTEM;
    }
    NbBuf b = {0};
    static const char *const names[] = {"name", "id"};
    const char *values[] = {l->name, l->id};
    char *head = nb_expand(l->template_head, names, values, 2);
    nb_buf_puts(&b, head);
    free(head);
    const char *prev = "";
    for (size_t bl = 0; bl < l->nblocks; bl++) {
        const NbBlockSpec *s = &l->blocks[bl];
        if (s->kind == NB_BLK_HEADING) nb_buf_printf(&b, "\n# %s\n", s->text);
        if (s->kind == NB_BLK_PROSE) {
            const char *guide = nb_layout_guidance(l, s->text);
            nb_buf_yaml_block(&b, s->text, guide ? guide : l->template_prose);
        }
        if (s->kind != NB_BLK_TABLE) continue;
        const NbTableSpec *t = &l->tables[s->table];
        NbBuf last = {0}; /* the columns named above the rows so far */
        for (size_t i = 0; i < t->ncells; i++) {
            int fi = t->cells[i].field;
            if (fi < 0 || t->cells[i].index != 0 || l->fields[fi].computed) continue;
            const NbField *f = &l->fields[fi];
            NbBuf cols = {0};
            S_column_names(&cols, l, fi);
            if (f->count > 1 && (!last.s || strcmp(cols.s, last.s) != 0)) {
                nb_buf_printf(&b, "  # each row: %s\n", cols.s);
                last.len = 0;
                nb_buf_puts(&last, cols.s);
            }
            NbBuf key = {0};
            nb_layout_row_key(&key, prev, f->path);
            nb_buf_puts(&b, key.s);
            nb_buf_free(&key);
            if (f->count == 1) nb_buf_puts(&b, "0");
            else {
                nb_buf_puts(&b, "[");
                for (int k = 0; k < f->count; k++) nb_buf_printf(&b, "%s0", k ? ", " : "");
                nb_buf_puts(&b, "]");
            }
            /* a single figure: its column says what it counts, and in which unit (万元) */
            if (f->count == 1) nb_buf_printf(&b, "   # %s: %s\n", f->label, cols.s);
            else nb_buf_printf(&b, "   # %s\n", f->label);
            nb_buf_free(&cols);
            prev = f->path;
        }
        nb_buf_free(&last);
    }
    nb_layout_free(l);
    nb_diag_free(&diag);
    const char *err = NULL;
    int ok = o->out ? nb_write_atomic(o->out, b.s, b.len, &err) : fwrite(b.s, 1, b.len, stdout) == b.len;
    if (!ok) fprintf(stderr, _("%s: error: cannot write the template: %s\n"), o->out ? o->out : "-",
                     err ? err : strerror(errno));
    else if (o->out && !o->quiet)
        fprintf(stderr, _("%s: a blank report to fill in; then: nianbao render %s\n"), o->out, o->out);
    nb_buf_free(&b);
    return ok ? 0 : EXIT_SYSTEM;
}

/* An option's value, for the options that take one: 1 if a was such an option. */
static int S_option_value(S_Opts *o, const char *a, const char *val)
{
    if (!strcmp(a, "-o") || !strcmp(a, "--output")) o->out = val;
    else if (!strcmp(a, "--layout")) o->layout = val;
    else if (!strcmp(a, "--paper")) o->paper = val;
    else if (!strcmp(a, "--dump-boxes")) o->dump_boxes = val;
    else if (!strcmp(a, "--previous")) o->previous = val;
    else if (!strcmp(a, "--manifest")) o->manifest = val;
    else if (!strcmp(a, "--summary")) o->summary = val;
    else if (!strcmp(a, "--agency")) o->agency = val;
    else if (!strcmp(a, "--combine")) o->combine = val;
    else if (!strcmp(a, "--manifest-encoding")) o->manifest_encoding = val;
    else if (!strcmp(a, "--xlsx")) o->xlsx = val;
    else if (!strcmp(a, "--from")) o->from = val;
    else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) o->jobs = val;
    else if (!strcmp(a, "--sign")) o->sign = val;
    else if (!strcmp(a, "--sign-pass-file")) o->sign_pass_file = val;
    else if (!strcmp(a, "--sign-reason")) o->sign_reason = val;
    else if (!strcmp(a, "--sign-location")) o->sign_location = val;
    else if (!strcmp(a, "--sign-time")) o->sign_time = val;
    else if (!strcmp(a, "--fonts")) {
        if (o->nfont_dirs < 16) o->font_dirs[o->nfont_dirs++] = val;
    } else return 0;
    return 1;
}

static int S_takes_value(const char *a)
{
    static const char *const opts[] = {"-o", "--output", "--layout", "--paper", "--fonts",
                                       "--dump-boxes", "--previous", "-j", "--jobs", "--manifest",
                                       "--summary", "--agency", "--combine", "--manifest-encoding",
                                       "--xlsx", "--from", "--sign", "--sign-pass-file",
                                       "--sign-reason", "--sign-location", "--sign-time"};
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
        if (!strcmp(a, opts[i])) return 1;
    return 0;
}

/* The values that must be checked once all are read: -j, --fonts, --paper. Returns an
 * exit status, or -1 when they are good. */
static int S_check_values(S_Opts *o)
{
    if (o->jobs) {
        char *end;
        long n = strtol(o->jobs, &end, 10);
        if (*end || n < 1 || n > 256)
            return S_usage_error("-j takes a number of workers from 1 to 256, not '%s'", o->jobs);
        o->workers = (int)n;
    }
    for (size_t i = 0; i < o->nfont_dirs; i++)
        if (!S_is_dir(o->font_dirs[i])) return S_usage_error("--fonts %s: no such folder", o->font_dirs[i]);
    double w, h;
    if (o->paper && !nb_paper_size(o->paper, &w, &h))
        return S_usage_error("unknown paper size '%s' (A4, A3, A2, A1, A5, B5, B4, B3)", o->paper);
    return -1;
}

/* The command line into o. Returns an exit status when there is nothing more to do (help,
 * version, a usage error), else -1. */
static int S_parse(int argc, char **argv, S_Opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { /* after a command: its own */
            const char *text = S_usage;
            for (size_t k = 0; o->cmd && k < sizeof S_command_help / sizeof *S_command_help; k++)
                if (!strcmp(o->cmd, S_command_help[k].cmd)) text = S_command_help[k].text;
            fputs(_(text), stdout);
            return 0;
        }
        if (!strcmp(a, "--version")) {
            printf("nianbao %s\n", NB_VERSION);
            return 0;
        }
        if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if (!strcmp(a, "--duplex")) {
            o->duplex = 1;
        } else if (!strcmp(a, "--allow-incomplete")) {
            o->allow_incomplete = 1;
        } else if (!strcmp(a, "--pdfa") || !strcmp(a, "--no-pdfa")) {
            o->no_pdfa = a[2] == 'n';
        } else if (!strcmp(a, "--sign-pass") || !strncmp(a, "--sign-pass=", 12) ||
                   !strcmp(a, "--password")) {
            return S_usage_error("%s: a password is never given on the command line (others see "
                                 "it in the process list); use --sign-pass-file FILE or "
                                 "NIANBAO_SIGN_PASS", a);
        } else if (S_takes_value(a)) {
            if (i + 1 >= argc) return S_usage_error("%s needs a value", a);
            S_option_value(o, a, argv[++i]);
        } else if (a[0] == '-' && a[1]) {
            return S_usage_error("unknown option '%s'", a);
        } else if (!o->cmd) {
            o->cmd = a;
        } else {
            o->inputs[o->ninputs++] = a;
        }
    }
    return S_check_values(o);
}

static int S_dispatch(const S_Opts *o, const char *data);

/* --sign: the signer loaded and checked before any work, then the command. */
static int S_dispatch_signed(S_Opts *o, const char *data)
{
    int render = o->cmd && (!strcmp(o->cmd, "render") || !strcmp(o->cmd, "batch"));
    if (!o->sign) {
        const char *extra = o->sign_pass_file ? "--sign-pass-file" : o->sign_reason ? "--sign-reason"
                            : o->sign_location ? "--sign-location" : o->sign_time ? "--sign-time" : NULL;
        if (extra) return S_usage_error("%s is for --sign FILE.p12", extra);
        return S_dispatch(o, data);
    }
    if (!render) return S_usage_error("--sign is for render and batch, not %s", o->cmd ? o->cmd : "");
    NbDiag diag = {0};
    int status = 0;
    NbSignOpts so = {o->sign, o->sign_pass_file, o->sign_reason, o->sign_location, o->sign_time};
    NbSigner *signer = nb_signer_load(&so, &diag, &status);
    nb_diag_print_some(&diag, stderr, o->quiet);
    nb_diag_free(&diag);
    if (!signer) return status ? status : EXIT_DATA;
    o->signer = signer;
    status = S_dispatch(o, data);
    o->signer = NULL;
    nb_signer_free(signer);
    return status;
}

/* Run the command the options name. */
static int S_dispatch(const S_Opts *o, const char *data)
{
    if (!o->cmd) {
        fputs(_(S_usage), stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(o->cmd, "render"))
        return o->ninputs == 1 ? S_render(o, data) : S_usage_error("render takes one REPORT.yaml%s", "");
    if (!strcmp(o->cmd, "check"))
        return o->ninputs >= 1 ? S_check(o, data) : S_usage_error("check takes REPORT.yaml...%s", "");
    if (!strcmp(o->cmd, "template")) return S_template(o, data);
    if (strcmp(o->cmd, "batch") != 0)
        return S_usage_error("unknown command '%s' (render, check, batch, template)", o->cmd);
    if (!o->ninputs || !o->out)
        return S_usage_error("batch takes REPORT.yaml or FOLDER... -o OUTDIR%s", "");
    if (o->summary && !o->agency) return S_usage_error("--summary needs --agency NAME%s", "");
    if (o->previous && !S_is_dir(o->previous))
        return S_usage_error("batch --previous takes the folder of last year's reports (each "
                             "unit's found by its agency), not '%s'", o->previous);
    if (o->duplex && !o->combine) return S_usage_error("--duplex is for --combine OUT.pdf%s", "");
    if (o->allow_incomplete && !o->summary)
        return S_usage_error("--allow-incomplete is for --summary OUT.pdf%s", "");
    if (o->manifest_encoding && strcasecmp(o->manifest_encoding, "utf-8") &&
        strcasecmp(o->manifest_encoding, "gbk") && strcasecmp(o->manifest_encoding, "gb18030"))
        return S_usage_error("--manifest-encoding is utf-8, gbk or gb18030, not '%s'",
                             o->manifest_encoding);
    NbBatchOpts bo = {S_job_opts(o, data), o->inputs, o->ninputs, o->out, o->workers,
                      o->manifest, o->summary, o->agency, o->combine, o->quiet,
                      o->manifest_encoding, o->duplex, o->allow_incomplete};
    return nb_batch(&bo);
}

int main(int argc, char **argv)
{
    S_Opts o = {0};
    nb_write_atomic_signals();
    /* messages in the user's language (LANG, LC_MESSAGES, LANGUAGE); numbers stay C's */
    setlocale(LC_MESSAGES, "");
    setlocale(LC_CTYPE, "");
    {
        char *data = S_data_dir(), *dir = nb_xasprintf("%s/locale", data);
        bindtextdomain("nianbao", S_is_dir(dir) ? dir : NB_LOCALEDIR);
        bind_textdomain_codeset("nianbao", "UTF-8");
        textdomain("nianbao");
        free(dir);
        free(data);
    }
    o.inputs = nb_xcalloc((size_t)argc, sizeof *o.inputs);
    int status = S_parse(argc, argv, &o);
    if (status < 0) {
        char *data = S_data_dir();
        status = S_dispatch_signed(&o, data);
        free(data);
        if (nb_signal_caught()) {
            free(o.inputs);
            nb_signal_reraise();
        }
    }
    free(o.inputs);
    return status;
}
