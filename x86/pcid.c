/*
 * pcid: process-context identifiers and INVPCID (SDM vol. 3A 4.10.1,
 * 4.10.4.1; vol. 2 INVPCID, MOV CR). What must be invalidated is checked
 * with a PTE repointed from page A to page B; what may be kept is INFO.
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/vm.h>

#define CR3_NOFLUSH (1UL << 63)

struct invpcid_desc {
	uint64_t pcid;
	uint64_t addr;
};

struct invpcid_op {
	unsigned long type;
	struct invpcid_desc d;
};

static void do_invpcid(void *arg)
{
	struct invpcid_op *op = arg;

	__asm__ volatile("invpcid %0, %1" :: "m"(op->d), "r"(op->type) : "memory");
}

static int invpcid_safe(unsigned long type, uint64_t pcid, uint64_t addr)
{
	struct invpcid_op op = { type, { pcid, addr } };

	return catch_exception(do_invpcid, &op, NULL);
}

static void do_write_cr3(void *arg) { write_cr3(*(unsigned long *)arg); }

static int write_cr3_safe(unsigned long v)
{
	return catch_exception(do_write_cr3, &v, NULL);
}

static void expect_vector(int got, int want, const char *what)
{
	report(got == want, "%s: %s (got %s)", what, exception_name(want), exception_name(got));
}

/* CR4.PCIDE rules (SDM vol. 2 MOV CR: #GP(0) cases; vol. 3A 2.5). */
static void test_pcide(unsigned long base_cr3)
{
	unsigned long cr4 = read_cr4();

	write_cr3(base_cr3 | PT_PWT);   /* CR3[11:0] != 0 */
	expect_vector(write_cr4_safe(cr4 | X86_CR4_PCIDE), GP_VECTOR, "setting CR4.PCIDE with CR3[11:0]!=0");
	write_cr3(base_cr3);
	expect_vector(write_cr4_safe(cr4 | X86_CR4_PCIDE), NO_EXCEPTION, "setting CR4.PCIDE with CR3[11:0]=0");
	report(read_cr4() & X86_CR4_PCIDE, "CR4.PCIDE reads back 1");
	expect_vector(write_cr3_safe(base_cr3 | 0x123), NO_EXCEPTION, "MOV to CR3 with PCID 0x123");
	report((read_cr3() & 0xfff) == 0x123, "CR3[11:0] reads back the PCID (%#lx)", read_cr3() & 0xfff);
	write_cr3(base_cr3);
	write_cr4(cr4);
}

static void test_cr3_pcid(struct tlb_pages *t, unsigned long base_cr3)
{
	unsigned long cr4 = read_cr4();

	write_cr4(cr4 | X86_CR4_PCIDE);
	write_cr3(base_cr3 | 1);
	tlb_read(t);
	tlb_repoint(t, 0);
	write_cr3(base_cr3 | 1);
	tlb_expect_new(t, "MOV to CR3, same PCID, bit 63=0 (SDM 3A 4.10.4.1)");
	tlb_restore(t);

	tlb_read(t);                        /* PCID 1 caches A */
	tlb_repoint(t, 0);
	write_cr3(base_cr3 | 2);            /* PCID 2, flushed: must see B */
	tlb_expect_new(t, "MOV to CR3 to another PCID, bit 63=0");
	write_cr3(base_cr3 | 1 | CR3_NOFLUSH);
	tlb_info_either(t, "back to PCID 1 with bit 63=1 (no flush)");
	write_cr3(base_cr3 | 1);
	tlb_expect_new(t, "back to PCID 1 with bit 63=0");
	tlb_restore(t);
	write_cr3(base_cr3);
	write_cr4(cr4);
}

static void do_invpcid_user(void *arg)
{
	do_invpcid(arg);
}

static void test_invpcid(struct tlb_pages *t, unsigned long base_cr3)
{
	static const char *const names[] = {
		"INVPCID type 0 (individual address)", "INVPCID type 1 (single context)",
		"INVPCID type 2 (all contexts, global too)", "INVPCID type 3 (all contexts but global)",
	};
	unsigned long cr4 = read_cr4();
	struct invpcid_op op = { 0, { 0, 0 } };
	struct fault f;

	if (!this_cpu_has(X86_FEATURE_INVPCID)) {
		report_skip("INVPCID: CPUID.(7,0):EBX[10]=0");
		expect_vector(invpcid_safe(2, 0, 0), UD_VECTOR, "INVPCID without the feature");
		return;
	}
	/* #GP(0) cases with CR4.PCIDE=0 (SDM vol. 2 INVPCID, 64-bit mode exceptions). */
	expect_vector(invpcid_safe(0, 1, (uintptr_t)t->a), GP_VECTOR, "type 0, PCIDE=0, PCID 1");
	expect_vector(invpcid_safe(1, 1, 0), GP_VECTOR, "type 1, PCIDE=0, PCID 1");
	expect_vector(invpcid_safe(0, 0, (uintptr_t)t->a), NO_EXCEPTION, "type 0, PCIDE=0, PCID 0");
	expect_vector(invpcid_safe(4, 0, 0), GP_VECTOR, "type 4 (reserved)");
	{
		int v = invpcid_safe(1ul << 32, 0, 0);

		/* In 64-bit mode the type is all 64 bits of the register (SDM vol. 2 INVPCID). */
		report_deviation("invpcid-type-64bit", v == GP_VECTOR, "type 2^32 (reserved): #GP (got %s)",
				 exception_name(v));
	}
	expect_vector(invpcid_safe(0, 1ull << 12, (uintptr_t)t->a), GP_VECTOR, "descriptor bits 63:12 set");
	expect_vector(invpcid_safe(0, 0, 0x0000800000000000ull), GP_VECTOR, "type 0, non-canonical address");
	expect_vector(invpcid_safe(1, 0, 0x0000800000000000ull), NO_EXCEPTION,
		      "type 1 ignores the address (non-canonical)");
	op.type = 2;
	expect_vector(run_in_user(do_invpcid_user, &op, &f), GP_VECTOR, "at CPL3");

	write_cr4(cr4 | X86_CR4_PCIDE | X86_CR4_PGE);
	for (unsigned type = 0; type < 4; type++) {
		/* Types 2 flushes global entries too: check it on a global page. */
		uint64_t g = type == 2 && this_cpu_has(X86_FEATURE_PGE) ? PT_GLOBAL : 0;

		write_cr3(base_cr3 | 5);
		*t->pte = t->orig | g;
		invlpg(t->a);
		tlb_read(t);
		tlb_repoint(t, g);
		expect_vector(invpcid_safe(type, 5, (uintptr_t)t->a), NO_EXCEPTION, names[type]);
		tlb_expect_new(t, names[type]);
		tlb_restore(t);
	}
	write_cr3(base_cr3);
	write_cr4(cr4);
}

int main(int argc, char **argv, char **envp)
{
	unsigned long base_cr3 = read_cr3() & ~0xfffUL;
	struct tlb_pages t;

	(void)argc, (void)argv, (void)envp;
	report_info("running on %s", vmm_description());
	tlb_pages_init(&t);
	if (!this_cpu_has(X86_FEATURE_PCID)) {
		report_skip("PCID: CPUID.1:ECX[17]=0");
		unsigned long cr4 = read_cr4();
		int v = write_cr4_safe(cr4 | X86_CR4_PCIDE);

		report_deviation("cr4-pcide-without-pcid", v == GP_VECTOR,
				 "setting CR4.PCIDE without PCID: #GP (got %s, CR4 now %#lx)", exception_name(v),
				 read_cr4());
		write_cr4(cr4);
		if (this_cpu_has(X86_FEATURE_INVPCID))
			report_skip("INVPCID with PCIDE=1: CPUID.1:ECX[17]=0 (PCID)");
		else
			expect_vector(invpcid_safe(2, 0, 0), UD_VECTOR, "INVPCID without CPUID.(7,0):EBX[10]");
		return report_summary();
	}
	test_pcide(base_cr3);
	test_cr3_pcid(&t, base_cr3);
	test_invpcid(&t, base_cr3);
	return report_summary();
}
