#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void S_oom(void)
{
    fputs("nianbao: out of memory\n", stderr);
    exit(3);
}

void *nb_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) S_oom();
    return p;
}

void *nb_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) S_oom();
    return p;
}

void *nb_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) S_oom();
    return p;
}

char *nb_xstrdup(const char *s)
{
    return nb_xstrndup(s, strlen(s));
}

char *nb_xstrndup(const char *s, size_t n)
{
    char *p = nb_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* vasprintf that aborts on failure, like every nb_x allocator. */
static char *S_vasprintf(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0) n = 0;
    char *p = nb_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *nb_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = S_vasprintf(fmt, ap);
    va_end(ap);
    return p;
}

char *nb_msgf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = S_vasprintf(gettext(fmt), ap);
    va_end(ap);
    return p;
}

void nb_grow(void *items_ptr, size_t *cap, size_t need, size_t item_size)
{
    void **items = items_ptr;
    if (need <= *cap) return;
    size_t c = *cap ? *cap * 2 : 8;
    while (c < need) c *= 2;
    *items = nb_xrealloc(*items, c * item_size);
    *cap = c;
}

void nb_buf_add(NbBuf *b, const char *s, size_t n)
{
    nb_grow(&b->s, &b->cap, b->len + n + 1, 1);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void nb_buf_puts(NbBuf *b, const char *s)
{
    nb_buf_add(b, s, strlen(s));
}

void nb_buf_printf(NbBuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = S_vasprintf(fmt, ap);
    va_end(ap);
    nb_buf_puts(b, p);
    free(p);
}

void nb_buf_free(NbBuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void nb_diag_add(NbDiag *d, NbSeverity sev, NbMark at, const char *fmt, ...)
{
    if (d->n >= NB_DIAG_KEEP) { /* a file with a thousand problems: the rest are counted */
        d->dropped++;
        if (sev == NB_ERROR) d->errors++;
        else d->warnings++;
        return;
    }
    nb_grow(&d->items, &d->cap, d->n + 1, sizeof *d->items);
    NbDiagItem *it = &d->items[d->n++];
    it->severity = sev;
    it->file = nb_xstrdup(at.file ? at.file : "nianbao");
    it->line = at.line;
    it->col = at.col;
    va_list ap;
    va_start(ap, fmt);
    it->msg = S_vasprintf(gettext(fmt), ap); /* in the user's language when translated */
    va_end(ap);
    if (sev == NB_ERROR) d->errors++;
    else d->warnings++;
}

void nb_diag_print(const NbDiag *d, void *stream)
{
    nb_diag_print_some(d, stream, 0);
}

void nb_diag_print_some(const NbDiag *d, void *stream, int errors_only)
{
    FILE *f = stream;
    for (size_t i = 0; i < d->n; i++) {
        const NbDiagItem *it = &d->items[i];
        if (errors_only && it->severity != NB_ERROR) continue;
        /* FILE:LINE:COL: error: …, the shape editors jump to, in the user's language */
        int err = it->severity == NB_ERROR;
        if (it->line > 0)
            fprintf(f, err ? _("%s:%d:%d: error: %s\n") : _("%s:%d:%d: warning: %s\n"), it->file,
                    it->line, it->col, it->msg);
        else
            fprintf(f, err ? _("%s: error: %s\n") : _("%s: warning: %s\n"), it->file, it->msg);
    }
    if (d->dropped)
        fprintf(f, _("nianbao: and %zu more problems of the same files, not shown; mend those "
                     "above and check again\n"), d->dropped);
}

void nb_diag_free(NbDiag *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].file);
        free(d->items[i].msg);
    }
    free(d->items);
    memset(d, 0, sizeof *d);
}

size_t nb_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = nb_xmalloc((lb + 1) * sizeof *row);
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t best = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    size_t r = row[lb];
    free(row);
    return r;
}

char *nb_read_file(const char *path, size_t *len, size_t limit, const char **err)
{
    /* opened without blocking: a FIFO or a device is refused, never waited on */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *err = strerror(errno);
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > limit) {
        *err = fstat(fd, &st) != 0   ? strerror(errno)
               : S_ISDIR(st.st_mode) ? NB_READ_FOLDER
               : !S_ISREG(st.st_mode) ? NB_READ_SPECIAL
                                      : NB_READ_TOO_LARGE;
        close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        *err = strerror(errno);
        close(fd);
        return NULL;
    }
    NbBuf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > limit) {
            fclose(f);
            nb_buf_free(&b);
            *err = NB_READ_TOO_LARGE;
            return NULL;
        }
        nb_buf_add(&b, chunk, n);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        nb_buf_free(&b);
        *err = NB_READ_ERROR;
        return NULL;
    }
    if (!b.s) nb_buf_add(&b, "", 0);
    *len = b.len;
    return b.s;
}

/* The temporary files being written (a few workers' threads at most), so that a signal
 * that ends the process removes them: nothing half-written is left beside the report.
 * A slot is claimed atomically; the handler reads only lock-free atomics and calls only
 * unlink, which is async-signal-safe. */
#define S_SLOTS 16
#define S_SLOT_PATH 4096
static char S_slot_path[S_SLOTS][S_SLOT_PATH];
static atomic_int S_slot_state[S_SLOTS]; /* 0 free, 1 being filled, 2 holds a path */

/* Record a temporary file for the signal handler; the slot, or -1 when none is free. */
static int S_slot_claim(const char *path)
{
    if (strlen(path) >= S_SLOT_PATH) return -1;
    for (int i = 0; i < S_SLOTS; i++) {
        int free_ = 0;
        if (atomic_compare_exchange_strong(&S_slot_state[i], &free_, 1)) {
            strcpy(S_slot_path[i], path);
            atomic_store(&S_slot_state[i], 2);
            return i;
        }
    }
    return -1; /* more writers than slots: that file is just not cleaned on a signal */
}

static void S_slot_release(int i)
{
    if (i >= 0) atomic_store(&S_slot_state[i], 0);
}

static volatile sig_atomic_t S_defer, S_caught;

static void S_on_signal(int sig)
{
    for (int i = 0; i < S_SLOTS; i++)
        if (atomic_load(&S_slot_state[i]) == 2) unlink(S_slot_path[i]);
    /* a fault (a font file truncated under its mapping) cannot be deferred: returning would
     * fault again */
    if (S_defer && sig != SIGBUS) { /* the caller finishes its bookkeeping, then nb_signal_reraise */
        S_caught = sig;
        return;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void nb_signals_defer(int on)
{
    S_defer = on;
}

int nb_signal_caught(void)
{
    return S_caught;
}

void nb_signal_reraise(void)
{
    if (!S_caught) return;
    signal(S_caught, SIG_DFL);
    raise(S_caught);
}

void nb_write_atomic_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGBUS};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = S_on_signal;
        sigemptyset(&sa.sa_mask);
        /* a signal the caller chose to ignore (nohup) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

/* A new file beside path, named path.<pid>.<n>.tmp, created with mode 0666 so that the
 * process's umask applies as to any new file (mkstemp's 0600 would need the umask read,
 * which only a process-wide umask() round trip can do). Returns the descriptor, or -1. */
static int S_open_temp(const char *path, char **tmp)
{
    static _Atomic unsigned counter;
    for (int tries = 0; tries < 100; tries++) {
        *tmp = nb_xasprintf("%s.%ld.%u.tmp", path, (long)getpid(), counter++);
        int fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST) {
            if (fd < 0) free(*tmp), *tmp = NULL;
            return fd;
        }
        free(*tmp);
    }
    *tmp = NULL;
    errno = EEXIST;
    return -1;
}

/* Write all of data, retrying short writes. */
static int S_write_all(int fd, const char *data, size_t len, const char **err)
{
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w <= 0) {
            *err = strerror(w < 0 ? errno : EIO);
            return 0;
        }
        done += (size_t)w;
    }
    return 1;
}

/* The file a chain of symbolic links ends at (which need not exist yet), allocated; NULL
 * with *err set for a loop. */
static char *S_link_target(const char *path, const char **err)
{
    char *cur = nb_xstrdup(path);
    for (int depth = 0; depth < 40; depth++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) return cur;
        char buf[4096];
        ssize_t n = readlink(cur, buf, sizeof buf - 1);
        if (n < 0) {
            *err = strerror(errno);
            free(cur);
            return NULL;
        }
        buf[n] = 0;
        const char *slash = strrchr(cur, '/');
        char *next = buf[0] == '/' || !slash ? nb_xstrdup(buf)
                                             : nb_xasprintf("%.*s/%s", (int)(slash - cur), cur, buf);
        free(cur);
        cur = next;
    }
    *err = strerror(ELOOP);
    free(cur);
    return NULL;
}

/* An output being written: to a temporary file beside it (renamed into place by commit), or
 * straight to a pipe, a device or standard output; buffered. */
struct NbOut {
    int fd, slot;
    char *tmp, *path; /* tmp: NULL when written straight through */
    char buf[1 << 16];
    size_t used, total;
    int failed;
    const char *err;
};

NbOut *nb_out_open(const char *path, const char **err)
{
    NbOut *o = nb_xcalloc(1, sizeof *o);
    o->slot = -1;
    if (strcmp(path, "-") == 0) { /* standard output */
        o->fd = 1;
        return o;
    }
    /* a device or a pipe (/dev/stdout, /dev/full) is written to, never replaced */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        o->fd = open(path, O_WRONLY | O_CLOEXEC);
        if (o->fd < 0) {
            *err = strerror(errno);
            free(o);
            return NULL;
        }
        o->path = nb_xstrdup(path);
        return o;
    }
    /* a symbolic link stays: the file it names is written (made if need be), beside itself */
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        free(o);
        char *target = S_link_target(path, err);
        NbOut *t = target ? nb_out_open(target, err) : NULL;
        free(target);
        return t;
    }
    o->fd = S_open_temp(path, &o->tmp);
    if (o->fd < 0) {
        *err = strerror(errno);
        free(o);
        return NULL;
    }
    o->slot = S_slot_claim(o->tmp);
    o->path = nb_xstrdup(path);
    return o;
}

static int S_out_flush(NbOut *o)
{
    if (!o->failed && o->used && !S_write_all(o->fd, o->buf, o->used, &o->err)) o->failed = 1;
    o->used = 0;
    return !o->failed;
}

int nb_out_write(NbOut *o, const void *data, size_t len)
{
    o->total += len;
    if (o->used + len > sizeof o->buf && !S_out_flush(o)) return 0;
    if (len >= sizeof o->buf) {
        if (!S_write_all(o->fd, data, len, &o->err)) o->failed = 1;
        return !o->failed;
    }
    memcpy(o->buf + o->used, data, len);
    o->used += len;
    return !o->failed;
}

size_t nb_out_size(const NbOut *o)
{
    return o->total;
}

static void S_out_free(NbOut *o)
{
    if (o->fd > 2) close(o->fd);
    if (o->tmp) unlink(o->tmp);
    S_slot_release(o->slot);
    free(o->tmp);
    free(o->path);
    free(o);
}

int nb_out_commit(NbOut *o, const char **err)
{
    int ok = S_out_flush(o);
    if (!ok) *err = o->err;
    if (ok && o->tmp && fsync(o->fd) != 0 && errno != EINVAL) *err = strerror(errno), ok = 0;
    if (o->fd > 2) {
        if (close(o->fd) != 0 && ok) *err = strerror(errno), ok = 0;
        o->fd = -1;
    }
    if (ok && o->tmp) {
        if (rename(o->tmp, o->path) != 0) *err = strerror(errno), ok = 0;
        else free(o->tmp), o->tmp = NULL;
    }
    S_out_free(o);
    return ok;
}

void nb_out_abort(NbOut *o)
{
    if (o) S_out_free(o);
}

int nb_write_atomic(const char *path, const char *data, size_t len, const char **err)
{
    NbOut *o = nb_out_open(path, err);
    if (!o) return 0;
    if (!nb_out_write(o, data, len)) {
        *err = o->err;
        nb_out_abort(o);
        return 0;
    }
    return nb_out_commit(o, err);
}

int nb_fail(char **err, const char *fmt, ...)
{
    if (!err) return 0;
    va_list ap;
    va_start(ap, fmt);
    char *m = S_vasprintf(gettext(fmt), ap);
    va_end(ap);
    free(*err);
    *err = m;
    return 0;
}

void nb_buf_yaml_quoted(NbBuf *b, const char *s)
{
    nb_buf_puts(b, "\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') nb_buf_add(b, "\\", 1);
        if (*s == '\n') nb_buf_puts(b, "\\n");
        else nb_buf_add(b, s, 1);
    }
    nb_buf_puts(b, "\"");
}

void nb_buf_yaml_block(NbBuf *b, const char *key, const char *text)
{
    nb_buf_printf(b, "%s: |\n", key);
    for (const char *p = text; *p;) { /* each line indented; blank lines kept */
        size_t n = strcspn(p, "\n");
        if (n) nb_buf_puts(b, "  "), nb_buf_add(b, p, n);
        nb_buf_puts(b, "\n");
        p += n + (p[n] == '\n');
    }
}

size_t nb_report_ext(const char *name)
{
    size_t n = strlen(name);
    if (n > 5 && strcmp(name + n - 5, ".xlsx") == 0) return 5;
    return nb_yaml_ext(name);
}

size_t nb_yaml_ext(const char *name)
{
    size_t n = strlen(name);
    if (n > 5 && strcmp(name + n - 5, ".yaml") == 0) return 5;
    if (n > 4 && strcmp(name + n - 4, ".yml") == 0) return 4;
    return 0;
}

char *nb_expand(const char *tmpl, const char *const *names, const char *const *values, size_t n)
{
    NbBuf b = {0};
    for (const char *p = tmpl; *p;) {
        size_t k = n;
        if (*p == '{')
            for (k = 0; k < n; k++) {
                size_t len = strlen(names[k]);
                if (strncmp(p + 1, names[k], len) == 0 && p[1 + len] == '}') break;
            }
        if (k < n) {
            nb_buf_puts(&b, values[k]);
            p += strlen(names[k]) + 2;
        } else {
            nb_buf_add(&b, p++, 1);
        }
    }
    return b.s ? b.s : nb_xstrdup("");
}

char *nb_path_key(const char *path)
{
    char *full = realpath(path, NULL); /* an existing file, links resolved */
    if (full) return full;
    if (!strcmp(path, "-")) return nb_xstrdup("-");
    /* a new name: its folder resolved, its own name kept */
    const char *slash = strrchr(path, '/');
    char *dir = slash ? nb_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : nb_xstrdup(".");
    const char *base = slash ? slash + 1 : path;
    char *rdir = realpath(dir, NULL);
    char *key;
    if (rdir) key = nb_xasprintf("%s/%s", strcmp(rdir, "/") ? rdir : "", base);
    else if (path[0] == '/') key = nb_xstrdup(path);
    else {
        char cwd[4096];
        key = getcwd(cwd, sizeof cwd) ? nb_xasprintf("%s/%s", cwd, path) : nb_xstrdup(path);
    }
    free(rdir);
    free(dir);
    return key;
}
