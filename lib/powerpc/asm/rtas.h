/*
 * RTAS (PAPR chapter 7) through QEMU's H_RTAS hypercall: no RTAS blob is
 * instantiated; the tokens come from the device tree's /rtas node.
 */
#ifndef HVUT_PPC_RTAS_H
#define HVUT_PPC_RTAS_H
#include <stdint.h>

#define RTAS_UNKNOWN_TOKEN (-1)
/* RTAS status values (PAPR 7.2.8). */
#define RTAS_SUCCESS         0
#define RTAS_HW_ERROR       (-1)
#define RTAS_BUSY           (-2)
#define RTAS_PARAM_ERROR    (-3)
/* Not an RTAS status: H_RTAS failed without writing one (see rtas_last_hcall_status()). */
#define RTAS_HCALL_FAILED   (-9999)

/* The token of the named call, or RTAS_UNKNOWN_TOKEN. */
int rtas_token(const char *name);
/*
 * Calls token with nargs 32-bit inputs (the varargs, as int) and nret outputs
 * (at most 16 in all); outputs[0..nret-1] get the outputs, outputs[0] being
 * the status, which is also returned. outputs may be NULL.
 */
int rtas_call(int token, int nargs, int nret, int32_t *outputs, ...);
/* The hcall's own return code for the last rtas_call() on this CPU. */
long rtas_last_hcall_status(void);
/* RTAS stop-self for the calling CPU: returns (a status) only if it failed. */
int rtas_stop_self(void);

#endif
