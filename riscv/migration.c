/*
 * migration: supervisor state of a riscv64 guest is the same after a live
 * migration (docs/protocol.md "Migration", lib/migrate.h), each CSR checked
 * to hold what was written (RISC-V privileged specification, chapter
 * "Supervisor-Level ISA"): sscratch, stvec, scounteren, sie, satp; with Sstc
 * stimecmp (set far ahead); time never goes back; 1 MiB of memory.
 * Argument "corrupt": change sscratch after the migration before comparing.
 */
#include "hvut.h"
#include "migrate.h"
#include <asm/csr.h>
#include <asm/isa.h>

#define MEM_BYTES (1 << 20)

int main(int argc, char **argv, char **envp)
{
	bool corrupt = argc > 1 && !strcmp(argv[1], "corrupt"), sstc = isa_has("sstc");
	uint8_t *mem = migrate_pattern_fill(MEM_BYTES);
	unsigned long scratch, stvec, scounteren, sie, satp, stimecmp = 0, t0, t1, v;
	unsigned bad;

	(void)envp;
	report_prefix_push("migration");
	if (!mem) {
		report_fail("1 MiB for the memory pattern");
		return report_summary();
	}
	csr_write(CSR_SSCRATCH, 0x0123456789abcdefUL);
	csr_write(CSR_SCOUNTEREN, 0x7);
	if (sstc)
		csr_write(CSR_STIMECMP, csr_read(CSR_TIME) + (1UL << 40));
	scratch = csr_read(CSR_SSCRATCH);
	stvec = csr_read(CSR_STVEC);
	scounteren = csr_read(CSR_SCOUNTEREN);
	sie = csr_read(CSR_SIE);
	satp = csr_read(CSR_SATP);
	if (sstc)
		stimecmp = csr_read(CSR_STIMECMP);
	t0 = csr_read(CSR_TIME);
	if (!migrate_once()) {
		report_prefix_pop();
		return report_summary();
	}
	t1 = csr_read(CSR_TIME);
	if (corrupt)
		csr_write(CSR_SSCRATCH, scratch ^ 1);
	v = csr_read(CSR_SSCRATCH);
	report(v == scratch, "sscratch kept (%#lx, then %#lx)", scratch, v);
	v = csr_read(CSR_STVEC);
	report(v == stvec, "stvec kept (%#lx, then %#lx)", stvec, v);
	v = csr_read(CSR_SCOUNTEREN);
	report(v == scounteren, "scounteren kept (%#lx, then %#lx)", scounteren, v);
	v = csr_read(CSR_SIE);
	report(v == sie, "sie kept (%#lx, then %#lx)", sie, v);
	v = csr_read(CSR_SATP);
	report(v == satp, "satp kept (%#lx, then %#lx)", satp, v);
	if (sstc) {
		v = csr_read(CSR_STIMECMP);
		report(v == stimecmp, "stimecmp kept (%#lx, then %#lx) [Sstc]", stimecmp, v);
	} else {
		report_skip("stimecmp: Sstc not in the ISA string");
	}
	report(t1 >= t0, "time did not go back (%#lx, then %#lx)", t0, t1);
	bad = migrate_pattern_diff(mem, MEM_BYTES);
	report(!bad, "1 MiB of memory kept (%u bytes differ)", bad);
	report_prefix_pop();
	return report_summary();
}
