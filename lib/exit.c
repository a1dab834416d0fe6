/* How every test ends: SUMMARY, then "EXIT: STATUS=n", then the arch powers off. */
#include "hvut.h"
#include "console.h"

bool report_summary_done(void);

void exit(int status)
{
	/* The protocol wants SUMMARY before EXIT; a failing summary wins over status 0. */
	if (!report_summary_done()) {
		int s = report_summary();

		if (status == 0)
			status = s;
	}
	printf("EXIT: STATUS=%d\n", status);
	console_flush();
	arch_poweroff(status);
}

void abort(void)
{
	report_fail("test aborted");
	backtrace_here();
	exit(1);
}

void __assert_fail(const char *expr, const char *file, int line, const char *func)
{
	printf("assertion failed: %s (%s:%d, in %s)\n", expr, file, line, func);
	backtrace_here();
	report_fail("assertion failed: %s (%s:%d)", expr, file, line);
	exit(1);
}

void hvut_run_main(void)
{
	int status = main(__argc, __argv, __environ);

	exit(status);
}
