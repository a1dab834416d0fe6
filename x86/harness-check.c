/*
 * harness-check: a guest that goes wrong on purpose, one way per argument, so
 * that `make check` can show the harness turns each into the right state with
 * a real VMM (tests/harness/ does the same with fake VMMs):
 *   fail        an assertion fails                     -> FAIL
 *   unexpected  an exception nobody catches            -> FAIL, registers + symbolised STACK
 *   hang        interrupts off, HLT forever            -> TIMEOUT
 *   triple      no IDT, then INT3: a triple fault      -> CRASH
 *   no-summary  powers off without SUMMARY/EXIT lines  -> CRASH
 */
#include "hvut.h"
#include "console.h"
#include <asm/desc.h>
#include <asm/processor.h>

static void __attribute__((noinline)) crash_here(void)
{
	__asm__ volatile("ud2");
}

int main(int argc, char **argv, char **envp)
{
	const char *what = argc > 1 ? argv[1] : "";

	(void)envp;
	report_pass("the guest booted");
	if (!strcmp(what, "fail")) {
		report(1 + 1 == 3, "this assertion fails on purpose");
	} else if (!strcmp(what, "unexpected")) {
		crash_here();
	} else if (!strcmp(what, "hang")) {
		irq_disable();
		for (;;)
			halt();
	} else if (!strcmp(what, "triple")) {
		struct descriptor_ptr empty = { 0, 0 };

		console_flush();   /* Bochs drops what the UART still holds when the machine stops */
		__asm__ volatile("lidt %0; int3" :: "m"(empty));
	} else if (!strcmp(what, "no-summary")) {
		console_flush();
		arch_poweroff(0);
	} else {
		report_fail("unknown mode '%s' (fail, unexpected, hang, triple, no-summary)", what);
	}
	return report_summary();
}
