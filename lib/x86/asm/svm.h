/*
 * AMD SVM for an L1 hypervisor: the VMCB, intercepts, exit codes, permission
 * maps and nested page tables (AMD APM vol. 2, ch. 15 and appendix B).
 */
#ifndef HVUT_X86_SVM_H
#define HVUT_X86_SVM_H
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define MSR_VM_CR 0xc0010114
#define MSR_VM_HSAVE_PA 0xc0010117

/* CPUID 0x8000000A EDX: SVM feature identification (APM vol. 3, E.4.10). */
#define SVM_FEAT_NPT (1U << 0)
#define SVM_FEAT_LBRV (1U << 1)
#define SVM_FEAT_SVML (1U << 2)
#define SVM_FEAT_NRIPS (1U << 3)
#define SVM_FEAT_TSC_RATE (1U << 4)
#define SVM_FEAT_FLUSH_BY_ASID (1U << 6)
#define SVM_FEAT_PAUSE_FILTER (1U << 10)
#define SVM_FEAT_AVIC (1U << 13)
#define SVM_FEAT_VGIF (1U << 16)
#define SVM_FEAT_GMET (1U << 17)
#define SVM_FEAT_VNMI (1U << 25)

/* VMCB segment: selector, 12-bit compressed attributes, limit, base (APM B.2). */
struct vmcb_seg {
	uint16_t sel;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
} __attribute__((packed));

/* Control area, offsets 0x000-0x3FF (APM table B-1). */
struct vmcb_control {
	uint32_t intercept_cr;        /* 0x000: 15:0 reads, 31:16 writes */
	uint32_t intercept_dr;        /* 0x004 */
	uint32_t intercept_exceptions; /* 0x008: one bit per vector */
	uint32_t intercept_misc1;     /* 0x00C: SVM_INTERCEPT_* below */
	uint32_t intercept_misc2;     /* 0x010: SVM_INTERCEPT2_* below */
	uint32_t intercept_misc3;     /* 0x014 */
	uint8_t reserved_018[0x03c - 0x018];
	uint16_t pause_filter_thresh; /* 0x03C */
	uint16_t pause_filter_count;  /* 0x03E */
	uint64_t iopm_base_pa;        /* 0x040 */
	uint64_t msrpm_base_pa;       /* 0x048 */
	uint64_t tsc_offset;          /* 0x050 */
	uint32_t asid;                /* 0x058 */
	uint8_t tlb_control;          /* 0x05C */
	uint8_t reserved_05d[3];
	uint64_t int_ctl;             /* 0x060: V_TPR, V_IRQ, V_INTR_PRIO, V_INTR_MASKING... */
	uint64_t int_state;           /* 0x068: bit 0 interrupt shadow */
	uint64_t exit_code;           /* 0x070 */
	uint64_t exit_info_1;         /* 0x078 */
	uint64_t exit_info_2;         /* 0x080 */
	uint64_t exit_int_info;       /* 0x088 */
	uint64_t np_enable;           /* 0x090: bit 0 NP_ENABLE */
	uint64_t avic_apic_bar;       /* 0x098 */
	uint64_t ghcb_pa;             /* 0x0A0 */
	uint64_t event_inj;           /* 0x0A8 */
	uint64_t n_cr3;               /* 0x0B0 */
	uint64_t virt_ext;            /* 0x0B8: LBR virtualization, virtual VMLOAD/VMSAVE */
	uint32_t clean;               /* 0x0C0: VMCB clean bits */
	uint32_t reserved_0c4;
	uint64_t next_rip;            /* 0x0C8: nRIP, with NRIPS */
	uint8_t insn_len;             /* 0x0D0 */
	uint8_t insn_bytes[15];       /* 0x0D1 */
	uint8_t reserved_0e0[0x400 - 0x0e0];
} __attribute__((packed));

/* State save area, offsets 0x400-0xFFF (APM table B-2, offsets from 0x400). */
struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs; /* 0x000-0x05F */
	struct vmcb_seg gdtr, ldtr, idtr, tr;   /* 0x060-0x09F */
	uint8_t reserved_0a0[0x0cb - 0x0a0];
	uint8_t cpl;                  /* 0x0CB */
	uint32_t reserved_0cc;
	uint64_t efer;                /* 0x0D0 */
	uint8_t reserved_0d8[0x148 - 0x0d8];
	uint64_t cr4;                 /* 0x148 */
	uint64_t cr3;                 /* 0x150 */
	uint64_t cr0;                 /* 0x158 */
	uint64_t dr7;                 /* 0x160 */
	uint64_t dr6;                 /* 0x168 */
	uint64_t rflags;              /* 0x170 */
	uint64_t rip;                 /* 0x178 */
	uint8_t reserved_180[0x1d8 - 0x180];
	uint64_t rsp;                 /* 0x1D8 */
	uint64_t s_cet;               /* 0x1E0 */
	uint64_t ssp;                 /* 0x1E8 */
	uint64_t isst_addr;           /* 0x1F0 */
	uint64_t rax;                 /* 0x1F8 */
	uint64_t star, lstar, cstar, sfmask; /* 0x200-0x21F */
	uint64_t kernel_gs_base;      /* 0x220 */
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip; /* 0x228-0x23F */
	uint64_t cr2;                 /* 0x240 */
	uint8_t reserved_248[0x268 - 0x248];
	uint64_t g_pat;               /* 0x268 */
	uint64_t dbgctl;              /* 0x270 */
	uint64_t br_from, br_to, last_excp_from, last_excp_to; /* 0x278-0x297 */
	uint8_t reserved_298[0xc00 - 0x298];
} __attribute__((packed));

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __attribute__((packed, aligned(4096)));

_Static_assert(offsetof(struct vmcb, control.exit_code) == 0x070, "VMCB EXITCODE");
_Static_assert(offsetof(struct vmcb, control.n_cr3) == 0x0b0, "VMCB N_CR3");
_Static_assert(offsetof(struct vmcb, control.next_rip) == 0x0c8, "VMCB nRIP");
_Static_assert(offsetof(struct vmcb, save) == 0x400, "VMCB state save area");
_Static_assert(offsetof(struct vmcb, save.efer) == 0x4d0, "VMCB EFER");
_Static_assert(offsetof(struct vmcb, save.rip) == 0x578, "VMCB RIP");
_Static_assert(offsetof(struct vmcb, save.rax) == 0x5f8, "VMCB RAX");
_Static_assert(offsetof(struct vmcb, save.g_pat) == 0x668, "VMCB G_PAT");
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB is one page");

/* Intercept vector 3 at 0x00C (APM B-1). */
#define SVM_INTERCEPT_INTR (1U << 0)
#define SVM_INTERCEPT_NMI (1U << 1)
#define SVM_INTERCEPT_VINTR (1U << 4)
#define SVM_INTERCEPT_CPUID (1U << 18)
#define SVM_INTERCEPT_HLT (1U << 24)
#define SVM_INTERCEPT_IOIO (1U << 27)
#define SVM_INTERCEPT_MSR (1U << 28)
#define SVM_INTERCEPT_SHUTDOWN (1U << 31)
/* Intercept vector 4 at 0x010. */
#define SVM_INTERCEPT2_VMRUN (1U << 0)
#define SVM_INTERCEPT2_VMMCALL (1U << 1)

/* TLB_CONTROL at 0x05C (APM 15.16.1). */
#define TLB_CONTROL_NOTHING 0
#define TLB_CONTROL_FLUSH_ALL 1
#define TLB_CONTROL_FLUSH_ASID 3
#define TLB_CONTROL_FLUSH_ASID_LOCAL 7

/* Virtual interrupt control at 0x060 (APM 15.21.3). */
#define V_IRQ (1ULL << 8)
#define V_INTR_PRIO_SHIFT 16
#define V_INTR_MASKING (1ULL << 24)
#define V_INTR_VECTOR_SHIFT 32

/* Exit codes (APM table C-1). */
#define SVM_EXIT_EXCP_BASE 0x40
#define SVM_EXIT_INTR 0x60
#define SVM_EXIT_NMI 0x61
#define SVM_EXIT_VINTR 0x64
#define SVM_EXIT_CPUID 0x72
#define SVM_EXIT_HLT 0x78
#define SVM_EXIT_IOIO 0x7b
#define SVM_EXIT_MSR 0x7c
#define SVM_EXIT_SHUTDOWN 0x7f
#define SVM_EXIT_VMRUN 0x80
#define SVM_EXIT_VMMCALL 0x81
#define SVM_EXIT_NPF 0x400
#define SVM_EXIT_INVALID ((uint64_t)-1)

/* EXITINFO1 of IOIO (APM 15.10.2). */
#define IOIO_IN (1U << 0)
#define IOIO_STR (1U << 2)
#define IOIO_REP (1U << 3)
#define IOIO_SZ8 (1U << 4)
#define IOIO_SZ16 (1U << 5)
#define IOIO_SZ32 (1U << 6)
#define IOIO_PORT_SHIFT 16

/* EXITINFO1 of #NPF: a #PF error code plus where in the walk (APM 15.25.6). */
#define NPF_P (1ULL << 0)
#define NPF_RW (1ULL << 1)
#define NPF_US (1ULL << 2)
#define NPF_RSV (1ULL << 3)
#define NPF_ID (1ULL << 4)
#define NPF_FINAL_GPA (1ULL << 32)
#define NPF_TABLE_WALK (1ULL << 33)

/* L2 general-purpose registers kept by software across VMRUN (RAX is in the VMCB). */
struct svm_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/* An exception L2 took through its own IDT (lib/x86/svm-entry.S). */
struct svm_l2_fault {
	uint64_t vector, error_code, rip;
};

struct svm_vcpu;
/* Per-test exit handler: return true to VMRUN again, false to return to the test. */
typedef bool (*svm_exit_handler)(struct svm_vcpu *v);

struct svm_vcpu {
	struct vmcb *vmcb;
	struct svm_gprs regs;
	svm_exit_handler handler;
	void *data;             /* for the handler */
	unsigned exits;         /* #VMEXITs since svm_vcpu_init() */
	/*
	 * VMRUN with L1's RFLAGS.IF=1 (GIF=0 still holds interrupts off in L1),
	 * so that physical interrupts reach L2 and its INTR intercept; IF is
	 * cleared again before STGI: the test takes a pending one when it likes.
	 */
	bool host_if;
};

typedef void (*svm_l2_fn)(void *arg);

/* CPUID 0x8000000A EDX, or 0 without SVM. */
uint32_t svm_features(void);
/*
 * Sets EFER.SVME and VM_HSAVE_PA. Returns NULL on success, or what is missing
 * ("CPUID 0x80000001:ECX[2] SVM=0", "VM_CR.SVMDIS=1").
 */
const char *svm_enable(void);

/*
 * A VMCB for L2 running fn(arg) at CPL0 in 64-bit mode on its own stack and
 * IDT, sharing L1's CR3 and GDT. Intercepts VMRUN, VMMCALL (how fn returns),
 * SHUTDOWN and INTR; ASID 1. MSR/IO maps installed, all passed through.
 */
void svm_vcpu_init(struct svm_vcpu *v, svm_l2_fn fn, void *arg);
/* Writes gate `vector` of an L2 IDT (a page of 16-byte gates, like the one
 * svm_vcpu_init gives L2): a present DPL0 interrupt gate to `handler`. */
void svm_l2_idt_gate(uint64_t *idt, unsigned vector, uintptr_t handler);
/* Restarts L2 at fn(arg) with fresh registers and stack, keeping controls. */
void svm_vcpu_restart(struct svm_vcpu *v, svm_l2_fn fn, void *arg);
/* One VMRUN (with VMLOAD/VMSAVE around it, CLGI/STGI outside). Returns EXITCODE. */
uint64_t svm_vmrun(struct svm_vcpu *v);
/* VMRUN until the handler (or, without one, any exit) says stop. Returns EXITCODE. */
uint64_t svm_run(struct svm_vcpu *v);
/* Moves L2 past the intercepted instruction (nRIP with NRIPS, else len bytes). */
void svm_skip(struct svm_vcpu *v, unsigned len);

/* "VMMCALL (0x81)", "EXCP #UD (0x46)", "INVALID (-1)"... into buf. */
const char *svm_exit_name(uint64_t code, char *buf, size_t size);
/* The exit code, and EXITINFO1/2 decoded for NPF, IOIO and MSR, for messages. */
const char *svm_exit_describe(const struct vmcb *vmcb, char *buf, size_t size);

/* Permission maps: intercept (true) or pass through. */
void svm_msr_intercept(struct svm_vcpu *v, uint32_t msr, bool read, bool write);
void svm_io_intercept(struct svm_vcpu *v, uint16_t port, bool intercept);

/* The last exception L2 took through its IDT; vector -1 when none since the last clear. */
extern volatile struct svm_l2_fault svm_l2_fault;
/* Runs fn(arg) in L2, returning the vector it raised in L2 or -1 (no nesting). */
int svm_l2_catch(svm_l2_fn fn, void *arg);

/* Segment attributes as the VMCB stores them, from a GDT descriptor. */
uint16_t svm_seg_attrib(uint16_t sel);

/* Low level (lib/x86/svm-entry.S). */
static inline void svm_clgi(void) { __asm__ volatile("clgi" ::: "memory"); }
static inline void svm_stgi(void) { __asm__ volatile("stgi" ::: "memory"); }
static inline void svm_vmload(uint64_t pa) { __asm__ volatile("vmload %%rax" :: "a"(pa) : "memory"); }
static inline void svm_vmsave(uint64_t pa) { __asm__ volatile("vmsave %%rax" :: "a"(pa) : "memory"); }
static inline void svm_vmmcall(void) { __asm__ volatile("vmmcall" ::: "memory"); }

/*
 * Nested page tables (APM 15.25): 4 levels, an identity map of the first
 * 4 GiB with 2 MiB pages, split into 4 KiB pages where a test changes one.
 */
#define NPT_PRESENT (1ULL << 0)
#define NPT_WRITABLE (1ULL << 1)
#define NPT_USER (1ULL << 2)
#define NPT_LARGE (1ULL << 7)
#define NPT_NX (1ULL << 63)
#define NPT_ADDR_MASK 0x000ffffffffff000ULL

/* Builds the identity map and returns its root (for N_CR3). */
uint64_t npt_create(void);
/* The 4 KiB entry mapping gpa, splitting a 2 MiB one if needed. */
uint64_t *npt_pte(uint64_t root, uint64_t gpa);
/* Sets and clears flags of the 4 KiB page at gpa; returns the old entry. */
uint64_t npt_set_flags(uint64_t root, uint64_t gpa, uint64_t set, uint64_t clear);
/* Turns nested paging on for v with that root (NP_ENABLE, N_CR3, G_PAT). */
void svm_vcpu_enable_npt(struct svm_vcpu *v, uint64_t root);

#endif
