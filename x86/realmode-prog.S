/*
 * The real-address-mode program x86/realmode.c runs through realmode_call()
 * (lib/x86/asm/realmode.h): CS = DS = ES = REALMODE_BLOB_SEG, IP = 0, SS = 0.
 * It is assembled into the ELF and copied below 1 MiB, so every address in it
 * is an offset in its segment: O(x). Results go to 32-bit slots RES(i)
 * (x86/realmode-prog.h); stores that are part of a check go to the scratch
 * segment RP_SCRATCH_SEG, which x86/realmode.c reads back.
 */
#include <asm/realmode.h>
#include "realmode-prog.h"

#define O(x) ((x) - rm_prog)
#define RES(i) (O(rm_results) + 4 * (i))
#define IVT(v) ((v) * 4)

/* Vector v's IVT entry -> handler h (FS = 0); the old one is saved first. */
#define HOOK(v, h, slot) \
	mov %fs:IVT(v), %eax; mov %eax, O(ivt_saved) + 4 * (slot); \
	movw $O(h), %fs:IVT(v); mov %cs, %fs:IVT(v) + 2
#define UNHOOK(v, slot) mov O(ivt_saved) + 4 * (slot), %eax; mov %eax, %fs:IVT(v)

	.section .rodata.realmode, "a"
	.code16
	.globl rm_prog, rm_prog_end
	.globl rp_int_next, rp_int3_next, rp_de_insn, rp_ud_insn, rp_gp_insn, rp_far_ret
	.globl rp_str_src, rp_str_cmp, rp_db_int, rp_db_end, h_iret
rm_prog:
	mov %cs, %ax
	mov %ax, RES(RS_CS)
	mov %ebx, %eax
	add %ecx, %eax
	mov %eax, RES(RS_ARG)
	xor %ax, %ax
	mov %ax, %fs
	HOOK(0x00, h_de, 0)
	HOOK(0x03, h_bp, 1)
	HOOK(0x04, h_of, 2)
	HOOK(0x06, h_ud, 3)
	HOOK(0x0d, h_gp, 4)
	HOOK(0x40, h_int40, 5)
	HOOK(0x01, h_db, 6)
	HOOK(0x41, h_iret, 7)
	/* Scratch: 0x700 bytes of zeros. */
	mov $RP_SCRATCH_SEG, %ax
	mov %ax, %es
	cld
	xor %ax, %ax
	xor %di, %di
	mov $0x380, %cx
	rep stosw

	/* --- arithmetic: 16-bit operands by default, 32-bit with 0x66 (SDM vol. 1 3.6, 20.1) */
	mov $0xfff0, %ax
	add $0x20, %ax
	pushf
	pop %bx
	mov %ax, RES(RS_ADD16)
	mov %bx, RES(RS_ADD16_FL)
	mov $0x7fffffff, %eax
	add $1, %eax
	pushf
	pop %bx
	mov %eax, RES(RS_ADD32)
	mov %bx, RES(RS_ADD32_FL)
	mov $0x1234, %ax
	mov $0x100, %bx
	mul %bx
	pushf
	pop %cx
	mov %ax, RES(RS_MUL)
	mov %dx, RES(RS_MUL) + 2
	mov %cx, RES(RS_MUL_FL)
	mov $1, %dx
	xor %ax, %ax
	mov $0x10, %bx
	div %bx
	mov %ax, RES(RS_DIV)
	mov %dx, RES(RS_DIV) + 2
	/* 16-bit addressing: BX + SI wraps at 64 KiB */
	mov $0xfff0, %bx
	mov $0x20, %si
	movw $0xbeef, %es:(%bx,%si)
	mov %es:0x10, %ax
	mov %ax, RES(RS_WRAP)

	/* --- string instructions, DF = 0 then 1 (SDM vol. 2B MOVS, STOS, CMPS, SCAS, LODS, REP) */
	cld
	mov $O(rp_str_src), %si
	mov $0x100, %di
	mov $8, %cx
	rep movsb
	mov %si, RES(RS_MOVS_F)
	mov %di, RES(RS_MOVS_F) + 2
	mov %cx, RES(RS_MOVS_F_CX)
	std
	mov $O(rp_str_src) + 7, %si
	mov $0x20f, %di
	mov $8, %cx
	rep movsb
	mov %si, RES(RS_MOVS_B)
	mov %di, RES(RS_MOVS_B) + 2
	mov %cx, RES(RS_MOVS_B_CX)
	mov $0xa5c3, %ax
	mov $0x30e, %di
	mov $4, %cx
	rep stosw
	mov %di, RES(RS_STOS_DI)
	mov $'C', %al
	mov $0x107, %di
	mov $8, %cx
	repne scasb
	pushf
	pop %bx
	mov %di, RES(RS_SCAS_DI)
	mov %cx, RES(RS_SCAS_CX)
	mov %bx, RES(RS_SCAS_FL)
	mov $O(rp_str_src) + 6, %si
	lodsw
	mov %ax, RES(RS_LODS)
	mov %si, RES(RS_LODS) + 2
	cld
	push %ds
	pop %es
	mov $O(rp_str_src), %si
	mov $O(rp_str_cmp), %di
	mov $8, %cx
	repe cmpsb
	pushf
	pop %bx
	mov %si, RES(RS_CMPS)
	mov %di, RES(RS_CMPS) + 2
	mov %cx, RES(RS_CMPS_CX)
	mov %bx, RES(RS_CMPS_FL)
	mov $RP_SCRATCH_SEG, %ax
	mov %ax, %es
	mov $0x400, %si
	mov $0x400, %di
	xor %cx, %cx
	rep movsb
	mov %si, RES(RS_REP0)
	mov %di, RES(RS_REP0) + 2
	/* FS override of the source: DS = 0 would read the IVT */
	mov %cs, %ax
	mov %ax, %fs
	xor %ax, %ax
	mov %ax, %ds
	mov $O(rp_str_src), %si
	mov $0x500, %di
	mov $8, %cx
	rep movsb %fs:(%si), %es:(%di)
	mov %cs, %ax
	mov %ax, %ds
	xor %ax, %ax
	mov %ax, %fs

	/* --- far transfers (SDM vol. 2A JMP, CALL; vol. 2B RET: real-address mode) */
	ljmp $REALMODE_BLOB_SEG + 1, $O(far1) - 0x10
far1:
	mov %cs, %ax
	mov %ax, RES(RS_FAR_CS1)
	ljmp *O(far_ptr)
far2:
	mov %cs, %ax
	mov %ax, RES(RS_FAR_CS2)
	lcall $REALMODE_BLOB_SEG, $O(far_proc)
rp_far_ret:

	/* --- interrupts through the IVT (SDM vol. 3A 20.1.4; vol. 2A INT n: real-address mode) */
	mov $1, %al
	test %al, %al                    /* ZF = 0 */
	std
	stc
	/*
	 * IF = 1 for the FLAGS image only: STI holds interrupts off until after
	 * the next instruction (vol. 2B STI), INT clears IF and the handler
	 * clears it in the image IRET pops, so no interrupt is ever taken.
	 */
	sti
	int $0x40
rp_int_next:
	pushf
	pop %bx
	mov %bx, RES(RS_INT_AFTER_FL)
	cld
	int3
rp_int3_next:
	mov $0x7f, %al
	add $1, %al                      /* OF = 1 */
	into
	xor %al, %al                     /* OF = 0 */
	into
	xor %bl, %bl
	mov $1, %ax
rp_de_insn:
	div %bl
de_resume:
rp_ud_insn:
	ud2
ud_resume:
	/* LIDT moves the IVT in real mode too (20.1.4): one at scratch 0x800 */
	movw $O(h_int40_moved), %es:0x800 + IVT(0x40)
	mov %cs, %es:0x800 + IVT(0x40) + 2
	lidt O(ivt_moved)
	int $0x40
	lidt O(ivt_zero)
	/* A word at ES:0xFFFF crosses the 64 KiB limit: #GP (vol. 2A MOV, "Real-Address Mode Exceptions") */
	movw $0xffff, RES(RS_GP)
rp_gp_insn:
	mov %es:0xffff, %ax
gp_resume:

	/*
	 * Single-step (vol. 3B 17.3.1.4) in real mode: TF set by POPF traps after
	 * the next instruction; INT 41h clears TF on entry (vol. 2A INT n), its
	 * IRET sets it again: the trap comes after the instruction after IRET.
	 * h_db clears TF at rp_db_end.
	 */
	pushf
	pop %ax
	or $0x100, %ax
	push %ax
	popf
	nop
rp_db_int:
	int $0x41
	nop
rp_db_end:
	nop

	UNHOOK(0x00, 0)
	UNHOOK(0x03, 1)
	UNHOOK(0x04, 2)
	UNHOOK(0x06, 3)
	UNHOOK(0x0d, 4)
	UNHOOK(0x40, 5)
	UNHOOK(0x01, 6)
	UNHOOK(0x41, 7)
	movw $0x600d, RES(RS_END)
	mov $0x1234abcd, %eax
	stc
	lret

far_proc:
	mov %sp, %bp
	mov 0(%bp), %ax
	mov %ax, RES(RS_LCALL)
	mov 2(%bp), %ax
	mov %ax, RES(RS_LCALL) + 2
	lret

/* Each handler: BP frame, [BP+2] = IP, [BP+4] = CS, [BP+6] = FLAGS. */
h_int40:
	push %bp
	mov %sp, %bp
	mov 2(%bp), %ax
	mov %ax, RES(RS_INT)
	mov 4(%bp), %ax
	mov %ax, RES(RS_INT) + 2
	mov 6(%bp), %ax
	mov %ax, RES(RS_INT_FL)
	pushf
	pop %ax
	mov %ax, RES(RS_INT_HFL)
	orw $0x40, 6(%bp)                /* ZF in the image IRET pops */
	andw $~0x200, 6(%bp)             /* and IF = 0 */
	pop %bp
	iret
h_bp:
	push %bp
	mov %sp, %bp
	mov 2(%bp), %ax
	mov %ax, RES(RS_INT3)
	pop %bp
	iret
h_of:
	incw RES(RS_INTO_CNT)
	iret
h_de:
	push %bp
	mov %sp, %bp
	mov 2(%bp), %ax
	mov %ax, RES(RS_DE)
	movw $O(de_resume), 2(%bp)
	pop %bp
	iret
h_ud:
	push %bp
	mov %sp, %bp
	mov 2(%bp), %ax
	mov %ax, RES(RS_UD)
	movw $O(ud_resume), 2(%bp)
	pop %bp
	iret
h_gp:
	push %bp
	mov %sp, %bp
	mov 2(%bp), %ax
	mov %ax, RES(RS_GP)
	movw $O(gp_resume), 2(%bp)
	pop %bp
	iret
h_db:
	push %bp
	mov %sp, %bp
	push %bx
	mov RES(RS_DB_CNT), %bx
	cmp $4, %bx
	jae 1f
	shl $2, %bx
	mov 2(%bp), %ax
	mov %ax, O(rm_results) + 4 * RS_DB_IP(%bx)
1:	incw RES(RS_DB_CNT)
	cmpw $O(rp_db_end), 2(%bp)
	jne 2f
	andw $~0x100, 6(%bp)             /* TF = 0 in the image IRET pops */
2:	pop %bx
	pop %bp
	iret
h_iret:
	iret
h_int40_moved:
	movw $1, RES(RS_LIDT)
	iret

	.balign 4
far_ptr:
	.word O(far2), REALMODE_BLOB_SEG
ivt_moved:
	.word 0x3ff
	.long (RP_SCRATCH_SEG << 4) + 0x800
ivt_zero:
	.word 0x3ff
	.long 0
rp_str_src:
	.ascii "ABCDEFGH"
rp_str_cmp:
	.ascii "ABCxEFGH"
	.balign 4
ivt_saved:
	.skip 4 * 8
	.globl rm_results
rm_results:
	.skip 4 * RS_COUNT
rm_prog_end:
