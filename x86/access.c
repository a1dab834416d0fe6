/*
 * access: the page-walk permission matrix. Every combination of entry bits,
 * controls and access kind is one named assertion; the expected outcome
 * (access, or #PF with its exact error code, and the A/D bits afterwards)
 * comes from the rule table in lib/x86/paging-rules.c, never from this loop.
 *
 * Arguments select what runs (docs/x86-paging.md):
 *   la57         5-level paging (default: 4-level)
 *   4k 2m 1g     leaf sizes (default: all)
 *   perm rsvd pk pks ad ss   parts (default: all of them)
 *   wp0 wp1      perm: only the combinations with CR0.WP=0 (or 1), to split an entry
 *   fep          the perm part's data accesses through KVM's forced-emulation prefix
 *   pte          perm: vary only the leaf entry's bits (the other levels stay permissive)
 *   ctl=N        perm: only control combination N (bit 0 WP, 1 SMEP, 2 SMAP, 3 AC,
 *                4 NXE), repeatable
 *   quiet        a part's checks that hold print one PASS line for the part
 *                (report_quiet_begin); every other line as always. For the kvm
 *                lane, where the console, not the matrix, is what costs
 */
#include "hvut.h"
#include <stdlib.h>
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/paging.h>
#include <asm/processor.h>

#define X86_FEATURE_PKS X86_FEATURE(7, 0, CPUID_ECX, 31)
#define PG_FEP 0x100
#define DATA_OFF 0x40          /* data accesses: target + 0x40; fetches: target + 0 (RET) */
#define LDT_OFF 8              /* the LDT (one entry) at target + 8 */
#define LDT_DATA_DESC 0x00cff2000000ffffULL   /* DPL3 writable data, accessed bit 0 */

/* The access kinds of one combination: privilege and kind. */
struct access_kind {
	bool user;
	enum pg_kind kind;
	const char *name;
};

static const struct access_kind kinds[] = {
	{ false, PG_READ, "CPL0 read" },
	{ false, PG_WRITE, "CPL0 write" },
	{ false, PG_FETCH, "CPL0 fetch" },
	{ true, PG_READ, "CPL3 read" },
	{ true, PG_WRITE, "CPL3 write" },
	{ true, PG_FETCH, "CPL3 fetch" },
	/* Implicit supervisor-mode accesses from CPL3: LAR and a segment load through the LDT. */
	{ true, PG_IMPLICIT_READ, "CPL3 implicit read" },
	{ true, PG_IMPLICIT_WRITE, "CPL3 implicit write" },
};

static struct pg_space space;
static struct pg_cpu cpu;
static bool fep;               /* the fep entry: data accesses through the prefix */
static int only_wp = -1;       /* perm: CR0.WP=0 or 1 only (wp0/wp1), -1 both */
static uint32_t only_ctl = ~0u; /* perm: the control combinations ctl=N names (bit N), default all */
static bool only_pte;          /* perm: the leaf entry's bits only */
static bool quiet;             /* one PASS line per part for the checks that hold */
static bool has_nx, has_smep, has_smap, has_pku, has_pks;

struct request {
	uintptr_t addr;
	unsigned kind;
	bool ac;
};

static void cpl0_access(void *arg)
{
	struct request *r = arg;
	volatile char *p = (volatile char *)r->addr;

	if (r->ac)
		write_rflags(read_rflags() | X86_EFLAGS_AC);
	switch (r->kind) {
	case PG_READ:
		(void)*p;
		break;
	case PG_WRITE:
		*p = 0x5a;
		break;
	case PG_FETCH:
		((void (*)(void))r->addr)();
		break;
	case PG_READ | PG_FEP:
		__asm__ volatile("ud2; .ascii \"kvm\"; movb (%0), %%al" :: "r"(p) : "rax", "memory");
		break;
	case PG_WRITE | PG_FEP:
		__asm__ volatile("ud2; .ascii \"kvm\"; movb $0x5a, (%0)" :: "r"(p) : "memory");
		break;
	}
	write_rflags(read_rflags() & ~X86_EFLAGS_AC);
}

static void cpl3_access(void *arg)
{
	struct request *r = arg;

	pg_user_access(space.user_code, space.user_stack_top, r->kind, r->addr);
}

static void set_controls(const struct pg_controls *ctl)
{
	unsigned long cr0 = read_cr0(), cr4 = read_cr4();
	uint64_t efer = rdmsr(MSR_EFER);

	cr0 = ctl->wp ? cr0 | X86_CR0_WP : cr0 & ~X86_CR0_WP;
	cr4 &= ~(X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_PKE | X86_CR4_PKS);
	cr4 |= (ctl->smep ? X86_CR4_SMEP : 0) | (ctl->smap ? X86_CR4_SMAP : 0) |
	       (ctl->pke ? X86_CR4_PKE : 0) | (ctl->pks ? X86_CR4_PKS : 0);
	efer = ctl->nxe ? efer | EFER_NXE : efer & ~EFER_NXE;
	write_cr0(cr0);
	write_cr4(cr4);
	wrmsr(MSR_EFER, efer);
	if (ctl->pke)
		__asm__ volatile(".byte 0x0f, 0x01, 0xef" :: "a"(ctl->pkru), "c"(0), "d"(0));   /* WRPKRU */
	if (ctl->pks)
		wrmsr(MSR_IA32_PKRS, ctl->pkrs);
}

static void format_code(char *buf, unsigned size, bool fault, uint32_t code)
{
	if (fault)
		snprintf(buf, size, "#PF(%#x)", code);
	else
		snprintf(buf, size, "access");
}

/*
 * The row of lib/x86/deviations.c for VMMs known to get this combination
 * wrong, or NULL. Not a rule: which checks a VMM is known to fail.
 */
static const char *known_deviation(const struct pg_case *c, const struct pg_outcome *exp)
{
	bool user_addr = true, sup = !c->user || c->kind == PG_IMPLICIT_READ || c->kind == PG_IMPLICIT_WRITE;
	bool write = c->kind == PG_WRITE || c->kind == PG_IMPLICIT_WRITE;
	unsigned key = (c->entry[c->leaf] & PTE_PKEY_MASK) >> PTE_PKEY_SHIFT;
	bool ad = c->ctl.pkru >> (2 * key) & 1, wd = c->ctl.pkru >> (2 * key + 1) & 1;

	/*
	 * Through the forced-emulation prefix the walk is KVM's own (its
	 * emulator's), not the silicon's: the kvm/qemu-tcg leak does not apply.
	 */
	if (exp->fault && (exp->error_code & PFEC_RSVD))
		return fep ? NULL : "pf-rsvd-without-p";
	for (int l = c->levels; l >= c->leaf; l--)
		user_addr &= !!(c->entry[l] & PTE_US);
	/*
	 * Bochs checks PKRU without looking at the address's U/S, and AD only
	 * for user-mode accesses: where that differs from the SDM's PK rule.
	 */
	if (c->ctl.pke && c->kind != PG_FETCH) {
		/* An implicit write reads the descriptor first: compare that read too. */
		for (int w = c->kind == PG_IMPLICIT_WRITE ? 0 : write; w <= write; w++) {
			bool sdm_pk = user_addr && (ad || (wd && w && (!sup || c->ctl.wp)));
			bool bochs_pk = (ad && !sup) || (wd && w && (!sup || c->ctl.wp));

			if (sdm_pk != bochs_pk)
				return "pkru-scope";
			if (sdm_pk)
				break;
		}
	}
	/* Bochs 3.0 checks IA32_PKRS on every supervisor data access, whatever the address's U/S. */
	if (c->ctl.pks && c->kind != PG_FETCH && sup) {
		bool sad = c->ctl.pkrs >> (2 * key) & 1, swd = c->ctl.pkrs >> (2 * key + 1) & 1;

		for (int w = c->kind == PG_IMPLICIT_WRITE ? 0 : write; w <= write; w++) {
			bool sdm_pk = !user_addr && (sad || (swd && w && c->ctl.wp));
			bool bochs_pk = sad || (swd && w && c->ctl.wp);

			if (sdm_pk != bochs_pk)
				return "pkrs-scope";
			if (sdm_pk)
				break;
		}
	}
	return NULL;
}

/*
 * Runs one combination and reports it. The name is the caller's prefix plus
 * the access; the message adds the expectation, and on a mismatch what
 * happened and the rules that applied.
 */
static bool run_case(struct pg_case *c, const struct access_kind *k)
{
	uintptr_t va = pg_target_va(&space, c->leaf);
	struct request req = { .kind = k->kind, .ac = c->ctl.ac };
	uint64_t before[PG_MAX_LEVELS + 1], after;
	struct pg_outcome exp;
	struct fault f;
	char want[32], got[48], why[160] = "";
	bool ok, ad_ok = true, write;
	int v;

	c->kind = k->kind;
	c->user = k->user;
	pg_expect(c, &cpu, &exp);
	write = k->kind == PG_WRITE || k->kind == PG_IMPLICIT_WRITE || k->kind == PG_SHSTK;
	/* Bochs 3.0 stops (a panic) when a write allowed by CR0.WP=0 sets D in a read-only leaf. */
	if (write && !c->ctl.wp && !(c->entry[c->leaf] & PTE_RW) && (!k->user || k->kind == PG_IMPLICIT_WRITE) &&
	    (!exp.fault || (exp.error_code & PFEC_PK)) && deviation_applies("wp0-dirty-ro-leaf-panic")) {
		format_code(want, sizeof(want), exp.fault, exp.error_code);
		return report_deviation("wp0-dirty-ro-leaf-panic", false, "%s: %s (not attempted)", k->name, want);
	}
	if (k->kind == PG_FETCH)
		req.addr = va;
	else if (k->kind == PG_IMPLICIT_READ || k->kind == PG_IMPLICIT_WRITE)
		req.addr = va + LDT_OFF;
	else
		req.addr = va + DATA_OFF;
	if (fep)
		req.kind |= PG_FEP;
	/* IRET to CPL3 loads SSP from IA32_PL3_SSP: the push lands on req.addr (SDM 3A 18.2). */
	if (k->kind == PG_SHSTK)
		wrmsr(MSR_IA32_PL3_SSP, req.addr + 8);
	/*
	 * The target page through the 1:1 map: RET, the LDT entry with A=0, data.
	 * Written only when changed: under TCG every store to a page holding
	 * translated code (the RET) discards it, which made 4K fetches 10x slower.
	 */
	if (space.page[0] != (char)0xc3)
		space.page[0] = (char)0xc3;
	if (*(volatile uint64_t *)(space.page + LDT_OFF) != LDT_DATA_DESC)
		*(volatile uint64_t *)(space.page + LDT_OFF) = LDT_DATA_DESC;
	pg_space_set(&space, c);
	for (int l = c->levels; l >= c->leaf; l--)
		before[l] = pg_space_get(&space, l);

	v = k->user ? catch_exception(cpl3_access, &req, &f) : catch_exception(cpl0_access, &req, &f);
	write_rflags(read_rflags() & ~X86_EFLAGS_AC);

	/* CR2: the access's address; the accessed-bit write may address any byte of the descriptor. */
	if (exp.fault)
		ok = v == PF_VECTOR && f.error_code == exp.error_code &&
		     (f.addr == req.addr || (k->kind == PG_IMPLICIT_WRITE && f.addr - req.addr < 8));
	else
		ok = v == NO_EXCEPTION;
	/*
	 * A/D (SDM 3A 4.8): a translation used sets A in every entry of the walk;
	 * a write sets D in the leaf. A fault writes nothing: D stays. A may be
	 * set by a faulting walk, so it is not checked then.
	 */
	after = pg_space_get(&space, c->leaf);
	if (!exp.fault) {
		for (int l = c->levels; l >= c->leaf; l--)
			ad_ok &= !!(pg_space_get(&space, l) & PTE_A);
		ad_ok &= !!(after & PTE_D) == (!!(before[c->leaf] & PTE_D) || write);
	} else {
		ad_ok &= (after & PTE_D) == (before[c->leaf] & PTE_D);
	}
	format_code(want, sizeof(want), exp.fault, exp.error_code);
	if (!ok || !ad_ok) {
		int n;

		if (v == PF_VECTOR)
			snprintf(got, sizeof(got), "#PF(%#lx) CR2=%#lx", f.error_code, f.addr);
		else
			snprintf(got, sizeof(got), "%s", exception_name(v));
		n = snprintf(why, sizeof(why), " (got %s, leaf %#llx->%#llx; rules:", got,
			     (unsigned long long)before[c->leaf], (unsigned long long)after);
		for (int i = 0; i < exp.nr_reasons && n < (int)sizeof(why) - 2; i++)
			n += snprintf(why + n, sizeof(why) - n, " [%s]", exp.reasons[i]);
		snprintf(why + n, sizeof(why) - n, "%s)", ad_ok ? "" : " A/D wrong");
	}
	return report_deviation(known_deviation(c, &exp), ok && ad_ok, "%s: %s%s", k->name, want, why);
}

static void controls_name(char *buf, unsigned size, const struct pg_controls *ctl)
{
	snprintf(buf, size, "WP=%d SMEP=%d SMAP=%d AC=%d NXE=%d", ctl->wp, ctl->smep, ctl->smap, ctl->ac,
		 ctl->nxe);
}

/* The walk's entries, all permissive, the leaf with PS when it maps a large page. */
static void base_case(struct pg_case *c, int levels, int leaf)
{
	memset(c, 0, sizeof(*c));
	c->levels = levels;
	c->leaf = leaf;
	for (int l = levels; l >= leaf; l--)
		c->entry[l] = PTE_ALLOW | (l == leaf && leaf > 1 ? PTE_PS : 0);
}

static const char *leaf_name(int leaf)
{
	return leaf == PG_PT ? "4K" : leaf == PG_PD ? "2M" : "1G";
}

/* FEP: only explicit data accesses go through the prefix. */
static bool kind_runs(const struct access_kind *k)
{
	return !fep || k->kind == PG_READ || k->kind == PG_WRITE;
}

/* perm: P, R/W, U/S, XD of one entry at a time x CR0.WP, SMEP, SMAP, AC, NXE x access. */
static void part_perm(int levels, int leaf)
{
	char name[64];
	bool skipped_smep = false, skipped_smap = false, skipped_nx = false;

	for (unsigned ctlbits = 0; ctlbits < 32; ctlbits++) {
		struct pg_controls ctl = {
			.wp = ctlbits & 1, .smep = ctlbits & 2, .smap = ctlbits & 4, .ac = ctlbits & 8,
			.nxe = ctlbits & 16,
		};

		if ((only_wp >= 0 && ctl.wp != only_wp) || !(only_ctl & (1u << ctlbits)))
			continue;
		if ((ctl.smep && !has_smep) || (ctl.smap && !has_smap) || (ctl.nxe && !has_nx)) {
			if (ctl.smep && !has_smep && !skipped_smep)
				report_skip("perm: SMEP=1 combinations: CPUID.(7,0):EBX[7]=0");
			if (ctl.smap && !has_smap && !skipped_smap)
				report_skip("perm: SMAP=1 combinations: CPUID.(7,0):EBX[20]=0");
			if (ctl.nxe && !has_nx && !skipped_nx)
				report_skip("perm: NXE=1 combinations: CPUID.80000001H:EDX[20]=0");
			skipped_smep |= ctl.smep && !has_smep;
			skipped_smap |= ctl.smap && !has_smap;
			skipped_nx |= ctl.nxe && !has_nx;
			continue;
		}
		set_controls(&ctl);
		controls_name(name, sizeof(name), &ctl);
		report_prefix_push(name);
		for (int level = only_pte ? leaf : levels; level >= leaf; level--) {
			for (unsigned eb = 0; eb < 16; eb++) {
				struct pg_case c;
				char en[48];

				base_case(&c, levels, leaf);
				c.ctl = ctl;
				c.entry[level] &= ~(PTE_P | PTE_RW | PTE_US);
				c.entry[level] |= (eb & 1 ? PTE_P : 0) | (eb & 2 ? PTE_RW : 0) |
						  (eb & 4 ? PTE_US : 0) | (eb & 8 ? PTE_XD : 0);
				pg_format_entry(en, sizeof(en), c.entry[level]);
				report_prefix_pushf("%s %s", pg_level_name(level), en);
				for (unsigned k = 0; k < ARRAY_SIZE(kinds); k++)
					if (kind_runs(&kinds[k]))
						run_case(&c, &kinds[k]);
				report_prefix_pop();
			}
		}
		report_prefix_pop();
	}
}

/*
 * The bits the rsvd part sets one at a time: all but P, R/W, U/S, A, the
 * leaf's D (other parts), XD (perm; reserved only with NXE=0, below), the
 * address bits below MAXPHYADDR, and PS where it changes the walk's shape.
 */
static bool rsvd_candidate(int level, int leaf, int bit)
{
	int addr_lo = level != leaf || leaf == PG_PT ? 12 : leaf == PG_PD ? 21 : 30;

	if (bit < 3 || bit == 5 || (bit == 6 && level == leaf) || bit == 63)
		return false;
	if (bit >= addr_lo && bit < (int)cpu.maxphyaddr)
		return false;
	if (bit == 7 && (level == PG_PD || (level == PG_PDPT && cpu.gbpages)))
		return false;
	return true;
}

/* rsvd: one bit at a time in one entry; the rule table says reserved, ignored or neither. */
static void part_rsvd(int levels, int leaf)
{
	struct pg_controls ctl = { .wp = true, .nxe = has_nx };

	set_controls(&ctl);
	for (int level = levels; level >= leaf; level--) {
		for (int bit = 3; bit < 63; bit++) {
			struct pg_case c;

			if (!rsvd_candidate(level, leaf, bit))
				continue;
			base_case(&c, levels, leaf);
			c.ctl = ctl;
			c.entry[level] |= 1ULL << bit;
			report_prefix_pushf("%s bit %d", pg_level_name(level), bit);
			for (unsigned k = 0; k < ARRAY_SIZE(kinds); k++)
				run_case(&c, &kinds[k]);
			report_prefix_pop();
		}
	}
	/* XD with EFER.NXE=0 is reserved (SDM 3A 4.5); and with P=0 nothing is reserved (4.7). */
	if (has_nx) {
		ctl.nxe = false;
		set_controls(&ctl);
		for (int level = levels; level >= leaf; level--) {
			struct pg_case c;

			base_case(&c, levels, leaf);
			c.ctl = ctl;
			c.entry[level] |= PTE_XD;
			report_prefix_pushf("NXE=0 %s XD", pg_level_name(level));
			for (unsigned k = 0; k < ARRAY_SIZE(kinds); k++)
				run_case(&c, &kinds[k]);
			report_prefix_pop();
		}
		ctl.nxe = true;
		set_controls(&ctl);
	}
	for (int level = levels; level >= leaf; level--) {
		struct pg_case c;

		base_case(&c, levels, leaf);
		c.ctl = ctl;
		c.entry[level] = (c.entry[level] & ~PTE_P) | (cpu.maxphyaddr < 52 ? 1ULL << 51 : 0) |
				 (level >= 4 ? PTE_PS : 0);
		report_prefix_pushf("%s P=0 with reserved bits", pg_level_name(level));
		for (unsigned k = 0; k < ARRAY_SIZE(kinds); k++)
			run_case(&c, &kinds[k]);
		report_prefix_pop();
	}
}

/* ad: A and D as found (0 or 1) in every entry x access: what the walk leaves. */
static void part_ad(int levels, int leaf)
{
	struct pg_controls ctl = { .wp = true, .nxe = has_nx };

	set_controls(&ctl);
	for (unsigned ad = 0; ad < 4; ad++) {
		struct pg_case c;

		base_case(&c, levels, leaf);
		c.ctl = ctl;
		for (int l = levels; l >= leaf; l--)
			c.entry[l] |= (ad & 1 ? PTE_A : 0) | (l == leaf && (ad & 2) ? PTE_D : 0);
		report_prefix_pushf("A=%u leaf D=%u", ad & 1, ad >> 1);
		for (unsigned k = 0; k < ARRAY_SIZE(kinds); k++)
			run_case(&c, &kinds[k]);
		report_prefix_pop();
	}
}

/*
 * pk / pks: the leaf's key x the key's AD/WD (other keys the opposite) x
 * CR4.PKE or PKS x U/S and R/W of the leaf x CR0.WP x access.
 */
static void part_keys(int levels, int leaf, bool supervisor_keys)
{
	static const unsigned keys[] = { 0, 9 };

	for (unsigned on = 0; on < 2; on++) {
		for (unsigned ki = 0; ki < ARRAY_SIZE(keys); ki++) {
			for (unsigned rights = 0; rights < 4; rights++) {
				uint32_t reg = 0;

				/* Every other key gets the opposite rights; the harness's key none. */
				for (unsigned k = 0; k < 16; k++)
					if (k != PG_HARNESS_KEY_NR)
						reg |= (k == keys[ki] ? rights : 3 - rights) << (2 * k);
				for (unsigned bits = 0; bits < 8; bits++) {
					struct pg_case c;

					base_case(&c, levels, leaf);
					c.ctl.nxe = has_nx;
					c.ctl.wp = bits & 4;
					if (supervisor_keys) {
						c.ctl.pks = on;
						c.ctl.pkrs = reg;
					} else {
						c.ctl.pke = on;
						c.ctl.pkru = reg;
					}
					c.entry[leaf] &= ~(PTE_US | PTE_RW);
					c.entry[leaf] |= (bits & 1 ? PTE_US : 0) | (bits & 2 ? PTE_RW : 0) |
							 (uint64_t)keys[ki] << PTE_PKEY_SHIFT;
					set_controls(&c.ctl);
					report_prefix_pushf("%s=%u key %u AD=%u WD=%u US=%d RW=%d WP=%d",
							    supervisor_keys ? "PKS" : "PKE", on, keys[ki], rights & 1,
							    rights >> 1, !!(bits & 1), !!(bits & 2), c.ctl.wp);
					for (unsigned k = 0; k < ARRAY_SIZE(kinds); k++)
						run_case(&c, &kinds[k]);
					report_prefix_pop();
				}
			}
		}
	}
	set_controls(&(struct pg_controls){ .wp = true, .nxe = has_nx });
}

/*
 * ss: CET shadow-stack pages (leaf R/W=0, D=1, R/W=1 above): R/W of each
 * entry x the leaf's R/W, D (and P) x a CPL3 read, write and shadow-stack push. Error-code SS
 * marks faults of shadow-stack accesses (SDM 3A 4.7).
 */
static void part_ss(int levels, int leaf)
{
	static const struct access_kind ss_kinds[] = {
		{ true, PG_READ, "CPL3 read" },
		{ true, PG_WRITE, "CPL3 write" },
		{ true, PG_SHSTK, "CPL3 shadow-stack push" },
	};
	struct pg_controls ctl = { .wp = true, .nxe = has_nx };

	set_controls(&ctl);
	write_cr4(read_cr4() | X86_CR4_CET);
	wrmsr(MSR_IA32_U_CET, 1);         /* SH_STK_EN */
	for (int level = levels; level >= leaf; level--) {
		/* Non-leaf: its R/W x the leaf's R/W and D. Leaf: R/W x D x P. */
		for (unsigned bits = 0; bits < 8; bits++) {
			struct pg_case c;

			base_case(&c, levels, leaf);
			c.ctl = ctl;
			if (!(bits & 1))
				c.entry[level] &= ~PTE_RW;
			if (bits & 2)
				c.entry[leaf] |= PTE_D;
			if (level == leaf && (bits & 4))
				c.entry[leaf] &= ~PTE_P;
			if (level != leaf && !(bits & 4))
				c.entry[leaf] &= ~PTE_RW;
			report_prefix_pushf("%s RW=%d, leaf P=%d RW=%d D=%d", pg_level_name(level), bits & 1,
					    !!(c.entry[leaf] & PTE_P), !!(c.entry[leaf] & PTE_RW), !!(bits & 2));
			for (unsigned k = 0; k < ARRAY_SIZE(ss_kinds); k++)
				run_case(&c, &ss_kinds[k]);
			report_prefix_pop();
		}
	}
	wrmsr(MSR_IA32_U_CET, 0);
	write_cr4(read_cr4() & ~X86_CR4_CET);
}

/* A part under `quiet`: its holding checks become one PASS line named for it. */
static void part_begin(void)
{
	if (quiet)
		report_quiet_begin();
}

static void part_end(const char *part)
{
	if (quiet)
		report_quiet_end("%s", part);
}

static bool arg_given(int argc, char **argv, const char *word)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], word))
			return true;
	return false;
}

static void fep_probe(void *arg)
{
	(void)arg;
	__asm__ volatile("ud2; .ascii \"kvm\"; nop");
}

int main(int argc, char **argv, char **envp)
{
	static const char *const parts[] = { "perm", "rsvd", "pk", "pks", "ad", "ss" };
	static const char *const sizes[] = { "4k", "2m", "1g" };
	bool any_part = false, any_size = false, la57 = arg_given(argc, argv, "la57");
	int levels = la57 ? 5 : 4;
	struct pg_controls boot = { .wp = true };

	(void)envp;
	fep = arg_given(argc, argv, "fep");
	quiet = arg_given(argc, argv, "quiet");
	if (arg_given(argc, argv, "wp0") != arg_given(argc, argv, "wp1"))
		only_wp = arg_given(argc, argv, "wp1");
	only_pte = arg_given(argc, argv, "pte");
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "ctl=", 4))
			continue;
		if (only_ctl == ~0u)
			only_ctl = 0;
		only_ctl |= 1u << (strtoul(argv[i] + 4, NULL, 0) & 31);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(parts); i++)
		any_part |= arg_given(argc, argv, parts[i]);
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++)
		any_size |= arg_given(argc, argv, sizes[i]);
	report_info("running on %s", vmm_description());
	has_nx = this_cpu_has(X86_FEATURE_NX);
	has_smep = this_cpu_has(X86_FEATURE_SMEP);
	has_smap = this_cpu_has(X86_FEATURE_SMAP);
	has_pku = this_cpu_has(X86_FEATURE_PKU);
	has_pks = this_cpu_has(X86_FEATURE_PKS);
	cpu.maxphyaddr = pg_maxphyaddr();
	cpu.gbpages = this_cpu_has(X86_FEATURE_GBPAGES);
	boot.nxe = has_nx;
	{
		unsigned n;
		const struct pg_rule_doc *d = pg_rule_docs(&n);

		for (unsigned i = 0; i < n; i++)
			report_info("rule: %s (%s)", d[i].name, d[i].section);
	}
	report_info("MAXPHYADDR %u, 1G pages %d, NX %d, SMEP %d, SMAP %d, PKU %d, PKS %d", cpu.maxphyaddr,
		    cpu.gbpages, has_nx, has_smep, has_smap, has_pku, has_pks);

	if (fep && catch_exception(fep_probe, NULL, NULL) != NO_EXCEPTION) {
		report_skip("forced emulation: the prefix ud2+\"kvm\" raised #UD (KVM's force_emulation_prefix is off, or not KVM)");
		return report_summary();
	}
	if (la57 && !this_cpu_has(X86_FEATURE_LA57)) {
		report_skip("5-level paging: CPUID.(7,0):ECX[16]=0 (LA57)");
		return report_summary();
	}
	if (read_cr4() & X86_CR4_PCIDE) {
		report_skip("the LA57 switch needs CR4.PCIDE=0");
		return report_summary();
	}
	pg_space_init(&space, levels);
	pg_space_enter(&space);
	report_prefix_pushf("%d-level", levels);
	for (int leaf = PG_PT; leaf <= PG_PDPT; leaf++) {
		if (any_size && !arg_given(argc, argv, sizes[leaf - 1]))
			continue;
		report_prefix_push(leaf_name(leaf));
		if (leaf == PG_PDPT && !cpu.gbpages) {
			report_skip("1-GByte pages: CPUID.80000001H:EDX[26]=0");
			report_prefix_pop();
			continue;
		}
		/* The LDT for the implicit accesses sits in the target page. */
		pg_ldt_load(pg_target_va(&space, leaf) + LDT_OFF, 7);
		if (fep || !any_part || arg_given(argc, argv, "perm")) {
			part_begin();
			part_perm(levels, leaf);
			part_end("perm");
		}
		if (!fep && (!any_part || arg_given(argc, argv, "rsvd"))) {
			part_begin();
			part_rsvd(levels, leaf);
			part_end("rsvd");
		}
		if (!fep && (!any_part || arg_given(argc, argv, "ad"))) {
			part_begin();
			part_ad(levels, leaf);
			part_end("ad");
		}
		if (!fep && (!any_part || arg_given(argc, argv, "pk"))) {
			part_begin();
			if (has_pku)
				part_keys(levels, leaf, false);
			else
				report_skip("pk: protection keys: CPUID.(7,0):ECX[3]=0 (PKU)");
			part_end("pk");
		}
		if (!fep && (!any_part || arg_given(argc, argv, "pks"))) {
			part_begin();
			if (has_pks)
				part_keys(levels, leaf, true);
			else
				report_skip("pks: supervisor protection keys: CPUID.(7,0):ECX[31]=0 (PKS)");
			part_end("pks");
		}
		if (!fep && (!any_part || arg_given(argc, argv, "ss"))) {
			part_begin();
			if (this_cpu_has(X86_FEATURE_SHSTK))
				part_ss(levels, leaf);
			else
				report_skip("ss: CET shadow stacks: CPUID.(7,0):ECX[7]=0 (CET_SS)");
			part_end("ss");
		}
		report_prefix_pop();
	}
	report_prefix_pop();
	set_controls(&boot);
	pg_space_leave(&space);
	return report_summary();
}
