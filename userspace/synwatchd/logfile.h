/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The JSON-lines event log with size-based rotation.
 *
 * Lines are never lost or torn: each goes out in one write(2) to an
 * O_APPEND fd (a short write is cut back off with ftruncate), and
 * rotation (rename file -> file.1 -> ... -> file.KEEP, then reopen)
 * happens only between lines, before a line that would not fit.
 *
 * logfile_append() gathers lines in memory, to go out together with
 * logfile_flush() (synwatchd flushes after each read of the event socket,
 * before it waits again): the same file contents as logfile_write() line
 * by line, in one write(2) instead of one a line.
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
	char *pend;		/* appended lines not yet written */
	size_t pend_len, pend_cap;
};

/* 0 or a negative errno. */
int logfile_open(struct logfile *lf, const char *path, uint64_t max_bytes,
		 unsigned int keep);

/* line must end with '\n'. 0 or a negative errno (nothing written). */
int logfile_write(struct logfile *lf, const char *line, size_t len);

/*
 * Adds a line (ending with '\n') to what logfile_flush() writes; first
 * flushes and rotates, if the file would grow past max_bytes with it. 0 or
 * a negative errno: the lines pending then are lost, as logfile_write()
 * would have lost them.
 */
int logfile_append(struct logfile *lf, const char *line, size_t len);

/* Writes the pending lines (whole lines, or none); 0 or a negative errno. */
int logfile_flush(struct logfile *lf);

/* Renames the generations and starts a new file; 0 or a negative errno. */
int logfile_rotate(struct logfile *lf);

/* Reopens the same path (after logrotate moved it away, on SIGHUP). */
int logfile_reopen(struct logfile *lf);

/* Flushes first. */
void logfile_close(struct logfile *lf);

#endif
