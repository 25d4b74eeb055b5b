/*
 * outfile.c - write to a temporary file, rename into place when complete.
 */
#include "outfile.h"

#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- temporary files removed on a signal ------------------------------------------ */

/* The temporary files being written, so that an interrupted run (Ctrl-C,
 * a kill from a job runner, a closed pipe) removes them before it dies: the
 * old file, never touched, is all that is left. Only SIGKILL leaves one
 * behind, beside the old file. Changed with the signals blocked. */
enum { OUT_MAX_OPEN = 8 };
static char *volatile pending[OUT_MAX_OPEN];
static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT};
enum { NFATAL = sizeof fatal_signals / sizeof fatal_signals[0] };

static void remove_pending(int sig)
{
    for (int i = 0; i < OUT_MAX_OPEN; i++)
        if (pending[i])
            unlink(pending[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void block_fatal(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < NFATAL; i++)
        sigaddset(&set, fatal_signals[i]);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void track(char *tmp, bool add)
{
    static bool installed;
    sigset_t old;
    block_fatal(&old);
    if (!installed) {
        for (int i = 0; i < NFATAL; i++) {
            struct sigaction sa, prev;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = remove_pending;
            sigemptyset(&sa.sa_mask);
            /* A signal the caller chose to ignore stays ignored. */
            if (sigaction(fatal_signals[i], NULL, &prev) == 0 && prev.sa_handler == SIG_IGN)
                continue;
            sigaction(fatal_signals[i], &sa, NULL);
        }
        installed = true;
    }
    for (int i = 0; i < OUT_MAX_OPEN; i++) {
        if (add && !pending[i]) {
            pending[i] = tmp;
            break;
        }
        if (!add && pending[i] == tmp) {
            pending[i] = NULL;
            break;
        }
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

int out_open(out_file *f, const char *path, const char *prog)
{
    memset(f, 0, sizeof *f);
    buf_init(&f->b);
    f->path = path;
    f->prog = prog;
    if (!path) {
        f->fd = STDOUT_FILENO;
        return 0;
    }
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        f->fd = open(path, O_WRONLY);
        if (f->fd < 0) {
            fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(errno));
            buf_free(&f->b);
            return -1;
        }
        return 0;
    }
    /* A symbolic link is followed: its target is the file replaced. */
    char *real = exists ? realpath(path, NULL) : NULL;
    f->target = real ? real : xstrdup(path);
    size_t n = strlen(f->target);
    f->tmp = xmalloc(n + 16);
    snprintf(f->tmp, n + 16, "%s.tmpXXXXXX", f->target);
    f->fd = mkstemp(f->tmp);
    if (f->fd < 0) {
        fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(errno));
        free(f->tmp);
        free(f->target);
        f->tmp = f->target = NULL;
        buf_free(&f->b);
        return -1;
    }
    /* mkstemp makes the file private: keep the old file's permissions, or
     * give a new one the usual ones. A failure here is not fatal: the file
     * is still complete and readable by its owner. */
    mode_t mode;
    if (exists) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (fchmod(f->fd, mode) != 0)
        fprintf(stderr, "%s: note: cannot set the permissions of %s\n", prog, path);
    track(f->tmp, true);
    return 0;
}

int out_flush(out_file *f)
{
    size_t done = 0;
    while (done < f->b.len) {
        ssize_t w = write(f->fd, f->b.data + done, f->b.len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s: cannot write %s: %s\n", f->prog,
                    f->path ? f->path : "standard output", strerror(errno));
            return -1;
        }
        done += (size_t)w;
    }
    buf_reset(&f->b);
    return 0;
}

int out_close(out_file *f, bool ok)
{
    int rc = 0;
    if (ok)
        rc = out_flush(f);
    if (f->tmp) {
        if (close(f->fd) != 0)
            rc = -1;
        if (ok && rc == 0 && rename(f->tmp, f->target) != 0) {
            fprintf(stderr, "%s: cannot write %s: %s\n", f->prog, f->path, strerror(errno));
            rc = -1;
        }
        if (!ok || rc != 0)
            unlink(f->tmp);
        track(f->tmp, false);
        free(f->tmp);
        free(f->target);
    } else if (f->path && f->fd >= 0) {
        if (close(f->fd) != 0)
            rc = -1;
    }
    buf_free(&f->b);
    return rc;
}
