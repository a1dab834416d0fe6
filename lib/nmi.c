/* NMI requests to the harness (lib/nmi.h, docs/protocol.md "NMI"). */
#include "hvut.h"
#include "console.h"
#include "nmi.h"

#define ACK "NMI-INJECTED"
/* As lib/migrate.c: minutes of polls on every VMM here, so a lost ack fails, never hangs. */
#define MAX_POLLS 200000000UL

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

bool nmi_wait_injected(void)
{
	size_t matched = 0;

	for (unsigned long polls = 0; polls < MAX_POLLS; polls++) {
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
	report_fail("NMI %u: no NMI-INJECTED acknowledgement on the console input", count);
	return false;
}
