#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One report of the batch. */
typedef struct {
    char *input, *output; /* output: inside OUTDIR */
    int done;
    NbJobStatus status;
    size_t pages, bytes;
    char *message;        /* its diagnostics, as printed */
    char *agency;         /* whose report it is, and of which year (once loaded) */
    int year;
} S_Item;

typedef struct {
    S_Item *items;
    size_t n, cap;
} S_Items;

/* A report in a folder: a .yaml or .yml file, but not a hidden file, nor an office
 * program's lock file (~$name) or backup (~name). */
static int S_is_report(const char *name)
{
    return name[0] != '.' && name[0] != '~' && nb_report_ext(name) > 0;
}

/* The first line of the 汇总's data, by which a later run knows it is not a unit's report. */
#define S_SUMMARY_MARK "# 汇总: made by nianbao batch --summary from the reports it lists\n"

/* Whether the file begins with the mark (its first line only is read, never blocking). */
static int S_is_summary_data(const char *path)
{
    char head[sizeof S_SUMMARY_MARK];
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return 0;
    struct stat st;
    ssize_t got = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, head, sizeof head - 1) : -1;
    close(fd);
    return got == (ssize_t)(sizeof head - 1) && memcmp(head, S_SUMMARY_MARK, sizeof head - 1) == 0;
}

/* A file or folder as the system knows it, links resolved. */
typedef struct {
    dev_t dev;
    ino_t ino;
    size_t index;
} S_Id;

static int S_id_cmp(const void *a, const void *b)
{
    const S_Id *x = a, *y = b;
    if (x->dev != y->dev) return x->dev < y->dev ? -1 : 1;
    if (x->ino != y->ino) return x->ino < y->ino ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

typedef struct {
    S_Id *ids;
    size_t n, cap;
} S_Seen;

/* 1 when the folder was walked already (a link to it, or given twice); else noted. */
static int S_seen(S_Seen *seen, const struct stat *st)
{
    for (size_t i = 0; i < seen->n; i++)
        if (seen->ids[i].dev == st->st_dev && seen->ids[i].ino == st->st_ino) return 1;
    nb_grow(&seen->ids, &seen->cap, seen->n + 1, sizeof *seen->ids);
    seen->ids[seen->n++] = (S_Id){st->st_dev, st->st_ino, 0};
    return 0;
}

static int S_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void S_add(S_Items *it, char *input)
{
    nb_grow(&it->items, &it->cap, it->n + 1, sizeof *it->items);
    memset(&it->items[it->n], 0, sizeof *it->items);
    it->items[it->n++].input = input;
}

/* The reports in a folder and its subfolders, in name order; a folder met again (through a
 * link, even one that loops) is not walked again. */
static int S_walk(S_Items *it, const char *dir, int depth, S_Seen *seen)
{
    struct stat dst;
    if (stat(dir, &dst) != 0 || S_seen(seen, &dst)) return 0;
    DIR *d = opendir(dir);
    if (!d || depth > 16) {
        if (d) closedir(d);
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        nb_grow(&names, &cap, n + 1, sizeof *names);
        names[n++] = nb_xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, S_cmp);
    for (size_t i = 0; i < n; i++) {
        char *path = nb_xasprintf("%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) S_walk(it, path, depth + 1, seen), free(path);
        else if (S_is_report(names[i]) && !S_is_summary_data(path)) S_add(it, path);
        else free(path); /* a 汇总's data (of an earlier run) is no unit's report */
        free(names[i]);
    }
    free(names);
    return 1;
}

/* OUTDIR/<name>.pdf: the input's file name without its folders, so no output can land
 * outside OUTDIR; a name used twice gets -2, -3, … */
static void S_outputs(S_Items *it, const char *outdir)
{
    for (size_t i = 0; i < it->n; i++) {
        const char *base = strrchr(it->items[i].input, '/');
        base = base ? base + 1 : it->items[i].input;
        size_t len = strlen(base) - nb_report_ext(base);
        char *stem = len && !(len <= 2 && base[0] == '.') ? nb_xstrndup(base, len) : nb_xstrdup("report");
        char *out = nb_xasprintf("%s/%s.pdf", outdir, stem);
        for (int k = 2;; k++) {
            int taken = 0;
            for (size_t j = 0; j < i && !taken; j++) taken = strcmp(it->items[j].output, out) == 0;
            if (!taken) break;
            free(out);
            out = nb_xasprintf("%s/%s-%d.pdf", outdir, stem, k);
        }
        free(stem);
        it->items[i].output = out;
    }
}

/* ------------------------------------------------------------------ workers */

/* A result travels from a worker to the parent on the worker's own pipe: this record,
 * then its messages, msglen bytes, however long (framed by the length, never cut), then its
 * agency, agencylen bytes. */
typedef struct {
    uint32_t index;
    int32_t status;
    uint64_t pages, bytes;
    uint32_t msglen, agencylen;
    int32_t year;
} S_Rec;

static char *S_diag_text(const NbDiag *d, int quiet)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return nb_xstrdup("");
    nb_diag_print_some(d, f, quiet);
    fclose(f);
    return buf;
}

static void S_run_one(NbWorker *w, const S_Item *it, uint32_t index, int quiet, S_Rec *rec,
                      char **msg, const char **agency)
{
    NbDiag diag = {0};
    NbJobResult res = nb_worker_run(w, it->input, NULL, 0, it->output, NULL, &diag);
    memset(rec, 0, sizeof *rec); /* no uninitialised padding goes down the pipe */
    rec->index = index, rec->status = (int32_t)res.status, rec->pages = res.pages;
    rec->bytes = res.bytes;
    int year;
    *agency = nb_worker_identity(w, &year);
    rec->year = year;
    *msg = S_diag_text(&diag, quiet);
    nb_diag_free(&diag);
}

static void S_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) _exit(3);
        p += w, len -= (size_t)w;
    }
}

/* A worker process: takes report numbers from jobs until it closes, sends each result. */
static void S_worker(const NbBatchOpts *o, const S_Items *it, int jobs, int results)
{
    NbWorker *w = nb_worker_new(&o->job);
    uint32_t index;
    for (;;) {
        ssize_t r = read(jobs, &index, sizeof index);
        if (r < 0 && errno == EINTR) continue;
        if (r != (ssize_t)sizeof index || index >= it->n) break;
        S_Rec rec;
        char *msg;
        const char *agency;
        S_run_one(w, &it->items[index], index, o->quiet, &rec, &msg, &agency);
        size_t ml = strlen(msg), al = agency ? strlen(agency) : 0;
        if (ml > UINT32_MAX / 2) ml = UINT32_MAX / 2;
        if (al > 4096) al = 0; /* no agency is that long: the rules refuse it */
        rec.msglen = (uint32_t)ml, rec.agencylen = (uint32_t)al;
        S_write_all(results, &rec, sizeof rec);
        S_write_all(results, msg, ml);
        S_write_all(results, agency, al);
        free(msg);
    }
    nb_worker_free(w);
}

/* ------------------------------------------------------------------ progress */

typedef struct {
    int tty, quiet;
    size_t total, done;
    double start, last;
    const char *label; /* what is being made, for a single task's progress */
} S_Progress;

static double S_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The progress line on a terminal: done, failed, rate; redrawn at most a few times a second.
 * */
static void S_progress(S_Progress *p, int force)
{
    if (!p->tty || p->quiet) return;
    double now = S_now();
    if (!force && now - p->last < 0.1) return;
    p->last = now;
    double rate = p->done / (now - p->start + 1e-9);
    double left = rate > 0 ? (double)(p->total - p->done) / rate : 0;
    fprintf(stderr, _("\r\033[K%zu/%zu reports, %.1f/s, %.0f s left"), p->done, p->total, rate, left);
    fflush(stderr);
}

static void S_clear(const S_Progress *p)
{
    if (p->tty && !p->quiet) fputs("\r\033[K", stderr);
}

/* A finished report: keep its result, show its messages. */
static void S_finish(S_Items *it, S_Progress *p, const S_Rec *rec, const char *msg, size_t ml,
                     const char *agency)
{
    S_Item *item = &it->items[rec->index];
    item->done = 1;
    item->status = (NbJobStatus)rec->status;
    item->pages = rec->pages, item->bytes = rec->bytes;
    item->message = nb_xstrndup(msg, ml);
    item->agency = rec->agencylen ? nb_xstrndup(agency, rec->agencylen) : NULL;
    item->year = rec->year;
    p->done++;
    if (ml) {
        S_clear(p);
        fwrite(msg, 1, ml, stderr);
    }
    S_progress(p, ml > 0);
}

/* Take the whole results out of a worker's buffer, keeping a partial one for later. */
static void S_take_results(S_Items *it, S_Progress *p, NbBuf *buf)
{
    size_t used = 0;
    for (;;) {
        S_Rec rec;
        if (buf->len - used < sizeof rec) break;
        memcpy(&rec, buf->s + used, sizeof rec);
        if (buf->len - used - sizeof rec < (size_t)rec.msglen + rec.agencylen) break;
        if (rec.index < it->n && !it->items[rec.index].done)
            S_finish(it, p, &rec, buf->s + used + sizeof rec, rec.msglen,
                     buf->s + used + sizeof rec + rec.msglen);
        used += sizeof rec + rec.msglen + rec.agencylen;
    }
    memmove(buf->s, buf->s + used, buf->len - used);
    buf->len -= used;
}

/* Hand out report numbers on the jobs pipe and read each worker's results from its own
 * pipe until every report has one, every worker is gone, or a signal asks to stop. */
static void S_exchange(S_Items *it, S_Progress *p, int *jobs_w, int *results, int workers,
                       const uint32_t *order, size_t norder)
{
    size_t sent = 0;
    NbBuf *bufs = nb_xcalloc((size_t)workers, sizeof *bufs);
    struct pollfd *fds = nb_xcalloc((size_t)workers + 1, sizeof *fds);
    int open = workers;
    while (p->done < it->n && open > 0 && !nb_signal_caught()) {
        while (sent < norder) { /* hand out report numbers as far as the pipe takes them */
            uint32_t index = order[sent];
            if (write(*jobs_w, &index, sizeof index) != (ssize_t)sizeof index) break;
            sent++;
        }
        if (sent == norder && *jobs_w >= 0) close(*jobs_w), *jobs_w = -1;
        for (int k = 0; k < workers; k++) fds[k] = (struct pollfd){results[k], POLLIN, 0};
        fds[workers] = (struct pollfd){*jobs_w, POLLOUT, 0};
        if (poll(fds, (nfds_t)workers + (*jobs_w >= 0), 200) < 0 && errno != EINTR) break;
        S_progress(p, 0);
        for (int k = 0; k < workers; k++) {
            if (results[k] < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char chunk[65536];
            ssize_t r = read(results[k], chunk, sizeof chunk);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) { /* this worker is gone */
                close(results[k]), results[k] = -1, open--;
                continue;
            }
            nb_buf_add(&bufs[k], chunk, (size_t)r);
            S_take_results(it, p, &bufs[k]);
        }
    }
    for (int k = 0; k < workers; k++) nb_buf_free(&bufs[k]);
    free(bufs);
    free(fds);
}

/* A report with no result: interrupted, or its worker died. */
static void S_unfinished(S_Items *it, int stopped)
{
    for (size_t i = 0; i < it->n; i++)
        if (!it->items[i].done) {
            it->items[i].done = 1;
            it->items[i].status = NB_JOB_SYSTEM;
            it->items[i].message =
                nb_msgf(stopped ? "%s: error: not rendered: the batch was interrupted\n"
                                     : "%s: error: its worker stopped unexpectedly\n",
                             it->items[i].input);
        }
}

/* Remove what a worker that died left half-written in OUTDIR: nb_write_atomic's temporary
 * files are named OUT.<pid>.<n>.tmp. */
static void S_clean_temps(const char *outdir, pid_t pid)
{
    DIR *d = opendir(outdir);
    if (!d) return;
    char *mark = nb_xasprintf(".%ld.", (long)pid);
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".tmp") == 0 && strstr(e->d_name, mark)) {
            char *path = nb_xasprintf("%s/%s", outdir, e->d_name);
            unlink(path);
            free(path);
        }
    }
    free(mark);
    closedir(d);
}

/* One round: the reports of `order` through `workers` worker processes, fed report numbers
 * through a pipe and answering each through a pipe of its own. Returns 1 if a worker died
 * of a signal (a fault: a font truncated under it, say), its half-written files removed. */
static int S_round(const NbBatchOpts *o, S_Items *it, int workers, S_Progress *p,
                   const uint32_t *order, size_t norder)
{
    int jobs[2];
    if (pipe(jobs)) return 1;
    fflush(NULL);
    pid_t *pids = nb_xcalloc((size_t)workers, sizeof *pids);
    int *results = nb_xcalloc((size_t)workers, sizeof *results);
    for (int k = 0; k < workers; k++) {
        int rp[2];
        if (pipe(rp)) {
            results[k] = -1, pids[k] = -1;
            continue;
        }
        pids[k] = fork();
        if (pids[k] == 0) {
            nb_signals_defer(0); /* a worker stops at once, its temporary file removed */
            close(jobs[1]);
            close(rp[0]);
            for (int j = 0; j < k; j++) close(results[j]);
            S_worker(o, it, jobs[0], rp[1]);
            _exit(0);
        }
        close(rp[1]);
        results[k] = rp[0];
    }
    close(jobs[0]);
    fcntl(jobs[1], F_SETFL, O_NONBLOCK);
    S_exchange(it, p, &jobs[1], results, workers, order, norder);
    int stopped = nb_signal_caught();
    if (jobs[1] >= 0) close(jobs[1]);
    for (int k = 0; k < workers; k++) {
        if (stopped && pids[k] > 0) kill(pids[k], SIGTERM);
        if (results[k] >= 0) close(results[k]);
    }
    int lost = 0;
    for (int k = 0; k < workers; k++) {
        int st = 0;
        if (pids[k] <= 0 || waitpid(pids[k], &st, 0) < 0) continue;
        if (WIFSIGNALED(st)) S_clean_temps(o->outdir, pids[k]), lost = 1;
    }
    free(pids);
    free(results);
    return lost;
}

/* Every report through `workers` worker processes (one with -j 1: a fault in it, a font
 * file truncated under its mapping, then costs one report, not the batch). Reports left without a result because
 * a worker died go through fresh workers once more (the fonts opened anew); a signal stops
 * the batch, the reports not done marked interrupted. */
static int S_run(const NbBatchOpts *o, S_Items *it, int workers, S_Progress *p)
{
    uint32_t *order = nb_xcalloc(it->n ? it->n : 1, sizeof *order);
    size_t n = 0;
    for (size_t i = 0; i < it->n; i++) order[n++] = (uint32_t)i;
    int lost = S_round(o, it, workers, p, order, n);
    if (lost && !nb_signal_caught()) {
        n = 0;
        for (size_t i = 0; i < it->n; i++)
            if (!it->items[i].done) order[n++] = (uint32_t)i;
        if (n) lost = S_round(o, it, workers < (int)n ? workers : (int)n, p, order, n);
    }
    free(order);
    int stopped = nb_signal_caught();
    S_unfinished(it, stopped);
    return !stopped && !lost;
}

/* ------------------------------------------------------------------ manifest */

static void S_csv(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s == '\n' ? ' ' : *s, f);
    }
    fputc('"', f);
}

/* text (UTF-8) in GBK or GB18030, allocated into *out; 0 with the first character that has
 * no code there in *bad (a UTF-8 sequence, static) when it cannot be. */
static int S_recode(const char *text, size_t len, const char *to, char **out, size_t *outlen,
                    char bad[8])
{
    iconv_t cd = iconv_open(to, "UTF-8");
    if (cd == (iconv_t)-1) return snprintf(bad, 8, "?"), 0;
    size_t cap = 2 * len + 16, left = cap, inleft = len;
    *out = nb_xmalloc(cap);
    char *in = (char *)text, *o = *out;
    size_t r = iconv(cd, &in, &inleft, &o, &left);
    iconv_close(cd);
    if (r == (size_t)-1) {
        size_t n = 1;
        while (n < inleft && n < 4 && ((unsigned char)in[n] & 0xC0) == 0x80) n++;
        memcpy(bad, in, n), bad[n] = 0;
        free(*out);
        return 0;
    }
    *outlen = cap - left;
    return 1;
}

/* The manifest: a CSV line per report (input, output, agency, year, pages, bytes, status,
 * its first error, all its messages), in UTF-8 with a byte order mark (so that Excel and WPS
 * read the Chinese right), or in GBK / GB18030 when asked. */
static int S_manifest(const char *path, const char *encoding, const S_Items *it, NbDiag *diag)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return 0;
    int utf8 = !encoding || !strcasecmp(encoding, "utf-8");
    if (utf8) fputs("\xEF\xBB\xBF", f);
    fputs("input,output,agency,year,pages,bytes,status,error,message\n", f);
    for (size_t i = 0; i < it->n; i++) {
        const S_Item *x = &it->items[i];
        int ok = x->status == NB_JOB_OK;
        S_csv(f, x->input);
        fputc(',', f);
        S_csv(f, ok ? x->output : "");
        fputc(',', f);
        S_csv(f, x->agency);
        fputc(',', f);
        if (x->year) fprintf(f, "%d", x->year);
        fprintf(f, ",%zu,%zu,%s,", x->pages, x->bytes, ok ? "rendered" : "failed");
        /* the first error whole, then every message (without the trailing newline) */
        const char *m = x->message ? x->message : "", *e = strstr(m, ": error: ");
        if (e) {
            while (e > m && e[-1] != '\n') e--;
            char *line = nb_xstrndup(e, strcspn(e, "\n"));
            S_csv(f, line);
            free(line);
        }
        fputc(',', f);
        char *all = nb_xstrdup(m);
        size_t ml = strlen(all);
        while (ml && all[ml - 1] == '\n') all[--ml] = 0;
        S_csv(f, all);
        free(all);
        fputc('\n', f);
    }
    fclose(f);
    const char *err = NULL;
    char *data = buf, bad[8] = "";
    size_t dlen = len;
    int ok = 1;
    if (!utf8 && !S_recode(buf, len, !strcasecmp(encoding, "gbk") ? "GBK" : "GB18030", &data, &dlen, bad)) {
        nb_diag_add(diag, NB_ERROR, (NbMark){path, 0, 0},
                    "cannot write the manifest in %s: '%s' has no code there; use "
                    "--manifest-encoding gb18030 (or utf-8)", encoding, bad);
        data = NULL, ok = 0;
    }
    if (ok && !(ok = nb_write_atomic(path, data, dlen, &err)))
        nb_diag_add(diag, NB_ERROR, (NbMark){path, 0, 0}, "cannot write the manifest: %s", err);
    if (data != buf) free(data);
    free(buf);
    return ok;
}

/* ------------------------------------------------------------------ the 汇总 report */

/* The first line of the 汇总's data, by which a later run knows it is not a unit's report. */
#define S_SUMMARY_MARK "# 汇总: made by nianbao batch --summary from the reports it lists\n"


/* Where the 汇总's data goes: beside its PDF, OUT.yaml for OUT.pdf. Allocated. */
static char *S_summary_data(const char *summary)
{
    size_t len = strlen(summary);
    return len > 4 && strcmp(summary + len - 4, ".pdf") == 0
               ? nb_xasprintf("%.*s.yaml", (int)(len - 4), summary)
               : nb_xasprintf("%s.yaml", summary);
}

/* Names, 、 between them, line breaks dropped. Allocated. */
static char *S_names(char *const *names, size_t n)
{
    NbBuf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i) nb_buf_puts(&b, "、");
        for (const char *p = names[i]; *p; p++)
            if (*p != '\n') nb_buf_add(&b, p, 1);
    }
    return b.s ? b.s : nb_xstrdup("");
}

/* How the 汇总 names its layout: by id when it is the data folder's, else by its path. */
static char *S_layout_ref(const NbLayout *l, const char *data_dir)
{
    char *std = nb_layout_path(data_dir, l->id), *a = nb_path_key(std), *b = nb_path_key(l->file);
    char *ref = strcmp(a, b) == 0 ? nb_xstrdup(l->id) : nb_xstrdup(b);
    free(std), free(a), free(b);
    return ref;
}

/* The 汇总 (YAML, a report of the same layout): its title and prose as the layout's
 * summary: section words them, every table summed exactly over reps. NULL with the field
 * in *overflow when a sum cannot be held. */
static char *S_summary_yaml(const NbBatchOpts *o, const NbLayout *l, NbReport **reps, size_t n,
                            char *const *missing, size_t nmissing, const char **overflow)
{
    NbBuf b = {0};
    nb_buf_puts(&b, S_SUMMARY_MARK);
    char *lref = S_layout_ref(l, o->job.data_dir);
    nb_buf_puts(&b, "layout: ");
    nb_buf_yaml_quoted(&b, lref);
    free(lref);
    nb_buf_puts(&b, "\nagency: ");
    nb_buf_yaml_quoted(&b, o->agency);
    int y = 0, m = 0, d = 0;
    for (size_t i = 0; i < n; i++) /* the latest date of the reports */
        if (reps[i]->has_date && reps[i]->date_y * 400 + reps[i]->date_m * 32 + reps[i]->date_d >
                                     y * 400 + m * 32 + d)
            y = reps[i]->date_y, m = reps[i]->date_m, d = reps[i]->date_d;
    nb_buf_printf(&b, "\nyear: %d\n", reps[0]->year);
    if (y) nb_buf_printf(&b, "date: %04d-%02d-%02d\n", y, m, d);
    /* the words: the layout's, with the district, the year and the units put in */
    char year[16], count[24], mcount[24];
    snprintf(year, sizeof year, "%d", reps[0]->year);
    snprintf(count, sizeof count, "%zu", n);
    snprintf(mcount, sizeof mcount, "%zu", nmissing);
    char **names = nb_xcalloc(n ? n : 1, sizeof *names);
    for (size_t i = 0; i < n; i++) names[i] = reps[i]->agency;
    char *units = S_names(names, n), *gone = S_names(missing, nmissing);
    free(names);
    const char *mk[] = {"missing", "missing_count"}, *mv[] = {gone, mcount};
    char *note = nmissing ? nb_expand(l->summary_missing, mk, mv, 2) : nb_xstrdup("");
    const char *keys[] = {"agency", "year", "count", "units", "missing_note"};
    const char *vals[] = {o->agency, year, count, units, note};
    char *title = nb_expand(l->summary_title, keys, vals, 5);
    nb_buf_puts(&b, "title: ");
    nb_buf_yaml_quoted(&b, title);
    nb_buf_puts(&b, "\n");
    free(title);
    for (size_t i = 0; i < l->nsummary_prose; i++) {
        char *text = nb_expand(l->summary_prose[i].text, keys, vals, 5);
        nb_buf_yaml_block(&b, l->summary_prose[i].field, text);
        free(text);
    }
    free(units), free(gone), free(note);
    const char *prev = "";
    for (size_t fi = 0; fi < l->nfields; fi++) {
        const NbField *f = &l->fields[fi];
        if (f->computed) continue;
        nb_layout_row_key(&b, prev, f->path);
        nb_buf_puts(&b, "[");
        for (int k = 0; k < f->count; k++) {
            /* exactly, with the places of the most precise report: 100 × 12.35 is 1235.00 */
            NbDec s = {0, 0};
            for (size_t i = 0; i < n && s.places >= 0; i++)
                if (!nb_dec_add(&s, reps[i]->rows[fi].vals[k].dec)) s.places = -1;
            if (s.places < 0) {
                *overflow = f->label;
                nb_buf_free(&b);
                return NULL;
            }
            NbValue v;
            nb_value_set_dec(&v, s);
            nb_buf_printf(&b, "%s%s", k ? ", " : "", v.text);
        }
        nb_buf_puts(&b, "]\n");
        prev = f->path;
    }
    return b.s;
}

/* "a.yaml (2022), b.yaml (layout x) and 3 more": the first few of a list. */
static void S_some(NbBuf *b, char *const *items, size_t n)
{
    enum { S_SHOWN = 8 };
    for (size_t i = 0; i < n && i < S_SHOWN; i++) nb_buf_printf(b, "%s%s", i ? ", " : "", items[i]);
    if (n > S_SHOWN) nb_buf_printf(b, " and %zu more", n - S_SHOWN);
}

/* The 汇总 report: every rendered report loaded again, all of one layout and one year, its
 * tables summed, worded by the layout's summary: section, rendered as --agency's. Units
 * that failed or were refused keep it from being made, unless --allow-incomplete (it then
 * names them). Its exit status: 0, 1 (the data), 3 (the system). */
static int S_summary(const NbBatchOpts *o, const S_Items *it, NbDiag *diag)
{
    NbMark at = {o->summary, 0, 0};
    NbWorker *w = nb_worker_new(&o->job);
    NbReport **reps = nb_xcalloc(it->n ? it->n : 1, sizeof *reps);
    const NbLayout **lays = nb_xcalloc(it->n ? it->n : 1, sizeof *lays);
    char **missing = nb_xcalloc(it->n ? it->n : 1, sizeof *missing);
    size_t n = 0, nmissing = 0, *from = nb_xcalloc(it->n ? it->n : 1, sizeof *from);
    int status = 0; /* 1 wrong data, 3 a system failure */
    for (size_t i = 0; i < it->n; i++) {
        NbReport *r = it->items[i].status == NB_JOB_OK ? nb_worker_load(w, it->items[i].input,
                                                                        &lays[n], diag) : NULL;
        if (!r) { /* failed, refused, or changed since: left out, by its name */
            missing[nmissing++] = nb_xstrdup(it->items[i].agency ? it->items[i].agency
                                                                 : it->items[i].input);
            continue;
        }
        from[n] = i;
        reps[n++] = r;
    }
    /* one layout and one year: those of most reports; the others are named at once */
    size_t best = 0, *kinds = nb_xcalloc(n ? n : 1, sizeof *kinds), *counts = nb_xcalloc(n ? n : 1,
                                                                                      sizeof *counts);
    size_t nkinds = 0; /* the distinct (layout, year) pairs: a few at most */
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < nkinds && !(lays[kinds[k]] == lays[i] && reps[kinds[k]]->year == reps[i]->year)) k++;
        if (k == nkinds) kinds[nkinds++] = i;
        counts[k]++;
    }
    for (size_t k = 0, top = 0; k < nkinds; k++)
        if (counts[k] > top) top = counts[k], best = kinds[k];
    free(kinds), free(counts);
    char **odd = nb_xcalloc(n ? n : 1, sizeof *odd);
    size_t nodd = 0;
    for (size_t i = 0; i < n; i++)
        if (lays[i] != lays[best] || reps[i]->year != reps[best]->year)
            odd[nodd++] = lays[i] != lays[best]
                              ? nb_msgf("%s (layout %s)", it->items[from[i]].input, lays[i]->id)
                              : nb_msgf("%s (%d)", it->items[from[i]].input, reps[i]->year);
    if (!n) {
        nb_diag_add(diag, NB_ERROR, at, "no report to sum up");
        status = 1;
    } else if (nodd) {
        NbBuf b = {0};
        S_some(&b, odd, nodd);
        nb_diag_add(diag, NB_ERROR, at, "not made: a 汇总 adds up reports of one layout and one year, "
                                        "%s of %d for most, but not %s; take them out or run them "
                                        "apart", lays[best]->id, reps[best]->year, b.s);
        nb_buf_free(&b);
        status = 1;
    } else if (!lays[best]->has_summary) {
        nb_diag_add(diag, NB_ERROR, at, "not made: the layout %s has no summary: section saying how "
                                        "its 汇总 is worded (see layouts/%s.yaml)",
                    lays[best]->file, NB_DEFAULT_LAYOUT);
        status = 1;
    } else if (nmissing && !o->allow_incomplete) {
        NbBuf b = {0};
        S_some(&b, missing, nmissing);
        nb_diag_add(diag, NB_ERROR, at, "not made: %zu of the %zu units are not in it (their reports "
                                        "failed or were refused, as said above): %s; put them "
                                        "right, or give --allow-incomplete to make it without them "
                                        "(it then names them)", nmissing, n + nmissing, b.s);
        nb_buf_free(&b);
        status = 1;
    }
    if (!status) {
        /* the summed data is kept beside the PDF: `nianbao render` makes the same PDF of it */
        const char *overflow = NULL;
        char *yaml = S_summary_yaml(o, lays[best], reps, n, missing, nmissing, &overflow);
        char *ypath = S_summary_data(o->summary);
        const char *err = NULL;
        if (!yaml) {
            nb_diag_add(diag, NB_ERROR, at, "%s summed over the reports is too large to hold exactly",
                        overflow);
            status = 1;
        } else if (!nb_write_atomic(ypath, yaml, strlen(yaml), &err)) {
            nb_diag_add(diag, NB_ERROR, (NbMark){ypath, 0, 0}, "cannot write: %s", err);
            status = 3;
        } else {
            NbJobResult res = nb_worker_run(w, ypath, NULL, 0, o->summary, NULL, diag);
            status = res.status == NB_JOB_OK ? 0 : res.status == NB_JOB_SYSTEM ? 3 : 1;
            if (!status && !o->quiet)
                fprintf(stderr, nmissing ? _("%s: the 汇总 report of %zu units, some left out (it names them), %zu pages (its data: %s)\n")
                                         : _("%s: the 汇总 report of %zu units, %zu pages (its data: %s)\n"),
                        o->summary, n, res.pages, ypath);
        }
        free(ypath);
        free(yaml);
    }
    for (size_t i = 0; i < n; i++) nb_report_free(reps[i]);
    for (size_t i = 0; i < nmissing; i++) free(missing[i]);
    for (size_t i = 0; i < nodd; i++) free(odd[i]);
    free(reps), free(lays), free(missing), free(odd), free(from);
    nb_worker_free(w);
    return status;
}

/* The combined PDF's progress, on the batch's progress line. */
static void S_combine_progress(void *user, size_t done, size_t total)
{
    S_Progress *p = user;
    if (!p->tty || p->quiet) return;
    double now = S_now();
    if (done < total && now - p->last < 0.1) return;
    p->last = now;
    fprintf(stderr, "\r\033[K%s: %zu%%", p->label, done * 100 / (total ? total : 1));
    fflush(stderr);
}

/* One PDF of every rendered report, in order, each under its agency in the outline. */
static int S_combine(const NbBatchOpts *o, const S_Items *it, NbDiag *diag)
{
    const char **inputs = nb_xcalloc(it->n ? it->n : 1, sizeof *inputs);
    size_t n = 0;
    for (size_t i = 0; i < it->n; i++)
        if (it->items[i].status == NB_JOB_OK) inputs[n++] = it->items[i].input;
    if (!n) {
        nb_diag_add(diag, NB_ERROR, (NbMark){o->combine, 0, 0}, "no report to combine");
        free(inputs);
        return 1;
    }
    NbWorker *w = nb_worker_new(&o->job);
    S_Progress p = {isatty(2), o->quiet, n, 0, S_now(), 0, o->combine};
    NbJobResult res = nb_worker_combine(w, inputs, n, o->combine, o->duplex, S_combine_progress, &p,
                                        diag);
    S_clear(&p);
    nb_worker_free(w);
    free(inputs);
    if (res.status == NB_JOB_OK && !o->quiet)
        fprintf(stderr, _("%s: %zu reports, %zu pages, %zu bytes\n"), o->combine, n, res.pages, res.bytes);
    return res.status == NB_JOB_OK ? 0 : res.status == NB_JOB_SYSTEM ? 3 : 1;
}

/* ------------------------------------------------------------------ the batch */

/* One input for each file: the same file named twice (a folder given twice, a link) is
 * rendered once, in its first place. */
static void S_once(S_Items *it, NbDiag *diag)
{
    S_Id *ids = nb_xcalloc(it->n ? it->n : 1, sizeof *ids);
    size_t n = 0;
    for (size_t i = 0; i < it->n; i++) {
        struct stat st;
        if (stat(it->items[i].input, &st) == 0) ids[n++] = (S_Id){st.st_dev, st.st_ino, i};
    }
    qsort(ids, n, sizeof *ids, S_id_cmp);
    char *drop = nb_xcalloc(it->n ? it->n : 1, 1);
    for (size_t k = 1; k < n; k++)
        if (ids[k].dev == ids[k - 1].dev && ids[k].ino == ids[k - 1].ino) {
            size_t first = k;
            while (first > 0 && ids[first - 1].dev == ids[k].dev && ids[first - 1].ino == ids[k].ino)
                first--;
            drop[ids[k].index] = 1;
            nb_diag_add(diag, NB_WARNING, (NbMark){it->items[ids[k].index].input, 0, 0},
                        "the same file as %s (named twice, or through a link): rendered once",
                        it->items[ids[first].index].input);
        }
    size_t kept = 0;
    for (size_t i = 0; i < it->n; i++) {
        if (drop[i]) free(it->items[i].input);
        else it->items[kept++] = it->items[i];
    }
    it->n = kept;
    free(drop);
    free(ids);
}

/* The reports the inputs name: files as given, folders searched with their subfolders. */
static void S_gather(const NbBatchOpts *o, S_Items *it, NbDiag *diag)
{
    S_Seen seen = {0};
    for (size_t i = 0; i < o->ninputs; i++) {
        struct stat st;
        if (stat(o->inputs[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t before = it->n;
            if (!S_walk(it, o->inputs[i], 0, &seen))
                nb_diag_add(diag, NB_WARNING, (NbMark){o->inputs[i], 0, 0},
                            "this folder is given already (or through a link): its reports are "
                            "rendered once");
            else if (it->n == before)
                nb_diag_add(diag, NB_WARNING, (NbMark){o->inputs[i], 0, 0},
                            "no .yaml report in this folder");
        } else {
            S_add(it, nb_xstrdup(o->inputs[i]));
        }
    }
    free(seen.ids);
    S_once(it, diag);
}

/* The output folder, made if need be; 0, or the exit status when it cannot be used. */
/* mkdir -p: the folder and any of its parents missing. */
static int S_mkdirs(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0) return 1;
    char *up = nb_xstrdup(path), *slash = strrchr(up, '/');
    while (slash && slash > up && slash[1] == 0) *slash = 0, slash = strrchr(up, '/'); /* dir/ */
    int ok = 1;
    if (slash && slash > up) {
        *slash = 0;
        ok = S_mkdirs(up);
    }
    free(up);
    return ok && (mkdir(path, 0777) == 0 || errno == EEXIST);
}

static int S_outdir(const char *outdir, NbDiag *diag)
{
    struct stat st;
    if (!S_mkdirs(outdir)) {
        nb_diag_add(diag, NB_ERROR, (NbMark){outdir, 0, 0}, "cannot make the output folder: %s",
                    strerror(errno));
        return 3;
    }
    if (stat(outdir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        nb_diag_add(diag, NB_ERROR, (NbMark){outdir, 0, 0},
                    "the output must be a folder (batch writes one PDF per report into it)");
        return 2;
    }
    return 0;
}

static const S_Items *S_sort_items; /* for qsort's comparison, which takes no context */

static int S_unit_cmp(const void *a, const void *b)
{
    const S_Item *x = &S_sort_items->items[*(const size_t *)a], *y = &S_sort_items->items[*(const size_t *)b];
    if (x->year != y->year) return x->year < y->year ? -1 : 1;
    int c = strcmp(x->agency, y->agency);
    if (c) return c;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* One unit, once: two reports of the same agency and year are both refused, each naming
 * the other, their PDFs removed, until one of them is taken away. */
static void S_same_unit(S_Items *it, int quiet)
{
    size_t *idx = nb_xcalloc(it->n ? it->n : 1, sizeof *idx), n = 0;
    for (size_t i = 0; i < it->n; i++)
        if (it->items[i].agency && it->items[i].year) idx[n++] = i;
    S_sort_items = it;
    qsort(idx, n, sizeof *idx, S_unit_cmp);
    for (size_t a = 0, b; a < n; a = b) {
        const S_Item *first = &it->items[idx[a]];
        for (b = a + 1; b < n && it->items[idx[b]].year == first->year &&
                        !strcmp(it->items[idx[b]].agency, first->agency);)
            b++;
        if (b - a < 2) continue;
        for (size_t k = a; k < b; k++) {
            S_Item *x = &it->items[idx[k]];
            const S_Item *other = &it->items[idx[k == a ? a + 1 : a]];
            char *why = nb_msgf("%s: error: %s's report for %d is given twice: here and in %s; "
                                     "keep one of them (neither is rendered or summed until then)\n",
                                     x->input, x->agency, x->year, other->input);
            if (!quiet) fputs(why, stderr);
            char *msg = nb_xasprintf("%s%s", why, x->message ? x->message : "");
            free(why);
            free(x->message);
            x->message = msg;
            if (x->status == NB_JOB_OK) unlink(x->output);
            x->status = NB_JOB_DATA;
            x->pages = x->bytes = 0;
        }
    }
    free(idx);
}

/* The worse of two exit statuses: a system failure (3) over wrong data (1) over none. */
static int S_worse(int a, int b)
{
    return a == 3 || b == 3 ? 3 : a > b ? a : b;
}

/* The closing lines: counts (of the PDFs written), time and rate, and each failed report
 * with its first reason; returns the exit status they call for: 3 when a report failed for
 * want of the system (a folder that cannot be written, a font gone), else 1 when one had
 * wrong data. */
static int S_report_end(const NbBatchOpts *o, const S_Items *it, double secs)
{
    size_t failed = 0, pages = 0, bytes = 0;
    int status = 0;
    for (size_t i = 0; i < it->n; i++) {
        if (it->items[i].status != NB_JOB_OK) {
            failed++;
            status = S_worse(status, it->items[i].status == NB_JOB_SYSTEM ? 3 : 1);
            continue;
        }
        pages += it->items[i].pages, bytes += it->items[i].bytes;
    }
    if (o->quiet) return status;
    fprintf(stderr, _("batch: %zu rendered, %zu failed, %zu pages, %zu bytes, %.1f s (%.1f reports/s) → %s\n"),
            it->n - failed, failed, pages, bytes, secs, it->n / (secs + 1e-9), o->outdir);
    for (size_t i = 0; i < it->n; i++)
        if (it->items[i].status != NB_JOB_OK) {
            /* the first line of its messages says why */
            const char *m = it->items[i].message ? it->items[i].message : "";
            fprintf(stderr, _("  failed: %s: %.*s\n"), it->items[i].input, (int)strcspn(m, "\n"), m);
        }
    return status;
}

/* What comes after the reports (the 汇总, the combined PDF) made in a process of its own, so
 * that a fault there (a font truncated under it) costs that output, not the batch: its
 * messages are printed by it. Its exit status: 0 made, 1 wrong data, 3 a system failure. */
static int S_apart(int (*make)(const NbBatchOpts *, const S_Items *, NbDiag *),
                   const NbBatchOpts *o, const S_Items *it, const char *out, NbDiag *diag)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return make(o, it, diag); /* cannot fork: here, then */
    if (pid == 0) {
        nb_signals_defer(0); /* a signal stops it at once, its temporary file removed */
        NbDiag d = {0};
        int status = make(o, it, &d);
        nb_diag_print_some(&d, stderr, o->quiet);
        fflush(NULL);
        _exit(status);
    }
    int st = 0, sent = 0;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) return 3;
        if (nb_signal_caught() && !sent) kill(pid, nb_signal_caught()), sent = 1;
    }
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    char *dir = nb_xstrdup(out), *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    S_clean_temps(slash ? (*dir ? dir : "/") : ".", pid);
    free(dir);
    if (!nb_signal_caught())
        nb_diag_add(diag, NB_ERROR, (NbMark){out, 0, 0},
                    "not made: the process making it was stopped by a fault (%s), as when a font "
                    "file is replaced or truncated while nianbao runs; run the batch again",
                    strsignal(WTERMSIG(st)));
    return 3;
}

/* A file the run reads or writes, for telling whether two of them are one. */
typedef struct {
    char *key;
    const char *name; /* as given */
    const char *what; /* NULL for an input, else which output */
} S_Path;

static int S_path_cmp(const void *a, const void *b)
{
    return strcmp(((const S_Path *)a)->key, ((const S_Path *)b)->key);
}

/* No output may replace an input, another output or the manifest: 2 (a usage error, before
 * any work) when one would, with a message naming both; else 0. The 汇总's data of an
 * earlier run, met as an input, is not read again. */
static int S_collisions(const NbBatchOpts *o, S_Items *it, NbDiag *diag)
{
    char *sdata = o->summary ? S_summary_data(o->summary) : NULL;
    char *skey = sdata ? nb_path_key(sdata) : NULL;
    size_t kept = 0;
    for (size_t i = 0; i < it->n; i++) {
        char *k = nb_path_key(it->items[i].input);
        int again = skey && strcmp(k, skey) == 0 && S_is_summary_data(it->items[i].input);
        free(k);
        if (again) {
            nb_diag_add(diag, NB_WARNING, (NbMark){it->items[i].input, 0, 0},
                        "the 汇总's data, which this run writes again: not read as a report");
            free(it->items[i].input), free(it->items[i].output);
        } else {
            it->items[kept++] = it->items[i];
        }
    }
    it->n = kept;
    S_Path *paths = nb_xcalloc(2 * it->n + 4, sizeof *paths);
    size_t n = 0;
    char *outdir = nb_path_key(o->outdir);
    for (size_t i = 0; i < it->n; i++) {
        paths[n++] = (S_Path){nb_path_key(it->items[i].input), it->items[i].input, NULL};
        const char *base = strrchr(it->items[i].output, '/') + 1;
        paths[n++] = (S_Path){nb_xasprintf("%s/%s", outdir, base), it->items[i].output,
                              "the PDF of a report"};
    }
    const char *named[][2] = {{o->summary, "--summary"}, {sdata, "the 汇总's data"},
                              {o->combine, "--combine"}, {o->manifest, "--manifest"}};
    for (size_t k = 0; k < 4; k++)
        if (named[k][0] && strcmp(named[k][0], "-") != 0)
            paths[n++] = (S_Path){nb_path_key(named[k][0]), named[k][0], named[k][1]};
    qsort(paths, n, sizeof *paths, S_path_cmp);
    int status = 0;
    for (size_t i = 1; i < n; i++) {
        const S_Path *a = &paths[i - 1], *b = &paths[i];
        if (strcmp(a->key, b->key) != 0 || (!a->what && !b->what)) continue;
        const S_Path *out = b->what ? b : a, *other = b->what ? a : b;
        if (other->what)
            nb_diag_add(diag, NB_ERROR, (NbMark){out->name, 0, 0},
                        "%s and %s are the same file; give each output its own name", out->what,
                        other->what);
        else
            nb_diag_add(diag, NB_ERROR, (NbMark){out->name, 0, 0},
                        "%s would replace the report %s; give it another name", out->what,
                        other->name);
        status = 2;
    }
    for (size_t i = 0; i < n; i++) free(paths[i].key);
    free(paths);
    free(outdir);
    free(skey);
    free(sdata);
    return status;
}

static int S_prev_sort(const void *a, const void *b)
{
    const NbPrevious *x = a, *y = b;
    if (x->year != y->year) return x->year < y->year ? -1 : 1;
    int c = strcmp(x->agency, y->agency);
    return c ? c : strcmp(x->path, y->path);
}

/* batch --previous DIR: last year's reports found there, each by its agency and year,
 * sorted for the workers to look theirs up; two of one unit are marked. */
static NbPrevious *S_previous_dir(const char *dir, size_t *n)
{
    S_Items found = {0};
    S_Seen seen = {0};
    S_walk(&found, dir, 0, &seen);
    free(seen.ids);
    NbPrevious *p = nb_xcalloc(found.n ? found.n : 1, sizeof *p);
    *n = 0;
    for (size_t i = 0; i < found.n; i++) {
        char *agency;
        int year;
        nb_job_identity(found.items[i].input, &agency, &year);
        if (agency && year) p[(*n)++] = (NbPrevious){agency, year, found.items[i].input, NULL};
        else free(agency), free(found.items[i].input);
    }
    free(found.items);
    qsort(p, *n, sizeof *p, S_prev_sort);
    size_t kept = 0; /* one entry a unit and year; a second file of it marks the first */
    for (size_t i = 0; i < *n; i++) {
        if (kept && p[kept - 1].year == p[i].year && !strcmp(p[kept - 1].agency, p[i].agency)) {
            if (!p[kept - 1].other) p[kept - 1].other = p[i].path;
            else free(p[i].path);
            free(p[i].agency);
            continue;
        }
        p[kept++] = p[i];
    }
    *n = kept;
    return p;
}

static void S_previous_free(NbPrevious *p, size_t n)
{
    for (size_t i = 0; i < n; i++) free(p[i].agency), free(p[i].path), free((char *)p[i].other);
    free(p);
}

int nb_batch(const NbBatchOpts *given)
{
    NbBatchOpts opts = *given, *o = &opts;
    NbPrevious *prev = NULL;
    if (o->job.previous) { /* each unit's report of last year, by agency */
        prev = S_previous_dir(o->job.previous, &o->job.nprevious_of);
        o->job.previous_of = prev;
    }
    nb_signals_defer(1); /* an interrupted batch still writes the manifest of what it did */
    S_Items it = {0};
    NbDiag diag = {0};
    S_gather(o, &it, &diag);
    S_outputs(&it, o->outdir);
    int status = S_collisions(o, &it, &diag);
    if (!status) status = S_outdir(o->outdir, &diag);
    if (!status && !it.n) {
        nb_diag_add(&diag, NB_ERROR, (NbMark){"nianbao", 0, 0}, "no report to render");
        status = 2;
    }
    nb_diag_print_some(&diag, stderr, o->quiet);
    nb_diag_free(&diag);
    if (!status) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        int workers = o->workers > 0 ? o->workers : cores > 0 ? (int)cores : 1;
        if ((size_t)workers > it.n) workers = (int)it.n;
        S_Progress p = {isatty(2), o->quiet, it.n, 0, S_now(), 0, NULL};
        S_progress(&p, 1);
        if (!S_run(o, &it, workers, &p)) status = 3;
        S_clear(&p);
        S_same_unit(&it, o->quiet);
        status = S_worse(status, S_report_end(o, &it, S_now() - p.start));
        NbDiag after = {0};
        if (o->manifest && !S_manifest(o->manifest, o->manifest_encoding, &it, &after)) status = 3;
        if (o->summary && !nb_signal_caught())
            status = S_worse(status, S_apart(S_summary, o, &it, o->summary, &after));
        if (o->combine && !nb_signal_caught())
            status = S_worse(status, S_apart(S_combine, o, &it, o->combine, &after));
        nb_diag_print_some(&after, stderr, o->quiet);
        nb_diag_free(&after);
    }
    for (size_t i = 0; i < it.n; i++) {
        free(it.items[i].input);
        free(it.items[i].output);
        free(it.items[i].message);
        free(it.items[i].agency);
    }
    free(it.items);
    S_previous_free(prev, o->job.nprevious_of);
    return status;
}
