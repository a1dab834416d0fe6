/* NMI requests to the harness (lib/nmi.h, docs/protocol.md "NMI"). */
#include "hvut.h"
#include "console.h"
#include "nmi.h"

#define ACK "NMI-INJECTED"

static unsigned count;

bool nmi_available(void)
{
	const char *on = getenv("HVUT_NMI");

	if (on && !strcmp(on, "1"))
		return true;
	report_skip("NMI: this run cannot ask the harness for one (it sets HVUT_NMI=1 for cfg entries "
		    "with nmi = yes on QEMU lanes)");
	return false;
}

void nmi_request_start(void)
{
	printf("NMI: inject %u", ++count);
}

void nmi_request(void)
{
	nmi_request_start();
	printf("\n");
}

/*
 * No bound of its own, as lib/migrate.c (a count of polls is a wall-clock
 * bound in disguise): the harness ends the run when QEMU refuses the NMI,
 * and the test's TIMEOUT ends one whose acknowledgement never comes.
 */
bool nmi_wait_injected(void)
{
	size_t matched = 0;

	for (;;) {
		int c = console_getc();

		if (c < 0)
			continue;
		if (c == ACK[matched]) {
			if (++matched == sizeof(ACK) - 1)
				return true;
		} else {
			matched = c == ACK[0];
		}
	}
}
