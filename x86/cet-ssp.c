/*
 * cet ssp: the shadow-stack management instructions and the CET state
 * components of XSAVES (SDM vol. 1 "Shadow Stacks", vol. 1 13.x "XSAVE-
 * Managed State", vol. 2 WRSS, WRUSS, INCSSP, RSTORSSP, SAVEPREVSSP, XSAVES,
 * XRSTORS). Called from x86/cet.c for the test argument "ssp".
 *
 * - WRSS at CPL3 writes the user shadow stack only with U_CET.WR_SHSTK_EN
 *   (else #UD); to an ordinary page it is a #PF with the SS bit (6).
 * - WRUSS is CPL0 only (#GP(0) at CPL3), a user-mode shadow-stack write: fine
 *   on a U/S=1 shadow-stack page, #PF(P|W|U|SS) on a supervisor one.
 * - INCSSPQ n pops n 8-byte entries: SSP += 8n.
 * - RSTORSSP checks the restore token (bits 63:2 = its address + 8, bit 0 =
 *   64-bit mode), makes SSP its address and replaces it with a previous-SSP
 *   token (old SSP | 2 | 1), CF = 0 without an alignment hole; SAVEPREVSSP
 *   pushes a restore token (old SSP | 1) at old SSP - 8 and pops the
 *   previous-SSP token. A bad token is #CP(RSTORSSP=4).
 * - An interrupt through an IST gate at CPL0 switches to the shadow stack
 *   IA32_INT_SSP_TAB names (token made busy, old CS/LIP/SSP pushed there).
 * - XSAVES/XRSTORS of CET_U (U_CET, PL3_SSP) and CET_S (PL0-2_SSP),
 *   components 11 and 12, when CPUID.(0xD,1):ECX enumerates them.
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/vm.h>

#define SH_STK_EN (1ULL << 0)
#define WR_SHSTK_EN (1ULL << 1)
#define CP_RSTORSSP 4
#define XSS_CET_U (1ULL << 11)
#define XSS_CET_S (1ULL << 12)

void cet_check_ssp(void);
void cet_wrss(void *), cet_wruss(void *), cet_incssp(void *), cet_switch(void *), cet_ist_run(u64 *r);
extern char cet_wrss_insn[], cet_wruss_insn[], cet_rstorssp_insn[], cet_ist_after[];

static u8 *ss_a, *ss_b, *ss_super, *plain;
static struct fault f;

/* A shadow-stack page: leaf PTE R/W=0, D=1 (SDM vol. 3A "Shadow-Stack Pages"). */
static void make_ss(u8 *p, bool user)
{
	set_page_flags(p, PT_DIRTY | (user ? PT_USER : 0), PT_WRITABLE | (user ? 0 : PT_USER));
}

static void make_plain(u8 *p, u64 user)
{
	set_page_flags(p, PT_WRITABLE | user, PT_DIRTY);
}

static int user_run(u64 u_cet, test_fn fn, void *arg)
{
	int v;

	wrmsr(MSR_IA32_PL3_SSP, (uintptr_t)ss_a + PAGE_SIZE);
	wrmsr(MSR_IA32_U_CET, u_cet);
	v = run_in_user(fn, arg, &f);
	wrmsr(MSR_IA32_U_CET, 0);
	return v;
}

static void wrss_wruss(void)
{
	u64 a[2];
	int v;

	a[0] = (uintptr_t)ss_a + 64;
	a[1] = 0x1122334455667788ULL;
	v = user_run(SH_STK_EN | WR_SHSTK_EN, cet_wrss, a);
	report(v == NO_EXCEPTION && *(volatile u64 *)(uintptr_t)a[0] == a[1],
	       "WRSS at CPL3 with WR_SHSTK_EN writes the shadow stack (got %s, %#llx)", exception_name(v),
	       (unsigned long long)*(volatile u64 *)(uintptr_t)a[0]);
	v = user_run(SH_STK_EN, cet_wrss, a);
	report(v == UD_VECTOR && f.pc == (uintptr_t)cet_wrss_insn, "WRSS with WR_SHSTK_EN=0 #UDs (got %s)",
	       exception_name(v));
	a[0] = (uintptr_t)plain + 64;
	v = user_run(SH_STK_EN | WR_SHSTK_EN, cet_wrss, a);
	report(v == PF_VECTOR && (f.error_code & 0x47) == 0x47 && f.addr == a[0],
	       "WRSS to an ordinary page is #PF(P|W|U|SS) (got %s, error %#lx, CR2 %#lx)", exception_name(v),
	       f.error_code, f.addr);

	a[0] = (uintptr_t)ss_a + 72;
	a[1] = 0x99aabbccddeeff00ULL;
	v = catch_exception(cet_wruss, a, &f);
	report(v == NO_EXCEPTION && *(volatile u64 *)(uintptr_t)a[0] == a[1],
	       "WRUSS at CPL0 writes a user shadow-stack page (got %s)", exception_name(v));
	a[0] = (uintptr_t)ss_super + 64;
	v = catch_exception(cet_wruss, a, &f);
	report(v == PF_VECTOR && (f.error_code & 0x47) == 0x47 && f.addr == a[0],
	       "WRUSS to a supervisor shadow-stack page is #PF(P|W|U|SS) (got %s, error %#lx)", exception_name(v),
	       f.error_code);
	a[0] = (uintptr_t)ss_a + 64;
	v = user_run(SH_STK_EN | WR_SHSTK_EN, cet_wruss, a);
	report(v == GP_VECTOR && f.error_code == 0 && f.pc == (uintptr_t)cet_wruss_insn,
	       "WRUSS at CPL3 #GP(0) (got %s, error %#lx)", exception_name(v), f.error_code);
}

static void incssp(void)
{
	u64 out[2] = { 0, 0 };
	int v = user_run(SH_STK_EN, cet_incssp, out);

	report(v == NO_EXCEPTION && out[1] == out[0] + 8, "INCSSPQ 1 adds 8 to SSP (%#llx -> %#llx, %s)",
	       (unsigned long long)out[0], (unsigned long long)out[1], exception_name(v));
}

static void switch_stacks(void)
{
	u64 top_a = (uintptr_t)ss_a + PAGE_SIZE, top_b = (uintptr_t)ss_b + PAGE_SIZE, token = top_b - 8;
	u64 r[7] = { token };
	int v;

	/* A restore token at the top of stack B: its address + 8, bit 0 = 64-bit. */
	make_plain(ss_b, PT_USER);
	*(volatile u64 *)(uintptr_t)token = top_b | 1;
	make_ss(ss_b, true);
	v = user_run(SH_STK_EN, cet_switch, r);
	report(v == NO_EXCEPTION, "RSTORSSP to stack B, SAVEPREVSSP, RSTORSSP back, INCSSP (got %s at %#lx)",
	       exception_name(v), f.pc);
	/* r[1]: SSP_A at entry = top_a - 8 (the trampoline's CALL pushed once). */
	report(r[1] == top_a - 8 && r[3] == token && r[2] == 0,
	       "RSTORSSP: SSP = the token's address, CF = 0 (SSP %#llx, CF %llu)", (unsigned long long)r[3],
	       (unsigned long long)r[2]);
	report(*(volatile u64 *)(uintptr_t)token == (r[1] | 3),
	       "RSTORSSP replaced the token with a previous-SSP token (old SSP | 3: %#llx)",
	       (unsigned long long)*(volatile u64 *)(uintptr_t)token);
	report(r[4] == token + 8, "SAVEPREVSSP pops the previous-SSP token (SSP %#llx)", (unsigned long long)r[4]);
	report(r[5] == (r[1] | 1), "SAVEPREVSSP pushed a restore token (old SSP | 1) at old SSP - 8 (%#llx)",
	       (unsigned long long)r[5]);
	report(r[6] == r[1], "back on stack A at the same SSP, and RET works (%#llx)", (unsigned long long)r[6]);

	make_plain(ss_b, PT_USER);
	*(volatile u64 *)(uintptr_t)token = 0;
	make_ss(ss_b, true);
	v = user_run(SH_STK_EN, cet_switch, r);
	report(v == CP_VECTOR && f.error_code == CP_RSTORSSP && f.pc == (uintptr_t)cet_rstorssp_insn,
	       "RSTORSSP of an invalid token: #CP(RSTORSSP=4) (got %s, error %#lx)", exception_name(v),
	       f.error_code);
}

static void xsaves_area_offsets(unsigned *off_u, unsigned *off_s)
{
	unsigned off = 576;

	/* Compacted format: components in order, aligned to 64 where CPUID.(0xD,i):ECX[1] says so. */
	if (cpuid_indexed(0xd, 11).c & 2)
		off = (off + 63) & ~63U;
	*off_u = off;
	off += cpuid_indexed(0xd, 11).a;
	if (cpuid_indexed(0xd, 12).c & 2)
		off = (off + 63) & ~63U;
	*off_s = off;
}

static void xsaves_cet(void)
{
	u32 ecx = cpuid_indexed(0xd, 1).c;
	u64 *area = alloc_page(), rfbm = XSS_CET_U | XSS_CET_S, xss = rdmsr(MSR_IA32_XSS);
	const u64 vals[5] = { SH_STK_EN, 0x7000, 0x8000, 0x9000, 0xa000 };
	static const u32 msrs[5] = { MSR_IA32_U_CET, MSR_IA32_PL3_SSP, MSR_IA32_PL0_SSP, MSR_IA32_PL1_SSP,
				     MSR_IA32_PL2_SSP };
	unsigned off_u, off_s;
	bool ok = true;
	unsigned long cr4 = read_cr4();

	if (!this_cpu_has(X86_FEATURE_XSAVES) || (ecx & rfbm) != rfbm) {
		report_skip("XSAVES of CET state: XSAVES %d, CPUID.(0xD,1):ECX[12:11] = %u",
			    this_cpu_has(X86_FEATURE_XSAVES), (ecx >> 11) & 3);
		return;
	}
	xsaves_area_offsets(&off_u, &off_s);
	write_cr4(cr4 | X86_CR4_OSXSAVE);
	wrmsr(MSR_IA32_XSS, xss | rfbm);
	memset(area, 0, PAGE_SIZE);
	for (int i = 0; i < 5; i++)
		wrmsr(msrs[i], vals[i]);
	__asm__ volatile("xsaves64 (%0)" :: "r"(area), "a"((u32)rfbm), "d"((u32)(rfbm >> 32)) : "memory");
	report(area[65] == (rfbm | 1ULL << 63) && (area[64] & rfbm) == rfbm,
	       "XSAVES: XCOMP_BV = compacted | bits 12:11 (%#llx), XSTATE_BV has both (%#llx)",
	       (unsigned long long)area[65], (unsigned long long)area[64]);
	report(area[off_u / 8] == vals[0] && area[off_u / 8 + 1] == vals[1],
	       "CET_U at offset %u holds U_CET, PL3_SSP (%#llx, %#llx)", off_u, (unsigned long long)area[off_u / 8],
	       (unsigned long long)area[off_u / 8 + 1]);
	report(area[off_s / 8] == vals[2] && area[off_s / 8 + 1] == vals[3] && area[off_s / 8 + 2] == vals[4],
	       "CET_S at offset %u holds PL0_SSP, PL1_SSP, PL2_SSP", off_s);
	for (int i = 0; i < 5; i++)
		wrmsr(msrs[i], 0);
	__asm__ volatile("xrstors64 (%0)" :: "r"(area), "a"((u32)rfbm), "d"((u32)(rfbm >> 32)) : "memory");
	for (int i = 0; i < 5; i++)
		ok &= rdmsr(msrs[i]) == vals[i];
	report(ok, "XRSTORS restores U_CET and PL0-3_SSP");
	area[64] &= ~rfbm;
	__asm__ volatile("xrstors64 (%0)" :: "r"(area), "a"((u32)rfbm), "d"((u32)(rfbm >> 32)) : "memory");
	ok = true;
	for (int i = 0; i < 5; i++)
		ok &= rdmsr(msrs[i]) == 0;
	report(ok, "XRSTORS with XSTATE_BV[12:11] = 0 puts them in their init state (0)");
	wrmsr(MSR_IA32_XSS, xss);
	write_cr4(cr4);
}

#define IST_VECTOR 0x42
#define IST_INDEX 4      /* hvut uses IST 1-3 (#DF, NMI, #MC) */

static u8 *ist_stack;
static volatile u64 ist_ssp, ist_rsp, ist_token;
static volatile int ist_hits;
static u64 ist_token_addr;

static void ist_handler(struct ex_regs *r)
{
	u64 ssp = 0;
	u8 here;

	(void)r;
	__asm__ volatile("rdsspq %0" : "+r"(ssp));
	ist_ssp = ssp;
	ist_rsp = (uintptr_t)&here;
	ist_token = *(volatile u64 *)(uintptr_t)ist_token_addr;
	ist_hits++;
}

/*
 * SDM vol. 3A "Interrupt and Exception Handling" with shadow stacks (and vol.
 * 1 "Shadow Stacks"): an event delivered at CPL0 through a gate with IST=n
 * switches SSP to IA32_INT_SSP_TAB[n], which must hold a free supervisor
 * token (it is made busy), and pushes the old CS, LIP and SSP there; IRET
 * pops and checks them and restores the old SSP.
 */
static void ist_switch(void)
{
	struct tss64 *tss = this_cpu_tss();
	u8 *tok_a = alloc_page(), *tok_b = alloc_page();
	u64 *tab = alloc_page(), ta = (uintptr_t)tok_a + PAGE_SIZE - 8, tb = (uintptr_t)tok_b + PAGE_SIZE - 8;
	u64 r[4] = { ta }, old_ist = tss->ist[IST_INDEX - 1], flags = read_rflags();
	exception_handler old = handle_exception(IST_VECTOR, ist_handler);
	volatile u64 *frame = (volatile u64 *)(uintptr_t)tb;

	ist_stack = alloc_page();
	*(volatile u64 *)(uintptr_t)ta = ta;       /* supervisor tokens: their own address, not busy */
	*(volatile u64 *)(uintptr_t)tb = tb;
	make_ss(tok_a, false);
	make_ss(tok_b, false);
	memset(tab, 0, PAGE_SIZE);
	tab[IST_INDEX] = tb;
	ist_token_addr = tb;
	tss->ist[IST_INDEX - 1] = (uintptr_t)ist_stack + PAGE_SIZE;
	set_idt_ist(IST_VECTOR, IST_INDEX);
	wrmsr(MSR_IA32_INT_SSP_TAB, (uintptr_t)tab);
	wrmsr(MSR_IA32_PL0_SSP, ta);
	ist_hits = 0;
	irq_disable();
	cet_ist_run(r);
	write_rflags(flags);
	report(ist_hits == 1 && ist_rsp - (uintptr_t)ist_stack < PAGE_SIZE,
	       "INT through an IST gate runs the handler on the IST stack (%d, RSP %#llx)", ist_hits,
	       (unsigned long long)ist_rsp);
	report(ist_ssp < tb - 16 && tb - ist_ssp < PAGE_SIZE,
	       "its SSP is on the shadow stack IA32_INT_SSP_TAB[%d] names (%#llx, token %#llx)", IST_INDEX,
	       (unsigned long long)ist_ssp, (unsigned long long)tb);
	report(ist_token == (tb | 1), "the supervisor token there is busy while the handler runs (%#llx)",
	       (unsigned long long)ist_token);
	report(frame[-1] == KERNEL_CS && frame[-2] == (uintptr_t)cet_ist_after && frame[-3] == r[1],
	       "below the token: old CS, LIP (the return address), old SSP (%#llx %#llx %#llx)",
	       (unsigned long long)frame[-1], (unsigned long long)frame[-2], (unsigned long long)frame[-3]);
	report(r[2] == r[1], "IRET restores the old SSP (%#llx, was %#llx)", (unsigned long long)r[2],
	       (unsigned long long)r[1]);
	report_info("IST token after IRET: %#llx; CLRSSBSY of the first token CF=%llu",
		    (unsigned long long)*(volatile u64 *)(uintptr_t)tb, (unsigned long long)r[3]);
	set_idt_ist(IST_VECTOR, 0);
	handle_exception(IST_VECTOR, old);
	tss->ist[IST_INDEX - 1] = old_ist;
	wrmsr(MSR_IA32_INT_SSP_TAB, 0);
	wrmsr(MSR_IA32_PL0_SSP, 0);
	make_plain(tok_a, 0);
	make_plain(tok_b, 0);
}

void cet_check_ssp(void)
{
	unsigned long cr4 = read_cr4();

	if (!this_cpu_has(X86_FEATURE_SHSTK)) {
		report_skip("shadow-stack instructions: CPUID.(7,0):ECX.SHSTK=0");
		return;
	}
	report_prefix_push("shadow-stack instructions");
	ss_a = alloc_page();
	ss_b = alloc_page();
	ss_super = alloc_page();
	plain = alloc_page();
	make_ss(ss_a, true);
	make_ss(ss_b, true);
	make_ss(ss_super, false);
	make_plain(plain, PT_USER);
	write_cr4(cr4 | X86_CR4_CET);
	wrss_wruss();
	incssp();
	switch_stacks();
	ist_switch();
	write_cr4(cr4);
	wrmsr(MSR_IA32_PL3_SSP, 0);
	xsaves_cet();
	make_plain(ss_a, 0);
	make_plain(ss_b, 0);
	make_plain(ss_super, 0);
	report_prefix_pop();
}
