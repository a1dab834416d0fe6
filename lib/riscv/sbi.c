/* The SBI calling convention (SBI spec v2.0, chapter 3) and one wrapper per call. */
#include "hvut.h"
#include <asm/sbi.h>

struct sbiret sbi_ecall(unsigned long ext, unsigned long fid, unsigned long arg0,
			unsigned long arg1, unsigned long arg2, unsigned long arg3,
			unsigned long arg4, unsigned long arg5)
{
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a2 __asm__("a2") = arg2;
	register unsigned long a3 __asm__("a3") = arg3;
	register unsigned long a4 __asm__("a4") = arg4;
	register unsigned long a5 __asm__("a5") = arg5;
	register unsigned long a6 __asm__("a6") = fid;
	register unsigned long a7 __asm__("a7") = ext;

	/* The firmware preserves every register but a0/a1 (the spec's promise). */
	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1)
			 : "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6), "r"(a7)
			 : "memory");
	return (struct sbiret){ (long)a0, (long)a1 };
}

const char *sbi_error_name(long e)
{
	static const char *const names[] = {
		"SUCCESS", "FAILED", "NOT_SUPPORTED", "INVALID_PARAM", "DENIED",
		"INVALID_ADDRESS", "ALREADY_AVAILABLE", "ALREADY_STARTED", "ALREADY_STOPPED",
		"NO_SHMEM", "INVALID_STATE", "BAD_RANGE",
	};

	if (e <= 0 && -e < (long)ARRAY_SIZE(names))
		return names[-e];
	return "unknown error";
}

#define CALL0(ext, fid) sbi_ecall(ext, fid, 0, 0, 0, 0, 0, 0)

struct sbiret sbi_get_spec_version(void) { return CALL0(SBI_EXT_BASE, 0); }
struct sbiret sbi_get_impl_id(void) { return CALL0(SBI_EXT_BASE, 1); }
struct sbiret sbi_get_impl_version(void) { return CALL0(SBI_EXT_BASE, 2); }
struct sbiret sbi_probe_extension(long ext) { return sbi_ecall(SBI_EXT_BASE, 3, ext, 0, 0, 0, 0, 0); }
struct sbiret sbi_get_mvendorid(void) { return CALL0(SBI_EXT_BASE, 4); }
struct sbiret sbi_get_marchid(void) { return CALL0(SBI_EXT_BASE, 5); }
struct sbiret sbi_get_mimpid(void) { return CALL0(SBI_EXT_BASE, 6); }

bool sbi_has(long ext)
{
	struct sbiret r = sbi_probe_extension(ext);

	return r.error == SBI_SUCCESS && r.value != 0;
}

long sbi_legacy_putchar(int c)
{
	return sbi_ecall(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)c, 0, 0, 0, 0, 0).error;
}

void sbi_legacy_shutdown(void)
{
	sbi_ecall(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0, 0, 0, 0);
}

struct sbiret sbi_set_timer(uint64_t t) { return sbi_ecall(SBI_EXT_TIME, 0, t, 0, 0, 0, 0, 0); }

struct sbiret sbi_send_ipi(unsigned long mask, unsigned long base)
{
	return sbi_ecall(SBI_EXT_IPI, 0, mask, base, 0, 0, 0, 0);
}

struct sbiret sbi_remote_fence_i(unsigned long mask, unsigned long base)
{
	return sbi_ecall(SBI_EXT_RFENCE, 0, mask, base, 0, 0, 0, 0);
}

struct sbiret sbi_remote_sfence_vma(unsigned long mask, unsigned long base, unsigned long start,
				    unsigned long size)
{
	return sbi_ecall(SBI_EXT_RFENCE, 1, mask, base, start, size, 0, 0);
}

struct sbiret sbi_remote_sfence_vma_asid(unsigned long mask, unsigned long base, unsigned long start,
					 unsigned long size, unsigned long asid)
{
	return sbi_ecall(SBI_EXT_RFENCE, 2, mask, base, start, size, asid, 0);
}

struct sbiret sbi_hart_start(unsigned long hartid, unsigned long addr, unsigned long opaque)
{
	return sbi_ecall(SBI_EXT_HSM, 0, hartid, addr, opaque, 0, 0, 0);
}

struct sbiret sbi_hart_stop(void) { return CALL0(SBI_EXT_HSM, 1); }

struct sbiret sbi_hart_get_status(unsigned long hartid)
{
	return sbi_ecall(SBI_EXT_HSM, 2, hartid, 0, 0, 0, 0, 0);
}

struct sbiret sbi_hart_suspend(unsigned long type, unsigned long addr, unsigned long opaque)
{
	return sbi_ecall(SBI_EXT_HSM, 3, type, addr, opaque, 0, 0, 0);
}

struct sbiret sbi_system_reset(unsigned long type, unsigned long reason)
{
	return sbi_ecall(SBI_EXT_SRST, 0, type, reason, 0, 0, 0, 0);
}

struct sbiret sbi_pmu_num_counters(void) { return CALL0(SBI_EXT_PMU, 0); }

struct sbiret sbi_pmu_counter_get_info(unsigned long idx)
{
	return sbi_ecall(SBI_EXT_PMU, 1, idx, 0, 0, 0, 0, 0);
}

struct sbiret sbi_pmu_counter_config_matching(unsigned long base, unsigned long mask,
					      unsigned long flags, unsigned long event, uint64_t data)
{
	return sbi_ecall(SBI_EXT_PMU, 2, base, mask, flags, event, data, 0);
}

struct sbiret sbi_pmu_counter_start(unsigned long base, unsigned long mask, unsigned long flags,
				    uint64_t initial)
{
	return sbi_ecall(SBI_EXT_PMU, 3, base, mask, flags, initial, 0, 0);
}

struct sbiret sbi_pmu_counter_stop(unsigned long base, unsigned long mask, unsigned long flags)
{
	return sbi_ecall(SBI_EXT_PMU, 4, base, mask, flags, 0, 0, 0);
}

struct sbiret sbi_pmu_counter_fw_read(unsigned long idx)
{
	return sbi_ecall(SBI_EXT_PMU, 5, idx, 0, 0, 0, 0, 0);
}

struct sbiret sbi_dbcn_write(unsigned long n, unsigned long lo, unsigned long hi)
{
	return sbi_ecall(SBI_EXT_DBCN, 0, n, lo, hi, 0, 0, 0);
}

struct sbiret sbi_dbcn_read(unsigned long n, unsigned long lo, unsigned long hi)
{
	return sbi_ecall(SBI_EXT_DBCN, 1, n, lo, hi, 0, 0, 0);
}

struct sbiret sbi_dbcn_write_byte(uint8_t byte)
{
	return sbi_ecall(SBI_EXT_DBCN, 2, byte, 0, 0, 0, 0, 0);
}

struct sbiret sbi_system_suspend(unsigned long type, unsigned long addr, unsigned long opaque)
{
	return sbi_ecall(SBI_EXT_SUSP, 0, type, addr, opaque, 0, 0, 0);
}

struct sbiret sbi_fwft_set(unsigned long feature, unsigned long value, unsigned long flags)
{
	return sbi_ecall(SBI_EXT_FWFT, 0, feature, value, flags, 0, 0, 0);
}

struct sbiret sbi_fwft_get(unsigned long feature)
{
	return sbi_ecall(SBI_EXT_FWFT, 1, feature, 0, 0, 0, 0, 0);
}
