/*
 * shadow-vmcs: VMCS shadowing (Intel SDM vol. 3C 25.10 VMCS Types: Ordinary
 * and Shadow, 25.6.15 VMCS Shadowing Bitmap Addresses, 26.10 VMCS Shadowing;
 * secondary processor-based control bit 14). With the control on and the
 * VMCS link pointer at a shadow VMCS (revision identifier with bit 31 set):
 *   - L2's VMREAD of a field whose VMREAD-bitmap bit is 0 reads the shadow
 *     VMCS, without a VM exit; its VMWRITE with a clear VMWRITE-bitmap bit
 *     writes the shadow VMCS, which L1 then reads;
 *   - a set bitmap bit makes the instruction exit (23 VMREAD, 25 VMWRITE);
 *   - without the control, L2's VMREAD exits.
 */
#include "vmx-tests.h"
#include <asm/processor.h>

#define CPU2_VMCS_SHADOWING (1U << 14)
#define VMREAD_BITMAP 0x2026
#define VMWRITE_BITMAP 0x2028
#define SHADOW_INDICATOR (1U << 31)
#define EXIT_VMREAD 23
#define EXIT_VMWRITE 25
#define FIELD GUEST_ES_SEL          /* 16-bit guest-state field 0800H */
#define SDM_SHADOW "SDM vol. 3C 26.10 VMCS Shadowing"

static void *shadow, *vmread_bitmap, *vmwrite_bitmap;

/* L2: VMREAD FIELD into op[0], then VMWRITE op[1] to it. Runs in VMX non-root operation. */
static void l2_vmread_vmwrite(void *arg)
{
	uint64_t *op = arg, val = 0;

	__asm__ volatile("vmread %1, %0" : "=rm"(val) : "r"((uint64_t)FIELD) : "cc", "memory");
	op[0] = val;
	__asm__ volatile("vmwrite %0, %1" :: "rm"(op[1]), "r"((uint64_t)FIELD) : "cc", "memory");
}

/* The shadow VMCS's FIELD, read or written by L1 through VMPTRLD of it; v's VMCS is current again after. */
static uint64_t shadow_field(struct vmx_vcpu *v, bool write, uint64_t val)
{
	uint64_t got = 0;

	vmptrld((uintptr_t)shadow);
	if (write)
		vmwrite(FIELD, val);
	else
		got = vmread(FIELD);
	vmclear((uintptr_t)shadow);
	vmx_vcpu_load(v);
	return got;
}

static void set_bit_for(void *bitmap, unsigned field, bool on)
{
	uint8_t *b = bitmap;

	if (on)
		b[(field & 0x7fff) / 8] |= 1U << (field % 8);
	else
		b[(field & 0x7fff) / 8] &= ~(1U << (field % 8));
}

void vmx_test_shadow_vmcs(void)
{
	uint64_t op[2];
	struct vmx_vcpu *v;
	enum vmx_end end;

	if (!vmx_ctl_allowed(CPU_CONTROLS2, CPU2_VMCS_SHADOWING)) {
		report_skip("VMCS shadowing: secondary processor-based control bit 14 not allowed");
		return;
	}
	shadow = vmcs_alloc();
	vmread_bitmap = alloc_page();
	vmwrite_bitmap = alloc_page();
	assert(shadow && vmread_bitmap && vmwrite_bitmap);
	*(uint32_t *)shadow = vmx_revision() | SHADOW_INDICATOR;
	v = vmx_vcpu_new();
	if (!v)
		return;
	report(vmclear((uintptr_t)shadow) == VMX_OK, "VMCLEAR of the shadow VMCS");
	shadow_field(v, true, 0x1234);

	/* Control off: L2's VMREAD exits. */
	op[0] = op[1] = 0;
	vmx_vcpu_set_entry(v, l2_vmread_vmwrite, op, 0);
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_VMREAD,
	       "without VMCS shadowing L2's VMREAD exits (23) [got %s] [SDM vol. 3C 26.1.3]", end_str(v, end));

	vmx_set_ctl(CPU_CONTROLS2, CPU2_VMCS_SHADOWING, 0);
	vmwrite(VMREAD_BITMAP, (uintptr_t)vmread_bitmap);
	vmwrite(VMWRITE_BITMAP, (uintptr_t)vmwrite_bitmap);
	vmwrite(VMCS_LINK_PTR, (uintptr_t)shadow);
	op[0] = 0;
	op[1] = 0x5678;
	vmx_vcpu_set_entry(v, l2_vmread_vmwrite, op, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE, "bitmaps clear: L2's VMREAD and VMWRITE do not exit [got %s] [" SDM_SHADOW "]",
	       end_str(v, end));
	report(op[0] == 0x1234, "L2's VMREAD read the shadow VMCS's %#x (got %#llx) [" SDM_SHADOW "]", 0x1234,
	       (unsigned long long)op[0]);
	report(shadow_field(v, false, 0) == 0x5678,
	       "L2's VMWRITE of 0x5678 landed in the shadow VMCS [" SDM_SHADOW "]");

	set_bit_for(vmread_bitmap, FIELD, true);
	vmx_vcpu_set_entry(v, l2_vmread_vmwrite, op, 0);
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_VMREAD,
	       "VMREAD-bitmap bit of the field set: L2's VMREAD exits (23) [got %s] [" SDM_SHADOW "]",
	       end_str(v, end));
	set_bit_for(vmread_bitmap, FIELD, false);
	set_bit_for(vmwrite_bitmap, FIELD, true);
	vmx_vcpu_set_entry(v, l2_vmread_vmwrite, op, 0);
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_VMWRITE,
	       "VMWRITE-bitmap bit of the field set: L2's VMWRITE exits (25) [got %s] [" SDM_SHADOW "]",
	       end_str(v, end));
	vmwrite(VMCS_LINK_PTR, ~0ULL);
	vmx_set_ctl(CPU_CONTROLS2, 0, CPU2_VMCS_SHADOWING);
}
