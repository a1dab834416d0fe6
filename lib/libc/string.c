/*
 * <string.h> for hvut: small, obviously-correct loops. The mem* functions take
 * a word-at-a-time path when pointers line up, because tests zero and copy whole
 * pages and page tables, and byte loops are slow under TCG.
 */
#include <string.h>

/*
 * gcc (even with -ffreestanding) recognises a byte loop that stores or copies
 * memory and replaces it with a call to memset/memcpy/memmove: inside those very
 * functions that call is infinite recursion. The flag that does this is
 * -ftree-loop-distribute-patterns; switching it off per function keeps the fix
 * next to the code it protects instead of relying on every Makefile. clang does
 * not need it (its idiom recogniser respects -ffreestanding) and would warn about
 * the unknown attribute.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define NO_LIBCALL_LOOPS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBCALL_LOOPS
#endif

/* may_alias: word access to memory that holds objects of any type. */
typedef unsigned long __attribute__((may_alias)) word_t;
#define WSIZE sizeof(word_t)
#define ALIGNED(p) (((unsigned long)(p) & (WSIZE - 1)) == 0)

NO_LIBCALL_LOOPS
void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (ALIGNED(d) && ALIGNED(s)) {
		for (; n >= WSIZE; n -= WSIZE, d += WSIZE, s += WSIZE)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

NO_LIBCALL_LOOPS
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Copying forwards is safe unless dst starts inside [src, src+n). */
	if ((unsigned long)d - (unsigned long)s >= n)
		return memcpy(dst, src, n);
	d += n;
	s += n;
	if (ALIGNED(d) && ALIGNED(s)) {
		for (; n >= WSIZE; n -= WSIZE) {
			d -= WSIZE;
			s -= WSIZE;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	while (n--)
		*--d = *--s;
	return dst;
}

NO_LIBCALL_LOOPS
void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char b = (unsigned char)c;

	for (; n && !ALIGNED(d); n--)
		*d++ = b;
	if (n >= WSIZE) {
		/* ~0UL / 0xff is 0x0101...01: replicates the byte into every lane. */
		word_t w = (~0UL / 0xff) * b;

		for (; n >= WSIZE; n -= WSIZE, d += WSIZE)
			*(word_t *)d = w;
	}
	while (n--)
		*d++ = b;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++) {
		if (*p == (unsigned char)c)
			return (void *)p;
	}
	return NULL;
}

NO_LIBCALL_LOOPS
size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

NO_LIBCALL_LOOPS
size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* C compares strings as unsigned char, whatever the signedness of char. */
int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q || !*p)
			return *p - *q;
	}
	return 0;
}

NO_LIBCALL_LOOPS
char *strcpy(char *dst, const char *src)
{
	char *d = dst;

	while ((*d++ = *src++))
		;
	return dst;
}

/* C's strncpy: copies at most n bytes and pads the rest of dst with NULs. */
NO_LIBCALL_LOOPS
char *strncpy(char *dst, const char *src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = '\0';
	return dst;
}

char *strcat(char *dst, const char *src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

/* Appends at most n bytes of src, then always a NUL. */
NO_LIBCALL_LOOPS
char *strncat(char *dst, const char *src, size_t n)
{
	char *d = dst + strlen(dst);

	for (; n && *src; n--)
		*d++ = *src++;
	*d = '\0';
	return dst;
}

/* The terminator is part of the string: strchr(s, 0) finds it. */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++) {
		if (!strncmp(haystack, needle, n))
			return (char *)haystack;
	}
	return n ? NULL : (char *)haystack;
}

size_t strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] && strchr(accept, s[n]))
		n++;
	return n;
}

size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] && !strchr(reject, s[n]))
		n++;
	return n;
}
