/*
 * The SBI call layer (RISC-V SBI specification v2.0): one C function per
 * call, each returning the spec's struct sbiret {error, value} as is, so the
 * tests see exactly what the firmware put in a0/a1.
 */
#ifndef HVUT_RISCV_SBI_H
#define HVUT_RISCV_SBI_H
#include <stdbool.h>
#include <stdint.h>

/* Standard error codes (SBI v2.0, table 1). */
#define SBI_SUCCESS 0
#define SBI_ERR_FAILED (-1)
#define SBI_ERR_NOT_SUPPORTED (-2)
#define SBI_ERR_INVALID_PARAM (-3)
#define SBI_ERR_DENIED (-4)
#define SBI_ERR_INVALID_ADDRESS (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)
#define SBI_ERR_ALREADY_STARTED (-7)
#define SBI_ERR_ALREADY_STOPPED (-8)
#define SBI_ERR_NO_SHMEM (-9)
#define SBI_ERR_INVALID_STATE (-10)
#define SBI_ERR_BAD_RANGE (-11)

/* Extension IDs: legacy calls are 0x00-0x0f, the rest spell their name in ASCII. */
#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45     /* "TIME" */
#define SBI_EXT_IPI 0x735049        /* "sPI" */
#define SBI_EXT_RFENCE 0x52464e43   /* "RFNC" */
#define SBI_EXT_HSM 0x48534d        /* "HSM" */
#define SBI_EXT_SRST 0x53525354     /* "SRST" */
#define SBI_EXT_PMU 0x504d55        /* "PMU" */
#define SBI_EXT_DBCN 0x4442434e     /* "DBCN" */
#define SBI_EXT_SUSP 0x53555350     /* "SUSP" */
#define SBI_EXT_CPPC 0x43505043     /* "CPPC" */
#define SBI_EXT_STA 0x535441        /* "STA" */
#define SBI_EXT_SSE 0x535345        /* "SSE" */
#define SBI_EXT_FWFT 0x46574654     /* "FWFT" */
#define SBI_EXT_DBTR 0x44425452     /* "DBTR" */

struct sbiret {
	long error;
	long value;
};

/* The raw call: a7 = extension, a6 = function, a0..a5 = arguments. */
struct sbiret sbi_ecall(unsigned long ext, unsigned long fid, unsigned long a0,
			unsigned long a1, unsigned long a2, unsigned long a3,
			unsigned long a4, unsigned long a5);
const char *sbi_error_name(long error);

/* Base (EID 0x10). */
struct sbiret sbi_get_spec_version(void);
struct sbiret sbi_get_impl_id(void);
struct sbiret sbi_get_impl_version(void);
struct sbiret sbi_probe_extension(long ext);
struct sbiret sbi_get_mvendorid(void);
struct sbiret sbi_get_marchid(void);
struct sbiret sbi_get_mimpid(void);
/* probe_extension said the extension is there (value != 0). */
bool sbi_has(long ext);
#define SBI_SPEC_MAJOR(v) (((v) >> 24) & 0x7f)
#define SBI_SPEC_MINOR(v) ((v) & 0xffffff)
#define SBI_IMPL_OPENSBI 1

/* Legacy (v0.1) calls: no sbiret, a0 is the only result. */
long sbi_legacy_putchar(int c);
void sbi_legacy_shutdown(void);

/* TIME. */
struct sbiret sbi_set_timer(uint64_t stime_value);

/* IPI: hart_mask is a bitmap of hart IDs starting at hart_mask_base; base -1 means all harts. */
struct sbiret sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);

/* RFENCE. */
struct sbiret sbi_remote_fence_i(unsigned long hart_mask, unsigned long hart_mask_base);
struct sbiret sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base,
				    unsigned long start, unsigned long size);
struct sbiret sbi_remote_sfence_vma_asid(unsigned long hart_mask, unsigned long hart_mask_base,
					 unsigned long start, unsigned long size, unsigned long asid);

/* HSM. */
#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1
#define SBI_HSM_START_PENDING 2
#define SBI_HSM_STOP_PENDING 3
#define SBI_HSM_SUSPENDED 4
#define SBI_HSM_SUSPEND_PENDING 5
#define SBI_HSM_RESUME_PENDING 6
#define SBI_HSM_SUSPEND_RETENTIVE 0x00000000UL
#define SBI_HSM_SUSPEND_NON_RETENTIVE 0x80000000UL
struct sbiret sbi_hart_start(unsigned long hartid, unsigned long start_addr, unsigned long opaque);
struct sbiret sbi_hart_stop(void);
struct sbiret sbi_hart_get_status(unsigned long hartid);
struct sbiret sbi_hart_suspend(unsigned long type, unsigned long resume_addr, unsigned long opaque);

/* SRST. */
#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_COLD_REBOOT 1
#define SBI_SRST_WARM_REBOOT 2
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_FAILURE 1
struct sbiret sbi_system_reset(unsigned long type, unsigned long reason);

/* PMU. */
#define SBI_PMU_EVENT(type, code) (((unsigned long)(type) << 16) | (code))
#define SBI_PMU_HW_CPU_CYCLES SBI_PMU_EVENT(0, 1)
#define SBI_PMU_HW_INSTRUCTIONS SBI_PMU_EVENT(0, 2)
#define SBI_PMU_FW_TYPE 0xf
#define SBI_PMU_FW_SET_TIMER SBI_PMU_EVENT(SBI_PMU_FW_TYPE, 5)
#define SBI_PMU_FW_IPI_SENT SBI_PMU_EVENT(SBI_PMU_FW_TYPE, 6)
#define SBI_PMU_CFG_SKIP_MATCH (1UL << 0)
#define SBI_PMU_CFG_CLEAR_VALUE (1UL << 1)
#define SBI_PMU_CFG_AUTO_START (1UL << 2)
#define SBI_PMU_START_SET_INIT_VALUE (1UL << 0)
#define SBI_PMU_STOP_RESET (1UL << 0)
/* counter_get_info's value: CSR number, width - 1, and the firmware-counter flag. */
#define SBI_PMU_INFO_CSR(v) ((unsigned long)(v) & 0xfff)
#define SBI_PMU_INFO_WIDTH(v) ((((unsigned long)(v) >> 12) & 0x3f) + 1)
#define SBI_PMU_INFO_IS_FW(v) ((unsigned long)(v) >> 63)
struct sbiret sbi_pmu_num_counters(void);
struct sbiret sbi_pmu_counter_get_info(unsigned long idx);
struct sbiret sbi_pmu_counter_config_matching(unsigned long base, unsigned long mask,
					      unsigned long flags, unsigned long event,
					      uint64_t data);
struct sbiret sbi_pmu_counter_start(unsigned long base, unsigned long mask, unsigned long flags,
				    uint64_t initial);
struct sbiret sbi_pmu_counter_stop(unsigned long base, unsigned long mask, unsigned long flags);
struct sbiret sbi_pmu_counter_fw_read(unsigned long idx);

/* DBCN: the buffer is a physical address split in two halves (lo, hi). */
struct sbiret sbi_dbcn_write(unsigned long n, unsigned long base_lo, unsigned long base_hi);
struct sbiret sbi_dbcn_read(unsigned long n, unsigned long base_lo, unsigned long base_hi);
struct sbiret sbi_dbcn_write_byte(uint8_t byte);

/* SUSP. */
#define SBI_SUSP_SUSPEND_TO_RAM 0
struct sbiret sbi_system_suspend(unsigned long sleep_type, unsigned long resume_addr,
				 unsigned long opaque);

/* FWFT (SBI v3.0, "Firmware Features Extension"): feature IDs and the LOCK flag. */
#define SBI_FWFT_MISALIGNED_EXC_DELEG 0x0
#define SBI_FWFT_LANDING_PAD 0x1
#define SBI_FWFT_SHADOW_STACK 0x2
#define SBI_FWFT_DOUBLE_TRAP 0x3
#define SBI_FWFT_PTE_AD_HW_UPDATING 0x4
#define SBI_FWFT_POINTER_MASKING_PMLEN 0x5
#define SBI_FWFT_SET_FLAG_LOCK (1UL << 0)
struct sbiret sbi_fwft_set(unsigned long feature, unsigned long value, unsigned long flags);
struct sbiret sbi_fwft_get(unsigned long feature);

#endif
