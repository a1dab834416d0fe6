/*
 * strto* vs glibc: the value and where parsing stopped, for every input in
 * every base below. errno is not compared: hvut has none and only saturates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

static const char *const inputs[] = {
	"", " ", "0", "-0", "+0", "1", "-1", "+1", " \t\n\v\f\r42", "42abc", "12 34",
	"-", "+", " +", "- 1", "+-1", "--1", "abcdefg", "ABCDEFG", "zZ", "-zz", "0.5", "1e10",
	/* prefixes: a lone "0x" is the number 0 followed by "x" */
	"0x", "0X", "0x1f", "0X1F", "0xg", "-0x", "+0x10", "  -0x10", "0x0x1", "00x1", "0x-1",
	"0x 1", "0b101", "010", "08", "0777", "0009",
	/* bytes outside ASCII stop the number */
	"\3771", "1\377", "\200",	/* octal: a hex escape would swallow the 1 */
	/* 32-bit limits */
	"2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
	"0xFFFFFFFF", "-0xFFFFFFFF",
	/* 64-bit limits in decimal, hex, octal, binary, base 36 */
	"9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"-9223372036854775809", "18446744073709551615", "18446744073709551616",
	"-18446744073709551615", "-18446744073709551616", "99999999999999999999999999",
	"-99999999999999999999", "0xffffffffffffffff", "0x10000000000000000", "-0xffffffffffffffff",
	"0x7fffffffffffffff", "0x8000000000000000", "-0x8000000000000000", "-0x8000000000000001",
	"0777777777777777777777", "01777777777777777777777", "02000000000000000000000",
	"1111111111111111111111111111111111111111111111111111111111111111",
	"10000000000000000000000000000000000000000000000000000000000000000",
	"3w5e11264sgsf", "3w5e11264sgsg", "1y2p0ij32e8e7", "1y2p0ij32e8e8", "-1y2p0ij32e8e8",
	"-1y2p0ij32e8e9", "zzzzzzzzzzzzzzzzzzzz",
};
static const int bases[] = { 0, 2, 3, 7, 8, 10, 11, 16, 17, 35, 36 };

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* One comparison of value and end offset; T is the function's return type. */
#define CMP(fn, T, PRI, s, base) do {						\
	char *ge = NULL, *we = NULL;						\
	T got = hvut_##fn(s, &ge, base), want = fn(s, &we, base);		\
	check(got == want && ge == we,						\
	      #fn "(\"%s\", &end, %d): got " PRI " end+%ld want " PRI " end+%ld",	\
	      ESC(s), base, got, (long)(ge - s), want, (long)(we - s));	\
} while (0)

void test_strtol(void)
{
	for (size_t i = 0; i < N(inputs); i++) {
		const char *s = inputs[i];

		for (size_t b = 0; b < N(bases); b++) {
			CMP(strtol, long, "%ld", s, bases[b]);
			CMP(strtoul, unsigned long, "%lu", s, bases[b]);
			CMP(strtoll, long long, "%lld", s, bases[b]);
			CMP(strtoull, unsigned long long, "%llu", s, bases[b]);
		}
		check(hvut_atoi(s) == atoi(s), "atoi(\"%s\"): got %d want %d", ESC(s), hvut_atoi(s), atoi(s));
		check(hvut_atol(s) == atol(s), "atol(\"%s\"): got %ld want %ld", ESC(s), hvut_atol(s), atol(s));
		/* A NULL end pointer is allowed. */
		check(hvut_strtol(s, NULL, 0) == strtol(s, NULL, 0), "strtol(\"%s\", NULL, 0)", ESC(s));
	}

	/*
	 * A base C does not allow is "no conversion": 0 and end at the start, as C
	 * says for that case. glibc leaves end untouched there, so this is ours only.
	 */
	static const int bad[] = { -1, 1, 37, 100 };

	for (size_t b = 0; b < N(bad); b++) {
		const char *s = "123";
		char *end = NULL;
		long v = hvut_strtol(s, &end, bad[b]);

		check(v == 0 && end == s, "strtol(\"123\", &end, %d): got %ld end+%ld want 0 end+0",
		      bad[b], v, end ? (long)(end - s) : -1L);
	}
}
