/*
 * sbi: the SBI implementation under us follows the SBI v2.0 specification.
 * One report prefix per extension; an extension probe_extension calls absent
 * is one SKIP. Expectations about the implementation can be given as
 * environment variables or arguments (see sbi-base.c).
 */
#include "sbi-tests.h"
#include <asm/timer.h>

bool sbi_ext_begin(const char *name, long eid)
{
	report_prefix_push(name);
	if (sbi_has(eid))
		return true;
	report_skip("SBI %s extension (EID %#lx): probe_extension says absent", name, eid);
	report_prefix_pop();
	return false;
}

bool report_sbi_error(struct sbiret r, long want, const char *what)
{
	return report(r.error == want, "%s: %s (got %s, %ld)", what, sbi_error_name(want),
		      sbi_error_name(r.error), r.error);
}

const char *sbi_expect(const char *env_name, const char *arg_name)
{
	size_t n = strlen(arg_name);
	const char *v = getenv(env_name);

	if (v)
		return v;
	for (int i = 1; i < __argc; i++)
		if (!strncmp(__argv[i], arg_name, n) && __argv[i][n] == '=')
			return __argv[i] + n + 1;
	return NULL;
}

bool wait_flag(volatile int *flag, unsigned ms)
{
	uint64_t end = read_time() + us_to_ticks(ms * 1000ULL);

	while (!*flag && read_time() < end)
		cpu_relax();
	return *flag;
}

bool opensbi(void)
{
	return sbi_get_impl_id().value == SBI_IMPL_OPENSBI;
}

bool opensbi_between(long lo, long hi)
{
	long v = sbi_get_impl_version().value;

	return opensbi() && v >= lo && v <= hi;
}

bool qemu7_counter_inhibit_bug(void)
{
	return sbi_get_mvendorid().value == 0 && sbi_get_mimpid().value < 0x080000 &&
	       sbi_get_mimpid().value >= 0x070000;
}

int main(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	sbi_test_base();
	sbi_test_time();
	sbi_test_ipi();
	sbi_test_rfence();
	sbi_test_hsm();
	sbi_test_pmu();
	sbi_test_dbcn();
	sbi_test_susp();
	sbi_test_fwft();
	/* Last: a firmware that ignores the invalid arguments powers the VM off here (CRASH). */
	sbi_test_srst();
	return report_summary();
}
