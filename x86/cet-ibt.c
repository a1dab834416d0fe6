/*
 * cet ibt: user-mode indirect branch tracking end to end (SDM vol. 1
 * "Indirect Branch Tracking"; vol. 2A ENDBR64; vol. 4 table 2-2 IA32_U_CET).
 *
 * With IA32_U_CET.ENDBR_EN and CR4.CET, an indirect CALL or JMP at CPL3 moves
 * the tracker (IA32_U_CET.TRACKER, bit 11) to WAIT_FOR_ENDBRANCH; the next
 * instruction must be ENDBR64 (which sets TRACKER=IDLE and SUPPRESS=0, its
 * Operation section) or it raises #CP with error code 3 (ENDBRANCH) at that
 * instruction. NOTRACK-prefixed branches are not tracked when NO_TRACK_EN=1;
 * with LEG_IW_EN=1 a target whose 4 KiB page has its bit set in the legacy
 * code page bitmap (EB_LEG_BITMAP_BASE + (LA >> 15), bit (LA >> 12) & 7) is
 * allowed. SUPPRESS=1 stops tracking. TRACKER is state: returning to CPL3
 * with TRACKER=WAIT_FOR_ENDBRANCH requires ENDBR64 at the return address.
 * Supervisor IBT (S_CET.ENDBR_EN) at CPL0: the same #CP(3) for an indirect
 * CALL to a non-ENDBR64 instruction. Event delivery at CPL0 then waits for
 * ENDBR64 at the handler, which hvut's IDT stubs lack: the #CP gate points to
 * ibt_cp_entry (ENDBR64, S_CET off, then hvut's stub) for that part.
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/vm.h>

#define ENDBR_EN (1ULL << 2)
#define LEG_IW_EN (1ULL << 3)
#define NO_TRACK_EN (1ULL << 4)
#define SUPPRESS (1ULL << 10)
#define TRACKER (1ULL << 11)
#define CP_ENDBRANCH 3

void cet_check_ibt(void);
void ibt_endbr(void *), ibt_plain(void *), ibt_call(void *), ibt_notrack_call(void *), ibt_jmp(void *);
void ibt_legacy(void *), ibt_super_call(void *);
extern char user_trampoline[], ibt_cp_entry[];
extern u64 ibt_cp_next;

static struct fault f;
static u64 u_cet_after;

static int run(u64 u_cet, test_fn fn, void *arg)
{
	int v;

	wrmsr(MSR_IA32_U_CET, u_cet);
	v = run_in_user(fn, arg, &f);
	u_cet_after = rdmsr(MSR_IA32_U_CET);
	wrmsr(MSR_IA32_U_CET, 0);
	return v;
}

static void expect_cp(int v, void *at, const char *what)
{
	report(v == CP_VECTOR && f.error_code == CP_ENDBRANCH && f.pc == (uintptr_t)at,
	       "%s: #CP(ENDBRANCH=3) at the target %p (got %s, error %#lx, pc %#lx)", what, at, exception_name(v),
	       f.error_code, f.pc);
}

static void expect_ok(int v, const char *what)
{
	report(v == NO_EXCEPTION, "%s: no #CP (got %s, error %#lx, pc %#lx)", what, exception_name(v), f.error_code,
	       f.pc);
}

static void legacy_bitmap(void)
{
	u8 *bitmap = alloc_page();
	uintptr_t la = (uintptr_t)ibt_legacy;
	int v;

	/* One page covers linear addresses below 128 MiB (4 KiB * 8 * 4096). */
	if (!bitmap || (la >> 15) >= PAGE_SIZE || ((uintptr_t)ibt_plain >> 15) >= PAGE_SIZE) {
		report_skip("legacy bitmap: the code lies above 128 MiB");
		return;
	}
	memset(bitmap, 0, PAGE_SIZE);
	set_page_flags(bitmap, PT_USER, 0);
	bitmap[la >> 15] |= 1 << (la >> 12 & 7);
	v = run(ENDBR_EN | LEG_IW_EN | (uintptr_t)bitmap, ibt_legacy, NULL);
	expect_ok(v, "LEG_IW_EN, target's page marked legacy in the bitmap");
	report_info("U_CET after the legacy-page branch: %#llx", (unsigned long long)u_cet_after);
	v = run(ENDBR_EN | LEG_IW_EN | (uintptr_t)bitmap, ibt_plain, NULL);
	expect_cp(v, ibt_plain, "LEG_IW_EN, target's page not marked");
	v = run(ENDBR_EN | (uintptr_t)bitmap, ibt_legacy, NULL);
	expect_cp(v, ibt_legacy, "page marked but LEG_IW_EN=0");
	set_page_flags(bitmap, 0, PT_USER);
}

struct gate { u16 off0, sel; u8 ist, attr; u16 off1; u32 off2, zero; } __attribute__((packed));

static void supervisor_ibt(void)
{
	struct descriptor_ptr idtr;
	struct gate *cp, saved;
	int v;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	cp = (struct gate *)(uintptr_t)idtr.base + CP_VECTOR;
	saved = *cp;
	ibt_cp_next = cp->off0 | (u64)cp->off1 << 16 | (u64)cp->off2 << 32;
	cp->off0 = (uintptr_t)ibt_cp_entry & 0xffff;
	cp->off1 = (uintptr_t)ibt_cp_entry >> 16 & 0xffff;
	cp->off2 = (u64)(uintptr_t)ibt_cp_entry >> 32;
	v = catch_exception(ibt_super_call, (void *)ibt_endbr, &f);
	expect_ok(v, "S_CET.ENDBR_EN: indirect CALL to ENDBR64 at CPL0");
	v = catch_exception(ibt_super_call, (void *)ibt_plain, &f);
	expect_cp(v, ibt_plain, "S_CET.ENDBR_EN: indirect CALL to a non-ENDBR64 instruction at CPL0");
	*cp = saved;
	wrmsr(MSR_IA32_S_CET, 0);
}

void cet_check_ibt(void)
{
	unsigned long cr4 = read_cr4();
	int v;

	if (!this_cpu_has(X86_FEATURE_IBT)) {
		report_skip("IBT: CPUID.(7,0):EDX.IBT[20]=0");
		return;
	}
	report_prefix_push("IBT");
	write_cr4(cr4 | X86_CR4_CET);

	v = run(ENDBR_EN, ibt_endbr, NULL);
	expect_ok(v, "indirect CALL to ENDBR64");
	report(!(u_cet_after & (TRACKER | SUPPRESS)), "ENDBR64 leaves TRACKER=IDLE, SUPPRESS=0 (U_CET %#llx)",
	       (unsigned long long)u_cet_after);
	v = run(ENDBR_EN, ibt_plain, NULL);
	expect_cp(v, ibt_plain, "indirect CALL to a non-ENDBR64 instruction");
	report(v == CP_VECTOR && (u_cet_after & TRACKER), "the #CP leaves U_CET.TRACKER = WAIT_FOR_ENDBRANCH (%#llx)",
	       (unsigned long long)u_cet_after);
	v = run(0, ibt_plain, NULL);
	expect_ok(v, "ENDBR_EN=0: no tracking");
	v = run(ENDBR_EN, ibt_jmp, (void *)ibt_plain);
	expect_cp(v, ibt_plain, "indirect JMP to a non-ENDBR64 instruction");
	v = run(ENDBR_EN, ibt_jmp, (void *)ibt_endbr);
	expect_ok(v, "indirect JMP to ENDBR64");
	v = run(ENDBR_EN, ibt_call, (void *)ibt_plain);
	expect_cp(v, ibt_plain, "nested indirect CALL to a non-ENDBR64 instruction");
	v = run(ENDBR_EN | NO_TRACK_EN, ibt_notrack_call, (void *)ibt_plain);
	expect_ok(v, "NO_TRACK_EN=1: NOTRACK CALL is not tracked");
	v = run(ENDBR_EN, ibt_notrack_call, (void *)ibt_plain);
	expect_cp(v, ibt_plain, "NO_TRACK_EN=0: the NOTRACK prefix is ignored");
	v = run(ENDBR_EN | SUPPRESS, ibt_plain, NULL);
	expect_ok(v, "SUPPRESS=1: tracking suppressed");
	report(u_cet_after & SUPPRESS, "no ENDBR64 ran: SUPPRESS stays 1 (U_CET %#llx)", (unsigned long long)u_cet_after);
	/* IRET to CPL3 at user_trampoline (no ENDBR64) with the tracker waiting. */
	v = run(ENDBR_EN | TRACKER, ibt_endbr, NULL);
	expect_cp(v, user_trampoline, "TRACKER=WAIT_FOR_ENDBRANCH on the return to CPL3");
	legacy_bitmap();
	supervisor_ibt();

	write_cr4(cr4);
	report_prefix_pop();
}
