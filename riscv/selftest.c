/*
 * selftest: the library itself works in this guest — argv, environ, printf,
 * the allocators, setjmp/longjmp, catching traps in S-mode and U-mode, Sv39,
 * SMP through SBI HSM.
 * Arguments: any words (checked against "expect-args=N" if given) and
 * "cpus=N" to check that N harts came up.
 */
#include "hvut.h"
#include <setjmp.h>
#include <asm/csr.h>
#include <asm/mmu.h>
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
	report(arch && !strcmp(arch, "riscv64"), "HVUT_ARCH=riscv64 (got %s)", arch ? arch : "(unset)");
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
	report(before > 128UL * 1024 * 1024, "most of the 256 MiB is free (%zu KiB)", before / 1024);
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

extern char selftest_unimp[], selftest_ebreak[];
static void do_unimp(void *arg)
{
	(void)arg;
	/* unimp is csrrw x0, cycle, x0: a write to a read-only CSR, always illegal. */
	__asm__ volatile(".globl selftest_unimp\nselftest_unimp: unimp");
}
static void do_ebreak(void *arg)
{
	(void)arg;
	__asm__ volatile(".option push\n.option norvc\n"
			 ".globl selftest_ebreak\nselftest_ebreak: ebreak\n.option pop");
}
static void do_nothing(void *arg) { *(int *)arg = 1; }
static void user_read_sstatus(void *arg) { *(unsigned long *)arg = csr_read(CSR_SSTATUS); }
static void user_write_flag(void *arg) { *(int *)arg = 0x600d; }

static void check_exceptions(void)
{
	struct fault f;
	int ran = 0, v, flag = 0;
	unsigned long sstatus = 0;

	report_prefix_push("exceptions");
	v = catch_exception(do_nothing, &ran, &f);
	report(v == NO_EXCEPTION && ran == 1, "a function that does not trap returns NO_EXCEPTION");
	v = catch_exception(do_unimp, NULL, &f);
	report(v == EXC_ILLEGAL_INSN && f.pc == (unsigned long)selftest_unimp && f.error_code == EXC_ILLEGAL_INSN,
	       "unimp is caught as an illegal instruction at its address (scause %#lx, sepc %#lx)",
	       f.error_code, f.pc);
	v = catch_exception(do_ebreak, NULL, &f);
	report(v == EXC_BREAKPOINT && f.pc == (unsigned long)selftest_ebreak,
	       "ebreak is caught as a breakpoint (scause %#lx)", f.error_code);
	v = run_in_user(user_write_flag, &flag, &f);
	report(v == NO_EXCEPTION && flag == 0x600d, "run_in_user runs a function and comes back");
	v = run_in_user(user_read_sstatus, &sstatus, &f);
	report(v == EXC_ILLEGAL_INSN && !(f.aux & SSTATUS_SPP),
	       "reading sstatus in U-mode is an illegal instruction from U-mode (scause %#lx, SPP %lu)",
	       f.error_code, (f.aux & SSTATUS_SPP) >> 8);
	v = catch_exception(user_read_sstatus, &sstatus, &f);
	report(v == NO_EXCEPTION, "back in S-mode afterwards: sstatus reads without a trap");
	report_prefix_pop();
}

/* 128 GiB: canonical in Sv39 (bits 63:38 equal), outside the 4 GiB identity map. */
#define ALIAS_VA 0x2000000000UL

static void read_alias(void *arg) { *(volatile uint64_t *)arg = *(volatile uint64_t *)(ALIAS_VA + 8); }
static void read_unmapped(void *arg) { *(volatile uint64_t *)arg = *(volatile uint64_t *)(ALIAS_VA + 0x1000); }

static void check_mmu(void)
{
	pte_t *root = mmu_new_identity();
	uint64_t *page = alloc_page(), val = 0;
	struct fault f;
	int v;

	report_prefix_push("mmu");
	page[1] = 0x5151;
	mmu_map_page(root, ALIAS_VA, (uintptr_t)page, PTE_R | PTE_W);
	if (!mmu_enable(root)) {
		report_skip("Sv39: satp kept its old value, the hart has no Sv39");
		report_prefix_pop();
		return;
	}
	v = catch_exception(read_alias, &val, &f);
	report(v == NO_EXCEPTION && val == 0x5151, "a 4 KiB alias reads the page it maps (%s, %#lx)",
	       exception_name(v), (unsigned long)val);
	v = catch_exception(read_unmapped, &val, &f);
	report(v == EXC_LOAD_PAGE_FAULT && f.addr == ALIAS_VA + 0x1000,
	       "an unmapped address is a load page fault with stval = the address (scause %#lx, stval %#lx)",
	       f.error_code, f.addr);
	mmu_disable();
	report(csr_read(CSR_SATP) == 0, "translation is off again");
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
	report_info("%d harts online, boot hart %lu", nr_cpus(), cpu_hartid(0));
	if (want)
		report(nr_cpus() == want, "%d harts came up", want);
	if (nr_cpus() < 2) {
		report_skip("on_cpu: needs 2 harts (smp = 2 in unittests.cfg)");
	} else {
		bool all = true;

		for (int c = 1; c < nr_cpus(); c++)
			on_cpu(c, mark_cpu, &token);
		for (int c = 1; c < nr_cpus(); c++)
			all &= ran_on[c] == token;
		report(all, "on_cpu ran a function on every other hart");
		token = 0x77;
		on_cpus(mark_cpu, &token);
		all = true;
		for (int c = 0; c < nr_cpus(); c++)
			all &= ran_on[c] == token;
		report(all, "on_cpus ran it on every hart, this one too");
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
	check_mmu();
	check_smp(argc, argv);
	return report_summary();
}
