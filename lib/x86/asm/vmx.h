/*
 * VMX: the test binary as a small hypervisor (L1) running guest code (L2).
 * Encodings and bit positions are from the Intel SDM vol. 3 (chapters
 * "Virtual Machine Control Structures", "VMX Non-Root Operation", appendix
 * "Field Encoding in VMCS") and vol. 4 (the IA32_VMX_* MSRs).
 *
 * L2 shares L1's address space (same CR3, 1:1 map) unless EPT is turned on,
 * then guest-physical memory is mapped 1:1 by lib/x86/ept.c with per-page
 * permissions. L2 has its own IDT: an exception L2 does not hand to L1
 * through the exception bitmap ends the run and is reported like
 * catch_exception() reports a fault.
 */
#ifndef HVUT_X86_VMX_H
#define HVUT_X86_VMX_H
#include <stdint.h>
#include <stdbool.h>
#include <asm/regs.h>

/* Capability MSRs (SDM vol. 3 appendix A). */
#define MSR_IA32_VMX_PINBASED_CTLS 0x481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x482
#define MSR_IA32_VMX_EXIT_CTLS 0x483
#define MSR_IA32_VMX_ENTRY_CTLS 0x484
#define MSR_IA32_VMX_MISC 0x485
#define MSR_IA32_VMX_CR0_FIXED0 0x486
#define MSR_IA32_VMX_CR0_FIXED1 0x487
#define MSR_IA32_VMX_CR4_FIXED0 0x488
#define MSR_IA32_VMX_CR4_FIXED1 0x489
#define MSR_IA32_VMX_VMCS_ENUM 0x48a
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP 0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS 0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS 0x490

#define VMX_BASIC_TRUE_CTLS (1ULL << 55)
#define FEATURE_CONTROL_LOCK (1ULL << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ULL << 2)

/* IA32_VMX_EPT_VPID_CAP */
#define EPT_CAP_EXEC_ONLY (1ULL << 0)
#define EPT_CAP_PWL4 (1ULL << 6)
#define EPT_CAP_UC (1ULL << 8)
#define EPT_CAP_WB (1ULL << 14)
#define EPT_CAP_2M (1ULL << 16)
#define EPT_CAP_INVEPT (1ULL << 20)
#define EPT_CAP_AD (1ULL << 21)
#define EPT_CAP_ADV_EXIT_INFO (1ULL << 22)
#define EPT_CAP_INVEPT_SINGLE (1ULL << 25)
#define EPT_CAP_INVEPT_ALL (1ULL << 26)
#define VPID_CAP_INVVPID (1ULL << 32)
#define VPID_CAP_INVVPID_ADDR (1ULL << 40)
#define VPID_CAP_INVVPID_SINGLE (1ULL << 41)
#define VPID_CAP_INVVPID_ALL (1ULL << 42)

/* VMCS field encodings (SDM vol. 3 appendix B). */
enum vmcs_field {
	/* 16-bit */
	VPID = 0x0000, POSTED_INTR_NV = 0x0002, GUEST_INTR_STATUS = 0x0810,
	GUEST_ES_SEL = 0x0800, GUEST_CS_SEL = 0x0802, GUEST_SS_SEL = 0x0804, GUEST_DS_SEL = 0x0806,
	GUEST_FS_SEL = 0x0808, GUEST_GS_SEL = 0x080a, GUEST_LDTR_SEL = 0x080c, GUEST_TR_SEL = 0x080e,
	HOST_ES_SEL = 0x0c00, HOST_CS_SEL = 0x0c02, HOST_SS_SEL = 0x0c04, HOST_DS_SEL = 0x0c06,
	HOST_FS_SEL = 0x0c08, HOST_GS_SEL = 0x0c0a, HOST_TR_SEL = 0x0c0c,
	/* 64-bit */
	IO_BITMAP_A = 0x2000, IO_BITMAP_B = 0x2002, MSR_BITMAP = 0x2004, TSC_OFFSET = 0x2010,
	EPT_POINTER = 0x201a, VIRTUAL_APIC_PAGE = 0x2012, APIC_ACCESS_ADDR = 0x2014,
	POSTED_INTR_DESC = 0x2016, EOI_EXIT_BITMAP0 = 0x201c, EOI_EXIT_BITMAP3 = 0x2022,
	GUEST_PHYS_ADDR = 0x2400,
	VMCS_LINK_PTR = 0x2800, GUEST_DEBUGCTL = 0x2802, GUEST_PAT = 0x2804, GUEST_EFER = 0x2806,
	GUEST_PDPTE0 = 0x280a, GUEST_PDPTE1 = 0x280c, GUEST_PDPTE2 = 0x280e, GUEST_PDPTE3 = 0x2810,
	HOST_PAT = 0x2c00, HOST_EFER = 0x2c02,
	/* 32-bit */
	PIN_CONTROLS = 0x4000, CPU_CONTROLS = 0x4002, EXCEPTION_BITMAP = 0x4004,
	PF_ERROR_MASK = 0x4006, PF_ERROR_MATCH = 0x4008, CR3_TARGET_COUNT = 0x400a,
	EXIT_CONTROLS = 0x400c, EXIT_MSR_STORE_COUNT = 0x400e, EXIT_MSR_LOAD_COUNT = 0x4010,
	ENTRY_CONTROLS = 0x4012, ENTRY_MSR_LOAD_COUNT = 0x4014, ENTRY_INTR_INFO = 0x4016,
	ENTRY_EXCEPTION_ERROR = 0x4018, ENTRY_INSN_LEN = 0x401a, TPR_THRESHOLD = 0x401c,
	CPU_CONTROLS2 = 0x401e,
	VM_INSN_ERROR = 0x4400, EXIT_REASON = 0x4402, EXIT_INTR_INFO = 0x4404,
	EXIT_INTR_ERROR = 0x4406, IDT_VECTORING_INFO = 0x4408, IDT_VECTORING_ERROR = 0x440a,
	EXIT_INSN_LEN = 0x440c, EXIT_INSN_INFO = 0x440e,
	GUEST_ES_LIMIT = 0x4800, GUEST_CS_LIMIT = 0x4802, GUEST_SS_LIMIT = 0x4804,
	GUEST_DS_LIMIT = 0x4806, GUEST_FS_LIMIT = 0x4808, GUEST_GS_LIMIT = 0x480a,
	GUEST_LDTR_LIMIT = 0x480c, GUEST_TR_LIMIT = 0x480e, GUEST_GDTR_LIMIT = 0x4810,
	GUEST_IDTR_LIMIT = 0x4812,
	GUEST_ES_AR = 0x4814, GUEST_CS_AR = 0x4816, GUEST_SS_AR = 0x4818, GUEST_DS_AR = 0x481a,
	GUEST_FS_AR = 0x481c, GUEST_GS_AR = 0x481e, GUEST_LDTR_AR = 0x4820, GUEST_TR_AR = 0x4822,
	GUEST_INTERRUPTIBILITY = 0x4824, GUEST_ACTIVITY = 0x4826, GUEST_SYSENTER_CS = 0x482a,
	PREEMPTION_TIMER = 0x482e,
	HOST_SYSENTER_CS = 0x4c00,
	/* natural width */
	CR0_MASK = 0x6000, CR4_MASK = 0x6002, CR0_SHADOW = 0x6004, CR4_SHADOW = 0x6006,
	EXIT_QUALIFICATION = 0x6400, GUEST_LINEAR_ADDR = 0x640a,
	GUEST_CR0 = 0x6800, GUEST_CR3 = 0x6802, GUEST_CR4 = 0x6804,
	GUEST_ES_BASE = 0x6806, GUEST_CS_BASE = 0x6808, GUEST_SS_BASE = 0x680a,
	GUEST_DS_BASE = 0x680c, GUEST_FS_BASE = 0x680e, GUEST_GS_BASE = 0x6810,
	GUEST_LDTR_BASE = 0x6812, GUEST_TR_BASE = 0x6814, GUEST_GDTR_BASE = 0x6816,
	GUEST_IDTR_BASE = 0x6818, GUEST_DR7 = 0x681a, GUEST_RSP = 0x681c, GUEST_RIP = 0x681e,
	GUEST_RFLAGS = 0x6820, GUEST_PENDING_DBG = 0x6822, GUEST_SYSENTER_ESP = 0x6824,
	GUEST_SYSENTER_EIP = 0x6826,
	HOST_CR0 = 0x6c00, HOST_CR3 = 0x6c02, HOST_CR4 = 0x6c04, HOST_FS_BASE = 0x6c06,
	HOST_GS_BASE = 0x6c08, HOST_TR_BASE = 0x6c0a, HOST_GDTR_BASE = 0x6c0c,
	HOST_IDTR_BASE = 0x6c0e, HOST_SYSENTER_ESP = 0x6c10, HOST_SYSENTER_EIP = 0x6c12,
	HOST_RSP = 0x6c14, HOST_RIP = 0x6c16,
};

/* Pin-based controls */
#define PIN_EXTINT (1U << 0)
#define PIN_NMI (1U << 3)
#define PIN_PREEMPTION_TIMER (1U << 6)
/* Primary processor-based controls */
#define CPU_HLT (1U << 7)
#define CPU_IO_UNCOND (1U << 24)
#define CPU_IO_BITMAP (1U << 25)
#define CPU_MSR_BITMAP (1U << 28)
#define CPU_SECONDARY (1U << 31)
/* Secondary processor-based controls */
#define CPU2_EPT (1U << 1)
#define CPU2_VPID (1U << 5)
#define CPU2_UNRESTRICTED (1U << 7)
#define CPU2_MBEC (1U << 22)
/* VM-exit controls */
#define EXIT_HOST_64 (1U << 9)
#define EXIT_SAVE_PAT (1U << 18)
#define EXIT_LOAD_PAT (1U << 19)
#define EXIT_SAVE_EFER (1U << 20)
#define EXIT_LOAD_EFER (1U << 21)
/* VM-entry controls */
#define ENTRY_LOAD_DEBUG (1U << 2)
#define ENTRY_GUEST_64 (1U << 9)
#define ENTRY_LOAD_PAT (1U << 14)
#define ENTRY_LOAD_EFER (1U << 15)

/* Basic exit reasons (SDM vol. 3 appendix C). */
enum vmx_exit_reason {
	EXIT_EXCEPTION = 0, EXIT_EXTINT = 1, EXIT_TRIPLE_FAULT = 2, EXIT_CPUID = 10,
	EXIT_HLT = 12, EXIT_VMCALL = 18, EXIT_IO = 30, EXIT_RDMSR = 31, EXIT_WRMSR = 32,
	EXIT_INVALID_GUEST = 33, EXIT_MSR_LOAD_FAIL = 34, EXIT_EPT_VIOLATION = 48,
	EXIT_EPT_MISCONFIG = 49, EXIT_PREEMPTION_TIMER = 52, EXIT_SEAMCALL = 76, EXIT_TDCALL = 77,
};
#define EXIT_REASON_ENTRY_FAIL (1U << 31)

/* Interruption information (exit and entry), SDM vol. 3 "VM-Exit Information Fields". */
#define INTR_INFO_VALID (1U << 31)
#define INTR_INFO_ERROR_CODE (1U << 11)
#define INTR_TYPE_HW_EXCEPTION (3U << 8)

/* EPT-violation exit qualification bits (SDM vol. 3, "Exit Qualification for EPT Violations"). */
#define EPT_QUAL_READ (1ULL << 0)
#define EPT_QUAL_WRITE (1ULL << 1)
#define EPT_QUAL_FETCH (1ULL << 2)
#define EPT_QUAL_READABLE (1ULL << 3)
#define EPT_QUAL_WRITABLE (1ULL << 4)
#define EPT_QUAL_EXECUTABLE (1ULL << 5)      /* supervisor-executable when MBEC is on */
#define EPT_QUAL_USER_EXEC (1ULL << 6)       /* only defined when MBEC is on */
#define EPT_QUAL_GLA_VALID (1ULL << 7)
#define EPT_QUAL_GLA_TRANSLATION (1ULL << 8)
#define EPT_QUAL_NMI_UNBLOCKING (1ULL << 12)
#define EPT_QUAL_SHADOW_STACK (1ULL << 13)     /* the access was a shadow-stack access */

/* ---- instructions ------------------------------------------------------ */

/* What a VMX instruction reported: success, VMfailInvalid (CF) or VMfailValid (ZF). */
enum vmx_status { VMX_OK = 0, VMX_FAIL_INVALID = 1, VMX_FAIL_VALID = 2 };

enum vmx_status vmxon(uint64_t pa);
enum vmx_status vmxoff(void);
enum vmx_status vmclear(uint64_t pa);
enum vmx_status vmptrld(uint64_t pa);
enum vmx_status vmptrst(uint64_t *pa);
enum vmx_status vmread_status(enum vmcs_field f, uint64_t *val);
enum vmx_status vmwrite_status(enum vmcs_field f, uint64_t val);
enum vmx_status invept(unsigned type, uint64_t eptp);
enum vmx_status invvpid(unsigned type, uint16_t vpid, uint64_t gla);

/* VMREAD/VMWRITE that must work: a failure is a FAIL line naming the field and the error. */
uint64_t vmread(enum vmcs_field f);
void vmwrite(enum vmcs_field f, uint64_t val);

/* The VM-instruction error field's value, by name ("VMLAUNCH with non-clear VMCS"). */
const char *vmx_insn_error_name(unsigned error);
const char *vmx_exit_reason_name(unsigned reason);
/* VMfail* as a string, with the error number and name for VMfailValid. */
const char *vmx_status_str(enum vmx_status st, char *buf, unsigned size);

/* ---- VMX operation ----------------------------------------------------- */

/* Why VMX cannot be used here, or NULL: the SKIP reason. */
const char *vmx_unsupported(void);
/* CR4.VMXE, CR0/CR4 fixed bits, IA32_FEATURE_CONTROL; VMXON. false on failure (reported). */
bool vmx_on(void);
void vmx_off(void);
uint32_t vmx_revision(void);
uint64_t vmx_cap(uint32_t msr);
/* Allowed-1 settings of a control (the high half of its capability MSR, true MSR if available). */
bool vmx_ctl_allowed(enum vmcs_field ctl, uint32_t bits);
/* A zeroed 4 KiB VMCS region with the revision identifier. */
void *vmcs_alloc(void);

/* ---- L2 ------------------------------------------------------------------ */

struct vmx_gprs {
	unsigned long rax, rcx, rdx, rbx, rbp, rsi, rdi;
	unsigned long r8, r9, r10, r11, r12, r13, r14, r15;
};

struct vmx_exit {
	uint32_t reason;          /* the full field: basic reason in 15:0, bit 31 entry failure */
	uint64_t qual;
	uint64_t gpa, gla;
	uint32_t intr_info, intr_error, insn_len, insn_info;
	uint64_t rip;
};

struct vmx_vcpu;
enum vmx_action { VMX_RESUME, VMX_STOP };
typedef enum vmx_action (*vmx_exit_handler)(struct vmx_vcpu *v, struct vmx_exit *e);

/* How a run ended. */
enum vmx_end {
	VMX_END_DONE,        /* the L2 function returned */
	VMX_END_EXIT,        /* the handler stopped at an exit (v->exit) */
	VMX_END_L2_FAULT,    /* L2 took an exception through its own IDT (v->fault) */
	VMX_END_ENTRY_FAIL,  /* VMLAUNCH/VMRESUME failed (v->entry_status, v->insn_error) */
	VMX_END_TOO_MANY,    /* the handler kept resuming: a runaway loop */
};

struct vmx_l2_fault {
	unsigned long vector, error_code, rip, cs, rflags, rsp, ss;
};

struct vmx_vcpu {
	void *vmcs;
	bool launched;
	struct vmx_gprs regs;
	vmx_exit_handler handler;  /* NULL: stop at the first exit */
	void *data;                /* for the handler */
	unsigned exits;            /* exits handled in this run */
	struct vmx_exit exit;
	struct vmx_l2_fault fault;
	enum vmx_status entry_status;
	unsigned insn_error;
	uint8_t *stack;            /* L2's stack (CPL0 and CPL3 share it) */
};

/*
 * A VMCS loaded and filled from the running CPU: 64-bit guest, L1's CR0/CR3/
 * CR4, GDT and TSS, L2's IDT, minimal controls. Returns NULL (after a FAIL
 * line) when VMCLEAR/VMPTRLD fail.
 */
struct vmx_vcpu *vmx_vcpu_new(void);
/* Makes v's VMCS current (VMPTRLD). */
void vmx_vcpu_load(struct vmx_vcpu *v);
/* Next run starts fn(arg) at CPL0 or CPL3 on L2's own stack. */
void vmx_vcpu_set_entry(struct vmx_vcpu *v, void (*fn)(void *), void *arg, unsigned cpl);
/* Sets and clears bits of a control field, keeping the must-be-1 bits. */
void vmx_set_ctl(enum vmcs_field ctl, uint32_t set, uint32_t clear);
/* Enters L2 until it returns, faults, or the handler says stop. */
enum vmx_end vmx_run(struct vmx_vcpu *v);
/* "L2 returned", "EPT violation (48) qual ...", for messages. */
const char *vmx_end_str(struct vmx_vcpu *v, enum vmx_end end, char *buf, unsigned size);
/* Guest RIP += the exit's instruction length. */
void vmx_skip_insn(struct vmx_vcpu *v);
/* Injects a hardware exception at the next entry. */
void vmx_inject_exception(unsigned vector, bool has_error, uint32_t error);

/* In lib/x86/vmx-entry.S */
enum vmx_status vmx_enter(struct vmx_gprs *regs, bool launched);
extern char vmx_host_rip[];
extern char vmx_l2_entry[], vmx_l2_done[], vmx_l2_fault[];
extern char vmx_l2_idt_stubs[];

/* ---- EPT (lib/x86/ept.c) --------------------------------------------------- */

#define EPT_R (1ULL << 0)
#define EPT_W (1ULL << 1)
#define EPT_X (1ULL << 2)          /* XS when MBEC is on */
#define EPT_XU (1ULL << 10)        /* user-mode execute, with MBEC */
#define EPT_MT_SHIFT 3             /* memory type, bits 5:3 of a leaf */
#define EPT_MT_UC 0ULL
#define EPT_MT_WB 6ULL
#define EPT_LARGE (1ULL << 7)
#define EPT_ACCESSED (1ULL << 8)
#define EPT_DIRTY (1ULL << 9)
#define EPTP_AD (1ULL << 6)        /* EPTP: enable accessed and dirty flags */
#define EPT_RWX (EPT_R | EPT_W | EPT_X)
#define EPT_ADDR_MASK 0x000ffffffffff000ULL

struct ept {
	uint64_t *pml4;
	uint64_t eptp;
};

/* 4-level EPT mapping [0, 4 GiB) 1:1, RWX(+XU), write-back, 2 MiB pages. */
struct ept *ept_new(void);
/* Makes the 4 KiB page at gpa (splitting its 2 MiB page) a 4K mapping with flags. */
void ept_map_4k(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t flags);
void ept_map_2m(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t flags);
void ept_unmap(struct ept *e, uint64_t gpa);
/* The leaf entry for gpa (4K or 2M), for changing permissions; then ept_flush(). */
uint64_t *ept_leaf(struct ept *e, uint64_t gpa);
uint64_t ept_set_perms(struct ept *e, uint64_t gpa, uint64_t perms);
/* INVEPT single-context (or all-context when that is the only type). */
void ept_flush(struct ept *e);
/* The same for an EPTP value other than e->eptp (e.g. with A/D enabled). */
void ept_flush_eptp(uint64_t eptp);
/* Turns EPT on in the current VMCS with e's tables. */
void ept_enable(struct ept *e);
/* "read write fetch readable executable GLA-valid ..." */
const char *ept_qual_str(uint64_t qual, bool mbec, char *buf, unsigned size);

#endif
