/*
 * RTAS calls through H_RTAS: QEMU implements RTAS in the hypervisor, so the
 * "RTAS entry" is just this hypercall with the real address of the argument
 * buffer. The buffer is big-endian (PAPR 7.2.7: token, nargs, nret, args,
 * rets), whatever the guest's endianness.
 */
#include "hvut.h"
#include "devicetree.h"
#include "spinlock.h"
#include <asm/hcall.h>
#include <asm/rtas.h>
#include <asm/smp.h>

#define RTAS_MAX_CELLS 16

struct rtas_args {
	uint32_t token, nargs, nret;
	uint32_t cells[RTAS_MAX_CELLS];
};

static struct spinlock lock;
static struct rtas_args args __attribute__((aligned(16)));
static long last_hcall[MAX_CPUS];

/* The RTAS buffer is big-endian: a byte swap for a little-endian guest only. */
static uint32_t be32(uint32_t v)
{
#ifdef __LITTLE_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

int rtas_token(const char *name)
{
	int node = fdt_path_offset("/rtas");
	uint32_t tok;

	if (node < 0 || !fdt_getprop_u32(node, name, &tok))
		return RTAS_UNKNOWN_TOKEN;
	return tok;
}

int rtas_call(int token, int nargs, int nret, int32_t *outputs, ...)
{
	va_list ap;
	long rc;
	int status;

	assert(nargs >= 0 && nret >= 1 && nargs + nret <= RTAS_MAX_CELLS);
	spin_lock(&lock);
	args.token = be32(token);
	args.nargs = be32(nargs);
	args.nret = be32(nret);
	va_start(ap, outputs);
	for (int i = 0; i < nargs; i++)
		args.cells[i] = be32(va_arg(ap, int));
	va_end(ap);
	for (int i = 0; i < nret; i++)
		args.cells[nargs + i] = be32(0xdeadbeef);   /* so an output left unwritten shows */
	rc = hcall1(KVMPPC_H_RTAS, (unsigned long)&args);
	last_hcall[this_cpu()->id] = rc;
	if (outputs)
		for (int i = 0; i < nret; i++)
			outputs[i] = be32(args.cells[nargs + i]);
	/*
	 * QEMU fails H_RTAS for an unknown token but may still have written the
	 * status word: the status is what an RTAS caller sees, so prefer it.
	 */
	status = (int32_t)be32(args.cells[nargs]);
	if (rc != H_SUCCESS && status == (int32_t)0xdeadbeef)
		status = RTAS_HCALL_FAILED;
	spin_unlock(&lock);
	return status;
}

long rtas_last_hcall_status(void)
{
	return last_hcall[this_cpu()->id];
}

bool hcall_available(const char *name)
{
	int node = fdt_path_offset("/rtas"), len;
	const char *p = fdt_getprop(node, "ibm,hypertas-functions", &len);

	for (int i = 0; p && i < len; i += strlen(p + i) + 1)
		if (!strncmp(p + i, "hcall-", 6) && !strcmp(p + i + 6, name))
			return true;
	return false;
}

/*
 * stop-self (PAPR, RTAS "stop-self": no inputs, one output, returns only on
 * failure). Not through rtas_call(): its lock would stay held by a CPU that
 * never comes back, so each CPU has a buffer of its own.
 */
int rtas_stop_self(void)
{
	static struct rtas_args self[MAX_CPUS] __attribute__((aligned(16)));
	struct rtas_args *a = &self[this_cpu()->id];
	int token = rtas_token("stop-self");

	if (token == RTAS_UNKNOWN_TOKEN)
		return RTAS_UNKNOWN_TOKEN;
	a->token = be32(token);
	a->nargs = be32(0);
	a->nret = be32(1);
	a->cells[0] = be32(0xdeadbeef);
	hcall1(KVMPPC_H_RTAS, (unsigned long)a);
	return (int32_t)be32(a->cells[0]);
}
