/* The kernel clock discipline's state from adjtimex(2), read with modes = 0 so the clock is never changed. */
#ifndef VIGIL_SAMPLER_TIMEX_H
#define VIGIL_SAMPLER_TIMEX_H

/* Slots of the Float64Array timexRead() fills, in this order (src/sampler/native/timex.ts names them). */
enum {
  TX_STATE, /* adjtimex's return: TIME_OK 0 .. TIME_ERROR 5 */
  TX_OFFSET, TX_FREQ, TX_MAXERROR, TX_ESTERROR, TX_STATUS, TX_CONSTANT, TX_PRECISION, TX_TOLERANCE, TX_TICK,
  TX_PPSFREQ, TX_JITTER, TX_SHIFT, TX_STABIL, TX_JITCNT, TX_CALCNT, TX_ERRCNT, TX_STBCNT, TX_TAI,
  TX_N
};

/* Fills out[TX_N] with the raw fields (kernel units). Returns adjtimex's state (>= 0) or -errno. */
int timex_read(double *out);

#endif
