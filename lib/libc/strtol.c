/*
 * strto[u]l[l], atoi, atol with C semantics. There is no errno in hvut, so a
 * value out of range just saturates (callers that care compare with the limits).
 * One parser produces the magnitude; each wrapper only applies its own limits.
 */
#include <stdlib.h>
#include <ctype.h>

/* The compiler's predefined limits: no <limits.h> needed in a freestanding build. */
#define ULLONG_MAX_ (__LONG_LONG_MAX__ * 2ULL + 1)
#define ULONG_MAX_ (__LONG_MAX__ * 2UL + 1)

struct parsed {
	unsigned long long mag;	/* saturated to ULLONG_MAX */
	int neg;
	int overflow;		/* mag does not fit in unsigned long long */
};

static int digit_value(int c)
{
	if (isdigit(c))
		return c - '0';
	if (islower(c))
		return c - 'a' + 10;
	if (isupper(c))
		return c - 'A' + 10;
	return 99;	/* larger than any base */
}

static struct parsed parse(const char *s, char **end, int base)
{
	struct parsed r = { 0, 0, 0 };
	const char *p = s;
	int any = 0;

	if (base < 0 || base == 1 || base > 36) {
		/* Not a conversion: C says end is the start. (glibc leaves it unset.) */
		if (end)
			*end = (char *)s;
		return r;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		r.neg = *p++ == '-';
	/*
	 * "0x" is a prefix only when a hex digit follows; otherwise the '0' is the
	 * whole number and parsing stops at the 'x'.
	 */
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value((unsigned char)p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = *p == '0' ? 8 : 10;
	}
	for (;; p++) {
		int d = digit_value((unsigned char)*p);

		if (d >= base)
			break;
		any = 1;
		if (r.mag > (ULLONG_MAX_ - d) / base)
			r.overflow = 1;
		else
			r.mag = r.mag * base + d;
	}
	if (r.overflow)
		r.mag = ULLONG_MAX_;
	if (end)
		*end = (char *)(any ? p : s);
	return r;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	struct parsed r = parse(s, end, base);

	if (r.overflow)
		return ULLONG_MAX_;
	/* Like C: "-1" is the magnitude negated in the unsigned type. */
	return r.neg ? -r.mag : r.mag;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	struct parsed r = parse(s, end, base);

	if (r.overflow || r.mag > ULONG_MAX_)
		return ULONG_MAX_;
	return r.neg ? -(unsigned long)r.mag : (unsigned long)r.mag;
}

long long strtoll(const char *s, char **end, int base)
{
	struct parsed r = parse(s, end, base);
	unsigned long long max = __LONG_LONG_MAX__;

	if (r.neg) {
		/* Magnitude max + 1 is exactly LLONG_MIN; more saturates to it. */
		return r.mag > max ? -__LONG_LONG_MAX__ - 1 : -(long long)r.mag;
	}
	return r.mag > max ? __LONG_LONG_MAX__ : (long long)r.mag;
}

long strtol(const char *s, char **end, int base)
{
	struct parsed r = parse(s, end, base);
	unsigned long long max = __LONG_MAX__;

	if (r.neg)	/* as in strtoll: magnitude max + 1 is exactly LONG_MIN */
		return r.mag > max ? -__LONG_MAX__ - 1 : -(long)r.mag;
	return r.mag > max ? __LONG_MAX__ : (long)r.mag;
}

/* glibc defines these as strtol(s, NULL, 10) truncated; so do we. */
int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
	return strtol(s, NULL, 10);
}
