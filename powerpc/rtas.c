/*
 * rtas: RTAS calls (PAPR chapter 7) through QEMU's H_RTAS: the time of day
 * advances, set-time-of-day round-trips, CPU state queries, and what RTAS
 * says about unknown tokens and wrong argument counts; a secondary CPU
 * that calls stop-self is seen stopped by query-cpu-stopped-state and
 * start-cpu restarts it at another entry point (check_stop_self()). FWNMI (ibm,nmi-register
 * and delivery) is powerpc/fwnmi.c's.
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/processor.h>
#include <asm/rtas.h>
#include <asm/smp.h>

struct tod { int32_t status, year, month, day, hour, min, sec, ns; };

static int get_tod(int token, struct tod *t)
{
	return rtas_call(token, 0, 8, (int32_t *)t);
}

/*
 * Polls until the seconds field changes (at most 2 s of timebase). The tick
 * happened after the start of the last read that showed the old second and
 * before the end of the first read showing the new one: that window, in
 * timebase, goes to *lo and *hi (a host that stalls us between a read and
 * the timebase read beside it widens the window instead of moving a point).
 * Returns false when the second did not change.
 */
static bool wait_next_second(int token, struct tod *t, uint64_t *lo, uint64_t *hi)
{
	struct tod now;
	uint64_t end = mftb() + 2 * tb_hz, before;

	before = mftb();
	get_tod(token, t);
	while (mftb() < end) {
		uint64_t start = mftb();

		get_tod(token, &now);
		if (now.sec != t->sec) {
			*t = now;
			*lo = before;
			*hi = mftb();
			return true;
		}
		before = start;
		udelay(1000);
	}
	return false;
}

static void check_time(void)
{
	int get = rtas_token("get-time-of-day"), set = rtas_token("set-time-of-day");
	struct tod a, b, c;
	int64_t dmin, dmax;
	uint64_t lo0 = 0, hi0 = 0, lo1 = 0, hi1 = 0;
	bool ok0, ok1;
	int st;

	report_prefix_push("time-of-day");
	if (get == RTAS_UNKNOWN_TOKEN) {
		report_skip("get-time-of-day: no token in /rtas");
		report_prefix_pop();
		return;
	}
	st = get_tod(get, &a);
	report(st == RTAS_SUCCESS, "get-time-of-day succeeds (%d)", st);
	report(a.year >= 2020 && a.month >= 1 && a.month <= 12 && a.day >= 1 && a.day <= 31 &&
	       a.hour < 24 && a.min < 60 && a.sec < 60,
	       "is a valid date (%04d-%02d-%02d %02d:%02d:%02d)", a.year, a.month, a.day,
	       a.hour, a.min, a.sec);
	/*
	 * Two ticks of the seconds field are about a second of timebase apart:
	 * the time between them lies in [lo1 - hi0, hi1 - lo0], which must
	 * meet 0.9-1.1 s.
	 */
	ok0 = wait_next_second(get, &a, &lo0, &hi0);
	ok1 = ok0 && wait_next_second(get, &b, &lo1, &hi1);
	report(ok0 && ok1, "the seconds field advances (%02d:%02d:%02d then %02d:%02d:%02d)",
	       a.hour, a.min, a.sec, b.hour, b.min, b.sec);
	dmin = ok1 ? (int64_t)((lo1 - hi0) * 1000 / tb_hz) : 0;
	dmax = ok1 ? (int64_t)((hi1 - lo0) * 1000 / tb_hz) : 0;
	report(ok1 && dmin <= 1100 && dmax >= 900, "at one second per second of timebase (%lld-%lld ms)",
	       (long long)dmin, (long long)dmax);
	/*
	 * The nanoseconds field counts within the second: just after the seconds
	 * field ticked (polled every millisecond) it is small. A VMM that returns
	 * an unrelated 32-bit number there lands both samples below 100 ms by
	 * chance about 1 in 2000 times.
	 */
	report_deviation("rtas-get-time-ns", a.ns >= 0 && a.ns < 100000000 && b.ns >= 0 && b.ns < 100000000,
		     "nanoseconds restart when the second ticks (%d, %d)", a.ns, b.ns);

	if (set == RTAS_UNKNOWN_TOKEN) {
		report_skip("set-time-of-day: no token in /rtas");
	} else {
		st = rtas_call(set, 7, 1, NULL, 2001, 2, 3, 4, 5, 6, 0);
		report(st == RTAS_SUCCESS, "set-time-of-day 2001-02-03 04:05:06 succeeds (%d)", st);
		get_tod(get, &c);
		report(c.year == 2001 && c.month == 2 && c.day == 3 && c.hour == 4 && c.min == 5 &&
		       c.sec >= 6 && c.sec <= 8,
		       "get-time-of-day reads it back (%04d-%02d-%02d %02d:%02d:%02d)",
		       c.year, c.month, c.day, c.hour, c.min, c.sec);
		st = rtas_call(set, 7, 1, NULL, b.year, b.month, b.day, b.hour, b.min, b.sec, b.ns);
		get_tod(get, &c);
		report(st == RTAS_SUCCESS && c.year == b.year && c.month == b.month && c.day == b.day,
		       "and the old date can be restored (%04d-%02d-%02d)", c.year, c.month, c.day);
		/* PAPR: -3 for values out of range. */
		st = rtas_call(set, 7, 1, NULL, 2001, 13, 3, 4, 5, 6, 0);
		report_deviation("rtas-set-time-range", st == RTAS_PARAM_ERROR, "month 13 is a parameter error (%d)", st);
		rtas_call(set, 7, 1, NULL, b.year, b.month, b.day, b.hour, b.min, b.sec, 0);
	}
	st = rtas_call(get, 1, 8, NULL, 0);
	report(st == RTAS_PARAM_ERROR, "get-time-of-day with 1 input instead of 0: parameter error (%d)", st);
	report_prefix_pop();
}

static void check_cpu_state(void)
{
	int q = rtas_token("query-cpu-stopped-state");
	int32_t out[2];
	int st;

	report_prefix_push("query-cpu-stopped-state");
	if (q == RTAS_UNKNOWN_TOKEN) {
		report_skip("query-cpu-stopped-state: no token in /rtas");
		report_prefix_pop();
		return;
	}
	st = rtas_call(q, 1, 2, out, cpus[0].hwid);
	/* PAPR: state 0 = stopped, 1 = in a power-saving state or not yet started, 2 = running. */
	report(st == RTAS_SUCCESS && out[1] == 2, "the boot CPU is running (status %d, state %d)", st, out[1]);
	st = rtas_call(q, 1, 2, out, 0x7fff0000);
	report(st == RTAS_PARAM_ERROR, "a CPU that does not exist: parameter error (%d)", st);
	report_prefix_pop();
}

/* --- stop-self ------------------------------------------------------------- */

static volatile int stop_self_status = 1;

static void stop_self(void *arg)
{
	(void)arg;
	/* Returns only if RTAS refused (PAPR stop-self: no return on success). */
	stop_self_status = rtas_stop_self();
}

static struct cpu *volatile ran_on;
static void which_cpu(void *arg)
{
	(void)arg;
	ran_on = this_cpu();
}

static int query_state(int token, unsigned hwid, int *status)
{
	int32_t out[2];

	*status = rtas_call(token, 1, 2, out, hwid);
	return out[1];
}

/* query-cpu-stopped-state's state for hwid, polled until it is `want` or 10 s of timebase pass. */
static int poll_state(int token, unsigned hwid, int want, int *status)
{
	uint64_t end = mftb() + 10 * tb_hz;
	int32_t out[2];

	do {
		*status = rtas_call(token, 1, 2, out, hwid);
		if (*status != RTAS_SUCCESS || out[1] == want)
			break;
		udelay(1000);
	} while (mftb() < end);
	return out[1];
}

/*
 * PAPR RTAS "stop-self": the calling processor thread enters the RTAS
 * stopped state; "query-cpu-stopped-state" then answers 0 for it; "start-cpu"
 * (inputs: server number, start address, r3 value) starts a stopped thread
 * at the given real address with r3 as given.
 */
static void check_stop_self(void)
{
	int q = rtas_token("query-cpu-stopped-state"), start = rtas_token("start-cpu");
	struct cpu *c = &cpus[1];
	int st, state, before;
	uint64_t end;

	report_prefix_push("stop-self");
	if (nr_cpus() < 2) {
		report_skip("stop-self: needs 2 CPUs (smp = 2)");
		goto out;
	}
	if (rtas_token("stop-self") == RTAS_UNKNOWN_TOKEN || q == RTAS_UNKNOWN_TOKEN || start == RTAS_UNKNOWN_TOKEN) {
		report_skip("stop-self: /rtas lacks stop-self, query-cpu-stopped-state or start-cpu");
		goto out;
	}
	/* Not asserted: CPU 1 idles in H_CEDE, which PAPR does not call the RTAS stopped state. */
	/*
	 * CPU 1 idles in H_CEDE: a power-saving state, not the RTAS stopped
	 * state, which only stop-self enters. One query: the state is stable.
	 */
	before = query_state(q, c->hwid, &st);
	report_deviation("rtas-query-ceded-stopped", st == RTAS_SUCCESS && before != 0,
			 "CPU 1 idle in H_CEDE is not stopped (status %d, state %d) [PAPR RTAS query-cpu-stopped-state: 0 only in the RTAS stopped state]",
			 st, before);

	c->online = false;
	on_cpu_async(1, stop_self, NULL);
	state = poll_state(q, c->hwid, 0, &st);
	report(st == RTAS_SUCCESS && state == 0 && stop_self_status == 1,
	       "after CPU 1's stop-self, query-cpu-stopped-state says stopped (status %d, state %d; stop-self returned %d) [PAPR RTAS stop-self, query-cpu-stopped-state: 0 = stopped]",
	       st, state, stop_self_status == 1 ? 0 : stop_self_status);
	if (st != RTAS_SUCCESS || state != 0) {
		report_skip("stop-self: restart not tried, CPU 1 is not stopped");
		goto out;
	}

	st = rtas_call(start, 3, 1, NULL, c->hwid, (int)(uintptr_t)secondary_restart_entry, (int)(uintptr_t)c);
	report(st == RTAS_SUCCESS, "start-cpu of the stopped CPU at another entry point: success (%d) [PAPR RTAS start-cpu]", st);
	/* Up to 10 s of timebase, ended by the CPU coming up. */
	end = mftb() + 10 * tb_hz;
	while (!c->online && mftb() < end)
		udelay(1000);
	report(c->online && c->restarts == 1,
	       "CPU 1 runs from the new entry point with r3 = the value given (online %d, restarts %d)",
	       c->online, c->restarts);
	if (c->online) {
		on_cpu(1, which_cpu, NULL);
		report(ran_on == c, "and takes work again through on_cpu (ran on CPU %d)", ran_on ? ran_on->id : -1);
		state = query_state(q, c->hwid, &st);
		report_deviation("rtas-query-ceded-stopped", st == RTAS_SUCCESS && state != 0,
				 "restarted and idle in H_CEDE: query-cpu-stopped-state no longer says stopped (status %d, state %d)",
				 st, state);
	}
out:
	report_prefix_pop();
}

static void check_unknown_token(void)
{
	/* QEMU's tokens start at 0x2000; 0xa is left alone (QEMU maps it to display-character). */
	static const int tokens[] = { 0x1fff, 0x2fff, 0x7fffffff };

	report_prefix_push("unknown token");
	for (size_t i = 0; i < ARRAY_SIZE(tokens); i++) {
		int st = rtas_call(tokens[i], 0, 1, NULL);

		report(st == RTAS_PARAM_ERROR, "token %#x: parameter error (%d; H_RTAS returned %ld)",
		       tokens[i], st, rtas_last_hcall_status());
	}
	report(rtas_token("no-such-call") == RTAS_UNKNOWN_TOKEN, "the DT has no token for a made-up name");
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	check_time();
	check_cpu_state();
	check_stop_self();
	check_unknown_token();
	return report_summary();
}
