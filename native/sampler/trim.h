/* Unmaps the process's clean, read-only file pages (the node binary's, the libraries') and trims malloc:
 * see trim.c. */
#ifndef VIGIL_SAMPLER_TRIM_H
#define VIGIL_SAMPLER_TRIM_H

/* Slots of the Float64Array trimFilePages() fills. */
enum {
  TRIM_MAPPINGS, /* mappings released */
  TRIM_KB,       /* their resident kB before the release (smaps Rss) */
  TRIM_SKIPPED,  /* read-only file mappings left alone because they hold private (copied) pages */
  TRIM_N
};

/* Returns 0 or -errno (smaps unreadable); fills out[TRIM_N]. */
int trim_file_pages(double *out);

#endif
