/*
 * The SDM's paging rules as data (Intel SDM vol. 3A chapter 4, "Paging").
 * Nothing here touches the CPU: pg_expect() computes, for one combination of
 * entries, controls and access, whether the access faults and with which
 * error code. The tests (x86/access*.c) apply it to every combination and
 * compare with what the CPU does; docs/x86-paging.md lists the rules.
 */
#include "hvut.h"
#include <asm/paging.h>

/* Facts about one case that the rules read. */
struct pg_facts {
	const struct pg_case *c;
	bool user_addr;       /* U/S=1 in every entry: a user-mode address (4.6.1) */
	bool writable;        /* R/W=1 in every entry */
	bool xd;              /* XD=1 in some entry */
	bool sup;             /* a supervisor-mode access: CPL<3 or implicit (4.6.1) */
	bool implicit, data, write, fetch;
	bool shstk;           /* a shadow-stack access (CET) */
	bool ss_page;         /* leaf R/W=0 D=1, R/W=1 in every other entry: a shadow-stack page (4.6.1) */
	unsigned key;         /* bits 62:59 of the leaf (4.6.2) */
};

static bool key_ad(uint32_t reg, unsigned key) { return reg >> (2 * key) & 1; }
static bool key_wd(uint32_t reg, unsigned key) { return reg >> (2 * key + 1) & 1; }

/* ---- access-rights rules: each denies the access when its predicate holds ---- */

static bool user_to_supervisor(const struct pg_facts *f) { return !f->sup && !f->user_addr; }
static bool user_write_ro(const struct pg_facts *f) { return !f->sup && f->write && !f->writable && !f->shstk; }
static bool shstk_not_ss_page(const struct pg_facts *f) { return f->shstk && !f->ss_page; }
static bool sup_write_ro_wp(const struct pg_facts *f)
{
	return f->sup && f->write && !f->writable && f->c->ctl.wp;
}
static bool smap(const struct pg_facts *f)
{
	return f->sup && f->data && f->user_addr && f->c->ctl.smap && (f->implicit || !f->c->ctl.ac);
}
static bool smep(const struct pg_facts *f) { return f->fetch && f->sup && f->user_addr && f->c->ctl.smep; }
static bool fetch_xd(const struct pg_facts *f) { return f->fetch && f->c->ctl.nxe && f->xd; }
static bool pk_ad(const struct pg_facts *f)
{
	return f->c->ctl.pke && f->data && f->user_addr && key_ad(f->c->ctl.pkru, f->key);
}
/* WD stops supervisor writes only with CR0.WP=1, user writes always (4.6.2, 4.7 PK flag). */
static bool pk_wd(const struct pg_facts *f)
{
	return f->c->ctl.pke && f->write && f->user_addr && key_wd(f->c->ctl.pkru, f->key) &&
	       (f->c->ctl.wp || !f->sup);
}
/*
 * IA32_PKRS: 4.6.1 names the key of a supervisor-mode address only among the
 * rights of supervisor-mode accesses; a user-mode access to such an address
 * is denied by U/S alone (no PK bit).
 */
static bool pks_ad(const struct pg_facts *f)
{
	return f->c->ctl.pks && f->data && f->sup && !f->user_addr && key_ad(f->c->ctl.pkrs, f->key);
}
static bool pks_wd(const struct pg_facts *f)
{
	return f->c->ctl.pks && f->write && f->sup && !f->user_addr && key_wd(f->c->ctl.pkrs, f->key) &&
	       f->c->ctl.wp;
}

struct pg_rule {
	const char *name;
	const char *section;
	bool (*denies)(const struct pg_facts *f);
	bool pk;              /* sets the PK bit of the error code (4.7) */
};

static const struct pg_rule rights_rules[] = {
	{ "user-mode access to a supervisor-mode address", "SDM 3A 4.6.1", user_to_supervisor, false },
	{ "user-mode write with R/W=0 in some entry", "SDM 3A 4.6.1", user_write_ro, false },
	{ "shadow-stack access to a page that is not a shadow-stack page", "SDM 3A 4.6.1 (CET)", shstk_not_ss_page, false },
	{ "supervisor write with R/W=0 in some entry and CR0.WP=1", "SDM 3A 4.6.1", sup_write_ro_wp, false },
	{ "SMAP: supervisor data access to a user-mode address, EFLAGS.AC=0 or implicit", "SDM 3A 4.6.1", smap, false },
	{ "SMEP: supervisor fetch from a user-mode address", "SDM 3A 4.6.1", smep, false },
	{ "fetch with XD=1 in some entry and EFER.NXE=1", "SDM 3A 4.6.1", fetch_xd, false },
	{ "PKRU.AD of the key: data access to a user-mode address", "SDM 3A 4.6.2", pk_ad, true },
	{ "PKRU.WD of the key: write to a user-mode address (supervisor: CR0.WP=1)", "SDM 3A 4.6.2", pk_wd, true },
	{ "IA32_PKRS.AD of the key: supervisor data access to a supervisor-mode address", "SDM 3A 4.6.1, 4.6.2", pks_ad, true },
	{ "IA32_PKRS.WD of the key: supervisor write to a supervisor-mode address, CR0.WP=1", "SDM 3A 4.6.1, 4.6.2", pks_wd, true },
};

/* ---- walk rules: an entry stops the walk (4.4.2, 4.5) ---- */

static uint64_t bits(unsigned lo, unsigned hi) { return (~0ULL >> (63 - hi)) & ~((1ULL << lo) - 1); }

struct pg_rsvd_rule {
	const char *name;
	const char *section;
	int min_level, max_level;  /* levels the row applies to */
	int ps;                    /* -1: either; else the entry's PS bit */
	uint64_t (*mask)(const struct pg_controls *ctl, const struct pg_cpu *cpu);
};

static uint64_t phys_above_maxphyaddr(const struct pg_controls *ctl, const struct pg_cpu *cpu)
{
	(void)ctl;
	return cpu->maxphyaddr < 52 ? bits(cpu->maxphyaddr, 51) : 0;
}
static uint64_t ps_bit(const struct pg_controls *ctl, const struct pg_cpu *cpu) { (void)ctl, (void)cpu; return PTE_PS; }
static uint64_t ps_without_1g(const struct pg_controls *ctl, const struct pg_cpu *cpu)
{
	(void)ctl;
	return cpu->gbpages ? 0 : PTE_PS;
}
static uint64_t low_1g(const struct pg_controls *ctl, const struct pg_cpu *cpu) { (void)ctl, (void)cpu; return bits(13, 29); }
static uint64_t low_2m(const struct pg_controls *ctl, const struct pg_cpu *cpu) { (void)ctl, (void)cpu; return bits(13, 20); }
static uint64_t xd_without_nxe(const struct pg_controls *ctl, const struct pg_cpu *cpu)
{
	(void)cpu;
	return ctl->nxe ? 0 : PTE_XD;
}

static const struct pg_rsvd_rule rsvd_rules[] = {
	{ "address bits MAXPHYADDR..51", "SDM 3A 4.5 (tables 4-15..4-20)", 1, 5, -1, phys_above_maxphyaddr },
	{ "PS (bit 7) of a PML5E/PML4E", "SDM 3A 4.5 (tables 4-14, 4-15)", 4, 5, -1, ps_bit },
	{ "PS=1 in a PDPTE without 1-GByte pages", "SDM 3A 4.5 (table 4-16), CPUID.80000001H:EDX[26]", 3, 3, 1, ps_without_1g },
	{ "bits 29:13 of a 1-GByte PDPTE", "SDM 3A 4.5 (table 4-16)", 3, 3, 1, low_1g },
	{ "bits 20:13 of a 2-MByte PDE", "SDM 3A 4.5 (table 4-18)", 2, 2, 1, low_2m },
	{ "XD (bit 63) with EFER.NXE=0", "SDM 3A 4.5: XD is reserved if IA32_EFER.NXE=0", 1, 5, -1, xd_without_nxe },
};

uint64_t pg_reserved_mask(int level, bool ps, const struct pg_controls *ctl, const struct pg_cpu *cpu)
{
	uint64_t m = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(rsvd_rules); i++) {
		const struct pg_rsvd_rule *r = &rsvd_rules[i];

		if (level < r->min_level || level > r->max_level || (r->ps >= 0 && r->ps != ps))
			continue;
		m |= r->mask(ctl, cpu);
	}
	return m;
}

static const char *rsvd_reason(int level, uint64_t e, const struct pg_controls *ctl, const struct pg_cpu *cpu)
{
	bool ps = e & PTE_PS;

	for (unsigned i = 0; i < ARRAY_SIZE(rsvd_rules); i++) {
		const struct pg_rsvd_rule *r = &rsvd_rules[i];

		if (level >= r->min_level && level <= r->max_level && (r->ps < 0 || r->ps == ps) &&
		    (e & r->mask(ctl, cpu)))
			return r->name;
	}
	return "reserved bit";
}

static void add_reason(struct pg_outcome *out, const char *why)
{
	if (out->nr_reasons < PG_MAX_REASONS)
		out->reasons[out->nr_reasons++] = why;
}

void pg_expect(const struct pg_case *c, const struct pg_cpu *cpu, struct pg_outcome *out)
{
	struct pg_facts f = { .c = c, .user_addr = true, .writable = true };
	/* Error-code bits that describe the access, not the cause (4.7). */
	uint32_t access_bits;
	int level, leaf = 1;

	memset(out, 0, sizeof(*out));
	/*
	 * A segment load reads the descriptor before it sets the accessed bit
	 * (SDM 3A 3.4.3, 5.5): a fault of that read is the outcome.
	 */
	if (c->kind == PG_IMPLICIT_WRITE) {
		struct pg_case rd = *c;

		rd.kind = PG_IMPLICIT_READ;
		pg_expect(&rd, cpu, out);
		if (out->fault)
			return;
		memset(out, 0, sizeof(*out));
	}
	f.implicit = c->kind == PG_IMPLICIT_READ || c->kind == PG_IMPLICIT_WRITE;
	f.shstk = c->kind == PG_SHSTK;
	f.write = c->kind == PG_WRITE || c->kind == PG_IMPLICIT_WRITE || f.shstk;
	f.fetch = c->kind == PG_FETCH;
	f.data = !f.fetch;
	f.sup = !c->user || f.implicit;
	access_bits = (f.write ? PFEC_W : 0) | (f.sup ? 0 : PFEC_U) |
		      (f.fetch && (c->ctl.nxe || c->ctl.smep) ? PFEC_I : 0) | (f.shstk ? PFEC_SS : 0);

	/* The walk, from the root: P=0 or a reserved bit ends it (4.4.2, 4.7). */
	for (level = c->levels; level >= 1; level--) {
		uint64_t e = c->entry[level];
		bool ps = (level == 2 || level == 3) && (e & PTE_PS);

		if (!(e & PTE_P)) {
			out->fault = true;
			out->error_code = access_bits;
			out->fault_level = level;
			add_reason(out, "P=0 (SDM 3A 4.7: P flag 0, no translation)");
			return;
		}
		if (e & pg_reserved_mask(level, ps, &c->ctl, cpu)) {
			out->fault = true;
			out->error_code = access_bits | PFEC_P | PFEC_RSVD;
			out->fault_level = level;
			add_reason(out, rsvd_reason(level, e, &c->ctl, cpu));
			return;
		}
		f.user_addr &= !!(e & PTE_US);
		f.writable &= !!(e & PTE_RW);
		f.xd |= !!(e & PTE_XD);
		if (ps || level == 1) {
			leaf = level;
			break;
		}
	}
	f.key = (c->entry[leaf] & PTE_PKEY_MASK) >> PTE_PKEY_SHIFT;
	f.ss_page = !(c->entry[leaf] & PTE_RW) && (c->entry[leaf] & PTE_D);
	for (int l = c->levels; l > leaf; l--)
		f.ss_page &= !!(c->entry[l] & PTE_RW);

	/* A translation exists: its access rights (4.6). */
	for (unsigned i = 0; i < ARRAY_SIZE(rights_rules); i++) {
		if (!rights_rules[i].denies(&f))
			continue;
		out->fault = true;
		if (rights_rules[i].pk)
			out->error_code |= PFEC_PK;
		add_reason(out, rights_rules[i].name);
	}
	if (out->fault)
		out->error_code |= access_bits | PFEC_P;
	out->fault_level = leaf;
}

const struct pg_rule_doc *pg_rule_docs(unsigned *n)
{
	static struct pg_rule_doc docs[ARRAY_SIZE(rights_rules) + ARRAY_SIZE(rsvd_rules)];

	*n = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(rights_rules); i++)
		docs[(*n)++] = (struct pg_rule_doc){ rights_rules[i].name, rights_rules[i].section };
	for (unsigned i = 0; i < ARRAY_SIZE(rsvd_rules); i++)
		docs[(*n)++] = (struct pg_rule_doc){ rsvd_rules[i].name, rsvd_rules[i].section };
	return docs;
}

const char *pg_level_name(int level)
{
	static const char *const names[] = { "?", "PTE", "PDE", "PDPTE", "PML4E", "PML5E" };

	return level >= 1 && level <= 5 ? names[level] : "?";
}

const char *pg_kind_name(enum pg_kind k)
{
	static const char *const names[] = { "read", "write", "fetch", "implicit read", "implicit write",
					     "shadow-stack push" };

	return k < PG_NR_KINDS ? names[k] : "?";
}

void pg_format_entry(char *buf, unsigned size, uint64_t e)
{
	snprintf(buf, size, "P=%d RW=%d US=%d XD=%d", !!(e & PTE_P), !!(e & PTE_RW), !!(e & PTE_US),
		 !!(e & PTE_XD));
}
