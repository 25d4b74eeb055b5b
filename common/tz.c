/*
 * tz.c - finding zones in the system's time zone database.
 *
 * A zone name becomes a path under the database directory, so it is
 * checked first: only the characters IANA names use, no `..`, no leading
 * `/`. A file counts as a zone only if it starts with the TZif magic.
 */
#include "tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *tz_dir(void)
{
    const char *d = getenv("TZDIR");
    return d && *d ? d : "/usr/share/zoneinfo";
}

const char *tz_check_name(const char *name)
{
    if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0)
        return NULL;
    size_t n = strlen(name);
    if (n == 0 || n > 200 || name[0] == '/' || strstr(name, ".."))
        return "this is not a time zone name";
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '-' || c == '+'))
            return "this is not a time zone name";
    }
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tz_dir(), name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return "no such time zone in the time zone database";
    char magic[4];
    size_t got = fread(magic, 1, 4, f);
    fclose(f);
    if (got != 4 || memcmp(magic, "TZif", 4) != 0)
        return "no such time zone in the time zone database";
    return NULL;
}
