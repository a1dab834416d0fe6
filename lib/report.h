/*
 * The report API: every assertion a test makes goes through here, so that every
 * arch prints the same lines (docs/protocol.md) and the harness can read them.
 */
#ifndef HVUT_REPORT_H
#define HVUT_REPORT_H
#include <stdbool.h>
#include <stdarg.h>

/* PASS when cond holds, FAIL otherwise. Returns cond, so a test can stop early. */
bool report(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool vreport(bool cond, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void report_pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Not attempted: the text must name the missing feature. */
void report_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A known bug: when xfail is true, a failing cond is an XFAIL (expected) and a
 * holding one an XPASS (unexpected); when xfail is false, it is report().
 */
bool report_xfail(bool xfail, bool cond, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * report_xfail(true, cond, "%s %s", text, tail) for a declared deviation
 * `row` (lib/deviation.c: tail is its "[<VMM>: <what>; <rule>]"); under
 * quiet its XFAILs fold into one line per row, the count before the tail.
 */
bool report_xfail_row(const char *row, bool cond, const char *text, const char *tail);

void report_prefix_push(const char *prefix);
void report_prefix_pushf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_prefix_pop(void);
/* Pops back to the depth a push returned; for error paths that unwind several. */
int report_prefix_depth(void);
void report_prefix_unwind(int depth);

/*
 * Quiet passes, for a matrix whose console costs more than its checks (under
 * KVM nested in TCG every character is two VM exits): between
 * report_quiet_begin() and report_quiet_end(), a check that holds prints
 * nothing and is counted; report_quiet_end() prints one PASS line, "<text>:
 * N checks held (quiet)", counted as one test, so SUMMARY still agrees with
 * the lines, and one XFAIL line per deviation row (report_xfail_row) with
 * its first check and a count. FAIL, XPASS, SKIP and INFO lines are printed
 * as always.
 * Returns the number of quiet passes.
 */
void report_quiet_begin(void);
unsigned report_quiet_end(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints SUMMARY: and returns the exit status of docs/protocol.md (0, 1 or 2). */
int report_summary(void);
/* Counts so far, for tests that want to branch on earlier failures. */
unsigned report_failures(void);

#endif
