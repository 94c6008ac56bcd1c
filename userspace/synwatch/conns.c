// SPDX-License-Identifier: GPL-2.0
/* synwatch conns: dump tracked connections (SYNWATCH_CMD_GET_CONN). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fmt.h"
#include "line.h"
#include "names.h"
#include "render.h"
#include "requests.h"
#include "vec.h"

static const char usage[] =
	"Usage: synwatch conns [-4|-6] [-e] [-j] [-N NETNS] [FILTER...]\n"
	"\n"
	"Lists the connections the module tracks. The filter is applied in\n"
	"the kernel. Columns: State, Local, Peer, Age (time in the current\n"
	"state), RTT (handshake RTT: SYN to SYN-ACK for connections this host\n"
	"opened, SYN-ACK to ACK for those it accepted). The count goes to\n"
	"stderr.\n"
	"\n"
	"  -4, -6             IPv4 or IPv6 only\n"
	"  -e, --extended     add ISNs, options, counters, retransmits, close\n"
	"                     reason, flags and history under each entry\n"
	"  -j, --json         one JSON array\n"
	"  -N, --netns NAME   connections of network namespace NAME\n"
	"\n"
	"FILTER words (all must hold):\n"
	"  state STATE        may repeat: closed listen syn-sent syn-recv\n"
	"                     established fin-wait-1 fin-wait-2 close-wait closing\n"
	"                     last-ack time-wait, or a group: all, half-open\n"
	"                     (listen syn-sent syn-recv), teardown (fin-wait-1\n"
	"                     ... time-wait), connected (all but listen, closed)\n"
	"  exclude STATE      drop a state or group\n"
	"  sport [OP] PORT    local port;  OP: = == != < <= > >= (default =)\n"
	"  dport [OP] PORT    peer port\n"
	"  src ADDR[/LEN]     local address or prefix\n"
	"  dst ADDR[/LEN]     peer address or prefix\n"
	"\n"
	"Example: synwatch conns state half-open dport = 443 dst 10.0.0.0/8\n";

/* swl_dump_conns() callback: keep every entry, to size the columns. */
static int collect(const struct swl_conn *c, void *data)
{
	return swl_vec_push(data, c);
}

static void line_opt_pair(struct swl_line *l, const char *name, bool has_l,
			  uint64_t lv, bool has_r, uint64_t rv)
{
	if (!has_l && !has_r)
		return;
	swl_line_chr(l, ' ');
	swl_line_str(l, name);
	swl_line_chr(l, ':');
	if (has_l)
		swl_line_u64(l, lv);
	else
		swl_line_chr(l, '-');
	swl_line_chr(l, '/');
	if (has_r)
		swl_line_u64(l, rv);
	else
		swl_line_chr(l, '-');
}

/* " key:a/b" */
static void line_pair(struct swl_line *l, const char *key, uint64_t a,
		      uint64_t b)
{
	swl_line_key_u64(l, key, a);
	swl_line_key_u64(l, "/", b);
}

static void line_yes_no(struct swl_line *l, const char *key, bool a, bool b)
{
	swl_line_str(l, key);
	swl_line_str(l, a ? "yes/" : "no/");
	swl_line_str(l, b ? "yes" : "no");
}

static void line_duration(struct swl_line *l, const char *name, bool has,
			  uint64_t ms)
{
	char b[SWL_FMT_LEN];

	if (!has)
		return;
	swl_line_chr(l, ' ');
	swl_line_str(l, name);
	swl_line_chr(l, ':');
	swl_line_str(l, swl_fmt_duration_ms(b, ms));
}

static void line_extended(struct swl_line *l, const struct swl_conn *c)
{
	char fl[128];

	swl_line_chr(l, '\t');
	swl_line_str(l, swl_fmt_conn_flags(fl, sizeof(fl), c->flags));
	line_opt_pair(l, "isn", SWL_HAS(c, SYNWATCH_A_CONN_ISN_LOCAL),
		      c->isn_local, SWL_HAS(c, SYNWATCH_A_CONN_ISN_REMOTE),
		      c->isn_remote);
	line_opt_pair(l, "mss", SWL_HAS(c, SYNWATCH_A_CONN_MSS_LOCAL),
		      c->mss_local, SWL_HAS(c, SYNWATCH_A_CONN_MSS_REMOTE),
		      c->mss_remote);
	line_opt_pair(l, "wscale", SWL_HAS(c, SYNWATCH_A_CONN_WSCALE_LOCAL),
		      c->wscale_local, SWL_HAS(c, SYNWATCH_A_CONN_WSCALE_REMOTE),
		      c->wscale_remote);
	line_yes_no(l, " sack:", c->flags & SYNWATCH_CONN_F_SACK_LOCAL,
		    c->flags & SYNWATCH_CONN_F_SACK_REMOTE);
	line_yes_no(l, " ts:", c->flags & SYNWATCH_CONN_F_TS_LOCAL,
		    c->flags & SYNWATCH_CONN_F_TS_REMOTE);
	line_pair(l, " pkts:", c->pkts_in, c->pkts_out);
	line_pair(l, " bytes:", c->bytes_in, c->bytes_out);
	swl_line_key_u64(l, " rtx:syn=", c->rtx_syn);
	swl_line_key_u64(l, ",synack=", c->rtx_synack);
	swl_line_key_u64(l, ",fin=", c->rtx_fin);
	if (SWL_HAS(c, SYNWATCH_A_CONN_CLOSE_REASON) &&
	    c->close_reason != SYNWATCH_CLOSE_NONE) {
		swl_line_lit(l, " close:");
		swl_line_str(l, SWL_NAME(swl_close_reason_names,
				       c->close_reason)->label);
		swl_line_lit(l, " closer:");
		swl_line_str(l, SWL_NAME(swl_closer_names, c->closer)->label);
	}
	line_duration(l, "age", SWL_HAS(c, SYNWATCH_A_CONN_AGE_MS), c->age_ms);
	line_duration(l, "idle", SWL_HAS(c, SYNWATCH_A_CONN_IDLE_MS),
		      c->idle_ms);
	line_duration(l, "expires", SWL_HAS(c, SYNWATCH_A_CONN_TIMEOUT_MS),
		      c->timeout_ms);
	if (SWL_HAS(c, SYNWATCH_A_CONN_HISTORY)) {
		swl_line_lit(l, " history:");
		swl_line_str(l, c->history);
	}
	swl_line_chr(l, '\n');
}

/*
 * One connection a line (two with extended), built in place: printf()
 * per field made the final table of "synwatch replay" a quarter of its
 * run (callgrind, 2 000 connections: 11 000 instructions each).
 */
void cli_print_conns(const struct swl_vec *vec, bool extended)
{
	const struct swl_conn *v = vec->v;
	char lb[SWL_FMT_LEN], rb[SWL_FMT_LEN], b[SWL_FMT_LEN];
	char buf[2 * SWL_TEXT_LINE];
	size_t lw = 5, rw = 4;
	struct swl_line l;
	uint32_t rtt;

	/* Endpoint columns as wide as the widest entry, like ss. */
	for (size_t i = 0; i < vec->n; i++) {
		size_t a = strlen(swl_fmt_endpoint(lb, &v[i].laddr, v[i].lport));
		size_t r = strlen(swl_fmt_endpoint(rb, &v[i].raddr, v[i].rport));

		lw = a > lw ? a : lw;
		rw = r > rw ? r : rw;
	}
	printf("%-12s %-*s %-*s %8s %10s\n", "State", (int)lw, "Local",
	       (int)rw, "Peer", "Age", "RTT");
	for (size_t i = 0; i < vec->n; i++) {
		const struct swl_conn *c = &v[i];

		swl_line_init(&l, buf, sizeof(buf));
		swl_line_pad(&l, SWL_NAME(swl_state_names, c->state)->label, 12);
		swl_line_chr(&l, ' ');
		swl_line_pad(&l, swl_fmt_endpoint(lb, &c->laddr, c->lport), lw);
		swl_line_chr(&l, ' ');
		swl_line_pad(&l, swl_fmt_endpoint(rb, &c->raddr, c->rport), rw);
		swl_line_chr(&l, ' ');
		swl_line_rpad(&l, SWL_HAS(c, SYNWATCH_A_CONN_STATE_AGE_MS) ?
			     swl_fmt_duration_ms(b, c->state_age_ms) : "-", 8);
		swl_line_chr(&l, ' ');
		swl_line_rpad(&l, swl_conn_rtt_us(c, &rtt) ?
			     swl_fmt_rtt_us(b, rtt) : "-", 10);
		swl_line_chr(&l, '\n');
		if (extended)
			line_extended(&l, c);
		fwrite(buf, 1, swl_line_end(&l), stdout);
	}
}

static void print_json(const struct swl_vec *vec)
{
	const struct swl_conn *v = vec->v;
	struct swl_json j;

	swl_json_init(&j, stdout);
	swl_json_arr_open(&j);
	for (size_t i = 0; i < vec->n; i++)
		swl_json_conn(&j, &v[i]);
	swl_json_arr_close(&j);
	fputs("\n", stdout);
}

int cmd_conns(const struct cli_globals *gin, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "extended", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_globals g = *gin;
	struct swl_vec list = SWL_VEC_INIT(struct swl_conn);
	struct swl_filter f;
	bool extended = false;
	struct swl_nl nl;
	int opt, ret;

	swl_filter_init(&f);
	while ((opt = getopt_long(argc, argv, CLI_COMMON_OPTS "46e", longopts,
				  NULL)) != -1) {
		if (cli_common_opt(opt, &g, usage))
			continue;
		ret = cli_family_opt(opt, &f);
		if (ret < 0)
			return cli_usage_error("conns", "-4 and -6 conflict with each other or with an address");
		if (ret)
			continue;
		if (opt == 'e')
			extended = true;
		else
			return cli_bad_option("conns");
	}
	ret = cli_parse_filter("conns", &f, argc, argv);
	if (ret)
		return ret;
	ret = cli_filter_netns(&f, &g);
	if (ret)
		return ret;
	ret = cli_open(&nl, &g, false);
	if (ret)
		return ret;
	ret = swl_dump_conns(&nl, &f, collect, &list);
	if (ret) {
		ret = swl_request_error(&nl, "listing connections", ret);
		goto out;
	}
	if (g.json)
		print_json(&list);
	else
		cli_print_conns(&list, extended);
	fflush(stdout);
	fprintf(stderr, "%zu entries\n", list.n);
out:
	swl_nl_close(&nl);
	if (f.netns_fd >= 0)
		close(f.netns_fd);
	swl_vec_free(&list);
	return ret;
}
