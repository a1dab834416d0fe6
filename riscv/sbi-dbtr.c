/*
 * sbi-dbtr: the SBI Debug Triggers extension (EID 0x44425452), SBI
 * specification v3.0 chapter "Debug Triggers Extension" (OpenSBI 1.6 ships it
 * as "experimental"), with the trigger encodings of the RISC-V Debug
 * Specification 1.0 (Sdtrig), 5.7.x "Match Control Type 6" (mcontrol6,
 * tdata1.type = 6) or "Match Control" (mcontrol, type = 2), whichever the
 * firmware reports for an S-mode execute trigger.
 *
 * Checks: num_triggers; the calls that need shared memory fail with
 * NO_SHMEM without it; set_shmem argument errors; install of an execute
 * trigger and its state as read_triggers writes it; the trigger raising a
 * breakpoint exception (scause 3, sepc = the address) when S-mode runs the
 * instruction; disable/enable/update/uninstall and their effect; load and
 * store triggers; the rules that tdata1.m and tdata1.dmode must be 0.
 */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/sbi.h>

#define DBTR_NUM_TRIGGERS 0
#define DBTR_SET_SHMEM 1
#define DBTR_READ_TRIGGERS 2
#define DBTR_INSTALL 3
#define DBTR_UPDATE 4
#define DBTR_UNINSTALL 5
#define DBTR_ENABLE 6
#define DBTR_DISABLE 7

/* tdata1 (RV64): type in 63:60, dmode 59; both mcontrol and mcontrol6 keep these low bits. */
#define TD1_TYPE(t) ((unsigned long)(t) << 60)
#define TD1_DMODE BIT(59)
#define TD1_M BIT(6)
#define TD1_S BIT(4)
#define TD1_U BIT(3)
#define TD1_EXECUTE BIT(2)
#define TD1_STORE BIT(1)
#define TD1_LOAD BIT(0)
/* trig_state (table "Debug Trigger State Fields"). */
#define TS_MAPPED BIT(0)
#define TS_U BIT(1)
#define TS_S BIT(2)

struct trig {
	unsigned long w0;      /* trig_idx (install, update) or trig_state (read) */
	unsigned long tdata1, tdata2, tdata3;
};

static struct trig shmem[8] __attribute__((aligned(64)));
static unsigned long type;   /* 6 or 2 */
static volatile uint64_t watched __attribute__((aligned(8)));

static struct sbiret dbtr(unsigned long fid, unsigned long a0, unsigned long a1, unsigned long a2)
{
	return sbi_ecall(SBI_EXT_DBTR, fid, a0, a1, a2, 0, 0, 0);
}

/* OpenSBI 1.6 (impl ID 1, version 0x10006): the firmware of the tcg-qemu10 lane. */
static bool opensbi16(void)
{
	return sbi_get_impl_id().value == SBI_IMPL_OPENSBI && sbi_get_impl_version().value == 0x10006;
}

static bool check_error(struct sbiret r, long want, const char *what)
{
	return report(r.error == want, "%s: %s (got %s, %ld)", what, sbi_error_name(want), sbi_error_name(r.error),
		      r.error);
}

/* The same check, a known failure of OpenSBI 1.6 (docs/riscv64.md lists each). */
static bool check_error_16(struct sbiret r, long want, const char *what)
{
	return report_xfail(opensbi16(), r.error == want, "%s: %s (got %s, %ld)", what, sbi_error_name(want),
			    sbi_error_name(r.error), r.error);
}

static __attribute__((noinline)) void target(void *arg)
{
	(void)arg;
	__asm__ volatile("nop");
}

static __attribute__((noinline)) void target2(void *arg)
{
	(void)arg;
	__asm__ volatile("nop; nop");
}

static void do_load(void *arg) { (void)arg; (void)watched; }
static void do_store(void *arg) { (void)arg; watched = 1; }

/* Runs fn; the scause it raised (3 = breakpoint) or NO_EXCEPTION, and the faulting pc in *pc. */
static int run(test_fn fn, unsigned long *pc)
{
	struct fault f;
	int v = catch_exception(fn, NULL, &f);

	if (pc)
		*pc = f.pc;
	return v;
}

static unsigned long td1(unsigned long bits)
{
	return TD1_TYPE(type) | bits;
}

static unsigned long trig_max;

/*
 * Installs one trigger (array index 0); its trig_idx, or -1 (with a FAIL
 * naming the error). FID #3: trig_idx is written back at offset i * 32 of
 * the configuration (i = 0 here). OpenSBI 1.6 writes it one slot further,
 * at offset 32, past the trig_count configurations it was given.
 */
static long install(unsigned long tdata1, unsigned long tdata2, const char *what)
{
	struct sbiret r;
	long idx = -1;

	for (unsigned i = 0; i < ARRAY_SIZE(shmem); i++)
		shmem[i] = (struct trig){ ~0UL, 0, 0, 0 };
	shmem[0] = (struct trig){ ~0UL, tdata1, tdata2, 0 };
	r = dbtr(DBTR_INSTALL, 1, 0, 0);
	if (!check_error(r, SBI_SUCCESS, what))
		return -1;
	if (shmem[0].w0 < trig_max)
		idx = (long)shmem[0].w0;
	else if (shmem[1].w0 < trig_max)
		idx = (long)shmem[1].w0;
	report_xfail(opensbi16(), shmem[0].w0 < trig_max,
		     "install writes trig_idx at offset 0, the configuration's slot (got %#lx; offset 32 holds %#lx) "
		     "[DBTR FID #3]", shmem[0].w0, shmem[1].w0);
	return idx;
}

static void exec_trigger(void)
{
	unsigned long pc = 0;
	struct sbiret r;
	long idx;
	int v;

	report_prefix_push("execute");
	idx = install(td1(TD1_S | TD1_EXECUTE), (uintptr_t)target, "install an S-mode execute trigger on target()");
	if (idx < 0) {
		report_prefix_pop();
		return;
	}
	r = dbtr(DBTR_READ_TRIGGERS, idx, 1, 0);
	report(r.error == SBI_SUCCESS && (shmem[0].w0 & TS_MAPPED) && (shmem[0].w0 & TS_S) && !(shmem[0].w0 & TS_U) &&
	       (shmem[0].tdata1 >> 60) == type && shmem[0].tdata2 == (uintptr_t)target,
	       "read_triggers: mapped, s saved, u clear, type %lu, tdata2 = the address (%s, state %#lx, tdata1 %#lx, "
	       "tdata2 %#lx) [FID #2]", type, sbi_error_name(r.error), shmem[0].w0, shmem[0].tdata1, shmem[0].tdata2);
	v = run(target, &pc);
	report(v == EXC_BREAKPOINT && pc == (uintptr_t)target,
	       "running target() raises a breakpoint exception at its address (scause %d, sepc %#lx) [Sdtrig action 0]",
	       v, pc);
	check_error(dbtr(DBTR_DISABLE, idx, 1, 0), SBI_SUCCESS, "disable");
	v = run(target, NULL);
	report(v == NO_EXCEPTION, "disabled: target() runs (got %d) [FID #7: s/u cleared in the HW trigger]", v);
	check_error(dbtr(DBTR_ENABLE, idx, 1, 0), SBI_SUCCESS, "enable");
	v = run(target, NULL);
	report(v == EXC_BREAKPOINT, "enabled again: breakpoint (got %d) [FID #6: s/u restored from trig_state]", v);
	shmem[0] = (struct trig){ (unsigned long)idx, td1(TD1_S | TD1_EXECUTE), (uintptr_t)target2, 0 };
	check_error(dbtr(DBTR_UPDATE, 1, 0, 0), SBI_SUCCESS, "update tdata2 to target2()");
	/* OpenSBI 1.6 says SUCCESS and leaves the hardware trigger as it was. */
	v = run(target, NULL);
	report_xfail(opensbi16(), v == NO_EXCEPTION, "updated: target() runs (got %d) [DBTR FID #4]", v);
	v = run(target2, &pc);
	report_xfail(opensbi16(), v == EXC_BREAKPOINT && pc == (uintptr_t)target2,
		     "updated: target2() breaks (scause %d, sepc %#lx) [DBTR FID #4]", v, pc);
	shmem[0].tdata1 = TD1_TYPE(type == 6 ? 2 : 6) | TD1_S | TD1_EXECUTE;
	r = dbtr(DBTR_UPDATE, 1, 0, 0);
	report_xfail(opensbi16(), r.error != SBI_SUCCESS,
		     "update with another tdata1.type fails (got %s) [DBTR FID #4: type must match]",
		     sbi_error_name(r.error));
	check_error(dbtr(DBTR_UNINSTALL, idx, 1, 0), SBI_SUCCESS, "uninstall");
	v = run(target2, NULL);
	report(v == NO_EXCEPTION, "uninstalled: target2() runs (got %d)", v);
	r = dbtr(DBTR_READ_TRIGGERS, idx, 1, 0);
	report(r.error == SBI_SUCCESS && !(shmem[0].w0 & TS_MAPPED), "read_triggers: not mapped (state %#lx) [FID #5]",
	       shmem[0].w0);
	check_error(dbtr(DBTR_UNINSTALL, idx, 1, 0), SBI_ERR_INVALID_PARAM, "uninstall again [FID #5: not mapped]");
	check_error_16(dbtr(DBTR_ENABLE, idx, 1, 0), SBI_ERR_INVALID_PARAM, "enable of an unmapped trigger [DBTR FID #6]");
	check_error_16(dbtr(DBTR_DISABLE, idx, 1, 0), SBI_ERR_INVALID_PARAM,
		       "disable of an unmapped trigger [DBTR FID #7]");
	shmem[0] = (struct trig){ (unsigned long)idx, td1(TD1_S | TD1_EXECUTE), (uintptr_t)target, 0 };
	check_error_16(dbtr(DBTR_UPDATE, 1, 0, 0), SBI_ERR_FAILED, "update of an unmapped trigger [DBTR FID #4]");
	report_prefix_pop();
}

static void data_trigger(unsigned long kind, test_fn hit, test_fn miss, const char *name)
{
	long idx;
	int v;

	report_prefix_push(name);
	idx = install(td1(TD1_S | kind), (uintptr_t)&watched, "install on a variable");
	if (idx >= 0) {
		v = run(hit, NULL);
		report(v == EXC_BREAKPOINT, "the %s raises a breakpoint exception (got %d) [Sdtrig %s bit]", name, v,
		       kind == TD1_LOAD ? "load" : "store");
		v = run(miss, NULL);
		report(v == NO_EXCEPTION, "the other access does not (got %d)", v);
		dbtr(DBTR_UNINSTALL, idx, 1, 0);
	}
	report_prefix_pop();
}

static void bad_configs(void)
{
	struct sbiret r;

	report_prefix_push("errors");
	/* OpenSBI 1.6 finds no hardware trigger for these and says FAILED. */
	shmem[0] = (struct trig){ 0, td1(TD1_S | TD1_M | TD1_EXECUTE), (uintptr_t)target, 0 };
	r = dbtr(DBTR_INSTALL, 1, 0, 0);
	check_error_16(r, SBI_ERR_INVALID_PARAM, "install with tdata1.m = 1 [DBTR: m must be 0; FID #3 errors]");
	if (r.error == SBI_SUCCESS)
		dbtr(DBTR_UNINSTALL, shmem[0].w0, 1, 0);
	shmem[0] = (struct trig){ 0, td1(TD1_DMODE | TD1_S | TD1_EXECUTE), (uintptr_t)target, 0 };
	r = dbtr(DBTR_INSTALL, 1, 0, 0);
	check_error_16(r, SBI_ERR_INVALID_PARAM, "install with tdata1.dmode = 1 [DBTR: dmode must be 0; FID #3 errors]");
	if (r.error == SBI_SUCCESS)
		dbtr(DBTR_UNINSTALL, shmem[0].w0, 1, 0);
	check_error_16(dbtr(DBTR_READ_TRIGGERS, trig_max, 1, 0), SBI_ERR_BAD_RANGE,
		       "read_triggers from trig_idx_base = trig_max [DBTR FID #2 errors]");
	check_error_16(dbtr(DBTR_UNINSTALL, trig_max, 1, 0), SBI_ERR_INVALID_PARAM,
		       "uninstall of trig_idx = trig_max [DBTR FID #5 errors]");
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	unsigned long n6, n2;
	struct sbiret r;

	(void)argc;
	(void)argv;
	(void)envp;
	report_prefix_push("dbtr");
	if (!sbi_probe_extension(SBI_EXT_DBTR).value) {
		report_skip("SBI DBTR: sbi_probe_extension(%#x) = 0", SBI_EXT_DBTR);
		return report_summary();
	}
	r = dbtr(DBTR_NUM_TRIGGERS, 0, 0, 0);
	check_error(r, SBI_SUCCESS, "num_triggers(0) [FID #0: always SUCCESS]");
	trig_max = r.value;
	n6 = dbtr(DBTR_NUM_TRIGGERS, TD1_TYPE(6) | TD1_S | TD1_EXECUTE, 0, 0).value;
	n2 = dbtr(DBTR_NUM_TRIGGERS, TD1_TYPE(2) | TD1_S | TD1_EXECUTE, 0, 0).value;
	report_info("trig_max %lu; S-mode execute triggers: %lu of type 6 (mcontrol6), %lu of type 2 (mcontrol)",
		    trig_max, n6, n2);
	report(n6 <= trig_max && n2 <= trig_max, "matching counts are at most trig_max");
	type = n6 ? 6 : n2 ? 2 : 0;
	if (!trig_max || !type) {
		report_skip("DBTR triggers: num_triggers says none for an S-mode execute match (trig_max %lu)", trig_max);
		return report_summary();
	}

	check_error(dbtr(DBTR_READ_TRIGGERS, 0, 1, 0), SBI_ERR_NO_SHMEM, "read_triggers without shared memory [FID #2]");
	check_error(dbtr(DBTR_INSTALL, 1, 0, 0), SBI_ERR_NO_SHMEM, "install without shared memory [FID #3]");
	check_error(dbtr(DBTR_SET_SHMEM, (uintptr_t)shmem + 4, 0, 0), SBI_ERR_INVALID_PARAM,
		    "set_shmem at an address not 8-byte aligned [FID #1]");
	/* OpenSBI 1.6 ignores flags: the call sets the shared memory. */
	r = dbtr(DBTR_SET_SHMEM, (uintptr_t)shmem, 0, 1);
	report_xfail(opensbi16(), r.error == SBI_ERR_INVALID_PARAM,
		     "set_shmem with flags = 1 (reserved, MUST be zero): INVALID_PARAM (got %s) [DBTR FID #1 errors]",
		     sbi_error_name(r.error));
	check_error(dbtr(DBTR_SET_SHMEM, ~0UL, ~0UL, 0), SBI_SUCCESS, "set_shmem(all-ones, all-ones): disabled");
	if (!check_error(dbtr(DBTR_SET_SHMEM, (uintptr_t)shmem, 0, 0), SBI_SUCCESS, "set_shmem")) {
		report_prefix_pop();
		return report_summary();
	}
	/* The error table has no "already set": setting it again replaces it. OpenSBI 1.6 says ALREADY_AVAILABLE. */
	r = dbtr(DBTR_SET_SHMEM, (uintptr_t)shmem, 0, 0);
	report_xfail(opensbi16(), r.error == SBI_SUCCESS,
		     "set_shmem while set: SUCCESS (got %s) [DBTR FID #1 errors: no other error applies]",
		     sbi_error_name(r.error));
	exec_trigger();
	data_trigger(TD1_LOAD, do_load, do_store, "load");
	data_trigger(TD1_STORE, do_store, do_load, "store");
	bad_configs();
	check_error(dbtr(DBTR_SET_SHMEM, ~0UL, ~0UL, 0), SBI_SUCCESS, "set_shmem(all-ones) disables shared memory");
	check_error(dbtr(DBTR_READ_TRIGGERS, 0, 1, 0), SBI_ERR_NO_SHMEM, "read_triggers after that: NO_SHMEM");
	report_prefix_pop();
	return report_summary();
}
