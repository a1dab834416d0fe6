/* ctype vs glibc in the C locale, for every argument the API allows: EOF and 0..255. */
#include <ctype.h>
#include <stdio.h>
#include "check.h"

struct pair {
	const char *name;
	int (*ours)(int);
	int (*glibc)(int);
	int exact;	/* 0: compare truth only (glibc returns bit masks) */
};

/* Wrappers: glibc's ctype functions may be macros. */
#define GLIBC(f) static int glibc_##f(int c) { return f(c); }
GLIBC(isdigit) GLIBC(isxdigit) GLIBC(isalpha) GLIBC(isalnum) GLIBC(isspace)
GLIBC(isupper) GLIBC(islower) GLIBC(isprint) GLIBC(ispunct) GLIBC(iscntrl)
GLIBC(isgraph) GLIBC(toupper) GLIBC(tolower)

#define P(f, exact) { #f, hvut_##f, glibc_##f, exact }
static const struct pair pairs[] = {
	P(isdigit, 0), P(isxdigit, 0), P(isalpha, 0), P(isalnum, 0), P(isspace, 0),
	P(isupper, 0), P(islower, 0), P(isprint, 0), P(ispunct, 0), P(iscntrl, 0),
	P(isgraph, 0), P(toupper, 1), P(tolower, 1),
};

void test_ctype(void)
{
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const struct pair *p = &pairs[i];

		for (int c = EOF; c <= 255; c++) {
			int got = p->ours(c), want = p->glibc(c);

			if (!p->exact) {
				got = !!got;
				want = !!want;
			}
			check(got == want, "%s(%d): got %d want %d", p->name, c, got, want);
		}
	}
}
