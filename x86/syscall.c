/*
 * syscall: the fast system-call instructions, from the SDM vol. 2B pages
 * "SYSCALL", "SYSRET", "SYSENTER" and the APM vol. 3 pages of the same names.
 *
 *   - SYSCALL with EFER.SCE=0 is #UD.
 *   - SYSCALL from CPL3: CS = STAR[47:32], SS = STAR[47:32] + 8, RCX = the
 *     next RIP, R11 = RFLAGS, RFLAGS &= ~SFMASK (and RF cleared).
 *   - SYSRET (64-bit): CS = STAR[63:48] + 16 | 3, SS = STAR[63:48] + 8 | 3,
 *     RIP = RCX, RFLAGS = R11 with RF cleared and bit 1 set.
 *   - Intel: SYSRET with a non-canonical RCX is #GP(0) at CPL0, before any
 *     state changes (SDM vol. 2B SYSRET "Protected Mode Exceptions").
 *   - SYSENTER: #UD in long mode on AMD (APM vol. 3 SYSENTER); on Intel #GP(0)
 *     when IA32_SYSENTER_CS[15:2] is 0.
 *   - Intel SYSENTER from CPL3: CS = SYSENTER_CS, SS = SYSENTER_CS + 8,
 *     RSP = SYSENTER_ESP, RIP = SYSENTER_EIP, RFLAGS.IF/RF/VM cleared and
 *     the other flags kept; SYSEXIT with REX.W back to CPL3: CS =
 *     SYSENTER_CS + 32 | 3, SS = SYSENTER_CS + 40 | 3, RIP = RDX, RSP = RCX,
 *     RFLAGS untouched. SYSEXIT is #GP(0) at CPL3 and with SYSENTER_CS = 0.
 *     SYSEXIT does not read the GDT (it loads fixed flat descriptors), so
 *     its CS/SS selectors need not match lib/x86/desc.h's layout.
 * lib/x86/desc.h lays out the GDT for this STAR: KERNEL_CS/KERNEL_DS, then
 * USER_CS32 (0x23), USER_DS (0x2b), USER_CS (0x33).
 */
#include "hvut.h"
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>

#define SFMASK_BITS (X86_EFLAGS_DF | X86_EFLAGS_AC)
#define EFLAGS_RF (1UL << 16)
#define EFLAGS_VM (1UL << 17)

/* What the SYSCALL entry saw, and what the user code saw after SYSRET. */
struct syscall_seen {
	unsigned long rcx, r11, rflags, cs, ss;
	unsigned long user_cs, user_ss, user_rflags;
};
struct syscall_seen seen;

/*
 * syscall_entry runs at CPL0 on the user's stack (SYSCALL does not switch
 * stacks): it uses no stack, stores what it sees and SYSRETs straight back.
 */
extern char syscall_entry[], after_syscall[];
__asm__(".pushsection .text\n"
	".globl syscall_entry\n"
	"syscall_entry:\n"
	"	mov %rcx, seen+0(%rip)\n"
	"	mov %r11, seen+8(%rip)\n"
	"	pushfq\n"
	"	popq seen+16(%rip)\n"
	"	mov %cs, %eax\n"
	"	mov %rax, seen+24(%rip)\n"
	"	mov %ss, %eax\n"
	"	mov %rax, seen+32(%rip)\n"
	"	sysretq\n"
	".popsection");

/* At CPL3: set DF and AC, SYSCALL, then record CS, SS and RFLAGS after SYSRET. */
static void user_syscall(void *arg)
{
	(void)arg;
	__asm__ volatile("pushfq\n\t"
			 "orq %0, (%%rsp)\n\t"
			 "popfq\n\t"
			 "syscall\n"
			 ".globl after_syscall\n"
			 "after_syscall:\n\t"
			 "pushfq\n\t"
			 "popq seen+56(%%rip)\n\t"
			 "cld\n\t"
			 "pushfq\n\t"
			 "andq %1, (%%rsp)\n\t"
			 "popfq\n\t"
			 "mov %%cs, %%eax\n\t"
			 "mov %%rax, seen+40(%%rip)\n\t"
			 "mov %%ss, %%eax\n\t"
			 "mov %%rax, seen+48(%%rip)"
			 :: "i"(SFMASK_BITS), "i"(~X86_EFLAGS_AC)
			 : "rax", "rcx", "r11", "memory", "cc");
}

static void do_syscall(void *arg)
{
	(void)arg;
	__asm__ volatile("syscall" ::: "rcx", "r11", "memory");
}

extern char sysret_insn[];
static void sysret_noncanonical(void *arg)
{
	(void)arg;
	__asm__ volatile("movabs $0x0000800000000000, %%rcx\n\t"
			 "pushfq\n\tpopq %%r11\n"
			 ".globl sysret_insn\nsysret_insn: sysretq" ::: "rcx", "r11", "memory");
}

/* Where a SYSENTER that should not have worked lands: back to run_in_user's caller. */
extern char sysenter_landing[];
__asm__(".pushsection .text\n"
	".globl sysenter_landing\n"
	"sysenter_landing: int $" "0x81" "\n"
	".popsection");
static uint8_t sysenter_stack[4096] __attribute__((aligned(16)));

static void do_sysenter(void *arg)
{
	(void)arg;
	__asm__ volatile("sysenter" ::: "memory");
}

/*
 * What the SYSENTER entry saw at CPL0 and what the code SYSEXIT returned to
 * saw at CPL3 (offsets used by the assembly below).
 */
struct sysenter_seen {
	unsigned long cs, ss, rsp, rflags;                  /* 0, 8, 16, 24 */
	unsigned long user_cs, user_ss, user_rsp, user_rflags; /* 32, 40, 48, 56 */
	unsigned long before_rflags;                        /* 64: at CPL3, before SYSENTER */
};
struct sysenter_seen se_seen;
uint8_t sysexit_stack[4096] __attribute__((aligned(16)));   /* not static: the assembly names it */

/*
 * sysenter_entry runs at CPL0 on sysenter_stack: it records CS, SS, RSP and
 * RFLAGS, then SYSEXITs (REX.W: to 64-bit code) to sysexit_landing with RSP =
 * the top of sysexit_stack. The landing, at CPL3, records the same and leaves
 * through run_in_user()'s exit (INT 0x81), clearing DF first for the C side.
 */
extern char sysenter_entry[], sysexit_landing[];
__asm__(".pushsection .text\n"
	".globl sysenter_entry, sysexit_landing\n"
	"sysenter_entry:\n"
	"	mov %rsp, se_seen+16(%rip)\n"
	"	pushfq\n"
	"	popq se_seen+24(%rip)\n"
	"	mov %cs, %eax\n"
	"	mov %rax, se_seen+0(%rip)\n"
	"	mov %ss, %eax\n"
	"	mov %rax, se_seen+8(%rip)\n"
	"	lea sysexit_landing(%rip), %rdx\n"
	"	lea sysexit_stack+4096(%rip), %rcx\n"
	"	sysexitq\n"
	"sysexit_landing:\n"
	"	mov %rsp, se_seen+48(%rip)\n"
	"	pushfq\n"
	"	popq se_seen+56(%rip)\n"
	"	mov %cs, %eax\n"
	"	mov %rax, se_seen+32(%rip)\n"
	"	mov %ss, %eax\n"
	"	mov %rax, se_seen+40(%rip)\n"
	"	cld\n"
	"	int $0x81\n"
	".popsection");

/*
 * At CPL3, with IF = 1 from run_in_user()'s caller: set DF, which SYSENTER
 * keeps, record RFLAGS (IF must be 1 there for the entry's IF = 0 to mean
 * anything) and SYSENTER.
 */
static void user_sysenter_sysexit(void *arg)
{
	(void)arg;
	__asm__ volatile("std\n\tpushfq\n\tpopq se_seen+64(%%rip)\n\tsysenter" ::: "memory", "cc");
}

/* SYSEXIT where it must #GP; if it ran anyway it lands in sysexit_landing, which exits. */
extern char sysexit_insn[];
static void do_sysexit(void *arg)
{
	(void)arg;
	__asm__ volatile("lea sysexit_landing(%%rip), %%rdx\n\t"
			 "lea sysexit_stack+4096(%%rip), %%rcx\n"
			 ".globl sysexit_insn\nsysexit_insn: sysexitq" ::: "rcx", "rdx", "memory");
}

static void test_sysenter_intel(void)
{
	unsigned long want_cs = KERNEL_CS, stack_top = (uintptr_t)sysenter_stack + sizeof(sysenter_stack);
	unsigned long exit_top = (uintptr_t)sysexit_stack + sizeof(sysexit_stack);
	struct fault f;
	int v;

	wrmsr(MSR_IA32_SYSENTER_CS, want_cs);
	wrmsr(MSR_IA32_SYSENTER_EIP, (uintptr_t)sysenter_entry);
	wrmsr(MSR_IA32_SYSENTER_ESP, stack_top);
	memset(&se_seen, 0, sizeof(se_seen));
	/*
	 * IF = 1 at CPL3 (enter_user copies RFLAGS), so the entry can show
	 * SYSENTER cleared it. The 8259s and LINT0 are masked first: booted by
	 * a BIOS, the PIT's IRQ0 is live and the PIC still sends it as vector 8.
	 */
	apic_quiet_legacy();
	irq_enable();
	v = run_in_user(user_sysenter_sysexit, NULL, &f);
	irq_disable();
	report(v == NO_EXCEPTION, "SYSENTER from CPL3 and SYSEXIT back run (got %s at %#lx) [SDM vol. 2B SYSENTER]",
	       exception_name(v), f.pc);
	report(se_seen.cs == want_cs && se_seen.ss == want_cs + 8,
	       "entry: CS = SYSENTER_CS %#lx, SS = SYSENTER_CS + 8 (got %#lx, %#lx) [SDM vol. 2B SYSENTER Operation]",
	       want_cs, se_seen.cs, se_seen.ss);
	/* The entry stores RSP before it pushes anything. */
	report(se_seen.rsp == stack_top,
	       "entry: RSP = IA32_SYSENTER_ESP %#lx (got %#lx) [SDM vol. 2B SYSENTER Operation]", stack_top,
	       se_seen.rsp);
	report((se_seen.before_rflags & X86_EFLAGS_IF) &&
	       !(se_seen.rflags & (X86_EFLAGS_IF | EFLAGS_RF | EFLAGS_VM)) && (se_seen.rflags & X86_EFLAGS_DF),
	       "entry: RFLAGS.IF/RF/VM cleared, DF kept (got %#lx, %#lx at CPL3) [SDM vol. 2B SYSENTER Operation]",
	       se_seen.rflags, se_seen.before_rflags);
	report(se_seen.user_cs == ((want_cs + 32) | 3) && se_seen.user_ss == ((want_cs + 40) | 3),
	       "SYSEXIT (REX.W): CS = SYSENTER_CS + 32 | 3 = %#lx, SS = SYSENTER_CS + 40 | 3 = %#lx (got %#lx, %#lx) [SDM vol. 2B SYSEXIT Operation]",
	       (want_cs + 32) | 3, (want_cs + 40) | 3, se_seen.user_cs, se_seen.user_ss);
	/* Reaching sysexit_landing at all is RIP = RDX; RSP must be RCX. */
	report(se_seen.user_rsp == exit_top && se_seen.user_cs != 0,
	       "SYSEXIT: RIP = RDX (the landing ran), RSP = RCX %#lx (got %#lx) [SDM vol. 2B SYSEXIT Operation]",
	       exit_top, se_seen.user_rsp);
	report(se_seen.user_rflags == se_seen.rflags,
	       "SYSEXIT leaves RFLAGS alone (got %#lx, %#lx at the entry) [SDM vol. 2B SYSEXIT Operation]",
	       se_seen.user_rflags, se_seen.rflags);

	v = run_in_user(do_sysexit, NULL, &f);
	report(v == GP_VECTOR && f.error_code == 0 && f.pc == (unsigned long)sysexit_insn,
	       "SYSEXIT at CPL3: #GP(0) (got %s(%#lx) at %#lx) [SDM vol. 2B SYSEXIT: #GP(0) if CPL != 0]",
	       exception_name(v), f.error_code, f.pc);
	wrmsr(MSR_IA32_SYSENTER_CS, 0);
	v = catch_exception(do_sysexit, NULL, &f);
	report(v == GP_VECTOR && f.error_code == 0 && f.pc == (unsigned long)sysexit_insn,
	       "SYSEXIT with IA32_SYSENTER_CS = 0: #GP(0) (got %s(%#lx) at %#lx) [SDM vol. 2B SYSEXIT: #GP(0) if IA32_SYSENTER_CS[15:2] = 0]",
	       exception_name(v), f.error_code, f.pc);
}

static void test_syscall(void)
{
	uint64_t efer = rdmsr(MSR_EFER);
	struct fault f;
	int v;

	report_prefix_push("SYSCALL");
	wrmsr(MSR_STAR, ((uint64_t)(USER_CS32 & ~3) << 48) | ((uint64_t)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (uintptr_t)syscall_entry);
	wrmsr(MSR_SYSCALL_MASK, SFMASK_BITS);

	wrmsr(MSR_EFER, efer & ~EFER_SCE);
	v = catch_exception(do_syscall, NULL, &f);
	report(v == UD_VECTOR, "EFER.SCE=0: #UD (got %s) [SDM vol. 2B SYSCALL: #UD if IA32_EFER.SCE = 0]",
	       exception_name(v));
	wrmsr(MSR_EFER, efer | EFER_SCE);

	memset(&seen, 0, sizeof(seen));
	v = run_in_user(user_syscall, NULL, &f);
	report(v == NO_EXCEPTION, "SYSCALL from CPL3 and SYSRET back run (got %s at %#lx)", exception_name(v), f.pc);
	report(seen.cs == KERNEL_CS && seen.ss == KERNEL_DS,
	       "entry: CS=%#x SS=%#x from STAR[47:32] (got %#lx, %#lx) [SDM vol. 2B SYSCALL Operation]",
	       KERNEL_CS, KERNEL_DS, seen.cs, seen.ss);
	report(seen.rcx == (unsigned long)after_syscall, "entry: RCX = the next RIP %p (got %#lx)", after_syscall,
	       seen.rcx);
	report((seen.r11 & SFMASK_BITS) == SFMASK_BITS && !(seen.r11 & EFLAGS_RF),
	       "entry: R11 = the user's RFLAGS, DF and AC set (got %#lx)", seen.r11);
	/* Bit 1 of RFLAGS is always 1: it shows the entry ran and recorded RFLAGS. */
	report((seen.rflags & 2) && !(seen.rflags & SFMASK_BITS),
	       "entry: RFLAGS bits in SFMASK cleared (RFLAGS %#lx, SFMASK %#lx)",
	       seen.rflags, (unsigned long)SFMASK_BITS);
	report(seen.user_cs == USER_CS && seen.user_ss == USER_DS,
	       "after SYSRET: CS=%#x SS=%#x from STAR[63:48] (got %#lx, %#lx) [SDM vol. 2B SYSRET Operation]",
	       USER_CS, USER_DS, seen.user_cs, seen.user_ss);
	report((seen.user_rflags & SFMASK_BITS) == SFMASK_BITS && (seen.user_rflags & 2),
	       "after SYSRET: RFLAGS from R11, DF and AC back, bit 1 set (got %#lx)", seen.user_rflags);

	v = catch_exception(sysret_noncanonical, NULL, &f);
	if (cpu_vendor() == X86_VENDOR_INTEL)
		report_deviation("sysret-noncanonical-cpl3", v == GP_VECTOR && f.error_code == 0 && f.pc == (unsigned long)sysret_insn &&
		       (f.regs.cs & 3) == 0,
		       "Intel: SYSRET to a non-canonical RCX is #GP(0) at CPL0 (got %s(%#lx) at %#lx, CS %#lx) [SDM vol. 2B SYSRET]",
		       exception_name(v), f.error_code, f.pc, f.regs.cs);
	else
		/* The APM lets the #GP come after the switch to CPL3: both end in #GP, the guest lives. */
		report(v == GP_VECTOR || v == PF_VECTOR,
		       "AMD: SYSRET to a non-canonical RCX faults (got %s at %#lx, CS %#lx) [APM vol. 3 SYSRET]",
		       exception_name(v), f.pc, f.regs.cs);
	report_prefix_pop();
}

static void test_sysenter(void)
{
	uint64_t old_cs = rdmsr(MSR_IA32_SYSENTER_CS);
	uint64_t old_eip = rdmsr(MSR_IA32_SYSENTER_EIP), old_esp = rdmsr(MSR_IA32_SYSENTER_ESP);
	struct fault f;
	int v;

	report_prefix_push("SYSENTER");
	if (cpu_vendor() == X86_VENDOR_AMD) {
		/* Set up as on Intel, so a VMM that runs it anyway ends up somewhere harmless. */
		wrmsr(MSR_IA32_SYSENTER_CS, KERNEL_CS);
		wrmsr(MSR_IA32_SYSENTER_EIP, (uintptr_t)sysenter_landing);
		wrmsr(MSR_IA32_SYSENTER_ESP, (uintptr_t)sysenter_stack + sizeof(sysenter_stack));
		v = run_in_user(do_sysenter, NULL, &f);
		report_deviation("sysenter-long-mode-amd", v == UD_VECTOR, "AMD, long mode: #UD (got %s; none means it ran as on Intel) [APM vol. 3 SYSENTER: invalid in long mode]",
		       exception_name(v));
	} else {
		wrmsr(MSR_IA32_SYSENTER_CS, 0);
		v = run_in_user(do_sysenter, NULL, &f);
		report(v == GP_VECTOR && f.error_code == 0,
		       "IA32_SYSENTER_CS = 0: #GP(0) (got %s(%#lx)) [SDM vol. 2B SYSENTER]", exception_name(v),
		       f.error_code);
		test_sysenter_intel();
	}
	wrmsr(MSR_IA32_SYSENTER_CS, old_cs);
	wrmsr(MSR_IA32_SYSENTER_EIP, old_eip);
	wrmsr(MSR_IA32_SYSENTER_ESP, old_esp);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	report_info("vendor %s, running on %s", cpu_vendor() == X86_VENDOR_INTEL ? "Intel" :
		    cpu_vendor() == X86_VENDOR_AMD ? "AMD" : "other", vmm_description());
	if (!this_cpu_has(X86_FEATURE_SYSCALL))
		report_skip("SYSCALL/SYSRET: CPUID.80000001H:EDX[11]=0");
	else
		test_syscall();
	if (!this_cpu_has(X86_FEATURE_SEP))
		report_skip("SYSENTER: CPUID.1:EDX.SEP[11]=0");
	else
		test_sysenter();
	return report_summary();
}
