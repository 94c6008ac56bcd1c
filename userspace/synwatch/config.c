// SPDX-License-Identifier: GPL-2.0
/* synwatch config get|set: SYNWATCH_CMD_GET_CONFIG / SET_CONFIG */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cfgkeys.h"
#include "cli.h"
#include "names.h"
#include "requests.h"

static const char usage[] =
	"Usage: synwatch config [get [KEY...]] [-j] [-N NETNS]\n"
	"       synwatch config set KEY=VALUE [KEY=VALUE...] [-N NETNS]\n"
	"\n"
	"Shows or changes the module's settings for the network namespace.\n"
	"'get' prints \"KEY = VALUE\" lines, or the bare value for a single KEY.\n"
	"'set' needs CAP_NET_ADMIN; all values are checked before anything is\n"
	"sent, and the kernel applies all of them or none.\n"
	"\n"
	"Keys:\n"
	"  timeout.STATE         seconds (suffix s, m, h, d), 1s-30d; STATE is\n"
	"                        listen syn_sent syn_recv established fin_wait_1\n"
	"                        fin_wait_2 close_wait closing last_ack time_wait\n"
	"  event_mask            event types sent to the multicast groups: a comma\n"
	"                        list of new state destroy flood-start flood-update\n"
	"                        flood-end, or conn, alert, all, none\n"
	"  max_conns             this netns' share of the table, 0 = no limit\n"
	"  max_conns_global      the module parameter (read-only)\n"
	"  flood.half_open_high  half-open connections that start a flood alert\n"
	"  flood.half_open_low   ... under which it may end (<= high)\n"
	"  flood.rate_high       SYNs/s that start a flood alert\n"
	"  flood.rate_low        ... under which it may end (<= high)\n"
	"  flood.completion_pct  the rate test counts only below this, 0-100\n"
	"  flood.hold_ms         time under the low marks before the end (ms,\n"
	"                        suffix ms, s, m, h)\n"
	"  flood.update_ms       period of flood-update events\n"
	"\n"
	"  -j, --json            one JSON object (timeout and flood as objects)\n"
	"  -N, --netns NAME      settings of network namespace NAME\n"
	"\n"
	"Example: synwatch config set timeout.syn_recv=30s flood.half_open_high=512\n";

/* Keys to show: all, or those marked. */
struct selection {
	bool all;
	bool want[64];
};

static void print_json_value(struct swl_json *j, const struct swl_cfg_key *k,
			     const struct swl_config *cfg)
{
	uint32_t v = swl_cfg_get(cfg, k);

	if (k->kind != SWL_CFG_EVENTS) {
		swl_json_u64(j, v);
		return;
	}
	swl_json_arr_open(j);
	for (unsigned int e = 1; e <= SYNWATCH_EVENT_MAX; e++)
		if (v & (1U << e))
			swl_json_str(j, SWL_NAME(swl_event_names, e)->keyword);
	swl_json_arr_close(j);
}

/*
 * "flood.rate_high" becomes "flood": { "rate_high": ... }; the table keeps
 * each group's keys together, so a change of prefix closes the group.
 */
static void print_json(const struct swl_config *cfg, const struct selection *sel)
{
	char group[32] = "";
	struct swl_json j;

	swl_json_init(&j, stdout);
	swl_json_obj_open(&j);
	for (size_t i = 0; i < swl_cfg_nkeys; i++) {
		const struct swl_cfg_key *k = &swl_cfg_keys[i];
		const char *dot = strchr(k->name, '.');
		size_t glen = dot ? (size_t)(dot - k->name) : 0;

		if (!(sel->all || sel->want[i]) || !swl_cfg_has(cfg, k))
			continue;
		if (group[0] && (glen != strlen(group) ||
				 strncmp(group, k->name, glen))) {
			swl_json_obj_close(&j);
			group[0] = 0;
		}
		if (dot && !group[0]) {
			snprintf(group, sizeof(group), "%.*s", (int)glen, k->name);
			swl_json_key(&j, group);
			swl_json_obj_open(&j);
		}
		swl_json_key(&j, dot ? dot + 1 : k->name);
		print_json_value(&j, k, cfg);
	}
	if (group[0])
		swl_json_obj_close(&j);
	swl_json_obj_close(&j);
	fputs("\n", stdout);
}

static void print_text(const struct swl_config *cfg, const struct selection *sel,
		       bool bare)
{
	char buf[256];

	for (size_t i = 0; i < swl_cfg_nkeys; i++) {
		const struct swl_cfg_key *k = &swl_cfg_keys[i];

		if (!(sel->all || sel->want[i]) || !swl_cfg_has(cfg, k))
			continue;
		swl_cfg_format(buf, sizeof(buf), k, cfg);
		if (bare)
			printf("%s\n", buf);
		else
			printf("%s = %s\n", k->name, buf);
	}
}

static int parse_get_keys(struct selection *sel, int argc, char **argv)
{
	char list[1024];

	sel->all = argc == 0;
	for (int i = 0; i < argc; i++) {
		const struct swl_cfg_key *k = swl_cfg_find(argv[i]);

		if (!k)
			return cli_usage_error("config", "unknown key '%s'; valid keys: %s, max_conns_global",
					       argv[i], swl_cfg_key_list(list, sizeof(list)));
		sel->want[k - swl_cfg_keys] = true;
	}
	return 0;
}

static int do_get(struct swl_nl *nl, const struct cli_globals *g,
		  const struct selection *sel, bool bare)
{
	struct swl_config cfg;
	int ret;

	ret = swl_get_config(nl, &cfg);
	if (ret)
		return swl_request_error(nl, "reading the configuration", ret);
	if (g->json)
		print_json(&cfg, sel);
	else
		print_text(&cfg, sel, bare);
	return SWL_EXIT_OK;
}

static int do_set(struct swl_nl *nl, const struct cli_globals *g,
		  const struct swl_config *set)
{
	struct selection sel = { .all = false };
	struct swl_config cur;
	char err[256];
	int ret;

	/* low <= high also holds against the values not being changed */
	ret = swl_get_config(nl, &cur);
	if (ret)
		return swl_request_error(nl, "reading the configuration", ret);
	if (swl_cfg_check(&cur, set, err, sizeof(err)))
		return cli_usage_error("config", "%s", err);
	ret = swl_set_config(nl, set);
	if (ret)
		return swl_request_error(nl, "changing the configuration", ret);
	for (size_t i = 0; i < swl_cfg_nkeys; i++)
		sel.want[i] = swl_cfg_has(set, &swl_cfg_keys[i]);
	if (g->json)
		print_json(set, &sel);
	else
		print_text(set, &sel, false);
	return SWL_EXIT_OK;
}

int cmd_config(const struct cli_globals *gin, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_globals g = *gin;
	struct swl_config set = { 0 };
	struct selection sel = { 0 };
	const char *verb = "get";
	struct swl_nl nl;
	char err[1024];
	int opt, ret;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_OPTS, longopts,
				  NULL)) != -1)
		if (!cli_common_opt(opt, &g, usage))
			return cli_bad_option("config");
	if (optind < argc)
		verb = argv[optind++];
	if (!strcmp(verb, "set")) {
		if (optind == argc)
			return cli_usage_error("config", "'set' needs KEY=VALUE");
		/* Validate everything before opening anything. */
		for (int i = optind; i < argc; i++)
			if (swl_cfg_parse_assignment(&set, argv[i], err, sizeof(err)))
				return cli_usage_error("config", "%s", err);
		if (swl_cfg_check(NULL, &set, err, sizeof(err)))
			return cli_usage_error("config", "%s", err);
	} else if (!strcmp(verb, "get")) {
		ret = parse_get_keys(&sel, argc - optind, argv + optind);
		if (ret)
			return ret;
	} else {
		return cli_usage_error("config", "unknown action '%s' (expected get or set)",
				       verb);
	}
	ret = cli_open(&nl, &g, true);
	if (ret)
		return ret;
	if (!strcmp(verb, "set"))
		ret = do_set(&nl, &g, &set);
	else
		ret = do_get(&nl, &g, &sel, argc - optind == 1);
	swl_nl_close(&nl);
	return ret;
}
