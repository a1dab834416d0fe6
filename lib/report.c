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
static bool quiet;
static unsigned quiet_passes;
/*
 * Quiet XFAILs: one line per declared deviation row (report_xfail_row()'s
 * row), the first check's line kept whole, the others counted. More rows
 * than slots: printed as usual.
 */
#define QUIET_ROWS 16
static struct quiet_row {
	const char *row;
	char line[1024];
	unsigned tag;          /* offset of " <tail>" in line */
	unsigned more;
} quiet_rows[QUIET_ROWS];
static unsigned nr_quiet_rows;

/* Under quiet: takes an XFAIL into its row's line; false when it must be printed. */
static bool quiet_xfail(const char *row, const char *text, const char *tail)
{
	struct quiet_row *r;
	int n;

	for (unsigned i = 0; i < nr_quiet_rows; i++) {
		if (!strcmp(quiet_rows[i].row, row)) {
			quiet_rows[i].more++;
			return true;
		}
	}
	if (nr_quiet_rows == QUIET_ROWS)
		return false;
	r = &quiet_rows[nr_quiet_rows];
	n = depth ? snprintf(r->line, sizeof(r->line), "%s: %s", prefix, text)
		  : snprintf(r->line, sizeof(r->line), "%s", text);
	if (n + 1 + strlen(tail) >= sizeof(r->line))
		return false;
	r->tag = (unsigned)n;
	snprintf(r->line + n, sizeof(r->line) - n, " %s", tail);
	r->row = row;
	r->more = 0;
	nr_quiet_rows++;
	tests++;
	xfails++;
	return true;
}

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
	if (cond && quiet) {
		quiet_passes++;
	} else {
		tests++;
		if (!cond)
			failures++;
		line(cond ? "PASS" : "FAIL", fmt, ap);
	}
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

/* One XFAIL/XPASS line, counted. */
static void xfail_line(bool cond, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (cond)
		failures++;   /* XPASS: the known bug is gone, someone should look */
	else
		xfails++;
	va_start(ap, fmt);
	line(cond ? "XPASS" : "XFAIL", fmt, ap);
	va_end(ap);
}

bool report_xfail(bool xfail, bool cond, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	if (!xfail) {
		vreport(cond, fmt, ap);
	} else {
		vsnprintf(text, sizeof(text), fmt, ap);
		spin_lock(&lock);
		xfail_line(cond, "%s", text);
		spin_unlock(&lock);
	}
	va_end(ap);
	return cond;
}

bool report_xfail_row(const char *row, bool cond, const char *text, const char *tail)
{
	spin_lock(&lock);
	if (cond || !quiet || !quiet_xfail(row, text, tail))
		xfail_line(cond, "%s %s", text, tail);
	spin_unlock(&lock);
	return cond;
}

void report_quiet_begin(void)
{
	spin_lock(&lock);
	quiet = true;
	quiet_passes = 0;
	spin_unlock(&lock);
}

unsigned report_quiet_end(const char *fmt, ...)
{
	char text[512];
	unsigned n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	spin_lock(&lock);
	quiet = false;
	n = quiet_passes;
	quiet_passes = 0;
	/* Each row's XFAIL was counted when it was first met. */
	for (unsigned i = 0; i < nr_quiet_rows; i++) {
		struct quiet_row *r = &quiet_rows[i];

		if (r->more)
			printf("XFAIL: %.*s (and %u more checks with this row, quiet)%s\n", (int)r->tag, r->line,
			       r->more, r->line + r->tag);
		else
			printf("XFAIL: %s\n", r->line);
	}
	nr_quiet_rows = 0;
	spin_unlock(&lock);
	if (n)
		report_pass("%s: %u checks held (quiet)", text, n);
	return n;
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
