// SPDX-License-Identifier: GPL-2.0
/* synwatch flush: SYNWATCH_CMD_FLUSH, optionally filtered. */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "requests.h"

static const char usage[] =
	"Usage: synwatch flush [-4|-6] [-j] [-N NETNS] [FILTER...]\n"
	"\n"
	"Removes tracked connections (each one gets a DESTROY event with reason\n"
	"flush) and, without a filter, the listener records too. Needs\n"
	"CAP_NET_ADMIN. FILTER is as for 'synwatch conns' (see its --help):\n"
	"state, exclude, sport, dport, src, dst.\n"
	"\n"
	"  -4, -6             IPv4 or IPv6 only\n"
	"  -j, --json         print {\"flushed\":true} on success\n"
	"  -N, --netns NAME   flush in network namespace NAME\n";

int cmd_flush(const struct cli_globals *gin, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_globals g = *gin;
	struct swl_filter f;
	struct swl_nl nl;
	int opt, ret;

	swl_filter_init(&f);
	while ((opt = getopt_long(argc, argv, CLI_COMMON_OPTS "46", longopts,
				  NULL)) != -1) {
		if (cli_common_opt(opt, &g, usage))
			continue;
		ret = cli_family_opt(opt, &f);
		if (ret < 0)
			return cli_usage_error("flush", "-4 and -6 conflict with each other or with an address");
		if (!ret)
			return cli_bad_option("flush");
	}
	ret = cli_parse_filter("flush", &f, argc, argv);
	/* FLUSH acts on the caller's netns (the kernel rejects NETNS_FD) */
	if (!ret)
		ret = cli_open(&nl, &g, true);
	if (ret)
		goto out;
	ret = swl_flush(&nl, &f);
	if (ret)
		ret = swl_request_error(&nl, "flushing", ret);
	else if (g.json)
		printf("{\"flushed\":true}\n");
	else
		fprintf(stderr, "%s flushed\n", swl_filter_has_conditions(&f) ?
			"matching connections" : "connection table");
	swl_nl_close(&nl);
out:
	if (f.netns_fd >= 0)
		close(f.netns_fd);
	return ret;
}
