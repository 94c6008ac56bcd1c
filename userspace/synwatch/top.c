// SPDX-License-Identifier: GPL-2.0
/*
 * synwatch top: a full-screen view refreshed every second, in plain ANSI
 * escape codes (no curses): listeners by half-open count with a SYN rate
 * sparkline, connections by state, and the floods in progress.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fmt.h"
#include "names.h"
#include "parse.h"
#include "render.h"
#include "requests.h"
#include "vec.h"

static const char usage[] =
	"Usage: synwatch top [-j] [-N NETNS] [-d SECONDS] [-n ITERATIONS]\n"
	"\n"
	"A live full-screen view, refreshed every second: listeners sorted by\n"
	"half-open count with a sparkline of their SYN rate over the last 60\n"
	"samples and their completion ratio, connections by state, and floods\n"
	"in progress. 'q' quits.\n"
	"\n"
	"  -d, --interval SECONDS  time between refreshes (default 1)\n"
	"  -n, --iterations N      exit after N refreshes\n"
	"  -j, --json              no screen: one JSON object per refresh\n"
	"  -N, --netns NAME        watch network namespace NAME\n";

#define HISTORY 60

struct tracked {
	struct swl_listener l;
	uint32_t rate[HISTORY];		/* oldest first */
	bool seen;
};

struct top {
	unsigned int interval_s;
	uint64_t iterations;
	bool json, tty;
	struct swl_vec tracked;		/* struct tracked */
	uint64_t states[SYNWATCH_STATE_MAX + 1];
	struct swl_stats stats;
	struct termios saved_tio;
	bool tio_saved;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static bool same_listener(const struct swl_listener *a, const struct swl_listener *b)
{
	return a->port == b->port && a->addr.family == b->addr.family &&
	       !memcmp(a->addr.raw, b->addr.raw, sizeof(a->addr.raw));
}

/* Adds this refresh's sample to the listener's history. */
static int track(const struct swl_listener *l, void *data)
{
	struct top *t = data;
	struct tracked *v = t->tracked.v, nt = { .l = *l };

	for (size_t i = 0; i < t->tracked.n; i++) {
		if (!same_listener(&v[i].l, l))
			continue;
		memmove(v[i].rate, v[i].rate + 1, sizeof(v[i].rate) - sizeof(v[i].rate[0]));
		v[i].rate[HISTORY - 1] = l->syn_rate;
		v[i].l = *l;
		v[i].seen = true;
		return 0;
	}
	nt.rate[HISTORY - 1] = l->syn_rate;
	nt.seen = true;
	return swl_vec_push(&t->tracked, &nt);
}

static int count_state(const struct swl_conn *c, void *data)
{
	struct top *t = data;

	if (c->state <= SYNWATCH_STATE_MAX)
		t->states[c->state]++;
	return 0;
}

/* Most half-open first, then the higher SYN rate. */
static int by_half_open(const void *a, const void *b)
{
	const struct tracked *x = a, *y = b;

	if (x->l.half_open != y->l.half_open)
		return x->l.half_open < y->l.half_open ? 1 : -1;
	if (x->l.syn_rate != y->l.syn_rate)
		return x->l.syn_rate < y->l.syn_rate ? 1 : -1;
	return 0;
}

static int refresh(struct top *t, struct swl_nl *nl)
{
	struct tracked *v;
	size_t kept = 0;
	int ret;

	for (size_t i = 0; i < t->tracked.n; i++)
		SWL_VEC_AT(&t->tracked, struct tracked, i)->seen = false;
	ret = swl_dump_listeners(nl, track, t);
	if (ret)
		return ret;
	/* listeners gone from the kernel leave the screen */
	v = t->tracked.v;
	for (size_t i = 0; i < t->tracked.n; i++)
		if (v[i].seen)
			v[kept++] = v[i];
	t->tracked.n = kept;
	qsort(v, kept, sizeof(*v), by_half_open);
	memset(t->states, 0, sizeof(t->states));
	ret = swl_dump_conns(nl, NULL, count_state, t);
	if (ret)
		return ret;
	return swl_get_stats(nl, &t->stats);
}

static void screen_size(int *rows, int *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

static void draw_states(const struct top *t)
{
	bool any = false;

	printf("\033[1mSTATES\033[0m ");
	for (unsigned int s = 0; s <= SYNWATCH_STATE_MAX; s++) {
		if (!t->states[s])
			continue;
		printf(" %s %" PRIu64, swl_state_names[s].label, t->states[s]);
		any = true;
	}
	printf("%s\033[K\n\033[K\n", any ? "" : " (no connections)");
}

static void draw_listeners(const struct top *t, int max_rows, int cols)
{
	const struct tracked *v = t->tracked.v;
	char ep[SWL_FMT_LEN], spark[3 * HISTORY + 1];
	int spark_w = cols - 72;

	spark_w = spark_w > HISTORY ? HISTORY : spark_w < 0 ? 0 : spark_w;
	printf("\033[1m%-28s %9s %7s %6s %-12s %s\033[0m\033[K\n", "LISTENER",
	       "HALF-OPEN", "RATE/s", "COMPL", "STATUS",
	       spark_w ? "SYN RATE" : "");
	for (size_t i = 0; i < t->tracked.n && (int)i < max_rows; i++) {
		const struct swl_listener *l = &v[i].l;
		bool flood = l->status == SYNWATCH_LISTENER_FLOOD;

		printf("%-28s %9" PRIu32 " %7" PRIu32 " %5u%% %s%-12s%s %s\033[K\n",
		       swl_fmt_endpoint(ep, &l->addr, l->port), l->half_open,
		       l->syn_rate, l->completion_pct, flood ? "\033[1;31m" : "",
		       SWL_NAME(swl_listener_status_names, l->status)->label,
		       flood ? "\033[0m" : "",
		       swl_fmt_sparkline(spark, v[i].rate + HISTORY - spark_w,
					(size_t)spark_w));
	}
	if (!t->tracked.n)
		printf("(no listener has seen a SYN)\033[K\n");
}

static void draw_alerts(const struct top *t)
{
	const struct tracked *v = t->tracked.v;
	char ep[SWL_FMT_LEN];
	bool any = false;

	printf("\033[K\n\033[1mALERTS IN PROGRESS\033[0m\033[K\n");
	for (size_t i = 0; i < t->tracked.n; i++) {
		const struct swl_listener *l = &v[i].l;

		if (l->status != SYNWATCH_LISTENER_FLOOD)
			continue;
		printf("  \033[1;31mFLOOD\033[0m %s half-open %" PRIu32
		       " rate %" PRIu32 "/s peak %" PRIu32 "/s completion %u%%\033[K\n",
		       swl_fmt_endpoint(ep, &l->addr, l->port), l->half_open,
		       l->syn_rate, l->peak_rate, l->completion_pct);
		any = true;
	}
	if (!any)
		printf("  none\033[K\n");
}

static void draw(const struct top *t)
{
	const struct swl_stats *st = &t->stats;
	uint64_t count = st->val[SYNWATCH_A_STATS_CONN_COUNT_TOTAL];
	uint64_t max = st->val[SYNWATCH_A_STATS_CONN_MAX];
	time_t now = time(NULL);
	char clock[16];
	int rows, cols;

	screen_size(&rows, &cols);
	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&now));
	/* home, then overwrite line by line: no flicker from clearing */
	printf("\033[H\033[1msynwatch top\033[0m  %s  table %" PRIu64 "/%" PRIu64
	       " (%.1f%%)  listeners %zu  events dropped %" PRIu64
	       "   (q quits)\033[K\n\033[K\n", clock, count, max,
	       max ? 100.0 * (double)count / (double)max : 0.0, t->tracked.n,
	       st->val[SYNWATCH_A_STATS_EVENT_DROP]);
	draw_states(t);
	/* what the other sections need: 4 header lines, 3 + alerts below */
	draw_listeners(t, rows - 12 > 1 ? rows - 12 : 1, cols);
	draw_alerts(t);
	printf("\033[J");	/* clear what an earlier, longer frame left */
	fflush(stdout);
}

static void print_json(const struct top *t)
{
	const struct tracked *v = t->tracked.v;
	struct swl_json j;

	swl_json_init(&j, stdout);
	swl_json_obj_open(&j);
	swl_json_ku64(&j, "time", (uint64_t)time(NULL));
	swl_json_key(&j, "states");
	swl_json_obj_open(&j);
	for (unsigned int s = 0; s <= SYNWATCH_STATE_MAX; s++)
		swl_json_ku64(&j, swl_state_names[s].json, t->states[s]);
	swl_json_obj_close(&j);
	swl_json_key(&j, "listeners");
	swl_json_arr_open(&j);
	for (size_t i = 0; i < t->tracked.n; i++)
		swl_json_listener(&j, &v[i].l);
	swl_json_arr_close(&j);
	swl_json_obj_close(&j);
	fputs("\n", stdout);
	fflush(stdout);
}

static void term_enter(struct top *t)
{
	struct termios tio;

	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &t->saved_tio)) {
		tio = t->saved_tio;
		tio.c_lflag &= (tcflag_t)~(ICANON | ECHO);
		tio.c_cc[VMIN] = 0;
		tio.c_cc[VTIME] = 0;
		t->tio_saved = !tcsetattr(STDIN_FILENO, TCSANOW, &tio);
	}
	/* alternate screen, cursor hidden */
	if (t->tty)
		printf("\033[?1049h\033[?25l");
}

static void term_leave(struct top *t)
{
	if (t->tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &t->saved_tio);
	if (t->tty)
		printf("\033[?25h\033[?1049l");
	fflush(stdout);
}

/* Sleeps until the next refresh; false if the user asked to quit. */
static bool wait_key(const struct top *t)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	int n = poll(&pfd, t->tio_saved ? 1 : 0, (int)t->interval_s * 1000);
	char c;

	if (n > 0 && read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q'))
		return false;
	return true;
}

static int parse_opts(int argc, char **argv, struct cli_globals *g,
		      struct top *t)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "interval", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int opt;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_OPTS "d:n:", longopts,
				  NULL)) != -1) {
		if (cli_common_opt(opt, g, usage))
			continue;
		if (opt == 'd') {
			if (swl_parse_duration_s(optarg, 3600, &v) || !v)
				return cli_usage_error("top", "bad interval '%s' (1s to 1h)", optarg);
			t->interval_s = (unsigned int)v;
		} else if (opt == 'n') {
			if (swl_parse_u64(optarg, UINT64_MAX, &t->iterations) ||
			    !t->iterations)
				return cli_usage_error("top", "bad iteration count '%s'", optarg);
		} else {
			return cli_bad_option("top");
		}
	}
	if (optind < argc)
		return cli_usage_error("top", "unexpected argument '%s'", argv[optind]);
	return 0;
}

int cmd_top(const struct cli_globals *gin, int argc, char **argv)
{
	struct cli_globals g = *gin;
	struct top t = { .interval_s = 1,
			 .tracked = SWL_VEC_INIT(struct tracked) };
	struct sigaction sa = { .sa_handler = on_signal };
	struct swl_nl nl;
	int ret;

	ret = parse_opts(argc, argv, &g, &t);
	if (ret)
		return ret;
	t.json = g.json;
	t.tty = !t.json && isatty(STDOUT_FILENO);
	ret = cli_open(&nl, &g, true);
	if (ret)
		return ret;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!t.json)
		term_enter(&t);
	for (uint64_t i = 0; !stop; i++) {
		ret = refresh(&t, &nl);
		if (ret)
			break;
		if (t.json)
			print_json(&t);
		else
			draw(&t);
		if ((t.iterations && i + 1 >= t.iterations) || !wait_key(&t))
			break;
	}
	if (!t.json)
		term_leave(&t);
	if (ret)
		ret = swl_request_error(&nl, "refreshing", ret);
	swl_nl_close(&nl);
	swl_vec_free(&t.tracked);
	return ret;
}
