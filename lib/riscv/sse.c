/* The SBI SSE handler entry (asm/sse.h): save everything, call C, complete. */
#include "hvut.h"
#include <asm/sse.h>

__asm__(
	".pushsection .text\n"
	".balign 4\n"
	".globl sse_entry\n"
	"sse_entry:\n"
	"	sd a6, 16(a7)\n"            /* h->entry_a6 = hart ID */
	"	mv a6, sp\n"
	"	ld sp, 0(a7)\n"             /* h->stack_top */
	"	addi sp, sp, -256\n"
	"	sd a6, 16(sp)\n"            /* the interrupted sp, in x2's slot */
	"	sd x1, 8(sp)\n"
	"	sd x3, 24(sp)\n  sd x4, 32(sp)\n  sd x5, 40(sp)\n  sd x6, 48(sp)\n  sd x7, 56(sp)\n"
	"	sd x8, 64(sp)\n  sd x9, 72(sp)\n  sd x10, 80(sp)\n  sd x11, 88(sp)\n  sd x12, 96(sp)\n"
	"	sd x13, 104(sp)\n sd x14, 112(sp)\n sd x15, 120(sp)\n sd x18, 144(sp)\n sd x19, 152(sp)\n"
	"	sd x20, 160(sp)\n sd x21, 168(sp)\n sd x22, 176(sp)\n sd x23, 184(sp)\n sd x24, 192(sp)\n"
	"	sd x25, 200(sp)\n sd x26, 208(sp)\n sd x27, 216(sp)\n sd x28, 224(sp)\n sd x29, 232(sp)\n"
	"	sd x30, 240(sp)\n sd x31, 248(sp)\n"
	"	mv a0, a7\n"
	"	ld t0, 8(a7)\n"             /* h->fn */
	"	jalr t0\n"
	"	ld x1, 8(sp)\n"
	"	ld x3, 24(sp)\n  ld x4, 32(sp)\n  ld x5, 40(sp)\n  ld x6, 48(sp)\n  ld x7, 56(sp)\n"
	"	ld x8, 64(sp)\n  ld x9, 72(sp)\n  ld x10, 80(sp)\n  ld x11, 88(sp)\n  ld x12, 96(sp)\n"
	"	ld x13, 104(sp)\n ld x14, 112(sp)\n ld x15, 120(sp)\n ld x18, 144(sp)\n ld x19, 152(sp)\n"
	"	ld x20, 160(sp)\n ld x21, 168(sp)\n ld x22, 176(sp)\n ld x23, 184(sp)\n ld x24, 192(sp)\n"
	"	ld x25, 200(sp)\n ld x26, 208(sp)\n ld x27, 216(sp)\n ld x28, 224(sp)\n ld x29, 232(sp)\n"
	"	ld x30, 240(sp)\n ld x31, 248(sp)\n"
	"	ld sp, 16(sp)\n"
	"	li a7, 0x535345\n"
	"	li a6, 6\n"                 /* sbi_sse_complete: does not return here */
	"	ecall\n"
	"	unimp\n"                    /* it did: an unexpected trap says so */
	".popsection\n");
