/*
 * zicbo: the cache-block operations' U-mode enables in senvcfg.
 *
 * CMO specification 1.0.x (in the unprivileged manual, chapter "CMO"),
 * "Control and Status Register State": senvcfg.CBIE (bits 5:4, WARL: 00
 * illegal, 01 flush, 10 reserved, 11 invalidate), CBCFE (bit 6) and CBZE
 * (bit 7) decide whether cbo.inval, cbo.clean/cbo.flush and cbo.zero execute
 * in U-mode ("otherwise, an illegal-instruction exception is raised"), given
 * that M-mode's menvcfg lets S-mode run them. Privileged spec, "Supervisor
 * Environment Configuration Register (senvcfg)": when Zicboz is not
 * implemented CBZE is read-only zero, when Zicbom is not, CBIE and CBCFE are.
 *
 * Per extension listed in riscv,isa: each field 0 -> the U-mode instruction is
 * an illegal instruction (2); enabled -> it executes; cbo.zero from U-mode
 * zeroes its riscv,cboz-block-size block. CBIE = 10 written does not read
 * back as 10. Not listed: the fields read 0 after a write of 1, and the
 * instructions are illegal in U-mode whatever senvcfg says.
 * Zicbop (prefetch.r/w/i, HINTs encoded as ORI to x0): never trap, not even
 * on an address nothing may access.
 */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/isa.h>
#include "devicetree.h"

#define ENVCFG_CBIE_SHIFT 4
#define ENVCFG_CBIE (3UL << ENVCFG_CBIE_SHIFT)
#define ENVCFG_CBCFE (1UL << 6)
#define ENVCFG_CBZE (1UL << 7)
#define CBIE_ILLEGAL 0UL
#define CBIE_FLUSH 1UL
#define CBIE_RESERVED 2UL
#define CBIE_INVAL 3UL

static uint8_t block_buf[4096] __attribute__((aligned(4096)));

/* MISC-MEM funct3 2, rs1 = a0: imm 0 inval, 1 clean, 2 flush, 4 zero. */
static void u_inval(void *a) { __asm__ volatile("mv a0, %0\n.4byte 0x0005200f" :: "r"(a) : "a0", "memory"); }
static void u_clean(void *a) { __asm__ volatile("mv a0, %0\n.4byte 0x0015200f" :: "r"(a) : "a0", "memory"); }
static void u_flush(void *a) { __asm__ volatile("mv a0, %0\n.4byte 0x0025200f" :: "r"(a) : "a0", "memory"); }
static void u_zero(void *a) { __asm__ volatile("mv a0, %0\n.4byte 0x0045200f" :: "r"(a) : "a0", "memory"); }
/* ORI x0, a0, imm: imm[4:0] 0 prefetch.i, 1 prefetch.r, 3 prefetch.w; offset 0. */
static void prefetch_all(void *a)
{
	__asm__ volatile("mv a0, %0\n.4byte 0x00056013\n.4byte 0x00156013\n.4byte 0x00356013" :: "r"(a) : "a0");
}

struct op {
	const char *ext, *name;
	test_fn fn;
	unsigned long field, on;   /* the senvcfg field and its "enabled" value */
};

static const struct op ops[] = {
	{ "zicbom", "cbo.inval", u_inval, ENVCFG_CBIE, CBIE_FLUSH << ENVCFG_CBIE_SHIFT },
	{ "zicbom", "cbo.clean", u_clean, ENVCFG_CBCFE, ENVCFG_CBCFE },
	{ "zicbom", "cbo.flush", u_flush, ENVCFG_CBCFE, ENVCFG_CBCFE },
	{ "zicboz", "cbo.zero", u_zero, ENVCFG_CBZE, ENVCFG_CBZE },
};

static void read_senvcfg(void *out)
{
	*(unsigned long *)out = csr_read(CSR_SENVCFG);
}

static void set_field(unsigned long mask, unsigned long v)
{
	csr_write(CSR_SENVCFG, (csr_read(CSR_SENVCFG) & ~mask) | v);
}

/* The instruction in U-mode with the field 0 and then enabled. */
static void check_op(const struct op *o)
{
	struct fault f;
	int off, on, in_s;

	/* The U-mode enable only matters where M-mode lets S-mode run it (menvcfg, not readable here). */
	in_s = catch_exception(o->fn, block_buf, &f);
	set_field(o->field, 0);
	off = run_in_user(o->fn, block_buf, &f);
	report(off == EXC_ILLEGAL_INSN, "%s: senvcfg field = 0: %s in U-mode is an illegal instruction (%s) [CMO 1.0 CSR state]",
	       o->ext, o->name, exception_name(off));
	set_field(o->field, o->on);
	on = run_in_user(o->fn, block_buf, &f);
	set_field(o->field, 0);
	if (in_s != NO_EXCEPTION)
		report(on == EXC_ILLEGAL_INSN,
		       "%s: S-mode may not run %s (%s: menvcfg off), so U-mode may not either, senvcfg enabled (%s)",
		       o->ext, o->name, exception_name(in_s), exception_name(on));
	else
		report(on == NO_EXCEPTION, "%s: senvcfg field enabled (%#lx): %s in U-mode executes (%s) [CMO 1.0 CSR state]",
		       o->ext, o->on, o->name, exception_name(on));
}

static void check_u_zero_block(void)
{
	uint32_t size = 0;
	unsigned left = 0;
	struct fault f;
	int v;

	if (!fdt_getprop_u32(isa_cpu_node(), "riscv,cboz-block-size", &size) || !size || size > sizeof(block_buf) / 2) {
		report_skip("U-mode cbo.zero block: riscv,cboz-block-size %u unusable", size);
		return;
	}
	memset(block_buf, 0x5a, sizeof(block_buf));
	set_field(ENVCFG_CBZE, ENVCFG_CBZE);
	v = run_in_user(u_zero, block_buf + size + 1, &f);
	set_field(ENVCFG_CBZE, 0);
	for (uint32_t i = size; i < 2 * size; i++)
		left += block_buf[i] != 0;
	report(v == NO_EXCEPTION && !left && block_buf[size - 1] == 0x5a && block_buf[2 * size] == 0x5a,
	       "zicboz: cbo.zero from U-mode zeroes its %u-byte block only (%u bytes left; %s) [CMO 1.0 cbo.zero]", size,
	       left, exception_name(v));
}

/*
 * The block size for management instructions comes from the device tree
 * (riscv,cbom-block-size: CMO 1.0 "Software Discovery"); CMO instructions take
 * any address in the block and never raise address-misaligned exceptions
 * (CMO 1.0 "Address-Misaligned Exceptions").
 */
static void check_cbom_block(void)
{
	uint32_t size = 0;
	struct fault f;
	int v;

	if (!fdt_getprop_u32(isa_cpu_node(), "riscv,cbom-block-size", &size) || !size || (size & (size - 1)) ||
	    size > sizeof(block_buf) / 2) {
		report_fail("zicbom: riscv,cbom-block-size is a power of two up to %zu (got %u)", sizeof(block_buf) / 2,
			    size);
		return;
	}
	set_field(ENVCFG_CBCFE, ENVCFG_CBCFE);
	v = run_in_user(u_flush, block_buf + size + size / 2 + 1, &f);
	set_field(ENVCFG_CBCFE, 0);
	report(v == NO_EXCEPTION, "zicbom: %u-byte blocks; cbo.flush at an odd address inside a block raises nothing "
	       "(%s) [CMO 1.0: no address-misaligned exceptions]", size, exception_name(v));
}

static void check_cbie_warl(void)
{
	unsigned long got;

	set_field(ENVCFG_CBIE, CBIE_RESERVED << ENVCFG_CBIE_SHIFT);
	got = (csr_read(CSR_SENVCFG) & ENVCFG_CBIE) >> ENVCFG_CBIE_SHIFT;
	set_field(ENVCFG_CBIE, 0);
	report_deviation("senvcfg-cbie-reserved-kept", got != CBIE_RESERVED,
			 "zicbom: senvcfg.CBIE is WARL: a write of the reserved 10b does not read back as 10b (read %lu) "
			 "[CMO 1.0 CSR state]", got);
	set_field(ENVCFG_CBIE, CBIE_INVAL << ENVCFG_CBIE_SHIFT);
	got = (csr_read(CSR_SENVCFG) & ENVCFG_CBIE) >> ENVCFG_CBIE_SHIFT;
	set_field(ENVCFG_CBIE, 0);
	report_info("senvcfg.CBIE = 11b (invalidate) reads back %lu", got);
}

/* Not implemented: the extension's senvcfg fields are read-only zero. */
static void check_fields_absent(const char *ext, unsigned long mask)
{
	unsigned long got;

	set_field(mask, mask);
	got = csr_read(CSR_SENVCFG) & mask;
	set_field(mask, 0);
	report_deviation("senvcfg-cbo-fields-writable", !got,
			 "%s not listed: its senvcfg fields (%#lx) are read-only zero (read %#lx after writing 1s) "
			 "[priv spec senvcfg]", ext, mask, got);
}

int main(int argc, char **argv, char **envp)
{
	unsigned long senvcfg = 0;
	struct fault f;
	int v;

	(void)argc;
	(void)argv;
	(void)envp;
	report_prefix_push("zicbo");
	v = catch_exception(read_senvcfg, &senvcfg, &f);
	if (v != NO_EXCEPTION) {
		report_skip("senvcfg: reading CSR 0x10a traps (%s): a pre-1.12 hart", exception_name(v));
		return report_summary();
	}
	report_info("senvcfg = %#lx at boot; riscv,isa lists zicbom %d, zicboz %d, zicbop %d", senvcfg,
		    isa_has("zicbom"), isa_has("zicboz"), isa_has("zicbop"));
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (isa_has(ops[i].ext)) {
			check_op(&ops[i]);
		} else {
			v = run_in_user(ops[i].fn, block_buf, &f);
			report(v == EXC_ILLEGAL_INSN, "%s not listed: %s in U-mode is an illegal instruction (%s) [CMO 1.0]",
			       ops[i].ext, ops[i].name, exception_name(v));
		}
	if (isa_has("zicboz"))
		check_u_zero_block();
	else
		check_fields_absent("zicboz", ENVCFG_CBZE);
	if (isa_has("zicbom")) {
		check_cbom_block();
		check_cbie_warl();
	}
	else
		check_fields_absent("zicbom", ENVCFG_CBIE | ENVCFG_CBCFE);
	/* 0x10: not RAM, and U-mode may not touch it under the firmware's PMP; a HINT must not fault. */
	v = run_in_user(prefetch_all, (void *)0x10, &f);
	report(v == NO_EXCEPTION, "prefetch.i/r/w of an inaccessible address from U-mode raise nothing (%s) "
	       "[CMO 1.0 Zicbop: prefetches raise no exceptions; HINTs without it]", exception_name(v));
	csr_write(CSR_SENVCFG, senvcfg);
	report_prefix_pop();
	return report_summary();
}
