/*
 * selftest: the library itself works in this guest — argv, environ, printf,
 * the allocators, setjmp/longjmp, catching traps in S-mode and U-mode, Sv39,
 * SMP through SBI HSM.
 * Arguments: any words (checked against "expect-args=N" if given) and
 * "cpus=N" to check that N harts came up.
 */
#include "hvut.h"
#include "selftest-lib.h"
#include <setjmp.h>
#include <asm/csr.h>
#include <asm/mmu.h>
#include <asm/smp.h>

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

static void check_smp(int argc, char **argv)
{
	report_prefix_push("smp");
	report_info("boot hart %lu", cpu_hartid(0));
	selftest_smp(argc, argv);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	selftest_lib(argc, argv, envp);
	check_exceptions();
	check_mmu();
	check_smp(argc, argv);
	return report_summary();
}
