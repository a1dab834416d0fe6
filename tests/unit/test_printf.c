/*
 * printf family vs glibc. Every vector is run three ways:
 *   1. snprintf into a large guarded buffer: text, return value, no stray writes;
 *   2. snprintf into buffers of 0 (NULL), 1, len/2, len and len+1 bytes: truncation;
 *   3. printf through the console stand-in: same text, same return value, and one
 *      console_write per 256 bytes (a line is written whole).
 * Formats include combinations C leaves undefined but glibc defines (%#d, %05s,
 * %+u, ...): guests use them by accident, and their output must still match.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include "check.h"

/* The deliberately odd formats above, and non-literal formats from the generators. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-zero-length"

#define BUFSZ 1024
#define CANARY 0x5a
#define CONSOLE_CHUNK 256	/* printf.c's PRINTF_BUF */

struct run {
	const char *fmt, *args;
	char got[BUFSZ], want[BUFSZ];
	int got_ret, want_ret, full_len, trunc_ok;
};

static void fill(struct run *r)
{
	memset(r->got, CANARY, BUFSZ);
	memset(r->want, CANARY, BUFSZ);
}

static void cmp_full(struct run *r)
{
	r->full_len = r->want_ret;
	r->trunc_ok = 1;
	check(r->got_ret == r->want_ret && !memcmp(r->got, r->want, BUFSZ),
	      "printf(\"%s\", %s): got \"%s\" (ret %d) want \"%s\" (ret %d)", ESC(r->fmt), r->args,
	      esc(r->got, r->got_ret < 0 || r->got_ret >= BUFSZ ? 0 : r->got_ret), r->got_ret,
	      esc(r->want, r->want_ret < 0 || r->want_ret >= BUFSZ ? 0 : r->want_ret), r->want_ret);
}

/* The sizes snprintf is tried with once the full length is known. */
#define NSIZES 5
static size_t trunc_size(const struct run *r, int k)
{
	size_t len = r->full_len > 0 && r->full_len < BUFSZ ? (size_t)r->full_len : 0;
	size_t sizes[NSIZES] = { 0, 1, len / 2, len, len + 1 };

	return sizes[k];
}

static void cmp_trunc(struct run *r, size_t size)
{
	/* Reported per size, counted once per vector (in cmp_console). */
	if (r->got_ret == r->want_ret && !memcmp(r->got, r->want, BUFSZ))
		return;
	r->trunc_ok = 0;
	printf("FAIL: snprintf(buf, %zu, \"%s\", %s): got \"%s\" (ret %d) want \"%s\" (ret %d)\n",
	       size, ESC(r->fmt), r->args, esc(r->got, size), r->got_ret, esc(r->want, size), r->want_ret);
}

static void cmp_console(struct run *r)
{
	size_t len = r->full_len > 0 ? (size_t)r->full_len : 0;
	int calls = (int)((len + CONSOLE_CHUNK - 1) / CONSOLE_CHUNK);

	check(r->trunc_ok, "snprintf truncation of \"%s\", %s (see above)", ESC(r->fmt), r->args);
	check(r->got_ret == r->want_ret && captured_len == len && !memcmp(captured, r->want, len) &&
	      captured_calls == calls,
	      "printf(\"%s\", %s) to console: got \"%s\" (ret %d, %d writes) want \"%s\" (ret %d, %d writes)",
	      ESC(r->fmt), r->args, esc(captured, captured_len), r->got_ret, captured_calls,
	      esc(r->want, len), r->want_ret, calls);
}

/* Runs one vector; fmt and the arguments are evaluated several times. */
#define PF(desc, format, ...) do {						\
	static struct run r_;							\
	r_.fmt = (format);							\
	r_.args = (desc);							\
	fill(&r_);								\
	r_.want_ret = snprintf(r_.want, BUFSZ, r_.fmt, __VA_ARGS__);		\
	r_.got_ret = hvut_snprintf(r_.got, BUFSZ, r_.fmt, __VA_ARGS__);		\
	cmp_full(&r_);								\
	for (int k_ = 0; k_ < NSIZES; k_++) {					\
		size_t sz_ = trunc_size(&r_, k_);				\
		fill(&r_);							\
		r_.want_ret = snprintf(sz_ ? r_.want : NULL, sz_, r_.fmt, __VA_ARGS__);	\
		r_.got_ret = hvut_snprintf(sz_ ? r_.got : NULL, sz_, r_.fmt, __VA_ARGS__); \
		cmp_trunc(&r_, sz_);						\
	}								\
	fill(&r_);								\
	r_.want_ret = snprintf(r_.want, BUFSZ, r_.fmt, __VA_ARGS__);		\
	capture_reset();							\
	r_.got_ret = hvut_printf(r_.fmt, __VA_ARGS__);				\
	cmp_console(&r_);							\
} while (0)

/* A literal vector: the arguments are shown as written. */
#define V(format, ...) PF(#__VA_ARGS__, format, __VA_ARGS__)

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Every subset of the five flags, in one canonical order. */
static const char *flag_set(unsigned mask, char *buf)
{
	static const char flags[] = "-+ #0";
	char *p = buf;

	for (int i = 0; i < 5; i++)
		if (mask & (1u << i))
			*p++ = flags[i];
	*p = '\0';
	return buf;
}

/* ---- generated: integers without a length modifier, all flags ---------- */

static void gen_int_flags(void)
{
	static const int vals[] = { 0, 1, -1, 7, 8, 42, -42, 255, 4096, INT_MAX, INT_MIN };
	static const char *const widths[] = { "", "1", "7", "25" };
	static const char *const precs[] = { "", ".", ".0", ".1", ".4", ".30" };
	char fl[8], fmt[64], desc[64];

	for (unsigned m = 0; m < 32; m++)
		for (size_t w = 0; w < N(widths); w++)
			for (size_t p = 0; p < N(precs); p++)
				for (const char *c = "diuoxX"; *c; c++)
					for (size_t v = 0; v < N(vals); v++) {
						snprintf(fmt, sizeof(fmt), "%%%s%s%s%c", flag_set(m, fl),
							 widths[w], precs[p], *c);
						snprintf(desc, sizeof(desc), "%d", vals[v]);
						PF(desc, fmt, vals[v]);
					}
}

/* ---- generated: every length modifier with its type's edge values -------- */

static const unsigned long long edge[] = {
	0, 1, (unsigned long long)-1, 7, 8, 15, 16, 127, 128, 255, 256, 32767, 32768, 65535,
	65536, INT_MAX, (unsigned long long)INT_MIN, UINT_MAX, (unsigned long long)UINT_MAX + 1,
	LONG_MAX, (unsigned long long)LONG_MIN, LLONG_MAX, (unsigned long long)LLONG_MIN,
	ULLONG_MAX - 1, SIZE_MAX, 01234567, 0x89abcdef, 0xfedcba9876543210ULL,
};

enum mod { M_HH, M_H, M_NONE, M_L, M_LL, M_BIGL, M_Z, M_T, M_J, M_COUNT };
static const char *const mod_text[M_COUNT] = { "hh", "h", "", "l", "ll", "L", "z", "t", "j" };

/*
 * Passes v as the type the conversion reads: the signed type for d/i, the
 * unsigned one otherwise (hh and h: promoted from (un)signed char/short).
 */
#define TYPED(desc, fmt, S, U, sgn, v) do {					\
	if (sgn) {								\
		snprintf(desc, sizeof(desc), "(%s)%lld", #S, (long long)(S)(v));	\
		PF(desc, fmt, (S)(v));						\
	} else {								\
		snprintf(desc, sizeof(desc), "(%s)%llu", #U, (unsigned long long)(U)(v)); \
		PF(desc, fmt, (U)(v));						\
	}									\
} while (0)

static void one_mod(enum mod m, const char *fmt, int sgn, unsigned long long v)
{
	char desc[96];

	switch (m) {
	case M_HH:   TYPED(desc, fmt, signed char, unsigned char, sgn, v); break;
	case M_H:    TYPED(desc, fmt, short, unsigned short, sgn, v); break;
	case M_NONE: TYPED(desc, fmt, int, unsigned int, sgn, v); break;
	case M_L:    TYPED(desc, fmt, long, unsigned long, sgn, v); break;
	case M_LL:   TYPED(desc, fmt, long long, unsigned long long, sgn, v); break;
	case M_BIGL: TYPED(desc, fmt, long long, unsigned long long, sgn, v); break;
	case M_Z:    TYPED(desc, fmt, ssize_t, size_t, sgn, v); break;
	case M_T:    TYPED(desc, fmt, ptrdiff_t, size_t, sgn, v); break;
	case M_J:    TYPED(desc, fmt, intmax_t, uintmax_t, sgn, v); break;
	case M_COUNT: break;
	}
}

static void gen_int_mods(void)
{
	static const char *const flags[] = { "", "-", "+", " ", "#", "0", "#0", "+0", "- ", "-#" };
	static const char *const widths[] = { "", "3", "24" };
	static const char *const precs[] = { "", ".0", ".5", ".23" };
	char fmt[64];

	for (int m = 0; m < M_COUNT; m++)
		for (const char *c = "diuoxX"; *c; c++)
			for (size_t v = 0; v < N(edge); v++)
				for (size_t f = 0; f < N(flags); f++)
					for (size_t w = 0; w < N(widths); w++)
						for (size_t p = 0; p < N(precs); p++) {
							snprintf(fmt, sizeof(fmt), "%%%s%s%s%s%c", flags[f],
								 widths[w], precs[p], mod_text[m], *c);
							one_mod(m, fmt, *c == 'd' || *c == 'i', edge[v]);
						}
}

/* ---- generated: '*' width and precision, negative ones included ----------- */

static void gen_star(void)
{
	static const int ws[] = { INT_MIN + 1, -12, -5, -1, 0, 1, 5, 12 };
	static const int ps[] = { INT_MIN, -3, -1, 0, 1, 4, 12 };
	static const int vals[] = { 0, 1, -1, 123, INT_MIN };
	static const char *const flags[] = { "", "-", "0", "+", " ", "#", "-0", "#0" };
	char fmt[64], desc[96];

	for (size_t f = 0; f < N(flags); f++)
		for (const char *c = "dixc"; *c; c++)
			for (size_t w = 0; w < N(ws); w++) {
				/* INT_MIN+1 as a width would be 2 GB of padding: keep it to %.* */
				int wv = ws[w] == INT_MIN + 1 ? -2 : ws[w];

				for (size_t v = 0; v < N(vals); v++) {
					snprintf(fmt, sizeof(fmt), "%%%s*%c", flags[f], *c);
					snprintf(desc, sizeof(desc), "%d, %d", wv, vals[v]);
					PF(desc, fmt, wv, vals[v]);
					for (size_t p = 0; p < N(ps); p++) {
						snprintf(fmt, sizeof(fmt), "%%%s*.*%c", flags[f], *c);
						snprintf(desc, sizeof(desc), "%d, %d, %d", wv, ps[p], vals[v]);
						PF(desc, fmt, wv, ps[p], vals[v]);
						snprintf(fmt, sizeof(fmt), "%%%s.*%c", flags[f], *c);
						snprintf(desc, sizeof(desc), "%d, %d", ps[p], vals[v]);
						PF(desc, fmt, ps[p], vals[v]);
					}
				}
			}
	for (size_t w = 0; w < N(ws); w++)
		for (size_t p = 0; p < N(ps); p++) {
			int wv = ws[w] == INT_MIN + 1 ? -9 : ws[w];

			snprintf(desc, sizeof(desc), "%d, %d, \"abcdef\"", wv, ps[p]);
			PF(desc, "[%*.*s]", wv, ps[p], "abcdef");
			snprintf(desc, sizeof(desc), "%d, %d, NULL", wv, ps[p]);
			PF(desc, "[%*.*s]", wv, ps[p], (char *)NULL);
			snprintf(desc, sizeof(desc), "%d, %d, (void *)0x1234", wv, ps[p]);
			PF(desc, "[%*.*p]", wv, ps[p], (void *)0x1234);
			snprintf(desc, sizeof(desc), "%d, %d, NULL", wv, ps[p]);
			PF(desc, "[%*.*p]", wv, ps[p], (void *)NULL);
		}
}

/* ---- generated: %c, %s, %p with all flags, widths, precisions ------------- */

static void gen_chars_strings_pointers(void)
{
	static const int chars[] = { 0, 'a', ' ', '%', 0x7f, 0x80, 255, -1, 256 + 'b' };
	static const char *const strs[] = { "", "a", "abc", "hello", "hello, world", NULL };
	static int local;
	const void *const ptrs[] = {
		NULL, (void *)1, (void *)0xdeadbeef, (void *)UINTPTR_MAX,
		(void *)(UINTPTR_MAX / 2 + 1), &local,
	};
	static const char *const widths[] = { "", "1", "2", "6", "20" };
	static const char *const precs[] = { "", ".", ".0", ".1", ".4", ".5", ".6", ".7", ".20" };
	char fl[8], fmt[64], desc[64];

	for (unsigned m = 0; m < 32; m++)
		for (size_t w = 0; w < N(widths); w++)
			for (size_t p = 0; p < N(precs); p++) {
				const char *f = flag_set(m, fl);

				snprintf(fmt, sizeof(fmt), "<%%%s%s%sc>", f, widths[w], precs[p]);
				for (size_t i = 0; i < N(chars); i++) {
					snprintf(desc, sizeof(desc), "%d", chars[i]);
					PF(desc, fmt, chars[i]);
				}
				snprintf(fmt, sizeof(fmt), "<%%%s%s%ss>", f, widths[w], precs[p]);
				for (size_t i = 0; i < N(strs); i++) {
					snprintf(desc, sizeof(desc), strs[i] ? "\"%s\"" : "NULL", strs[i]);
					PF(desc, fmt, strs[i]);
				}
				snprintf(fmt, sizeof(fmt), "<%%%s%s%sp>", f, widths[w], precs[p]);
				for (size_t i = 0; i < N(ptrs); i++) {
					snprintf(desc, sizeof(desc), "(void *)%#lx", (unsigned long)ptrs[i]);
					PF(desc, fmt, ptrs[i]);
				}
			}
}

/* ---- listed: cases worth naming on their own -------------------------------- */

static void tricky(void)
{
	static char long_str[300];	/* > the 256-byte printf buffer, %s%s < BUFSZ */

	memset(long_str, 'L', sizeof(long_str) - 1);
	V("", 0);
	V("plain text", 0);
	V("%%", 0);
	V("100%% sure %d%%", 5);
	V("%5%|%-5%|%05%", 0);
	V("%d", 0);
	V("%-5d|", -3);
	V("%05d", -3);
	V("%+d % d %+ d % +d", 0, 0, 0, 0);
	V("%+.0d|% .0d|%.0d|%5.0d|%-5.0d|", 0, 0, 0, 0, 0);
	V("%#o %#x %#X %#.0o %#.0x %#5o %#5x", 0, 0, 0, 0, 0, 0, 0);
	V("%#o %#x %#X %#.3o %#.3x %#08x %#-8X|", 8, 255, 255, 8, 1, 255, 255);
	V("%#.0o|%#.1o|%#.2o|%#3.2o|", 1, 1, 1, 1);
	V("%-05d|%0-5d|%00005d|%--5d|", 42, 42, 42, 42);
	V("%d %i %u", INT_MIN, INT_MAX, UINT_MAX);
	V("%ld %lu %lx", LONG_MIN, ULONG_MAX, ULONG_MAX);
	V("%lld %llu %llo %llX", LLONG_MIN, ULLONG_MAX, ULLONG_MAX, ULLONG_MAX);
	V("%zu %zd %zx %tx %td", SIZE_MAX, (ssize_t)-1, SIZE_MAX, (ptrdiff_t)-1, PTRDIFF_MIN);
	V("%jd %ju %jx", INTMAX_MIN, UINTMAX_MAX, UINTMAX_MAX);
	V("%hhd %hhu %hhx %hd %hu %hx", 300, -1, 0x1ff, 70000, -1, 0x12345);
	V("%hhd %hd", -129, -32769);
	V("%Ld %Lu %Lx", LLONG_MIN, ULLONG_MAX, 0x123456789abcULL);
	V("%c|%c|%c", 0, 'x', 0);
	V("[%3c][%-3c][%03c]", 'a', 'b', 'c');
	V("%s|%s|%.3s|%.6s|%10.5s|%-8s|", "x", (char *)NULL, (char *)NULL, (char *)NULL,
	  (char *)NULL, (char *)NULL);
	V("%.2s|%.0s|%.10s|%5.2s|%-5.2s|", "abcdef", "abcdef", "abc", "abcdef", "abcdef");
	V("%p %p", (void *)NULL, (void *)0x1);
	V("[%20p][%-20p][%020p][%+p][% p][%.16p][%#p]", (void *)0xabc, (void *)0xabc,
	  (void *)0xabc, (void *)0xabc, (void *)0xabc, (void *)0xabc, (void *)0xabc);
	V("[%10p][%-10p][%010p][%.1p]", (void *)NULL, (void *)NULL, (void *)NULL, (void *)NULL);
	V("%y|%5y|%-y|%ly|%-5.3ly|%#0+ y|%-08.3Ly|% 0y", 0);
	V("%*y|%.*y|%*.*y|", -7, 3, 4, 5);
	V("%d %s %c %x %p %%", -7, "str", 'c', 0xbeefU, (void *)0x10);
	V("%300d|", 1);
	V("%-300d|", 1);
	V("%.300d|", 1);
	V("%s", long_str);
	V("%s%s", long_str, long_str);
	V("%.255s\n", long_str);
	V("%.256s", long_str);
	V("%.257s", long_str);
}

/* ---- the v* entry points and the other writers ------------------------------ */

static int call_hvut_vsnprintf(char *b, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = hvut_vsnprintf(b, n, fmt, ap);
	va_end(ap);
	return r;
}

static int call_hvut_vprintf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = hvut_vprintf(fmt, ap);
	va_end(ap);
	return r;
}

static void writers(void)
{
	char g[64], w[64];
	int gr, wr;

	memset(g, CANARY, sizeof(g));
	memset(w, CANARY, sizeof(w));
	gr = call_hvut_vsnprintf(g, 10, "%s-%d", "vsnprintf", 123);
	wr = snprintf(w, 10, "%s-%d", "vsnprintf", 123);
	check(gr == wr && !memcmp(g, w, sizeof(g)), "vsnprintf(buf, 10, \"%%s-%%d\", ...): got \"%s\" (ret %d) want \"%s\" (ret %d)",
	      esc(g, 10), gr, esc(w, 10), wr);

	memset(g, CANARY, sizeof(g));
	memset(w, CANARY, sizeof(w));
	gr = hvut_sprintf(g, "%s=%#x", "sprintf", 48879);
	wr = sprintf(w, "%s=%#x", "sprintf", 48879);
	check(gr == wr && !memcmp(g, w, sizeof(g)), "sprintf: got \"%s\" (ret %d) want \"%s\" (ret %d)",
	      esc(g, sizeof(g)), gr, esc(w, sizeof(w)), wr);

	capture_reset();
	gr = call_hvut_vprintf("%s %d\n", "vprintf", -1);
	check(gr == 11 && captured_len == 11 && !memcmp(captured, "vprintf -1\n", 11) && captured_calls == 1,
	      "vprintf(\"%%s %%d\\n\", \"vprintf\", -1): got \"%s\" (ret %d, %d writes)",
	      esc(captured, captured_len), gr, captured_calls);

	/* puts: the text and a newline in one write; glibc returns the count. */
	capture_reset();
	gr = hvut_puts("a line");
	check(gr == 7 && captured_len == 7 && !memcmp(captured, "a line\n", 7) && captured_calls == 1,
	      "puts(\"a line\"): got \"%s\" (ret %d, %d writes)", esc(captured, captured_len), gr, captured_calls);
	capture_reset();
	gr = hvut_puts("");
	check(gr == 1 && captured_len == 1 && captured[0] == '\n' && captured_calls == 1,
	      "puts(\"\"): got \"%s\" (ret %d, %d writes)", esc(captured, captured_len), gr, captured_calls);

	/* putchar returns the byte as unsigned char, like C. */
	static const int pcs[] = { 'x', 0, 255, -1, 0x141 };

	for (size_t i = 0; i < N(pcs); i++) {
		capture_reset();
		gr = hvut_putchar(pcs[i]);
		check(gr == (unsigned char)pcs[i] && captured_len == 1 &&
		      captured[0] == (char)pcs[i] && captured_calls == 1,
		      "putchar(%d): got ret %d, \"%s\" in %d writes", pcs[i], gr,
		      esc(captured, captured_len), captured_calls);
	}
}

void test_printf(void)
{
	tricky();
	gen_int_flags();
	gen_int_mods();
	gen_star();
	gen_chars_strings_pointers();
	writers();
}
