// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

#include "dlog.h"

static bool log_syslog;
static bool log_stderr = true;

void dlog_setup(bool use_syslog, int facility, bool to_stderr)
{
	if (log_syslog)
		closelog();
	log_syslog = use_syslog;
	log_stderr = to_stderr || !use_syslog;
	if (use_syslog)
		openlog("synwatchd", LOG_PID | LOG_NDELAY, facility);
}

void dlog(int prio, const char *fmt, ...)
{
	va_list ap;

	if (log_syslog) {
		va_start(ap, fmt);
		vsyslog(prio, fmt, ap);
		va_end(ap);
	}
	if (log_stderr) {
		va_start(ap, fmt);
		/* sd-daemon style prefix: journald keeps the priority */
		fprintf(stderr, "<%d>synwatchd: ", prio & LOG_PRIMASK);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
}
