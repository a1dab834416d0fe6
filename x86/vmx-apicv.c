/*
 * apicv: APIC virtualization (Intel SDM vol. 3C ch. 30 "APIC Virtualization
 * and Virtual Interrupts", 2024 numbering, order no. 326019), on the
 * controls the CPU allows:
 *   - use TPR shadow (primary bit 21): L2's MOV to/from CR8 reads and writes
 *     VTPR (virtual-APIC page offset 80H) without an exit (30.3); a write
 *     that takes VTPR[7:4] below the TPR threshold exits with reason 43
 *     after the instruction (30.1.2 TPR Virtualization); the entry checks on
 *     the threshold (27.2.1.1) and the exit right after VM entry when the
 *     threshold is above VTPR[7:4] (27.7.7);
 *   - virtualize APIC accesses (secondary bit 0): without TPR shadow every
 *     access to the APIC-access page exits with reason 44, qualification =
 *     page offset | access type << 12 (28.2.1, Table 28-6); with TPR shadow
 *     a read or write of the TPR is virtualized (30.4.2, 30.4.3), other
 *     registers still exit without APIC-register virtualization;
 *   - virtual-interrupt delivery (secondary bit 9, with APIC-register
 *     virtualization, bit 8): RVI is delivered through L2's IDT when L2 has
 *     IF=1 and RVI[7:4] > VPPR[7:4]; delivery moves the vector to VISR/SVI;
 *     L2's EOI write is virtualized (VISR cleared, no exit) or, with the
 *     vector's EOI-exit bitmap bit set, exits with reason 45 and the vector
 *     as qualification (30.2.2 Virtual-Interrupt Delivery, 30.1.4 EOI
 *     Virtualization);
 *   - virtualize x2APIC mode (secondary bit 4): RDMSR/WRMSR of 808H are VTPR,
 *     with APIC-register virtualization other x2APIC MSRs read the virtual-
 *     APIC page (30.5).
 * The APIC-access page is a page of our own (with EPT off, L2's accesses to
 * its physical address are APIC accesses), so the real local APIC and its
 * mode do not matter, except for posted interrupts (30.6), where L2 sends
 * the notification vector as a self-IPI through the real local APIC (SKIP
 * naming pin bit 7 where it is not allowed).
 */
#include "vmx-tests.h"
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>

#define PIN_POSTED_INTR (1U << 7)
#define EXIT_ACK_INTR (1U << 15)
#define PI_NV 0xf2
#define PI_VEC 0x60
#define CPU_CR8_LOAD (1U << 19)
#define CPU_CR8_STORE (1U << 20)
#define CPU_TPR_SHADOW (1U << 21)
#define CPU2_APIC_ACCESS (1U << 0)
#define CPU2_VIRT_X2APIC (1U << 4)
#define CPU2_APIC_REGS (1U << 8)
#define CPU2_VINTR (1U << 9)
#define EXIT_TPR_BELOW 43
#define EXIT_APIC_ACCESS 44
#define EXIT_VEOI 45
#define ERR_CONTROLS 7
#define VTPR 0x80
#define VEC 0x50
#define SDM_TPR "SDM vol. 3C 30.1.2 TPR Virtualization"
#define SDM_CR8 "SDM vol. 3C 30.3 Virtualizing CR8-Based TPR Accesses"
#define SDM_MMIO "SDM vol. 3C 30.4 Virtualizing Memory-Mapped APIC Accesses"
#define SDM_QUAL "SDM vol. 3C 28.2.1 Basic VM-Exit Information (APIC-access qualification)"
#define SDM_VID "SDM vol. 3C 30.2.2 Virtual-Interrupt Delivery"
#define SDM_EOI "SDM vol. 3C 30.1.4 EOI Virtualization"

/* L2 code: CR8 and 32-bit MMIO accesses with labels after them; the vector-0x50 handler. */
void l2_cr8_write(void *val);
void l2_cr8_read(void *out);
void l2_mmio_read(void *op);    /* op[0] = address, op[1] = the 32-bit value read */
void l2_mmio_write(void *op);   /* op[0] = address, op[1] = the value */
void l2_sti_window2(void *arg);
void l2_virq(void);
extern char l2_cr8_write_insn[], l2_cr8_write_after[], l2_mmio_read_insn[], l2_mmio_write_insn[];
extern char l2_eoi_after[];
extern volatile uint64_t l2_virq_seen, l2_eoi_addr;
__asm__(".text\n.balign 16\n.globl l2_cr8_write\nl2_cr8_write:\n"
	".globl l2_cr8_write_insn\nl2_cr8_write_insn:\n\tmov %rdi, %cr8\n"
	".globl l2_cr8_write_after\nl2_cr8_write_after:\n\tret\n"
	".balign 16\n.globl l2_cr8_read\nl2_cr8_read:\n\tmov %cr8, %rax\n\tmov %rax, (%rdi)\n\tret\n"
	".balign 16\n.globl l2_mmio_read\nl2_mmio_read:\n\tmov (%rdi), %rax\n"
	".globl l2_mmio_read_insn\nl2_mmio_read_insn:\n\tmovl (%rax), %ecx\n\tmov %rcx, 8(%rdi)\n\tret\n"
	".balign 16\n.globl l2_mmio_write\nl2_mmio_write:\n\tmov (%rdi), %rax\n\tmov 8(%rdi), %rcx\n"
	".globl l2_mmio_write_insn\nl2_mmio_write_insn:\n\tmovl %ecx, (%rax)\n\tret\n"
	/* IF=1 for a few instructions: a pending virtual interrupt is taken here. */
	".balign 16\n.globl l2_sti_window2\nl2_sti_window2:\n\tsti\n\tnop\n\tnop\n\tnop\n\tcli\n\tret\n"
	/* Vectors 0x50 and 0x60: count, EOI through the APIC-access page, return. */
	".balign 16\n.globl l2_virq\nl2_virq:\n\tpush %rax\n\tincq l2_virq_seen(%rip)\n"
	"\tmov l2_eoi_addr(%rip), %rax\n\tmovl $0, (%rax)\n"
	".globl l2_eoi_after\nl2_eoi_after:\n\tpop %rax\n\tiretq\n");
volatile uint64_t l2_virq_seen, l2_eoi_addr;

static struct vmx_vcpu *v;
static uint8_t *vapic, *access_page;
static uint64_t idt[2 * 256] __attribute__((aligned(16)));

static uint32_t *vreg(unsigned off)
{
	return (uint32_t *)(vapic + off);
}

static bool exit_at(enum vmx_end end, unsigned reason, const void *rip)
{
	return end == VMX_END_EXIT && v->exit.reason == reason && v->exit.rip == (uintptr_t)rip;
}

/* Sets the controls that must be 1 and 0 for one case; false (and a SKIP) when not allowed. */
static bool controls(uint32_t cpu, uint32_t cpu2, const char *what)
{
	if (!vmx_ctl_allowed(CPU_CONTROLS, cpu) || (cpu2 && !vmx_ctl_allowed(CPU_CONTROLS2, cpu2))) {
		report_skip("%s: processor-based controls %#x / secondary %#x not allowed", what, cpu, cpu2);
		return false;
	}
	vmx_set_ctl(CPU_CONTROLS, cpu, (CPU_CR8_LOAD | CPU_CR8_STORE | CPU_TPR_SHADOW) & ~cpu);
	vmx_set_ctl(CPU_CONTROLS2, cpu2, (CPU2_APIC_ACCESS | CPU2_VIRT_X2APIC | CPU2_APIC_REGS | CPU2_VINTR) & ~cpu2);
	if (vmread(CPU_CONTROLS) & (CPU_CR8_LOAD | CPU_CR8_STORE)) {
		report_skip("%s: CR8-load/-store exiting (primary bits 19, 20) cannot be 0", what);
		return false;
	}
	return true;
}

static void tpr_shadow(void)
{
	uint64_t val = ~0ULL;
	enum vmx_end end;

	if (!controls(CPU_TPR_SHADOW, 0, "TPR shadow"))
		return;
	vmwrite(VIRTUAL_APIC_PAGE, (uintptr_t)vapic);
	vmwrite(TPR_THRESHOLD, 0);
	*vreg(VTPR) = 0x20;
	vmx_vcpu_set_entry(v, l2_cr8_write, (void *)5UL, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE && *vreg(VTPR) == 0x50,
	       "TPR shadow: L2's MOV CR8 = 5 writes VTPR = 0x50, no exit [%s, VTPR %#x] [" SDM_CR8 "]",
	       end_str(v, end), *vreg(VTPR));
	*vreg(VTPR) = 0x9c;
	vmx_vcpu_set_entry(v, l2_cr8_read, &val, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE && val == 9, "TPR shadow: L2's MOV from CR8 reads VTPR[7:4] = 9 [%s, got %#lx] [" SDM_CR8 "]",
	       end_str(v, end), (unsigned long)val);

	/* Threshold 4: CR8 = 3 puts VTPR[7:4] below it; a trap-like exit after the MOV. */
	*vreg(VTPR) = 0x50;
	vmwrite(TPR_THRESHOLD, 4);
	vmx_vcpu_set_entry(v, l2_cr8_write, (void *)3UL, 0);
	end = vmx_run(v);
	report(exit_at(end, EXIT_TPR_BELOW, l2_cr8_write_after) && *vreg(VTPR) == 0x30,
	       "TPR threshold 4, L2 writes CR8 = 3: exit 43 after the MOV, VTPR 0x30 [%s] [" SDM_TPR "]", end_str(v, end));
	*vreg(VTPR) = 0x50;
	vmx_vcpu_set_entry(v, l2_cr8_write, (void *)4UL, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE, "TPR threshold 4, L2 writes CR8 = 4: not below, no exit [%s] [" SDM_TPR "]",
	       end_str(v, end));

	/* 27.2.1.1: threshold bits 31:4 are 0; bits 3:0 not above VTPR[7:4] without APIC-access virtualization. */
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	vmwrite(TPR_THRESHOLD, 0x12);
	*vreg(VTPR) = 0xf0;
	end = vmx_run(v);
	report(end == VMX_END_ENTRY_FAIL && v->entry_status == VMX_FAIL_VALID && v->insn_error == ERR_CONTROLS,
	       "TPR threshold 0x12 (bits 31:4 set): VMfailValid 7 [%s] [SDM vol. 3C 27.2.1.1 Checks on VM-Execution Control Fields]",
	       end_str(v, end));
	vmwrite(TPR_THRESHOLD, 6);
	*vreg(VTPR) = 0x30;
	end = vmx_run(v);
	report(end == VMX_END_ENTRY_FAIL && v->entry_status == VMX_FAIL_VALID && v->insn_error == ERR_CONTROLS,
	       "TPR threshold 6 above VTPR[7:4] = 3, no APIC-access virtualization: VMfailValid 7 [%s] [SDM vol. 3C 27.2.1.1 Checks on VM-Execution Control Fields]",
	       end_str(v, end));
	if (controls(CPU_TPR_SHADOW, CPU2_APIC_ACCESS, "TPR threshold exit at VM entry")) {
		vmwrite(APIC_ACCESS_ADDR, (uintptr_t)access_page);
		end = vmx_run(v);
		report(exit_at(end, EXIT_TPR_BELOW, vmx_l2_entry),
		       "TPR threshold 6 above VTPR[7:4] = 3 with APIC-access virtualization: exit 43 right after VM entry [%s] [SDM vol. 3C 27.7.7 VM Exits Induced by the TPR Threshold]",
		       end_str(v, end));
	}
	vmwrite(TPR_THRESHOLD, 0);
}

static void apic_access(void)
{
	uint64_t op[2];
	enum vmx_end end;

	if (!controls(0, CPU2_APIC_ACCESS, "virtualize APIC accesses"))
		return;
	vmwrite(APIC_ACCESS_ADDR, (uintptr_t)access_page);
	op[0] = (uintptr_t)access_page + 0x80;
	vmx_vcpu_set_entry(v, l2_mmio_read, op, 0);
	end = vmx_run(v);
	report(exit_at(end, EXIT_APIC_ACCESS, l2_mmio_read_insn) && v->exit.qual == 0x080,
	       "no TPR shadow, L2 reads offset 80H of the APIC-access page: exit 44, qualification 0x080 (linear read) [%s] [" SDM_QUAL "]",
	       end_str(v, end));
	op[0] = (uintptr_t)access_page + 0xb0;
	op[1] = 0;
	vmx_vcpu_set_entry(v, l2_mmio_write, op, 0);
	end = vmx_run(v);
	report(exit_at(end, EXIT_APIC_ACCESS, l2_mmio_write_insn) && v->exit.qual == (0x0b0 | 1U << 12),
	       "no TPR shadow, L2 writes offset B0H: exit 44, qualification 0x10b0 (linear write) [%s] [" SDM_QUAL "]",
	       end_str(v, end));

	if (!controls(CPU_TPR_SHADOW, CPU2_APIC_ACCESS, "TPR shadow with APIC-access virtualization"))
		return;
	vmwrite(VIRTUAL_APIC_PAGE, (uintptr_t)vapic);
	vmwrite(TPR_THRESHOLD, 0);
	*vreg(VTPR) = 0x70;
	op[0] = (uintptr_t)access_page + VTPR;
	op[1] = ~0ULL;
	vmx_vcpu_set_entry(v, l2_mmio_read, op, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE && op[1] == 0x70,
	       "TPR shadow: L2's read of offset 80H returns VTPR 0x70, no exit [%s, got %#lx] [" SDM_MMIO "]",
	       end_str(v, end), (unsigned long)op[1]);
	op[1] = 0x40;
	vmx_vcpu_set_entry(v, l2_mmio_write, op, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE && *vreg(VTPR) == 0x40,
	       "TPR shadow: L2's write of 0x40 to offset 80H lands in VTPR, no exit [%s, VTPR %#x] [" SDM_MMIO "]",
	       end_str(v, end), *vreg(VTPR));
	/* Without APIC-register virtualization only the TPR is virtualized: the ID register exits. */
	op[0] = (uintptr_t)access_page + 0x20;
	vmx_vcpu_set_entry(v, l2_mmio_read, op, 0);
	end = vmx_run(v);
	report(exit_at(end, EXIT_APIC_ACCESS, l2_mmio_read_insn) && v->exit.qual == 0x020,
	       "TPR shadow, no APIC-register virtualization: L2 reads offset 20H: exit 44, qualification 0x020 [%s] [" SDM_MMIO "]",
	       end_str(v, end));
}

static void set_gate(unsigned vec, void (*fn)(void))
{
	uintptr_t a = (uintptr_t)fn;

	idt[2 * vec] = (a & 0xffff) | ((uint64_t)KERNEL_CS << 16) | (0x8eULL << 40) | ((uint64_t)(a >> 16 & 0xffff) << 48);
	idt[2 * vec + 1] = a >> 32;
}

static bool visr(unsigned vec)
{
	return *vreg(0x100 + vec / 32 * 16) >> (vec % 32) & 1;
}

/* RVI = VEC pending (VIRR bit set), nothing in service. */
static void pend_vector(void)
{
	memset(vapic + 0x100, 0, 0x300);
	*vreg(0x200 + VEC / 32 * 16) |= 1U << (VEC % 32);
	vmwrite(GUEST_INTR_STATUS, VEC);
	l2_virq_seen = 0;
	vmx_vcpu_set_entry(v, l2_sti_window2, NULL, 0);
}

static void virtual_interrupts(void)
{
	enum vmx_end end;

	if (!vmx_ctl_allowed(PIN_CONTROLS, PIN_EXTINT) ||
	    !controls(CPU_TPR_SHADOW, CPU2_APIC_ACCESS | CPU2_APIC_REGS | CPU2_VINTR, "virtual-interrupt delivery"))
		return;
	/* 27.2.1.1: virtual-interrupt delivery needs external-interrupt exiting. */
	vmx_set_ctl(PIN_CONTROLS, PIN_EXTINT, 0);
	vmwrite(APIC_ACCESS_ADDR, (uintptr_t)access_page);
	vmwrite(VIRTUAL_APIC_PAGE, (uintptr_t)vapic);
	vmwrite(TPR_THRESHOLD, 0);
	for (enum vmcs_field f = EOI_EXIT_BITMAP0; f <= EOI_EXIT_BITMAP3; f += 2)
		vmwrite(f, 0);
	memcpy(idt, (void *)vmread(GUEST_IDTR_BASE), 32 * 16);
	set_gate(VEC, l2_virq);
	vmwrite(GUEST_IDTR_BASE, (uintptr_t)idt);
	vmwrite(GUEST_IDTR_LIMIT, sizeof(idt) - 1);
	l2_eoi_addr = (uintptr_t)access_page + 0xb0;

	/* VTPR 0x60 masks vector 0x50 (class 5): not delivered, still pending. */
	pend_vector();
	*vreg(VTPR) = 0x60;
	end = vmx_run(v);
	report(end == VMX_END_DONE && l2_virq_seen == 0 && (vmread(GUEST_INTR_STATUS) & 0xff) == VEC,
	       "RVI 0x50, VTPR 0x60: not delivered, RVI stays 0x50 [%s, seen %lu, status %#lx] [" SDM_VID "]",
	       end_str(v, end), (unsigned long)l2_virq_seen, (unsigned long)vmread(GUEST_INTR_STATUS));

	pend_vector();
	*vreg(VTPR) = 0;
	end = vmx_run(v);
	report(end == VMX_END_DONE && l2_virq_seen == 1,
	       "RVI 0x50, VTPR 0, L2 sets IF: delivered once through L2's IDT [%s, seen %lu] [" SDM_VID "]",
	       end_str(v, end), (unsigned long)l2_virq_seen);
	report(vmread(GUEST_INTR_STATUS) == 0 && !visr(VEC),
	       "L2's EOI virtualized: RVI = SVI = 0, VISR bit clear, no exit [status %#lx] [" SDM_EOI "]",
	       (unsigned long)vmread(GUEST_INTR_STATUS));

	/* The vector's EOI-exit bitmap bit: the EOI exits (trap-like) with the vector. */
	pend_vector();
	vmwrite(EOI_EXIT_BITMAP0 + 2 * (VEC / 64), 1ULL << (VEC % 64));
	end = vmx_run(v);
	report(exit_at(end, EXIT_VEOI, l2_eoi_after) && v->exit.qual == VEC && l2_virq_seen == 1 && !visr(VEC),
	       "EOI-exit bitmap bit 0x50 set: L2's EOI exits with 45, qualification 0x50, after the write, VISR cleared [%s] [" SDM_EOI "]",
	       end_str(v, end));
	end = vmx_run(v);
	report(end == VMX_END_DONE, "after the EOI exit L2 resumes to its end [%s]", end_str(v, end));
	vmwrite(EOI_EXIT_BITMAP0 + 2 * (VEC / 64), 0);
	vmx_set_ctl(PIN_CONTROLS, 0, PIN_EXTINT);
}

/* L2 sends itself a fixed IPI (arg = vector) with IF=1 and waits (bounded, no clock) for a virtual interrupt. */
static void l2_self_ipi(void *arg)
{
	__asm__ volatile("sti");
	apic_icr_write(APIC_DEST_SELF | APIC_ICR_FIXED | (uint32_t)(uintptr_t)arg, 0);
	for (unsigned i = 0; i < 100000 && !l2_virq_seen; i++)
		cpu_relax();
	__asm__ volatile("cli");
}

/*
 * 30.6 Posted-Interrupt Processing: with "process posted interrupts", a
 * physical interrupt whose vector is the notification vector does not exit:
 * the CPU clears ON, moves the PIR into VIRR and RVI, EOIs the local APIC and
 * delivers the virtual interrupt to L2. Any other vector exits with reason 1
 * (acknowledge interrupt on exit: the vector in the interruption info).
 */
static void posted_interrupts(void)
{
	uint8_t *desc_page = alloc_page();
	uint64_t *desc = (uint64_t *)desc_page;
	enum vmx_end end;
	void *msr_bitmap;

	if (!vmx_ctl_allowed(PIN_CONTROLS, PIN_POSTED_INTR | PIN_EXTINT) ||
	    !vmx_ctl_allowed(EXIT_CONTROLS, EXIT_ACK_INTR)) {
		report_skip("posted interrupts: pin-based control bit 7 (or acknowledge interrupt on exit) not allowed");
		return;
	}
	if (!controls(CPU_TPR_SHADOW | CPU_MSR_BITMAP, CPU2_APIC_ACCESS | CPU2_APIC_REGS | CPU2_VINTR, "posted interrupts"))
		return;
	/* L2 sends the notification through the real local APIC: software-enabled; an x2APIC's MSRs passed through. */
	if (!apic_x2apic_mode())
		apic_enable();
	msr_bitmap = alloc_page();
	memset(msr_bitmap, 0, PAGE_SIZE);
	vmwrite(MSR_BITMAP, (uintptr_t)msr_bitmap);
	vmx_set_ctl(PIN_CONTROLS, PIN_EXTINT | PIN_POSTED_INTR, 0);
	vmx_set_ctl(EXIT_CONTROLS, EXIT_ACK_INTR, 0);
	vmwrite(POSTED_INTR_NV, PI_NV);
	vmwrite(POSTED_INTR_DESC, (uintptr_t)desc);
	set_gate(PI_VEC, l2_virq);
	memset(vapic + 0x100, 0, 0x300);
	*vreg(VTPR) = 0;
	vmwrite(GUEST_INTR_STATUS, 0);

	/* 27.2.1.1: the descriptor address needs bits 5:0 clear, nothing more. */
	memset(desc_page, 0, PAGE_SIZE);
	vmwrite(POSTED_INTR_DESC, (uintptr_t)desc_page + 0x40);
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	end = vmx_run(v);
	report_deviation("vmx-pi-desc-page-aligned", end == VMX_END_DONE,
			 "posted-interrupt descriptor at page + 0x40 (64-byte aligned): the entry succeeds [%s] [SDM vol. 3C 27.2.1.1 Checks on VM-Execution Control Fields]",
			 end_str(v, end));
	vmwrite(POSTED_INTR_DESC, (uintptr_t)desc);
	memset(desc, 0, 64);
	desc[PI_VEC / 64] = 1ULL << (PI_VEC % 64);
	desc[4] = 1;    /* ON, bit 256 */
	l2_virq_seen = 0;
	vmx_vcpu_set_entry(v, l2_self_ipi, (void *)(uintptr_t)PI_NV, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE && l2_virq_seen == 1 && !(desc[4] & 1) && !desc[PI_VEC / 64],
	       "notification vector 0xf2 while L2 runs: no exit, PIR vector 0x60 delivered to L2, ON and PIR cleared [%s, seen %lu, ON %lu] [SDM vol. 3C 30.6 Posted-Interrupt Processing]",
	       end_str(v, end), (unsigned long)l2_virq_seen, (unsigned long)(desc[4] & 1));

	l2_virq_seen = 0;
	vmx_vcpu_set_entry(v, l2_self_ipi, (void *)(uintptr_t)(PI_NV + 1), 0);
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_EXTINT && v->exit.intr_info == (INTR_INFO_VALID | (PI_NV + 1)),
	       "another vector (0xf3): exit 1 with interruption info 0x800000f3 (acknowledged on exit) [%s, info %#x] [SDM vol. 3C 28.2.2 Information for VM Exits Due to Vectored Events]",
	       end_str(v, end), v->exit.intr_info);
	if (end == VMX_END_EXIT && v->exit.reason == EXIT_EXTINT)
		apic_eoi();     /* the exit acknowledged it: in service in the local APIC until this EOI */
	vmx_set_ctl(PIN_CONTROLS, 0, PIN_EXTINT | PIN_POSTED_INTR);
	vmx_set_ctl(EXIT_CONTROLS, 0, EXIT_ACK_INTR);
	vmx_set_ctl(CPU_CONTROLS, 0, CPU_MSR_BITMAP);
}

/*
 * 30.5 Virtualizing MSR-Based APIC Accesses: with "virtualize x2APIC mode"
 * (secondary bit 4) and the MSR bitmap clear, L2's RDMSR/WRMSR of 808H are
 * VTPR; with APIC-register virtualization RDMSR of another x2APIC register
 * reads the virtual-APIC page. 27.2.1.1: it excludes virtualize APIC accesses.
 */
static void x2apic_virtualization(void)
{
	struct { uint32_t msr, pad; uint64_t val; } op;
	enum vmx_end end;
	void *msr_bitmap;

	if (!controls(CPU_TPR_SHADOW | CPU_MSR_BITMAP, CPU2_VIRT_X2APIC | CPU2_APIC_REGS, "virtualize x2APIC mode"))
		return;
	msr_bitmap = alloc_page();
	memset(msr_bitmap, 0, PAGE_SIZE);
	vmwrite(MSR_BITMAP, (uintptr_t)msr_bitmap);
	vmwrite(VIRTUAL_APIC_PAGE, (uintptr_t)vapic);
	vmwrite(TPR_THRESHOLD, 0);
	memset(vapic, 0, PAGE_SIZE);
	*vreg(0x20) = 0x5a000000;
	op = (typeof(op)){ 0x808, 0, 0x30 };
	vmx_vcpu_set_entry(v, l2_wrmsr, &op, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE && *vreg(VTPR) == 0x30,
	       "virtualize x2APIC mode: L2's WRMSR 808H = 0x30 writes VTPR, no exit [%s, VTPR %#x] [SDM vol. 3C 30.5 Virtualizing MSR-Based APIC Accesses]",
	       end_str(v, end), *vreg(VTPR));
	*vreg(VTPR) = 0x70;
	op = (typeof(op)){ 0x808, 0, ~0ULL };
	vmx_vcpu_set_entry(v, l2_rdmsr, &op, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE && op.val == 0x70,
	       "virtualize x2APIC mode: L2's RDMSR 808H reads VTPR 0x70 [%s, got %#lx] [SDM vol. 3C 30.5 Virtualizing MSR-Based APIC Accesses]",
	       end_str(v, end), (unsigned long)op.val);
	op = (typeof(op)){ 0x802, 0, ~0ULL };
	vmx_vcpu_set_entry(v, l2_rdmsr, &op, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE && op.val == 0x5a000000,
	       "APIC-register virtualization: L2's RDMSR 802H (ID) reads the virtual-APIC page's 0x5a000000 [%s, got %#lx] [SDM vol. 3C 30.5 Virtualizing MSR-Based APIC Accesses]",
	       end_str(v, end), (unsigned long)op.val);
	if (vmx_ctl_allowed(CPU_CONTROLS2, CPU2_APIC_ACCESS)) {
		vmx_set_ctl(CPU_CONTROLS2, CPU2_APIC_ACCESS, 0);
		vmwrite(APIC_ACCESS_ADDR, (uintptr_t)access_page);
		vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
		end = vmx_run(v);
		report(end == VMX_END_ENTRY_FAIL && v->entry_status == VMX_FAIL_VALID && v->insn_error == ERR_CONTROLS,
		       "virtualize x2APIC mode with virtualize APIC accesses: VMfailValid 7 [%s] [SDM vol. 3C 27.2.1.1 Checks on VM-Execution Control Fields]",
		       end_str(v, end));
	}
	vmx_set_ctl(CPU_CONTROLS2, 0, CPU2_VIRT_X2APIC | CPU2_APIC_REGS | CPU2_APIC_ACCESS);
	vmx_set_ctl(CPU_CONTROLS, 0, CPU_MSR_BITMAP);
}

void vmx_test_apicv(void)
{
	report_info("pin allowed-1 %#x, primary allowed-1 %#x, secondary allowed-1 %#x",
		    (unsigned)(vmx_cap(MSR_IA32_VMX_PINBASED_CTLS) >> 32),
		    (unsigned)(vmx_cap(MSR_IA32_VMX_PROCBASED_CTLS) >> 32),
		    (unsigned)(vmx_cap(MSR_IA32_VMX_PROCBASED_CTLS2) >> 32));
	if (!vmx_ctl_allowed(CPU_CONTROLS, CPU_SECONDARY | CPU_TPR_SHADOW)) {
		report_skip("APIC virtualization: use TPR shadow (primary bit 21) or secondary controls not allowed");
		return;
	}
	/* L2 runs with IF=1: a BIOS's PIC timer must not reach it (or exit, with external-interrupt exiting). */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	v = vmx_vcpu_new();
	if (!v)
		return;
	vapic = alloc_page();
	access_page = alloc_page();
	assert(vapic && access_page);
	memset(vapic, 0, PAGE_SIZE);
	tpr_shadow();
	apic_access();
	virtual_interrupts();
	x2apic_virtualization();
	posted_interrupts();
}
