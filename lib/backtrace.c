/*
 * The STACK: line of a crash report (the harness symbolises it,
 * scripts/runtime.sh): the pc, then the return addresses found by walking
 * the frame records. Where a frame record keeps the caller's frame and the
 * return address is the arch's (arch_frame_step()); the walk, its bound and
 * the line are the same on every arch.
 */
#include "hvut.h"

void backtrace_with(unsigned long pc, unsigned long ret0, unsigned long fp)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "STACK: %#lx", pc);
	unsigned long caller, ret;

	/* ret - 1 lies inside the call instruction: that is the line to show. */
	if (ret0 && ret0 - 1 != pc)
		n += snprintf(line + n, sizeof(line) - n, " %#lx", ret0 - 1);
	for (int depth = 0; depth < 16 && n < (int)sizeof(line) - 20; depth++) {
		if (!arch_frame_step(fp, &caller, &ret))
			break;
		if (ret)
			n += snprintf(line + n, sizeof(line) - n, " %#lx", ret - 1);
		if (caller <= fp)   /* stacks grow down: a caller's frame is above */
			break;
		fp = caller;
	}
	printf("%s\n", line);
}

void backtrace_from(unsigned long pc, unsigned long fp)
{
	backtrace_with(pc, 0, fp);
}

void backtrace_here(void)
{
	unsigned long caller, ret;

	/* Our own frame record leads to the caller's frame: the walk starts there. */
	if (!arch_frame_step((unsigned long)__builtin_frame_address(0), &caller, &ret))
		caller = 0;
	backtrace_from((unsigned long)__builtin_return_address(0) - 1, caller);
}
