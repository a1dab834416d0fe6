/*
 * The arch-neutral half of every arch's selftest: argv, environ, printf, the
 * allocators and setjmp/longjmp work in this guest. <testdir>/selftest.c
 * calls selftest_lib() and adds its own exception, MMU and SMP checks.
 * Arguments: "expect-args=N" checks argc.
 */
#include "hvut.h"
#include "selftest-lib.h"
#include <setjmp.h>

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
	report(arch && !strcmp(arch, HVUT_ARCH_NAME), "HVUT_ARCH=%s (got %s)", HVUT_ARCH_NAME, arch ? arch : "(unset)");
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

static volatile int ran_on[64];
static void mark_cpu(void *arg) { ran_on[smp_id()] = *(int *)arg; }

void selftest_lib(int argc, char **argv, char **envp)
{
	check_args(argc, argv);
	check_environ(envp);
	check_printf();
	check_alloc();
	check_setjmp();
}

bool selftest_smp(int argc, char **argv)
{
	int want = 0, token = 0x5a;
	bool all = true;

	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "cpus=", 5))
			want = strtol(argv[i] + 5, NULL, 0);
	report_info("%d CPUs online", nr_cpus());
	if (want)
		report(nr_cpus() == want, "%d CPUs came up", want);
	if (nr_cpus() < 2) {
		report_skip("on_cpu: needs 2 CPUs (smp = 2 in unittests.cfg)");
		return false;
	}
	assert(nr_cpus() <= (int)ARRAY_SIZE(ran_on));
	for (int c = 1; c < nr_cpus(); c++)
		on_cpu(c, mark_cpu, &token);
	for (int c = 1; c < nr_cpus(); c++)
		all &= ran_on[c] == token;
	report(all, "on_cpu ran a function on every other CPU");
	token = 0x77;
	on_cpus(mark_cpu, &token);
	all = true;
	for (int c = 0; c < nr_cpus(); c++)
		all &= ran_on[c] == token;
	report(all, "on_cpus ran it on every CPU, this one too");
	return true;
}
