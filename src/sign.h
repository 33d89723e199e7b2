/* Signing a finished PDF: a PAdES baseline B-B signature (ETSI EN 319 142-1; CMS, SHA-256,
 * RSA or ECDSA) made with OpenSSL's libcrypto and appended as an incremental update, so
 * that every byte of the unsigned file stays as it was. Part of the painter's stage. */
#ifndef NB_SIGN_H
#define NB_SIGN_H

#include <stddef.h>

#include "pdf.h"
#include "util.h"

typedef struct {
    const char *p12;        /* the PKCS#12 file: key, certificate and its chain */
    const char *pass_file;  /* its password's file (first line), or NULL: $NIANBAO_SIGN_PASS */
    const char *reason, *location; /* or NULL */
    const char *time;       /* a fixed signing time, YYYY-MM-DDTHH:MM:SSZ (or ±HH:MM), or NULL */
} NbSignOpts;

typedef struct NbSigner NbSigner;

/* The key and certificate, checked (the password, the key against the certificate, the
 * certificate's validity now); NULL with a message at the file, *status 1 for a file that
 * cannot be used, 3 for one that cannot be read. */
NbSigner *nb_signer_load(const NbSignOpts *o, NbDiag *diag, int *status);
void nb_signer_free(NbSigner *s);

/* Sign the PDF *pdf (replaced by the signed file, *len updated) with a signature field
 * whose widget lies at spot; 0 with *err (allocated) when it cannot be. */
int nb_sign_pdf(const NbSigner *s, char **pdf, size_t *len, const NbPdfSpot *spot, char **err);

#endif
