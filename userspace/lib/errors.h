/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit codes, and the one place that turns an errno into a message with a
 * hint and an exit code, so that every command fails the same way.
 */
#ifndef SWL_ERRORS_H
#define SWL_ERRORS_H

#include <stdarg.h>
#include <stddef.h>

enum swl_exit {
	SWL_EXIT_OK = 0,
	SWL_EXIT_USAGE = 1,	/* bad arguments or values */
	SWL_EXIT_NOMODULE = 2,	/* genl family not found */
	SWL_EXIT_PERM = 3,	/* EPERM/EACCES from the kernel */
	SWL_EXIT_FAIL = 4,	/* anything else went wrong */
};

struct swl_nl;

/* The program name used in messages ("synwatch", "synwatchd"). */
extern const char *swl_progname;

/* "prog: message" on stderr. */
void swl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reports a failed swl_nl_open() (err < 0) and returns the exit code. */
int swl_open_error(int err);

/*
 * Reports a failed request: what (e.g. "reading statistics"), the negative
 * errno and the kernel's extack message if nl has one; returns the exit
 * code.
 */
int swl_request_error(const struct swl_nl *nl, const char *what, int err);

/*
 * Formats a message for the user into err (parsers report this way, so
 * that callers decide where it goes) and returns -1.
 */
int swl_errbuf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* errno -> exit code, for callers that word their own message */
int swl_exit_code(int err);

#endif
