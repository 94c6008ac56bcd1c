// SPDX-License-Identifier: GPL-2.0
/* Helpers every subcommand uses: common options, opening, filters. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "netns.h"

int cli_common_opt(int opt, struct cli_globals *g, const char *usage)
{
	switch (opt) {
	case 'h':
		fputs(usage, stdout);
		exit(SWL_EXIT_OK);
	case 'j':
		g->json = true;
		return 1;
	case 'N':
		g->netns = optarg;
		return 1;
	}
	return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", swl_progname);
	if (cmd)
		fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s%s%s --help'.\n", swl_progname,
		cmd ? " " : "", cmd ? cmd : "");
	return SWL_EXIT_USAGE;
}

int cli_bad_option(const char *cmd)
{
	fprintf(stderr, "Try '%s %s --help'.\n", swl_progname, cmd);
	return SWL_EXIT_USAGE;
}

static int netns_error(const char *name, int err)
{
	swl_warn("network namespace '%s': %s", name, strerror(-err));
	if (err == -EPERM)
		fprintf(stderr, "hint: entering a netns needs CAP_SYS_ADMIN; try sudo\n");
	return err == -ENOENT ? SWL_EXIT_USAGE : swl_exit_code(err);
}

int cli_enter_netns(const struct cli_globals *g)
{
	int err = g->netns ? swl_netns_enter(g->netns) : 0;

	return err ? netns_error(g->netns, err) : 0;
}

int cli_open(struct swl_nl *nl, const struct cli_globals *g, bool enter_netns)
{
	int err;

	if (enter_netns && (err = cli_enter_netns(g)))
		return err;
	err = swl_nl_open(nl);
	return err ? swl_open_error(err) : 0;
}

int cli_filter_netns(struct swl_filter *f, const struct cli_globals *g)
{
	int fd;

	if (!g->netns)
		return 0;
	fd = swl_netns_open(g->netns);
	if (fd < 0)
		return netns_error(g->netns, fd);
	f->netns_fd = fd;
	return 0;
}

int cli_family_opt(int opt, struct swl_filter *f)
{
	char err[128];

	if (opt != '4' && opt != '6')
		return 0;
	if (swl_filter_set_family(f, opt == '4' ? AF_INET : AF_INET6, err,
				 sizeof(err)))
		return -1;
	return 1;
}

int cli_parse_filter(const char *cmd, struct swl_filter *f, int argc,
		     char **argv)
{
	char err[512];

	if (swl_filter_parse(f, argc - optind, argv + optind, err, sizeof(err)))
		return cli_usage_error(cmd, "%s", err);
	return 0;
}
