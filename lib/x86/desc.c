/* GDT (with one TSS per CPU), IDT and the table of installed exception handlers. */
#include "hvut.h"
#include <asm/desc.h>
#include <asm/smp.h>

struct idt_gate {
	uint16_t offset0, selector;
	uint8_t ist, type_attr;
	uint16_t offset1;
	uint32_t offset2, reserved;
} __attribute__((packed));

static uint64_t gdt[FIRST_TSS_SEL / 8 + 2 * MAX_CPUS] __attribute__((aligned(16))) = {
	[KERNEL_CS / 8] = 0x00af9b000000ffffULL,   /* 64-bit code, DPL0 */
	[KERNEL_DS / 8] = 0x00cf93000000ffffULL,   /* data, DPL0 */
	[KERNEL_CS32 / 8] = 0x00cf9b000000ffffULL, /* 32-bit code, DPL0 */
	[USER_CS32 / 8] = 0x00cffb000000ffffULL,   /* 32-bit code, DPL3 */
	[USER_DS / 8] = 0x00cff3000000ffffULL,     /* data, DPL3 */
	[USER_CS / 8] = 0x00affb000000ffffULL,     /* 64-bit code, DPL3 */
};
static struct idt_gate idt[256] __attribute__((aligned(16)));
static struct tss64 tss[MAX_CPUS];
static exception_handler handlers[256];

extern char isr_stubs[];

static void set_gate(unsigned vec, unsigned dpl, unsigned ist)
{
	uintptr_t addr = (uintptr_t)isr_stubs + 16 * vec;
	struct idt_gate *g = &idt[vec];

	g->offset0 = addr & 0xffff;
	g->selector = KERNEL_CS;
	g->ist = ist;
	g->type_attr = 0x80 | (dpl << 5) | 0xe;   /* present, 64-bit interrupt gate */
	g->offset1 = (addr >> 16) & 0xffff;
	g->offset2 = addr >> 32;
	g->reserved = 0;
}

void set_idt_dpl(unsigned vector, unsigned dpl)
{
	idt[vector].type_attr = (idt[vector].type_attr & ~0x60) | (dpl << 5);
}

void set_idt_ist(unsigned vector, unsigned ist)
{
	idt[vector].ist = ist;
}

exception_handler handle_exception(unsigned vector, exception_handler fn)
{
	exception_handler old = handlers[vector];

	handlers[vector] = fn;
	return old;
}

exception_handler x86_installed_handler(unsigned vector)
{
	return handlers[vector];
}

static void set_tss_descriptor(int cpu)
{
	uintptr_t base = (uintptr_t)&tss[cpu];
	uint64_t limit = sizeof(struct tss64) - 1;
	unsigned idx = FIRST_TSS_SEL / 8 + 2 * cpu;

	gdt[idx] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) /* present, available TSS */
		| ((limit >> 16 & 0xf) << 48) | ((uint64_t)(base >> 24 & 0xff) << 56);
	gdt[idx + 1] = base >> 32;
}

struct tss64 *this_cpu_tss(void)
{
	return &tss[smp_id()];
}

/* Loads the GDT, this CPU's TSS and the IDT; each CPU calls it once. */
void x86_load_descriptors(int cpu)
{
	struct descriptor_ptr gp = { sizeof(gdt) - 1, (uintptr_t)gdt };
	struct descriptor_ptr ip = { sizeof(idt) - 1, (uintptr_t)idt };
	uint16_t tr = FIRST_TSS_SEL + 16 * cpu;

	/* Separate stacks (lib/x86/smp.c): the RSP0 stack must not overlap the
	 * kernel stack that run_in_user()'s caller is still using. */
	bool stacks = x86_cpu_stacks(cpu);   /* an AP's: allocated before it was started */

	assert(stacks);
	tss[cpu].rsp0 = cpus[cpu].ring0_stack;
	for (int i = 0; i < X86_NR_IST; i++)
		tss[cpu].ist[i] = cpus[cpu].ist_stack[i];
	tss[cpu].iomap_base = sizeof(struct tss64);   /* no I/O bitmap: CPL3 port access #GPs */
	set_tss_descriptor(cpu);

	__asm__ volatile("lgdt %0" :: "m"(gp));
	/* Reload CS through a far return so the new GDT's KERNEL_CS is in use. */
	__asm__ volatile("pushq %0; lea 1f(%%rip), %%rax; pushq %%rax; lretq; 1:"
			 :: "i"(KERNEL_CS) : "rax", "memory");
	__asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss" :: "r"(KERNEL_DS));
	__asm__ volatile("ltr %0" :: "r"(tr));
	__asm__ volatile("lidt %0" :: "m"(ip));
}

void x86_setup_idt(void)
{
	for (unsigned v = 0; v < 256; v++)
		set_gate(v, 0, 0);
	set_idt_ist(DF_VECTOR, 1);
	set_idt_ist(NMI_VECTOR, 2);
	set_idt_ist(MC_VECTOR, 3);
	/* As on common OSes: INT3 and INTO are allowed from CPL3. */
	set_idt_dpl(BP_VECTOR, 3);
	set_idt_dpl(OF_VECTOR, 3);
	set_idt_dpl(USER_EXIT_VECTOR, 3);
}
