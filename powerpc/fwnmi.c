/*
 * fwnmi: a system reset injected by the harness (docs/protocol.md "NMI";
 * QEMU's inject-nmi on pseries), taken at the architected vector and then at
 * the handler registered with FWNMI.
 *
 * Power ISA v3.1 Book III 7.5.1 "System Reset Interrupt": SRR0 = the
 * instruction the thread would have executed next; SRR1 bits 33:36 and 42:47
 * are set by the interrupt (42:45 the reason code, reported), bit 62 (RI) is
 * the MSR's or 0 when the state was not recoverable, the others are the
 * MSR's; the handler runs with the MSR of 7.5 figure "MSR setting due to
 * interrupt" (SF = 1, EE PR IR DR RI = 0, ME kept outside power-saving
 * mode, LE = the interrupt endianness).
 *
 * LoPAR 7.3.14 (FWNMI option), "ibm,nmi-register": the OS gives the real
 * addresses of its system reset and machine check handlers; once that
 * succeeded, those interrupts go there instead of 0x100/0x200, with r3 = the
 * real address of a buffer whose first doubleword (big-endian) is the
 * interrupted r3. QEMU accepts the registration only once RTAS is
 * instantiated (lib/powerpc/fwnmi.c).
 *
 * Every injection ends the request line inside nmi_wait (powerpc/fwnmi-asm.S),
 * which then spins: the reset can only interrupt its own instructions, so
 * SRR0 and the interrupted r3 are known exactly.
 *
 * Machine check delivery SKIPs: nothing raises one under TCG (QEMU makes one
 * only from a host memory error under KVM).
 */
#include "hvut.h"
#include "nmi.h"
#include <asm/fwnmi.h>
#include <asm/hcall.h>
#include <asm/processor.h>
#include <asm/rtas.h>

#define FWNMI_TRAP_FLAG 1            /* fwnmi-asm.S: the FWNMI entries' trap is the vector | 1 */
#define SRR1_SET_BY_INTERRUPT 0x783f0000UL   /* SRR1 bits 33:36 and 42:47 */
#define SRR1_REASON(srr1) (((srr1) >> 18) & 0xf)   /* bits 42:45 */
#define MSR_CLEARED_ON_ENTRY (MSR_EE | MSR_PR | MSR_IR | MSR_DR | MSR_RI)
/*
 * How long to wait for the reset, in timebase: generous, because it is the
 * harness's round trip (its script reads the line, a socat process carries
 * QMP's inject-nmi) on a host that may be at load 30.
 */
#define WAIT_SECONDS 60

unsigned long nmi_wait(volatile unsigned long *flag, uint64_t tb_deadline, unsigned long termno);
extern char nmi_wait_armed[], nmi_wait_loop[], nmi_wait_end[];
extern char fwnmi_sreset_entry[], fwnmi_mce_entry[];

static volatile unsigned long taken;

/* The FWNMI buffer is big-endian whatever the guest's endianness. */
static unsigned long be64(unsigned long v)
{
#ifdef __LITTLE_ENDIAN__
	return __builtin_bswap64(v);
#else
	return v;
#endif
}
static struct {
	unsigned long trap, srr0, srr1, msr, r3, buffer, buffer_r3;
} seen;

/* 0x100 and the FWNMI entry (trap 0x101) share the handler slot. */
static void sreset_handler(struct ex_regs *r)
{
	seen.trap = r->trap;
	seen.srr0 = r->nip;
	seen.srr1 = r->msr;
	seen.msr = mfmsr();
	seen.r3 = r->gpr[3];
	if (r->trap & FWNMI_TRAP_FLAG) {
		/* r3 is the buffer; put the interrupted r3 back before returning. */
		seen.buffer = r->gpr[3];
		seen.buffer_r3 = be64(*(volatile unsigned long *)seen.buffer);
		seen.r3 = seen.buffer_r3;
		r->gpr[3] = seen.buffer_r3;
	}
	taken = r->trap;
}

/* Asks for the reset and waits in nmi_wait; the value the handler left in taken, 0 if none came. */
static unsigned long inject(unsigned long *msr_before)
{
	unsigned long got;

	memset(&seen, 0, sizeof(seen));
	taken = 0;
	*msr_before = mfmsr();
	nmi_request_start();
	got = nmi_wait(&taken, mftb() + WAIT_SECONDS * tb_hz, ppc_vty_termno());
	if (!nmi_wait_injected())
		return 0;
	return got;
}

/* The checks both deliveries share: where it came from, SRR1, the handler's MSR. */
static void check_state(unsigned long msr)
{
	unsigned long keep = ~(SRR1_SET_BY_INTERRUPT | MSR_RI), want_r3;
	bool in_wait = seen.srr0 >= (unsigned long)nmi_wait_armed && seen.srr0 < (unsigned long)nmi_wait_end;

	report(in_wait, "SRR0 = the next instruction of the interrupted loop (%#lx, in [%p, %p)) [Book III 7.5.1]",
	       seen.srr0, nmi_wait_armed, nmi_wait_end);
	/* nmi_wait: r3 is the hcall's status until the loop, then the flag's address. */
	want_r3 = seen.srr0 < (unsigned long)nmi_wait_loop ? H_SUCCESS : (unsigned long)&taken;
	report(in_wait && seen.r3 == want_r3, "the interrupted r3 is intact (%#lx, want %#lx)", seen.r3, want_r3);
	report((seen.srr1 & keep) == (msr & keep),
	       "SRR1 = the MSR outside bits 33:36, 42:47 and RI (%#lx, MSR %#lx) [Book III 7.5.1]", seen.srr1, msr);
	report_info("SRR1: reason code (42:45) %#lx, RI %d (MSR[RI] %d)", SRR1_REASON(seen.srr1),
		    !!(seen.srr1 & MSR_RI), !!(msr & MSR_RI));
	report(!(seen.msr & MSR_CLEARED_ON_ENTRY) && (seen.msr & MSR_SF) && (seen.msr & MSR_LE) == (msr & MSR_LE) &&
	       (seen.msr & MSR_ME) == (msr & MSR_ME),
	       "handler MSR: EE PR IR DR RI = 0, SF = 1, LE = ILE, ME kept (%#lx) [Book III 7.5 figure]", seen.msr);
}

static void architected(void)
{
	unsigned long msr, got;

	report_prefix_push("unregistered");
	got = inject(&msr);
	report(got == 0x100, "the system reset is taken at the architected vector 0x100 (entry %#lx) [Book III 7.5.1]",
	       got);
	if (got)
		check_state(msr);
	report_prefix_pop();
}

static void registered(void)
{
	unsigned long msr, got, in_area;
	const char *why = "";
	int st;

	report_prefix_push("fwnmi");
	if (rtas_token("ibm,nmi-register") == RTAS_UNKNOWN_TOKEN) {
		report_skip("FWNMI: no ibm,nmi-register in /rtas (QEMU's cap-fwnmi off)");
		report_prefix_pop();
		return;
	}
	if (!rtas_instantiate(&why)) {
		report_fail("RTAS instantiated (linux,rtas-base given to the hypervisor): %s", why);
		report_prefix_pop();
		return;
	}
	report_info("RTAS area at %#lx, %lu bytes", rtas_area_base, rtas_area_size);
	st = fwnmi_register((unsigned long)fwnmi_sreset_entry, (unsigned long)fwnmi_mce_entry);
	report(st == RTAS_SUCCESS, "ibm,nmi-register(%p, %p): success (%d) [LoPAR 7.3.14]", fwnmi_sreset_entry,
	       fwnmi_mce_entry, st);
	if (st != RTAS_SUCCESS) {
		report_prefix_pop();
		return;
	}
	got = inject(&msr);
	report(got == (0x100 | FWNMI_TRAP_FLAG),
	       "the system reset is taken at the registered handler, not 0x100 (entry %#lx) [LoPAR 7.3.14]", got);
	if (got) {
		bool in_wait = seen.srr0 >= (unsigned long)nmi_wait_armed && seen.srr0 < (unsigned long)nmi_wait_end;
		unsigned long want_r3 = seen.srr0 < (unsigned long)nmi_wait_loop ? H_SUCCESS : (unsigned long)&taken;

		report(in_wait && seen.buffer_r3 == want_r3,
		       "r3 = a buffer (%#lx) holding the interrupted r3 (%#lx, want %#lx) [LoPAR 7.3.14]", seen.buffer,
		       seen.buffer_r3, want_r3);
		in_area = seen.buffer >= rtas_area_base && seen.buffer + 16 <= rtas_area_base + rtas_area_size;
		report_info("the buffer is %s the RTAS area", in_area ? "inside" : "outside");
		check_state(msr);
	}
	report_skip("FWNMI machine check delivery: nothing raises a machine check under TCG (QEMU makes one only "
		    "from a host memory error under KVM)");
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	report_prefix_push("system reset");
	if (nmi_available()) {
		install_exception_handler(0x100, sreset_handler);
		architected();
		registered();
		install_exception_handler(0x100, NULL);
	}
	report_prefix_pop();
	return report_summary();
}
