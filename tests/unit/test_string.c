/*
 * string.h vs glibc. Searches are compared by offset into the same string,
 * comparisons by sign only (the C standard promises nothing more), and functions
 * that write are run on two buffers filled with the same guard bytes so stray
 * writes past the end show up too.
 */
#include <stdio.h>
#include <string.h>
#include "check.h"

#define SIGN(x) (((x) > 0) - ((x) < 0))
#define GUARD 0xa5

static const char *const strs[] = {
	"", "a", "b", "ab", "abc", "abd", "abcd", "aab", "aaa", "aaab", "hello world",
	"hello", "world", "lo w", "o", "xyz", "\x80", "\xff", "a\x80", "a\xff", "\x01",
	" \t\n", "ABC", "abcabcabd", "mississippi", "issip", "ssi", "pi", "p",
};
#define NSTRS (sizeof(strs) / sizeof(strs[0]))

/* Offset of a returned pointer in base, or -1 for NULL. */
static long off(const void *p, const void *base)
{
	return p ? (const char *)p - (const char *)base : -1;
}

static void test_lengths(void)
{
	for (size_t i = 0; i < NSTRS; i++) {
		const char *s = strs[i];

		check(hvut_strlen(s) == strlen(s), "strlen(\"%s\"): got %zu want %zu",
		      ESC(s), hvut_strlen(s), strlen(s));
		for (size_t max = 0; max < 14; max++)
			check(hvut_strnlen(s, max) == strnlen(s, max),
			      "strnlen(\"%s\", %zu): got %zu want %zu", ESC(s), max,
			      hvut_strnlen(s, max), strnlen(s, max));
	}
}

static void test_compares(void)
{
	for (size_t i = 0; i < NSTRS; i++) {
		for (size_t j = 0; j < NSTRS; j++) {
			const char *a = strs[i], *b = strs[j];
			int got = SIGN(hvut_strcmp(a, b)), want = SIGN(strcmp(a, b));

			check(got == want, "strcmp(\"%s\", \"%s\"): got %d want %d",
			      ESC(a), ESC(b), got, want);
			for (size_t n = 0; n < 6; n++) {
				got = SIGN(hvut_strncmp(a, b, n));
				want = SIGN(strncmp(a, b, n));
				check(got == want, "strncmp(\"%s\", \"%s\", %zu): got %d want %d",
				      ESC(a), ESC(b), n, got, want);
			}
			/* memcmp reads n bytes of both: stay within the shorter + NUL. */
			size_t lim = strlen(a) < strlen(b) ? strlen(a) : strlen(b);

			for (size_t n = 0; n <= lim + 1; n++) {
				got = SIGN(hvut_memcmp(a, b, n));
				want = SIGN(memcmp(a, b, n));
				check(got == want, "memcmp(\"%s\", \"%s\", %zu): got %d want %d",
				      ESC(a), ESC(b), n, got, want);
			}
		}
	}
}

static void test_searches(void)
{
	/* 0 finds the terminator; 256 + 'a' and -1 check the conversion to char. */
	static const int chars[] = { 0, 'a', 'b', 'o', 's', 'z', 0x80, 0xff, -1, 256 + 'a', -128 };

	for (size_t i = 0; i < NSTRS; i++) {
		const char *s = strs[i];

		for (size_t k = 0; k < sizeof(chars) / sizeof(chars[0]); k++) {
			int c = chars[k];
			long got = off(hvut_strchr(s, c), s), want = off(strchr(s, c), s);

			check(got == want, "strchr(\"%s\", %d): got %ld want %ld", ESC(s), c, got, want);
			got = off(hvut_strrchr(s, c), s);
			want = off(strrchr(s, c), s);
			check(got == want, "strrchr(\"%s\", %d): got %ld want %ld", ESC(s), c, got, want);
			for (size_t n = 0; n <= strlen(s) + 1; n++) {
				got = off(hvut_memchr(s, c, n), s);
				want = off(memchr(s, c, n), s);
				check(got == want, "memchr(\"%s\", %d, %zu): got %ld want %ld",
				      ESC(s), c, n, got, want);
			}
		}
		for (size_t j = 0; j < NSTRS; j++) {
			const char *t = strs[j];
			long got = off(hvut_strstr(s, t), s), want = off(strstr(s, t), s);

			check(got == want, "strstr(\"%s\", \"%s\"): got %ld want %ld",
			      ESC(s), ESC(t), got, want);
			got = hvut_strspn(s, t);
			want = strspn(s, t);
			check(got == want, "strspn(\"%s\", \"%s\"): got %ld want %ld",
			      ESC(s), ESC(t), got, want);
			got = hvut_strcspn(s, t);
			want = strcspn(s, t);
			check(got == want, "strcspn(\"%s\", \"%s\"): got %ld want %ld",
			      ESC(s), ESC(t), got, want);
		}
	}
}

/* Compares two guarded buffers after the same operation; names it on failure. */
static void same_buf(const char *got, const char *want, size_t n, long got_ret, long want_ret,
		     const char *what)
{
	check(!memcmp(got, want, n) && got_ret == want_ret,
	      "%s: got \"%s\" (ret %ld) want \"%s\" (ret %ld)", what,
	      esc(got, n), got_ret, esc(want, n), want_ret);
}

static void test_copies(void)
{
	char g[64], w[64], what[256];

	for (size_t i = 0; i < NSTRS; i++) {
		const char *src = strs[i];

		memset(g, GUARD, sizeof(g));
		memset(w, GUARD, sizeof(w));
		snprintf(what, sizeof(what), "strcpy(buf, \"%s\")", ESC(src));
		same_buf(g, w, sizeof(g), off(hvut_strcpy(g + 1, src), g), off(strcpy(w + 1, src), w), what);
		for (size_t n = 0; n < 16; n++) {
			memset(g, GUARD, sizeof(g));
			memset(w, GUARD, sizeof(w));
			snprintf(what, sizeof(what), "strncpy(buf, \"%s\", %zu)", ESC(src), n);
			same_buf(g, w, sizeof(g), off(hvut_strncpy(g + 1, src, n), g),
				 off(strncpy(w + 1, src, n), w), what);
		}
		for (size_t j = 0; j < NSTRS; j++) {
			const char *dst = strs[j];

			memset(g, GUARD, sizeof(g));
			memset(w, GUARD, sizeof(w));
			strcpy(g + 1, dst);
			strcpy(w + 1, dst);
			snprintf(what, sizeof(what), "strcat(\"%s\", \"%s\")", ESC(dst), ESC(src));
			same_buf(g, w, sizeof(g), off(hvut_strcat(g + 1, src), g), off(strcat(w + 1, src), w), what);
			for (size_t n = 0; n < 8; n++) {
				memset(g, GUARD, sizeof(g));
				memset(w, GUARD, sizeof(w));
				strcpy(g + 1, dst);
				strcpy(w + 1, dst);
				snprintf(what, sizeof(what), "strncat(\"%s\", \"%s\", %zu)", ESC(dst), ESC(src), n);
				same_buf(g, w, sizeof(g), off(hvut_strncat(g + 1, src, n), g),
					 off(strncat(w + 1, src, n), w), what);
			}
		}
	}
}

/*
 * Every alignment of source and destination and lengths across the word-sized
 * fast paths; memmove also within one buffer, both directions, overlapping.
 */
static void test_mem(void)
{
	char src[128], g[128], w[128], what[128];

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (char)(i * 7 + 1);
	for (size_t so = 0; so < 9; so++) {
		for (size_t d = 0; d < 9; d++) {
			for (size_t n = 0; n < 40; n++) {
				memset(g, GUARD, sizeof(g));
				memset(w, GUARD, sizeof(w));
				snprintf(what, sizeof(what), "memcpy(buf+%zu, src+%zu, %zu)", d, so, n);
				same_buf(g, w, sizeof(g), off(hvut_memcpy(g + d, src + so, n), g),
					 off(memcpy(w + d, src + so, n), w), what);
				memcpy(g, src, sizeof(g));
				memcpy(w, src, sizeof(w));
				snprintf(what, sizeof(what), "memmove(buf+%zu, buf+%zu, %zu)", d * 3, so * 3, n);
				same_buf(g, w, sizeof(g), off(hvut_memmove(g + d * 3, g + so * 3, n), g),
					 off(memmove(w + d * 3, w + so * 3, n), w), what);
			}
			memset(g, GUARD, sizeof(g));
			memset(w, GUARD, sizeof(w));
			snprintf(what, sizeof(what), "memset(buf+%zu, 0x%x, %zu)", d, (unsigned)(so * 37), so * 9);
			same_buf(g, w, sizeof(g), off(hvut_memset(g + d, (int)(so * 37), so * 9), g),
				 off(memset(w + d, (int)(so * 37), so * 9), w), what);
		}
	}
	/* memset takes an int but stores (unsigned char)c. */
	memset(g, GUARD, sizeof(g));
	memset(w, GUARD, sizeof(w));
	same_buf(g, w, sizeof(g), off(hvut_memset(g, 0x1234, 50), g), off(memset(w, 0x1234, 50), w),
		 "memset(buf, 0x1234, 50)");
	memset(g, GUARD, sizeof(g));
	memset(w, GUARD, sizeof(w));
	same_buf(g, w, sizeof(g), off(hvut_memset(g + 3, -1, 70), g), off(memset(w + 3, -1, 70), w),
		 "memset(buf+3, -1, 70)");
}

void test_string(void)
{
	test_lengths();
	test_compares();
	test_searches();
	test_copies();
	test_mem();
}
