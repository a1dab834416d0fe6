/*
 * Result lines of docs/protocol.md. One lock serialises them so that lines
 * from several CPUs never interleave and the counts stay exact.
 */
#include "hvut.h"
#include "spinlock.h"

#define PREFIX_MAX 256
#define PREFIX_DEPTH 16

static struct spinlock lock;
static char prefix[PREFIX_MAX];
static int prefix_ends[PREFIX_DEPTH];
static int depth;
static unsigned tests, failures, skips, xfails;
static bool summary_done;

void report_prefix_push(const char *p)
{
	report_prefix_pushf("%s", p);
}

void report_prefix_pushf(const char *fmt, ...)
{
	va_list ap;
	int len;

	spin_lock(&lock);
	len = depth ? prefix_ends[depth - 1] : 0;
	if (depth < PREFIX_DEPTH) {
		if (len)
			len += snprintf(prefix + len, PREFIX_MAX - len, ": ");
		if (len < PREFIX_MAX) {
			va_start(ap, fmt);
			len += vsnprintf(prefix + len, PREFIX_MAX - len, fmt, ap);
			va_end(ap);
		}
		if (len >= PREFIX_MAX)
			len = PREFIX_MAX - 1;
		prefix_ends[depth++] = len;
	}
	spin_unlock(&lock);
}

void report_prefix_pop(void)
{
	spin_lock(&lock);
	if (depth)
		depth--;
	prefix[depth ? prefix_ends[depth - 1] : 0] = 0;
	spin_unlock(&lock);
}

int report_prefix_depth(void) { return depth; }

void report_prefix_unwind(int d)
{
	while (depth > d)
		report_prefix_pop();
}

/* Formats "KIND: prefix: text\n" and writes it in one printf so it stays one line. */
static void line(const char *kind, const char *fmt, va_list ap)
{
	char text[1024];

	vsnprintf(text, sizeof(text), fmt, ap);
	if (depth)
		printf("%s: %s: %s\n", kind, prefix, text);
	else
		printf("%s: %s\n", kind, text);
}

bool vreport(bool cond, const char *fmt, va_list ap)
{
	spin_lock(&lock);
	tests++;
	if (!cond)
		failures++;
	line(cond ? "PASS" : "FAIL", fmt, ap);
	spin_unlock(&lock);
	return cond;
}

bool report(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cond, fmt, ap);
	va_end(ap);
	return cond;
}

void report_pass(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(true, fmt, ap);
	va_end(ap);
}

void report_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(false, fmt, ap);
	va_end(ap);
}

void report_skip(const char *fmt, ...)
{
	va_list ap;

	spin_lock(&lock);
	tests++;
	skips++;
	va_start(ap, fmt);
	line("SKIP", fmt, ap);
	va_end(ap);
	spin_unlock(&lock);
}

void report_info(const char *fmt, ...)
{
	va_list ap;

	spin_lock(&lock);
	va_start(ap, fmt);
	line("INFO", fmt, ap);
	va_end(ap);
	spin_unlock(&lock);
}

bool report_xfail(bool xfail, bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!xfail) {
		vreport(cond, fmt, ap);
	} else {
		spin_lock(&lock);
		tests++;
		if (cond)
			failures++;   /* XPASS: the known bug is gone, someone should look */
		else
			xfails++;
		line(cond ? "XPASS" : "XFAIL", fmt, ap);
		spin_unlock(&lock);
	}
	va_end(ap);
	return cond;
}

unsigned report_failures(void) { return failures; }
bool report_summary_done(void) { return summary_done; }

int report_summary(void)
{
	spin_lock(&lock);
	printf("SUMMARY: %u tests, %u unexpected failures, %u skipped\n", tests, failures, skips);
	if (xfails)
		printf("INFO: %u expected failures\n", xfails);
	summary_done = true;
	spin_unlock(&lock);
	if (failures)
		return 1;
	return tests > skips ? 0 : 2;
}
