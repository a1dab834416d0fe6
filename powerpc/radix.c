/*
 * radix: a partition that asks for the radix MMU through client-
 * architecture-support (OV5 byte 24 0x40, byte 26 0x40 GTSE; lib/powerpc/
 * cas.c) where /chosen ibm,arch-vec-5-platform-support offers it, then
 * registers its process table with H_REGISTER_PROC_TBL (PAPR/LoPAR
 * "H_REGISTER_PROC_TBL": flags NEW | RADIX | GTSE, the table's real
 * address, page size 0, size as log2(bytes) - 12).
 *
 *   - the registration succeeds;
 *   - with LPCR[GTSE] = 1 in a radix partition, tlbie with PRS = 1 (process
 *     scoped) is a privileged, not hypervisor-privileged, instruction (Power
 *     ISA v3.1 Book III 6.10.1/5.10.1): it completes, where the same tlbie in
 *     a hashed-page-table partition is a program interrupt (powerpc/mmu.c).
 * Not done: translation through a radix tree of our own.
 */
#include "hvut.h"
#include "alloc.h"
#include "devicetree.h"
#include <asm/cas.h>
#include <asm/hcall.h>
#include <asm/processor.h>

#define H_REGISTER_PROC_TBL 0x37c
#define PROC_TABLE_NEW 0x18
#define PROC_TABLE_RADIX 0x04
#define PROC_TABLE_GTSE 0x01

static bool radix_offered(void)
{
	int chosen = fdt_path_offset("/chosen"), len = 0;
	const uint8_t *v5 = chosen >= 0 ? fdt_getprop(chosen, "ibm,arch-vec-5-platform-support", &len) : NULL;

	/* (byte index, value) pairs; byte 24 is the MMU: 0x40 radix, 0x80 hash, 0xc0 either. */
	for (int i = 0; v5 && i + 1 < len; i += 2)
		if (v5[i] == OV5_BYTE_MMU && (v5[i + 1] & OV5_MMU_RADIX))
			return true;
	return false;
}

static void do_tlbie_prs(void *a)
{
	(void)a;
	/*
	 * tlbie RB, RS, RIC = 0, PRS = 1, R = 1: IS = 0b11 in RB (all entries of
	 * PID RS), PID 0. Encoded by hand: tlbie RB=r3, RS=r4 with RIC/PRS/R
	 * (X-form 31/306: RS 6:10, RIC 12:13, PRS 14, R 15, RB 16:20).
	 */
	__asm__ volatile("li 3, 0xc00\n\tli 4, 0\n\tptesync\n\t"
			 ".long (31 << 26) | (4 << 21) | (1 << 17) | (1 << 16) | (3 << 11) | (306 << 1)\n\t"
			 "eieio\n\ttlbsync\n\tptesync" ::: "r3", "r4", "memory");
}

int main(int argc, char **argv, char **envp)
{
	uint8_t ov5[OV5_BYTE_RADIX_EXT] = { 0 };
	void *table = alloc_page();
	struct fault f;
	long rc;
	int vec;

	(void)argc, (void)argv, (void)envp;
	if (!radix_offered()) {
		report_skip("radix: /chosen ibm,arch-vec-5-platform-support does not offer it (byte 24)");
		return report_summary();
	}
	ov5[OV5_BYTE_MMU - 1] = OV5_MMU_RADIX;
	ov5[OV5_BYTE_RADIX_EXT - 1] = OV5_RADIX_GTSE;
	rc = cas_negotiate(ov5, sizeof(ov5));
	if (rc != H_SUCCESS) {
		report_skip("radix: client-architecture-support asking radix + GTSE failed (%ld)", rc);
		return report_summary();
	}
	memset(table, 0, 4096);
	rc = hcall(H_REGISTER_PROC_TBL, NULL, PROC_TABLE_NEW | PROC_TABLE_RADIX | PROC_TABLE_GTSE,
		   (unsigned long)table, 0, 0, 0, 0);
	report(rc == H_SUCCESS, "H_REGISTER_PROC_TBL radix + GTSE, a 4 KiB table: H_SUCCESS (%ld) [LoPAR H_REGISTER_PROC_TBL]", rc);

	vec = catch_exception(do_tlbie_prs, NULL, &f);
	report(rc == H_SUCCESS && vec == NO_EXCEPTION,
	       "radix with GTSE: a process-scoped tlbie completes (%s) [Book III 5.10.1: privileged when LPCR[GTSE] = 1]",
	       vec == NO_EXCEPTION ? "no interrupt" : exception_name(vec));
	return report_summary();
}
