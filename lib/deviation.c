/*
 * Known VMM deviations (lib/deviation.h): which row of the arch's table
 * applies to the VMM the harness says we run on.
 */
#include "hvut.h"
#include "deviation.h"

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

int version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		unsigned long x = strtoul(a, (char **)&a, 10);
		unsigned long y = strtoul(b, (char **)&b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		/* Skip the separator, and anything that is not a number ("~rc1"). */
		while (*a && (*a < '0' || *a > '9'))
			a++;
		while (*b && (*b < '0' || *b > '9'))
			b++;
	}
	return 0;
}

/* The layer on top: "qemu-tcg", "kvm", "bochs" or NULL when the harness did not say. */
static const char *top_layer(void)
{
	const char *accel = env("HVUT_ACCEL") ? env("HVUT_ACCEL") : env("ACCEL");
	const char *vmm = env("HVUT_VMM");

	if ((vmm && !strcmp(vmm, "kvm")) || (accel && !strcmp(accel, "kvm")))
		return "kvm";
	if ((vmm && !strcmp(vmm, "bochs")) || (accel && !strcmp(accel, "bochs")))
		return "bochs";
	if (accel && !strcmp(accel, "tcg"))
		return "qemu-tcg";
	return NULL;
}

static const char *top_version(void)
{
	const char *top = top_layer();

	if (top && !strcmp(top, "kvm"))
		return env("HVUT_KVM_VERSION");
	return env("HVUT_VMM_VERSION");
}

static bool in_range(const struct deviation *d, const char *version)
{
	if (!version)   /* the harness did not say: assume the known bug is there */
		return true;
	if (d->from && version_cmp(version, d->from) < 0)
		return false;
	if (d->until && version_cmp(version, d->until) >= 0)
		return false;
	return true;
}

static bool applies(const struct deviation *d)
{
	const char *top = top_layer(), *slash;

	if (!top)
		return false;
	/* As with an unknown version: a model the harness did not name may be the one. */
	if (d->cpu && env("HVUT_CPU") && strcmp(d->cpu, env("HVUT_CPU")))
		return false;
	slash = strchr(d->stack, '/');
	if (slash) {   /* "kvm/qemu-tcg": this top layer over that host */
		const char *host = env("HVUT_HOST_VMM");

		return strlen(top) == (size_t)(slash - d->stack) && !strncmp(d->stack, top, slash - d->stack) &&
		       host && !strcmp(host, slash + 1) && in_range(d, env("HVUT_HOST_VMM_VERSION"));
	}
	return !strcmp(d->stack, top) && in_range(d, top_version());
}

static bool known_id(const char *id)
{
	const struct deviation *d;

	for (d = arch_deviations; d->id; d++)
		if (!strcmp(d->id, id))
			return true;
	return false;
}

const struct deviation *deviation_find(const char *id)
{
	const struct deviation *d;

	for (d = arch_deviations; d->id; d++)
		if (!strcmp(d->id, id) && applies(d))
			return d;
	return NULL;
}

bool deviation_applies(const char *id)
{
	return deviation_find(id) != NULL;
}

static const char *layer_name(const char *layer)
{
	if (!strcmp(layer, "qemu-tcg"))
		return "QEMU %s TCG";
	if (!strcmp(layer, "kvm"))
		return "KVM %s";
	if (!strcmp(layer, "bochs"))
		return "Bochs %s";
	return "%s";
}

static void describe_layer(char *buf, size_t size, const char *layer, const char *version)
{
	const char *fmt = layer_name(layer);

	if (!strcmp(fmt, "%s"))
		snprintf(buf, size, "%s %s", layer, version ? version : "(version unknown)");
	else
		snprintf(buf, size, fmt, version ? version : "(version unknown)");
}

const char *vmm_description(void)
{
	static char buf[160];
	char host[64];
	const char *top = top_layer(), *cpu = env("HVUT_CPU");
	size_t n;

	if (!top)
		return "an unnamed VMM (HVUT_VMM/HVUT_ACCEL not in the environ)";
	describe_layer(buf, sizeof(buf), top, top_version());
	if (env("HVUT_HOST_VMM")) {
		describe_layer(host, sizeof(host), env("HVUT_HOST_VMM"), env("HVUT_HOST_VMM_VERSION"));
		n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, " on %s", host);
	}
	if (cpu) {
		n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, " (cpu %s)", cpu);
	}
	return buf;
}

bool report_deviation(const char *id, bool cond, const char *fmt, ...)
{
	const struct deviation *d;
	char text[600], who[96], host[64], tail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!id)
		return report(cond, "%s", text);
	if (!known_id(id)) {
		report_fail("%s [test bug: deviation '%s' is not in the arch's table]", text, id);
		return false;
	}
	d = deviation_find(id);
	if (!d)
		return report(cond, "%s", text);
	if (strchr(d->stack, '/')) {
		describe_layer(who, sizeof(who), top_layer(), top_version());
		describe_layer(host, sizeof(host), env("HVUT_HOST_VMM"), env("HVUT_HOST_VMM_VERSION"));
		snprintf(who + strlen(who), sizeof(who) - strlen(who), " on %s", host);
	} else {
		describe_layer(who, sizeof(who), d->stack, top_version());
	}
	snprintf(tail, sizeof(tail), "[%s: %s; %s]", who, d->what, d->rule);
	return report_xfail_row(id, cond, text, tail);
}
