/*
 * csv.h - a streaming RFC 4180 reader for CRM exports.
 *
 * Reads from a file descriptor in large blocks and hands out one record at
 * a time as slices of its own buffer: no per-field allocation, no copies
 * for fields without escaped quotes. Accepts a UTF-8 byte order mark, LF,
 * CRLF or lone CR line ends (also inside quoted fields, kept as written),
 * a missing final newline, quoted fields with commas, `""` escapes and
 * newlines. Refuses, with a message and the line, what it cannot read
 * exactly: a quote in the middle of an unquoted field, text after a
 * closing quote, a quote left open at the end of the file, a NUL byte, a
 * record larger than CSV_MAX_RECORD. UTF-16 input is refused at the start
 * with a message that says so.
 *
 * Memory stays flat: the buffer holds at least one whole record and grows
 * only for a record larger than it.
 */
#ifndef SLA_CSV_H
#define SLA_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { CSV_MAX_RECORD = 64 << 20, CSV_MAX_FIELDS = 4096 };

typedef struct csv_field {
    const char *p;        /* the field's bytes, unquoted and unescaped */
    uint32_t len;
    bool quoted;          /* it was written in quotes */
} csv_field;

typedef struct csv_record {
    csv_field *fields;    /* owned by the reader; valid until the next call */
    int nfields;
    int64_t line;         /* physical line (1-based) where the record starts */
    int64_t end_line;     /* physical line where it ends */
    const char *raw;      /* the record's bytes as written, without its line end */
    size_t raw_len;
} csv_record;

typedef enum {
    CSV_OK,               /* a record was read */
    CSV_EOF,              /* no more records */
    CSV_BAD,              /* this record is malformed; csv_error says why; the
                             reader has skipped it and can go on */
    CSV_FATAL,            /* the input cannot be read further (I/O error,
                             unclosed quote at the end, UTF-16) */
} csv_status;

typedef struct csv_reader csv_reader;

/* Reads from fd (not closed by the reader). name is used in messages. */
csv_reader *csv_open_fd(int fd, const char *name);
/* Reads from memory (not copied; must outlive the reader). */
csv_reader *csv_open_mem(const char *data, size_t len, const char *name);
void csv_close(csv_reader *r);

csv_status csv_next(csv_reader *r, csv_record *out);
/* The reason for the last CSV_BAD or CSV_FATAL, and its line. */
const char *csv_error(const csv_reader *r);
int64_t csv_error_line(const csv_reader *r);
/* Bytes consumed so far (for progress). */
uint64_t csv_offset(const csv_reader *r);
/* Where the next record starts: after the last one csv_next returned and
 * its line end. That record's bytes as written, line end included, are
 * [rec.raw, csv_cursor(r)), valid until the next call. */
const char *csv_cursor(const csv_reader *r);

/* True if no byte of the input around the last record handed out (the
 * window it was parsed from: the memory read, or the buffer) is above
 * 0x7F: its text needs no UTF-8 check. */
bool csv_ascii(const csv_reader *r);

/* True if at least CSV_PAD bytes that can be read (of any value) follow
 * every field the reader hands out: a reader of a file keeps them after
 * its buffer; one of memory has them if its caller said so. Converters
 * then read a cell a word at a time. */
enum { CSV_PAD = 8 };
bool csv_padded(const csv_reader *r);

/* ---- several readers over one input (sla score --threads) ----
 *
 * One thread reads an input's bytes and cuts them into pieces of whole
 * records; readers on other threads read a piece each, from memory, and
 * see exactly the records, errors and line numbers a single reader of
 * the whole input would have. */

/* The bytes r has read but not parsed (after the last record csv_next
 * returned), the line they start on, and whether the input has nothing
 * after them. They stay valid until the next call on r. */
const char *csv_rest(const csv_reader *r, size_t *len, int64_t *line, bool *eof);

/* Points r (from csv_open_mem) at data[0..len), which holds whole records
 * of an input from a record start on line `line`, to the end of the input
 * or to a cut of csv_cut; the input's start (BOM, UTF-16) is not looked
 * at again. padded: data[len..len + CSV_PAD) can be read too. */
void csv_reset_mem(csv_reader *r, const char *data, size_t len, int64_t line, bool padded);
/* csv_reset_mem for memory whose csv_ascii the caller knows (a pass of
 * csv_cut_lines over it said), which csv_reset_mem finds out itself. */
void csv_reset_mem_ascii(csv_reader *r, const char *data, size_t len, int64_t line, bool ascii,
                         bool padded);

/* Resumes reading fd after csv_rest: head[0..len) are the bytes already
 * read, from a record start on line `line`, at input offset `offset`;
 * eof: fd has nothing more. */
csv_reader *csv_open_resume(int fd, const char *name, const char *head, size_t len,
                            int64_t line, uint64_t offset, bool eof);

/* Scratch for csv_cut. Zero it before the first use. */
typedef struct csv_cutter {
    size_t *turns;
    size_t cap;
} csv_cutter;

/* Where data[0..len), which starts at a record start and may go on after
 * len, can be cut: an n such that data[0..n) is whole records that a
 * reader ends at n, the last of them not an empty line (a reader's caller
 * holds empty lines back until it knows what follows them). The first
 * such n at or after want, else the last before it; 0 if there is none. */
size_t csv_cut(csv_cutter *c, const char *data, size_t len, size_t want);
void csv_cutter_free(csv_cutter *c);

/* The physical lines that data[0..len) ends (LF, CRLF or CR, quoted or
 * not), where len is 0 or a cut of csv_cut. */
int64_t csv_lines(const char *data, size_t len);

/* csv_cut, and csv_lines of the part before the cut in *lines: one pass
 * over the bytes counts their LFs, looks for CRs and, with AVX2, finds
 * where quoted fields start and end (csv_cut's first pass); without CRs
 * (most exports) that count is the lines'. *ascii: no byte of
 * data[0..len) is above 0x7F. */
size_t csv_cut_lines(csv_cutter *c, const char *data, size_t len, size_t want, int64_t *lines,
                     bool *ascii);

#endif
