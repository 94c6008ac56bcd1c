// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "nl.h"
#include "records.h"

const char *swl_progname = "synwatch";

static void vwarn(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", swl_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void swl_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

int swl_exit_code(int err)
{
	if (err < 0)
		err = -err;
	if (err == EPERM || err == EACCES)
		return SWL_EXIT_PERM;
	return SWL_EXIT_FAIL;
}

static void perm_hint(void)
{
	fprintf(stderr, "hint: needs CAP_NET_ADMIN in the network namespace; try sudo\n");
}

int swl_open_error(int err)
{
	if (err == -ENOENT) {
		swl_warn("the synwatch module is not loaded (generic netlink family \"%s\" not found)",
			SYNWATCH_GENL_NAME);
		fprintf(stderr, "hint: run: modprobe synwatch\n");
		return SWL_EXIT_NOMODULE;
	}
	swl_warn("cannot open a generic netlink socket: %s", strerror(-err));
	if (err == -EPERM || err == -EACCES)
		perm_hint();
	return swl_exit_code(err);
}

int swl_request_error(const struct swl_nl *nl, const char *what, int err)
{
	const char *ext = nl && nl->ext_msg[0] ? nl->ext_msg : NULL;

	/* our decoder refused the reply: say what it found */
	if (err == -EBADMSG && !ext)
		ext = swl_decode_error();

	swl_warn("%s: %s%s%s", what, strerror(-err), ext ? ": " : "",
		ext ? ext : "");
	if (err == -EPERM || err == -EACCES)
		perm_hint();
	return swl_exit_code(err);
}

int swl_errbuf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
