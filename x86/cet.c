/*
 * cet: Control-flow Enforcement Technology as a guest sees it.
 *
 * MSRs (Intel SDM vol. 4, table 2-2; vol. 1 ch. 17; vol. 3 "CET"):
 *   IA32_U_CET 0x6A0, IA32_S_CET 0x6A2: bit 0 SH_STK_EN, 1 WR_SHSTK_EN,
 *     2 ENDBR_EN, 3 LEG_IW_EN, 4 NO_TRACK_EN, 5 SUPPRESS_DIS, 9:6 reserved,
 *     10 SUPPRESS, 11 TRACKER, 63:12 EB_LEG_BITMAP_BASE (canonical).
 *   IA32_PL0_SSP..IA32_PL3_SSP 0x6A4-0x6A7: canonical, bits 1:0 zero.
 *   IA32_INT_SSP_TAB 0x6A8: canonical.
 *   U_CET/S_CET exist with SHSTK or IBT; the SSP MSRs and INT_SSP_TAB with SHSTK.
 * CR4.CET (bit 23) needs CR0.WP=1, and CR0.WP cannot be cleared while CR4.CET=1.
 * IA32_XSS bits 11 (CET_U) and 12 (CET_S) as CPUID.(0xD,1):ECX enumerates them.
 *
 * With SHSTK, the functional part runs user code on a shadow stack (near and
 * far call/return, RDSSP, #CP error codes NEAR-RET=1 and FAR-RET/IRET=2,
 * #PF on a normal write to the shadow stack and on a shadow-stack access to a
 * normal page) and a supervisor shadow stack set up with SETSSBSY from a
 * supervisor token at IA32_PL0_SSP and released with CLRSSBSY.
 * Test arguments: any of msr, xss, cr4, shstk, ibt, ssp to run only those parts (default: all).
 * IBT lives in x86/cet-ibt.c, the shadow-stack instructions and XSAVES in x86/cet-ssp.c.
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/vm.h>

#define CET_SH_STK_EN (1ULL << 0)
#define CET_WR_SHSTK_EN (1ULL << 1)
#define CET_ENDBR_EN (1ULL << 2)
#define CET_LEG_IW_EN (1ULL << 3)
#define CET_NO_TRACK_EN (1ULL << 4)
#define CET_SUPPRESS_DIS (1ULL << 5)
#define CET_SUPPRESS (1ULL << 10)
#define CET_TRACKER (1ULL << 11)
#define XSS_CET_U (1ULL << 11)
#define XSS_CET_S (1ULL << 12)
/* Not canonical with 48-bit or 57-bit linear addresses. */
#define NONCANON 0x8000000000000000ULL
#define CP_NEAR_RET 1
#define CP_FAR_RET 2
#define CP_SETSSBSY 5

static bool has_shstk, has_ibt;
void cet_check_ibt(void);   /* x86/cet-ibt.c */
void cet_check_ssp(void);   /* x86/cet-ssp.c */

static const struct { u32 msr; const char *name; } cet_msrs[] = {
	{ MSR_IA32_U_CET, "IA32_U_CET" },
	{ MSR_IA32_S_CET, "IA32_S_CET" },
	{ MSR_IA32_PL0_SSP, "IA32_PL0_SSP" },
	{ MSR_IA32_PL1_SSP, "IA32_PL1_SSP" },
	{ MSR_IA32_PL2_SSP, "IA32_PL2_SSP" },
	{ MSR_IA32_PL3_SSP, "IA32_PL3_SSP" },
	{ MSR_IA32_INT_SSP_TAB, "IA32_INT_SSP_TAB" },
};

static void expect_msr_gp(u32 msr, const char *name)
{
	u64 v;
	int r = rdmsr_safe(msr, &v);

	report_deviation("cet-msrs-without-cet", r == GP_VECTOR, "RDMSR %s (%#x) #GPs (got %s)", name, msr,
			 exception_name(r));
	r = wrmsr_safe(msr, 0);
	report_deviation("cet-msrs-without-cet", r == GP_VECTOR, "WRMSR %s (%#x) #GPs (got %s)", name, msr,
			 exception_name(r));
}

/* WRMSR of val is accepted and reads back unchanged. */
static void expect_roundtrip(u32 msr, const char *name, u64 val, const char *what)
{
	u64 got = ~val;
	int w = wrmsr_safe(msr, val), r = rdmsr_safe(msr, &got);

	report(w == NO_EXCEPTION && r == NO_EXCEPTION && got == val,
	       "%s = %#llx (%s) is accepted and reads back (wrmsr %s, read %#llx)", name,
	       (unsigned long long)val, what, exception_name(w), (unsigned long long)got);
}

static void expect_write_gp(u32 msr, const char *name, u64 val, const char *what)
{
	u64 before = 0, after = 1;
	int r;

	rdmsr_safe(msr, &before);
	r = wrmsr_safe(msr, val);
	rdmsr_safe(msr, &after);
	report(r == GP_VECTOR && after == before, "%s = %#llx (%s) #GPs and leaves the MSR unchanged (got %s)",
	       name, (unsigned long long)val, what, exception_name(r));
}

static void check_absent(void)
{
	u64 v;
	int r = rdmsr_safe(0x4fffffff, &v);

	report_prefix_push("no CET");
	/* Context for the reader: does this VMM #GP on MSRs it does not know at all? */
	report_info("control: RDMSR of the unassigned MSR 0x4fffffff: %s", exception_name(r));
	for (unsigned i = 0; i < ARRAY_SIZE(cet_msrs); i++)
		expect_msr_gp(cet_msrs[i].msr, cet_msrs[i].name);
	report_prefix_pop();
}

static void check_cet_ctl(u32 msr, const char *name)
{
	report_prefix_push(name);
	expect_roundtrip(msr, name, 0, "all clear");
	if (has_shstk) {
		expect_roundtrip(msr, name, CET_SH_STK_EN | CET_WR_SHSTK_EN, "SH_STK_EN|WR_SHSTK_EN");
	} else {
		expect_write_gp(msr, name, CET_SH_STK_EN, "SH_STK_EN without SHSTK");
		expect_write_gp(msr, name, CET_WR_SHSTK_EN, "WR_SHSTK_EN without SHSTK");
	}
	if (has_ibt) {
		expect_roundtrip(msr, name, CET_ENDBR_EN | CET_LEG_IW_EN | CET_NO_TRACK_EN | CET_SUPPRESS_DIS,
				 "ENDBR_EN|LEG_IW_EN|NO_TRACK_EN|SUPPRESS_DIS");
		expect_roundtrip(msr, name, CET_SUPPRESS, "SUPPRESS alone");
		expect_roundtrip(msr, name, CET_TRACKER, "TRACKER alone");
		expect_roundtrip(msr, name, 0x00007ffffffff000ULL | CET_LEG_IW_EN, "highest 48-bit legacy bitmap base");
		/* SDM vol. 4 table 2-2: EB_LEG_BITMAP_BASE is bits 63:12, so bits 13:12 belong to it. */
		expect_roundtrip(msr, name, 0x3000ULL | CET_LEG_IW_EN, "legacy bitmap base with bits 13:12 set");
		expect_write_gp(msr, name, CET_SUPPRESS | CET_TRACKER, "SUPPRESS and TRACKER together");
		expect_write_gp(msr, name, NONCANON | CET_LEG_IW_EN, "non-canonical EB_LEG_BITMAP_BASE");
	} else {
		expect_write_gp(msr, name, CET_ENDBR_EN, "ENDBR_EN without IBT");
		expect_write_gp(msr, name, CET_TRACKER, "TRACKER without IBT");
		expect_write_gp(msr, name, 0x12345000ULL, "EB_LEG_BITMAP_BASE without IBT");
	}
	for (int bit = 6; bit <= 9; bit++) {
		char what[32];

		snprintf(what, sizeof(what), "reserved bit %d", bit);
		expect_write_gp(msr, name, 1ULL << bit, what);
	}
	wrmsr_safe(msr, 0);
	report_prefix_pop();
}

static void check_ssp_msrs(void)
{
	const u64 good = 0x12345000ULL;

	for (unsigned i = 2; i < ARRAY_SIZE(cet_msrs); i++) {
		u32 msr = cet_msrs[i].msr;
		const char *name = cet_msrs[i].name;

		report_prefix_push(name);
		if (!has_shstk) {
			expect_msr_gp(msr, name);
			report_prefix_pop();
			continue;
		}
		expect_roundtrip(msr, name, good, "8-byte aligned");
		expect_roundtrip(msr, name, 0xffff800000001000ULL, "canonical, upper half");
		expect_write_gp(msr, name, NONCANON | good, "non-canonical");
		if (msr != MSR_IA32_INT_SSP_TAB) {
			expect_roundtrip(msr, name, good | 4, "4-byte aligned");
			expect_write_gp(msr, name, good | 1, "bit 0 set");
			expect_write_gp(msr, name, good | 2, "bit 1 set");
		}
		wrmsr_safe(msr, 0);
		report_prefix_pop();
	}
}

static void check_cr4(void)
{
	unsigned long cr0 = read_cr0(), cr4 = read_cr4();
	int r;

	report_prefix_push("CR4.CET");
	/* QEMU 7.2 TCG hangs here: the cfg entry is nodefault, expected TIMEOUT there. */
	if (!has_shstk && !has_ibt) {
		r = write_cr4_safe(cr4 | X86_CR4_CET);
		report(r == GP_VECTOR && !(read_cr4() & X86_CR4_CET), "setting CR4.CET #GPs without CET (got %s)",
		       exception_name(r));
		report_prefix_pop();
		return;
	}
	/* A precondition, not a check of the CPU: hvut's boot code sets CR0.WP. */
	if (!(cr0 & X86_CR0_WP)) {
		report_info("CR0.WP was 0 at entry: set it first");
		cr0 |= X86_CR0_WP;
		write_cr0(cr0);
	}
	r = write_cr4_safe(cr4 | X86_CR4_CET);
	report(r == NO_EXCEPTION && (read_cr4() & X86_CR4_CET), "CR4.CET can be set with CR0.WP=1 (got %s)",
	       exception_name(r));
	r = write_cr0_safe(cr0 & ~X86_CR0_WP);
	report(r == GP_VECTOR && (read_cr0() & X86_CR0_WP), "clearing CR0.WP with CR4.CET=1 #GPs (got %s)",
	       exception_name(r));
	write_cr4(cr4 & ~X86_CR4_CET);
	r = write_cr0_safe(cr0 & ~X86_CR0_WP);
	report(r == NO_EXCEPTION, "CR0.WP can be cleared once CR4.CET=0 (got %s)", exception_name(r));
	r = write_cr4_safe(cr4 | X86_CR4_CET);
	report(r == GP_VECTOR && !(read_cr4() & X86_CR4_CET), "setting CR4.CET with CR0.WP=0 #GPs (got %s)",
	       exception_name(r));
	write_cr0(cr0);
	write_cr4(cr4);
	report_prefix_pop();
}

static void check_xss(void)
{
	u32 ecx = cpuid_max_leaf() >= 0xd ? cpuid_indexed(0xd, 1).c : 0;
	bool xsaves = this_cpu_has(X86_FEATURE_XSAVES);
	u64 xss = 0;
	int r;

	report_prefix_push("IA32_XSS");
	r = rdmsr_safe(MSR_IA32_XSS, &xss);
	report_info("XSAVES %s, CPUID.(0xd,1):ECX = %#x, RDMSR IA32_XSS: %s", xsaves ? "enumerated" : "absent",
		    ecx, exception_name(r));
	if (!xsaves) {
		/* The SDM defines IA32_XSS only when CPUID.(0xd,1):EAX[3] (XSAVES) = 1. */
		report_deviation("cet-xss-without-xsaves", r == GP_VECTOR, "RDMSR IA32_XSS #GPs without XSAVES (got %s)",
				 exception_name(r));
		r = wrmsr_safe(MSR_IA32_XSS, XSS_CET_U);
		report_deviation("cet-xss-without-xsaves", r == GP_VECTOR,
				 "WRMSR IA32_XSS.CET_U #GPs without XSAVES (got %s)", exception_name(r));
		report_prefix_pop();
		return;
	}
	/*
	 * SDM vol. 1 13.2 and vol. 1 17.x "CET state management": CET user and
	 * supervisor state are XSAVES-managed supervisor state components 11 and
	 * 12, so a CPU with SHSTK or IBT and XSAVES enumerates both in
	 * CPUID.(0xD,1):ECX; one without CET enumerates neither.
	 */
	if (!has_shstk && !has_ibt)
		report(!(ecx & (XSS_CET_U | XSS_CET_S)), "CPUID.(0xd,1):ECX[12:11] = 0 without CET (%#x)", ecx);
	else
		report_deviation("cet-xss-not-enumerated", (ecx & (XSS_CET_U | XSS_CET_S)) == (XSS_CET_U | XSS_CET_S),
				 "CET with XSAVES: CPUID.(0xd,1):ECX[12:11] = 3 (ECX %#x)", ecx);
	for (int i = 0; i < 2; i++) {
		u64 bit = i ? XSS_CET_S : XSS_CET_U;
		const char *name = i ? "CET_S (bit 12)" : "CET_U (bit 11)";
		u64 got = 0;

		r = wrmsr_safe(MSR_IA32_XSS, xss | bit);
		if (ecx & bit) {
			rdmsr_safe(MSR_IA32_XSS, &got);
			report(r == NO_EXCEPTION && (got & bit), "IA32_XSS.%s can be set as CPUID enumerates (got %s)",
			       name, exception_name(r));
		} else {
			report_deviation("cet-xss-unenumerated-bits", r == GP_VECTOR,
					 "IA32_XSS.%s cannot be set: not enumerated (got %s)", name, exception_name(r));
		}
		wrmsr_safe(MSR_IA32_XSS, xss);
	}
	report_prefix_pop();
}

/* --- functional shadow stacks ------------------------------------------ */

void cet_user_calls(void *out);
void cet_user_bad_ret(void *arg);
void cet_user_far(void *tamper);
void cet_super_run(void *s);
extern char cet_bad_ret_insn[], cet_far_ret_insn[], cet_super_ret_addr[], cet_super_bad_ret[],
	cet_super_recover[], cet_super_setssbsy[];
extern char user_trampoline[];

static u8 *user_ss, *super_ss, *plain_page;

static void user_write(void *p) { *(volatile u64 *)p = 0; }
static void user_nothing(void *p) { (void)p; }

static int run_user_shstk(test_fn fn, void *arg, struct fault *f, u64 ssp)
{
	int v;

	wrmsr(MSR_IA32_PL3_SSP, ssp);
	wrmsr(MSR_IA32_U_CET, CET_SH_STK_EN);
	v = run_in_user(fn, arg, f);
	wrmsr(MSR_IA32_U_CET, 0);
	return v;
}

static void check_user_shstk(void)
{
	u64 top = (uintptr_t)user_ss + PAGE_SIZE, out[4] = { 0 };
	struct fault f;
	int v;

	report_prefix_push("user shadow stack");
	v = run_user_shstk(cet_user_calls, out, &f, top);
	report(v == NO_EXCEPTION, "near CALL/RET at CPL3 works on a shadow stack (got %s)", exception_name(v));
	report(out[0] == top - 8, "RDSSP on entry is IA32_PL3_SSP - 8 (%#llx, want %#llx)",
	       (unsigned long long)out[0], (unsigned long long)(top - 8));
	report(out[0] == top - 8 && *(u64 *)(uintptr_t)out[0] == out[1],
	       "the shadow stack holds the return address (%#llx)", (unsigned long long)out[1]);
	report(out[2] == out[0] - 8 && out[3] == out[0], "a nested CALL pushes 8 bytes and RET pops them");

	v = run_user_shstk(cet_user_bad_ret, NULL, &f, top);
	report(v == CP_VECTOR && f.error_code == CP_NEAR_RET && f.pc == (uintptr_t)cet_bad_ret_insn,
	       "RET to a changed return address: #CP(NEAR-RET=1) at the RET (got %s, error %#lx, pc %#lx)",
	       exception_name(v), f.error_code, f.pc);
	/* Two CALLs deep (trampoline, then ours) when the RET faulted. */
	u64 saved = rdmsr(MSR_IA32_PL3_SSP);
	report(saved == top - 16, "the #CP saved the user SSP in IA32_PL3_SSP (%#llx, want %#llx)",
	       (unsigned long long)saved, (unsigned long long)(top - 16));

	v = run_user_shstk(cet_user_far, (void *)0, &f, top);
	report(v == NO_EXCEPTION, "far CALL/RET to the same CPL works (got %s)", exception_name(v));
	v = run_user_shstk(cet_user_far, (void *)1, &f, top);
	report(v == CP_VECTOR && f.error_code == CP_FAR_RET && f.pc == (uintptr_t)cet_far_ret_insn,
	       "far RET to a changed address: #CP(FAR-RET/IRET=2) at the RET (got %s, error %#lx, pc %#lx)",
	       exception_name(v), f.error_code, f.pc);

	v = run_user_shstk(user_write, user_ss + 64, &f, top);
	report(v == PF_VECTOR && (f.error_code & 0x47) == 0x07 && f.addr == (uintptr_t)user_ss + 64,
	       "an ordinary write to the shadow stack is a #PF (P|W|U, no SS bit; got %s, error %#lx)",
	       exception_name(v), f.error_code);
	v = run_user_shstk(user_nothing, NULL, &f, (uintptr_t)plain_page + PAGE_SIZE);
	report(v == PF_VECTOR && (f.error_code & 0x47) == 0x47 && f.addr == (uintptr_t)plain_page + PAGE_SIZE - 8,
	       "a CALL pushing to an ordinary page is a #PF with the SS bit (got %s, error %#lx, CR2 %#lx)",
	       exception_name(v), f.error_code, f.addr);
	report_prefix_pop();
}

static volatile struct { int vector; unsigned long error_code, rip; } sss_fault;

static void sss_handler(struct ex_regs *r)
{
	/* Shadow stacks off first, so that the IRET does not check the changed RIP. */
	wrmsr(MSR_IA32_S_CET, 0);
	sss_fault.vector = r->vector;
	sss_fault.error_code = r->error_code;
	sss_fault.rip = r->rip;
	r->rip = (uintptr_t)cet_super_recover;
}

/* how: 0 plain, 1 corrupt a RET, 2 SETSSBSY twice (see x86/cet-shstk.S) */
static void run_super(u64 *s, unsigned how)
{
	u64 token = (uintptr_t)super_ss + PAGE_SIZE - 8;
	unsigned long flags = read_rflags();
	exception_handler old_cp, old_gp;

	/* A supervisor token: the address of its own slot, busy bit (0) clear. */
	set_page_flags(super_ss, PT_WRITABLE, 0);
	*(volatile u64 *)(uintptr_t)token = token;
	set_page_flags(super_ss, PT_DIRTY, PT_WRITABLE | PT_USER);
	memset(s, 0, 10 * sizeof(*s));
	s[0] = token;
	s[8] = how;
	sss_fault.vector = NO_EXCEPTION;
	wrmsr(MSR_IA32_PL0_SSP, token);
	old_cp = handle_exception(CP_VECTOR, sss_handler);
	old_gp = handle_exception(GP_VECTOR, sss_handler);
	irq_disable();
	cet_super_run(s);
	write_rflags(flags);
	handle_exception(CP_VECTOR, old_cp);
	handle_exception(GP_VECTOR, old_gp);
	wrmsr(MSR_IA32_PL0_SSP, 0);
}

static void check_super_shstk(void)
{
	u64 s[10];
	u64 token = (uintptr_t)super_ss + PAGE_SIZE - 8;

	report_prefix_push("supervisor shadow stack");
	run_super(s, 0);
	report(sss_fault.vector == NO_EXCEPTION, "SETSSBSY, CALL/RET and CLRSSBSY at CPL0 raise nothing (got %s)",
	       exception_name(sss_fault.vector));
	report(s[1] == token, "SETSSBSY loads SSP from IA32_PL0_SSP (%#llx)", (unsigned long long)s[1]);
	report(s[2] == (token | 1), "SETSSBSY marks the supervisor token busy (%#llx)", (unsigned long long)s[2]);
	report(s[3] == token - 8 && s[4] == (uintptr_t)cet_super_ret_addr,
	       "a near CALL pushes its return address on the supervisor shadow stack (SSP %#llx, slot %#llx)",
	       (unsigned long long)s[3], (unsigned long long)s[4]);
	report(s[7] == token, "CLRSSBSY clears the busy bit of a valid token (token %#llx)",
	       (unsigned long long)s[7]);
	/* SDM CLRSSBSY: RFLAGS.CF = invalid_token. */
	report_deviation("cet-clrssbsy-cf", s[5] == 0, "CLRSSBSY of a valid busy token leaves CF=0 (CF=%llu)", (unsigned long long)s[5]);
	report(s[6] == 0, "CLRSSBSY leaves SSP = 0 (%#llx)", (unsigned long long)s[6]);

	run_super(s, 1);
	report(sss_fault.vector == CP_VECTOR && sss_fault.error_code == CP_NEAR_RET &&
	       sss_fault.rip == (uintptr_t)cet_super_bad_ret,
	       "RET to a changed address at CPL0: #CP(NEAR-RET=1) (got %s, error %#lx, rip %#lx)",
	       exception_name(sss_fault.vector), sss_fault.error_code, sss_fault.rip);
	report(s[7] == token, "the token is released after the #CP (token %#llx)", (unsigned long long)s[7]);

	/* SDM vol. 2B SETSSBSY: a token whose busy bit is set already is #CP(SETSSBSY=5). */
	run_super(s, 2);
	report(sss_fault.vector == CP_VECTOR && sss_fault.error_code == CP_SETSSBSY &&
	       sss_fault.rip == (uintptr_t)cet_super_setssbsy,
	       "SETSSBSY of a busy token: #CP(SETSSBSY=5) at the instruction (got %s, error %#lx, rip %#lx)",
	       exception_name(sss_fault.vector), sss_fault.error_code, sss_fault.rip);
	report_prefix_pop();
}

static void check_shstk(void)
{
	unsigned long cr4 = read_cr4();

	if (!has_shstk) {
		report_skip("shadow stacks: CPUID.(7,0):ECX.SHSTK=0");
		return;
	}
	user_ss = alloc_page();
	super_ss = alloc_page();
	plain_page = alloc_page();
	/* Shadow-stack pages: leaf PTE with R/W=0 and Dirty=1 (upper levels stay writable). */
	set_page_flags(user_ss, PT_DIRTY | PT_USER, PT_WRITABLE);
	set_page_flags(plain_page, PT_USER | PT_WRITABLE, 0);
	write_cr4(cr4 | X86_CR4_CET);
	check_user_shstk();
	check_super_shstk();
	write_cr4(cr4);
	wrmsr(MSR_IA32_PL3_SSP, 0);
	set_page_flags(user_ss, PT_WRITABLE, PT_DIRTY);
	set_page_flags(super_ss, PT_WRITABLE | PT_USER, PT_DIRTY);
}

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	has_shstk = this_cpu_has(X86_FEATURE_SHSTK);
	has_ibt = this_cpu_has(X86_FEATURE_IBT);
	report_prefix_push("cet");
	report_info("CPUID.(7,0):ECX.SHSTK[7]=%d EDX.IBT[20]=%d", has_shstk, has_ibt);
	if (arg_selected(argc, argv, "msr")) {
		if (!has_shstk && !has_ibt) {
			check_absent();
		} else {
			check_cet_ctl(MSR_IA32_U_CET, "IA32_U_CET");
			check_cet_ctl(MSR_IA32_S_CET, "IA32_S_CET");
			check_ssp_msrs();
		}
	}
	if (arg_selected(argc, argv, "xss"))
		check_xss();
	if (arg_selected(argc, argv, "cr4"))
		check_cr4();
	if (arg_selected(argc, argv, "shstk"))
		check_shstk();
	if (arg_selected(argc, argv, "ibt"))
		cet_check_ibt();
	if (arg_selected(argc, argv, "ssp"))
		cet_check_ssp();
	report_prefix_pop();
	return report_summary();
}
