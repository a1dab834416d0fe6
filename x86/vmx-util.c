/* Helpers both VMX test binaries (x86/vmx.c, x86/vmx-events.c) share. */
#include "vmx-tests.h"

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
