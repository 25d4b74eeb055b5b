/*
 * csv.c - the streaming CSV reader: record and field boundaries, quotes,
 * line numbers, and the errors csv.h lists.
 *
 * A record is always parsed from one contiguous window of bytes: the
 * caller's memory, or the reader's buffer, which is filled completely on
 * every read (from a pipe, the reader waits for a full buffer or the end
 * of the input). When a record runs past the end of the window and more
 * input may follow, the reader moves the partial record to the front of
 * the buffer, fills the rest (doubling the buffer only if the record
 * alone fills it) and parses the record again from its start. Parsing
 * again is simpler and faster than carrying a state machine across
 * reads: it happens about once per megabyte, and a record larger than
 * the buffer costs at most twice its size in scanning. The parser itself
 * can then work on plain pointers and stop wherever it likes.
 *
 * Within the window the parser never looks at ordinary bytes. A 64-byte
 * block at a time, it takes a bit mask of the five bytes where it has a
 * decision to make (, " CR LF NUL; with AVX2 or AVX-512, a table lookup
 * and a compare per 32 or 64 bytes, else five compares per 16 with SSE2)
 * and writes the offsets of the set bits into an array, a batch of up to
 * 4 KiB of input at a time (with AVX-512 by two compresses a block); the
 * parser takes the stops from there one after another, carrying the walk
 * from one record to the next. Fields that end at a comma, most of them,
 * are taken by a loop of their own. A short field thus costs a few
 * instructions and no mispredicted branch on its length, which is what
 * limits a byte-at-a-time loop, nor on where a block ends.
 *
 * Fields point into the window; a field with `""` escapes is copied,
 * unescaped, into reader-owned scratch once the record is known to be
 * whole, so the window (which may be the caller's memory) is never
 * written and `raw` stays as written.
 *
 * Empty lines: a line end right after another yields a record of one
 * empty field, like any other line; whether that is a ragged row is the
 * caller's decision. Bad records: the reader reads the record leniently
 * to its end (a stray quote is an ordinary byte, text after a closing
 * quote continues the field as unquoted text) so that it stops at the
 * line end where the malformed row ends, reports the first problem of
 * the record, and goes on with the next one.
 */
#include "csv.h"

#include "../common/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__SSE2__) && !defined(CSV_NO_SIMD)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(CSV_NO_SIMD)
#define CSV_AVX2 1
#include <immintrin.h>
#else
#define CSV_AVX2 0
#endif

/* The buffer starts at 1 MiB and grows to hold the largest record
 * allowed plus a CRLF. */
enum { BUF_FIRST = 1 << 20, BUF_MAX = CSV_MAX_RECORD + 2, FIELDS_FIRST = 64 };

/* UTF-16 is recognised in the first bytes of the input, which are read
 * before anything else is. */
enum { SNIFF_LEN = 64 };

static const char MSG_BARE_QUOTE[] =
    "a quote inside an unquoted field (quote the whole field and double the inner quote)";
static const char MSG_AFTER_QUOTE[] =
    "text after the closing quote of a field (a quote inside a quoted field must be doubled)";
static const char MSG_NUL[] = "a NUL byte in the row";
static const char MSG_TOO_MANY[] = "too many fields (more than 4096)";
static const char MSG_UTF16[] = "this file is UTF-16 text; save it as UTF-8 (CSV UTF-8 in Excel)";
static const char MSG_TOO_LARGE[] = "a record larger than 64 MiB (is a quote left open?)";

_Static_assert(CSV_MAX_FIELDS == 4096, "MSG_TOO_MANY names the limit");
_Static_assert(CSV_MAX_RECORD == 64 << 20, "MSG_TOO_LARGE names the limit");

/* Walks the stop bytes of a window in order. A batch of up to
 * BATCH_BYTES of the window at a time is made into the offsets of its
 * stop bytes (idx, from base), which the parser takes one after another.
 * The walk lives in the reader, from one record to the next; the loop
 * over plain fields keeps it in locals. */
enum { BATCH_BYTES = 4096, IDX_SLACK = 64 };
_Static_assert(BATCH_BYTES % 64 == 0 && BATCH_BYTES <= 65536, "offsets are 16 bits, blocks 64 bytes");

typedef struct stop_walk {
    const unsigned char *base;  /* the batch's first byte */
    const uint16_t *at, *last;  /* its stops not yet handed out: base + *at, ... */
    const unsigned char *next;  /* where the next batch starts */
} stop_walk;

/* Makes the walk the next batch of the window that has stops, from
 * w->next to at most end, with its offsets in idx; false if there is
 * none before end. One of three, chosen when the reader is made: see
 * batch_fn_here. */
typedef bool (*batch_fn)(uint16_t *idx, stop_walk *w, const unsigned char *end);

struct csv_reader {
    const unsigned char *data;  /* the window; data[pos..len) is unread */
    size_t pos, len;
    bool eof;                   /* no input after data[len - 1] */
    bool started;               /* the start was checked for a BOM and UTF-16 */
    bool fatal;
    bool ascii;                 /* no byte of data[0..len) is above 0x7F */
    bool padded;                /* CSV_PAD readable bytes follow data[len - 1] */
    int fd;                     /* -1 when reading memory */
    unsigned char *buf;         /* fd: the buffer behind data */
    size_t cap;
    uint64_t base;              /* input offset of data[0] */
    int64_t line;               /* physical line of data[pos] */
    stop_walk walk;             /* where the last record ended, */
    bool walk_ok;               /* if it is still the window's */
    uint16_t *idx;              /* the walk's offsets: BATCH_BYTES + IDX_SLACK */
    batch_fn next_batch;        /* next_batch, or a faster one of the same */

    csv_field *fields;          /* fcap entries */
    int *esc;                   /* indexes of fields with "" escapes, fcap entries */
    int fcap;
    char *scratch;              /* unescaped fields of the current record */
    size_t scap;

    const char *err;            /* the last error: a constant or errbuf */
    int64_t err_line;
    char errbuf[160];
    char *name;
};

typedef enum { PARSE_OK, PARSE_MORE, PARSE_BAD, PARSE_FATAL } parse_result;

static batch_fn batch_fn_here(void);

/* No byte of s[0..n) is above 0x7F: the bytes or'ed together, 64 at a
 * time. */
static bool all_ascii(const unsigned char *s, size_t n)
{
    size_t i = 0;
    uint64_t acc = 0;
#if defined(__SSE2__) && !defined(CSV_NO_SIMD)
    __m128i v = _mm_setzero_si128();
    for (; i + 64 <= n; i += 64)
        v = _mm_or_si128(
            v, _mm_or_si128(_mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(s + i)),
                                         _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16))),
                            _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(s + i + 32)),
                                         _mm_loadu_si128((const __m128i *)(const void *)(s + i + 48)))));
    acc = (uint64_t)_mm_movemask_epi8(v);
#endif
    for (; i < n; i++)
        acc |= s[i] & 0x80;
    return acc == 0;
}

static csv_reader *reader_new(const char *name)
{
    csv_reader *r = xcalloc(1, sizeof *r);
    r->fd = -1;
    r->line = 1;
    r->next_batch = batch_fn_here();
    r->idx = xmalloc((BATCH_BYTES + IDX_SLACK) * sizeof *r->idx);
    r->name = xstrdup(name ? name : "input");
    r->fcap = FIELDS_FIRST;
    r->fields = xmalloc((size_t)r->fcap * sizeof *r->fields);
    r->esc = xmalloc((size_t)r->fcap * sizeof *r->esc);
    return r;
}

csv_reader *csv_open_fd(int fd, const char *name)
{
    csv_reader *r = reader_new(name);
    r->fd = fd;
    r->cap = BUF_FIRST;
    r->buf = xmalloc(r->cap + CSV_PAD);
    r->padded = true;
    r->data = r->buf;
    return r;
}

csv_reader *csv_open_mem(const char *data, size_t len, const char *name)
{
    csv_reader *r = reader_new(name);
    r->data = (const unsigned char *)(data ? data : "");
    r->len = data ? len : 0;
    r->eof = true;
    r->ascii = all_ascii(r->data, r->len);
    return r;
}

void csv_close(csv_reader *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r->fields);
    free(r->esc);
    free(r->scratch);
    free(r->idx);
    free(r->name);
    free(r);
}

const char *csv_error(const csv_reader *r)
{
    return r->err ? r->err : "";
}

int64_t csv_error_line(const csv_reader *r)
{
    return r->err_line;
}

uint64_t csv_offset(const csv_reader *r)
{
    return r->base + r->pos;
}

bool csv_padded(const csv_reader *r)
{
    return r->padded;
}

bool csv_ascii(const csv_reader *r)
{
    return r->ascii;
}

const char *csv_cursor(const csv_reader *r)
{
    return (const char *)r->data + r->pos;
}

static csv_status fail(csv_reader *r, const char *msg, int64_t line)
{
    r->err = msg;
    r->err_line = line;
    r->fatal = true;
    return CSV_FATAL;
}

/* Makes room for twice as many fields; false at the limit. */
static bool grow_fields(csv_reader *r)
{
    if (r->fcap >= CSV_MAX_FIELDS)
        return false;
    int n = r->fcap * 2 < CSV_MAX_FIELDS ? r->fcap * 2 : CSV_MAX_FIELDS;
    r->fields = xrealloc(r->fields, (size_t)n * sizeof *r->fields);
    r->esc = xrealloc(r->esc, (size_t)n * sizeof *r->esc);
    r->fcap = n;
    return true;
}

/* Moves the unread bytes to the front of the buffer and reads until it is
 * full or the input ends. Called when a record does not end inside the
 * window, so a full window means the record needs a bigger buffer. */
static csv_status refill(csv_reader *r)
{
    size_t keep = r->len - r->pos;
    if (keep == r->cap) {
        if (r->cap >= BUF_MAX)
            return fail(r, MSG_TOO_LARGE, r->line);
        size_t cap = r->cap * 2 < BUF_MAX ? r->cap * 2 : BUF_MAX;
        r->buf = xrealloc(r->buf, cap + CSV_PAD);
        r->cap = cap;
    }
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, keep);
        r->base += r->pos;
        r->pos = 0;
    }
    r->data = r->buf;
    r->len = keep;
    r->walk_ok = false;
    while (r->len < r->cap) {
        ssize_t got = read(r->fd, r->buf + r->len, r->cap - r->len);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            snprintf(r->errbuf, sizeof r->errbuf, "cannot read %s: %s", r->name, strerror(errno));
            return fail(r, r->errbuf, r->line);
        }
        if (got == 0) {
            r->eof = true;
            break;
        }
        r->len += (size_t)got;
    }
    memset(r->buf + r->len, 0, CSV_PAD);
    r->ascii = all_ascii(r->buf, r->len);
    return CSV_OK;
}

/* UTF-16 by its byte order mark, or by NUL bytes at every other position:
 * ASCII text in UTF-16 has a NUL in each code unit, all on the same side. */
static bool looks_utf16(const unsigned char *s, size_t len)
{
    if (len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
        return true;
    size_t n = (len < SNIFF_LEN ? len : SNIFF_LEN) & ~(size_t)1;
    size_t zeven = 0, zodd = 0;
    for (size_t i = 0; i < n; i += 2) {
        zeven += s[i] == 0;
        zodd += s[i + 1] == 0;
    }
    size_t units = n / 2;
    return (zeven == 0 && zodd > 0 && zodd * 2 >= units) ||
           (zodd == 0 && zeven > 0 && zeven * 2 >= units);
}

/* Bit i of the result is set if b[i] is a stop byte (, " LF CR NUL);
 * b has 64 readable bytes. With SSE2 (every x86-64) this is five
 * compares per 16 bytes; otherwise a table lookup per byte, still without
 * a branch. CSV_NO_SIMD forces the second, to test it. */
static inline uint64_t stops_of(const unsigned char *b)
{
#if defined(__SSE2__) && !defined(CSV_NO_SIMD)
    const __m128i vquote = _mm_set1_epi8('"'), vcomma = _mm_set1_epi8(','),
                  vlf = _mm_set1_epi8('\n'), vcr = _mm_set1_epi8('\r'), vnul = _mm_setzero_si128();
    uint64_t m = 0;
    for (int i = 0; i < 4; i++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * i));
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, vcomma), _mm_cmpeq_epi8(x, vquote)),
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vlf), _mm_cmpeq_epi8(x, vcr)),
                         _mm_cmpeq_epi8(x, vnul)));
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(hit) << (16 * i);
    }
    return m;
#else
    static const unsigned char is_stop[256] = {
        [','] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1, ['\0'] = 1,
    };
    uint64_t m = 0;
    for (int i = 0; i < 64; i++)
        m |= (uint64_t)is_stop[b[i]] << i;
    return m;
#endif
}

/* stops_of for the fewer than 64 bytes from b to end, the rest read as
 * bytes that are not stops. Out of line: it is rare, and its copy would
 * give every caller a stack frame. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static uint64_t tail_stops(const unsigned char *b, const unsigned char *end)
{
    unsigned char tail[64];
    size_t n = (size_t)(end - b);
    memcpy(tail, b, n);
    memset(tail + n, 'x', 64 - n);
    return stops_of(tail);
}

#if CSV_AVX2
/* The table of the AVX2 and AVX-512 ways: for each value of a byte's low
 * half, the one stop byte with that low half (no two share one), else 0,
 * which no byte with that low half is. A byte is a stop if it is the
 * byte its low half picks. */
static const unsigned char stop_by_low_half[16] = {
    0x00, 0x00, 0x22, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x2c, 0x0d, 0x00, 0x00,
};

/* stops_of with AVX2, for processors that have it (see batch_fn_here):
 * a table lookup and a compare per 32 bytes. */
__attribute__((target("avx2"))) static inline uint64_t stops_of_avx2(const unsigned char *b)
{
    const __m256i table =
        _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)stop_by_low_half));
    const __m256i low = _mm256_set1_epi8(0x0f);
    __m256i x0 = _mm256_loadu_si256((const __m256i *)(const void *)b);
    __m256i x1 = _mm256_loadu_si256((const __m256i *)(const void *)(b + 32));
    __m256i h0 = _mm256_cmpeq_epi8(x0, _mm256_shuffle_epi8(table, _mm256_and_si256(x0, low)));
    __m256i h1 = _mm256_cmpeq_epi8(x1, _mm256_shuffle_epi8(table, _mm256_and_si256(x1, low)));
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(h0) |
           (uint64_t)(uint32_t)_mm256_movemask_epi8(h1) << 32;
}
#endif

/* The offsets of the stops of mask m, a block at off, written at o;
 * returns the end of those written. The first 16 are written whatever
 * their number (past the last, garbage that the next block overwrites;
 * idx has IDX_SLACK for the last), the rest, if any, by a loop: a block
 * of an export has fewer, and then no branch depends on how many (a
 * loop over them would mispredict its exit about once a block). With
 * BMI, each is three instructions. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline uint16_t *put_stops(uint16_t *o, size_t off, uint64_t m)
{
    uint16_t *end = o + __builtin_popcountll(m);
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 16
#endif
    for (int k = 0; k < 16; k++, m &= m - 1)
        o[k] = (uint16_t)(off + (unsigned)__builtin_ctzll(m | (uint64_t)1 << 63));
    for (o += 16; m; m &= m - 1)
        *o++ = (uint16_t)(off + (unsigned)__builtin_ctzll(m));
    return end;
}

/* The offsets of the stops among the n bytes (1 to 64) of the block at
 * b, at off in its batch, written at o; returns the end of those
 * written. One of three, as next_batch is. */
typedef uint16_t *(*block_fn)(uint16_t *o, const unsigned char *b, size_t off, size_t n);

static inline uint16_t *block_stops(uint16_t *o, const unsigned char *b, size_t off, size_t n)
{
    return put_stops(o, off, n == 64 ? stops_of(b) : tail_stops(b, b + n));
}

/* next_batch with block, block_stops or a faster one of the same (which
 * the compiler inlines here, the function being a constant). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline bool batch_with(block_fn block, uint16_t *idx, stop_walk *w,
                              const unsigned char *end)
{
    while (w->next < end) {
        const unsigned char *b = w->next;
        size_t n = (size_t)(end - b) < BATCH_BYTES ? (size_t)(end - b) : BATCH_BYTES;
        uint16_t *o = idx;
        for (size_t off = 0; off < n; off += 64)
            o = block(o, b + off, off, n - off < 64 ? n - off : 64);
        *w = (stop_walk){b, idx, o, b + n};
        if (o > idx)
            return true;
    }
    return false;
}

static bool next_batch(uint16_t *idx, stop_walk *w, const unsigned char *end)
{
    return batch_with(block_stops, idx, w, end);
}

#if CSV_AVX2
__attribute__((target("avx2,bmi,popcnt"))) static inline uint16_t *
block_stops_avx2(uint16_t *o, const unsigned char *b, size_t off, size_t n)
{
    return put_stops(o, off, n == 64 ? stops_of_avx2(b) : tail_stops(b, b + n));
}

__attribute__((target("avx2,bmi,popcnt"))) static bool next_batch_avx2(uint16_t *idx, stop_walk *w,
                                                                       const unsigned char *end)
{
    return batch_with(block_stops_avx2, idx, w, end);
}

/* block_stops with AVX-512 (VBMI2): the stops found as with AVX2, 64
 * bytes at once, and their offsets written with two compresses of 32
 * 16-bit offsets each, whatever their number: no branch on how many a
 * block has. A block at the end of the window is loaded masked, its
 * bytes after the end zero, and its stops there dropped. Each store
 * writes 32 offsets, the ones after the block's stops garbage the next
 * overwrites (idx has IDX_SLACK for the last). */
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt"))) static inline uint16_t *
block_stops_avx512(uint16_t *o, const unsigned char *b, size_t off, size_t n)
{
    const __m512i table =
        _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(const void *)stop_by_low_half));
    const __m512i low = _mm512_set1_epi8(0x0f);
    const __m512i first = _mm512_set_epi16(31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17,
                                           16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    const __m512i second = _mm512_add_epi16(first, _mm512_set1_epi16(32));
    __mmask64 in = n == 64 ? ~(__mmask64)0 : ((__mmask64)1 << n) - 1;
    __m512i x = _mm512_maskz_loadu_epi8(in, b);
    __mmask64 m = _mm512_mask_cmpeq_epi8_mask(in, x, _mm512_shuffle_epi8(table, _mm512_and_si512(x, low)));
    __m512i at = _mm512_set1_epi16((short)off);
    _mm512_storeu_si512(o, _mm512_maskz_compress_epi16((__mmask32)m, _mm512_add_epi16(first, at)));
    o += __builtin_popcount((uint32_t)m);
    _mm512_storeu_si512(o, _mm512_maskz_compress_epi16((__mmask32)(m >> 32), _mm512_add_epi16(second, at)));
    return o + __builtin_popcount((uint32_t)(m >> 32));
}

__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt"))) static bool
next_batch_avx512(uint16_t *idx, stop_walk *w, const unsigned char *end)
{
    return batch_with(block_stops_avx512, idx, w, end);
}
#endif

/* Whether to take the AVX2 ways: the processor has it, and
 * SLA_CSV_NO_AVX2 is not set (to test the others). */
static bool use_avx2(void)
{
#if CSV_AVX2
    return __builtin_cpu_supports("avx2") && !getenv("SLA_CSV_NO_AVX2");
#else
    return false;
#endif
}

/* And the AVX-512 one: SLA_CSV_NO_AVX512 leaves it for AVX2 (to test that). */
static bool use_avx512(void)
{
#if CSV_AVX2
    return use_avx2() && __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi2") &&
           !getenv("SLA_CSV_NO_AVX512");
#else
    return false;
#endif
}

static batch_fn batch_fn_here(void)
{
#if CSV_AVX2
    if (use_avx512())
        return next_batch_avx512;
    if (use_avx2() && __builtin_cpu_supports("bmi"))
        return next_batch_avx2;
#endif
    return next_batch;
}

/* The next stop byte, or end when there is none. Inlined into the parser. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline const unsigned char *next_stop(stop_walk *w, uint16_t *idx,
                                             const unsigned char *end, batch_fn nb)
{
    if (w->at == w->last && !nb(idx, w, end))
        return end;
    return w->base + *w->at++;
}

/* Field [p, s) of a record, not quoted. */
static inline void put_plain(csv_field *fp, const unsigned char *p, const unsigned char *s)
{
    fp->p = (const char *)p;
    fp->len = (uint32_t)(s - p);
    fp->quoted = false;
}

/* Fields that end at a comma without a quote, from p, the first ending
 * at s (a comma): most fields, taken here in a few instructions each, by
 * a loop of its own so that its state stays in registers, and with one
 * bound for both its limits (the batch's stops and the room for fields).
 * Returns the first stop that is not such a comma (the walk has handed
 * it out), with p where its field starts and *n fields in f, at most
 * lim. A field ending at a comma has no quote: at its start one would be
 * the stop. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static const unsigned char *plain_fields(stop_walk *walk, uint16_t *idx,
                                         const unsigned char *end, batch_fn nb,
                                         const unsigned char *s, const unsigned char **pp,
                                         csv_field *f, int *n, int lim)
{
    /* The walk in locals, a word at a time (a copy of the struct as a
     * whole would read it back wider than the caller just wrote it). */
    const unsigned char *base = walk->base;
    const uint16_t *at = walk->at, *last = walk->last;
    const unsigned char *p = *pp;
    csv_field *fp = f + *n, *const flim = f + lim;
    for (;;) {
        put_plain(fp++, p, s);           /* s: a comma, handed out; fp < flim */
        p = s + 1;
        size_t room = (size_t)(flim - fp), left = (size_t)(last - at);
        const uint16_t *bound = at + (left < room ? left : room);
        while (at < bound) {
            s = base + *at++;
            if (*s != ',')
                goto out;
            put_plain(fp++, p, s);
            p = s + 1;
        }
        /* the batch's end, or no room */
        walk->at = at;
        s = next_stop(walk, idx, end, nb);
        base = walk->base, at = walk->at, last = walk->last;
        if (s == end || *s != ',' || fp == flim)
            break;
    }
out:
    walk->at = at;
    *pp = p;
    *n = (int)(fp - f);
    return s;
}

/* Copies the fields with "" escapes into scratch, unescaped. Every quote
 * inside such a field is the first of a pair. */
static void unescape_fields(csv_reader *r, int nesc)
{
    size_t need = 0;
    for (int i = 0; i < nesc; i++)
        need += r->fields[r->esc[i]].len;
    if (need > r->scap) {
        size_t cap = r->scap ? r->scap : 4096;
        while (cap < need)
            cap *= 2;
        free(r->scratch);
        r->scratch = xmalloc(cap + CSV_PAD);
        r->scap = cap;
    }
    char *w = r->scratch;
    for (int i = 0; i < nesc; i++) {
        csv_field *f = &r->fields[r->esc[i]];
        const char *s = f->p, *e = s + f->len, *q;
        f->p = w;
        while ((q = memchr(s, '"', (size_t)(e - s))) != NULL) {
            memcpy(w, s, (size_t)(q + 1 - s));
            w += q + 1 - s;
            s = q + 2;
        }
        memcpy(w, s, (size_t)(e - s));
        w += e - s;
        f->len = (uint32_t)(w - f->p);
    }
    memset(w, 0, CSV_PAD);
}

/* Appends field [b, e). The common case is one compare: lim is the
 * capacity, or n itself once the record has an error, so that every
 * later field takes the slow path, which drops it. */
#define ADD_FIELD(b, e, is_quoted)                                              \
    do {                                                                        \
        if (n == lim) {                                                         \
            if (err)                                                            \
                break;                                                          \
            if (!grow_fields(r)) {                                              \
                err = MSG_TOO_MANY;                                             \
                err_line = line;                                                \
                break;                                                          \
            }                                                                   \
            f = r->fields;                                                      \
            lim = r->fcap;                                                      \
        }                                                                       \
        f[n].p = (const char *)(b);                                             \
        f[n].len = (uint32_t)((e) - (b));                                       \
        f[n].quoted = (is_quoted);                                              \
        n++;                                                                    \
    } while (0)

/* Records the first problem of the record. */
#define SET_ERROR(msg)                                                          \
    do {                                                                        \
        if (!err) {                                                             \
            err = (msg);                                                        \
            err_line = line;                                                    \
            lim = n;                                                            \
        }                                                                       \
    } while (0)

/* Parses the record at data[pos]. PARSE_MORE: it does not end inside the
 * window and more input may follow; nothing was changed. */
static parse_result parse_record(csv_reader *r, csv_record *out)
{
    const unsigned char *const start = r->data + r->pos;
    const unsigned char *const end = r->data + r->len;
    const bool eof = r->eof;
    const batch_fn nb = r->next_batch;
    uint16_t *const idx = r->idx;
    /* The walk where the last record ended usually goes on at this one's
     * start (after a CRLF, its LF is still to be dropped). It stays in
     * the reader, read and written a word at a time: a copy of it as a
     * whole would be read back wider than it was written. */
    stop_walk *const walk = &r->walk;
    if (r->walk_ok && start >= walk->base) {
        while (walk->at < walk->last && walk->base + *walk->at < start)
            walk->at++;
        if (walk->next < start)
            walk->next = start;
    } else {
        walk->base = walk->next = start;
        walk->at = walk->last = idx;
    }
    r->walk_ok = false;             /* until the record is done */
    const unsigned char *p = start;     /* where the current field starts */
    const unsigned char *s;             /* the stop byte in hand */
    const unsigned char *rec_end;       /* the end of the record's bytes */
    const unsigned char *next;          /* where the next record starts */
    int64_t line = r->line, end_line;
    csv_field *f = r->fields;
    int lim = r->fcap, n = 0, nesc = 0;
    const char *err = NULL;
    int64_t err_line = 0;

    s = next_stop(walk, idx, end, nb);
    for (;;) {
        /* A field starts at p; s is the first stop at or after p, and the
         * walk has handed out every stop up to s. */
        if (s < end && *s == ',' && n < lim)
            s = plain_fields(walk, idx, end, nb, s, &p, f, &n, lim);
        if (s == p && s < end && *s == '"') {
            int64_t open_line = line;
            bool escaped = false;
            for (;;) {
                s = next_stop(walk, idx, end, nb);
                if (s == end) {
                    if (!eof)
                        return PARSE_MORE;
                    snprintf(r->errbuf, sizeof r->errbuf,
                             "the quote opened on line %lld is never closed "
                             "(a quote inside a quoted field must be doubled)",
                             (long long)open_line);
                    fail(r, r->errbuf, open_line);
                    return PARSE_FATAL;
                }
                if (*s == '"') {
                    if (s + 1 == end) {
                        if (!eof)
                            return PARSE_MORE;
                        break;
                    }
                    if (s[1] != '"')
                        break;
                    escaped = true;
                    next_stop(walk, idx, end, nb);           /* the second quote of the pair */
                } else if (*s == '\n') {
                    line++;
                } else if (*s == '\r') {
                    /* At the end of the window the quote is still open:
                     * more input or the end of it decides. */
                    if (s + 1 < end && s[1] == '\n')
                        next_stop(walk, idx, end, nb);       /* CRLF is one line end */
                    line++;
                } else if (*s == '\0') {
                    SET_ERROR(MSG_NUL);
                }                               /* a comma is text here */
            }
            ADD_FIELD(p + 1, s, true);
            if (escaped && !err)
                r->esc[nesc++] = n - 1;
            s++;                                /* past the closing quote */
            if (s == end) {
                rec_end = next = s;
                end_line = line;
                goto record_done;
            }
            if (*s == ',') {
                next_stop(walk, idx, end, nb);
                p = s + 1;
                s = next_stop(walk, idx, end, nb);
                continue;
            }
            if (*s == '\n' || *s == '\r') {
                next_stop(walk, idx, end, nb);
                goto line_end;
            }
            SET_ERROR(MSG_AFTER_QUOTE);
            /* Read on as unquoted text: the record is bad anyway. */
            p = s;
            s = next_stop(walk, idx, end, nb);
        }

        /* An unquoted field from p; s is the first stop at or after p. */
        for (;;) {
            if (s == end) {
                if (!eof)
                    return PARSE_MORE;
                ADD_FIELD(p, s, false);
                rec_end = next = s;
                end_line = line;
                goto record_done;
            }
            if (*s == ',' || *s == '\n' || *s == '\r')
                break;
            SET_ERROR(*s == '"' ? MSG_BARE_QUOTE : MSG_NUL);
            s = next_stop(walk, idx, end, nb);
        }
        ADD_FIELD(p, s, false);
        if (*s == ',') {
            p = s + 1;
            s = next_stop(walk, idx, end, nb);
            continue;
        }
    line_end:
        rec_end = s;
        if (*s == '\r') {
            if (s + 1 == end && !eof)
                return PARSE_MORE;
            next = s + (s + 1 < end && s[1] == '\n' ? 2 : 1);
        } else {
            next = s + 1;
        }
        end_line = line++;
        break;
    }

record_done:
    if ((size_t)(rec_end - start) > CSV_MAX_RECORD) {
        fail(r, MSG_TOO_LARGE, r->line);
        return PARSE_FATAL;
    }
    r->walk_ok = true;
    out->line = r->line;
    out->end_line = end_line;
    out->raw = (const char *)start;
    out->raw_len = (size_t)(rec_end - start);
    r->pos = (size_t)(next - r->data);
    r->line = line;
    if (err) {
        out->fields = r->fields;
        out->nfields = 0;
        r->err = err;
        r->err_line = err_line;
        return PARSE_BAD;
    }
    if (nesc)
        unescape_fields(r, nesc);
    out->fields = r->fields;
    out->nfields = n;
    return PARSE_OK;
}

#undef ADD_FIELD
#undef SET_ERROR

/* Before the first record: a UTF-8 BOM is skipped, UTF-16 is refused. */
static csv_status check_start(csv_reader *r)
{
    const unsigned char *s = r->data + r->pos;
    size_t avail = r->len - r->pos;
    if (looks_utf16(s, avail))
        return fail(r, MSG_UTF16, 1);
    if (avail >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        r->pos += 3;
    r->started = true;
    return CSV_OK;
}

csv_status csv_next(csv_reader *r, csv_record *out)
{
    if (r->fatal)
        goto fatal;
    if (!r->started) {
        if (!r->eof && r->len - r->pos < SNIFF_LEN && refill(r) != CSV_OK)
            goto fatal;
        if (check_start(r) != CSV_OK)
            goto fatal;
    }
    for (;;) {
        if (r->pos == r->len) {
            if (r->eof) {
                memset(out, 0, sizeof *out);
                out->line = r->line;
                return CSV_EOF;
            }
            if (refill(r) != CSV_OK)
                goto fatal;
            continue;
        }
        switch (parse_record(r, out)) {
        case PARSE_OK:
            return CSV_OK;
        case PARSE_BAD:
            return CSV_BAD;
        case PARSE_FATAL:
            goto fatal;
        case PARSE_MORE:
            if (refill(r) != CSV_OK)
                goto fatal;
            break;
        }
    }

fatal:
    memset(out, 0, sizeof *out);
    out->line = r->err_line;
    return CSV_FATAL;
}

/* ---- several readers over one input ------------------------------------------ */

const char *csv_rest(const csv_reader *r, size_t *len, int64_t *line, bool *eof)
{
    *len = r->len - r->pos;
    *line = r->line;
    *eof = r->eof;
    return (const char *)r->data + r->pos;
}

void csv_reset_mem(csv_reader *r, const char *data, size_t len, int64_t line, bool padded)
{
    csv_reset_mem_ascii(r, data, len, line,
                        all_ascii((const unsigned char *)(data ? data : ""), data ? len : 0),
                        padded);
}

void csv_reset_mem_ascii(csv_reader *r, const char *data, size_t len, int64_t line, bool ascii,
                         bool padded)
{
    r->data = (const unsigned char *)(data ? data : "");
    r->pos = 0;
    r->len = data ? len : 0;
    r->eof = true;
    r->started = true;
    r->fatal = false;
    r->base = 0;
    r->line = line;
    r->err = NULL;
    r->err_line = 0;
    r->walk_ok = false;
    r->ascii = ascii;
    r->padded = data && padded;
}

csv_reader *csv_open_resume(int fd, const char *name, const char *head, size_t len,
                            int64_t line, uint64_t offset, bool eof)
{
    csv_reader *r = csv_open_fd(fd, name);
    if (len > r->cap) {
        r->cap = len;
        r->buf = xrealloc(r->buf, r->cap + CSV_PAD);
        r->data = r->buf;
    }
    memcpy(r->buf, head, len);
    memset(r->buf + len, 0, CSV_PAD);
    r->len = len;
    r->ascii = all_ascii(r->buf, len);
    r->eof = eof;
    r->started = true;
    r->line = line;
    r->base = offset;
    return r;
}

void csv_cutter_free(csv_cutter *c)
{
    free(c->turns);
    c->turns = NULL;
    c->cap = 0;
}

/* The cut: first, forwards from quote to quote, the quotes where a reader
 * enters and leaves a quoted field (its rules exactly: a quote opens one
 * only at the start of a field; inside, "" is a quote and any other quote
 * closes it; a stray quote is an ordinary byte). Then backwards from the
 * end, the line ends outside quotes after a record that is not empty,
 * down to the first before want. On an export the first pass is a memchr
 * per quoted field and the second reads the bytes after want and the
 * record before it. */
/* The second pass of csv_cut, over turns[0..nturns) found by the first. */
static size_t cut_back(const csv_cutter *c, const unsigned char *s, size_t len, size_t want,
                       size_t nturns);

/* The first pass of csv_cut, where it is: in quotes or not, the turns
 * so far, and where the next quote that counts can be (after a "" pair
 * or the end, further than the next byte). */
typedef struct turn_walk {
    bool in;
    size_t nturns, next;
} turn_walk;

/* The first pass at the quote s[at] (at >= t->next). */
static void turn_at(csv_cutter *c, turn_walk *t, const unsigned char *s, size_t len, size_t at)
{
    t->next = at + 1;
    if (t->in) {
        if (at + 1 == len)
            return;                 /* a close or the first of "": what follows decides */
        if (s[at + 1] == '"') {
            t->next = at + 2;
            return;
        }
    } else if (at > 0 && s[at - 1] != ',' && s[at - 1] != '\n' && s[at - 1] != '\r') {
        return;                     /* a stray quote */
    }
    t->in = !t->in;
    if (t->nturns == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->turns = xrealloc(c->turns, c->cap * sizeof *c->turns);
    }
    c->turns[t->nturns++] = at;
}

size_t csv_cut(csv_cutter *c, const char *data, size_t len, size_t want)
{
    const unsigned char *s = (const unsigned char *)data;
    turn_walk t = {false, 0, 0};
    const unsigned char *q;
    while (t.next < len && (q = memchr(s + t.next, '"', len - t.next)) != NULL)
        turn_at(c, &t, s, len, (size_t)(q - s));
    return cut_back(c, s, len, want, t.nturns);
}

static size_t cut_back(const csv_cutter *c, const unsigned char *s, size_t len, size_t want,
                       size_t nturns)
{
    size_t k = nturns;              /* turns[0..k) are before the line end in hand */
    size_t best = 0;                /* the first cut at or after want so far */
    for (size_t i = len; i > 0; i--) {
        unsigned char ch = s[i - 1];
        if (ch != '\n' && ch != '\r')
            continue;
        if (ch == '\r' && i == len)
            continue;               /* it may be the CR of a CRLF */
        size_t e = i - 1;           /* the line end's first byte */
        if (ch == '\n' && e > 0 && s[e - 1] == '\r')
            e--;
        while (k > 0 && c->turns[k - 1] > e)
            k--;
        if (k % 2) {
            i = c->turns[k - 1] + 1;   /* in quotes: on before the opening quote */
            continue;
        }
        if (e > 0 && s[e - 1] != '\n' && s[e - 1] != '\r') {
            if (i < want)
                return best ? best : i;
            best = i;
        }
        i = e + 1;                  /* on before this line end */
    }
    return best;
}

int64_t csv_lines(const char *data, size_t len)
{
    const unsigned char *s = (const unsigned char *)data;
    int64_t n = 0;
    size_t i = 0;
#if defined(__SSE2__) && !defined(CSV_NO_SIMD)
    /* Sixteen byte counters (a compare gives -1 where it holds), summed
     * before they can overflow. */
    const __m128i vlf = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    while (i + 16 <= len) {
        __m128i acc = zero;
        for (int k = 0; k < 255 && i + 16 <= len; k++, i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(x, vlf));
        }
        __m128i sum = _mm_sad_epu8(acc, zero);
        n += _mm_cvtsi128_si32(sum) + _mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
    }
#endif
    for (; i < len; i++)
        n += s[i] == '\n';
    /* A CR is a line end of its own unless an LF follows; the last byte of
     * a cut is never the CR of a CRLF. */
    for (const unsigned char *cr = memchr(s, '\r', len); cr;
         cr = memchr(cr + 1, '\r', len - (size_t)(cr + 1 - s)))
        n += cr + 1 == s + len || cr[1] != '\n';
    return n;
}

/* Of data[0..len): its LFs (its lines when it has no CR), whether it has
 * a CR, and whether it is all ASCII; with AVX2 in one pass, 32 bytes at a
 * time, counting LFs in byte counters that are summed before they can
 * overflow, and taking the first pass of csv_cut (turn_at) at each quote
 * on the way, into t. Without AVX2 (quotes_done false) csv_cut makes
 * that pass itself if there is a quote. */
typedef struct lf_scan {
    int64_t lfs;
    bool quote, cr, ascii;
    bool quotes_done;            /* t holds csv_cut's first pass */
} lf_scan;

#if CSV_AVX2
__attribute__((target("avx2"))) static lf_scan scan_lfs_avx2(csv_cutter *c, turn_walk *t,
                                                             const unsigned char *s, size_t len)
{
    const __m256i vlf = _mm256_set1_epi8('\n'), vq = _mm256_set1_epi8('"'),
                  vcr = _mm256_set1_epi8('\r'), zero = _mm256_setzero_si256();
    lf_scan sc = {0, false, false, true, true};
    __m256i crs = zero, bytes = zero;
    size_t i = 0;
    /* The blocks with quotes are queued, without a branch, and their
     * quotes taken after the vector loop: a call inside it would have the
     * vectors kept in memory around it. */
    size_t qat[255];
    uint32_t qbits[255];
    while (i + 32 <= len) {
        __m256i acc = zero;
        unsigned nq = 0;
        for (int k = 0; k < 255 && i + 32 <= len; k++, i += 32) {
            __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
            acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(x, vlf));
            crs = _mm256_or_si256(crs, _mm256_cmpeq_epi8(x, vcr));
            bytes = _mm256_or_si256(bytes, x);
            uint32_t q = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, vq));
            qat[nq] = i;
            qbits[nq] = q;
            nq += q != 0;
        }
        __m256i sum = _mm256_sad_epu8(acc, zero);
        sc.lfs += _mm256_extract_epi64(sum, 0) + _mm256_extract_epi64(sum, 1) +
                  _mm256_extract_epi64(sum, 2) + _mm256_extract_epi64(sum, 3);
        for (unsigned k = 0; k < nq; k++)
            for (uint32_t q = qbits[k]; q; q &= q - 1) {
                size_t at = qat[k] + (unsigned)__builtin_ctz(q);
                if (at >= t->next)
                    turn_at(c, t, s, len, at);
            }
    }
    sc.cr = _mm256_movemask_epi8(crs) != 0;
    sc.ascii = _mm256_movemask_epi8(bytes) == 0;
    for (; i < len; i++) {
        sc.lfs += s[i] == '\n';
        sc.cr |= s[i] == '\r';
        sc.ascii &= s[i] < 0x80;
        if (s[i] == '"' && i >= t->next)
            turn_at(c, t, s, len, i);
    }
    return sc;
}
#endif

static lf_scan scan_lfs(csv_cutter *c, turn_walk *t, const unsigned char *s, size_t len)
{
#if CSV_AVX2
    if (use_avx2())
        return scan_lfs_avx2(c, t, s, len);
#endif
    /* lfs is only looked at when there is no CR, and then it is the lines */
    (void)c, (void)t;
    return (lf_scan){csv_lines((const char *)s, len), memchr(s, '"', len) != NULL,
                     memchr(s, '\r', len) != NULL, all_ascii(s, len), false};
}

size_t csv_cut_lines(csv_cutter *c, const char *data, size_t len, size_t want, int64_t *lines,
                     bool *ascii)
{
    const unsigned char *s = (const unsigned char *)data;
    turn_walk t = {false, 0, 0};
    lf_scan sc = scan_lfs(c, &t, s, len);
    *ascii = sc.ascii;
    /* no quote: no turns for csv_cut to find */
    size_t cut = sc.quotes_done ? cut_back(c, s, len, want, t.nturns)
                 : sc.quote     ? csv_cut(c, data, len, want)
                                : cut_back(c, s, len, want, 0);
    if (sc.cr) {
        *lines = csv_lines(data, cut);
        return cut;
    }
    /* no CR: a line end is an LF */
    for (size_t i = cut; i < len; i++)
        sc.lfs -= s[i] == '\n';
    *lines = sc.lfs;
    return cut;
}
