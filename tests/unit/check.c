/* The test driver: counters, failure messages, the console stand-in, main(). */
#include <stdio.h>
#include <string.h>
#include "check.h"

static unsigned long passed, failed;

int check(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return 1;
	}
	failed++;
	fputs("FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return 0;
}

const char *esc(const char *s, size_t n)
{
	/* Rotating buffers: one message may show "got" and "want" side by side. */
	static char bufs[4][4096];
	static int next;
	char *out = bufs[next++ % 4], *p = out;

	for (size_t i = 0; i < n && p < out + sizeof(bufs[0]) - 8; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			p += sprintf(p, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			*p++ = c;
		else
			p += sprintf(p, "\\x%02x", c);
	}
	*p = '\0';
	return out;
}

/* hvut's printf ends in console_write; renamed, it lands here. */
char captured[1 << 16];
size_t captured_len;
int captured_calls;

void hvut_console_write(const char *s, size_t n);
void hvut_console_write(const char *s, size_t n)
{
	if (n > sizeof(captured) - captured_len)
		n = sizeof(captured) - captured_len;
	memcpy(captured + captured_len, s, n);
	captured_len += n;
	captured_calls++;
}

void capture_reset(void)
{
	captured_len = 0;
	captured_calls = 0;
}

int main(void)
{
	/* Our libc only knows the "C" locale; glibc starts in it unless told otherwise. */
	test_ctype();
	test_string();
	test_strtol();
	test_printf();
	fflush(stdout);
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed != 0;
}
