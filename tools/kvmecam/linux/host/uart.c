/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvmecam linux: COM1 as a 16550A whose transmitter is never busy.  What
 * Linux's 8250 driver needs to find and use it: IER keeps its low four
 * bits; MSR follows MCR in loopback mode; IIR shows bits 7:6 set once the
 * FIFO is enabled and reports a THR-empty interrupt while IER.ETBEI is on
 * (reading IIR, writing THR or IER acknowledges it); LSR always says the
 * transmitter is empty; nothing is ever received.  The interrupt reaches
 * the PC's IRQ line only with MCR.OUT2 set, as on real boards.
 */
#include "linux.h"

#define UART_RBR 0                  /* THR on writes; DLL with DLAB */
#define UART_IER 1                  /* DLM with DLAB */
#define UART_IIR 2                  /* FCR on writes */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define LCR_DLAB   0x80
#define IER_ETBEI  0x02
#define IIR_NONE   0x01
#define IIR_THRI   0x02
#define IIR_FIFO   0xc0
#define LSR_THRE   0x20
#define LSR_TEMT   0x40
#define MCR_DTR    0x01
#define MCR_RTS    0x02
#define MCR_OUT1   0x04
#define MCR_OUT2   0x08
#define MCR_LOOP   0x10
#define MSR_CTS    0x10
#define MSR_DSR    0x20
#define MSR_RI     0x40
#define MSR_DCD    0x80

static uint8_t msr(const struct uart *u)
{
    if ( !(u->mcr & MCR_LOOP) )
        return MSR_DCD | MSR_DSR | MSR_CTS;

    return (u->mcr & MCR_RTS ? MSR_CTS : 0) | (u->mcr & MCR_DTR ? MSR_DSR : 0) |
           (u->mcr & MCR_OUT1 ? MSR_RI : 0) | (u->mcr & MCR_OUT2 ? MSR_DCD : 0);
}

static uint8_t iir(struct uart *u)
{
    uint8_t fifo = u->fifo ? IIR_FIFO : 0;

    if ( (u->ier & IER_ETBEI) && u->thre )
    {
        u->thre = false;
        return fifo | IIR_THRI;
    }

    return fifo | IIR_NONE;
}

uint8_t uart_read(struct uart *u, unsigned int off)
{
    bool dlab = u->lcr & LCR_DLAB;

    switch ( off )
    {
    case UART_RBR:
        return dlab ? u->dll : 0;
    case UART_IER:
        return dlab ? u->dlm : u->ier;
    case UART_IIR:
        return iir(u);
    case UART_LCR:
        return u->lcr;
    case UART_MCR:
        return u->mcr;
    case UART_LSR:
        return LSR_THRE | LSR_TEMT;
    case UART_MSR:
        return msr(u);
    default:
        return u->scr;
    }
}

void uart_write(struct uart *u, unsigned int off, uint8_t val, int *tx)
{
    bool dlab = u->lcr & LCR_DLAB;

    *tx = -1;
    switch ( off )
    {
    case UART_RBR:
        if ( dlab )
            u->dll = val;
        else
        {
            *tx = val;
            u->thre = true;         /* sent at once: empty again */
        }
        break;
    case UART_IER:
        if ( dlab )
            u->dlm = val;
        else
        {
            u->ier = val & 0x0f;
            u->thre = true;         /* ETBEI with THR empty: pending */
        }
        break;
    case UART_IIR:
        u->fifo = val & 1;
        break;
    case UART_LCR:
        u->lcr = val;
        break;
    case UART_MCR:
        u->mcr = val & 0x1f;
        break;
    case UART_SCR:
        u->scr = val;
        break;
    default:                        /* LSR, MSR: read-only */
        break;
    }
}

bool uart_irq(const struct uart *u)
{
    return (u->mcr & MCR_OUT2) && (u->ier & IER_ETBEI) && u->thre;
}
