/*
 * psci: the firmware interface QEMU (or KVM) emulates. PSCI_VERSION in the
 * range we know (0.2 .. 1.3), PSCI_FEATURES for every function the spec
 * defines (mandatory ones present, ones newer than the reported version
 * NOT_SUPPORTED), CPU_ON/CPU_OFF/AFFINITY_INFO state changes and errors.
 */
#include "hvut.h"
#include <asm/psci.h>
#include <asm/smp.h>
#include <asm/timer.h>

#define V(maj, min) ((maj) << 16 | (min))

struct psci_fn {
	unsigned id;
	const char *name;
	unsigned since;       /* version that defined it */
	unsigned mandatory;   /* version from which it must be present, 0 = optional */
};

/* DEN0022 "PSCI function" tables: SMC64 IDs where both conventions exist. */
static const struct psci_fn fns[] = {
	{ PSCI_VERSION, "PSCI_VERSION", V(0, 2), V(0, 2) },
	{ PSCI_CPU_SUSPEND_64, "CPU_SUSPEND", V(0, 2), V(0, 2) },
	{ PSCI_CPU_OFF, "CPU_OFF", V(0, 2), V(0, 2) },
	{ PSCI_CPU_ON_64, "CPU_ON", V(0, 2), V(0, 2) },
	{ PSCI_AFFINITY_INFO_64, "AFFINITY_INFO", V(0, 2), V(0, 2) },
	{ PSCI_MIGRATE_64, "MIGRATE", V(0, 2), 0 },
	{ PSCI_MIGRATE_INFO_TYPE, "MIGRATE_INFO_TYPE", V(0, 2), 0 },
	{ PSCI_MIGRATE_INFO_UP_CPU_64, "MIGRATE_INFO_UP_CPU", V(0, 2), 0 },
	{ PSCI_SYSTEM_OFF, "SYSTEM_OFF", V(0, 2), V(0, 2) },
	{ PSCI_SYSTEM_RESET, "SYSTEM_RESET", V(0, 2), V(0, 2) },
	{ PSCI_FEATURES, "PSCI_FEATURES", V(1, 0), V(1, 0) },
	{ PSCI_CPU_FREEZE, "CPU_FREEZE", V(1, 0), 0 },
	{ PSCI_CPU_DEFAULT_SUSPEND_64, "CPU_DEFAULT_SUSPEND", V(1, 0), 0 },
	{ PSCI_NODE_HW_STATE_64, "NODE_HW_STATE", V(1, 0), 0 },
	{ PSCI_SYSTEM_SUSPEND_64, "SYSTEM_SUSPEND", V(1, 0), 0 },
	{ PSCI_SET_SUSPEND_MODE, "PSCI_SET_SUSPEND_MODE", V(1, 0), 0 },
	{ PSCI_STAT_RESIDENCY_64, "PSCI_STAT_RESIDENCY", V(1, 0), 0 },
	{ PSCI_STAT_COUNT_64, "PSCI_STAT_COUNT", V(1, 0), 0 },
	{ PSCI_SYSTEM_RESET2_64, "SYSTEM_RESET2", V(1, 1), 0 },
	{ PSCI_MEM_PROTECT, "MEM_PROTECT", V(1, 1), 0 },
	{ PSCI_MEM_PROTECT_CHECK_RANGE_64, "MEM_PROTECT_CHECK_RANGE", V(1, 1), 0 },
	{ PSCI_SYSTEM_OFF2_64, "SYSTEM_OFF2", V(1, 3), 0 },
	{ PSCI_CLEAN_INV_MEMREGION_64, "CLEAN_INV_MEMREGION", V(1, 3), 0 },
	{ PSCI_CLEAN_INV_MEMREGION_ATTRIBUTES, "CLEAN_INV_MEMREGION_ATTRIBUTES", V(1, 3), 0 },
};

static unsigned check_version(void)
{
	long v = psci_call(PSCI_VERSION, 0, 0, 0);
	unsigned maj = (unsigned long)v >> 16 & 0x7fff, min = v & 0xffff;

	report(v >= V(0, 2) && v <= V(1, 3), "PSCI_VERSION is %u.%u, between 0.2 and 1.3", maj, min);
	return v;
}

static void check_features(unsigned version)
{
	static const unsigned unassigned[] = { 0x8400001f, 0xc400001f, 0x840000ff };

	report_prefix_push("PSCI_FEATURES");
	if (version < V(1, 0)) {
		report_skip("PSCI %u.%u predates PSCI_FEATURES (1.0)", version >> 16, version & 0xffff);
		report_prefix_pop();
		return;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(fns); i++) {
		const struct psci_fn *f = &fns[i];
		long r = psci_call(PSCI_FEATURES, f->id, 0, 0);

		if (f->since > version)
			report(r == PSCI_NOT_SUPPORTED, "%s (%#x, PSCI %u.%u) is NOT_SUPPORTED in %u.%u (%ld)",
			       f->name, f->id, f->since >> 16, f->since & 0xffff, version >> 16, version & 0xffff, r);
		else if (f->mandatory && f->mandatory <= version)
			report(r >= 0, "%s (%#x) is present, as %u.%u requires (%ld)",
			       f->name, f->id, version >> 16, version & 0xffff, r);
		else
			report(r >= 0 || r == PSCI_NOT_SUPPORTED, "%s (%#x, optional) is %s (%ld)",
			       f->name, f->id, r >= 0 ? "supported" : "NOT_SUPPORTED", r);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(unassigned); i++) {
		long r = psci_call(PSCI_FEATURES, unassigned[i], 0, 0);

		report(r == PSCI_NOT_SUPPORTED, "unassigned function %#x is NOT_SUPPORTED (%ld)", unassigned[i], r);
	}
	report_prefix_pop();
}

/*
 * AFFINITY_INFO until it says want. CPU_OFF completes when the CPU gets to
 * run (DEN0022: AFFINITY_INFO may report ON_PENDING/ON for a while); a vCPU of
 * a KVM nested in TCG on a loaded host may wait seconds for that, so the limit
 * is generous and in counter ticks: only a CPU that never goes off reaches it.
 */
#define AFFINITY_WAIT_S 30
static long wait_affinity(unsigned long mpidr, long want)
{
	uint64_t end = read_cntvct() + read_cntfrq() * AFFINITY_WAIT_S;
	long r;

	do
		r = psci_call(PSCI_AFFINITY_INFO_64, mpidr, 0, 0);
	while (r != want && read_cntvct() < end);
	return r;
}

static volatile int ran_on[MAX_CPUS];
static void mark(void *arg) { ran_on[smp_id()] = (int)(uintptr_t)arg; }
extern char secondary_entry[];

static void check_cpus(void)
{
	/* Aff1 = 0xfe: QEMU virt numbers CPUs in Aff0 (and Aff1 per 16-CPU cluster), so no such CPU. */
	const unsigned long bogus = 0xfe00;
	long r;

	report_prefix_push("CPU_ON");
	report(nr_cpus() == nr_possible_cpus(), "boot brought every device-tree CPU up with CPU_ON (%d of %d)",
	       nr_cpus(), nr_possible_cpus());
	if (nr_cpus() < 2) {
		report_skip("CPU_ON/CPU_OFF of other CPUs: needs 2 CPUs (smp >= 2 in unittests.cfg)");
		report_prefix_pop();
		return;
	}
	for (int c = 0; c < nr_cpus(); c++) {
		r = psci_call(PSCI_AFFINITY_INFO_64, cpu_mpidr(c), 0, 0);
		report(r == PSCI_AFF_ON, "AFFINITY_INFO(CPU %d, MPIDR %#lx) is ON (%ld)", c, cpu_mpidr(c), r);
	}
	r = psci_call(PSCI_CPU_ON_64, cpu_mpidr(1), (uintptr_t)secondary_entry, 1);
	report(r == PSCI_ALREADY_ON, "CPU_ON of a running CPU is ALREADY_ON (%ld)", r);
	r = psci_call(PSCI_CPU_ON_64, cpu_mpidr(0), (uintptr_t)secondary_entry, 0);
	report(r == PSCI_ALREADY_ON, "CPU_ON of the calling CPU is ALREADY_ON (%ld)", r);
	r = psci_call(PSCI_CPU_ON_64, bogus, (uintptr_t)secondary_entry, 1);
	report(r == PSCI_INVALID_PARAMETERS, "CPU_ON of MPIDR %#lx (no such CPU) is INVALID_PARAMETERS (%ld)",
	       bogus, r);
	r = psci_call(PSCI_AFFINITY_INFO_64, bogus, 0, 0);
	report(r == PSCI_INVALID_PARAMETERS, "AFFINITY_INFO of MPIDR %#lx is INVALID_PARAMETERS (%ld)", bogus, r);

	for (int c = 1; c < nr_cpus(); c++) {
		report_prefix_pushf("CPU %d", c);
		smp_cpu_off(c);
		r = wait_affinity(cpu_mpidr(c), PSCI_AFF_OFF);
		report(r == PSCI_AFF_OFF, "after CPU_OFF, AFFINITY_INFO is OFF (%ld)", r);
		r = smp_cpu_on(c);
		report(r == PSCI_SUCCESS, "CPU_ON of the off CPU succeeds and it reaches the entry point (%ld)", r);
		if (r == PSCI_SUCCESS) {
			on_cpu(c, mark, (void *)(uintptr_t)(0x100 + c));
			report(ran_on[c] == 0x100 + c, "it runs work again");
			r = psci_call(PSCI_AFFINITY_INFO_64, cpu_mpidr(c), 0, 0);
			report(r == PSCI_AFF_ON, "AFFINITY_INFO is ON again (%ld)", r);
		}
		report_prefix_pop();
	}
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	unsigned version;

	(void)argc, (void)argv, (void)envp;
	report_info("conduit: %s", psci_uses_smc() ? "SMC" : "HVC");
	version = check_version();
	check_features(version);
	check_cpus();
	return report_summary();
}
