/*
 * emulator: instructions whose memory operand is emulated device memory give
 * the same results as on RAM. Under KVM every access below exits to the
 * instruction emulator (arch/x86/kvm/emulate.c) or to QEMU's MMIO dispatch;
 * under TCG and Bochs it is their memory path for devices.
 *
 * The device: the HPET at 0xFED00000 (IA-PC HPET specification 1.0a,
 * 2.3.4 "Main Counter Value Register"): with the counter halted
 * (GEN_CONF.ENABLE_CNF=0) it is a 64-bit read/write register, i.e. storage.
 * The HPET takes 32- and 64-bit accesses only, so every operand is 4 or 8
 * bytes. Each instruction runs on RAM and on the register, starting from the
 * same value and the same source operand; the memory result, the register
 * result and the flags the SDM defines for the instruction must agree
 * (SDM vol. 2 instruction pages; flag masks leave out undefined flags).
 *
 * Then faults raised inside an instruction with an MMIO operand: a MOVSQ from
 * the register to a not-present page is a #PF with CR2 the destination, RIP
 * at the MOVSQ and RSI/RDI not advanced (SDM vol. 3A "Interrupt 14");
 * a MOVSQ from a non-canonical source to the register is a #GP(0); a REP
 * MOVSQ from the register that faults on its second iteration leaves
 * RCX/RSI/RDI at the first (SDM vol. 2B REP).
 *
 * LOCK where the SDM forbids it (vol. 2A LOCK): with a register destination
 * (ADD, CMPXCHG), on NOP and on MOV to memory, RAM and the HPET register, is
 * a #UD at the prefix with memory unchanged.
 *
 * Last, MOV SS with its operand in device memory (the I/O APIC's IOREGSEL:
 * MOV SS reads two bytes, which the HPET does not take): the selector read
 * is loaded, and the load holds the single-step trap and a data breakpoint
 * on the operand for one instruction (SDM vol. 3A 6.8.3), as from RAM.
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/vm.h>

#define HPET_BASE 0xfed00000UL
#define HPET_GCAP 0x000
#define HPET_GEN_CONF 0x010
#define HPET_COUNTER 0x0f0
#define FLAGS_ARITH 0x8d5UL       /* OF SF ZF AF PF CF */
#define FLAGS_LOGIC 0x8c5UL       /* AF undefined after AND/OR/XOR/TEST */
#define FLAGS_CF 0x001UL
#define FLAGS_ZF 0x040UL
#define FLAGS_NONE 0UL

static volatile uint64_t *const mmio = (volatile uint64_t *)(HPET_BASE + HPET_COUNTER);
static volatile uint64_t ram __attribute__((aligned(8)));

struct result {
	uint64_t mem, reg, flags;
};

/* One instruction form: run on *m with source value src, fill r. */
typedef void (*op_fn)(volatile uint64_t *m, uint64_t src, struct result *r);

#define OP_MEM_REG(name, insn)                                                            \
	static void name(volatile uint64_t *m, uint64_t src, struct result *r)             \
	{                                                                                  \
		uint64_t s = src, f;                                                       \
		__asm__ volatile(insn " %[s], %[m]\n\tpushfq\n\tpopq %[f]"                \
				 : [m] "+m"(*m), [s] "+r"(s), [f] "=r"(f) :: "cc", "memory"); \
		r->reg = s;                                                                \
		r->flags = f;                                                              \
	}
#define OP_REG_MEM(name, insn)                                                            \
	static void name(volatile uint64_t *m, uint64_t src, struct result *r)             \
	{                                                                                  \
		uint64_t s = src, f;                                                       \
		__asm__ volatile(insn " %[m], %[s]\n\tpushfq\n\tpopq %[f]"                \
				 : [s] "+r"(s), [f] "=r"(f) : [m] "m"(*m) : "cc", "memory");  \
		r->reg = s;                                                                \
		r->flags = f;                                                              \
	}
#define OP_MEM(name, insn)                                                                \
	static void name(volatile uint64_t *m, uint64_t src, struct result *r)             \
	{                                                                                  \
		uint64_t f;                                                                \
		(void)src;                                                                 \
		__asm__ volatile(insn " %[m]\n\tpushfq\n\tpopq %[f]"                       \
				 : [m] "+m"(*m), [f] "=r"(f) :: "cc", "memory");             \
		r->reg = 0;                                                                \
		r->flags = f;                                                              \
	}

OP_MEM_REG(op_mov_store, "movq")
OP_REG_MEM(op_mov_load, "movq")
OP_MEM_REG(op_add_store, "addq")
OP_MEM_REG(op_sub_store, "subq")
OP_MEM_REG(op_and_store, "andq")
OP_MEM_REG(op_or_store, "orq")
OP_MEM_REG(op_xor_store, "xorq")
OP_MEM_REG(op_adc_store, "stc\n\tadcq")
OP_MEM_REG(op_lock_add, "lock addq")
OP_MEM_REG(op_xchg, "xchgq")
OP_MEM_REG(op_xadd, "lock xaddq")
OP_REG_MEM(op_add_load, "addq")
OP_REG_MEM(op_cmp_load, "cmpq")
OP_MEM_REG(op_test, "testq")
OP_MEM(op_inc, "incq")
OP_MEM(op_neg, "negq")
OP_MEM(op_not, "notq")
OP_MEM(op_shl, "shlq $3,")

static void op_bts(volatile uint64_t *m, uint64_t src, struct result *r)
{
	uint64_t f;

	(void)src;
	__asm__ volatile("btsq $37, %[m]\n\tpushfq\n\tpopq %[f]" : [m] "+m"(*m), [f] "=r"(f) :: "cc", "memory");
	r->reg = 0;
	r->flags = f;
}

static void op_btr_reg(volatile uint64_t *m, uint64_t src, struct result *r)
{
	uint64_t f, bit = src & 63;

	__asm__ volatile("btrq %[b], %[m]\n\tpushfq\n\tpopq %[f]" : [m] "+m"(*m), [f] "=r"(f) : [b] "r"(bit) : "cc", "memory");
	r->reg = 0;
	r->flags = f;
}

static void op_cmpxchg(volatile uint64_t *m, uint64_t src, struct result *r)
{
	uint64_t expected = src ^ 0x5555, f;   /* src is the value in memory: this one fails */

	__asm__ volatile("lock cmpxchgq %[n], %[m]\n\tpushfq\n\tpopq %[f]"
			 : [m] "+m"(*m), "+a"(expected), [f] "=r"(f) : [n] "r"(0x1111ULL) : "cc", "memory");
	r->reg = expected;
	r->flags = f;
}

static void op_cmpxchg_ok(volatile uint64_t *m, uint64_t src, struct result *r)
{
	uint64_t expected = src, f;   /* matches: the new value goes in */

	__asm__ volatile("lock cmpxchgq %[n], %[m]\n\tpushfq\n\tpopq %[f]"
			 : [m] "+m"(*m), "+a"(expected), [f] "=r"(f) : [n] "r"(0x2222ULL) : "cc", "memory");
	r->reg = expected;
	r->flags = f;
}

/*
 * CMPXCHG8B m64 (SDM vol. 2A CMPXCHG8B/CMPXCHG16B): EDX:EAX against m64; equal:
 * ZF = 1 and m64 = ECX:EBX; else ZF = 0 and EDX:EAX = m64. Only ZF is written.
 * src is the value in memory, as for op_cmpxchg.
 */
static void op_cmpxchg8b(volatile uint64_t *m, uint64_t src, struct result *r, uint64_t expected)
{
	uint32_t lo = (uint32_t)expected, hi = (uint32_t)(expected >> 32);
	uint64_t f;

	(void)src;
	__asm__ volatile("lock cmpxchg8b %[m]\n\tpushfq\n\tpopq %[f]"
			 : [m] "+m"(*m), "+a"(lo), "+d"(hi), [f] "=r"(f)
			 : "b"(0x33334444U), "c"(0x11112222U) : "cc", "memory");
	r->reg = ((uint64_t)hi << 32) | lo;
	r->flags = f;
}

static void op_cmpxchg8b_ok(volatile uint64_t *m, uint64_t src, struct result *r)
{
	op_cmpxchg8b(m, src, r, src);
}

static void op_cmpxchg8b_fail(volatile uint64_t *m, uint64_t src, struct result *r)
{
	op_cmpxchg8b(m, src, r, src ^ 0x0000555500005555ULL);
}

/* MOVNTI m64, r64 (SDM vol. 2B MOVNTI): a non-temporal store; SFENCE orders it before the read-back. */
static void op_movnti(volatile uint64_t *m, uint64_t src, struct result *r)
{
	__asm__ volatile("movntiq %[s], %[m]\n\tsfence" : [m] "=m"(*m) : [s] "r"(src) : "memory");
	r->reg = 0;
	r->flags = 0;
}

static void op_mov32_store(volatile uint64_t *m, uint64_t src, struct result *r)
{
	uint32_t s = (uint32_t)src;

	__asm__ volatile("movl %[s], %[m]" : [m] "+m"(*(volatile uint32_t *)m) : [s] "r"(s) : "memory");
	r->reg = 0;
	r->flags = 0;
}

static void op_mov32_load(volatile uint64_t *m, uint64_t src, struct result *r)
{
	uint64_t d = src;   /* a 32-bit load zero-extends into the whole register */

	__asm__ volatile("movl 4%[m], %k[d]" : [d] "+r"(d) : [m] "m"(*m) : "memory");
	r->reg = d;
	r->flags = 0;
}

static void op_push_pop(volatile uint64_t *m, uint64_t src, struct result *r)
{
	uint64_t got;

	(void)src;
	/* PUSH from the operand, then POP into it the value +1 pushed by hand. */
	__asm__ volatile("pushq %[m]\n\tpopq %[g]\n\tpushq %[g]\n\taddq $1, (%%rsp)\n\tpopq %[m]"
			 : [m] "+m"(*m), [g] "=&r"(got) :: "memory");
	r->reg = got;
	r->flags = 0;
}

static void op_sib(volatile uint64_t *m, uint64_t src, struct result *r)
{
	/* base + index*8 + displacement, all adding up to m. */
	uintptr_t base = (uintptr_t)m - 0x18 - 2 * 8;
	uint64_t d;

	(void)src;
	__asm__ volatile("movq 0x18(%[b],%[i],8), %[d]" : [d] "=r"(d) : [b] "r"(base), [i] "r"(2UL) : "memory");
	r->reg = d;
	r->flags = 0;
}

static void op_addr32(volatile uint64_t *m, uint64_t src, struct result *r)
{
	uint64_t d;

	(void)src;
	/* 0x67: 32-bit address; both RAM and the HPET are below 4 GiB. */
	__asm__ volatile("addr32 movq (%k[a]), %[d]" : [d] "=r"(d) : [a] "r"((uintptr_t)m) : "memory");
	r->reg = d;
	r->flags = 0;
}

static void op_fs(volatile uint64_t *m, uint64_t src, struct result *r)
{
	uint64_t d, old = rdmsr(MSR_FS_BASE);

	(void)src;
	wrmsr(MSR_FS_BASE, (uintptr_t)m - 0x40);
	__asm__ volatile("movq %%fs:0x40, %[d]" : [d] "=r"(d) :: "memory");
	wrmsr(MSR_FS_BASE, old);
	r->reg = d;
	r->flags = 0;
}

static uint64_t ram_other __attribute__((aligned(8)));

static void op_movs_to(volatile uint64_t *m, uint64_t src, struct result *r)
{
	void *s = &ram_other, *d = (void *)(uintptr_t)m;

	ram_other = src;
	__asm__ volatile("cld\n\tmovsq" : "+S"(s), "+D"(d) :: "memory");
	r->reg = (uintptr_t)s - (uintptr_t)&ram_other;   /* RSI advanced by 8 */
	r->flags = 0;
}

static void op_movs_from(volatile uint64_t *m, uint64_t src, struct result *r)
{
	void *s = (void *)(uintptr_t)m, *d = &ram_other;

	(void)src;
	__asm__ volatile("cld\n\tmovsq" : "+S"(s), "+D"(d) :: "memory");
	r->reg = ram_other;
	r->flags = 0;
}

static void op_rep_stos(volatile uint64_t *m, uint64_t src, struct result *r)
{
	void *d = (void *)(uintptr_t)m;
	unsigned long n = 1;

	__asm__ volatile("cld\n\trep stosq" : "+D"(d), "+c"(n) : "a"(src) : "memory");
	r->reg = n;   /* RCX counted down to 0 */
	r->flags = 0;
}

static void op_lods(volatile uint64_t *m, uint64_t src, struct result *r)
{
	void *s = (void *)(uintptr_t)m;
	uint64_t a;

	(void)src;
	__asm__ volatile("std\n\tlodsq\n\tcld" : "+S"(s), "=a"(a) :: "memory");
	r->reg = a ^ ((uintptr_t)m - (uintptr_t)s);   /* value and the DF=1 step of -8 */
	r->flags = 0;
}

static void op_cmps(volatile uint64_t *m, uint64_t src, struct result *r)
{
	void *s = (void *)(uintptr_t)m, *d = &ram_other;
	uint64_t f;

	ram_other = src + 1;
	__asm__ volatile("cld\n\tcmpsq\n\tpushfq\n\tpopq %[f]" : "+S"(s), "+D"(d), [f] "=r"(f) :: "cc", "memory");
	r->reg = 0;
	r->flags = f;
}

static void op_movbe_load(volatile uint64_t *m, uint64_t src, struct result *r)
{
	uint64_t d;

	(void)src;
	__asm__ volatile("movbeq %[m], %[d]" : [d] "=r"(d) : [m] "m"(*m) : "memory");
	r->reg = d;
	r->flags = 0;
}

static void op_movbe_store(volatile uint64_t *m, uint64_t src, struct result *r)
{
	__asm__ volatile("movbeq %[s], %[m]" : [m] "=m"(*m) : [s] "r"(src) : "memory");
	r->reg = 0;
	r->flags = 0;
}

struct op {
	const char *name;
	op_fn fn;
	uint64_t flags_mask;
	uint64_t feature;   /* 0, or the CPUID bit the instruction needs */
};

#define X86_FEATURE_MOVBE X86_FEATURE(1, 0, CPUID_ECX, 22)
#define X86_FEATURE_CX8 X86_FEATURE(1, 0, CPUID_EDX, 8)
#define X86_FEATURE_SSE2 X86_FEATURE(1, 0, CPUID_EDX, 26)

static const struct op ops[] = {
	{ "MOV m64, r64", op_mov_store, FLAGS_NONE, 0 },
	{ "MOV r64, m64", op_mov_load, FLAGS_NONE, 0 },
	{ "MOV m32, r32", op_mov32_store, FLAGS_NONE, 0 },
	{ "MOV r32, m32 (high half, zero-extended)", op_mov32_load, FLAGS_NONE, 0 },
	{ "ADD m64, r64", op_add_store, FLAGS_ARITH, 0 },
	{ "SUB m64, r64", op_sub_store, FLAGS_ARITH, 0 },
	{ "AND m64, r64", op_and_store, FLAGS_LOGIC, 0 },
	{ "OR m64, r64", op_or_store, FLAGS_LOGIC, 0 },
	{ "XOR m64, r64", op_xor_store, FLAGS_LOGIC, 0 },
	{ "ADC m64, r64 (CF=1)", op_adc_store, FLAGS_ARITH, 0 },
	{ "LOCK ADD m64, r64", op_lock_add, FLAGS_ARITH, 0 },
	{ "XCHG m64, r64", op_xchg, FLAGS_NONE, 0 },
	{ "LOCK XADD m64, r64", op_xadd, FLAGS_ARITH, 0 },
	{ "ADD r64, m64", op_add_load, FLAGS_ARITH, 0 },
	{ "CMP r64, m64", op_cmp_load, FLAGS_ARITH, 0 },
	{ "TEST m64, r64", op_test, FLAGS_LOGIC, 0 },
	{ "INC m64", op_inc, FLAGS_ARITH & ~FLAGS_CF, 0 },
	{ "NEG m64", op_neg, FLAGS_ARITH, 0 },
	{ "NOT m64", op_not, FLAGS_NONE, 0 },
	{ "SHL m64, 3", op_shl, 0x0c5UL, 0 },   /* OF and AF undefined for counts > 1 */
	{ "BTS m64, 37", op_bts, FLAGS_CF, 0 },
	{ "BTR m64, r64", op_btr_reg, FLAGS_CF, 0 },
	{ "LOCK CMPXCHG m64 (mismatch)", op_cmpxchg, FLAGS_ARITH, 0 },
	{ "LOCK CMPXCHG m64 (match)", op_cmpxchg_ok, FLAGS_ARITH, 0 },
	{ "LOCK CMPXCHG8B m64 (match)", op_cmpxchg8b_ok, FLAGS_ZF, X86_FEATURE_CX8 },
	{ "LOCK CMPXCHG8B m64 (mismatch)", op_cmpxchg8b_fail, FLAGS_ZF, X86_FEATURE_CX8 },
	{ "PUSH m64 / POP m64", op_push_pop, FLAGS_NONE, 0 },
	{ "MOV with base+index*8+disp", op_sib, FLAGS_NONE, 0 },
	{ "MOV with a 0x67 address-size prefix", op_addr32, FLAGS_NONE, 0 },
	{ "MOV with an FS override (FS_BASE)", op_fs, FLAGS_NONE, 0 },
	{ "MOVSQ RAM -> m64", op_movs_to, FLAGS_NONE, 0 },
	{ "MOVSQ m64 -> RAM", op_movs_from, FLAGS_NONE, 0 },
	{ "REP STOSQ (RCX=1) to m64", op_rep_stos, FLAGS_NONE, 0 },
	{ "LODSQ m64 with DF=1", op_lods, FLAGS_NONE, 0 },
	{ "CMPSQ m64, RAM", op_cmps, FLAGS_ARITH, 0 },
	{ "MOVNTI m64, r64 [SDM vol. 2B MOVNTI]", op_movnti, FLAGS_NONE, X86_FEATURE_SSE2 },
	{ "MOVBE r64, m64", op_movbe_load, FLAGS_NONE, X86_FEATURE_MOVBE },
	{ "MOVBE m64, r64", op_movbe_store, FLAGS_NONE, X86_FEATURE_MOVBE },
};

/* The compare-and-exchange forms get the value in memory as their source. */
static bool compares_with_memory(op_fn fn)
{
	return fn == op_cmpxchg || fn == op_cmpxchg_ok || fn == op_cmpxchg8b_ok || fn == op_cmpxchg8b_fail;
}

static void compare_ops(void)
{
	static const uint64_t start = 0x0123456789abcdefULL, src = 0x00f0e0d0c0b0a090ULL;
	char buf[32];

	report_prefix_push("ops");
	for (unsigned i = 0; i < ARRAY_SIZE(ops); i++) {
		const struct op *o = &ops[i];
		struct result on_ram = { 0, 0, 0 }, on_mmio = { 0, 0, 0 };

		if (o->feature && !this_cpu_has(o->feature)) {
			report_skip("%s: %s=0", o->name, x86_feature_name(o->feature, buf, sizeof(buf)));
			continue;
		}
		ram = start;
		writeq((uintptr_t)mmio, start);
		o->fn(&ram, compares_with_memory(o->fn) ? start : src, &on_ram);
		o->fn(mmio, compares_with_memory(o->fn) ? start : src, &on_mmio);
		on_ram.mem = ram;
		on_mmio.mem = readq((uintptr_t)mmio);
		report(on_ram.mem == on_mmio.mem && on_ram.reg == on_mmio.reg &&
		       (on_ram.flags & o->flags_mask) == (on_mmio.flags & o->flags_mask),
		       "%s: MMIO like RAM (memory %#llx/%#llx, register %#llx/%#llx, flags %#llx/%#llx)", o->name,
		       (unsigned long long)on_ram.mem, (unsigned long long)on_mmio.mem,
		       (unsigned long long)on_ram.reg, (unsigned long long)on_mmio.reg,
		       (unsigned long long)(on_ram.flags & o->flags_mask),
		       (unsigned long long)(on_mmio.flags & o->flags_mask));
	}
	report_prefix_pop();
}

/* --- faults inside an instruction with an MMIO operand ------------------ */

struct movs_args {
	void *src, *dst;
	void *src_after, *dst_after;
};

extern char movs_insn[];
static void do_movs(void *arg)
{
	struct movs_args *a = arg;
	void *s = a->src, *d = a->dst;

	__asm__ volatile("cld\n.globl movs_insn\nmovs_insn: movsq" : "+S"(s), "+D"(d) :: "memory");
	a->src_after = s;
	a->dst_after = d;
}

struct rep_args {
	void *src, *dst;
	unsigned long count;
};

extern char rep_movs_insn[];
static void do_rep_movs(void *arg)
{
	struct rep_args *a = arg;
	void *s = a->src, *d = a->dst;
	unsigned long c = a->count;

	__asm__ volatile("cld\n.globl rep_movs_insn\nrep_movs_insn: rep movsq" : "+S"(s), "+D"(d), "+c"(c) :: "memory");
}

/*
 * REP MOVSQ from the register into the last qword of a page and on into a
 * not-present one: the second iteration faults. SDM vol. 2B "REP/REPE/...":
 * an exception inside a repeated string instruction leaves RCX/RSI/RDI at the
 * iterations completed, RIP at the instruction (so it restarts); vol. 3A
 * Interrupt 14 for CR2 and the error code. The HPET register above the main
 * counter (0xF8) is reserved: it is read, never written.
 */
static void test_rep_fault(void)
{
	char *pages = alloc_pages(1), *second = pages + PAGE_SIZE;
	volatile uint64_t *last = (volatile uint64_t *)(second - 8);
	struct rep_args a = { (void *)(uintptr_t)mmio, second - 8, 2 };
	struct fault f;
	int v;

	*last = 0;
	set_page_flags(second, 0, PT_PRESENT);
	v = catch_exception(do_rep_movs, &a, &f);
	set_page_flags(second, PT_PRESENT, 0);
	report(v == PF_VECTOR && f.addr == (uintptr_t)second && (f.error_code & 3) == 2 && f.pc == (uintptr_t)rep_movs_insn &&
	       f.regs.rcx == 1 && f.regs.rsi == (uintptr_t)mmio + 8 && f.regs.rdi == (uintptr_t)second &&
	       *last == 0x0123456789abcdefULL,
	       "REP MOVSQ m64 -> page end -> not-present page: #PF(W) on iteration 2, CR2, RIP at REP MOVSQ, RCX 1, RSI/RDI +8, first qword stored (got %s(%#lx), CR2 %#lx, RIP %#lx, RCX %#lx, RSI %#lx, RDI %#lx, stored %#llx)",
	       exception_name(v), f.error_code, f.addr, f.pc, f.regs.rcx, f.regs.rsi, f.regs.rdi,
	       (unsigned long long)*last);
	free_pages(pages, 1);
}

static void test_faults(void)
{
	char *page = alloc_page();
	struct movs_args a;
	struct fault f;
	int v;

	report_prefix_push("faults");
	set_page_flags(page, 0, PT_PRESENT);
	a.src = (void *)(uintptr_t)mmio;
	a.dst = page + 8;
	v = catch_exception(do_movs, &a, &f);
	report(v == PF_VECTOR && f.addr == (uintptr_t)(page + 8) && f.pc == (uintptr_t)movs_insn &&
	       (f.error_code & 3) == 2 && f.regs.rsi == (uintptr_t)mmio && f.regs.rdi == (uintptr_t)(page + 8),
	       "MOVSQ m64 -> not-present page: #PF(W), CR2 the destination, RIP at MOVSQ, RSI/RDI unchanged (got %s(%#lx), CR2 %#lx, RIP %#lx, RSI %#lx, RDI %#lx) [SDM vol. 3A Interrupt 14]",
	       exception_name(v), f.error_code, f.addr, f.pc, f.regs.rsi, f.regs.rdi);
	set_page_flags(page, PT_PRESENT, 0);
	a.src = (void *)0x0000800000000000UL;
	a.dst = (void *)(uintptr_t)mmio;
	v = catch_exception(do_movs, &a, &f);
	report(v == GP_VECTOR && f.error_code == 0 && f.pc == (uintptr_t)movs_insn,
	       "MOVSQ non-canonical -> m64: #GP(0) at MOVSQ (got %s(%#lx) at %#lx) [SDM vol. 3A Interrupt 13]",
	       exception_name(v), f.error_code, f.pc);
	writeq((uintptr_t)mmio, 0x0123456789abcdefULL);
	test_rep_fault();
	report_prefix_pop();
	free_page(page);
}

/* --- MOV SS from device memory ---------------------------------------------- */

/*
 * IOREGSEL (82093AA 3.1.1: bits 7:0 read/write, at the I/O APIC's base)
 * holds a selector below 256 and takes a 2-byte read on QEMU, Bochs and
 * KVM's in-kernel I/O APIC; the HPET takes 4- and 8-byte accesses only.
 */
static volatile uint32_t *const ioregsel = (volatile uint32_t *)IOAPIC_DEFAULT_BASE;

static unsigned long read_dr6(void) { unsigned long v; __asm__ volatile("mov %%dr6, %0" : "=r"(v)); return v; }
static void write_dr6(unsigned long v) { __asm__ volatile("mov %0, %%dr6" :: "r"(v)); }
static void write_dr0(unsigned long v) { __asm__ volatile("mov %0, %%dr0" :: "r"(v)); }
static void write_dr7(unsigned long v) { __asm__ volatile("mov %0, %%dr7" :: "r"(v)); }

static uint16_t ss_seen;
static void movss_load(void *arg)
{
	(void)arg;
	__asm__ volatile("mov (%1), %%ss\n\tmov %%ss, %0" : "=r"(ss_seen) : "r"(ioregsel) : "memory");
}

extern char mss_second[], mssbp_first[], mssbp_after[];
static void movss_step(void *arg)
{
	(void)arg;
	__asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
			 "mov (%0), %%ss\n\t"
			 "nop\n"
			 ".globl mss_second\nmss_second: nop" :: "r"(ioregsel) : "memory", "cc");
}

static void movss_bp(void *arg)
{
	(void)arg;
	__asm__ volatile("mov (%0), %%ss\n"
			 ".globl mssbp_first\nmssbp_first: nop\n"
			 ".globl mssbp_after\nmssbp_after: nop" :: "r"(ioregsel) : "memory");
}

static void test_movss(void)
{
	uint16_t ss, other;
	unsigned long dr6;
	struct fault f;
	int v;

	report_prefix_push("MOV SS from MMIO");
	__asm__ volatile("mov %%ss, %0" : "=r"(ss));
	other = ss ? 0 : KERNEL_DS;   /* a null SS with RPL 0 loads at CPL0 in 64-bit mode (SDM vol. 2B MOV) */
	*ioregsel = other;
	v = catch_exception(movss_load, NULL, &f);
	report(v == NO_EXCEPTION && ss_seen == other, "MOV SS, m16 loads the selector IOREGSEL holds: %#x (got %s, SS %#x) [SDM vol. 2B MOV]",
	       other, exception_name(v), ss_seen);
	*ioregsel = ss;
	v = catch_exception(movss_load, NULL, &f);
	report(v == NO_EXCEPTION && ss_seen == ss, "and back to %#x (got %s, SS %#x)", ss, exception_name(v), ss_seen);
	__asm__ volatile("mov %0, %%ss" :: "r"(ss));

	/* SDM vol. 3A 6.8.3: no single-step trap right after MOV SS; the next instruction's comes after it. */
	write_dr6(0);
	v = catch_exception(movss_step, NULL, &f);
	dr6 = read_dr6();
	report_deviation("movss-mmio-step-early", v == DB_VECTOR && f.pc == (uintptr_t)mss_second && (dr6 & (1UL << 14)),
			 "TF: the #DB comes after the instruction after MOV SS, DR6.BS (got %s at %#lx, want %p; DR6 %#lx) [SDM vol. 3A 6.8.3]",
			 exception_name(v), f.pc, mss_second, dr6);

	/* A read breakpoint on the operand (DR0, R/W = 11, LEN = 2 bytes): held to the same boundary. */
	write_dr6(0);
	write_dr0((uintptr_t)ioregsel);
	write_dr7((1UL << 10) | (1UL << 0) | (3UL << 16) | (1UL << 18));
	v = catch_exception(movss_bp, NULL, &f);
	write_dr7(0);
	dr6 = read_dr6();
	/* Its own row id: under KVM the MMIO access is KVM's emulator's, not the CPU's (movss-bp-not-delayed). */
	report_deviation("movss-mmio-bp", v == DB_VECTOR && f.pc == (uintptr_t)mssbp_after && (dr6 & 1),
			 "a data breakpoint on the operand: #DB after the instruction after MOV SS, DR6.B0 (got %s at %#lx, want %p, not %p; DR6 %#lx) [SDM vol. 3A 6.8.3]",
			 exception_name(v), f.pc, mssbp_after, mssbp_first, dr6);
	write_dr6(0);
	*ioregsel = 0;
	report_prefix_pop();
}

/* --- LOCK where it is not allowed ---------------------------------------- */

/*
 * SDM vol. 2A LOCK: the prefix is allowed only with ADD, ADC, AND, BTC, BTR,
 * BTS, CMPXCHG, CMPXCHG8B/16B, DEC, INC, NEG, NOT, OR, SBB, SUB, XOR, XADD
 * and XCHG with a memory destination; "#UD if the LOCK prefix is used with
 * any other instruction or if no memory operand is present". Each form is
 * spelt in bytes (assemblers refuse some) and starts at its label, where the
 * #UD must point (a fault: nothing done). RDI points at the memory operand.
 */
#define LOCK_FORM(name, bytes)                                                               \
	extern char name##_insn[];                                                           \
	static void name(void *arg)                                                          \
	{                                                                                    \
		__asm__ volatile("mov $0x5a5a, %%eax\n\tmov $7, %%ebx\n"                      \
				 ".globl " #name "_insn\n" #name "_insn: .byte " bytes       \
				 :: "D"(arg) : "rax", "rbx", "memory", "cc");                \
	}
LOCK_FORM(lock_add_reg, "0xf0, 0x01, 0xc3")           /* LOCK ADD EBX, EAX: register destination */
LOCK_FORM(lock_cmpxchg_reg, "0xf0, 0x0f, 0xb1, 0xc3") /* LOCK CMPXCHG EBX, EAX: register destination */
LOCK_FORM(lock_mov_mem, "0xf0, 0x48, 0x89, 0x07")     /* LOCK MOV [RDI], RAX: MOV is not lockable */
LOCK_FORM(lock_nop, "0xf0, 0x90")                     /* LOCK NOP */

static void lock_try(const char *what, test_fn fn, const char *insn, volatile uint64_t *m, const char *dev)
{
	static const uint64_t start = 0x0123456789abcdefULL;
	struct fault f;
	uint64_t after;
	int v;

	if (m == mmio)
		writeq((uintptr_t)mmio, start);
	else
		*m = start;
	v = catch_exception(fn, (void *)(uintptr_t)m, &f);
	after = m == mmio ? readq((uintptr_t)mmio) : *m;
	report_deviation(dev, v == UD_VECTOR && f.pc == (unsigned long)insn && after == start,
	       "%s: #UD at the prefix, memory unchanged (got %s at %#lx, want %p; memory %#llx) [SDM vol. 2A LOCK]",
	       what, exception_name(v), f.pc, insn, (unsigned long long)after);
}

static void test_lock_ud(bool with_mmio)
{
	report_prefix_push("LOCK #UD");
	if (!with_mmio) {
		lock_try("LOCK ADD r32, r32", lock_add_reg, lock_add_reg_insn, &ram, NULL);
		lock_try("LOCK CMPXCHG r32, r32", lock_cmpxchg_reg, lock_cmpxchg_reg_insn, &ram, NULL);
		lock_try("LOCK NOP", lock_nop, lock_nop_insn, &ram, NULL);
		lock_try("LOCK MOV m64 (RAM), r64", lock_mov_mem, lock_mov_mem_insn, &ram, "lock-mov-no-ud");
	} else {
		/* The same on device memory: under KVM the emulator decodes it, and must not write. */
		lock_try("LOCK MOV m64 (MMIO), r64", lock_mov_mem, lock_mov_mem_insn, mmio, "lock-mov-mmio-no-ud");
	}
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	uint64_t gcap;

	(void)argc, (void)argv, (void)envp;
	report_prefix_push("emulator");
	test_lock_ud(false);
	gcap = readq(HPET_BASE + HPET_GCAP);
	if ((gcap & 0xff) == 0 || (gcap & 0xff) == 0xff || !(gcap >> 32)) {
		report_skip("emulated MMIO storage: no HPET at %#lx (GCAP_ID %#llx)", HPET_BASE, (unsigned long long)gcap);
		report_prefix_pop();
		return report_summary();
	}
	report_info("HPET GCAP_ID %#llx; running on %s", (unsigned long long)gcap, vmm_description());
	/* Halt the main counter: then it is plain storage (HPET 1.0a 2.3.4). */
	writeq(HPET_BASE + HPET_GEN_CONF, readq(HPET_BASE + HPET_GEN_CONF) & ~1ULL);
	writeq((uintptr_t)mmio, 0x1122334455667788ULL);
	if (!report(readq((uintptr_t)mmio) == 0x1122334455667788ULL,
		    "the halted HPET main counter keeps what is written (got %#llx)",
		    (unsigned long long)readq((uintptr_t)mmio))) {
		report_prefix_pop();
		return report_summary();
	}
	compare_ops();
	test_lock_ud(true);
	test_faults();
	test_movss();
	report_prefix_pop();
	return report_summary();
}
