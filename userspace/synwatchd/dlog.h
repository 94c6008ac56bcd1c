/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the daemon's own messages go: syslog(3) (journald picks it up),
 * or stderr when syslog is off or when running interactively. Like
 * syslog itself, this is process-wide.
 */
#ifndef SWD_DLOG_H
#define SWD_DLOG_H

#include <stdbool.h>
#include <syslog.h>

void dlog_setup(bool use_syslog, int facility, bool to_stderr);
void dlog(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
