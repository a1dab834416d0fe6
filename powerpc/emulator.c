/*
 * emulator: the instructions a VMM may have to emulate rather than run (KVM
 * PR emulates them on a trap, QEMU's TCG implements them by hand), checked
 * against Power ISA v3.1:
 *   - Move Assist (Book I 3.3.7): lswi/lswx/stswi/stswx, 4 bytes per
 *     register into bits 32:63 (bits 0:31 and the unfilled low bytes of the
 *     last register zero), the register range wrapping from r31 to r0,
 *     lswx/stswx with the XER[57:63] byte count, including 0 (stswx stores
 *     nothing; lswx leaves the registers after RT alone). In little-endian
 *     mode each is an Alignment interrupt instead (Book III 7.5.8; DAR =
 *     the effective address).
 *   - unaligned lwz/ld/std/lfd/stfd (Book I 1.11.1: any alignment is
 *     performed, Book III 7.5.8 lets an implementation take an Alignment
 *     interrupt instead, DAR = EA): across a 64-byte line in real mode, and
 *     across a 4 KiB page boundary with MSR[DR] = 1 where the two pages map
 *     to physical frames in the other order, so an access that is split by
 *     physical address reads the wrong bytes; and into an unmapped page: a
 *     Data Storage interrupt, DSISR bit 33 (Book III 7.5.3).
 *   - SPRs a hypervisor emulates or must keep per vCPU (Book III 5.4.4,
 *     Chapter 7): PVR as /cpus' cpu-version, PIR as the CPU's server number,
 *     DAR/DSISR/SRR0/SRR1 written and read back.
 * Byte order follows the build: every expectation is computed from the
 * bytes in memory at increasing addresses, read as this build's endianness
 * (Book I 1.10 "Byte Ordering").
 */
#include "hvut.h"
#include "alloc.h"
#include "devicetree.h"
#include <asm/hcall.h>
#include <asm/processor.h>
#include <asm/smp.h>

void str_lswi_wrap(const void *src, unsigned long out[4]);
void str_stswi_wrap(void *dst, const unsigned long in[4]);
void str_lswx(const void *base, unsigned long off, unsigned long out[6], unsigned long count);
void str_stswx(void *base, unsigned long off, const unsigned long in[6], unsigned long count);
void mw_lmw(const void *src, unsigned long out[3]);
void mw_stmw(void *dst, const unsigned long in[3]);
unsigned long ua_lwz(const void *p, unsigned long or_msr);
unsigned long ua_ld(const void *p, unsigned long or_msr);
void ua_std(void *p, unsigned long v, unsigned long or_msr);
void ua_lfd(const void *src, void *dst, unsigned long or_msr);
void ua_stfd(void *dst, const void *src, unsigned long or_msr);

#define ALIGNMENT 0x600
#define DSI 0x300
#define POISON (~0UL)

#ifdef __LITTLE_ENDIAN__
#define BUILD_LE 1
#else
#define BUILD_LE 0
#endif

/* The n bytes at p read as one value in this build's byte order. */
static uint64_t mem_value(const volatile uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (BUILD_LE ? 8 * i : 8 * (n - 1 - i));
	return v;
}

static void fill(volatile uint8_t *p, int n, uint8_t seed)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + 7 * i);
}

/* What an instruction did, for messages. */
static const char *outcome(int vec)
{
	return vec == NO_EXCEPTION ? "no interrupt" : exception_name(vec);
}

/* Bytes b[0..n) of a string transfer in register k: big-endian, left-justified in bits 32:63. */
static unsigned long string_reg(const uint8_t *b, int n, int k)
{
	unsigned long v = 0;

	for (int j = 0; j < 4 && 4 * k + j < n; j++)
		v |= (unsigned long)b[4 * k + j] << (24 - 8 * j);
	return v;
}

/* ------------------------------------------------------------------ strings */

static uint8_t strbuf[64] __attribute__((aligned(64)));
static unsigned long regs[6];

static void do_lswi(void *a) { (void)a; str_lswi_wrap(strbuf + 3, regs); }
static void do_stswi(void *a) { (void)a; str_stswi_wrap(strbuf + 3, regs); }
static void do_lswx(void *a) { str_lswx(strbuf, 5, regs, (unsigned long)a); }
static void do_stswx(void *a) { str_stswx(strbuf, 5, regs, (unsigned long)a); }
static void do_lmw(void *a) { (void)a; mw_lmw(strbuf + 8, regs); }
static void do_stmw(void *a) { (void)a; mw_stmw(strbuf + 8, regs); }

static void strings_big_endian(void)
{
	struct fault f;
	uint8_t want[16];
	int vec, ok;

	/* lswi r29, rA, 15: r29, r30, r31, r0. */
	fill(strbuf, sizeof(strbuf), 0x21);
	memcpy(want, strbuf + 3, 15);
	vec = catch_exception(do_lswi, NULL, &f);
	ok = vec == NO_EXCEPTION;
	for (int k = 0; k < 4; k++)
		ok = ok && regs[k] == string_reg(want, 15, k);
	report(ok, "lswi 15 bytes into r29: r29, r30, r31, then r0 (the range wraps), 4 bytes per register in bits 32:63, the rest zero "
	       "(%s; %#lx %#lx %#lx %#lx) [Book I 3.3.7 lswi]", outcome(vec), regs[0], regs[1], regs[2], regs[3]);

	/* stswi r29, rA, 15 from r29, r30, r31, r0: 15 bytes, the 16th untouched. */
	memset(strbuf, 0xee, sizeof(strbuf));
	regs[0] = 0xa0a1a2a3b0b1b2b3UL, regs[1] = 0xa4a5a6a7b4b5b6b7UL;
	regs[2] = 0xa8a9aaabb8b9babbUL, regs[3] = 0xacadaeafbcbdbebfUL;
	vec = catch_exception(do_stswi, NULL, &f);
	ok = vec == NO_EXCEPTION && strbuf[2] == 0xee && strbuf[3 + 15] == 0xee;
	for (int i = 0; i < 15; i++)
		ok = ok && strbuf[3 + i] == (uint8_t)(regs[i / 4] >> (24 - 8 * (i % 4)));
	report(ok, "stswi 15 bytes from r29, r30, r31, r0: the low word of each, high byte first, nothing past the 15th "
	       "(%s; %02x %02x .. %02x %02x) [Book I 3.3.7 stswi]", outcome(vec), strbuf[3], strbuf[4], strbuf[3 + 14],
	       strbuf[3 + 15]);

	/* lswx r7, base, 5 with XER count 7: r7 4 bytes, r8 3 bytes, r9-r12 untouched. */
	fill(strbuf, sizeof(strbuf), 0x45);
	vec = catch_exception(do_lswx, (void *)7UL, &f);
	ok = vec == NO_EXCEPTION && regs[0] == string_reg(strbuf + 5, 7, 0) && regs[1] == string_reg(strbuf + 5, 7, 1);
	for (int k = 2; k < 6; k++)
		ok = ok && regs[k] == POISON;
	report(ok, "lswx with XER[57:63] = 7 at rA + rB: r7 4 bytes, r8 3 bytes and a zero low byte, r9-r12 untouched "
	       "(%s; %#lx %#lx %#lx) [Book I 3.3.7 lswx]", outcome(vec), regs[0], regs[1], regs[2]);

	/* Count 0: RT is undefined, nothing else changes. */
	vec = catch_exception(do_lswx, (void *)0UL, &f);
	ok = vec == NO_EXCEPTION;
	for (int k = 1; k < 6; k++)
		ok = ok && regs[k] == POISON;
	report(ok, "lswx with XER[57:63] = 0 loads nothing past RT (%s, r8 %#lx) [Book I 3.3.7 lswx]", outcome(vec), regs[1]);

	/* stswx r7, base, 5 with count 5: 4 bytes of r7, the high byte of r8's low word. */
	memset(strbuf, 0xee, sizeof(strbuf));
	regs[0] = 0x1111111101020304UL, regs[1] = 0x2222222205060708UL;
	vec = catch_exception(do_stswx, (void *)5UL, &f);
	ok = vec == NO_EXCEPTION && strbuf[4] == 0xee && strbuf[10] == 0xee && strbuf[5] == 1 && strbuf[6] == 2 &&
	     strbuf[7] == 3 && strbuf[8] == 4 && strbuf[9] == 5;
	report(ok, "stswx with XER[57:63] = 5: r7's low word then r8's high byte, nothing around (%s; %02x..%02x, after %02x) "
	       "[Book I 3.3.7 stswx]", outcome(vec), strbuf[5], strbuf[9], strbuf[10]);

	/* Count 0 with other values in the registers: memory must keep 01..05. */
	regs[0] = 0xa1a2a3a4UL, regs[1] = 0xa5a6a7a8UL;
	vec = catch_exception(do_stswx, (void *)0UL, &f);
	ok = vec == NO_EXCEPTION && strbuf[4] == 0xee && strbuf[5] == 1 && strbuf[9] == 5 && strbuf[10] == 0xee;
	report(ok, "stswx with XER[57:63] = 0 stores nothing (%s, %02x..%02x) [Book I 3.3.7 stswx]", outcome(vec), strbuf[5],
	       strbuf[9]);

	/* Load/Store Multiple (Book I 3.3.6): r29-r31, one word each. */
	fill(strbuf, sizeof(strbuf), 0x63);
	vec = catch_exception(do_lmw, NULL, &f);
	ok = vec == NO_EXCEPTION;
	for (int k = 0; k < 3; k++)
		ok = ok && regs[k] == mem_value(strbuf + 8 + 4 * k, 4);
	report(ok, "lmw r29: r29, r30, r31 each get a word, zero-extended (%s; %#lx %#lx %#lx) [Book I 3.3.6 lmw]", outcome(vec),
	       regs[0], regs[1], regs[2]);
	memset(strbuf, 0xee, sizeof(strbuf));
	regs[0] = 0x1111111101020304UL, regs[1] = 0x2222222205060708UL, regs[2] = 0x33333333090a0b0cUL;
	vec = catch_exception(do_stmw, NULL, &f);
	ok = vec == NO_EXCEPTION && strbuf[7] == 0xee && strbuf[20] == 0xee;
	for (int i = 0; i < 12; i++)
		ok = ok && strbuf[8 + i] == i + 1;
	report(ok, "stmw r29: the low words of r29, r30, r31, nothing around (%s; %02x..%02x) [Book I 3.3.6 stmw]", outcome(vec),
	       strbuf[8], strbuf[19]);
}

static void strings_little_endian(void)
{
	static const struct { const char *name; test_fn fn; unsigned long count, ea; const char *row; } s[] = {
		{ "lswi", do_lswi, 0, 3, "ppc-align-le-string-no-dar" }, { "stswi", do_stswi, 0, 3, "ppc-align-le-string-no-dar" },
		{ "lswx", do_lswx, 7, 5, "ppc-align-le-string-no-dar" }, { "stswx", do_stswx, 5, 5, "ppc-align-le-string-no-dar" },
		{ "stmw", do_stmw, 0, 8, "ppc-align-le-multiple-no-dar" },   /* lmw: powerpc/interrupts.c */
	};
	struct fault f;
	int vec;

	for (unsigned i = 0; i < ARRAY_SIZE(s); i++) {
		mtspr(SPR_DAR, 0);
		vec = catch_exception(s[i].fn, (void *)s[i].count, &f);
		report(vec == ALIGNMENT, "%s in little-endian mode is an Alignment interrupt (got %#x) [Book III 7.5.8]", s[i].name,
		       vec);
		report_deviation(s[i].row, vec == ALIGNMENT && f.addr == (unsigned long)strbuf + s[i].ea,
				 "%s in little-endian mode: DAR = its effective address (DAR %#lx, want %#lx)", s[i].name, f.addr,
				 (unsigned long)strbuf + s[i].ea);
	}
	/* A zero count transfers nothing: the ISA's list does not single it out, either outcome is seen. */
	vec = catch_exception(do_lswx, (void *)0UL, &f);
	report_info("lswx with XER[57:63] = 0 in little-endian mode: %s",
		    vec == ALIGNMENT ? "Alignment interrupt" : vec == NO_EXCEPTION ? "no interrupt" : exception_name(vec));
}

/* ---------------------------------------------------------------- unaligned */

/*
 * Either outcome Book III 7.5.8 allows: the access is performed (the value
 * is the bytes at EA.. in this build's order), or an Alignment interrupt
 * with DAR = EA. Says which.
 */
static void report_unaligned(const char *what, int vec, const struct fault *f, unsigned long ea, bool right)
{
	if (vec == ALIGNMENT) {
		report(f->addr == ea, "%s: Alignment interrupt, DAR = EA (DAR %#lx, EA %#lx) [Book III 7.5.8]", what, f->addr, ea);
		report_info("%s: the VMM raised an Alignment interrupt (allowed)", what);
		return;
	}
	report(vec == NO_EXCEPTION && right, "%s: performed, the bytes at EA in %s-endian order (%s) [Book I 1.11.1]",
	       what, BUILD_LE ? "little" : "big", vec == NO_EXCEPTION ? "no interrupt" : exception_name(vec));
}

struct ua_arg {
	void *ea;             /* the unaligned address */
	uint8_t *real;        /* the same bytes, untranslated, for checking */
	unsigned long or_msr;
	unsigned long value;
	uint8_t fp[8];
};

static void do_lwz(void *a) { struct ua_arg *u = a; u->value = ua_lwz(u->ea, u->or_msr); }
static void do_ld(void *a) { struct ua_arg *u = a; u->value = ua_ld(u->ea, u->or_msr); }
static void do_std(void *a) { struct ua_arg *u = a; ua_std(u->ea, u->value, u->or_msr); }
static void do_lfd(void *a) { struct ua_arg *u = a; ua_lfd(u->ea, u->fp, u->or_msr); }
static void do_stfd(void *a) { struct ua_arg *u = a; ua_stfd(u->ea, u->fp, u->or_msr); }

/*
 * lwz, ld, std, lfd, stfd at EA = base + off (off chosen by the caller to
 * cross the boundary); real = the bytes at EA as seen untranslated (two
 * pieces when the mapping is split: real_lo for EA..boundary, real_hi after).
 */
static void unaligned_set(const char *where, uint8_t *ea, uint8_t *real_lo, uint8_t *real_hi, int lo_len,
			  unsigned long or_msr)
{
	struct ua_arg u = { .ea = ea, .or_msr = or_msr };
	uint8_t bytes[8], fpbytes[8] __attribute__((aligned(8)));
	struct fault f;
	char what[96];
	int vec;

#define SEEN(n) do { for (int i_ = 0; i_ < (n); i_++) bytes[i_] = i_ < lo_len ? real_lo[i_] : real_hi[i_ - lo_len]; } while (0)
	fill(real_lo, lo_len, 0x31);
	fill(real_hi, 8 - lo_len, 0x91);
	SEEN(8);

	snprintf(what, sizeof(what), "lwz %s", where);
	vec = catch_exception(do_lwz, &u, &f);
	report_unaligned(what, vec, &f, (unsigned long)ea, u.value == mem_value(bytes, 4));

	snprintf(what, sizeof(what), "ld %s", where);
	vec = catch_exception(do_ld, &u, &f);
	report_unaligned(what, vec, &f, (unsigned long)ea, u.value == mem_value(bytes, 8));

	snprintf(what, sizeof(what), "lfd %s", where);
	vec = catch_exception(do_lfd, &u, &f);
	report_unaligned(what, vec, &f, (unsigned long)ea, !memcmp(u.fp, bytes, 8));

	/* Stores: the eight bytes land at EA.. in order, across the split. */
	snprintf(what, sizeof(what), "std %s", where);
	u.value = 0x0102030405060708UL;
	vec = catch_exception(do_std, &u, &f);
	SEEN(8);
	report_unaligned(what, vec, &f, (unsigned long)ea, mem_value(bytes, 8) == u.value);

	snprintf(what, sizeof(what), "stfd %s", where);
	fill(fpbytes, 8, 0xc3);
	memcpy(u.fp, fpbytes, 8);
	vec = catch_exception(do_stfd, &u, &f);
	SEEN(8);
	report_unaligned(what, vec, &f, (unsigned long)ea, !memcmp(bytes, fpbytes, 8));
#undef SEEN
}

static uint8_t line[256] __attribute__((aligned(128)));

static void unaligned_real_mode(void)
{
	/* At 64 - 3: lwz 3 + 1 bytes, ld/std/lfd/stfd 3 + 5 on either side of the boundary. */
	unaligned_set("across a 64-byte boundary, real mode", line + 64 - 3, line + 64 - 3, line + 64, 3, 0);
}

/* --- across a page boundary, translated: a segment of our own ------------------------ */

#define H_ENTER 0x08
#define VSID 0x999UL
#define ESID 3UL
#define EA_BASE (ESID << 28)
#define SLB_V (1UL << 27)
#define HPTE_V_VALID 1UL
#define HPTE_R_R 0x100UL
#define HPTE_R_C 0x80UL
#define HPTE_R_M 0x10UL
#define HPTE_R_PP_RW 0x2UL
#define DSISR_NOHPTE 0x40000000UL

static unsigned long nr_ptegs;

static bool map_4k(unsigned long ea, unsigned long pa)
{
	unsigned long va = (VSID << 28) | (ea & 0x0fffffff), out[4];
	unsigned long v = ((va >> 23) << 7) | HPTE_V_VALID;
	unsigned long group = ((VSID ^ ((ea & 0x0fffffff) >> 12)) & (nr_ptegs - 1)) * 8;

	return hcall(H_ENTER, out, 0, group, v, pa | HPTE_R_R | HPTE_R_C | HPTE_R_M | HPTE_R_PP_RW, 0, 0) == H_SUCCESS;
}

static uint64_t dsi_value;
static void do_ld_dsi(void *a) { dsi_value = ua_ld(a, MSR_DR); }

static void unaligned_translated(void)
{
	int cpus = fdt_path_offset("/cpus"), cpu;
	const void *p = NULL;
	uint8_t *frames = alloc_pages(1);   /* two 4 KiB frames */
	uint8_t *ea0 = (uint8_t *)(EA_BASE + 0x4000);
	struct fault f;
	int len = 0, vec;

	fdt_for_each_child(cpu, cpus)
		if ((p = fdt_getprop(cpu, "ibm,pft-size", &len)) && len == 8)
			break;
	if (!p || len != 8) {
		report_skip("unaligned across a page: no ibm,pft-size in /cpus (no hashed page table)");
		return;
	}
	nr_ptegs = 1UL << (fdt_cell(p, 1) - 7);
	assert(frames && !((unsigned long)frames & 0xfff));
	/* SLB entry 2: ESID 3, 4 KiB base pages. Page 0 -> the upper frame, page 1 -> the lower one. */
	__asm__ volatile("slbmte %0, %1; isync" :: "r"(VSID << 12), "r"((ESID << 28) | SLB_V | 2) : "memory");
	if (!map_4k((unsigned long)ea0, (unsigned long)frames + 0x1000) ||
	    !map_4k((unsigned long)ea0 + 0x1000, (unsigned long)frames)) {
		report_fail("unaligned across a page: H_ENTER of the two pages failed");
		return;
	}
	/* EA page 0 ends in frame 1's last bytes; page 1 starts at frame 0's first. */
	unaligned_set("across a 4 KiB page boundary, MSR[DR] = 1, frames swapped", ea0 + 0x1000 - 3,
		      frames + 0x2000 - 3, frames, 3, MSR_DR);

	/* Page 2 is not mapped: an ld from page 1's last 4 bytes into it. */
	vec = catch_exception(do_ld_dsi, ea0 + 0x2000 - 4, &f);
	report(vec == DSI && (f.aux & DSISR_NOHPTE),
	       "ld across into an unmapped page: Data Storage interrupt, DSISR bit 33 (vector %#x, DSISR %#lx) [Book III 7.5.3]",
	       vec, f.aux);
	report(vec == DSI && f.addr >= (unsigned long)ea0 + 0x2000 - 4 && f.addr < (unsigned long)ea0 + 0x2000 + 4,
	       "and DAR is the address of a byte of the operand (DAR %#lx, operand at %#lx) [Book III 7.5.3]", f.addr,
	       (unsigned long)ea0 + 0x2000 - 4);
	report_info("DSI of a page-crossing ld: DAR = %s", f.addr == (unsigned long)ea0 + 0x2000 - 4 ? "the operand's start" :
		    f.addr == (unsigned long)ea0 + 0x2000 ? "the first byte in the unmapped page" : "another byte");
}

/* ---------------------------------------------------------------------- SPRs */

/* mtspr then mfspr of one SPR (a constant: the SPR number is in the instruction), the old value put back. */
#define SPR_ROUND_TRIP(num, pattern) ({ unsigned long old_ = mfspr(num), got_; \
	mtspr(num, pattern); got_ = mfspr(num); mtspr(num, old_); got_; })

static void check_round_trip(const char *name, unsigned long got, unsigned long pattern, unsigned long mask)
{
	report((got & mask) == (pattern & mask), "mtspr/mfspr %s: reads back what was written (%#lx, wrote %#lx) [Book III 5.4.4]",
	       name, got, pattern);
}

static void sprs(void)
{
	int cpus = fdt_path_offset("/cpus"), cpu;
	uint32_t version = 0;
	unsigned long pvr = mfspr(SPR_PVR), pir = mfspr(SPR_PIR);
	bool have = false;

	fdt_for_each_child(cpu, cpus)
		if ((have = fdt_getprop_u32(cpu, "cpu-version", &version)))
			break;
	if (have)
		report(pvr == version, "mfspr PVR is /cpus' cpu-version (%#lx, %#x) [Book III 4.3.1, PAPR cpu node]", pvr, version);
	else
		report_skip("PVR: no cpu-version in /cpus");
	report(pir == this_cpu()->hwid, "mfspr PIR is this CPU's server number (%lu, %u) [Book III 4.3.3]", pir,
	       this_cpu()->hwid);

	/* MSR[EE] is 0 here: no interrupt can overwrite SRR0/1, DAR or DSISR in between. */
	check_round_trip("DAR", SPR_ROUND_TRIP(SPR_DAR, 0x123456789abcdef0UL), 0x123456789abcdef0UL, ~0UL);
	check_round_trip("DSISR", SPR_ROUND_TRIP(SPR_DSISR, 0x42000000UL), 0x42000000UL, 0xffffffffUL);
	/* SRR0 holds an instruction address: its low 2 bits aside. */
	check_round_trip("SRR0", SPR_ROUND_TRIP(SPR_SRR0, 0x12345678UL), 0x12345678UL, ~3UL);
	/* SRR1: the MSR bits every implementation has, SF EE PR FP ME IR DR RI LE (Book III 4.2.1). */
	check_round_trip("SRR1", SPR_ROUND_TRIP(SPR_SRR1, 0x800000000000f033UL), 0x800000000000f033UL, 0x800000000000f033UL);
}

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	report_prefix_push("string/multiple");
	if (BUILD_LE)
		strings_little_endian();
	else
		strings_big_endian();
	report_prefix_pop();
	report_prefix_push("unaligned");
	unaligned_real_mode();
	unaligned_translated();
	report_prefix_pop();
	report_prefix_push("sprs");
	sprs();
	report_prefix_pop();
	return report_summary();
}
