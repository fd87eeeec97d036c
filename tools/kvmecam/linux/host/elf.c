/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux: load an ELF vmlinux as a boot loader that skips the
 * decompressor would: every PT_LOAD segment at its physical address
 * (p_paddr), the bytes past p_filesz zeroed.  The entry point is made
 * physical if the ELF gives it as a virtual address.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "linux.h"

static int elf_bad(const char *path, const char *why)
{
    fprintf(stderr, "kvmecam: %s: %s\n", path, why);

    return -1;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = input_open(path);
    uint8_t *buf = NULL;
    long n;

    if ( !f )
        return NULL;
    if ( !fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
         !fseek(f, 0, SEEK_SET) && (buf = malloc(n)) &&
         fread(buf, 1, n, f) == (size_t)n )
        *len = n;
    else
    {
        free(buf);
        buf = NULL;
        elf_bad(path, "cannot read");
    }
    fclose(f);

    return buf;
}

static const char *check_header(const Elf64_Ehdr *eh, size_t len)
{
    if ( len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) )
        return "not an ELF file";
    if ( eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64 ||
         eh->e_type != ET_EXEC )
        return "not an x86-64 executable (a vmlinux)";
    if ( eh->e_phentsize != sizeof(Elf64_Phdr) ||
         eh->e_phoff > len || eh->e_phnum > (len - eh->e_phoff) /
                                             sizeof(Elf64_Phdr) )
        return "bad program headers";

    return NULL;
}

static const char *load_segment(struct vm *vm, const uint8_t *file,
                                size_t len, const Elf64_Phdr *ph,
                                struct lx_kernel *k)
{
    if ( ph->p_filesz > ph->p_memsz || ph->p_offset > len ||
         ph->p_filesz > len - ph->p_offset )
        return "a segment lies outside the file";
    if ( ph->p_paddr < LX_LOW_END || ph->p_paddr > vm->ram_size ||
         ph->p_memsz > vm->ram_size - ph->p_paddr )
        return "a segment does not fit in guest RAM above 1 MiB";
    memcpy(vm->ram + ph->p_paddr, file + ph->p_offset, ph->p_filesz);
    memset(vm->ram + ph->p_paddr + ph->p_filesz, 0,
           ph->p_memsz - ph->p_filesz);
    if ( !k->end || ph->p_paddr < k->start )
        k->start = ph->p_paddr;
    if ( ph->p_paddr + ph->p_memsz > k->end )
        k->end = ph->p_paddr + ph->p_memsz;
    /* A virtual entry (not inside RAM) becomes physical. */
    if ( k->entry >= vm->ram_size && ph->p_vaddr <= k->entry &&
         k->entry - ph->p_vaddr < ph->p_memsz )
        k->entry = k->entry - ph->p_vaddr + ph->p_paddr;

    return NULL;
}

int lx_load_elf(struct vm *vm, const char *path, struct lx_kernel *k)
{
    size_t len = 0;
    uint8_t *file = slurp(path, &len);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;
    const Elf64_Phdr *ph;
    const char *why;
    unsigned int i, n = 0;

    if ( !file )
        return -1;
    memset(k, 0, sizeof(*k));
    why = check_header(eh, len);
    k->entry = why ? 0 : eh->e_entry;
    for ( i = 0; !why && i < eh->e_phnum; i++ )
    {
        ph = (const Elf64_Phdr *)(file + eh->e_phoff) + i;
        if ( ph->p_type != PT_LOAD || !ph->p_memsz )
            continue;
        why = load_segment(vm, file, len, ph, k);
        n++;
    }
    if ( !why && (!n || k->entry < k->start || k->entry >= k->end) )
        why = "no loadable segment holds the entry point";
    free(file);

    return why ? elf_bad(path, why) : 0;
}
