/*
 * svm smi: the SMI intercept (AMD APM vol. 2 15.13.3 "SMI Intercept", bit 2
 * of the intercept vector at VMCB offset 00Ch; exit code 62h VMEXIT_SMI,
 * table C-1). The SMI source is L1's own local APIC: an IPI to itself with
 * delivery mode 010b (SMI, APM vol. 2 16.5 "Interprocessor Interrupts").
 * hvut's firmware has no SMM handler, so the part installs one at the
 * default SMBASE 30000h (APM vol. 2 10.3 "SMM Operating Environment": entry
 * at SMBASE+8000h in 16-bit mode, the save state at SMBASE+FE00h..FFFFh,
 * both plain RAM hvut leaves unused): it counts its entries and RSMs.
 * As in svm-nmi, the SMI is sent with GIF=0, which holds it (APM 15.17), and
 * VMRUN sets GIF=1 for L2:
 *   - SMI intercepted: #VMEXIT SMI (62h) before L2 runs, SMM not entered yet;
 *   - not intercepted: the SMI goes to SMM from L2, RSM returns into L2,
 *     which runs to its end (the control that the handler works).
 * Whether the intercepted SMI stays pending for L1 after its STGI is printed.
 * Where a BIOS relocated SMBASE (the seabios and bochs-grub lanes) the
 * handler's count is not seen and the SMM check SKIPs; the intercept checks
 * run there all the same.
 * Only when named (part `smi`): it writes low memory and enters SMM.
 */
#include "svm-tests.h"
#include <asm/apic.h>
#include <asm/processor.h>

#define SMBASE 0x30000UL
#define SMM_ENTRY (SMBASE + 0x8000)
#define APIC_ICR_SMI 0x00000200U          /* ICR delivery mode 010b */
#define SVM_INTERCEPT_SMI (1U << 2)
#define SVM_EXIT_SMI 0x62

static volatile int l2_ran;

static void l2_mark(void *arg)
{
	(void)arg;
	l2_ran = 1;
}

static volatile unsigned smm_entries;

static volatile unsigned *smm_count(void)
{
	return &smm_entries;
}

static void install_smm_handler(void)
{
	/*
	 * 16-bit code: inc dword [disp32] (operand- and address-size prefixes)
	 * on smm_entries through DS, base 0 and limit 4 GiB in SMM (APM 10.3),
	 * then rsm. The counter is in the test image: on Bochs 2.7 a write to
	 * SMBASE+8100h through CS in SMM was not seen by L1 afterwards.
	 */
	uint32_t addr = (uint32_t)(uintptr_t)&smm_entries;
	uint8_t code[] = { 0x66, 0x67, 0xff, 0x05, addr & 0xff, addr >> 8 & 0xff, addr >> 16 & 0xff, addr >> 24,
			   0x0f, 0xaa };

	assert((uintptr_t)&smm_entries < (1ULL << 32));
	memcpy((void *)SMM_ENTRY, code, sizeof(code));
	smm_entries = 0;
}

void test_smi(void)
{
	struct svm_vcpu v;
	unsigned after_exit;
	bool ours;

	report_prefix_push("smi");
	apic_enable();
	install_smm_handler();
	/*
	 * A BIOS (SeaBIOS, the Bochs BIOS: the seabios and bochs-grub lanes)
	 * relocates SMBASE and runs its own handler: an SMI in L1 tells whether
	 * this one at the default SMBASE is in use. 1/8 of APIC_WAIT_TSC: the
	 * self-IPI is taken at once where it is; the wait is spent only where not.
	 */
	apic_icr_write(APIC_ICR_SMI, apic_id());
	ours = wait_count_at_least(smm_count(), 1, APIC_WAIT_TSC / 8);
	if (!ours)
		report_info("an SMI in L1 did not run the handler at SMBASE 30000h+8000h: SMBASE relocated (firmware) or no SMM");
	*smm_count() = 0;

	l2_ran = 0;
	svm_vcpu_init(&v, l2_mark, NULL);
	v.vmcb->control.intercept_misc1 |= SVM_INTERCEPT_SMI;
	svm_clgi();
	apic_icr_write(APIC_ICR_SMI, apic_id());
	svm_vmrun(&v);   /* ends with STGI */
	after_exit = v.vmcb->control.exit_code == SVM_EXIT_SMI ? 1 : 0;
	expect_exit(&v, SVM_EXIT_SMI, "pending SMI, SMI intercepted [APM 15.13.3, table C-1]");
	report(!l2_ran, "L2 did not run before the SMI exit [APM 15.13.3]");
	/* After STGI: either the SMI was still pending and SMM ran once, or it was consumed. */
	if (ours) {
		wait_count_at_least(smm_count(), 1, APIC_WAIT_TSC / 8);
		if (after_exit)
			report_info("after the SMI exit and L1's STGI, SMM was entered %u time(s)", *smm_count());
	}

	*smm_count() = 0;
	l2_ran = 0;
	svm_vcpu_init(&v, l2_mark, NULL);
	svm_clgi();
	apic_icr_write(APIC_ICR_SMI, apic_id());
	svm_vmrun(&v);
	if (ours)
		wait_count_at_least(smm_count(), 1, APIC_WAIT_TSC);
	expect_exit(&v, SVM_EXIT_VMMCALL, "pending SMI, no intercept: L2 ends with VMMCALL");
	if (ours)
		report(l2_ran && *smm_count() == 1,
		       "the SMI went to SMM (%u entries) and RSM returned into L2, which ran to its end (%d) [APM 15.13.3, 10.3]",
		       *smm_count(), l2_ran);
	else
		report_skip("SMM entry from L2: the SMM handler in use is not the test's (SMBASE relocated by the firmware, or no SMM)");
	report_prefix_pop();
}
