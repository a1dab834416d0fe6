/*
 * Base extension (EID 0x10): always present. Optional expectations, from the
 * environment or as key=val arguments:
 *   SBI_SPEC_VERSION / spec=MAJOR.MINOR, SBI_IMPL_ID / impl-id=N,
 *   SBI_IMPL_VERSION / impl-version=N, MVENDORID / mvendorid=N,
 *   MARCHID / marchid=N, MIMPID / mimpid=N.
 */
#include "sbi-tests.h"

#define ABSENT_EID 0x48565554   /* "HVUT": not an allocated extension ID */

static const char *impl_name(long id)
{
	static const char *const names[] = {
		"BBL", "OpenSBI", "Xvisor", "KVM", "RustSBI", "Diosix", "Coffer", "Xen Project",
		"PolarFire HSS", "coreboot", "oreboot", "bhyve",
	};

	return id >= 0 && id < (long)ARRAY_SIZE(names) ? names[id] : "unknown";
}

static void check_value(const char *what, struct sbiret r, const char *env, const char *arg)
{
	const char *want = sbi_expect(env, arg);

	if (!report(r.error == SBI_SUCCESS, "%s succeeds (%s)", what, sbi_error_name(r.error)))
		return;
	if (want)
		report((unsigned long)r.value == strtoul(want, NULL, 0), "%s is %s as expected (got %#lx)",
		       what, want, r.value);
	else
		report_info("%s = %#lx (set %s to check it)", what, r.value, env);
}

void sbi_test_base(void)
{
	struct sbiret r;
	const char *want;
	long v;

	report_prefix_push("base");
	r = sbi_get_spec_version();
	v = r.value;
	report(r.error == SBI_SUCCESS, "get_spec_version succeeds");
	report(!(v & ~0x7fffffffL), "spec version has bit 31 and above clear (%#lx)", v);
	report(SBI_SPEC_MAJOR(v) >= 1 || SBI_SPEC_MINOR(v) >= 2,
	       "spec version %ld.%ld is at least 0.2 (the first with the base extension)",
	       SBI_SPEC_MAJOR(v), SBI_SPEC_MINOR(v));
	want = sbi_expect("SBI_SPEC_VERSION", "spec");
	if (want) {
		char *end;
		long major = strtol(want, &end, 10), minor = *end == '.' ? strtol(end + 1, NULL, 10) : 0;

		report(SBI_SPEC_MAJOR(v) == major && SBI_SPEC_MINOR(v) == minor,
		       "spec version is %s as expected (got %ld.%ld)", want, SBI_SPEC_MAJOR(v), SBI_SPEC_MINOR(v));
	}

	r = sbi_get_impl_id();
	report_info("implementation: %s (ID %ld)", impl_name(r.value), r.value);
	check_value("impl_id", r, "SBI_IMPL_ID", "impl-id");
	r = sbi_get_impl_version();
	if (opensbi())
		report_info("OpenSBI version %ld.%ld", r.value >> 16, r.value & 0xffff);
	check_value("impl_version", r, "SBI_IMPL_VERSION", "impl-version");

	r = sbi_probe_extension(SBI_EXT_BASE);
	report(r.error == SBI_SUCCESS && r.value != 0, "probe of the base extension says present (%ld)", r.value);
	r = sbi_probe_extension(SBI_EXT_TIME);
	/* The SBI spec makes only the base extension mandatory: TIME is information. */
	report(r.error == SBI_SUCCESS, "probe of TIME succeeds (%s)", sbi_error_name(r.error));
	report_info("TIME extension %s", r.value ? "present" : "absent");
	r = sbi_probe_extension(ABSENT_EID);
	report(r.error == SBI_SUCCESS && r.value == 0, "probe of an unallocated ID (%#x) says absent (%s, %ld)",
	       ABSENT_EID, sbi_error_name(r.error), r.value);

	check_value("mvendorid", sbi_get_mvendorid(), "MVENDORID", "mvendorid");
	check_value("marchid", sbi_get_marchid(), "MARCHID", "marchid");
	check_value("mimpid", sbi_get_mimpid(), "MIMPID", "mimpid");

	report_sbi_error(sbi_ecall(SBI_EXT_BASE, 0x4856, 0, 0, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED,
			 "an unknown base function ID");
	report_sbi_error(sbi_ecall(ABSENT_EID, 0, 0, 0, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED,
			 "a call to an absent extension");
	report_prefix_pop();
}
