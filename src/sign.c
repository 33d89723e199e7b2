#include "sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509.h>

#include "pdfcat.h"

struct NbSigner {
    EVP_PKEY *key;
    X509 *cert;
    STACK_OF(X509) *chain;   /* the certificates above it, as the file gives them */
    char *reason, *location; /* or NULL */
    char when[32];           /* the signing time as a PDF date, or "" for the moment signed */
    size_t room;             /* bytes kept for the CMS */
};

void nb_signer_free(NbSigner *s)
{
    if (!s) return;
    EVP_PKEY_free(s->key);
    X509_free(s->cert);
    sk_X509_pop_free(s->chain, X509_free);
    free(s->reason);
    free(s->location);
    free(s);
}

/* The password: the first line of the pass file, or $NIANBAO_SIGN_PASS, or none. */
static char *S_password(const NbSignOpts *o, NbDiag *diag, int *status)
{
    if (!o->pass_file) {
        const char *env = getenv("NIANBAO_SIGN_PASS");
        return nb_xstrdup(env ? env : "");
    }
    size_t len;
    const char *err = NULL;
    char *text = nb_read_file(o->pass_file, &len, 4096, &err);
    if (!text) {
        nb_diag_add(diag, NB_ERROR, (NbMark){o->pass_file, 0, 0}, "cannot read the password: %s",
                    gettext(err));
        *status = 3;
        return NULL;
    }
    text[strcspn(text, "\r\n")] = 0;
    if (!memcmp(text, "\xEF\xBB\xBF", 3)) memmove(text, text + 3, strlen(text + 3) + 1); /* Notepad's BOM */
    return text;
}

/* A time written YYYY-MM-DDTHH:MM:SS with Z or ±HH:MM, as a PDF date (D:…Z or D:…+HH'MM'). */
static int S_pdf_date(const char *t, char out[32])
{
    int y, mo, d, h, mi, sec, n = 0;
    if (sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19 ||
        y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return 0;
    const char *z = t + n;
    char tz[32];
    int oh, om, m = 0;
    if (strcmp(z, "Z") == 0) snprintf(tz, sizeof tz, "Z");
    else if ((*z == '+' || *z == '-') && sscanf(z + 1, "%2d:%2d%n", &oh, &om, &m) == 2 && !z[1 + m] &&
             oh >= 0 && oh <= 14 && om >= 0 && om <= 59)
        snprintf(tz, sizeof tz, "%c%02d'%02d'", *z, oh, om);
    else
        return 0;
    snprintf(out, 32, "D:%04d%02d%02d%02d%02d%02d%.8s", y % 10000, mo, d, h, mi, sec, tz);
    return 1;
}

/* OpenSSL's first error, as text (or `fallback`). */
static const char *S_ssl_error(char *buf, size_t n, const char *fallback)
{
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (!e) return fallback;
    ERR_error_string_n(e, buf, n);
    return buf;
}

/* A certificate time as YYYY-MM-DD. */
static void S_day(const ASN1_TIME *t, char out[16])
{
    struct tm tm;
    if (ASN1_TIME_to_tm(t, &tm)) strftime(out, 16, "%Y-%m-%d", &tm);
    else snprintf(out, 16, "?");
}

NbSigner *nb_signer_load(const NbSignOpts *o, NbDiag *diag, int *status)
{
    NbMark at = {o->p12, 0, 0};
    char when[32] = "";
    if (o->time && !S_pdf_date(o->time, when)) {
        nb_diag_add(diag, NB_ERROR, (NbMark){"--sign-time", 0, 0},
                    "'%s' is not a time; write it as 2025-01-20T09:00:00Z (or +08:00 for Beijing)",
                    o->time);
        *status = 2;
        return NULL;
    }
    size_t len;
    const char *rerr = NULL;
    char *der = nb_read_file(o->p12, &len, 1 << 20, &rerr);
    if (!der) {
        nb_diag_add(diag, NB_ERROR, at, "cannot read the signing certificate: %s", gettext(rerr));
        *status = 3;
        return NULL;
    }
    *status = 1;
    const unsigned char *p = (const unsigned char *)der;
    PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)len);
    free(der);
    if (!p12) {
        ERR_clear_error();
        nb_diag_add(diag, NB_ERROR, at, "not a PKCS#12 file (.p12 or .pfx, a key with its "
                                        "certificate); export the certificate again as one");
        return NULL;
    }
    char *pass = S_password(o, diag, status);
    if (!pass) {
        PKCS12_free(p12);
        return NULL;
    }
    if (!PKCS12_verify_mac(p12, pass, -1) && !(!*pass && PKCS12_verify_mac(p12, NULL, 0))) {
        ERR_clear_error();
        if (o->pass_file)
            nb_diag_add(diag, NB_ERROR, at, "the password in %s is wrong for this certificate",
                        o->pass_file);
        else
            nb_diag_add(diag, NB_ERROR, at, "the password is wrong for this certificate (set "
                                            "NIANBAO_SIGN_PASS, or give --sign-pass-file FILE)");
        free(pass);
        PKCS12_free(p12);
        return NULL;
    }
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    STACK_OF(X509) *ca = NULL;
    int parsed = PKCS12_parse(p12, pass, &key, &cert, &ca);
    if (!parsed) { /* an old file (RC2, 3DES): OpenSSL 3 has those in its legacy provider */
        ERR_clear_error();
        if (OSSL_PROVIDER_load(NULL, "legacy") && OSSL_PROVIDER_load(NULL, "default"))
            parsed = PKCS12_parse(p12, pass, &key, &cert, &ca);
    }
    free(pass);
    PKCS12_free(p12);
    char buf[256];
    NbSigner *s = NULL;
    if (!parsed) {
        nb_diag_add(diag, NB_ERROR, at, "cannot read this PKCS#12 file: %s",
                    S_ssl_error(buf, sizeof buf, "?"));
        goto out;
    }
    if (!key) {
        nb_diag_add(diag, NB_ERROR, at, "this file holds no private key: export the certificate "
                                        "again with its key");
        goto out;
    }
    if (!cert) /* its certificate not marked as the key's: the first one that fits */
        for (int i = 0; ca && i < sk_X509_num(ca) && !cert; i++)
            if (X509_check_private_key(sk_X509_value(ca, i), key) == 1) {
                cert = sk_X509_delete(ca, i);
                ERR_clear_error();
            }
    ERR_clear_error();
    if (!cert && ca && sk_X509_num(ca)) {
        nb_diag_add(diag, NB_ERROR, at, "the private key does not match the certificate in this "
                                        "file; export the right pair again");
        goto out;
    }
    if (!cert) {
        nb_diag_add(diag, NB_ERROR, at, "this file holds no certificate");
        goto out;
    }
    if (X509_check_private_key(cert, key) != 1) {
        ERR_clear_error();
        nb_diag_add(diag, NB_ERROR, at, "the private key does not match the certificate in this "
                                        "file; export the right pair again");
        goto out;
    }
    int kt = EVP_PKEY_get_base_id(key);
    if (kt != EVP_PKEY_RSA && kt != EVP_PKEY_EC) {
        nb_diag_add(diag, NB_ERROR, at, "the key is neither RSA nor ECDSA, which PAdES readers "
                                        "verify; use an RSA or ECDSA certificate");
        goto out;
    }
    char day[16];
    if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) {
        S_day(X509_get0_notAfter(cert), day);
        nb_diag_add(diag, NB_ERROR, at, "the certificate expired on %s; sign with a valid one", day);
        goto out;
    }
    if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0) {
        S_day(X509_get0_notBefore(cert), day);
        nb_diag_add(diag, NB_ERROR, at, "the certificate is not valid before %s", day);
        goto out;
    }
    s = nb_xcalloc(1, sizeof *s);
    s->key = key, s->cert = cert, s->chain = ca;
    key = NULL, cert = NULL, ca = NULL;
    s->reason = o->reason ? nb_xstrdup(o->reason) : NULL;
    s->location = o->location ? nb_xstrdup(o->location) : NULL;
    memcpy(s->when, when, sizeof when);
    /* room for the CMS: its certificates, the signature and the attributes, generously */
    s->room = 2048 + (size_t)EVP_PKEY_get_size(s->key) + (size_t)i2d_X509(s->cert, NULL);
    for (int i = 0; s->chain && i < sk_X509_num(s->chain); i++)
        s->room += (size_t)i2d_X509(sk_X509_value(s->chain, i), NULL);
    *status = 0;
out:
    EVP_PKEY_free(key);
    X509_free(cert);
    sk_X509_pop_free(ca, X509_free);
    return s;
}

/* ------------------------------------------------------------------ the CMS */

/* DER SET OF, sorted as DER asks: the encodings compared as octet strings. */
static int S_cmp_der(const void *a, const void *b)
{
    const NbBuf *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* The signed attributes as DER (a SET OF Attribute), which the signature is over. */
static int S_signed_attrs(CMS_SignerInfo *si, NbBuf *out)
{
    int n = CMS_signed_get_attr_count(si);
    if (n <= 0) return 0;
    NbBuf *enc = nb_xcalloc((size_t)n, sizeof *enc);
    size_t total = 0;
    int ok = 1;
    for (int i = 0; i < n && ok; i++) {
        unsigned char *d = NULL;
        int l = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &d);
        if (l <= 0) ok = 0;
        else nb_buf_add(&enc[i], (const char *)d, (size_t)l), total += (size_t)l;
        OPENSSL_free(d);
    }
    if (ok) {
        qsort(enc, (size_t)n, sizeof *enc, S_cmp_der);
        unsigned char head[6] = {0x31};
        size_t h = 1;
        if (total < 0x80) head[h++] = (unsigned char)total;
        else {
            int bytes = total > 0xFFFFFF ? 4 : total > 0xFFFF ? 3 : total > 0xFF ? 2 : 1;
            head[h++] = (unsigned char)(0x80 | bytes);
            for (int k = bytes - 1; k >= 0; k--) head[h++] = (unsigned char)(total >> (8 * k));
        }
        nb_buf_add(out, (const char *)head, h);
        for (int i = 0; i < n; i++) nb_buf_add(out, enc[i].s, enc[i].len);
    }
    for (int i = 0; i < n; i++) nb_buf_free(&enc[i]);
    free(enc);
    return ok;
}

/* A detached CMS SignedData over a digest, with contentType, messageDigest and
 * signingCertificateV2 (CMS_CADES) and no signingTime: OpenSSL's own signing adds one, so
 * the attributes are signed here. The DER in *out (OPENSSL_free), its length returned. */
static int S_cms(const NbSigner *s, const unsigned char *md, unsigned mdlen, unsigned char **out)
{
    int flags = CMS_BINARY | CMS_DETACHED | CMS_PARTIAL | CMS_NOSMIMECAP;
    int len = 0;
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, s->chain, NULL, flags);
    CMS_SignerInfo *si = cms ? CMS_add1_signer(cms, s->cert, s->key, EVP_sha256(), flags | CMS_CADES)
                             : NULL;
    NbBuf attrs = {0};
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char *sig = NULL;
    size_t siglen = 0;
    if (si && ctx &&
        CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                    OBJ_nid2obj(NID_pkcs7_data), -1) > 0 &&
        CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, md,
                                    (int)mdlen) > 0 &&
        S_signed_attrs(si, &attrs) &&
        EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, s->key) > 0 &&
        EVP_DigestSign(ctx, NULL, &siglen, (unsigned char *)attrs.s, attrs.len) > 0 &&
        (sig = OPENSSL_malloc(siglen)) &&
        EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)attrs.s, attrs.len) > 0 &&
        ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig, (int)siglen))
        len = i2d_CMS_ContentInfo(cms, out);
    OPENSSL_free(sig);
    EVP_MD_CTX_free(ctx);
    nb_buf_free(&attrs);
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
    return len > 0 ? len : 0;
}

/* ------------------------------------------------------------------ the update */

typedef struct {
    unsigned long num;
    size_t at;
} S_Off;

static int S_by_num(const void *a, const void *b)
{
    const S_Off *x = a, *y = b;
    return (x->num > y->num) - (x->num < y->num);
}

/* A dictionary [s, e) written again as object num with `extra` entries before its end. */
static void S_redo(NbBuf *b, unsigned long num, const char *s, const char *e, const char *extra)
{
    nb_buf_printf(b, "%lu 0 obj\n", num);
    nb_buf_add(b, s, (size_t)(e - 2 - s));
    nb_buf_printf(b, "%s>>\nendobj\n", extra);
}

#define S_RANGE "/ByteRange [0 0000000000 0000000000 0000000000]"

int nb_sign_pdf(const NbSigner *s, char **pdf, size_t *len, const NbPdfSpot *spot, char **err)
{
    NbPdfIn *in = nb_pdfin_open(*pdf, *len, err);
    if (!in) return 0;
    unsigned long root = nb_pdfin_trailer_ref(in, "Root"), size = 0, info;
    const char *v, *ve, *cs, *ce, *ps, *pe, *ids = NULL, *ide = NULL;
    int ok = 0;
    NbBuf b = {0}, extra = {0};
    if (!root || !nb_pdfin_trailer_get(in, "Size", &v, &ve) || sscanf(v, "%lu", &size) != 1 ||
        size < 2) {
        nb_fail(err, "its trailer names no catalog or size");
        goto done;
    }
    if (!spot->page) {
        nb_fail(err, "it has no page to sign");
        goto done;
    }
    if (!nb_pdfin_dict(in, root, &cs, &ce, err) || !nb_pdfin_dict(in, spot->page, &ps, &pe, err))
        goto done;
    if (nb_pdfin_has(cs, ce, "AcroForm") || nb_pdfin_has(ps, pe, "Annots")) {
        nb_fail(err, "it has a form or annotations already");
        goto done;
    }
    info = nb_pdfin_trailer_ref(in, "Info");
    nb_pdfin_trailer_get(in, "ID", &ids, &ide);
    unsigned long sig = size, widget = size + 1, ap = size + 2;
    S_Off offs[5];
    size_t noff = 0;
    nb_buf_add(&b, *pdf, *len);
    if ((*pdf)[*len - 1] != '\n') nb_buf_puts(&b, "\n");
    /* the signature's value: its /Contents a stand-in of zeros, written over last */
    char when[32];
    if (s->when[0]) memcpy(when, s->when, sizeof when);
    else {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(when, sizeof when, "D:%Y%m%d%H%M%SZ", &tm);
    }
    offs[noff++] = (S_Off){sig, b.len};
    nb_buf_printf(&b, "%lu 0 obj\n<<\n/Type /Sig\n/Filter /Adobe.PPKLite\n/SubFilter /ETSI.CAdES.detached\n",
                  sig);
    size_t range_at = b.len;
    nb_buf_puts(&b, S_RANGE "\n/Contents <");
    size_t contents = b.len - 1;
    for (size_t i = 0; i < 2 * s->room; i++) nb_buf_add(&b, "0", 1);
    nb_buf_printf(&b, ">\n/M (%s)\n", when);
    if (s->reason) nb_buf_puts(&b, "/Reason "), nb_pdf_text_string(&b, s->reason), nb_buf_puts(&b, "\n");
    if (s->location) nb_buf_puts(&b, "/Location "), nb_pdf_text_string(&b, s->location), nb_buf_puts(&b, "\n");
    nb_buf_puts(&b, ">>\nendobj\n");
    /* the field and its widget over the seal, printed with an empty appearance (PDF/A) */
    double w = spot->rect[2] - spot->rect[0], h = spot->rect[3] - spot->rect[1];
    offs[noff++] = (S_Off){widget, b.len};
    nb_buf_printf(&b, "%lu 0 obj\n<<\n/Type /Annot\n/Subtype /Widget\n/FT /Sig\n/T (Signature1)\n"
                      "/V %lu 0 R\n/P %u 0 R\n/Rect [%.2f %.2f %.2f %.2f]\n/F 132\n/AP << /N %lu 0 R >>\n"
                      ">>\nendobj\n", widget, sig, spot->page, spot->rect[0], spot->rect[1],
                  spot->rect[2], spot->rect[3], ap);
    offs[noff++] = (S_Off){ap, b.len};
    nb_buf_printf(&b, "%lu 0 obj\n<<\n/Type /XObject\n/Subtype /Form\n/BBox [0 0 %.2f %.2f]\n"
                      "/Length 0\n>>\nstream\n\nendstream\nendobj\n", ap, w > 0 ? w : 0, h > 0 ? h : 0);
    offs[noff++] = (S_Off){root, b.len};
    nb_buf_printf(&extra, "/AcroForm << /Fields [%lu 0 R] /SigFlags 3 >>\n", widget);
    S_redo(&b, root, cs, ce, extra.s);
    offs[noff++] = (S_Off){spot->page, b.len};
    extra.len = 0;
    nb_buf_printf(&extra, "/Annots [%lu 0 R]\n", widget);
    S_redo(&b, spot->page, ps, pe, extra.s);
    /* the cross-reference section of the update, and its trailer */
    qsort(offs, noff, sizeof *offs, S_by_num);
    size_t xref = b.len;
    nb_buf_puts(&b, "xref\n0 1\n0000000000 65535 f \n");
    for (size_t i = 0; i < noff; i++) nb_buf_printf(&b, "%lu 1\n%010zu 00000 n \n", offs[i].num, offs[i].at);
    nb_buf_printf(&b, "trailer\n<<\n/Size %lu\n/Root %lu 0 R\n", size + 3, root);
    if (info) nb_buf_printf(&b, "/Info %lu 0 R\n", info);
    if (ids) nb_buf_puts(&b, "/ID "), nb_buf_add(&b, ids, (size_t)(ide - ids)), nb_buf_puts(&b, "\n");
    nb_buf_printf(&b, "/Prev %zu\n>>\nstartxref\n%zu\n%%%%EOF\n", nb_pdfin_startxref(in), xref);
    /* the byte range: all but the hex string of /Contents */
    size_t c0 = contents, c1 = contents + 2 * s->room + 2;
    char range[sizeof S_RANGE];
    int rl = snprintf(range, sizeof range, "/ByteRange [0 %zu %zu %zu]", c0, c1, b.len - c1);
    if (rl < 0 || (size_t)rl >= sizeof range) {
        nb_fail(err, "the file is too large to sign");
        goto done;
    }
    memset(range + rl, ' ', sizeof range - 1 - (size_t)rl);
    memcpy(b.s + range_at, range, sizeof range - 1);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int hashed = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
                 EVP_DigestUpdate(ctx, b.s, c0) && EVP_DigestUpdate(ctx, b.s + c1, b.len - c1) &&
                 EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    unsigned char *der = NULL;
    int dl = hashed ? S_cms(s, md, mdlen, &der) : 0;
    if (!dl || (size_t)dl > s->room) {
        OPENSSL_free(der);
        nb_fail(err, dl ? "the signature is larger than the room kept for it" : "OpenSSL could not sign");
        goto done;
    }
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < dl; i++)
        b.s[c0 + 1 + 2 * i] = hex[der[i] >> 4], b.s[c0 + 2 + 2 * i] = hex[der[i] & 15];
    OPENSSL_free(der);
    free(*pdf);
    *pdf = b.s, *len = b.len;
    b = (NbBuf){0};
    ok = 1;
done:
    nb_buf_free(&b);
    nb_buf_free(&extra);
    nb_pdfin_free(in);
    return ok;
}
