/* Segments, the TSS and the IDT as the x86 boot code sets them up. */
#ifndef HVUT_X86_DESC_H
#define HVUT_X86_DESC_H

/* GDT layout; user selectors are ordered for SYSRET (STAR[63:48] = USER_CS32). */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define KERNEL_CS32 0x18
#define USER_CS32 0x23
#define USER_DS 0x2b
#define USER_CS 0x33
#define FIRST_TSS_SEL 0x38   /* CPU n's 16-byte TSS descriptor at 0x38 + 16 n */
#define MAX_CPUS 16

/* Vectors */
#define DE_VECTOR 0
#define DB_VECTOR 1
#define NMI_VECTOR 2
#define BP_VECTOR 3
#define OF_VECTOR 4
#define BR_VECTOR 5
#define UD_VECTOR 6
#define NM_VECTOR 7
#define DF_VECTOR 8
#define TS_VECTOR 10
#define NP_VECTOR 11
#define SS_VECTOR 12
#define GP_VECTOR 13
#define PF_VECTOR 14
#define MF_VECTOR 16
#define AC_VECTOR 17
#define MC_VECTOR 18
#define XM_VECTOR 19
#define VE_VECTOR 20
#define CP_VECTOR 21
/* int $USER_EXIT_VECTOR is how code run by run_in_user() returns to CPL0. */
#define USER_EXIT_VECTOR 0x81

#ifndef __ASSEMBLY__
#include <stdint.h>
#include <asm/regs.h>

typedef void (*exception_handler)(struct ex_regs *regs);
/* Installs a handler on every CPU; returns the previous one (NULL: default). */
exception_handler handle_exception(unsigned vector, exception_handler fn);
/* Sets an IDT gate's DPL (e.g. 3 so CPL3 code may INT n) and IST index. */
void set_idt_dpl(unsigned vector, unsigned dpl);
void set_idt_ist(unsigned vector, unsigned ist);

struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* The 64-bit TSS (Intel SDM vol. 3, 8.7). */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));

struct tss64 *this_cpu_tss(void);
#endif

#endif
