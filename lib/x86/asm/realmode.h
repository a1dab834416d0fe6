/*
 * Calling a 16-bit real-address-mode blob from a long-mode test and coming
 * back (lib/x86/realmode.c, lib/x86/realmode-switch.S). The way out follows the SDM
 * vol. 3A chapter 9 "Processor Management and Initialization", 9.8.5.4
 * "Switching Out of IA-32e Mode Operation" and 9.9.2 "Switching Back to
 * Real-Address Mode"; the way back 9.9.1 "Switching to Protected Mode" and
 * 9.8.5 "Initializing IA-32e Mode".
 *
 * Low memory used (identity-mapped by the boot page tables, free once the
 * firmware/loader handed over, see x86/fw.h): REALMODE_DATA..+0x1000 the
 * switch code, its data and the real-mode stack; REALMODE_BLOB.. the blob
 * (64 KiB, one segment). The interrupt vector table is the real one at 0.
 */
#ifndef HVUT_X86_REALMODE_H
#define HVUT_X86_REALMODE_H

#define REALMODE_DATA 0x6000        /* struct realmode_data */
#define REALMODE_CODE 0x6100        /* the switch code, copied from realmode.S */
#define REALMODE_STACK_TOP 0x7000   /* SS = 0, SP = 0x7000 while the blob runs */
#define REALMODE_BLOB 0x60000       /* the blob runs at REALMODE_BLOB_SEG:0 */
#define REALMODE_BLOB_SEG (REALMODE_BLOB >> 4)
#define REALMODE_BLOB_MAX 0x10000

/* The switch's selectors (its own GDT): 0x08/0x10/0x18 as lib/x86/desc.h's. */
#define RM_SEL_CS64 0x08
#define RM_SEL_DS 0x10
#define RM_SEL_CS32 0x18
#define RM_SEL_CS16 0x20
#define RM_SEL_DS16 0x28

/* Offsets in struct realmode_data, for the assembly. */
#define RMD_REGS 0x00
#define RMD_EFLAGS 0x1c
#define RMD_EFER_PG_OFF 0x20
#define RMD_EFER_LME_ON 0x24
#define RMD_CR0_REAL 0x28
#define RMD_GDTR64 0x30
#define RMD_IDTR64 0x40
#define RMD_RSP 0x50
#define RMD_CR0 0x58
#define RMD_CR3 0x5c
#define RMD_GDT 0x60
#define RMD_GDT_PTR 0x90
#define RMD_IVT_PTR 0x98
#define RMD_BLOB_PTR 0xa0

#ifndef __ASSEMBLY__
#include <stdint.h>
#include <stddef.h>

/* The blob's registers in and out (FLAGS: IF is forced to 0 on the way in). */
struct realmode_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp, eflags;
};

struct realmode_data {
	struct realmode_regs regs;
	uint32_t efer_pg_off;       /* EFER read right after CR0.PG was cleared in compatibility mode */
	uint32_t efer_lme_on;       /* EFER read in protected mode after LME was set, before CR0.PG */
	uint32_t cr0_real;          /* CR0 read in real mode, before the blob */
	uint32_t pad0;
	uint8_t gdtr64[16], idtr64[16];
	uint64_t rsp;
	uint32_t cr0, cr3;
	uint64_t gdt[6];
	uint8_t gdt_ptr[8], ivt_ptr[8];
	uint16_t blob_ip, blob_cs;
} __attribute__((packed));

/*
 * Copies blob[0, len) to REALMODE_BLOB and far-calls it in real mode with
 * CS = DS = ES = REALMODE_BLOB_SEG, IP = 0, SS:SP = 0:REALMODE_STACK_TOP and
 * the registers of *regs; it returns with LRET. *regs then holds the
 * registers and FLAGS it returned with. Interrupts stay disabled throughout;
 * CPU 0 only, CR4.PCIDE must be 0 and the low 4 GiB identity-mapped.
 * Returns what the switch recorded on the way (CR0, EFER), or NULL without
 * leaving long mode when the blob is too large or CR4.PCIDE is set.
 */
const struct realmode_data *realmode_call(const void *blob, size_t len, struct realmode_regs *regs);
#endif
#endif
