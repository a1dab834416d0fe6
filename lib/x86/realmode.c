/* realmode_call(): set up the low-memory switch (lib/x86/realmode-switch.S) and run a 16-bit blob. */
#include "hvut.h"
#include <asm/processor.h>
#include <asm/realmode.h>

#define X86_CR4_PCIDE (1UL << 17)
#define FLAGS_IF (1U << 9)

extern char rm_low[], rm_low_end[];
void realmode_switch(void);

/* A GDT descriptor: base, limit (bytes or 4 KiB units per G) and the access/flags bytes. */
static uint64_t descriptor(uint32_t base, uint32_t limit, unsigned access, unsigned flags)
{
	return (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) | ((uint64_t)access << 40) |
	       ((uint64_t)((limit >> 16) & 0xf) << 48) | ((uint64_t)flags << 52) |
	       ((uint64_t)(base >> 24) << 56);
}

const struct realmode_data *realmode_call(const void *blob, size_t len, struct realmode_regs *regs)
{
	/* Through a volatile pointer: low addresses are memory here, not C's null-ish region. */
	struct realmode_data *volatile d = (struct realmode_data *)(uintptr_t)REALMODE_DATA;
	uint32_t gdt_base = REALMODE_DATA + offsetof(struct realmode_data, gdt);

	if (len > REALMODE_BLOB_MAX || (size_t)(rm_low_end - rm_low) > REALMODE_STACK_TOP - 0x200 - REALMODE_CODE)
		return NULL;
	/* SDM vol. 2A MOV CR: clearing CR0.PG with CR4.PCIDE = 1 is #GP(0). */
	if (read_cr4() & X86_CR4_PCIDE)
		return NULL;
	memcpy((void *)(uintptr_t)REALMODE_CODE, rm_low, rm_low_end - rm_low);
	memcpy((void *)(uintptr_t)REALMODE_BLOB, blob, len);
	memset(d, 0, sizeof(*d));
	d->regs = *regs;
	d->regs.eflags = (regs->eflags & ~FLAGS_IF) | 2;
	/* As lib/x86/desc.h's 0x08/0x10/0x18, then 16-bit code and data of 64 KiB at base 0 (SDM 9.9.2). */
	d->gdt[RM_SEL_CS64 / 8] = descriptor(0, 0xfffff, 0x9b, 0xa);
	d->gdt[RM_SEL_DS / 8] = descriptor(0, 0xfffff, 0x93, 0xc);
	d->gdt[RM_SEL_CS32 / 8] = descriptor(0, 0xfffff, 0x9b, 0xc);
	d->gdt[RM_SEL_CS16 / 8] = descriptor(0, 0xffff, 0x9b, 0);
	d->gdt[RM_SEL_DS16 / 8] = descriptor(0, 0xffff, 0x93, 0);
	d->gdt_ptr[0] = sizeof(d->gdt) - 1;
	memcpy(&d->gdt_ptr[2], &gdt_base, 4);
	d->ivt_ptr[0] = 0xff;            /* the real-mode IVT: base 0, limit 0x3ff */
	d->ivt_ptr[1] = 0x03;
	d->blob_ip = 0;
	d->blob_cs = REALMODE_BLOB_SEG;
	realmode_switch();
	*regs = d->regs;
	return d;
}
