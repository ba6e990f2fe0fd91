/*
 * adjtimex(2) with modes = 0: a pure read of the kernel's NTP state (offset, frequency, error bounds,
 * status bits, PPS counters, TAI offset). Any user may make it; only modes != 0 needs CAP_SYS_TIME, so
 * this call can never step or slew the clock. Units are left as the kernel gives them (offset and jitter in
 * us or ns by STA_NANO, freq/ppsfreq/stabil in 2^-16 ppm): the TypeScript side converts, as node_exporter does.
 */
#include <errno.h>
#include <string.h>
#include <sys/timex.h>
#include "timex.h"

int timex_read(double *out) {
  struct timex tx;
  memset(&tx, 0, sizeof tx); /* modes = 0: read only */
  int state = adjtimex(&tx);
  if (state < 0) return -errno;
  out[TX_STATE] = state;
  out[TX_OFFSET] = (double)tx.offset;
  out[TX_FREQ] = (double)tx.freq;
  out[TX_MAXERROR] = (double)tx.maxerror;
  out[TX_ESTERROR] = (double)tx.esterror;
  out[TX_STATUS] = (double)tx.status;
  out[TX_CONSTANT] = (double)tx.constant;
  out[TX_PRECISION] = (double)tx.precision;
  out[TX_TOLERANCE] = (double)tx.tolerance;
  out[TX_TICK] = (double)tx.tick;
  out[TX_PPSFREQ] = (double)tx.ppsfreq;
  out[TX_JITTER] = (double)tx.jitter;
  out[TX_SHIFT] = (double)tx.shift;
  out[TX_STABIL] = (double)tx.stabil;
  out[TX_JITCNT] = (double)tx.jitcnt;
  out[TX_CALCNT] = (double)tx.calcnt;
  out[TX_ERRCNT] = (double)tx.errcnt;
  out[TX_STBCNT] = (double)tx.stbcnt;
  out[TX_TAI] = (double)tx.tai;
  return state;
}
