/*
 * The isa test's probes: for each extension hvut knows, one instruction (or
 * CSR access) that the extension adds. Instructions are raw encodings, from
 * the ISA manuals and extension specs, so the test does not depend on what the
 * assembler was told to accept (the test is built rv64imac; compressed probes
 * are .2byte pairs, never left to the assembler's compression). Encodings
 * checked against binutils 2.40 where it knows the instruction; vector crypto,
 * Zvbb/Zvbc, Zvfbf*, Zfbfmin from their specs' encoding tables.
 */
#include "hvut.h"
#include "isa-probes.h"

#define INSN(name, enc) \
	static void name(void *a) { (void)a; __asm__ volatile(".4byte " #enc ::: "a0", "memory"); }
/* rs1 = a0 = the buffer argument. */
#define INSN_MEM(name, enc) \
	static void name(void *a) { __asm__ volatile("mv a0, %0\n.4byte " #enc :: "r"(a) : "a0", "a1", "memory"); }
/* vsetivli first (vtype from the instruction's needs), then the instruction. */
#define VINSN_(name, vset, enc) \
	static void name(void *a) { (void)a; __asm__ volatile(".4byte " #vset "\n.4byte " #enc ::: "memory"); }
#define VINSN(name, vset, enc) VINSN_(name, vset, enc)   /* expands the VSET_* names first */

INSN(i_mul, 0x02a50533)        /* mul a0, a0, a0 */
INSN(i_divu, 0x02a55533)       /* divu a0, a0, a0 (M only; no trap on /0) */
INSN_MEM(i_amoor, 0x4005202f)  /* amoor.w x0, x0, (a0) */
INSN_MEM(i_lrw, 0x100525af)    /* lr.w a1, (a0) */
static void i_cnop(void *a) { (void)a; __asm__ volatile(".2byte 0x0001\n.2byte 0x0001"); }   /* c.nop; c.nop */
static void i_cfldsp(void *a) { (void)a; __asm__ volatile(".2byte 0x2002\n.2byte 0x0001"); } /* c.fldsp f0, 0(sp); c.nop */
void i_fmvwx(void *a) { (void)a; __asm__ volatile(".4byte 0xf0000053"); }                   /* fmv.w.x f0, zero */
INSN(i_fmvdx, 0xf2000053)      /* fmv.d.x f0, zero */
VINSN(i_vsetvli, 0x00007057, 0x00000013)   /* vsetvli zero, zero, e8, m1; nop */
INSN(i_hfence, 0x62000073)     /* hfence.gvma zero, zero */
INSN(i_sscratch, 0x14002573)   /* csrr a0, sscratch */
INSN(i_fencei, 0x0000100f)     /* fence.i */
INSN(i_rdcycle, 0xc0002573)    /* csrr a0, cycle */
INSN(i_pause, 0x0100000f)      /* pause */
INSN(i_ntlall, 0x00500033)     /* ntl.all = add x0, x0, x5 */
INSN_MEM(i_prefetchr, 0x00156013)   /* prefetch.r 0(a0) = ori x0, a0, 1 */
INSN(i_sh1add, 0x20a52533)     /* sh1add a0, a0, a0 */
INSN(i_clz, 0x60051513)        /* clz a0, a0 */
INSN(i_clmul, 0x0aa51533)      /* clmul a0, a0, a0 (Zbc and Zbkc) */
INSN(i_clmulr, 0x0aa52533)     /* clmulr a0, a0, a0 (Zbc only) */
INSN(i_bset, 0x28a51533)       /* bset a0, a0, a0 */
INSN(i_czero, 0x0ea55533)      /* czero.eqz a0, a0, a0 */
INSN(i_czeronez, 0x0ea57533)   /* czero.nez a0, a0, a0 */
INSN(i_stimecmp, 0x14d02573)   /* csrr a0, stimecmp */
/* Zicbo*: MISC-MEM, funct3 2, imm = 0 inval, 1 clean, 2 flush, 4 zero; rs1 = a0 (a 4 KiB-aligned buffer). */
void i_cbozero(void *a) { __asm__ volatile("mv a0, %0\n.4byte 0x0045200f" :: "r"(a) : "a0", "memory"); }
INSN_MEM(i_cboclean, 0x0015200f)
INSN_MEM(i_cboflush, 0x0025200f)
INSN_MEM(i_cboinval, 0x0005200f)
INSN(i_wrsnto, 0x00d00073)     /* wrs.nto */
INSN(i_wrssto, 0x01d00073)     /* wrs.sto */
INSN_MEM(i_amocas, 0x28b525af) /* amocas.w a1, a1, (a0) */
INSN_MEM(i_amoaddb, 0x00b505af)   /* amoadd.b a1, a1, (a0) */
INSN(i_pack, 0x08a54533)       /* pack a0, a0, a0 */
INSN(i_xperm8, 0x28a54533)     /* xperm8 a0, a0, a0 */
INSN(i_sha256sig0, 0x10251513) /* sha256sig0 a0, a0 */
INSN(i_aes64es, 0x32a50533)    /* aes64es a0, a0, a0 */
INSN(i_aes64ds, 0x3aa50533)    /* aes64ds a0, a0, a0 */
INSN(i_sm4ed, 0x30a50533)      /* sm4ed a0, a0, a0, 0 */
INSN(i_sm3p0, 0x10851513)      /* sm3p0 a0, a0 */
INSN(i_seed, 0x01501573)       /* csrrw a0, seed, zero */
INSN(i_sinval, 0x16000073)     /* sinval.vma zero, zero */
INSN(i_fli, 0xf0100053)        /* fli.s f0, -1.0 */
INSN(i_fmvhx, 0xf4000053)      /* fmv.h.x f0, zero */
INSN(i_faddh, 0x04007053)      /* fadd.h f0, f0, f0 */
INSN(i_fcvtsh, 0x40200053)     /* fcvt.s.h f0, f0 */
INSN(i_fcvtbf16s, 0x44807053)  /* fcvt.bf16.s f0, f0 (Zfbfmin: 0100010 01000 rs1 rm rd 1010011) */
static void i_cnot(void *a) { (void)a; __asm__ volatile(".2byte 0x9d75\n.2byte 0x0001" ::: "a0"); } /* c.not a0; c.nop */
static void i_cmop(void *a) { (void)a; __asm__ volatile(".2byte 0x6081\n.2byte 0x0001"); }        /* c.mop.1; c.nop */
INSN(i_mopr, 0x81c54573)       /* mop.r.0 a0, a0 */
INSN(i_scountovf, 0xda002573)  /* csrr a0, scountovf */
INSN(i_stopi, 0xdb002573)      /* csrr a0, stopi */
INSN(i_sstateen0, 0x10c02573)  /* csrr a0, sstateen0 */
/*
 * Vector probes: v2/v4/v6 (aligned for LMUL 2). vtype is ta, ma and what the
 * instruction requires: the vector crypto instructions want vl a multiple of
 * their element group (4, or 8 for vsm3me) and VLEN * LMUL >= the group's
 * width (128 or 256 bits); QEMU's VLEN is 128, so 256-bit groups take LMUL 2.
 * Zvbb, Zvkb and Zvbc are in the OP-V major opcode (1010111); the other vector
 * crypto extensions in OP-VE (1110111), where nothing else lives: an OP-V
 * encoding with their funct6 would be vmacc/vdivu and prove nothing.
 */
#define VSET_E32M1_4 0xcd027057   /* vsetivli zero, 4, e32, m1, ta, ma */
#define VSET_E64M1_2 0xcd817057   /* vsetivli zero, 2, e64, m1, ta, ma */
#define VSET_E64M2_4 0xcd927057   /* vsetivli zero, 4, e64, m2, ta, ma */
#define VSET_E32M2_8 0xcd147057   /* vsetivli zero, 8, e32, m2, ta, ma */
#define VSET_E16M1_8 0xcc847057   /* vsetivli zero, 8, e16, m1, ta, ma */
VINSN(i_vbrev, VSET_E32M1_4, 0x4a452157)     /* vbrev.v v2, v4: 010010 1 vs2 01010 010 vd 1010111 */
VINSN(i_vandn, VSET_E32M1_4, 0x06430157)     /* vandn.vv v2, v4, v6: 000001 OPIVV */
VINSN(i_vclmul, VSET_E64M1_2, 0x32432157)    /* vclmul.vv v2, v4, v6: 001100 OPMVV, SEW 64 */
VINSN(i_vghsh, VSET_E32M1_4, 0xb2432177)     /* vghsh.vv v2, v4, v6: 101100 1 vs2 vs1 010 vd OP-VE */
VINSN(i_vaesef, VSET_E32M1_4, 0xa241a177)    /* vaesef.vv v2, v4: 101000 1 vs2 00011 010 vd OP-VE */
VINSN(i_vsha2ms32, VSET_E32M1_4, 0xb6432177) /* vsha2ms.vv v2, v4, v6: 101101 1 vs2 vs1 010 vd OP-VE, SEW 32 */
VINSN(i_vsha2ms64, VSET_E64M2_4, 0xb6432177) /* the same, SEW 64: Zvknhb only */
VINSN(i_vsm4k, VSET_E32M1_4, 0x86402177)     /* vsm4k.vi v2, v4, 0: 100001 1 vs2 uimm 010 vd OP-VE */
VINSN(i_vsm3me, VSET_E32M2_8, 0x82432177)    /* vsm3me.vv v2, v4, v6: 100000 1 vs2 vs1 010 vd OP-VE */
VINSN(i_vfwcvtff, VSET_E16M1_8, 0x4a461157)  /* vfwcvt.f.f.v v2, v4 from f16 */
VINSN(i_vfaddh, VSET_E16M1_8, 0x02431157)    /* vfadd.vv v2, v4, v6 on f16 */
VINSN(i_vfncvtbf16, VSET_E16M1_8, 0x4a4e9157) /* vfncvtbf16.f.f.w v2, v4: VFUNARY0 vs1=11101 */
VINSN(i_vfwmaccbf16, VSET_E16M1_8, 0xee431157) /* vfwmaccbf16.vv v2, v4, v6: 111011 OPFVV */

#define FS SSTATUS_FS_INITIAL
#define VS SSTATUS_VS_INITIAL
/* Vector floating point also needs FS on (V spec "Vector Floating-Point Instructions"). */
#define VFS (SSTATUS_FS_INITIAL | SSTATUS_VS_INITIAL)

const struct isa_probe isa_probes[] = {
	{ "m", i_divu, "divu", 0, 0, NULL, NULL },
	/* Zmmul is M's multiplications alone (unprivileged spec "Zmmul"). */
	{ "zmmul", i_mul, "mul", 0, 0, "m", NULL },
	/* A is Zaamo plus Zalrsc (unprivileged spec "A" chapter). */
	{ "a", i_amoor, "amoor.w", 0, 0, "zaamo", NULL },
	{ "zaamo", i_amoor, "amoor.w", 0, 0, "a", NULL },
	{ "zalrsc", i_lrw, "lr.w", 0, 0, "a", NULL },
	/* Zca is C without the FP loads/stores; with D, C also has Zcd's (unprivileged spec "Zc*"). */
	{ "c", i_cnop, "c.nop", 0, 0, "zca", NULL },
	{ "zca", i_cnop, "c.nop", 0, 0, "c", NULL },
	{ "zcd", i_cfldsp, "c.fldsp", FS, 0, "c+d", NULL },
	{ "f", i_fmvwx, "fmv.w.x", FS, 0, NULL, NULL },
	{ "d", i_fmvdx, "fmv.d.x", FS, 0, NULL, NULL },
	{ "v", i_vsetvli, "vsetvli", VS, 0, NULL, NULL },
	{ "h", i_hfence, "hfence.gvma", 0, 0, NULL, NULL },
	/*
	 * Zicsr and the counters were part of the base I until the unprivileged
	 * spec split them out (its "Preface" to version 20190608): a device tree
	 * that follows the older spelling omits them though the hart has them,
	 * and M-mode firmware may emulate the time CSR. Absent: not checked.
	 */
	{ "zicsr", i_sscratch, "csrr sscratch", 0, PROBE_LISTED_ONLY, NULL, NULL },
	{ "zicntr", i_rdcycle, "rdcycle", 0, PROBE_LISTED_ONLY, NULL, NULL },
	{ "zifencei", i_fencei, "fence.i", 0, 0, NULL, NULL },
	/* HINTs (unprivileged spec "HINT Instructions"): pause is a FENCE, ntl.* an ADD to x0, prefetch.* an ORI to x0. */
	{ "zihintpause", i_pause, "pause", 0, PROBE_HINT, NULL, NULL },
	{ "zihintntl", i_ntlall, "ntl.all", 0, PROBE_HINT, NULL, NULL },
	{ "zicbop", i_prefetchr, "prefetch.r", 0, PROBE_HINT, NULL, NULL },
	{ "zba", i_sh1add, "sh1add", 0, 0, NULL, NULL },
	{ "zbb", i_clz, "clz", 0, 0, NULL, NULL },
	{ "zbc", i_clmulr, "clmulr", 0, 0, NULL, NULL },
	{ "zbkc", i_clmul, "clmul", 0, 0, "zbc", NULL },
	{ "zbs", i_bset, "bset", 0, 0, NULL, NULL },
	{ "zbkb", i_pack, "pack", 0, 0, NULL, NULL },
	{ "zbkx", i_xperm8, "xperm8", 0, 0, NULL, NULL },
	{ "zknh", i_sha256sig0, "sha256sig0", 0, 0, NULL, NULL },
	{ "zkne", i_aes64es, "aes64es", 0, 0, NULL, NULL },
	{ "zknd", i_aes64ds, "aes64ds", 0, 0, NULL, NULL },
	{ "zksed", i_sm4ed, "sm4ed", 0, 0, NULL, NULL },
	{ "zksh", i_sm3p0, "sm3p0", 0, 0, NULL, NULL },
	/*
	 * Zkr's seed CSR: S-mode may access it only where M-mode set mseccfg.SSEED
	 * (scalar crypto spec "Entropy Source"), a firmware choice: listed is not
	 * checked. Absent, the CSR does not exist: illegal.
	 */
	{ "zkr", i_seed, "csrrw seed", 0, PROBE_ABSENT_ONLY, NULL, NULL },
	{ "zicond", i_czero, "czero.eqz", 0, 0, NULL, NULL },
	{ "zicond", i_czeronez, "czero.nez", 0, 0, NULL, NULL },
	{ "sstc", i_stimecmp, "csrr stimecmp", 0, 0, NULL, NULL },
	{ "zicboz", i_cbozero, "cbo.zero", 0, 0, NULL, NULL },
	{ "zicbom", i_cboclean, "cbo.clean", 0, 0, NULL, NULL },
	{ "zicbom", i_cboflush, "cbo.flush", 0, 0, NULL, NULL },
	{ "zicbom", i_cboinval, "cbo.inval", 0, 0, NULL, NULL },
	{ "zawrs", i_wrsnto, "wrs.nto", 0, 0, NULL, NULL },
	{ "zawrs", i_wrssto, "wrs.sto", 0, 0, NULL, NULL },
	{ "zacas", i_amocas, "amocas.w", 0, 0, NULL, NULL },
	{ "zabha", i_amoaddb, "amoadd.b", 0, 0, NULL, NULL },
	{ "svinval", i_sinval, "sinval.vma", 0, 0, NULL, NULL },
	{ "zfa", i_fli, "fli.s", FS, 0, NULL, NULL },
	{ "zfh", i_faddh, "fadd.h", FS, 0, NULL, NULL },
	/* fmv.h.x is also Zfbfmin's: Zfhmin's own is fcvt.s.h (Zfh has it too). */
	{ "zfhmin", i_fcvtsh, "fcvt.s.h", FS, 0, "zfh", NULL },
	{ "zfbfmin", i_fcvtbf16s, "fcvt.bf16.s", FS, 0, NULL, NULL },
	{ "zfhmin", i_fmvhx, "fmv.h.x", FS, 0, "zfh zfbfmin", NULL },
	{ "zcb", i_cnot, "c.not", 0, 0, NULL, NULL },
	{ "zcmop", i_cmop, "c.mop.1", 0, 0, NULL, NULL },
	{ "zimop", i_mopr, "mop.r.0", 0, 0, NULL, NULL },
	/* Supervisor-level CSRs, readable from S-mode where the extension is there. */
	{ "sscofpmf", i_scountovf, "csrr scountovf", 0, 0, NULL, NULL },
	/*
	 * stopi: with Smstateen, S-mode reaches the AIA CSRs only if M-mode set
	 * mstateen0.AIA (AIA spec "State enable"); sstateen0 only if mstateen0.SE0
	 * (privileged spec "Smstateen"). Both are the firmware's to choose.
	 */
	{ "ssaia", i_stopi, "csrr stopi", 0, 0, NULL, NULL },
	{ "ssstateen", i_sstateen0, "csrr sstateen0", 0, 0, NULL, NULL },
	/* Vector extensions (V spec and the vector crypto spec): vtype as each needs. */
	{ "zvbb", i_vbrev, "vbrev.v", VS, 0, NULL, NULL },
	{ "zvkb", i_vandn, "vandn.vv", VS, 0, "zvbb", NULL },
	{ "zvbc", i_vclmul, "vclmul.vv (SEW 64)", VS, 0, NULL, NULL },
	{ "zvkg", i_vghsh, "vghsh.vv", VS, 0, NULL, NULL },
	{ "zvkned", i_vaesef, "vaesef.vv", VS, 0, NULL, NULL },
	{ "zvknha", i_vsha2ms32, "vsha2ms.vv (SEW 32)", VS, 0, "zvknhb", NULL },
	{ "zvknhb", i_vsha2ms64, "vsha2ms.vv (SEW 64)", VS, 0, NULL, NULL },
	{ "zvksed", i_vsm4k, "vsm4k.vi", VS, 0, NULL, NULL },
	{ "zvksh", i_vsm3me, "vsm3me.vv", VS, 0, NULL, NULL },
	{ "zvfhmin", i_vfwcvtff, "vfwcvt.f.f.v (f16)", VFS, 0, "zvfh", "vector-f16-without-zvfh" },
	{ "zvfh", i_vfaddh, "vfadd.vv (f16)", VFS, 0, NULL, "vector-f16-without-zvfh" },
	{ "zvfbfmin", i_vfncvtbf16, "vfncvtbf16.f.f.w", VFS, 0, "zvfbfwma", NULL },
	{ "zvfbfwma", i_vfwmaccbf16, "vfwmaccbf16.vv", VFS, 0, NULL, NULL },
};

const size_t nr_isa_probes = ARRAY_SIZE(isa_probes);
