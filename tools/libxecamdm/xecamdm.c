/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libxecamdm: the ECAM DMOPs as libxendevicemodel issues its own.  An op is
 * a struct xen_dm_op (op, pad, the op's argument) in one buffer, handed to
 * HYPERVISOR_dm_op on the target domain:
 *
 * - through privcmd's IOCTL_PRIVCMD_DM_OP, which bounces the buffer itself
 *   and is all a handle restricted to one domain may still do;
 * - where the kernel has no such ioctl (ENOTTY), through libxencall's
 *   xencall3(__HYPERVISOR_dm_op), with the buffer and its xen_dm_op_buf in
 *   hypercall-safe memory.
 *
 * Built with XECAMDM_USER, the op goes to the userspace port's dm_op
 * instead (xecam_user_dm_op()), so the tests run this very code against
 * the module.
 */
/* Xen's public headers as its own tools see them (struct guest handles). */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "xecamdm.h"

#include <xen/hvm/dm_op.h>
#include <public/hvm/ecam_dm_op.h>

#ifdef XECAMDM_USER
#include <xecam/user.h>
#else
#include <xencall.h>
#endif

/*
 * Linux's privcmd interface (include/uapi/xen/privcmd.h, whose installed
 * copy includes a kernel-only header): the two ioctls used here.
 */
struct xecamdm_privcmd_buf {
    void *uptr;
    size_t size;
};

struct xecamdm_privcmd_dm_op {
    domid_t dom;
    uint16_t num;
    const struct xecamdm_privcmd_buf *ubufs;
};

#define XECAMDM_IOCTL_DM_OP \
    _IOC(_IOC_NONE, 'P', 5, sizeof(struct xecamdm_privcmd_dm_op))
#define XECAMDM_IOCTL_RESTRICT \
    _IOC(_IOC_NONE, 'P', 6, sizeof(domid_t))

struct xecamdm_handle {
    int fd;                         /* /dev/xen/privcmd, or -1 */
    domid_t restricted;             /* DOMID_INVALID: any domain */
#ifndef XECAMDM_USER
    xencall_handle *xc;             /* NULL until the ioctl is missing */
#endif
};

xecamdm_handle *xecamdm_open(unsigned int flags)
{
    xecamdm_handle *h;

    if ( flags )
    {
        errno = EINVAL;
        return NULL;
    }
    h = calloc(1, sizeof(*h));
    if ( !h )
        return NULL;
    h->fd = -1;
    h->restricted = DOMID_INVALID;
#ifndef XECAMDM_USER
    h->fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if ( h->fd < 0 )
    {
        int e = errno;

        free(h);
        errno = e;
        return NULL;
    }
#endif

    return h;
}

int xecamdm_close(xecamdm_handle *h)
{
    if ( !h )
        return 0;
#ifndef XECAMDM_USER
    if ( h->xc )
        xencall_close(h->xc);
#endif
    if ( h->fd >= 0 )
        close(h->fd);
    free(h);

    return 0;
}

int xecamdm_restrict(xecamdm_handle *h, domid_t domid)
{
    if ( !h )
    {
        errno = EINVAL;
        return -1;
    }
#ifndef XECAMDM_USER
    if ( ioctl(h->fd, XECAMDM_IOCTL_RESTRICT, &domid) < 0 )
        return -1;
#endif
    h->restricted = domid;

    return 0;
}

#ifndef XECAMDM_USER
/* HYPERVISOR_dm_op through libxencall: never for a restricted handle. */
static int dm_op_xencall(xecamdm_handle *h, domid_t domid,
                         struct xen_dm_op *op, size_t size)
{
    xen_dm_op_buf_t *buf;
    void *bounce;
    int rc = -1, e;

    if ( !h->xc )
        h->xc = xencall_open(NULL, 0);
    if ( !h->xc )
        return -1;
    buf = xencall_alloc_buffer(h->xc, sizeof(*buf));
    bounce = xencall_alloc_buffer(h->xc, size);
    if ( buf && bounce )
    {
        memcpy(bounce, op, size);
        set_xen_guest_handle_raw(buf->h, bounce);
        buf->size = size;
        rc = xencall3(h->xc, __HYPERVISOR_dm_op, domid, 1, (uintptr_t)buf);
        memcpy(op, bounce, size);
    }
    e = errno;
    xencall_free_buffer(h->xc, bounce);
    xencall_free_buffer(h->xc, buf);
    errno = e;

    return rc < 0 ? -1 : 0;
}
#endif

/* One dm_op with 'op' as its only buffer; op updated from the buffer. */
static int dm_op(xecamdm_handle *h, domid_t domid, struct xen_dm_op *op,
                 size_t size)
{
    long rc;

    if ( h->restricted != DOMID_INVALID && h->restricted != domid )
    {
        errno = EPERM;              /* as privcmd answers */
        return -1;
    }
#ifdef XECAMDM_USER
    rc = xecam_user_dm_op(domid, op, size);
    if ( rc < 0 )
    {
        errno = -rc;
        return -1;
    }
#else
    {
        struct xecamdm_privcmd_buf buf = { .uptr = op, .size = size };
        struct xecamdm_privcmd_dm_op arg = {
            .dom = domid, .num = 1, .ubufs = &buf,
        };

        rc = ioctl(h->fd, XECAMDM_IOCTL_DM_OP, &arg);
        if ( rc < 0 && errno == ENOTTY && h->restricted == DOMID_INVALID )
            return dm_op_xencall(h, domid, op, size);
        if ( rc < 0 )
            return -1;
    }
#endif

    return 0;
}

int xecamdm_op(xecamdm_handle *h, domid_t domid, unsigned int op, void *arg,
               size_t size)
{
    struct xen_dm_op buf = { .op = op };
    size_t len = offsetof(struct xen_dm_op, u) + size;
    int rc;

    if ( !h || (size && !arg) || size > sizeof(buf.u) )
    {
        errno = EINVAL;
        return -1;
    }
    if ( size )
        memcpy(&buf.u, arg, size);
    rc = dm_op(h, domid, &buf, len);
    if ( size )
        memcpy(arg, &buf.u, size);

    return rc;
}

int xecamdm_set_window(xecamdm_handle *h, domid_t domid, uint16_t segment,
                       uint8_t start_bus, uint8_t end_bus, uint64_t base)
{
    struct xen_dm_op_ecam_window w = {
        .segment = segment, .start_bus = start_bus, .end_bus = end_bus,
        .base = base,
    };

    return xecamdm_op(h, domid, XEN_DMOP_ecam_set_window, &w, sizeof(w));
}

int xecamdm_remove_window(xecamdm_handle *h, domid_t domid, uint16_t segment)
{
    struct xen_dm_op_ecam_window w = {
        .segment = segment, .flags = XEN_DMOP_ECAM_REMOVE,
    };

    return xecamdm_op(h, domid, XEN_DMOP_ecam_set_window, &w, sizeof(w));
}

int xecamdm_get_window(xecamdm_handle *h, domid_t domid, uint16_t segment,
                       uint8_t *start_bus, uint8_t *end_bus, uint64_t *base)
{
    struct xen_dm_op_ecam_window w = { .segment = segment };

    if ( xecamdm_op(h, domid, XEN_DMOP_ecam_get_window, &w, sizeof(w)) )
        return -1;
    if ( start_bus )
        *start_bus = w.start_bus;
    if ( end_bus )
        *end_bus = w.end_bus;
    if ( base )
        *base = w.base;

    return 0;
}

int xecamdm_assign(xecamdm_handle *h, domid_t domid, uint32_t host_sbdf,
                   uint32_t guest_sbdf, uint32_t flags, uint8_t root_port)
{
    struct xen_dm_op_ecam_assign a = {
        .host_sbdf = host_sbdf, .guest_sbdf = guest_sbdf, .flags = flags,
        .root_port = root_port,
    };

    return xecamdm_op(h, domid, XEN_DMOP_ecam_assign, &a, sizeof(a));
}

int xecamdm_deassign(xecamdm_handle *h, domid_t domid, uint32_t guest_sbdf)
{
    struct xen_dm_op_ecam_deassign a = { .guest_sbdf = guest_sbdf };

    return xecamdm_op(h, domid, XEN_DMOP_ecam_deassign, &a, sizeof(a));
}
