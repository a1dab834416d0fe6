/*
 * selftest: the library itself works in this guest — argv, environ, printf,
 * the allocators, setjmp/longjmp, catching exceptions at CPL0 and CPL3, SMP.
 * Arguments: any words (checked against "expect-args=N" if given) and
 * "cpus=N" to check that N CPUs came up.
 */
#include "hvut.h"
#include <setjmp.h>
#include <asm/desc.h>
#include <asm/processor.h>

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
	report(arch && !strcmp(arch, "x86_64"), "HVUT_ARCH=x86_64 (got %s)", arch ? arch : "(unset)");
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

extern char selftest_ud2[];
static void do_ud2(void *arg)
{
	(void)arg;
	__asm__ volatile(".globl selftest_ud2\nselftest_ud2: ud2");
}
static void do_nothing(void *arg) { *(int *)arg = 1; }
static void user_read_cs(void *arg) { *(unsigned *)arg = read_cs(); }
static void user_hlt(void *arg) { (void)arg; __asm__ volatile("hlt"); }

static void check_exceptions(void)
{
	struct fault f;
	int ran = 0, v;
	unsigned cs = 0;

	report_prefix_push("exceptions");
	v = catch_exception(do_nothing, &ran, &f);
	report(v == NO_EXCEPTION && ran == 1, "a function that does not fault returns NO_EXCEPTION");
	v = catch_exception(do_ud2, NULL, &f);
	report(v == UD_VECTOR && f.pc == (unsigned long)selftest_ud2,
	       "ud2 is caught as #UD at its address (vector %d, pc %#lx)", v, f.pc);
	v = run_in_user(user_read_cs, &cs, &f);
	report(v == NO_EXCEPTION && (cs & 3) == 3, "run_in_user runs at CPL3 (CS=%#x)", cs);
	v = run_in_user(user_hlt, NULL, &f);
	report(v == GP_VECTOR && f.error_code == 0 && (f.regs.cs & 3) == 3,
	       "hlt at CPL3 is caught as #GP(0) from CPL3 (vector %d, error %#lx)", v, f.error_code);
	report(cpl() == 0, "back at CPL0 afterwards");
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
