/*
 * selftest: the library itself works in this guest — argv, environ, printf,
 * the allocators, setjmp/longjmp, catching exceptions at EL1 and EL0, SMP.
 * Arguments: any words (checked against "expect-args=N" if given) and
 * "cpus=N" to check that N CPUs came up.
 */
#include "hvut.h"
#include <setjmp.h>
#include <asm/sysreg.h>
#include <asm/smp.h>

static void check_args(int argc, char **argv)
{
	report_prefix_push("argv");
	report(argc >= 1 && argv[0] && strstr(argv[0], "selftest"), "argv[0] names the binary (%s)",
	       argc >= 1 ? argv[0] : "none");
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
	report(arch && !strcmp(arch, "arm64"), "HVUT_ARCH=arm64 (got %s)", arch ? arch : "(unset)");
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
	n = snprintf(buf, 4, "%s", "truncated");
	report(n == 9 && !strcmp(buf, "tru"), "snprintf truncates and returns the full length");
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
	m = memalign(256, 10);
	report(m && !((uintptr_t)m & 255), "memalign(256) is aligned");
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

extern char selftest_udf[], selftest_load[];
static void do_udf(void *arg)
{
	(void)arg;
	__asm__ volatile(".globl selftest_udf\nselftest_udf: udf #0x42");
}
/* A load from an address nothing is mapped at in QEMU virt's device window: the bus aborts it. */
static void do_bad_load(void *arg)
{
	unsigned long v, a = (unsigned long)arg;

	__asm__ volatile(".globl selftest_load\nselftest_load: ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
}
static void do_nothing(void *arg) { *(int *)arg = 1; }
static void user_read_el(void *arg)
{
	unsigned long nzcv;

	/* CurrentEL is not readable at EL0; the mode is visible through the exception's SPSR only. */
	__asm__ volatile("mrs %0, nzcv" : "=r"(nzcv));
	*(unsigned long *)arg = 0xe0;
}
static void user_wfi(void *arg) { (void)arg; __asm__ volatile("wfi"); }
static void user_read_sctlr(void *arg) { *(unsigned long *)arg = read_sysreg(sctlr_el1); }

static void check_exceptions(void)
{
	struct fault f;
	int ran = 0, v;
	unsigned long val = 0;

	report_prefix_push("exceptions");
	v = catch_exception(do_nothing, &ran, &f);
	report(v == NO_EXCEPTION && ran == 1, "a function that does not fault returns NO_EXCEPTION");
	v = catch_exception(do_udf, NULL, &f);
	report(v == EC_UNKNOWN && f.pc == (unsigned long)selftest_udf &&
	       (f.aux & PSR_MODE_MASK) == PSR_MODE_EL1H,
	       "udf is caught as EC 0 at its address from EL1h (EC %#x, pc %#lx, SPSR %#lx)", v, f.pc, f.aux);
	v = catch_exception(do_bad_load, (void *)0x0a800000UL, &f);
	report(v == EC_DABT_CUR && f.addr == 0x0a800000UL && f.pc == (unsigned long)selftest_load,
	       "load from unbacked device space is a data abort with FAR (EC %#x, FAR %#lx)", v, f.addr);
	v = run_in_user(user_read_el, &val, &f);
	report(v == NO_EXCEPTION && val == 0xe0, "run_in_user runs a function at EL0 and returns");
	v = run_in_user(user_wfi, NULL, &f);
	report(v == EC_WFX && (f.aux & PSR_MODE_MASK) == PSR_MODE_EL0T,
	       "wfi at EL0 with SCTLR_EL1.nTWI=0 traps as EC 1 from EL0t (EC %#x, SPSR %#lx)", v, f.aux);
	v = run_in_user(user_read_sctlr, &val, &f);
	report(v == EC_UNKNOWN && (f.aux & PSR_MODE_MASK) == PSR_MODE_EL0T,
	       "mrs sctlr_el1 at EL0 is undefined (EC %#x)", v);
	report((read_sysreg(CurrentEL) >> 2) == 1, "back at EL1 afterwards");
	report_prefix_pop();
}

static volatile int ran_on[MAX_CPUS];
static void mark_cpu(void *arg) { ran_on[smp_id()] = *(int *)arg; }
static void catch_on_cpu(void *arg)
{
	struct fault f;

	*(int *)arg = catch_exception(do_udf, NULL, &f);
}

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
		int v = NO_EXCEPTION;
		bool all = true;

		for (int c = 1; c < nr_cpus(); c++)
			on_cpu(c, mark_cpu, &token);
		for (int c = 1; c < nr_cpus(); c++)
			all &= ran_on[c] == token;
		report(all, "on_cpu ran a function on every other CPU");
		on_cpu(1, catch_on_cpu, &v);
		report(v == EC_UNKNOWN, "catch_exception works on CPU 1 (EC %#x)", v);
	}
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	extern unsigned long boot_el;

	report_info("entered at EL%lu, running at EL%lu", boot_el, read_sysreg(CurrentEL) >> 2);
	check_args(argc, argv);
	check_environ(envp);
	check_printf();
	check_alloc();
	check_setjmp();
	check_exceptions();
	check_smp(argc, argv);
	return report_summary();
}
