/* Helpers the VMX test binaries (x86/vmx.c, x86/vmx-events.c, x86/vmx-state.c) share. */
#include "vmx-tests.h"
#include <asm/msr.h>

bool on_bochs(void)
{
	const char *accel = getenv("ACCEL");

	return accel && !strcmp(accel, "bochs");
}

const char *end_str(struct vmx_vcpu *v, enum vmx_end end)
{
	static char buf[200];

	return vmx_end_str(v, end, buf, sizeof(buf));
}

int vmx_main(int argc, char **argv, const struct vmx_group *groups, unsigned n, bool first_enters_vmx)
{
	const char *why;
	char names[256];
	int len = 0;

	report_prefix_push("vmx");
	for (unsigned g = 0; g < n; g++)
		len += snprintf(names + len, sizeof(names) - len, "%s%s", g ? " " : "", groups[g].name);
	for (int i = 1; i < argc; i++) {
		bool known = false;

		for (unsigned g = 0; g < n; g++)
			known |= !strcmp(argv[i], groups[g].name);
		if (!known)
			report_fail("unknown group '%s' (%s)", argv[i], names);
	}
	why = vmx_unsupported();
	if (why) {
		report_skip("%s", why);
		return report_summary();
	}
	report_info("IA32_VMX_BASIC %#lx, PROCBASED_CTLS2 %#lx, EPT_VPID_CAP %#lx, MISC %#lx",
		    (unsigned long)vmx_cap(MSR_IA32_VMX_BASIC),
		    (unsigned long)vmx_cap(MSR_IA32_VMX_PROCBASED_CTLS2),
		    (unsigned long)vmx_cap(MSR_IA32_VMX_EPT_VPID_CAP),
		    (unsigned long)vmx_cap(MSR_IA32_VMX_MISC));
	if (first_enters_vmx && arg_selected(argc, argv, groups[0].name))
		groups[0].fn();
	else if (!vmx_on())
		return report_summary();
	for (unsigned g = first_enters_vmx ? 1 : 0; g < n; g++) {
		if (!arg_selected(argc, argv, groups[g].name))
			continue;
		report_prefix_push(groups[g].name);
		groups[g].fn();
		report_prefix_pop();
	}
	vmx_off();
	report_prefix_pop();
	return report_summary();
}
