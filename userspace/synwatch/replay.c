// SPDX-License-Identifier: GPL-2.0
/*
 * synwatch replay: the module's engine over a capture file. Prints what
 * "monitor", "conns -e", "listeners" and "stats" would have shown on the
 * host the capture was taken on, with the same code and field names.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cfgkeys.h"
#include "fmt.h"
#include "names.h"
#include "render.h"
#include "replay.h"
#include "vec.h"

static const char usage[] =
	"Usage: synwatch replay [-l CIDR]... [-s LIST] [-e EVENTS] [-j]\n"
	"                       [--set KEY=VALUE]... FILE [FILTER...]\n"
	"\n"
	"Runs a pcap or pcapng capture (FILE, '-' for stdin) through the\n"
	"module's own state machine, record tracker, listener accounting and\n"
	"flood detector, timed by the capture's timestamps, and prints the\n"
	"events as 'synwatch monitor' does, then the connections left at the\n"
	"end as 'conns -e', the listeners and the counters, invalid packets\n"
	"by reason included. Link types: Ethernet (802.1Q/802.1ad tags, any\n"
	"depth), Linux cooked v1/v2, raw IPv4/IPv6, BSD loopback.\n"
	"\n"
	"Which side is local: the addresses given with -l; a connection\n"
	"between two local addresses is tracked from both ends, as the module\n"
	"does on one host. Without -l, the side that received a connection's\n"
	"first SYN; for a connection picked up mid-stream, the side with the\n"
	"lower port (the receiver of the first packet if the ports are equal).\n"
	"\n"
	"  -l, --local CIDR       the local host's addresses (may repeat)\n"
	"  -s, --show LIST        comma list of events conns listeners stats\n"
	"                         (default all of them)\n"
	"  -e, --events LIST      event types as for monitor -e (default all)\n"
	"  -j, --json             one JSON object per line: a \"replay\" header,\n"
	"                         the events as monitor -j, then {\"conns\":[...]},\n"
	"                         {\"listeners\":[...]}, {\"stats\":{...}} and a\n"
	"                         \"capture\" summary\n"
	"      --set KEY=VALUE    a timeout.* or flood.* key of 'synwatch config'\n"
	"                         instead of the module's default (may repeat)\n"
	"\n"
	"FILTER words are those of 'synwatch conns'; they select the connection\n"
	"events and the connections listed.\n";

enum { SHOW_EVENTS = 1, SHOW_CONNS = 2, SHOW_LISTENERS = 4, SHOW_STATS = 8 };

struct replay_out {
	bool json;
	unsigned int show;
	struct swl_json j;
};

static int parse_show(const char *list, unsigned int *show)
{
	static const char *const words[] = { "events", "conns", "listeners",
					     "stats" };
	char buf[256], *save = NULL;

	if (snprintf(buf, sizeof(buf), "%s", list) >= (int)sizeof(buf))
		return -1;
	*show = 0;
	for (char *w = strtok_r(buf, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		size_t i;

		if (!strcmp(w, "all")) {
			*show |= SHOW_EVENTS | SHOW_CONNS | SHOW_LISTENERS |
				 SHOW_STATS;
			continue;
		}
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (!strcmp(w, words[i]))
				break;
		if (i == sizeof(words) / sizeof(words[0]))
			return -1;
		*show |= 1U << i;
	}
	return *show ? 0 : -1;
}

/* A fresh writer per line: each JSON object stands alone, as monitor's. */
static struct swl_json *json_line(struct replay_out *o)
{
	swl_json_init(&o->j, stdout);
	return &o->j;
}

/* {"key": ... } on a line of its own */
static void json_begin(struct replay_out *o, const char *key)
{
	swl_json_obj_open(json_line(o));
	swl_json_key(&o->j, key);
}

static void json_end(struct replay_out *o)
{
	swl_json_obj_close(&o->j);
	fputc('\n', stdout);
}

static void on_event(const struct swl_event *ev, void *data)
{
	struct replay_out *o = data;

	if (!(o->show & SHOW_EVENTS))
		return;
	if (o->json)
		swl_json_event(json_line(o), ev);
	else
		swl_text_event(stdout, ev, true);
	fputc('\n', stdout);
}

static int collect_conn(const struct swl_conn *c, void *data)
{
	return swl_vec_push(data, c);
}

static int collect_listener(const struct swl_listener *l, void *data)
{
	return swl_vec_push(data, l);
}

/* "the receiver of each connection's first SYN" or the -l prefixes */
static void describe_local(const struct swl_prefix *local, unsigned int n,
			   struct replay_out *o)
{
	char b[SWL_FMT_LEN];

	if (o->json) {
		swl_json_key(&o->j, "local");
		swl_json_obj_open(&o->j);
		swl_json_kstr(&o->j, "rule", n ? "prefixes" : "first_syn_receiver");
		if (!n)
			swl_json_kstr(&o->j, "pickup_rule", "lower_port");
		swl_json_key(&o->j, "prefixes");
		swl_json_arr_open(&o->j);
		for (unsigned int i = 0; i < n; i++)
			swl_json_str(&o->j, swl_fmt_prefix(b, &local[i].addr,
							 local[i].len));
		swl_json_arr_close(&o->j);
		swl_json_obj_close(&o->j);
		return;
	}
	if (!n) {
		fputs("the receiver of each connection's first SYN (no -l given); for one picked up mid-stream, the side with the lower port",
		      stderr);
		return;
	}
	fputs("addresses in", stderr);
	for (unsigned int i = 0; i < n; i++)
		fprintf(stderr, "%s %s", i ? "," : "",
			swl_fmt_prefix(b, &local[i].addr, local[i].len));
}

static void print_header(const char *file, const char *link,
			 const struct swl_prefix *local, unsigned int n,
			 struct replay_out *o)
{
	if (o->json) {
		json_begin(o, "replay");
		swl_json_obj_open(&o->j);
		swl_json_kstr(&o->j, "file", file);
		swl_json_kstr(&o->j, "link_type", link);
		describe_local(local, n, o);
		swl_json_obj_close(&o->j);
		json_end(o);
		return;
	}
	fprintf(stderr, "%s replay: %s (%s): local side: ", swl_progname, file,
		link);
	describe_local(local, n, o);
	fputc('\n', stderr);
}

static void print_results(struct rp *rp, struct replay_out *o)
{
	struct swl_vec conns = SWL_VEC_INIT(struct swl_conn);
	struct swl_vec lsts = SWL_VEC_INIT(struct swl_listener);
	struct swl_stats st;

	if (o->show & SHOW_CONNS)
		rp_conns(rp, collect_conn, &conns);
	rp_listeners(rp, collect_listener, &lsts);
	rp_stats(rp, &st);
	if (o->json) {
		if (o->show & SHOW_CONNS) {
			json_begin(o, "conns");
			swl_json_arr_open(&o->j);
			for (size_t i = 0; i < conns.n; i++)
				swl_json_conn(&o->j, SWL_VEC_AT(&conns, struct swl_conn, i));
			swl_json_arr_close(&o->j);
			json_end(o);
		}
		if (o->show & SHOW_LISTENERS) {
			json_begin(o, "listeners");
			swl_json_arr_open(&o->j);
			for (size_t i = 0; i < lsts.n; i++)
				swl_json_listener(&o->j, SWL_VEC_AT(&lsts, struct swl_listener, i));
			swl_json_arr_close(&o->j);
			json_end(o);
		}
		if (o->show & SHOW_STATS) {
			json_begin(o, "stats");
			swl_json_stats(&o->j, &st);
			json_end(o);
		}
	} else {
		const char *sep = (o->show & SHOW_EVENTS) ? "\n" : "";

		if (o->show & SHOW_CONNS) {
			printf("%sConnections at the end of the capture:\n", sep);
			cli_print_conns(&conns, true);
			sep = "\n";
		}
		if (o->show & SHOW_LISTENERS) {
			printf("%sListeners:\n", sep);
			cli_print_listeners(&lsts);
			sep = "\n";
		}
		if (o->show & SHOW_STATS) {
			printf("%sCounters:\n", sep);
			cli_print_stats(&st);
		}
	}
	swl_vec_free(&conns);
	swl_vec_free(&lsts);
}

static void print_summary(struct rp *rp, bool truncated, struct replay_out *o)
{
	uint64_t span = rp_last_ns(rp) - rp_first_ns(rp);
	char b[SWL_FMT_LEN];

	if (o->json) {
		json_begin(o, "capture");
		swl_json_obj_open(&o->j);
		for (int c = 0; c < RP_COUNTER_MAX; c++)
			swl_json_ku64(&o->j, rp_counter_names[c], rp_count(rp, c));
		swl_json_ku64(&o->j, "first_ns", rp_first_ns(rp));
		swl_json_ku64(&o->j, "last_ns", rp_last_ns(rp));
		swl_json_kbool(&o->j, "truncated", truncated);
		swl_json_obj_close(&o->j);
		json_end(o);
		return;
	}
	fflush(stdout);
	fprintf(stderr, "%" PRIu64 " frames over %s, %" PRIu64 " TCP segments",
		rp_count(rp, RP_FRAMES), swl_fmt_duration_ms(b, span / 1000000),
		rp_count(rp, RP_TCP));
	for (int c = RP_NOT_IP; c < RP_COUNTER_MAX; c++)
		if (rp_count(rp, c))
			fprintf(stderr, ", %" PRIu64 " %s", rp_count(rp, c),
				rp_counter_names[c]);
	fputc('\n', stderr);
}

struct replay_args {
	struct swl_prefix local[RP_MAX_LOCAL];
	unsigned int nlocal;
	struct swl_config cfg;
	uint32_t event_mask;
	unsigned int show;
	struct swl_filter filter;
	const char *file;
};

static int parse_set(const char *arg, struct swl_config *cfg)
{
	const char *eq = strchr(arg, '=');
	char err[512];

	if (eq && (!strncmp(arg, "timeout.", 8) || !strncmp(arg, "flood.", 6))) {
		if (swl_cfg_parse_assignment(cfg, arg, err, sizeof(err)))
			return cli_usage_error("replay", "%s", err);
		return swl_cfg_check(NULL, cfg, err, sizeof(err)) ?
		       cli_usage_error("replay", "%s", err) : 0;
	}
	return cli_usage_error("replay", "--set takes a timeout.* or flood.* KEY=VALUE, not '%s'",
			       arg);
}

static int parse_args(int argc, char **argv, struct cli_globals *g,
		      struct replay_args *a)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "local", required_argument, NULL, 'l' },
		{ "show", required_argument, NULL, 's' },
		{ "events", required_argument, NULL, 'e' },
		{ "set", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	char err[512];
	int opt, ret;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_OPTS "l:s:e:",
				  longopts, NULL)) != -1) {
		if (cli_common_opt(opt, g, usage))
			continue;
		switch (opt) {
		case 'l':
			if (a->nlocal >= RP_MAX_LOCAL)
				return cli_usage_error("replay", "at most %d -l prefixes",
						       RP_MAX_LOCAL);
			if (swl_parse_prefix(optarg, &a->local[a->nlocal], err,
					    sizeof(err)))
				return cli_usage_error("replay", "%s", err);
			a->nlocal++;
			break;
		case 's':
			if (parse_show(optarg, &a->show))
				return cli_usage_error("replay", "bad --show list '%s' (events, conns, listeners, stats, all)",
						       optarg);
			break;
		case 'e':
			if (swl_event_mask_parse(optarg, &a->event_mask, err,
						sizeof(err)))
				return cli_usage_error("replay", "%s", err);
			if (!a->event_mask)
				return cli_usage_error("replay", "-e selects no event type");
			break;
		case 'S':
			ret = parse_set(optarg, &a->cfg);
			if (ret)
				return ret;
			break;
		default:
			return cli_bad_option("replay");
		}
	}
	if (g->netns)
		return cli_usage_error("replay", "-N has no meaning for a capture file");
	if (optind >= argc)
		return cli_usage_error("replay", "which capture file?");
	a->file = argv[optind++];
	return cli_parse_filter("replay", &a->filter, argc, argv);
}

int cmd_replay(const struct cli_globals *gin, int argc, char **argv)
{
	struct cli_globals g = *gin;
	struct replay_args a = { .show = SHOW_EVENTS | SHOW_CONNS |
					 SHOW_LISTENERS | SHOW_STATS };
	struct replay_out o = { 0 };
	struct rp_opts ro = { 0 };
	struct rp_pcap f;
	char err[1024];
	struct rp *rp;
	int ret;

	swl_filter_init(&a.filter);
	ret = parse_args(argc, argv, &g, &a);
	if (ret)
		return ret;
	o.json = g.json;
	o.show = a.show;
	swl_json_init(&o.j, stdout);
	ro.local = a.local;
	ro.nlocal = a.nlocal;
	ro.cfg = &a.cfg;
	ro.event_mask = a.event_mask;
	ro.filter = swl_filter_has_conditions(&a.filter) ? &a.filter : NULL;
	/* like the module, build no event that nobody reads */
	ro.on_event = (a.show & SHOW_EVENTS) ? on_event : NULL;
	ro.data = &o;
	rp = rp_new(&ro);
	if (!rp) {
		swl_warn("out of memory");
		return SWL_EXIT_FAIL;
	}
	if (rp_pcap_open(&f, rp, a.file, err, sizeof(err))) {
		swl_warn("%s", err);
		rp_free(rp);
		return SWL_EXIT_USAGE;
	}
	print_header(a.file, f.link, a.local, a.nlocal, &o);
	ret = rp_pcap_run(&f, rp, err, sizeof(err));
	if (ret)
		swl_warn("%s: %s; what was read is replayed", a.file, err);
	print_results(rp, &o);
	print_summary(rp, ret > 0, &o);
	fflush(stdout);
	rp_free(rp);
	return SWL_EXIT_OK;
}
