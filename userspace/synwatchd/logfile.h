/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The JSON-lines event log with size-based rotation.
 *
 * Lines are never lost or torn: each goes out in one write(2) to an
 * O_APPEND fd (a short write is cut back off with ftruncate), and
 * rotation (rename file -> file.1 -> ... -> file.KEEP, then reopen)
 * happens only between lines, before a line that would not fit.
 */
#ifndef SWD_LOGFILE_H
#define SWD_LOGFILE_H

#include <stddef.h>
#include <stdint.h>

struct logfile {
	char *path;
	int fd;
	uint64_t size;
	uint64_t max_bytes;
	unsigned int keep;
	uint64_t rotations;
};

/* 0 or a negative errno. */
int logfile_open(struct logfile *lf, const char *path, uint64_t max_bytes,
		 unsigned int keep);

/* line must end with '\n'. 0 or a negative errno (nothing written). */
int logfile_write(struct logfile *lf, const char *line, size_t len);

/* Renames the generations and starts a new file; 0 or a negative errno. */
int logfile_rotate(struct logfile *lf);

/* Reopens the same path (after logrotate moved it away, on SIGHUP). */
int logfile_reopen(struct logfile *lf);

void logfile_close(struct logfile *lf);

#endif
