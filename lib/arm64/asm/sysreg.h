/* System register access and the barriers and bit names the library uses. */
#ifndef HVUT_ARM64_SYSREG_H
#define HVUT_ARM64_SYSREG_H

#define read_sysreg(r) ({ unsigned long __v; __asm__ volatile("mrs %0, " #r : "=r"(__v) :: "memory"); __v; })
#define write_sysreg(v, r) __asm__ volatile("msr " #r ", %0" :: "r"((unsigned long)(v)) : "memory")
#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
#define wfi() __asm__ volatile("wfi" ::: "memory")
#define cpu_relax() __asm__ volatile("yield" ::: "memory")

static inline void irq_enable(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }

/* ESR_ELx.EC values (Arm ARM D19.2, ESR_EL1). */
#define ESR_EC_SHIFT 26
#define ESR_EC(esr) (((esr) >> ESR_EC_SHIFT) & 0x3f)
#define EC_UNKNOWN 0x00
#define EC_WFX 0x01
#define EC_FP 0x07
#define EC_ILLEGAL 0x0e
#define EC_SVC64 0x15
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYSREG 0x18
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define EC_SP_ALIGN 0x26
#define EC_SERROR 0x2f
#define EC_BRK64 0x3c

/* SPSR/PSTATE mode field. */
#define PSR_MODE_MASK 0xf
#define PSR_MODE_EL0T 0x0
#define PSR_MODE_EL1H 0x5

/* ID register fields used by more than one file. */
#define ID_FIELD(reg, shift) (((reg) >> (shift)) & 0xf)
#define MPIDR_HWID_MASK 0xff00ffffffUL

#endif
