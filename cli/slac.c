#include "../parser/parse.h"
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
    FILE *f = fopen(argv[1], "rb");
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text, f);
    fclose(f);
    src_file sf;
    src_file_init(&sf, argv[1], text, n);
    arena a; arena_init(&a);
    diag_set d; diag_set_init(&d);
    policy *p = parse_policy(&sf, &a, &d);
    diag_sort(&d);
    diag_render_text(&d, stderr, false);
    printf("fields %d lets %d stages %d classes %d\n", p->fields.n, p->lets.n, p->stages.n, p->classes.n);
    (void)argc;
    return d.errors ? 1 : 0;
}
