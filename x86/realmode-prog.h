/* Result slots of the real-mode program (x86/realmode-prog.S), 32 bits each, read by x86/realmode.c. */
#ifndef HVUT_X86_REALMODE_PROG_H
#define HVUT_X86_REALMODE_PROG_H

#define RP_SCRATCH_SEG 0x7000     /* ES for stores: linear 0x70000..0x7ffff */

#define RS_CS 0            /* CS at entry */
#define RS_ARG 1           /* EBX + ECX as passed in */
#define RS_ADD16 2         /* AX after 0xfff0 + 0x20 */
#define RS_ADD16_FL 3
#define RS_ADD32 4         /* EAX after 0x7fffffff + 1 (0x66 prefix) */
#define RS_ADD32_FL 5
#define RS_MUL 6           /* AX | DX << 16 after MUL 0x1234 * 0x100 */
#define RS_MUL_FL 7
#define RS_DIV 8           /* AX | DX << 16 after DIV 0x10000 / 0x10 */
#define RS_WRAP 9          /* word at ES:0x10 after a store to ES:[BX+SI], BX+SI = 0x10010 */
#define RS_MOVS_F 10       /* SI | DI << 16 after REP MOVSB of 8, DF = 0 */
#define RS_MOVS_F_CX 11
#define RS_MOVS_B 12       /* SI | DI << 16 after REP MOVSB of 8, DF = 1 */
#define RS_MOVS_B_CX 13
#define RS_STOS_DI 14      /* DI after REP STOSW of 4, DF = 1 */
#define RS_CMPS 15         /* SI | DI << 16 after REPE CMPSB */
#define RS_CMPS_CX 16
#define RS_CMPS_FL 17
#define RS_SCAS_DI 18      /* after REPNE SCASB, DF = 1 */
#define RS_SCAS_CX 19
#define RS_SCAS_FL 20
#define RS_LODS 21         /* AX | SI << 16 after LODSW, DF = 1 */
#define RS_REP0 22         /* SI | DI << 16 after REP MOVSB with CX = 0 */
#define RS_FAR_CS1 23      /* CS after JMP ptr16:16 to an alias segment */
#define RS_FAR_CS2 24      /* CS after JMP m16:16 back */
#define RS_LCALL 25        /* IP | CS << 16 that CALL ptr16:16 pushed */
#define RS_INT 26          /* IP | CS << 16 that INT 40h pushed */
#define RS_INT_FL 27       /* the FLAGS it pushed */
#define RS_INT_HFL 28      /* FLAGS in the handler */
#define RS_INT_AFTER_FL 29 /* FLAGS after IRET (the handler set ZF in the image) */
#define RS_INT3 30         /* IP INT3 pushed */
#define RS_INTO_CNT 31     /* INTO handler runs: INTO with OF = 1, then with OF = 0 */
#define RS_DE 32           /* IP #DE pushed */
#define RS_UD 33           /* IP #UD pushed */
#define RS_LIDT 34         /* 1: INT 40h went through the IVT LIDT moved */
#define RS_GP 35           /* IP #GP pushed for a word at ES:0xFFFF, 0xffff: none */
#define RS_END 36          /* 0x600d: the program ran to its end */
#define RS_DB_CNT 37       /* single-step #DBs through IVT[1] */
#define RS_DB_IP 38        /* ... and the IP each pushed (4 slots) */
#define RS_COUNT 42

#endif
