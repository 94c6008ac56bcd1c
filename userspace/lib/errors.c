// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "nl.h"
#include "records.h"

const char *sw_progname = "synwatch";

static void vwarn(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", sw_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void sw_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

int sw_exit_code(int err)
{
	if (err < 0)
		err = -err;
	if (err == EPERM || err == EACCES)
		return SW_EXIT_PERM;
	return SW_EXIT_FAIL;
}

static void perm_hint(void)
{
	fprintf(stderr, "hint: needs CAP_NET_ADMIN in the network namespace; try sudo\n");
}

int sw_open_error(int err)
{
	if (err == -ENOENT) {
		sw_warn("the synwatch module is not loaded (generic netlink family \"%s\" not found)",
			SYNWATCH_GENL_NAME);
		fprintf(stderr, "hint: run: modprobe synwatch\n");
		return SW_EXIT_NOMODULE;
	}
	sw_warn("cannot open a generic netlink socket: %s", strerror(-err));
	if (err == -EPERM || err == -EACCES)
		perm_hint();
	return sw_exit_code(err);
}

int sw_request_error(const struct sw_nl *nl, const char *what, int err)
{
	const char *ext = nl && nl->ext_msg[0] ? nl->ext_msg : NULL;

	/* our decoder refused the reply: say what it found */
	if (err == -EBADMSG && !ext)
		ext = sw_decode_error();

	sw_warn("%s: %s%s%s", what, strerror(-err), ext ? ": " : "",
		ext ? ext : "");
	if (err == -EPERM || err == -EACCES)
		perm_hint();
	return sw_exit_code(err);
}

int sw_errbuf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
