// SPDX-License-Identifier: GPL-2.0
/* synwatch stats [reset]: SYNWATCH_CMD_GET_STATS / RESET_STATS */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"
#include "names.h"
#include "render.h"
#include "requests.h"

static const char usage[] =
	"Usage: synwatch stats [-j] [-N NETNS] [--reset | reset]\n"
	"\n"
	"Shows the module's counters for the network namespace: packets,\n"
	"connections, retransmits, table fill and memory, failures, events\n"
	"and invalid packets by reason. Per-CPU counters are summed.\n"
	"\n"
	"  -j, --json         one JSON object\n"
	"  -N, --netns NAME   the counters of network namespace NAME\n"
	"  -r, --reset, reset zero the namespace's counters (needs CAP_NET_ADMIN)\n";

struct item {
	const char *label;
	unsigned int attr;
};

#define MAX_ITEMS 6
struct stats_row {
	const char *title;
	struct item items[MAX_ITEMS];
};

/* The text layout: one line per topic. */
static const struct stats_row rows[] = {
	{ "packets", { { "in", SYNWATCH_A_STATS_PKTS_IN },
		       { "out", SYNWATCH_A_STATS_PKTS_OUT },
		       { "forwarded", SYNWATCH_A_STATS_PKTS_FWD },
		       { "untracked", SYNWATCH_A_STATS_UNTRACKED } } },
	{ "connections", { { "new", SYNWATCH_A_STATS_CONN_NEW },
			   { "destroyed", SYNWATCH_A_STATS_CONN_DESTROY },
			   { "expired", SYNWATCH_A_STATS_EXPIRED },
			   { "picked-up", SYNWATCH_A_STATS_PICKUP },
			   { "state-changes", SYNWATCH_A_STATS_STATE_CHANGES } } },
	{ "retransmits", { { "syn", SYNWATCH_A_STATS_RTX_SYN },
			   { "syn-ack", SYNWATCH_A_STATS_RTX_SYNACK },
			   { "fin", SYNWATCH_A_STATS_RTX_FIN } } },
	{ "failures", { { "evicted", SYNWATCH_A_STATS_EVICT },
			{ "insert-failed", SYNWATCH_A_STATS_INSERT_FAILED },
			{ "lookup-restarts", SYNWATCH_A_STATS_SEARCH_RESTART } } },
	{ "events", { { "sent", SYNWATCH_A_STATS_EVENTS_SENT },
		      { "dropped", SYNWATCH_A_STATS_EVENT_DROP },
		      { "suppressed", SYNWATCH_A_STATS_EVENT_SUPPRESSED },
		      { "flood-alerts", SYNWATCH_A_STATS_ALERTS } } },
};

static void print_value(const struct swl_stats *st, unsigned int attr)
{
	if (SWL_HAS(st, attr))
		printf("%" PRIu64, st->val[attr]);
	else
		fputs("-", stdout);
}

static void print_table(const struct swl_stats *st)
{
	char b1[SWL_FMT_LEN], b2[SWL_FMT_LEN];
	uint64_t count = st->val[SYNWATCH_A_STATS_CONN_COUNT_TOTAL];
	uint64_t max = st->val[SYNWATCH_A_STATS_CONN_MAX];

	printf("%-12s ", "table");
	print_value(st, SYNWATCH_A_STATS_CONN_COUNT_TOTAL);
	fputs("/", stdout);
	print_value(st, SYNWATCH_A_STATS_CONN_MAX);
	if (max)
		printf(" (%.1f%%)", 100.0 * (double)count / (double)max);
	fputs("  this-netns ", stdout);
	print_value(st, SYNWATCH_A_STATS_CONN_COUNT);
	fputs("  listeners ", stdout);
	print_value(st, SYNWATCH_A_STATS_LISTENERS);
	fputs("\n", stdout);
	printf("%-12s %s in use  %s per record  ", "memory",
	       swl_fmt_bytes(b1, st->val[SYNWATCH_A_STATS_MEM_BYTES]),
	       swl_fmt_bytes(b2, st->val[SYNWATCH_A_STATS_OBJ_SIZE]));
	print_value(st, SYNWATCH_A_STATS_HASH_SIZE);
	fputs(" buckets\n", stdout);
}

void cli_print_stats(const struct swl_stats *st)
{
	uint64_t total = 0;

	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		printf("%-12s", rows[r].title);
		for (const struct item *it = rows[r].items;
		     it < rows[r].items + MAX_ITEMS && it->label; it++) {
			printf(" %s ", it->label);
			print_value(st, it->attr);
		}
		fputs("\n", stdout);
		if (r == 0)
			print_table(st);
	}
	for (unsigned int i = 1; i <= SYNWATCH_INVALID_MAX; i++)
		total += st->invalid[i];
	printf("%-12s %" PRIu64 "\n", "invalid", total);
	for (unsigned int i = 1; i <= SYNWATCH_INVALID_MAX; i++)
		printf("  %-16s %-26s %" PRIu64 "\n", swl_invalid_names[i].keyword,
		       swl_invalid_names[i].label, st->invalid[i]);
}

static int do_reset(struct swl_nl *nl, const struct cli_globals *g)
{
	int err = swl_reset_stats(nl);

	if (err)
		return swl_request_error(nl, "resetting statistics", err);
	if (g->json)
		printf("{\"reset\":true}\n");
	else
		fprintf(stderr, "statistics reset\n");
	return SWL_EXIT_OK;
}

int cmd_stats(const struct cli_globals *gin, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "reset", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_globals g = *gin;
	struct swl_stats st = { 0 };
	struct swl_nl nl;
	bool reset = false;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_OPTS "r", longopts,
				  NULL)) != -1) {
		if (cli_common_opt(opt, &g, usage))
			continue;
		if (opt == 'r')
			reset = true;
		else
			return cli_bad_option("stats");
	}
	for (; optind < argc; optind++) {
		if (strcmp(argv[optind], "reset"))
			return cli_usage_error("stats", "unexpected argument '%s'",
					       argv[optind]);
		reset = true;
	}
	ret = cli_open(&nl, &g, true);
	if (ret)
		return ret;
	if (reset) {
		ret = do_reset(&nl, &g);
		swl_nl_close(&nl);
		return ret;
	}
	ret = swl_get_stats(&nl, &st);
	if (ret) {
		ret = swl_request_error(&nl, "reading statistics", ret);
		swl_nl_close(&nl);
		return ret;
	}
	swl_nl_close(&nl);
	if (g.json) {
		struct swl_json j;

		swl_json_init(&j, stdout);
		swl_json_stats(&j, &st);
		fputs("\n", stdout);
	} else {
		cli_print_stats(&st);
	}
	return SWL_EXIT_OK;
}
