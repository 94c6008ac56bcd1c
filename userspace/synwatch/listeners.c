// SPDX-License-Identifier: GPL-2.0
/* synwatch listeners: per-listener SYN statistics (GET_LISTENER dump). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"
#include "names.h"
#include "render.h"
#include "requests.h"
#include "vec.h"

static const char usage[] =
	"Usage: synwatch listeners [-j] [-N NETNS]\n"
	"\n"
	"Shows each listener (local address and port) that has seen a SYN:\n"
	"  SYN        SYNs received          SYN-ACK    SYN-ACKs sent\n"
	"  Done       handshakes completed   Reset      handshakes reset\n"
	"  Half-open  half-open now          Unans      SYNs never answered\n"
	"  Cookie     completed by SYN cookie\n"
	"  Rate/s     SYN rate (EWMA ~1 s)   Compl%     completed per SYN, recent\n"
	"  Status     ok, FLOOD (half-open SYN flood) or backlog-full (SYNs\n"
	"             unanswered but from few sources: the server is slow)\n"
	"\n"
	"  -j, --json         one JSON array\n"
	"  -N, --netns NAME   listeners of network namespace NAME\n";

static int collect(const struct swl_listener *l, void *data)
{
	return swl_vec_push(data, l);
}

void cli_print_listeners(const struct swl_vec *ll)
{
	const struct swl_listener *v = ll->v;
	char b[SWL_FMT_LEN];
	int w = 8;

	for (size_t i = 0; i < ll->n; i++) {
		int n = (int)strlen(swl_fmt_endpoint(b, &v[i].addr, v[i].port));

		w = n > w ? n : w;
	}
	printf("%-*s %9s %9s %9s %7s %9s %7s %7s %7s %6s %s\n", w, "Listener",
	       "SYN", "SYN-ACK", "Done", "Reset", "Half-open", "Unans",
	       "Cookie", "Rate/s", "Compl%", "Status");
	for (size_t i = 0; i < ll->n; i++) {
		const struct swl_listener *l = &v[i];

		printf("%-*s %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %7" PRIu64
		       " %9" PRIu32 " %7" PRIu64 " %7" PRIu64 " %7" PRIu32
		       " %5u%% %s\n", w, swl_fmt_endpoint(b, &l->addr, l->port),
		       l->syn_rx, l->synack_tx, l->completed, l->reset,
		       l->half_open, l->unanswered, l->cookie_completed,
		       l->syn_rate, l->completion_pct,
		       SWL_NAME(swl_listener_status_names, l->status)->label);
	}
}

int cmd_listeners(const struct cli_globals *gin, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_globals g = *gin;
	struct swl_vec ll = SWL_VEC_INIT(struct swl_listener);
	struct swl_nl nl;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_OPTS, longopts,
				  NULL)) != -1)
		if (!cli_common_opt(opt, &g, usage))
			return cli_bad_option("listeners");
	if (optind < argc)
		return cli_usage_error("listeners", "unexpected argument '%s'",
				       argv[optind]);
	ret = cli_open(&nl, &g, true);
	if (ret)
		return ret;
	ret = swl_dump_listeners(&nl, collect, &ll);
	if (ret)
		ret = swl_request_error(&nl, "listing listeners", ret);
	swl_nl_close(&nl);
	if (ret) {
		swl_vec_free(&ll);
		return ret;
	}
	if (g.json) {
		struct swl_json j;

		swl_json_init(&j, stdout);
		swl_json_arr_open(&j);
		for (size_t i = 0; i < ll.n; i++)
			swl_json_listener(&j, SWL_VEC_AT(&ll, struct swl_listener, i));
		swl_json_arr_close(&j);
		fputs("\n", stdout);
	} else {
		cli_print_listeners(&ll);
	}
	fflush(stdout);
	fprintf(stderr, "%zu listeners\n", ll.n);
	swl_vec_free(&ll);
	return SWL_EXIT_OK;
}
