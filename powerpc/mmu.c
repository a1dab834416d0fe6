/*
 * mmu: hashed-page-table translation changes become visible on every CPU.
 * In a PAPR partition the guest changes PTEs through hcalls, and the
 * hypervisor does the tlbie + sync (PAPR/LoPAR "Page Frame Table Access":
 * H_PROTECT, H_REMOVE invalidate the translation on all processors of the
 * partition; Power ISA v3.1 Book III 5.10.1: after tlbie and the sync that
 * orders it, no processor uses the old translation). So: CPU 1 caches a
 * writable translation, CPU 0 protects, removes, re-enters the PTE for
 * another frame; CPU 1's next access must see each change (a store DSIs with
 * DSISR protection, a load DSIs with DSISR "no translation", the remapped
 * page reads the new frame), not its stale TLB entry; the same for
 * H_BULK_REMOVE.
 *
 * Then the guest's own tlbie/tlbiel in this hashed-page-table partition
 * (guest_tlbie()). Which of the allowed outcomes happens cannot be
 * asserted: under HPT a non-hypervisor tlbie is hypervisor privileged
 * (Book III 5.10.1; LPCR[GTSE] opens it to the partition only with radix,
 * powerpc/radix.c), so it goes to the hypervisor, which may reflect it as a
 * program interrupt or perform it; and a PAPR partition cannot tell a
 * performed tlbie from a no-op, since it can never hold a stale translation
 * to invalidate (H_REMOVE/H_PROTECT/H_BULK_REMOVE do their own). What is
 * fixed and asserted: the outcome is one of those two (a program interrupt
 * naming the tlbie/tlbiel/tlbsync at SRR0, with a privileged or illegal
 * reason in SRR1, Book III 7.5.9; or completion), and the PTE is still
 * there afterwards: TLB invalidation never changes the page table (5.10.1),
 * so the next access translates again. The outcome is printed (QEMU 7.2
 * and 10.0 TCG: tlbie a privileged-instruction program interrupt, tlbiel
 * completes). Whether the platform offers radix is printed (powerpc/radix.c
 * uses it); TM SKIPs where ibm,pa-features has no TM (cap-htm off).
 */
#include "hvut.h"
#include "alloc.h"
#include "devicetree.h"
#include <asm/hcall.h>
#include <asm/processor.h>

#define H_REMOVE 0x04
#define H_ENTER 0x08
#define H_PROTECT 0x18
#define H_BULK_REMOVE 0x124
#define BULK_REQUEST (1UL << 62)     /* translation specifier: type 01 = request */
#define BULK_END (3UL << 62)
#define BULK_CODE(x) (((x) >> 60) & 3)   /* response: 0 success */
#define H_REGISTER_PROC_TBL 0x37c
#define H_PP1 (1UL << (63 - 62))
#define H_PP2 (1UL << (63 - 63))

#define VSID 0xabcUL
#define ESID 5UL
#define EA ((ESID << 28) + 0x7000)
#define SLB_V (1UL << 27)
#define SLB_INDEX 3
#define HPTE_V_VALID 1UL
#define HPTE_R_R 0x100UL
#define HPTE_R_C 0x80UL
#define HPTE_R_M 0x10UL
#define HPTE_R_PP_RW 0x2UL
#define DSI 0x300
#define DSISR_NOHPTE 0x40000000UL
#define DSISR_PROTFAULT 0x08000000UL
#define DSISR_STORE 0x02000000UL

static unsigned long nr_ptegs, slot;

static unsigned long hpte_v(void)
{
	unsigned long va = (VSID << 28) | (EA & 0x0fffffff);

	return ((va >> 23) << 7) | HPTE_V_VALID;   /* AVA, 256 MiB segment */
}

static long enter(void *frame)
{
	unsigned long out[6], group = ((VSID ^ ((EA & 0x0fffffff) >> 12)) & (nr_ptegs - 1)) * 8;
	long rc = hcall(H_ENTER, out, 0, group, hpte_v(),
			(unsigned long)frame | HPTE_R_R | HPTE_R_C | HPTE_R_M | HPTE_R_PP_RW, 0, 0);

	slot = out[0];
	return rc;
}

/* The segment is per CPU (the SLB): each CPU installs the same entry. */
static void install_slb(void *a)
{
	(void)a;
	__asm__ volatile("slbmte %0, %1; isync" :: "r"(VSID << 12), "r"((ESID << 28) | SLB_V | SLB_INDEX) : "memory");
}

/* One translated access on the CPU that runs it, caught. */
struct access {
	bool store;
	unsigned long value;
	int vec;
	struct fault f;
};

static void dr_access(void *arg)
{
	struct access *a = arg;
	unsigned long msr = mfmsr(), v;

	if (a->store) {
		__asm__ volatile("mtmsrd %1\n\tstd %2, 0(%0)\n\tmtmsrd %3" :: "b"(EA), "r"(msr | MSR_DR), "r"(a->value),
				 "r"(msr) : "memory");
	} else {
		__asm__ volatile("mtmsrd %2\n\tld %0, 0(%1)\n\tmtmsrd %3" : "=&r"(v) : "b"(EA), "r"(msr | MSR_DR), "r"(msr)
				 : "memory");
		a->value = v;
	}
}

static void access_caught(void *arg)
{
	struct access *a = arg;

	a->vec = catch_exception(dr_access, a, &a->f);
}

/* An access on CPU 1, fully done (on_cpu waits) before CPU 0 goes on. */
static struct access on_cpu1(bool store, unsigned long value)
{
	struct access a = { .store = store, .value = value };

	on_cpu(1, access_caught, &a);
	return a;
}

static const char *outcome(int vec)
{
	return vec == NO_EXCEPTION ? "no interrupt" : exception_name(vec);
}

static void visibility(void)
{
	volatile unsigned long *frame_a = alloc_page(), *frame_b = alloc_page();
	unsigned long out[6];
	struct access a;
	long rc;

	assert(frame_a && frame_b);
	frame_a[0] = 0xaaaa0000aaaa0000UL;
	frame_b[0] = 0xbbbb0000bbbb0000UL;
	on_cpus(install_slb, NULL);
	rc = enter((void *)frame_a);
	if (rc != H_SUCCESS) {
		report_fail("H_ENTER of the test page: %ld", rc);
		return;
	}

	/* CPU 1 loads and stores through the mapping: its TLB now holds a writable translation. */
	a = on_cpu1(false, 0);
	report(a.vec == NO_EXCEPTION && a.value == frame_a[0], "CPU 1 reads the page through the new PTE (%#lx, %s)",
	       a.value, outcome(a.vec));
	a = on_cpu1(true, 0x1111UL);
	report(a.vec == NO_EXCEPTION && frame_a[0] == 0x1111UL, "CPU 1 writes it (%#lx, %s)", frame_a[0], outcome(a.vec));

	/* H_PROTECT to PP 0b11 (read-only) on CPU 0: CPU 1's writable entry must be gone. */
	rc = hcall(H_PROTECT, out, H_PP1 | H_PP2, slot, 0, 0, 0, 0);
	a = on_cpu1(true, 0x2222UL);
	report(rc == H_SUCCESS && a.vec == DSI && (a.f.aux & DSISR_PROTFAULT) && (a.f.aux & DSISR_STORE) && frame_a[0] == 0x1111UL,
	       "after CPU 0's H_PROTECT (read-only), CPU 1's store is a DSI with DSISR protection + store, memory unchanged "
	       "(rc %ld, %s, DSISR %#lx, %#lx) [PAPR H_PROTECT; Book III 5.10.1, 7.5.3]", rc, outcome(a.vec), a.f.aux, frame_a[0]);
	a = on_cpu1(false, 0);
	report(a.vec == NO_EXCEPTION && a.value == 0x1111UL, "and its load still works (%#lx, %s)", a.value, outcome(a.vec));

	/* H_REMOVE on CPU 0: CPU 1's read-only entry must be gone too. */
	rc = hcall(H_REMOVE, out, 0, slot, 0, 0, 0, 0);
	a = on_cpu1(false, 0);
	report(rc == H_SUCCESS && a.vec == DSI && (a.f.aux & DSISR_NOHPTE),
	       "after CPU 0's H_REMOVE, CPU 1's load is a DSI with DSISR bit 33 (rc %ld, %s, DSISR %#lx) "
	       "[PAPR H_REMOVE; Book III 5.10.1, 7.5.3]", rc, outcome(a.vec), a.f.aux);

	/* Map again, prime CPU 1, then remap the same EA to frame B: CPU 1 must read B. */
	rc = enter((void *)frame_a);
	a = on_cpu1(false, 0);
	report(rc == H_SUCCESS && a.vec == NO_EXCEPTION && a.value == 0x1111UL, "re-entered: CPU 1 reads frame A again (%#lx)",
	       a.value);
	hcall(H_REMOVE, out, 0, slot, 0, 0, 0, 0);
	rc = enter((void *)frame_b);
	a = on_cpu1(false, 0);
	report(rc == H_SUCCESS && a.vec == NO_EXCEPTION && a.value == frame_b[0],
	       "the EA re-entered for frame B: CPU 1 reads frame B, not its stale frame A (%#lx, B %#lx) [Book III 5.10.1]",
	       a.value, frame_b[0]);

	/* H_BULK_REMOVE on CPU 0 (one request, no AVPN check): CPU 1's entry for frame B must be gone. */
	{
		unsigned long req[8] = { BULK_REQUEST | slot, 0, BULK_END, 0, 0, 0, 0, 0 };

		rc = hcall8(H_BULK_REMOVE, req);
		a = on_cpu1(false, 0);
		report(rc == H_SUCCESS && BULK_CODE(req[0]) == 0 && a.vec == DSI && (a.f.aux & DSISR_NOHPTE),
		       "after CPU 0's H_BULK_REMOVE, CPU 1's load is a DSI with DSISR bit 33 (rc %ld, response %#lx, %s, "
		       "DSISR %#lx) [PAPR H_BULK_REMOVE; Book III 5.10.1, 7.5.3]", rc, req[0], outcome(a.vec), a.f.aux);
	}
}

/* --- what the partition may not do itself ---------------------------------------- */

static void do_tlbie(void *a)
{
	(void)a;
	/* tlbie RB=EA's VPN (4 KiB, L = 0), RS = 0: IS = 0, one entry. */
	__asm__ volatile("ptesync\n\ttlbie %0, %1\n\teieio\n\ttlbsync\n\tptesync" :: "r"(EA & ~0xfffUL), "r"(0UL) : "memory");
}

static void do_tlbiel(void *a)
{
	(void)a;
	__asm__ volatile("ptesync\n\ttlbiel %0\n\tptesync" :: "r"(EA & ~0xfffUL) : "memory");
}

/* X-form extended opcodes (primary 31) of the TLB management instructions. */
#define XO_TLBIEL 274
#define XO_TLBIE 306
#define XO_TLBSYNC 566

static bool is_xform(unsigned long pc, unsigned xo)
{
	uint32_t insn = *(const uint32_t *)pc;

	return (insn >> 26) == 31 && ((insn >> 1) & 0x3ff) == xo;
}

static void guest_tlbie(void)
{
	static const struct { const char *name; test_fn fn; unsigned xo, xo2; } t[] = {
		{ "tlbie", do_tlbie, XO_TLBIE, XO_TLBSYNC }, { "tlbiel", do_tlbiel, XO_TLBIEL, XO_TLBIEL },
	};
	volatile unsigned long *frame = alloc_page();
	unsigned long out[6];
	struct access a = { 0 };
	struct fault f;

	assert(frame);
	frame[0] = 0xcccc0000cccc0000UL;
	/* Mapped on this CPU (CPU 0's SLB entry is visibility()'s) and used: its TLB may hold the translation. */
	if (enter((void *)frame) != H_SUCCESS) {
		report_fail("H_ENTER of the page for the tlbie checks");
		return;
	}
	access_caught(&a);
	for (unsigned i = 0; i < ARRAY_SIZE(t); i++) {
		int vec = catch_exception(t[i].fn, NULL, &f);
		bool reflected = vec == 0x700 && (is_xform(f.pc, t[i].xo) || is_xform(f.pc, t[i].xo2)) &&
				 (f.error_code & (SRR1_PROGRAM_PRIV | SRR1_PROGRAM_ILLEGAL));

		report(vec == NO_EXCEPTION || reflected,
		       "%s: completed, or a program interrupt at it (privileged/illegal) [Book III 5.10.1, 7.5.9]: %s "
		       "(SRR0 %#lx, SRR1 %#lx)", t[i].name, outcome(vec), vec == NO_EXCEPTION ? 0 : f.pc,
		       vec == NO_EXCEPTION ? 0 : f.error_code);
		a = (struct access){ 0 };
		access_caught(&a);
		report(a.vec == NO_EXCEPTION && a.value == frame[0],
		       "after %s the PTE still translates (%#lx, %s) [Book III 5.10.1: TLB invalidation leaves the page "
		       "table alone]", t[i].name, a.value, outcome(a.vec));
	}
	hcall(H_REMOVE, out, 0, slot, 0, 0, 0, 0);
}

static void radix_and_tm(void)
{
	int chosen = fdt_path_offset("/chosen");
	int len = 0;
	const uint8_t *v5 = chosen >= 0 ? fdt_getprop(chosen, "ibm,arch-vec-5-platform-support", &len) : NULL;
	bool radix_offered = false;

	/* Pairs (byte index, value); byte 24 is the MMU choice: bits 0x40 radix, 0x80 HPT (PAPR/LoPAR B.5.2.3). */
	for (int i = 0; v5 && i + 1 < len; i += 2)
		if (v5[i] == 24 && (v5[i + 1] & 0x40))
			radix_offered = true;
	report_info("radix: %s", radix_offered ? "the platform offers it (ibm,arch-vec-5-platform-support byte 24)" :
		    "not offered in /chosen");
	/* powerpc/radix.c negotiates and registers radix; this partition stays HPT. */

	/* TM: ibm,pa-features byte 22 bit 0 (attribute 0x80). */
	{
		int cpus = fdt_path_offset("/cpus"), cpu;
		const uint8_t *pa = NULL;
		int plen = 0;
		bool tm = false;

		fdt_for_each_child(cpu, cpus)
			if ((pa = fdt_getprop(cpu, "ibm,pa-features", &plen)))
				break;
		/* The property starts with its length and a type byte: byte n of the attributes is pa[2 + n]. */
		if (pa && plen > 2 + 22)
			tm = pa[2 + 22] & 0x80;
		if (!tm)
			report_skip("TM: ibm,pa-features byte 22 bit 0 = 0 (QEMU's cap-htm is off: TCG cannot provide it)");
		else
			report_skip("TM: offered by the platform; no TM checks written yet");
	}
}

int main(int argc, char **argv, char **envp)
{
	int cpus = fdt_path_offset("/cpus"), cpu;
	const void *p = NULL;
	int len = 0;

	(void)argc, (void)argv, (void)envp;
	fdt_for_each_child(cpu, cpus)
		if ((p = fdt_getprop(cpu, "ibm,pft-size", &len)) && len == 8)
			break;
	if (!p || len != 8) {
		report_skip("hashed page table: no ibm,pft-size in /cpus (radix-only guest)");
	} else if (nr_cpus() < 2) {
		report_skip("visibility across CPUs: needs 2 CPUs (smp = 2)");
	} else {
		nr_ptegs = 1UL << (fdt_cell(p, 1) - 7);
		report_prefix_push("visibility");
		visibility();
		report_prefix_pop();
	}
	report_prefix_push("partition");
	if (nr_ptegs)
		guest_tlbie();
	else
		report_skip("guest tlbie/tlbiel: needs the hashed page table visibility() set up (HPT, 2 CPUs)");
	radix_and_tm();
	report_prefix_pop();
	return report_summary();
}
