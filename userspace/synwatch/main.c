// SPDX-License-Identifier: GPL-2.0
/*
 * synwatch: show and control the synwatch module's TCP state tracking.
 * This file only dispatches: each subcommand lives in its own file, and
 * the usage text is generated from the table below.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int cmd_help(const struct cli_globals *g, int argc, char **argv);

static const struct cli_cmd commands[] = {
	{ "stats", cmd_stats, "show the module's counters (or reset them)" },
	{ "conns", cmd_conns, "list tracked connections, filtered in the kernel" },
	{ "listeners", cmd_listeners, "show per-listener SYN statistics and flood status" },
	{ "monitor", cmd_monitor, "print connection events and alerts as they happen" },
	{ "top", cmd_top, "full-screen live view of listeners, states and alerts" },
	{ "config", cmd_config, "show or change timeouts, event mask and flood thresholds" },
	{ "flush", cmd_flush, "remove tracked connections" },
	{ "replay", cmd_replay, "run a pcap/pcapng capture through the engine, offline" },
	{ "help", cmd_help, "show this help, or a command's help" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [-j] [-N NETNS] COMMAND [ARGS...]\n\n"
		"Commands:\n", swl_progname);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].description);
	fprintf(f, "\nOptions (also accepted after COMMAND):\n"
		"  -j, --json         JSON output\n"
		"  -N, --netns NAME   work in network namespace NAME\n"
		"  -h, --help         this help; COMMAND --help for a command's\n"
		"\nExit status: 0 success, 1 usage error, 2 module not loaded,\n"
		"3 permission denied, 4 other failure.\n");
}

static const struct cli_cmd *find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* "synwatch help conns" is "synwatch conns --help". */
static int cmd_help(const struct cli_globals *g, int argc, char **argv)
{
	const struct cli_cmd *c;
	char *help_argv[] = { NULL, "--help", NULL };

	if (argc < 2) {
		usage(stdout);
		return SWL_EXIT_OK;
	}
	c = find(argv[1]);
	if (!c || c->fn == cmd_help)
		return cli_usage_error(NULL, "no such command: '%s'", argv[1]);
	help_argv[0] = (char *)c->name;
	return c->fn(g, 2, help_argv);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static char cmdname[64];
	struct cli_globals g = { 0 };
	const struct cli_cmd *c;
	int opt;

	/* '+': stop at the command name; the rest is the command's. */
	while ((opt = getopt_long(argc, argv, "+" CLI_COMMON_OPTS, longopts,
				  NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return SWL_EXIT_OK;
		}
		if (!cli_common_opt(opt, &g, "")) {
			usage(stderr);
			return SWL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return SWL_EXIT_USAGE;
	}
	c = find(argv[optind]);
	if (!c)
		return cli_usage_error(NULL, "unknown command '%s'",
				       argv[optind]);
	argc -= optind;
	argv += optind;
	/* getopt names argv[0] in its messages: "synwatch conns: ..." */
	snprintf(cmdname, sizeof(cmdname), "%s %s", swl_progname, c->name);
	argv[0] = cmdname;
	optind = 0;	/* full getopt reset for the command's own parsing */
	return c->fn(&g, argc, argv);
}
