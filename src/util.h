/* Small shared helpers: checked allocation, growable buffers, diagnostics. */
#ifndef NB_UTIL_H
#define NB_UTIL_H

#include <stdarg.h>
#include <libintl.h>
#include <stddef.h>

/* Messages in the user's language (GNU gettext, the "nianbao" domain, po/): _() translates
 * a message where it is used, N_() marks one that is translated where it is printed.
 * nb_diag_add, nb_fail and the layout's errors translate their format themselves. */
#define _(s) gettext(s)
#define N_(s) s
#include <stdint.h>

void *nb_xmalloc(size_t n);
void *nb_xcalloc(size_t n, size_t size);
void *nb_xrealloc(void *p, size_t n);
char *nb_xstrdup(const char *s);
char *nb_xstrndup(const char *s, size_t n);
char *nb_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same for a message: fmt in the user's language (gettext) first. */
char *nb_msgf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *items (of item_size) so that it holds at least need elements. */
void nb_grow(void *items_ptr, size_t *cap, size_t need, size_t item_size);

/* A growable NUL-terminated byte string. */
typedef struct {
    char *s;
    size_t len, cap;
} NbBuf;
void nb_buf_add(NbBuf *b, const char *s, size_t n);
void nb_buf_puts(NbBuf *b, const char *s);
void nb_buf_printf(NbBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nb_buf_free(NbBuf *b);
/* s as a YAML double-quoted scalar ("…", with \\ \" \n escaped). */
void nb_buf_yaml_quoted(NbBuf *b, const char *s);
/* key: | and text's lines indented under it (a YAML block scalar). */
void nb_buf_yaml_block(NbBuf *b, const char *key, const char *text);

/* A place in a source file: 1-based line and column (column counts characters). */
typedef struct {
    const char *file; /* borrowed; lives as long as the loaded document */
    int line, col;
} NbMark;

typedef enum { NB_ERROR, NB_WARNING } NbSeverity;

typedef struct {
    NbSeverity severity;
    char *file; /* owned copy */
    int line, col;
    char *msg;
} NbDiagItem;

/* Diagnostics collected during one run, printed all at once; at most NB_DIAG_KEEP are
 * kept, the rest counted. */
#define NB_DIAG_KEEP 1000
typedef struct {
    NbDiagItem *items;
    size_t n, cap;
    size_t errors, warnings;
    size_t dropped;   /* problems past NB_DIAG_KEEP: counted, not kept */
} NbDiag;

void nb_diag_add(NbDiag *d, NbSeverity sev, NbMark at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void nb_diag_print(const NbDiag *d, void *stream); /* FILE *, kept opaque here */
void nb_diag_print_some(const NbDiag *d, void *stream, int errors_only);
void nb_diag_free(NbDiag *d);

/* Levenshtein distance, for "did you mean" suggestions. */
size_t nb_edit_distance(const char *a, const char *b);

/* Read a whole regular file of at most limit bytes (its size is checked before it is read;
 * a FIFO or device is refused without blocking); returns NULL and sets *err on failure: one
 * of these, or strerror's text when the file cannot be opened. */
#define NB_READ_TOO_LARGE N_("file too large")
#define NB_READ_FOLDER N_("it is a folder, not a file")
#define NB_READ_SPECIAL N_("it is not a regular file (a pipe, a device or a socket); give a file")
#define NB_READ_ERROR N_("read error")
char *nb_read_file(const char *path, size_t *len, size_t limit, const char **err);

/* Set *err (when err is given) to a formatted, allocated message, freeing the one it held;
 * returns 0, so that `return nb_fail(err, …)` reports and fails at once. */
int nb_fail(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The length of a name's .yaml or .yml ending, 0 when it has neither. */
size_t nb_yaml_ext(const char *name);
/* The length of a report file's ending: .yaml, .yml or .xlsx (a workbook); 0 for none. */
size_t nb_report_ext(const char *name);

/* tmpl with each {name} replaced by its value; other braces are kept as they are. */
char *nb_expand(const char *tmpl, const char *const *names, const char *const *values, size_t n);
/* Write data to path through a temporary file in the same folder, renamed into place
 * only when complete; returns 0 with *err set (static or strerror text) on failure. */
int nb_write_atomic(const char *path, const char *data, size_t len, const char **err);
/* The same, for output made piece by piece: open (NULL with *err set), write (0 once a
 * write failed: the error is given by commit), then commit (renames into place; 0 with
 * *err set) or abort (removes the temporary file). A pipe, a device or "-" is written
 * straight through. */
typedef struct NbOut NbOut;
NbOut *nb_out_open(const char *path, const char **err);
int nb_out_write(NbOut *o, const void *data, size_t len);
size_t nb_out_size(const NbOut *o);
int nb_out_commit(NbOut *o, const char **err);
void nb_out_abort(NbOut *o);
/* A path as one file is known by, to tell whether two names are one file: an existing
 * file's real path (links resolved), else its folder's real path and its name. Allocated. */
char *nb_path_key(const char *path);
/* Have SIGINT, SIGTERM, SIGHUP and SIGQUIT (and SIGBUS, a fault) remove the temporary files
 * being written before they end the process (as they would have). Call once, from main. */
void nb_write_atomic_signals(void);
/* With defer on, such a signal only removes the temporary files and is noted: the caller
 * (a batch) stops at the next report, writes what it must, and calls nb_signal_reraise,
 * which ends the process by that signal as it would have (status 128 + signal). */
void nb_signals_defer(int on);
int nb_signal_caught(void);
void nb_signal_reraise(void);
#endif
