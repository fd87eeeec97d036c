/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux: the zero page (struct boot_params) a 64-bit boot loader
 * hands the kernel in RSI, and the command line.  Only the fields this
 * boot needs are written, at the offsets of the x86 boot protocol
 * (Documentation/x86/boot.rst and zero-page.rst); the rest stays zero.
 */
#include <stdio.h>
#include <string.h>

#include "linux.h"

/* struct boot_params offsets. */
#define ZP_E820_ENTRIES   0x1e8     /* u8 */
#define ZP_BOOT_FLAG      0x1fe     /* u16, 0xaa55 */
#define ZP_HEADER         0x202     /* "HdrS" */
#define ZP_VERSION        0x206     /* u16, the protocol version */
#define ZP_TYPE_OF_LOADER 0x210     /* u8, 0xff: undefined */
#define ZP_LOADFLAGS      0x211     /* u8 */
#define ZP_CMD_LINE_PTR   0x228     /* u32 */
#define ZP_CMDLINE_SIZE   0x238     /* u32 */
#define ZP_E820_TABLE     0x2d0     /* struct boot_e820_entry[128] */
#define ZP_E820_ENTRY     20        /* u64 addr, u64 size, u32 type */
#define ZP_E820_MAX       128

#define BOOT_VERSION      0x020fU
#define LOADED_HIGH       0x01U

static void put(uint8_t *zp, unsigned int off, uint64_t v, unsigned int n)
{
    unsigned int i;

    for ( i = 0; i < n; i++ )
        zp[off + i] = v >> (8 * i);
}

static void e820(uint8_t *zp, const struct lx_e820 *map, unsigned int nr)
{
    unsigned int i, off;

    for ( i = 0; i < nr; i++ )
    {
        off = ZP_E820_TABLE + i * ZP_E820_ENTRY;
        put(zp, off, map[i].addr, 8);
        put(zp, off + 8, map[i].size, 8);
        put(zp, off + 16, map[i].type, 4);
    }
    put(zp, ZP_E820_ENTRIES, nr, 1);
}

int lx_zero_page(struct vm *vm, const struct lx_e820 *map, unsigned int nr,
                 const char *cmdline)
{
    uint8_t *zp = vm->ram + LX_ZERO_PAGE;
    size_t len = strlen(cmdline);

    if ( len >= LX_CMDLINE_MAX || nr > ZP_E820_MAX )
    {
        fprintf(stderr, "kvmecam: command line or e820 map too long\n");
        return -1;
    }
    memset(zp, 0, 0x1000);
    memset(vm->ram + LX_CMDLINE, 0, LX_CMDLINE_MAX);
    memcpy(vm->ram + LX_CMDLINE, cmdline, len);
    put(zp, ZP_BOOT_FLAG, 0xaa55, 2);
    memcpy(zp + ZP_HEADER, "HdrS", 4);
    put(zp, ZP_VERSION, BOOT_VERSION, 2);
    put(zp, ZP_TYPE_OF_LOADER, 0xff, 1);
    put(zp, ZP_LOADFLAGS, LOADED_HIGH, 1);
    put(zp, ZP_CMD_LINE_PTR, LX_CMDLINE, 4);
    put(zp, ZP_CMDLINE_SIZE, LX_CMDLINE_MAX - 1, 4);
    e820(zp, map, nr);

    return 0;
}
