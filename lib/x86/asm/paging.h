/*
 * The paging tests' library (docs/x86-paging.md):
 *  - lib/x86/paging-rules.c: the SDM's access-rights and reserved-bit rules as
 *    a table, and pg_expect() which applies them to one case;
 *  - lib/x86/paging-tables.c: a private 4- or 5-level hierarchy with one
 *    target page whose entries the tests rewrite;
 *  - lib/x86/paging-asm.S: CPL3 accesses from a user page, the LA57 switch.
 */
#ifndef HVUT_X86_PAGING_H
#define HVUT_X86_PAGING_H
#include <stdint.h>
#include <stdbool.h>

/* Paging levels as the SDM numbers them: an entry at level 1 maps 4 KiB. */
enum pg_level { PG_PT = 1, PG_PD = 2, PG_PDPT = 3, PG_PML4 = 4, PG_PML5 = 5 };
#define PG_MAX_LEVELS 5

/* Entry bits (SDM vol. 3A 4.5, tables 4-15 to 4-20). */
#define PTE_P (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_US (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PS (1ULL << 7)
#define PTE_PAT4K (1ULL << 7)
#define PTE_G (1ULL << 8)
#define PTE_PAT_LARGE (1ULL << 12)
#define PTE_XD (1ULL << 63)
#define PTE_PKEY_SHIFT 59
#define PTE_PKEY_MASK (0xfULL << PTE_PKEY_SHIFT)

/* Page-fault error code (SDM vol. 3A 4.7, figure 4-12). */
#define PFEC_P (1u << 0)
#define PFEC_W (1u << 1)
#define PFEC_U (1u << 2)
#define PFEC_RSVD (1u << 3)
#define PFEC_I (1u << 4)
#define PFEC_PK (1u << 5)
#define PFEC_SS (1u << 6)

#define X86_CR4_PKS (1UL << 24)
#define MSR_IA32_PKRS 0x6e1

/* How the access is made. Implicit: a descriptor-table access (SDM 4.6.1). */
enum pg_kind {
	PG_READ, PG_WRITE, PG_FETCH, PG_IMPLICIT_READ, PG_IMPLICIT_WRITE,
	PG_SHSTK,                     /* a shadow-stack push (CALL with CET shadow stacks) */
	PG_NR_KINDS
};

struct pg_controls {
	bool wp, smep, smap, ac, nxe, pke, pks;
	uint32_t pkru, pkrs;
};

/* What the CPU offers, for the reserved-bit rules. */
struct pg_cpu {
	unsigned maxphyaddr;
	bool gbpages;
};

/* One combination: the entries on the walk, the controls and the access. */
struct pg_case {
	int levels;                       /* 4 or 5 */
	int leaf;                         /* level of the entry that maps the page */
	uint64_t entry[PG_MAX_LEVELS + 1];/* entry[level], levels..leaf */
	struct pg_controls ctl;
	enum pg_kind kind;
	bool user;                        /* CPL3 */
};

#define PG_MAX_REASONS 4
struct pg_outcome {
	bool fault;
	uint32_t error_code;
	int fault_level;                  /* not-present or reserved: where the walk stopped */
	/* Names of the rules that denied the access, with their SDM section. */
	const char *reasons[PG_MAX_REASONS];
	int nr_reasons;
};

/* Applies the rule table to c. */
void pg_expect(const struct pg_case *c, const struct pg_cpu *cpu, struct pg_outcome *out);
/* Reserved bits of the entry at `level` given its PS bit (SDM 4.5 tables). */
uint64_t pg_reserved_mask(int level, bool ps, const struct pg_controls *ctl, const struct pg_cpu *cpu);
/* The rule table itself, for docs and INFO lines. */
struct pg_rule_doc { const char *name, *section; };
const struct pg_rule_doc *pg_rule_docs(unsigned *n);

const char *pg_level_name(int level);
const char *pg_kind_name(enum pg_kind k);
/* "P=1 RW=0 US=1 XD=0" */
void pg_format_entry(char *buf, unsigned size, uint64_t e);

/* ---- paging-tables.c: the test hierarchy ---- */
struct pg_space {
	int levels;
	uint64_t *root;
	/* The target's walk: table[l] holds entry[l] at index idx[l]. */
	uint64_t *table[PG_MAX_LEVELS + 1];
	unsigned idx[PG_MAX_LEVELS + 1];
	char *page;                       /* the target page (identity-mapped alias) */
	uintptr_t user_code, user_stack_top;
	unsigned long saved_cr3;
};

/* Builds the hierarchy for `levels`-level paging (does not load it). */
void pg_space_init(struct pg_space *s, int levels);
/* The target's linear address when it is mapped by a leaf at `leaf`. */
uintptr_t pg_target_va(const struct pg_space *s, int leaf);
/* Writes the walk's entries from c->entry (levels..leaf; addresses filled in), INVLPG. */
void pg_space_set(struct pg_space *s, const struct pg_case *c);
/* The entry at `level` on the target's walk, as the CPU left it. */
uint64_t pg_space_get(const struct pg_space *s, int level);
/* Load/unload the hierarchy (4-level: CR3; 5-level: leaves and re-enters long mode). */
void pg_space_enter(struct pg_space *s);
void pg_space_leave(struct pg_space *s);

/* An LDT at `base` (a copy of the GDT gets its descriptor); LDTR back to 0. */
void pg_ldt_load(uintptr_t base, unsigned limit);
void pg_ldt_clear(void);

/* The protection key of the hierarchy's own pages (1:1 map, user stub): tests leave it 0 in PKRU/PKRS. */
#define PG_HARNESS_KEY_NR 15
#define PG_HARNESS_KEY ((uint64_t)PG_HARNESS_KEY_NR << PTE_PKEY_SHIFT)

/* The flags of a permissive entry at each level: P, R/W, U/S. */
#define PTE_ALLOW (PTE_P | PTE_RW | PTE_US)
#define PTE_FLAG_MASK (~0x000ffffffffff000ULL)

/* ---- paging-asm.S ---- */
/* CPL3: run the user stub at `code` with stack `rsp`: kind, address, selector. Under catch_exception only. */
void pg_user_access(uintptr_t code, uintptr_t rsp, unsigned kind, uintptr_t addr);
extern char pg_user_stub[], pg_user_stub_end[];
/* Leaves IA-32e mode, sets or clears CR4.LA57, loads cr3, re-enters (SDM 10.8.5 / 4.1.1). */
void pg_switch_la57(unsigned long cr3, unsigned long la57);

/* ---- paging-tlb.c: a PTE repointed from page A to page B (boot hierarchy) ---- */
struct tlb_pages {
	char *a, *b;          /* a[0] = 0xaa, b[0] = 0xbb; the test reads through a's address */
	uint64_t *pte, orig;
};

void tlb_pages_init(struct tlb_pages *t);
void tlb_repoint(struct tlb_pages *t, uint64_t flags);
void tlb_restore(struct tlb_pages *t);
unsigned char tlb_read(const struct tlb_pages *t);
bool tlb_expect_new(const struct tlb_pages *t, const char *what);
void tlb_info_either(const struct tlb_pages *t, const char *what);

/* MOV to CR3 or CR4 (cr) of val, a reserved bit set, #GPs; see paging-tables.c for QEMU's hang. */
void pg_check_cr_reserved(int cr, unsigned long val, const char *what, bool force);

/* Feature helpers. */
unsigned pg_maxphyaddr(void);

#endif
