/*
 * ioapic: the I/O APIC from the Intel 82093AA datasheet and the SDM's APIC
 * chapter: ID and version registers, the redirection table and its
 * read-only bits, edge and level interrupts from a real source, Remote IRR
 * and the EOI broadcast, the EOI register (version 20H), masking, and
 * physical/logical destinations. The source is the RTC's periodic interrupt
 * on ISA IRQ 8 (pin 8): its line stays asserted until register C is read,
 * so it serves as a level source as well as an edge one. The slave 8259's
 * IRR, on the same line, is the instrument that says when the line rose
 * (edge part): the checks wait for the line, not for a host-time window.
 * Parts (arguments): regs, edge, level, polarity, dest.
 */
#include "hvut.h"
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/ioapic.h>
#include <asm/processor.h>
#include <asm/smp.h>

#define PIN 8
#define SPARE_PIN 10   /* nothing drives it on a PC: a table entry to write freely */
#define VEC 0x90
/*
 * Waits for RTC interrupts that must come: the RTC is QEMU's main loop (or
 * L1's QEMU under the kvm lane), which a loaded host may not run for long
 * (APIC_WAIT_TSC ran out once at load 30 on the kvm lane). A passing wait
 * ends at the arrival: only a failure pays the bound.
 */
#define RTC_WAIT_TSC (10 * APIC_WAIT_TSC)

/* ------------------------------------------------------------------ RTC */
static uint8_t cmos_read(uint8_t idx) { outb(0x70, idx); return inb(0x71); }
static void cmos_write(uint8_t idx, uint8_t v) { outb(0x70, idx); outb(0x71, v); }

/* Periodic interrupt at 1024 Hz (register A rate 6), enabled by register B bit 6. */
static void rtc_periodic(bool on)
{
	cmos_write(0x0a, (cmos_read(0x0a) & 0xf0) | 0x06);
	cmos_write(0x0b, (cmos_read(0x0b) & ~0x40) | (on ? 0x40 : 0));
	(void)cmos_read(0x0c);
}

/* Reading register C acknowledges the RTC: its IRQ line goes low. */
static void rtc_ack(void) { (void)cmos_read(0x0c); }

/* --------------------------------------------------- the line's witness */
/*
 * The RTC's line is also the slave 8259's IR0 (ISA IRQ 8), edge-sensed: a
 * low-to-high transition sets its IRR bit, whatever the mask register says,
 * and ICW1 resets the edge sense (Intel 8259A datasheet, "Interrupt
 * Sequence", ICW1, OCW3 "read IRR"). With the slave re-initialized and fully
 * masked, and LINT0 masked (apic_quiet_legacy), the PIC delivers nothing and
 * its IRR bit 0 tells that the line rose since the re-initialization. The
 * 8259 is only the witness here, it is not under test.
 */
static void slave_pic_rearm(void)
{
	outb(0xa0, 0x11);   /* ICW1: edge, cascade, ICW4 follows */
	outb(0xa1, 0x28);   /* ICW2: vector base (never delivered) */
	outb(0xa1, 0x02);   /* ICW3: slave on the master's IR2 */
	outb(0xa1, 0x01);   /* ICW4: 8086 mode */
	outb(0xa1, 0xff);   /* OCW1: all masked */
	outb(0xa0, 0x0a);   /* OCW3: reads of port A0H return the IRR */
}

static bool rtc_line_rose(void) { return inb(0xa0) & 1; }

/* -------------------------------------------------------------- handler */
static volatile unsigned hits[MAX_CPUS];
static volatile unsigned ack_after;   /* level tests: read C only from this interrupt on */
static volatile bool saw_remote_irr, saw_tmr;
/* The vector being counted: a late interrupt of an earlier routing (another vector) is not. */
static volatile unsigned want_vec = VEC;
/* Polarity test: a level pin asserted for good is masked by its first handler. */
static volatile bool mask_in_handler;

static void on_vec(struct ex_regs *r)
{
	unsigned n;

	if (r->vector != want_vec) {
		rtc_ack();
		apic_eoi();
		return;
	}
	if (mask_in_handler)
		ioapic_redir_write(PIN, ioapic_redir_read(PIN) | IOAPIC_MASKED);
	n = __atomic_add_fetch(&hits[smp_id()], 1, __ATOMIC_RELEASE);
	saw_remote_irr = ioapic_redir_read(PIN) & IOAPIC_REMOTE_IRR;
	saw_tmr = apic_vector_bit(APIC_TMR, r->vector);
	if (n >= ack_after)
		rtc_ack();
	apic_eoi();
}

static bool wait_hits_for(int cpu, unsigned n, uint64_t tsc)
{
	bool ok;

	irq_enable();
	ok = wait_count_at_least(&hits[cpu], n, tsc);
	irq_disable();
	return ok;
}

static bool wait_hits(int cpu, unsigned n)
{
	return wait_hits_for(cpu, n, RTC_WAIT_TSC);
}

static void spin_if1(uint64_t tsc)
{
	uint64_t t = rdtsc();

	irq_enable();
	while (rdtsc() - t < tsc)
		cpu_relax();
	irq_disable();
}

/*
 * With IF = 1, wait up to tsc ticks for the RTC's line to rise (a new edge
 * at the slave 8259) or for an interrupt on CPU 0. True if the line rose.
 * After the rise, a moment for an interrupt it caused to land: a VMM raises
 * the PIC's and the IOAPIC's input of one line together.
 */
static bool wait_rise_or_hit(uint64_t tsc)
{
	uint64_t t = rdtsc();
	bool rose;

	irq_enable();
	while (!(rose = rtc_line_rose()) && !hits[0] && rdtsc() - t < tsc)
		cpu_relax();
	irq_disable();
	if (rose)
		spin_if1(2000000);
	return rose;
}

static void reset_counts(void)
{
	for (int i = 0; i < MAX_CPUS; i++)
		hits[i] = 0;
}

/* ----------------------------------------------------------------- regs */
static void test_regs(void)
{
	uint32_t ver = ioapic_read(IOAPIC_VERSION), id = ioapic_read(IOAPIC_ID);
	unsigned mre = (ver >> 16) & 0xff;
	uint64_t e;

	report_prefix_push("regs");
	report_info("IOAPIC ID register %#x, version register %#x", id, ver);
	/* 82093AA 3.2.2: version 11H, maximum redirection entry 17H (24 pins). Later parts: 2xH. */
	report((ver & 0xff) == 0x11 || (ver & 0xf0) == 0x20, "version %#x is 11H (82093AA) or 2xH", ver & 0xff);
	report(mre >= PIN && mre <= 0xef, "maximum redirection entry %u covers pin %u", mre, PIN);
	/* 82093AA 3.2.1: IOAPICID[27:24] is read/write, the rest reserved. */
	ioapic_write(IOAPIC_ID, 0x0b000000);
	report((ioapic_read(IOAPIC_ID) & 0x0f000000) == 0x0b000000, "ID[27:24] is writable (%#x)",
	       ioapic_read(IOAPIC_ID));
	ioapic_write(IOAPIC_ID, id);

	/* 82093AA 3.2.4: vector, delivery mode, destination mode, polarity, trigger, mask, destination
	 * are read/write; delivery status (12) and Remote IRR (14) are read-only. */
	ioapic_redir_write(SPARE_PIN, IOAPIC_DEST(0xa5) | IOAPIC_MASKED | IOAPIC_LEVEL | IOAPIC_ACTIVE_LOW
			   | IOAPIC_LOGICAL | IOAPIC_LOWEST | 0x5a);
	e = ioapic_redir_read(SPARE_PIN);
	report(e == (IOAPIC_DEST(0xa5) | IOAPIC_MASKED | IOAPIC_LEVEL | IOAPIC_ACTIVE_LOW | IOAPIC_LOGICAL
		     | IOAPIC_LOWEST | 0x5a), "a redirection entry reads back what was written (%#lx)", (unsigned long)e);
	ioapic_redir_write(SPARE_PIN, IOAPIC_MASKED | IOAPIC_DELIVS | IOAPIC_REMOTE_IRR);
	e = ioapic_redir_read(SPARE_PIN);
	report(!(e & (IOAPIC_DELIVS | IOAPIC_REMOTE_IRR)), "delivery status and Remote IRR are read-only (%#lx)",
	       (unsigned long)e);
	ioapic_redir_write(SPARE_PIN, IOAPIC_MASKED);
	report_prefix_pop();
}

/* ----------------------------------------------------------------- edge */
static void test_edge(void)
{
	bool ok, rose = false;
	/*
	 * Under KVM a 2xH IOAPIC is QEMU's device model (-machine
	 * kernel_irqchip=split), not KVM's 11H one: QEMU's behaviour, its row.
	 */
	const char *edge_id = (ioapic_read(IOAPIC_VERSION) & 0xff) >= 0x20 && deviation_find("ioapic-edge-split")
				      ? "ioapic-edge-split" : "ioapic-edge-without-rising-edge";

	report_prefix_push("edge");
	reset_counts();
	ack_after = 0;
	ioapic_redir_write(PIN, IOAPIC_DEST(apic_id()) | VEC);
	rtc_periodic(true);
	ok = wait_hits(0, 3);
	/* SDM 'Interrupt Acceptance for Fixed Interrupts': TMR clear for edge-triggered interrupts. */
	report(ok, "edge, fixed, physical: RTC periodic interrupts arrive (%u)", hits[0]);
	report(!saw_tmr, "edge: the TMR bit is clear in the handler");

	/* 82093AA 3.2.4 mask bit: edges on a masked pin are ignored, not held pending. */
	ioapic_redir_write(PIN, IOAPIC_MASKED | IOAPIC_DEST(apic_id()) | VEC);
	spin_if1(2000000);
	ack_after = UINT_MAX;
	reset_counts();
	/*
	 * Line low (acknowledged), then high again at the next period: an edge
	 * while masked, seen at the 8259. Re-armed around the acknowledge, so a
	 * rise before it is not taken for one after it. A few tries: a rise
	 * between the acknowledge and the second re-arm leaves a line high for
	 * good where a VMM raises only on changes (Bochs).
	 */
	for (int i = 0; i < 3 && !rose; i++) {
		slave_pic_rearm();
		rtc_ack();
		slave_pic_rearm();
		rose = wait_rise_or_hit(RTC_WAIT_TSC);
	}
	if (!rose) {
		report_skip("edge while masked: the RTC's line was not seen rising at the 8259 (IRR bit 0 of the slave)");
		ioapic_redir_write(PIN, IOAPIC_DEST(apic_id()) | VEC);   /* unmasked, as the checks below want */
		goto out;
	}
	report(hits[0] == 0, "masked: no interrupt as the line rose (%u)", hits[0]);
	/* Unmask without acknowledging (the handler must not either): the line stays high,
	 * no new edge comes. */
	ioapic_redir_write(PIN, IOAPIC_DEST(apic_id()) | VEC);
	/*
	 * Wait for a delivery or the RTC's next period, whichever first (a VMM
	 * that raises a high line again each period shows it at the re-armed
	 * 8259): QEMU delivers with that period (its row). A loaded host's main
	 * loop may not reach the period for long: where the row applies, the
	 * long bound; elsewhere 100M ticks (a VMM that raises only on changes
	 * never shows the period).
	 */
	slave_pic_rearm();
	rose = wait_rise_or_hit(deviation_applies(edge_id) ? RTC_WAIT_TSC : 100000000);
	if (hits[0] || rose || !deviation_applies(edge_id))
		report_deviation(edge_id, hits[0] == 0,
				 "an edge that came while masked is not delivered at unmask (%u; next RTC period %s)",
				 hits[0], rose ? "seen" : "not seen");
	else
		report_skip("edge at unmask: neither a delivery nor the RTC's next period within %llu TSC ticks",
			    (unsigned long long)RTC_WAIT_TSC);
	report(cmos_read(0x0c) & 0x40, "(the RTC did raise its periodic flag meanwhile)");
out:
	ack_after = 0;
	rtc_ack();
	reset_counts();
	ok = wait_hits(0, 2);
	report(ok, "after unmask and acknowledge, edges arrive again (%u)", hits[0]);
	rtc_periodic(false);
	ioapic_redir_write(PIN, IOAPIC_MASKED);
	spin_if1(2000000);
	report_prefix_pop();
}

/* ---------------------------------------------------------------- level */
static void test_level(void)
{
	uint32_t ver = ioapic_read(IOAPIC_VERSION) & 0xff;
	bool ok;

	report_prefix_push("level");
	reset_counts();
	/* The first three handlers EOI without acknowledging the RTC: the line stays asserted. */
	ack_after = 3;
	saw_remote_irr = saw_tmr = false;
	ioapic_redir_write(PIN, IOAPIC_LEVEL | IOAPIC_DEST(apic_id()) | VEC);
	rtc_periodic(true);
	/* Where the redelivery is known missing, a shorter wait (tens of RTC periods) keeps the
	 * run short; elsewhere the generous bound. */
	ok = wait_hits_for(0, 3, deviation_applies("ioapic-level-no-redelivery") ? 100000000ULL : RTC_WAIT_TSC);
	/* SDM 'End-of-Interrupt (EOI)': the local EOI of a level-triggered vector is broadcast to
	 * the I/O APIC, which clears Remote IRR and, the line still asserted, delivers again. */
	report_deviation("ioapic-level-no-redelivery", ok,
			 "level: redelivered after each EOI while the line stays asserted (%u)", hits[0]);
	report(saw_tmr, "level: the TMR bit is set in the handler");
	/* 82093AA 3.2.4: Remote IRR is set when the local APIC accepts a level interrupt, reset on its EOI. */
	report_deviation("ioapic-no-remote-irr", saw_remote_irr,
			 "level: Remote IRR is set while the interrupt is in service");
	rtc_periodic(false);
	rtc_ack();
	spin_if1(2000000);
	report(!(ioapic_redir_read(PIN) & IOAPIC_REMOTE_IRR), "level: Remote IRR clear after the last EOI (%#lx)",
	       (unsigned long)ioapic_redir_read(PIN));

	/* Remote IRR holds off a second delivery until the EOI: no EOI, no second interrupt. */
	handle_exception(VEC, NULL);
	ioapic_redir_write(PIN, IOAPIC_MASKED | IOAPIC_LEVEL | IOAPIC_DEST(apic_id()) | VEC);
	rtc_periodic(true);
	spin_if1(2000000);
	ioapic_redir_write(PIN, IOAPIC_LEVEL | IOAPIC_DEST(apic_id()) | VEC);
	{
		uint64_t t = rdtsc();

		while (!apic_vector_bit(APIC_IRR, VEC) && rdtsc() - t < RTC_WAIT_TSC)
			cpu_relax();
	}
	report(apic_vector_bit(APIC_IRR, VEC), "level, unmasked with the line high: the vector is delivered (IRR)");
	report_deviation("ioapic-no-remote-irr", ioapic_redir_read(PIN) & IOAPIC_REMOTE_IRR,
			 "level, unmasked with the line high: Remote IRR set (%#lx)", (unsigned long)ioapic_redir_read(PIN));
	if (ver >= 0x20) {
		/* The EOI register (IOAPIC version 20H): a write of the vector clears Remote IRR. */
		ioapic_redir_write(PIN, IOAPIC_MASKED | IOAPIC_LEVEL | IOAPIC_DEST(apic_id()) | VEC);
		ioapic_eoi(VEC);
		report(!(ioapic_redir_read(PIN) & IOAPIC_REMOTE_IRR), "EOI register clears Remote IRR (%#lx)",
		       (unsigned long)ioapic_redir_read(PIN));
	} else {
		report_skip("IOAPIC EOI register: version %#x < 20H", ver);
	}
	rtc_periodic(false);
	rtc_ack();
	ioapic_redir_write(PIN, IOAPIC_MASKED);
	/* Take the pending vector and EOI it, so the next part starts clean. */
	handle_exception(VEC, on_vec);
	ack_after = 0;
	spin_if1(2000000);
	if (ver >= 0x20)
		ioapic_eoi(VEC);
	report_prefix_pop();
}

/* ------------------------------------------------------------- polarity */
static void test_polarity(void)
{
	bool ok;

	report_prefix_push("polarity");
	rtc_periodic(false);
	rtc_ack();   /* the RTC's line is low from now on */
	spin_if1(2000000);
	reset_counts();
	ack_after = UINT_MAX;
	/* 82093AA 3.2.4 INTPOL: with active-high polarity a low line is not asserted ... */
	ioapic_redir_write(PIN, IOAPIC_LEVEL | IOAPIC_DEST(apic_id()) | VEC);
	spin_if1(20000000);
	report(hits[0] == 0, "level, active high, line low: no interrupt (%u)", hits[0]);
	/* ... and with active-low polarity the same low line is. */
	mask_in_handler = true;
	ioapic_redir_write(PIN, IOAPIC_LEVEL | IOAPIC_ACTIVE_LOW | IOAPIC_DEST(apic_id()) | VEC);
	ok = wait_hits_for(0, 1, deviation_applies("ioapic-polarity-ignored") ? 100000000ULL : APIC_WAIT_TSC);
	mask_in_handler = false;
	ioapic_redir_write(PIN, IOAPIC_MASKED);
	report_deviation("ioapic-polarity-ignored", ok, "level, active low, line low: the pin is asserted (%u)", hits[0]);
	ack_after = 0;
	report_prefix_pop();
}

/* ----------------------------------------------------------------- dest */
static void set_ldr_flat(void *arg)
{
	(void)arg;
	apic_write(APIC_DFR, 0xffffffff);
	apic_write(APIC_LDR, (1U << smp_id()) << 24);
}

static void route(uint64_t dest_fields, unsigned vec, int cpu, const char *what)
{
	bool ok;

	want_vec = vec;
	reset_counts();
	ack_after = 0;
	ioapic_redir_write(PIN, dest_fields | vec);
	rtc_periodic(true);
	ok = wait_count_at_least(&hits[cpu], 2, RTC_WAIT_TSC);
	rtc_periodic(false);
	ioapic_redir_write(PIN, IOAPIC_MASKED);
	rtc_ack();
	report(ok && hits[cpu ? 0 : 1] == 0, "%s: CPU %d gets the interrupts (counts %u %u)", what, cpu, hits[0],
	       hits[1]);
}

static void test_dest(void)
{
	report_prefix_push("dest");
	if (nr_cpus() < 2) {
		report_skip("IOAPIC destinations: 1 CPU (smp = 2 or more in the cfg)");
		report_prefix_pop();
		return;
	}
	on_cpus(set_ldr_flat, NULL);
	for (unsigned v = VEC + 1; v <= VEC + 3; v++)
		handle_exception(v, on_vec);
	irq_receivers_start(1);
	irq_enable();
	/* SDM 'Physical Destination Mode' / 'Logical Destination Mode', through the I/O APIC's
	 * destination field (82093AA 3.2.4). */
	route(IOAPIC_DEST(cpus[1].apic_id), VEC + 1, 1, "physical destination of CPU 1");
	route(IOAPIC_LOGICAL | IOAPIC_DEST(0x02), VEC + 2, 1, "logical flat destination 02H");
	route(IOAPIC_LOGICAL | IOAPIC_DEST(0x01), VEC + 3, 0, "logical flat destination 01H");
	irq_disable();
	irq_receivers_stop();
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	static const struct test_part parts[] = {
		{ "regs", test_regs },
		{ "edge", test_edge },
		{ "level", test_level },
		{ "polarity", test_polarity },
		{ "dest", test_dest },
	};

	(void)envp;
	report_info("running on %s", vmm_description());
	apic_quiet_legacy();
	handle_exception(VEC, on_vec);
	rtc_periodic(false);
	run_parts(argc, argv, parts, ARRAY_SIZE(parts));
	return report_summary();
}
