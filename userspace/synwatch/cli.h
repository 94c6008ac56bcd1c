/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the subcommands of the synwatch CLI; one file per command. */
#ifndef SW_CLI_H
#define SW_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "errors.h"
#include "filter.h"
#include "json.h"
#include "nl.h"

/* Options given before the command: "synwatch -j -N ns1 conns". */
struct cli_globals {
	bool json;
	const char *netns;
};

struct cli_cmd {
	const char *name;
	int (*fn)(const struct cli_globals *g, int argc, char **argv);
	const char *description;
};

int cmd_stats(const struct cli_globals *g, int argc, char **argv);
int cmd_conns(const struct cli_globals *g, int argc, char **argv);
int cmd_listeners(const struct cli_globals *g, int argc, char **argv);
int cmd_config(const struct cli_globals *g, int argc, char **argv);
int cmd_flush(const struct cli_globals *g, int argc, char **argv);
int cmd_monitor(const struct cli_globals *g, int argc, char **argv);
int cmd_top(const struct cli_globals *g, int argc, char **argv);
int cmd_replay(const struct cli_globals *g, int argc, char **argv);

/* The text tables of conns (-e: extended), listeners and stats, shared
 * with replay, which prints the same records from a capture. */
struct swl_vec;
void cli_print_conns(const struct swl_vec *vec, bool extended);
void cli_print_listeners(const struct swl_vec *ll);
void cli_print_stats(const struct swl_stats *st);

/* The options every command takes, for getopt_long tables. */
#define CLI_COMMON_OPTS "hjN:"
#define CLI_COMMON_LONGOPTS					\
	{ "help", no_argument, NULL, 'h' },			\
	{ "json", no_argument, NULL, 'j' },			\
	{ "netns", required_argument, NULL, 'N' }

/*
 * Handles a common option; returns 1 if it was one, 0 if not, and for
 * -h prints usage and exits 0.
 */
int cli_common_opt(int opt, struct cli_globals *g, const char *usage);

/* Prints the usage error, the "--help" pointer, returns SWL_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* After getopt's own message about a bad option: the pointer to --help. */
int cli_bad_option(const char *cmd);

/* setns() into g->netns, if given; 0 or an exit code, reported. */
int cli_enter_netns(const struct cli_globals *g);

/*
 * Opens the session, first entering g->netns if enter_netns (commands
 * without a netns attribute in their requests). Returns 0 or an exit
 * code, the error already reported.
 */
int cli_open(struct swl_nl *nl, const struct cli_globals *g, bool enter_netns);

/*
 * Puts the named netns into a filter as SYNWATCH_A_FILTER_NETNS_FD.
 * Returns 0 or an exit code, the error already reported.
 */
int cli_filter_netns(struct swl_filter *f, const struct cli_globals *g);

/* -4 / -6: 1 if handled, 0 if not one of them, -1 on a conflict. */
int cli_family_opt(int opt, struct swl_filter *f);

/*
 * Parses the filter words left in argv[optind..]; returns 0 or
 * an exit code.
 */
int cli_parse_filter(const char *cmd, struct swl_filter *f, int argc,
		     char **argv);

#endif
