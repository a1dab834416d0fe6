/*
 * selftest: the library itself works in this guest — argv, environ, printf,
 * the allocators, setjmp/longjmp, catching interrupts in privileged and
 * problem state, SMP. Arguments: any words (checked against "expect-args=N"
 * if given) and "cpus=N" to check that N CPUs came up.
 */
#include "hvut.h"
#include <setjmp.h>
#include <asm/processor.h>
#include <asm/smp.h>

static void check_args(int argc, char **argv)
{
	report_prefix_push("argv");
	report(argc >= 1 && argv[0] && argv[0][0], "argv[0] is set (%s)", argc >= 1 ? argv[0] : "none");
	report(argv[argc] == NULL, "argv[argc] is NULL");
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "expect-args=", 12))
			report(strtol(argv[i] + 12, NULL, 0) == argc, "argc is %d as the command line says", argc);
	}
	report_prefix_pop();
}

static void check_environ(char **envp)
{
	const char *arch = getenv("HVUT_ARCH");
	int n = 0;

	report_prefix_push("environ");
	for (char **e = envp; *e; e++)
		n++;
	report(n >= 2, "environ has the harness's entries (%d)", n);
	report(arch && !strcmp(arch, "ppc64"), "HVUT_ARCH=ppc64 (got %s)", arch ? arch : "(unset)");
	report(getenv("ACCEL") != NULL, "ACCEL is set (%s)", getenv("ACCEL") ? getenv("ACCEL") : "-");
	report(getenv("HVUT_NO_SUCH_VARIABLE") == NULL, "getenv of an unset name is NULL");
	report_prefix_pop();
}

static void check_printf(void)
{
	char buf[64];
	int n;

	report_prefix_push("printf");
	n = snprintf(buf, sizeof(buf), "%d %5s|%-4x|%#llx %p", -42, "ab", 255u, 0x123456789abULL, (void *)0x1000);
	report(!strcmp(buf, "-42    ab|ff  |0x123456789ab 0x1000") && n == (int)strlen(buf),
	       "snprintf formats (\"%s\")", buf);
	report_prefix_pop();
}

static void check_alloc(void)
{
	size_t before = page_alloc_free_bytes();
	char *p = alloc_page(), *q = alloc_pages(3), *m;
	bool zero = true;

	report_prefix_push("alloc");
	report_info("%zu KiB free", before / 1024);
	report(p && q && p != q, "two allocations differ");
	report(!((uintptr_t)q & (8 * PAGE_SIZE - 1)), "order-3 block is 32 KiB aligned (%p)", (void *)q);
	for (int i = 0; i < 8 * (int)PAGE_SIZE && q; i++)
		zero &= !q[i];
	report(zero, "pages come zeroed");
	free_page(p);
	free_pages(q, 3);
	report(page_alloc_free_bytes() == before, "free returns every page");
	m = malloc(100);
	report(m && !((uintptr_t)m & 15), "malloc is 16-byte aligned");
	memset(m, 0x5a, 100);
	m = realloc(m, 5000);
	report(m && m[99] == 0x5a, "realloc keeps the contents");
	free(m);
	report_prefix_pop();
}

static jmp_buf jb;
static void __attribute__((noinline)) jump_back(int v) { longjmp(jb, v); }

static void check_setjmp(void)
{
	volatile int calls = 0;
	int r = setjmp(jb);

	calls++;
	if (r == 0)
		jump_back(7);
	report(r == 7 && calls == 2, "setjmp/longjmp: returns the value passed (%d), twice", r);
}

extern char selftest_trap[], selftest_illegal[];
/* "tw 31,0,0": trap unconditionally: a program interrupt with SRR1[TRAP]. */
static void do_trap(void *arg)
{
	(void)arg;
	__asm__ volatile(".globl selftest_trap\nselftest_trap: tw 31, 0, 0");
}
/* All-zero is not an instruction in any Power ISA version. */
static void do_illegal(void *arg)
{
	(void)arg;
	__asm__ volatile(".globl selftest_illegal\nselftest_illegal: .long 0");
}
static void do_nothing(void *arg) { *(int *)arg = 1; }
static void user_mfmsr(void *arg) { *(unsigned long *)arg = mfmsr(); }
static void user_read_sprg3(void *arg) { *(unsigned long *)arg = mfspr(SPR_SPRG3_U); }

static void check_exceptions(void)
{
	struct fault f;
	int ran = 0, v;
	unsigned long x = 0;

	report_prefix_push("exceptions");
	v = catch_exception(do_nothing, &ran, &f);
	report(v == NO_EXCEPTION && ran == 1, "a function that does not fault returns NO_EXCEPTION");
	v = catch_exception(do_trap, NULL, &f);
	report(v == 0x700 && f.pc == (unsigned long)selftest_trap && (f.error_code & SRR1_PROGRAM_TRAP),
	       "tw 31 is caught as a program interrupt (trap) at its address (vector %#x, pc %#lx, SRR1 %#lx)",
	       v, f.pc, f.error_code);
	v = catch_exception(do_illegal, NULL, &f);
	report(v == 0x700 && f.pc == (unsigned long)selftest_illegal && (f.error_code & SRR1_PROGRAM_ILLEGAL),
	       "word 0 is caught as an illegal instruction (vector %#x, SRR1 %#lx)", v, f.error_code);
	mtspr(SPR_SPRG3, 0x5a5a1234);
	v = run_in_user(user_read_sprg3, &x, &f);
	report(v == NO_EXCEPTION && x == 0x5a5a1234,
	       "run_in_user runs a function to completion (read SPRG3 %#lx through its user alias)", x);
	v = run_in_user(user_mfmsr, &x, &f);
	report(v == 0x700 && (f.error_code & SRR1_PROGRAM_PRIV) && (f.error_code & MSR_PR),
	       "mfmsr in problem state is a privileged-instruction program interrupt from MSR[PR]=1 "
	       "(vector %#x, SRR1 %#lx)", v, f.error_code);
	report(!(mfmsr() & MSR_PR), "back in privileged state afterwards");
	report_prefix_pop();
}

static volatile int ran_on[MAX_CPUS];
static void mark_cpu(void *arg) { ran_on[smp_id()] = *(int *)arg; }

static void check_smp(int argc, char **argv)
{
	int want = 0, token = 0x5a;

	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "cpus=", 5))
			want = strtol(argv[i] + 5, NULL, 0);
	report_prefix_push("smp");
	report_info("%d CPUs online", nr_cpus());
	if (want)
		report(nr_cpus() == want, "%d CPUs came up", want);
	if (nr_cpus() < 2) {
		report_skip("on_cpu: needs 2 CPUs (smp = 2 in unittests.cfg)");
	} else {
		for (int c = 1; c < nr_cpus(); c++)
			on_cpu(c, mark_cpu, &token);
		bool all = true;
		for (int c = 1; c < nr_cpus(); c++)
			all &= ran_on[c] == token;
		report(all, "on_cpu ran a function on every other CPU");
	}
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	check_args(argc, argv);
	check_environ(envp);
	check_printf();
	check_alloc();
	check_setjmp();
	check_exceptions();
	check_smp(argc, argv);
	return report_summary();
}
