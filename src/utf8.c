#include "utf8.h"

uint32_t nb_utf8_next(const char **pp, const char *end)
{
    const unsigned char *p = (const unsigned char *)*pp;
    uint32_t c = p[0];
    *pp += 1;
    if (c < 0x80) return c;
    int n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
    if (!n || end - (const char *)p <= n) return 0xFFFD;
    c &= 0x3Fu >> n;
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0xFFFD;
        c = (c << 6) | (p[i] & 0x3F);
    }
    static const uint32_t min[] = {0, 0x80, 0x800, 0x10000};
    if (c < min[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0xFFFD;
    *pp += n;
    return c;
}

size_t nb_utf8_invalid(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    while (p < end) {
        const char *at = p;
        if (nb_utf8_next(&p, end) == 0xFFFD &&
            !(p - at == 3 && (unsigned char)at[0] == 0xEF && (unsigned char)at[1] == 0xBF &&
              (unsigned char)at[2] == 0xBD))
            return (size_t)(at - s);
    }
    return (size_t)-1;
}

void nb_utf8_put(NbBuf *b, uint32_t cp)
{
    char t[4];
    size_t n;
    if (cp < 0x80) t[0] = (char)cp, n = 1;
    else if (cp < 0x800) t[0] = (char)(0xC0 | cp >> 6), t[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    else if (cp < 0x10000)
        t[0] = (char)(0xE0 | cp >> 12), t[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
        t[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    else
        t[0] = (char)(0xF0 | cp >> 18), t[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), t[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    nb_buf_add(b, t, n);
}

int nb_char_han(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || cp == 0x3007 ||
           (cp >= 0x20000 && cp <= 0x3FFFD); /* Ext B–H, the compatibility supplement */
}

int nb_char_wide(uint32_t cp)
{
    return nb_char_han(cp) || (cp >= 0x2E80 && cp <= 0x33FF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF01 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) ||
           (cp >= 0x2018 && cp <= 0x201D) || cp == 0x2014 || cp == 0x2026 || cp == 0x00B7 ||
           cp == 0x2015;
}

const char *nb_utf8_prev(const char *start, const char *p)
{
    if (p <= start) return start;
    p--;
    while (p > start && ((unsigned char)*p & 0xC0) == 0x80) p--;
    return p;
}

size_t nb_utf16(uint32_t cp, uint16_t u[2])
{
    if (cp <= 0xFFFF) {
        u[0] = (uint16_t)cp;
        return 1;
    }
    u[0] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
    u[1] = (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
    return 2;
}
