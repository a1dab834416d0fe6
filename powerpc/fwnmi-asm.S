/*
 * Code powerpc/fwnmi.c needs at known addresses.
 *
 * nmi_wait(flag, tb_deadline, termno): writes the newline that completes the
 * guest's "NMI: inject N" request (docs/protocol.md "NMI") with
 * H_PUT_TERM_CHAR, then spins until *flag != 0 or the timebase passes
 * tb_deadline, and returns *flag. The harness acts on that newline, so the
 * system reset it injects can only interrupt the instructions from
 * nmi_wait_armed (right after the hcall) up to nmi_wait_end: SRR0 must be
 * one of them. The interrupted r3 is the hcall's status (H_SUCCESS) before
 * nmi_wait_loop and the flag's address from there on.
 *
 * fwnmi_sreset_entry / fwnmi_mce_entry: the handlers registered with
 * ibm,nmi-register. The hypervisor enters them like the architected vector,
 * but with r3 = the real address of its buffer holding the interrupted r3
 * (LoPAR 7.3.14): park r1 and r3 as vectors.S does, name the entry (the
 * vector with bit 0 set: FWNMI_TRAP_FLAG) and take the common path.
 */
#include <asm/smp.h>

#define H_BUSY 1
#define H_PUT_TERM_CHAR 0x58

	.text
	.globl nmi_wait, nmi_wait_armed, nmi_wait_loop, nmi_wait_end
	.type nmi_wait, @function
nmi_wait:
	stdu	1, -64(1)
	std	29, 32(1)
	std	30, 40(1)
	std	31, 48(1)
	mr	29, 3
	mr	30, 4
	mr	31, 5
0:	li	3, H_PUT_TERM_CHAR
	mr	4, 31
	li	5, 1
	li	6, 0x0a             /* '\n', the first byte of the 16: r6's top byte */
	sldi	6, 6, 56
	sc	1
nmi_wait_armed:
	cmpdi	3, H_BUSY
	beq	0b
	mr	3, 29
nmi_wait_loop:
	ld	9, 0(3)
	cmpdi	9, 0
	bne	1f
	mftb	10
	cmpld	10, 30
	blt	nmi_wait_loop
1:
nmi_wait_end:
	mr	3, 9
	ld	29, 32(1)
	ld	30, 40(1)
	ld	31, 48(1)
	addi	1, 1, 64
	blr
	.size nmi_wait, . - nmi_wait

	.macro FWNMI_ENTRY name, trap
	.globl \name
	.type \name, @function
	.balign 16
\name:
	mtspr	273, 1              /* SPRG1 = interrupted r1 */
	mfspr	1, 274              /* r1 = struct cpu */
	std	3, CPU_SCRATCH(1)   /* the FWNMI buffer's address, as r3 */
	li	3, \trap
	b	interrupt_entry
	.size \name, . - \name
	.endm

	FWNMI_ENTRY fwnmi_sreset_entry, 0x101
	FWNMI_ENTRY fwnmi_mce_entry, 0x201
