/*
 * hvut's tiny pseries firmware, loaded by QEMU's -bios in place of SLOF.
 *
 * QEMU's pseries machine builds the device tree itself, loads the -kernel ELF
 * and the -initrd, writes the tree into guest RAM and starts the boot CPU at
 * 0x100 in big-endian real mode with r3 = the tree's address. All that is
 * left for firmware is to find where the kernel went (/chosen
 * "qemu,boot-kernel" = <u64 address, u64 size>) and jump there with r3 still
 * pointing at the tree. SLOF does the same plus an Open Firmware client
 * interface, a console and a boot menu, which costs seconds per test.
 *
 * Assembled big-endian (the CPU runs big-endian here whatever the kernel's
 * endianness): the tree is big-endian too, so no byte swapping is needed.
 * The kernel's entry copes with being entered big-endian (powerpc/cstart.S).
 * Only r3-r12 and r20-r24 are used; no stack, no memory is written.
 */
#define FDT_BEGIN_NODE 1
#define FDT_PROP 3
#define FDT_END 9

	.section .text
	.org 0x100                  /* the system reset vector: QEMU starts us here */
	.globl fw_entry
fw_entry:
	mr	20, 3               /* r20: the device tree */
	lwz	21, 8(3)            /* header: off_dt_struct */
	add	21, 21, 3           /* r21: cursor in the structure block */
	lwz	22, 12(3)           /* header: off_dt_strings */
	add	22, 22, 3           /* r22: the strings block */
	li	23, wanted          /* r23: the name we look for (linked at 0: fits 16 bits) */

next_token:
	lwz	5, 0(21)
	addi	21, 21, 4
	cmpwi	5, FDT_BEGIN_NODE
	beq	skip_name
	cmpwi	5, FDT_PROP
	beq	property
	cmpwi	5, FDT_END
	beq	not_found
	b	next_token          /* END_NODE and NOP carry no payload */

skip_name:                          /* the node's name: NUL-terminated, padded to 4 */
	lbz	6, 0(21)
	addi	21, 21, 1
	cmpwi	6, 0
	bne	skip_name
	addi	21, 21, 3
	clrrdi	21, 21, 2
	b	next_token

property:                           /* u32 len, u32 nameoff, value[len] padded to 4 */
	lwz	6, 0(21)
	lwz	7, 4(21)
	addi	8, 21, 8            /* r8: the value */
	add	21, 8, 6
	addi	21, 21, 3
	clrrdi	21, 21, 2
	add	7, 7, 22            /* r7: the property's name */
	mr	9, 23
compare:
	lbz	10, 0(7)
	lbz	11, 0(9)
	cmpw	10, 11
	bne	next_token
	addi	7, 7, 1
	addi	9, 9, 1
	cmpwi	10, 0
	bne	compare

	/* Found: the value's first 8 bytes are the kernel's address (4-byte aligned: two loads). */
	lwz	10, 0(8)
	lwz	11, 4(8)
	sldi	10, 10, 32
	or	24, 10, 11
	mtctr	24
	mr	3, 20               /* r3: the device tree, as the kernel expects */
	li	4, 0
	li	5, 0                /* r5 = 0: no Open Firmware client interface */
	bctr

not_found:                          /* no -kernel: nothing to boot; the harness's timeout ends the run */
	b	not_found

wanted:
	.asciz	"qemu,boot-kernel"
