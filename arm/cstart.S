/*
 * arm64 entry. The file starts with the arm64 Linux Image header (Linux
 * Documentation/arch/arm64/booting.rst describes the fields) so that QEMU's
 * -kernel treats the flat .bin as an Image: it loads it at RAM base +
 * text_offset and enters with x0 = the device tree's address. The image is
 * linked at exactly that address (arm/flat.lds), so no relocation is needed.
 */
#include <asm/regs.h>

#define SCTLR_EL1_RES1 0x30d00800   /* RES1 bits 29,28,23(SPAN),22,20,11 of Armv8.0 */
#define HCR_EL2_RW (1 << 31)        /* EL1 is AArch64 */
#define SPSR_EL1H_MASKED 0x3c5      /* EL1h, D A I F masked */
#define BOOT_STACK 16384

	.section .text.head, "ax"
	.globl _start
_start:
	b	primary_entry            /* code0 */
	.long	0                        /* code1 */
	.quad	0x80000                  /* text_offset: matches the link address */
	.quad	__image_size             /* image_size, .bss included */
	.quad	0x2                      /* flags: little-endian, 4K pages, 2 MiB-aligned base */
	.quad	0, 0, 0                  /* res2-res4 */
	.ascii	"ARM\x64"                /* magic at 0x38 */
	.long	0                        /* res5 (no PE header) */

	.text
/*
 * Started at EL2 (virtualization=on): give EL1 the whole machine (timers,
 * counters, PMU counters, GICv3 system registers, its own MIDR/MPIDR) and
 * drop to EL1h with interrupts masked. Clobbers x1.
 */
.macro drop_to_el1
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	9f
	mov	x1, #HCR_EL2_RW
	msr	hcr_el2, x1
	mov	x1, #3                   /* CNTHCTL_EL2.EL1PCTEN | EL1PCEN */
	msr	cnthctl_el2, x1
	msr	cntvoff_el2, xzr
	mrs	x1, midr_el1
	msr	vpidr_el2, x1
	mrs	x1, mpidr_el1
	msr	vmpidr_el2, x1
	mov	x1, #0x33ff              /* CPTR_EL2: RES1 bits only, no traps */
	msr	cptr_el2, x1
	msr	hstr_el2, xzr
	mrs	x1, pmcr_el0             /* MDCR_EL2.HPMN = PMCR_EL0.N: EL1 sees every counter */
	ubfx	x1, x1, #11, #5
	msr	mdcr_el2, x1
	mrs	x1, id_aa64pfr0_el1      /* GIC field: system register interface present? */
	ubfx	x1, x1, #24, #4
	cbz	x1, 8f
	mrs	x1, S3_4_C12_C9_5        /* ICC_SRE_EL2 |= Enable | SRE */
	orr	x1, x1, #1
	orr	x1, x1, #8
	msr	S3_4_C12_C9_5, x1
	isb
8:	msr	vttbr_el2, xzr
	ldr	x1, =el2_vectors         /* HVC #0 from EL1: el2_call() (lib/arm64/el2.S) */
	msr	vbar_el2, x1
	ldr	x1, =SCTLR_EL1_RES1
	msr	sctlr_el1, x1
	mov	x1, #SPSR_EL1H_MASKED
	msr	spsr_el2, x1
	adr	x1, 9f
	msr	elr_el2, x1
	eret
9:
.endm

primary_entry:
	mov	x19, x0                  /* the DTB */
	adr	x1, _start               /* loaded where linked? otherwise nothing works: stop */
	ldr	x2, =_start
	cmp	x1, x2
	b.ne	halt
	mrs	x20, CurrentEL
	lsr	x20, x20, #2
	drop_to_el1
	msr	daifset, #0xf
	ldr	x1, =SCTLR_EL1_RES1
	msr	sctlr_el1, x1
	isb
	ldr	x0, =__bss_start         /* .bss is 16-byte aligned and sized */
	ldr	x1, =__bss_end
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:	ldr	x0, =boot_stack + BOOT_STACK
	mov	sp, x0
	mov	x29, xzr
	mov	x30, xzr
	ldr	x0, =vectors
	msr	vbar_el1, x0
	msr	tpidr_el1, xzr           /* smp_id() = 0 */
	isb
	ldr	x0, =boot_el
	str	x20, [x0]
	mov	x0, x19
	bl	arm64_boot_main
halt:	wfi
	b	halt

/*
 * Secondary CPUs come here from PSCI CPU_ON with x0 = context_id = CPU index,
 * MMU off. The boot CPU cleaned secondary_boot[] to memory before CPU_ON.
 */
	.globl secondary_entry
secondary_entry:
	mov	x19, x0
	drop_to_el1
	msr	daifset, #0xf
	ldr	x1, =SCTLR_EL1_RES1
	msr	sctlr_el1, x1
	isb
	msr	tpidr_el1, x19
	ldr	x0, =vectors
	msr	vbar_el1, x0
	ldr	x4, =secondary_boot      /* { stack top, mair, tcr, ttbr0, sctlr } */
	ldr	x0, [x4]
	mov	sp, x0
	mov	x29, xzr
	mov	x30, xzr
	ldp	x0, x1, [x4, #8]
	ldp	x2, x3, [x4, #24]
	bl	mmu_enable
	mov	x0, x19
	bl	arm64_secondary_main
	b	halt

/* mmu_enable(mair, tcr, ttbr0, sctlr): the tables are an identity map, so the PC stays valid. */
	.globl mmu_enable
mmu_enable:
	msr	mair_el1, x0
	msr	tcr_el1, x1
	msr	ttbr0_el1, x2
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	msr	sctlr_el1, x3
	isb
	ic	iallu
	dsb	nsh
	isb
	ret

	.bss
	.balign 16
boot_stack:
	.space	BOOT_STACK
