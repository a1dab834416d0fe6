/*
 * sbi-sse: the SBI Supervisor Software Events extension (EID 0x535345), as
 * the SBI specification v3.0 chapter "Supervisor Software Events Extension"
 * writes it (OpenSBI 1.6 ships it as "experimental"; its function IDs and
 * event IDs are those of v3.0). Section names in the messages are that
 * chapter's: "Event Attributes", "Event Injection", "Event Completion", the
 * function descriptions (FID #0-#9) and their error tables.
 *
 * Events used: the software-injected local event 0xffff0000 and global event
 * 0xffff8000, the only ones S-mode can raise itself. A reserved local ID
 * (0x00000002) is the invalid one. Attributes are always read or written as
 * a range starting at attribute 0, so the shared-memory offset of an
 * attribute is 8 * id under every reading of the spec's wording.
 *
 * Handlers run on their own stack: sse_entry (lib/riscv/sse.c) saves every GPR of the
 * interrupted context, calls the C handler with the ENTRY_ARG (a7) and
 * completes with sbi_sse_complete, which must resume the interrupted context
 * with every register as it was (a6/a7 from INTERRUPTED_A6/A7).
 */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/sbi.h>
#include <asm/smp.h>
#include <asm/sse.h>
#include <asm/timer.h>

#define SSE_READ_ATTRS 0
#define SSE_WRITE_ATTRS 1
#define SSE_REGISTER 2
#define SSE_UNREGISTER 3
#define SSE_ENABLE 4
#define SSE_DISABLE 5
#define SSE_COMPLETE 6
#define SSE_INJECT 7
#define SSE_HART_UNMASK 8
#define SSE_HART_MASK 9

#define EV_LOCAL_SW 0xffff0000UL
#define EV_GLOBAL_SW 0xffff8000UL
#define EV_RESERVED 0x00000002UL

enum { A_STATUS, A_PRIORITY, A_CONFIG, A_PREFERRED_HART, A_ENTRY_PC, A_ENTRY_ARG,
       A_INT_SEPC, A_INT_FLAGS, A_INT_A6, A_INT_A7, NR_ATTRS };
#define ST_UNUSED 0
#define ST_REGISTERED 1
#define ST_ENABLED 2
#define ST_RUNNING 3
#define STATUS_STATE(s) ((s) & 3)
#define STATUS_PENDING BIT(2)
#define STATUS_INJECTABLE BIT(3)
#define CONFIG_ONESHOT BIT(0)

struct sse_ctx {
	struct sse_handler h;                /* first: sse_entry's argument */
	unsigned long event;
	volatile int runs;
	unsigned long sepc, sstatus;         /* CSRs the handler saw */
	unsigned long attrs[NR_ATTRS];       /* read by the handler while RUNNING */
	long attrs_err;
	int order;                           /* position in a sequence of handler runs */
};

unsigned long sse_inject_keep_regs(unsigned long event, unsigned long hartid, unsigned long pattern);
unsigned long sse_regs_after[32];

/*
 * sse_inject_keep_regs: loads a known value into each GPR it may, injects
 * (FID 7) and stores what each register holds afterwards in sse_regs_after.
 */
__asm__(
	".pushsection .text\n"
	".balign 4\n"
	".globl sse_inject_keep_regs\n"
	"sse_inject_keep_regs:\n"
	"	addi sp, sp, -112\n"
	"	sd ra, 0(sp)\n  sd s0, 8(sp)\n  sd s1, 16(sp)\n  sd s2, 24(sp)\n  sd s3, 32(sp)\n"
	"	sd s4, 40(sp)\n sd s5, 48(sp)\n sd s6, 56(sp)\n sd s7, 64(sp)\n sd s8, 72(sp)\n"
	"	sd s9, 80(sp)\n sd s10, 88(sp)\n sd s11, 96(sp)\n"
	"	addi x5, a2, 5\n  addi x6, a2, 6\n  addi x7, a2, 7\n  addi x8, a2, 8\n  addi x9, a2, 9\n"
	"	addi x13, a2, 13\n addi x14, a2, 14\n addi x15, a2, 15\n addi x18, a2, 18\n"
	"	addi x19, a2, 19\n addi x20, a2, 20\n addi x21, a2, 21\n addi x22, a2, 22\n"
	"	addi x23, a2, 23\n addi x24, a2, 24\n addi x25, a2, 25\n addi x26, a2, 26\n"
	"	addi x27, a2, 27\n addi x28, a2, 28\n addi x29, a2, 29\n addi x30, a2, 30\n"
	"	addi x31, a2, 31\n addi x12, a2, 12\n"
	"	li a6, 7\n"
	"	li a7, 0x535345\n"
	"	ecall\n"
	"	la ra, sse_regs_after\n"
	"	sd x2, 16(ra)\n  sd x3, 24(ra)\n  sd x4, 32(ra)\n  sd x5, 40(ra)\n  sd x6, 48(ra)\n"
	"	sd x7, 56(ra)\n  sd x8, 64(ra)\n  sd x9, 72(ra)\n  sd x10, 80(ra)\n sd x11, 88(ra)\n"
	"	sd x12, 96(ra)\n sd x13, 104(ra)\n sd x14, 112(ra)\n sd x15, 120(ra)\n sd x16, 128(ra)\n"
	"	sd x17, 136(ra)\n sd x18, 144(ra)\n sd x19, 152(ra)\n sd x20, 160(ra)\n sd x21, 168(ra)\n"
	"	sd x22, 176(ra)\n sd x23, 184(ra)\n sd x24, 192(ra)\n sd x25, 200(ra)\n sd x26, 208(ra)\n"
	"	sd x27, 216(ra)\n sd x28, 224(ra)\n sd x29, 232(ra)\n sd x30, 240(ra)\n sd x31, 248(ra)\n"
	"	ld ra, 0(sp)\n  ld s0, 8(sp)\n  ld s1, 16(sp)\n  ld s2, 24(sp)\n  ld s3, 32(sp)\n"
	"	ld s4, 40(sp)\n ld s5, 48(sp)\n ld s6, 56(sp)\n ld s7, 64(sp)\n ld s8, 72(sp)\n"
	"	ld s9, 80(sp)\n ld s10, 88(sp)\n ld s11, 96(sp)\n"
	"	addi sp, sp, 112\n"
	"	ret\n"
	".popsection\n");

static struct sbiret sse_call(unsigned long fid, unsigned long a0, unsigned long a1, unsigned long a2,
			      unsigned long a3, unsigned long a4)
{
	return sbi_ecall(SBI_EXT_SSE, fid, a0, a1, a2, a3, a4, 0);
}

static unsigned long attr_buf[NR_ATTRS + 2] __attribute__((aligned(16)));

/* Reads attributes 0..n-1 of event into out (through attr_buf). */
static struct sbiret read_attrs(unsigned long event, unsigned n, unsigned long *out)
{
	struct sbiret r = sse_call(SSE_READ_ATTRS, event, 0, n, (uintptr_t)attr_buf, 0);

	if (r.error == SBI_SUCCESS && out)
		memcpy(out, attr_buf, n * sizeof(unsigned long));
	return r;
}

static unsigned long attr(unsigned long event, unsigned id)
{
	unsigned long a[NR_ATTRS] = { 0 };
	struct sbiret r = read_attrs(event, NR_ATTRS, a);

	return r.error == SBI_SUCCESS ? a[id] : ~0UL;
}

/*
 * Writes one attribute. The spec's FID #1 text puts attribute base + i at
 * offset 8 * (base + i); an implementation may read 8 * i instead: the value
 * goes at both offsets so that either reading writes it.
 */
static struct sbiret write_attr(unsigned long event, unsigned id, unsigned long value)
{
	attr_buf[0] = attr_buf[id] = value;
	return sse_call(SSE_WRITE_ATTRS, event, id, 1, (uintptr_t)attr_buf, 0);
}

/* OpenSBI 1.6 (impl ID 1, version 0x10006): the firmware of the tcg-qemu10 lane. */
static bool opensbi16(void)
{
	return sbi_get_impl_id().value == SBI_IMPL_OPENSBI && sbi_get_impl_version().value == 0x10006;
}

static bool check_error(struct sbiret r, long want, const char *what)
{
	return report(r.error == want, "%s: %s (got %s, %ld)", what, sbi_error_name(want), sbi_error_name(r.error),
		      r.error);
}

static uint8_t stacks[3][4096] __attribute__((aligned(16)));
static struct sse_ctx ctx_local, ctx_global, ctx_nested;
static int order_counter;

static void record(struct sse_ctx *c)
{
	c->sepc = csr_read(CSR_SEPC);
	c->sstatus = csr_read(CSR_SSTATUS);
	c->attrs_err = read_attrs(c->event, NR_ATTRS, c->attrs).error;
	c->order = ++order_counter;
	c->runs++;
}

static void init_ctx(struct sse_ctx *c, int stack, unsigned long event, void (*fn)(struct sse_handler *))
{
	memset(c, 0, sizeof(*c));
	c->h.stack_top = (uintptr_t)stacks[stack] + sizeof(stacks[stack]);
	c->h.fn = fn;
	c->event = event;
}

static struct sbiret sse_register(struct sse_ctx *c)
{
	return sse_call(SSE_REGISTER, c->event, (uintptr_t)sse_entry, (uintptr_t)c, 0, 0);
}

/* Function errors for a reserved event ID and for calls made in the wrong state. */
static void errors(void)
{
	unsigned long ev = EV_LOCAL_SW;

	report_prefix_push("errors");
	check_error(sse_call(SSE_REGISTER, EV_RESERVED, (uintptr_t)sse_entry, 0, 0, 0), SBI_ERR_INVALID_PARAM,
		    "register of reserved event 0x2 [SSE FID #2 errors]");
	check_error(read_attrs(EV_RESERVED, 1, NULL), SBI_ERR_INVALID_PARAM,
		    "read_attrs of reserved event 0x2 [SSE FID #0 errors]");
	check_error(sse_call(SSE_INJECT, EV_RESERVED, cpu_hartid(0), 0, 0, 0), SBI_ERR_INVALID_PARAM,
		    "inject of reserved event 0x2 [SSE FID #7 errors]");
	check_error(sse_call(SSE_READ_ATTRS, ev, 0, 0, (uintptr_t)attr_buf, 0), SBI_ERR_INVALID_PARAM,
		    "read_attrs with attr_count 0 [SSE FID #0 errors]");
	check_error(sse_call(SSE_READ_ATTRS, ev, NR_ATTRS, 1, (uintptr_t)attr_buf, 0), SBI_ERR_BAD_RANGE,
		    "read_attrs of attribute 10 (reserved) [SSE FID #0 errors]");
	check_error(sse_call(SSE_READ_ATTRS, ev, 0, 1, (uintptr_t)attr_buf + 1, 0), SBI_ERR_INVALID_ADDRESS,
		    "read_attrs into a misaligned buffer [SSE FID #0: output_phys_lo XLEN/8 aligned]");
	attr_buf[0] = 0;
	check_error(sse_call(SSE_WRITE_ATTRS, ev, A_STATUS, 1, (uintptr_t)attr_buf, 0), SBI_ERR_BAD_RANGE,
		    "write_attrs of STATUS (read-only) [SSE FID #1 errors]");
	check_error(sse_call(SSE_REGISTER, ev, (uintptr_t)sse_entry + 1, 0, 0, 0), SBI_ERR_INVALID_PARAM,
		    "register with an odd entry pc [SSE FID #2 errors]");
	check_error(sse_call(SSE_UNREGISTER, ev, 0, 0, 0, 0), SBI_ERR_INVALID_STATE,
		    "unregister of an UNUSED event [SSE FID #3 errors]");
	check_error(sse_call(SSE_ENABLE, ev, 0, 0, 0, 0), SBI_ERR_INVALID_STATE,
		    "enable of an UNUSED event [SSE FID #4 errors]");
	check_error(sse_call(SSE_DISABLE, ev, 0, 0, 0, 0), SBI_ERR_INVALID_STATE,
		    "disable of an UNUSED event [SSE FID #5 errors]");
	report_prefix_pop();
}

/* Reset values of the local software event's attributes (the "Event Attributes" table). */
static void reset_attrs(void)
{
	unsigned long a[NR_ATTRS];
	struct sbiret r;

	report_prefix_push("attributes");
	r = read_attrs(EV_LOCAL_SW, NR_ATTRS, a);
	if (!check_error(r, SBI_SUCCESS, "read_attrs of all 10 attributes of 0xffff0000")) {
		report_prefix_pop();
		return;
	}
	report(STATUS_STATE(a[A_STATUS]) == ST_UNUSED && !(a[A_STATUS] & STATUS_PENDING) &&
	       (a[A_STATUS] & STATUS_INJECTABLE) && !(a[A_STATUS] >> 4),
	       "STATUS: UNUSED, not pending, injection allowed, reserved bits 0 (%#lx)", a[A_STATUS]);
	report(a[A_PRIORITY] == 0 && a[A_CONFIG] == 0 && a[A_ENTRY_PC] == 0 && a[A_ENTRY_ARG] == 0,
	       "PRIORITY, CONFIG, ENTRY_PC, ENTRY_ARG reset to 0 (%#lx %#lx %#lx %#lx)", a[A_PRIORITY],
	       a[A_CONFIG], a[A_ENTRY_PC], a[A_ENTRY_ARG]);
	report(hartid_to_cpu(a[A_PREFERRED_HART]) >= 0, "PREFERRED_HART is a valid hart ID (%lu)",
	       a[A_PREFERRED_HART]);
	a[A_PREFERRED_HART] = cpu_hartid(0);
	check_error(write_attr(EV_LOCAL_SW, A_PREFERRED_HART, a[A_PREFERRED_HART]), SBI_ERR_BAD_RANGE,
		    "write of PREFERRED_HART of a local event (read-only for local events)");
	a[A_PRIORITY] = 7;
	check_error(write_attr(EV_LOCAL_SW, A_PRIORITY, a[A_PRIORITY]), SBI_SUCCESS, "write PRIORITY = 7 while UNUSED");
	report(attr(EV_LOCAL_SW, A_PRIORITY) == 7, "PRIORITY reads 7");
	a[A_PRIORITY] = 0;
	write_attr(EV_LOCAL_SW, A_PRIORITY, a[A_PRIORITY]);
	report_prefix_pop();
}

static void plain_handler(struct sse_handler *h) { record((struct sse_ctx *)h); }

/* The state machine of one local event: UNUSED -> REGISTERED -> ENABLED and back. */
static void states(void)
{
	struct sse_ctx *c = &ctx_local;
	unsigned long a[NR_ATTRS];

	report_prefix_push("states");
	init_ctx(c, 0, EV_LOCAL_SW, plain_handler);
	check_error(sse_register(c), SBI_SUCCESS, "register");
	read_attrs(c->event, NR_ATTRS, a);
	report(STATUS_STATE(a[A_STATUS]) == ST_REGISTERED && a[A_ENTRY_PC] == (uintptr_t)sse_entry &&
	       a[A_ENTRY_ARG] == (uintptr_t)c,
	       "REGISTERED, ENTRY_PC and ENTRY_ARG are the registered ones (%#lx, %#lx, %#lx)", a[A_STATUS],
	       a[A_ENTRY_PC], a[A_ENTRY_ARG]);
	check_error(sse_register(c), SBI_ERR_INVALID_STATE, "register again [FID #2: not UNUSED]");
	check_error(sse_call(SSE_DISABLE, c->event, 0, 0, 0, 0), SBI_ERR_INVALID_STATE,
		    "disable while REGISTERED [FID #5]");
	check_error(sse_call(SSE_ENABLE, c->event, 0, 0, 0, 0), SBI_SUCCESS, "enable");
	report(STATUS_STATE(attr(c->event, A_STATUS)) == ST_ENABLED, "ENABLED");
	check_error(sse_call(SSE_ENABLE, c->event, 0, 0, 0, 0), SBI_ERR_INVALID_STATE,
		    "enable again [FID #4: not REGISTERED]");
	check_error(sse_call(SSE_UNREGISTER, c->event, 0, 0, 0, 0), SBI_ERR_INVALID_STATE,
		    "unregister while ENABLED [FID #3]");
	a[A_PRIORITY] = 3;
	check_error(write_attr(c->event, A_PRIORITY, a[A_PRIORITY]), SBI_ERR_INVALID_STATE,
		    "write PRIORITY while ENABLED [Event Attributes: only UNUSED or REGISTERED]");
	check_error(sse_call(SSE_DISABLE, c->event, 0, 0, 0, 0), SBI_SUCCESS, "disable");
	report(STATUS_STATE(attr(c->event, A_STATUS)) == ST_REGISTERED, "REGISTERED again");
	check_error(sse_call(SSE_UNREGISTER, c->event, 0, 0, 0, 0), SBI_SUCCESS, "unregister");
	report(STATUS_STATE(attr(c->event, A_STATUS)) == ST_UNUSED, "UNUSED again");
	report_prefix_pop();
}

static const int saved_regs[] = { 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 18, 19, 20, 21, 22, 23, 24, 25, 26,
				  27, 28, 29, 30, 31 };

/* Injection into this hart: masking, delivery, the handler's entry state, completion. */
static void inject_local(void)
{
	struct sse_ctx *c = &ctx_local;
	unsigned long hartid = cpu_hartid(0), pattern = 0x5e5e000000UL, sp;
	unsigned long bad = 0;
	struct sbiret r;

	report_prefix_push("inject");
	init_ctx(c, 0, EV_LOCAL_SW, plain_handler);
	sse_register(c);
	sse_call(SSE_ENABLE, c->event, 0, 0, 0, 0);

	/*
	 * Masked (the boot state, or after hart_mask): the event stays pending.
	 * FID #8/#9 errors: unmask of an unmasked hart is ALREADY_STARTED, mask
	 * of a masked one ALREADY_STOPPED. OpenSBI 1.6 has the two swapped.
	 */
	r = sse_call(SSE_HART_MASK, 0, 0, 0, 0, 0);
	report_info("hart_mask at boot: %s (events start masked: FID #8)", sbi_error_name(r.error));
	r = sse_call(SSE_HART_MASK, 0, 0, 0, 0, 0);
	report_xfail(opensbi16(), r.error == SBI_ERR_ALREADY_STOPPED,
		     "hart_mask of a masked hart: ALREADY_STOPPED (got %s) [SSE FID #9 errors]", sbi_error_name(r.error));
	check_error(sse_call(SSE_INJECT, c->event, hartid, 0, 0, 0), SBI_SUCCESS, "inject while masked");
	report(c->runs == 0 && (attr(c->event, A_STATUS) & STATUS_PENDING),
	       "masked: not delivered, STATUS pending bit set (runs %d, STATUS %#lx)", c->runs,
	       attr(c->event, A_STATUS));
	check_error(sse_call(SSE_HART_UNMASK, 0, 0, 0, 0, 0), SBI_SUCCESS, "hart_unmask of a masked hart [FID #8]");
	report(c->runs == 1, "the pending event is delivered once events are unmasked (runs %d)", c->runs);
	r = sse_call(SSE_HART_UNMASK, 0, 0, 0, 0, 0);
	report_xfail(opensbi16(), r.error == SBI_ERR_ALREADY_STARTED,
		     "hart_unmask of an unmasked hart: ALREADY_STARTED (got %s) [SSE FID #8 errors]",
		     sbi_error_name(r.error));

	/* Unmasked: delivered before the inject call returns, every register kept. */
	c->runs = 0;
	__asm__ volatile("mv %0, sp" : "=r"(sp));
	r.error = (long)sse_inject_keep_regs(c->event, hartid, pattern);
	report(c->runs == 1 && r.error == SBI_SUCCESS, "inject on this hart: handled once before inject returns "
	       "(runs %d, inject %s)", c->runs, sbi_error_name(r.error));
	report(c->h.entry_a6 == hartid, "handler entry: a6 = hart ID (%#lx) [Event Injection]", c->h.entry_a6);
	report((c->sstatus & SSTATUS_SPP) && !(c->sstatus & SSTATUS_SIE),
	       "handler entry: sstatus.SPP = 1 (interrupted S-mode), SIE = 0 (%#lx) [Event Injection]", c->sstatus);
	report(c->attrs_err == SBI_SUCCESS && STATUS_STATE(c->attrs[A_STATUS]) == ST_RUNNING &&
	       !(c->attrs[A_STATUS] & STATUS_PENDING),
	       "in the handler: STATUS RUNNING, pending cleared (%#lx)", c->attrs[A_STATUS]);
	report(c->attrs[A_INT_A6] == SSE_INJECT && c->attrs[A_INT_A7] == SBI_EXT_SSE,
	       "INTERRUPTED_A6/A7 = the a6/a7 of the inject ecall (%#lx, %#lx) [Event Injection]",
	       c->attrs[A_INT_A6], c->attrs[A_INT_A7]);
	report((c->attrs[A_INT_FLAGS] >> 4) == 0, "INTERRUPTED_FLAGS reserved bits are 0 (%#lx)", c->attrs[A_INT_FLAGS]);
	for (unsigned i = 0; i < ARRAY_SIZE(saved_regs); i++) {
		int x = saved_regs[i];
		/* sse_inject_keep_regs runs the ecall with a 112-byte frame below the caller's sp. */
		unsigned long want = x == 2 ? sp - 112 : x == 3 || x == 4 ? sse_regs_after[x] : pattern + x;

		if (x == 16)
			want = SSE_INJECT;
		if (sse_regs_after[x] != want) {
			report_info("x%d = %#lx after completion, %#lx before", x, sse_regs_after[x], want);
			bad++;
		}
	}
	report(!bad && sse_regs_after[16] == SSE_INJECT && sse_regs_after[17] == SBI_EXT_SSE,
	       "after sbi_sse_complete every GPR but a0/a1 is the interrupted value (%lu differ) [Event Completion]",
	       bad);
	report(STATUS_STATE(attr(c->event, A_STATUS)) == ST_ENABLED, "after completion the event is ENABLED again");

	/* One-shot: CONFIG bit 0 disables the event on completion. */
	sse_call(SSE_DISABLE, c->event, 0, 0, 0, 0);
	check_error(write_attr(c->event, A_CONFIG, CONFIG_ONESHOT), SBI_SUCCESS,
		    "write CONFIG = one-shot while REGISTERED");
	sse_call(SSE_ENABLE, c->event, 0, 0, 0, 0);
	c->runs = 0;
	sse_call(SSE_INJECT, c->event, hartid, 0, 0, 0);
	report(c->runs == 1 && STATUS_STATE(attr(c->event, A_STATUS)) == ST_REGISTERED,
	       "one-shot: handled once, then REGISTERED (disabled) [CONFIG bit 0] (runs %d)", c->runs);
	write_attr(c->event, A_CONFIG, 0);
	sse_call(SSE_UNREGISTER, c->event, 0, 0, 0, 0);
	report_prefix_pop();
}

/* The handler of the lower-priority event injects the other event from inside itself. */
static void nesting_handler(struct sse_handler *h)
{
	struct sse_ctx *c = (struct sse_ctx *)h;

	record(c);
	sse_call(SSE_INJECT, ctx_nested.event, cpu_hartid(0), 0, 0, 0);
	/* Preempted: the other handler has run by now. Not preempted: it has not. */
	c->attrs[A_INT_SEPC] = ctx_nested.runs;   /* reused as a scratch slot for the check below */
}

/*
 * Priorities (lower value = higher priority; ties broken by the lower event
 * ID): a higher-priority event preempts a running lower-priority handler at
 * once; a lower-priority one waits until the running handler completes.
 */
static void priorities(void)
{
	unsigned long a[NR_ATTRS] = { 0 };

	report_prefix_push("priority");
	for (int hi_first = 0; hi_first < 2; hi_first++) {
		/* local 0xffff0000 gets priority 10, global 0xffff8000 gets 5 or 20. */
		init_ctx(&ctx_local, 0, EV_LOCAL_SW, nesting_handler);
		init_ctx(&ctx_nested, 1, EV_GLOBAL_SW, plain_handler);
		order_counter = 0;
		a[A_PRIORITY] = 10;
		write_attr(EV_LOCAL_SW, A_PRIORITY, a[A_PRIORITY]);
		a[A_PRIORITY] = hi_first ? 5 : 20;
		write_attr(EV_GLOBAL_SW, A_PRIORITY, a[A_PRIORITY]);
		a[A_PREFERRED_HART] = cpu_hartid(0);
		write_attr(EV_GLOBAL_SW, A_PREFERRED_HART, a[A_PREFERRED_HART]);
		sse_register(&ctx_local);
		sse_register(&ctx_nested);
		sse_call(SSE_ENABLE, EV_LOCAL_SW, 0, 0, 0, 0);
		sse_call(SSE_ENABLE, EV_GLOBAL_SW, 0, 0, 0, 0);
		sse_call(SSE_INJECT, EV_LOCAL_SW, cpu_hartid(0), 0, 0, 0);
		if (hi_first)
			report(ctx_local.runs == 1 && ctx_nested.runs == 1 && ctx_local.attrs[A_INT_SEPC] == 1,
			       "a priority-5 event injected in a priority-10 handler preempts it (ran %d time(s) "
			       "before the handler went on) [Event Priority]", (int)ctx_local.attrs[A_INT_SEPC]);
		else
			report(ctx_local.runs == 1 && ctx_nested.runs == 1 && ctx_local.attrs[A_INT_SEPC] == 0 &&
			       ctx_nested.order == 2,
			       "a priority-20 event injected in a priority-10 handler waits for its completion "
			       "(ran %d time(s) inside, order %d) [Event Priority]", (int)ctx_local.attrs[A_INT_SEPC],
			       ctx_nested.order);
		sse_call(SSE_DISABLE, EV_LOCAL_SW, 0, 0, 0, 0);
		sse_call(SSE_DISABLE, EV_GLOBAL_SW, 0, 0, 0, 0);
		sse_call(SSE_UNREGISTER, EV_LOCAL_SW, 0, 0, 0, 0);
		sse_call(SSE_UNREGISTER, EV_GLOBAL_SW, 0, 0, 0, 0);
	}
	a[A_PRIORITY] = 0;
	write_attr(EV_LOCAL_SW, A_PRIORITY, a[A_PRIORITY]);
	write_attr(EV_GLOBAL_SW, A_PRIORITY, a[A_PRIORITY]);
	report_prefix_pop();
}

static void unmask_here(void *arg)
{
	*(long *)arg = sse_call(SSE_HART_UNMASK, 0, 0, 0, 0, 0).error;
}

/* A global event with PREFERRED_HART = hart 1 is handled there. */
static void global_on_other_hart(void)
{
	struct sse_ctx *c = &ctx_global;
	unsigned long a[NR_ATTRS] = { 0 };
	long unmask = -1;

	report_prefix_push("global");
	if (nr_cpus() < 2) {
		report_skip("global event on another hart: needs 2 harts");
		report_prefix_pop();
		return;
	}
	on_cpu(1, unmask_here, &unmask);
	report(unmask == SBI_SUCCESS || unmask == SBI_ERR_ALREADY_STARTED, "hart 1: hart_unmask (%s)",
	       sbi_error_name(unmask));
	init_ctx(c, 2, EV_GLOBAL_SW, plain_handler);
	a[A_PREFERRED_HART] = cpu_hartid(1);
	check_error(write_attr(c->event, A_PREFERRED_HART, a[A_PREFERRED_HART]), SBI_SUCCESS,
		    "write PREFERRED_HART = hart 1 (global events: read-write)");
	sse_register(c);
	sse_call(SSE_ENABLE, c->event, 0, 0, 0, 0);
	check_error(sse_call(SSE_INJECT, c->event, cpu_hartid(0), 0, 0, 0), SBI_SUCCESS,
		    "inject (hart_id is ignored for global events)");
	/* Bounded by the time CSR, not by spins: hart 1 may wait seconds for a host core. */
	for (uint64_t end = read_time() + us_to_ticks(EVENT_WAIT_MS * 1000ULL); !c->runs && read_time() < end;)
		cpu_relax();
	report(c->runs == 1, "handled once (runs %d)", c->runs);
	if (c->runs)
		report_info("handled on hart %#lx (the preferred hart is a hint) [Event States, note]", c->h.entry_a6);
	sse_call(SSE_DISABLE, c->event, 0, 0, 0, 0);
	sse_call(SSE_UNREGISTER, c->event, 0, 0, 0, 0);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	long probe = sbi_probe_extension(SBI_EXT_SSE).value;

	(void)argc;
	(void)argv;
	(void)envp;
	report_prefix_push("sse");
	if (!probe) {
		report_skip("SBI SSE: sbi_probe_extension(%#x) = 0", SBI_EXT_SSE);
		return report_summary();
	}
	local_irq_disable();
	errors();
	reset_attrs();
	states();
	inject_local();
	priorities();
	global_on_other_hart();
	sse_call(SSE_HART_MASK, 0, 0, 0, 0, 0);
	report_prefix_pop();
	return report_summary();
}
