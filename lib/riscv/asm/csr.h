/*
 * Supervisor CSRs and their bits (RISC-V privileged spec v1.12, chapter 4),
 * plus the unprivileged counters. Numbers are the spec's; names follow it.
 */
#ifndef HVUT_RISCV_CSR_H
#define HVUT_RISCV_CSR_H

#define CSR_SSTATUS 0x100
#define CSR_SIE 0x104
#define CSR_STVEC 0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG 0x10a
#define CSR_SSCRATCH 0x140
#define CSR_SEPC 0x141
#define CSR_SCAUSE 0x142
#define CSR_STVAL 0x143
#define CSR_SIP 0x144
#define CSR_STIMECMP 0x14d
#define CSR_SATP 0x180
#define CSR_CYCLE 0xc00
#define CSR_TIME 0xc01
#define CSR_INSTRET 0xc02

#define SSTATUS_SIE (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_VS (3UL << 9)
#define SSTATUS_FS (3UL << 13)
#define SSTATUS_SUM (1UL << 18)
#define SSTATUS_MXR (1UL << 19)

/* Interrupt numbers: bit n of sie/sip, and scause = (1 << 63) | n. */
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define IRQ_PMU_OVF 13
#define SCAUSE_INTERRUPT (1UL << 63)

/* Exception codes in scause (table 4.2). */
#define EXC_INSN_MISALIGNED 0
#define EXC_INSN_ACCESS 1
#define EXC_ILLEGAL_INSN 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_INSN_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE 0UL
#define SATP_MODE_SV39 8UL
#define SATP_MODE_SV48 9UL

#ifndef __ASSEMBLY__
#define __csr_str(x) #x
#define csr_str(x) __csr_str(x)

#define csr_read(csr) ({ \
	unsigned long __v; \
	__asm__ volatile("csrr %0, " csr_str(csr) : "=r"(__v) :: "memory"); \
	__v; })
#define csr_write(csr, val) \
	__asm__ volatile("csrw " csr_str(csr) ", %0" :: "rK"((unsigned long)(val)) : "memory")
#define csr_set(csr, val) \
	__asm__ volatile("csrs " csr_str(csr) ", %0" :: "rK"((unsigned long)(val)) : "memory")
#define csr_clear(csr, val) \
	__asm__ volatile("csrc " csr_str(csr) ", %0" :: "rK"((unsigned long)(val)) : "memory")
#define csr_swap(csr, val) ({ \
	unsigned long __v = (unsigned long)(val); \
	__asm__ volatile("csrrw %0, " csr_str(csr) ", %0" : "+r"(__v) :: "memory"); \
	__v; })

static inline void local_irq_enable(void) { csr_set(CSR_SSTATUS, SSTATUS_SIE); }
static inline void local_irq_disable(void) { csr_clear(CSR_SSTATUS, SSTATUS_SIE); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("nop" ::: "memory"); }
#endif

#endif
