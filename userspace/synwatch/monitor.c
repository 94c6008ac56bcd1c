// SPDX-License-Identifier: GPL-2.0
/* synwatch monitor: the live event stream, like "conntrack -E". */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "famwatch.h"
#include "fmt.h"
#include "parse.h"
#include "render.h"
#include "stream.h"

static const char usage[] =
	"Usage: synwatch monitor [-e EVENTS] [-4|-6] [-j] [-N NETNS] [--multicast]\n"
	"                        [-b BYTES] [-c N] [-t SECONDS] [FILTER...]\n"
	"\n"
	"Prints one line per event: time, type, state change, the TCP flags of\n"
	"the packet that caused it (tcpdump style: [S], [S.], [.], [F.], [R]),\n"
	"its direction (in/out), local and peer endpoints; for DESTROY the close\n"
	"reason, closer, history and RTT; for alerts the listener, reason,\n"
	"half-open count, SYN rate, completion and top sources.\n"
	"\n"
	"By default the selection happens in the kernel (SUBSCRIBE): only the\n"
	"matching events reach this program. Lost events are always reported\n"
	"on stderr; a gap in the sequence counts once it is proven, as batches\n"
	"from two CPUs can arrive in either order. When the module is unloaded\n"
	"it says so on stderr and subscribes again once it is loaded.\n"
	"\n"
	"  -e, --events LIST      comma list: new state destroy flood-start\n"
	"                         flood-update flood-end; groups: conn, alert, all\n"
	"                         (default all)\n"
	"  -4, -6                 IPv4 or IPv6 connections only\n"
	"  -j, --json             one JSON object per line\n"
	"  -N, --netns NAME       events of network namespace NAME\n"
	"      --multicast        join the multicast groups instead of subscribing;\n"
	"                         the filter is applied here, and only the event\n"
	"                         types of the module's event_mask are sent\n"
	"  -b, --buffer-size N    socket receive buffer (suffix k, M, G; default 8M)\n"
	"  -c, --count N          exit after N events\n"
	"  -t, --timeout SECONDS  exit after this long (suffix s, m, h, d)\n"
	"\n"
	"FILTER words are those of 'synwatch conns' (see its --help).\n";

struct monitor_opts {
	bool json;
	uint64_t count;		/* 0: no limit */
	uint64_t timeout_s;	/* 0: none */
};

struct monitor {
	struct monitor_opts o;
	const struct swl_stream_opts *so;	/* to subscribe again */
	struct swl_famwatch fw;
	bool watching;			/* fw open: reloads are survived */
	bool up;			/* the stream is open */
	uint64_t retry_ms;		/* while down: next attempt */
	uint64_t lost;			/* of streams closed before this one */
	struct swl_json j;
	bool done;
	uint64_t shown;		/* s->events counts the rest of a datagram too */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_event(struct swl_stream *s, const struct swl_event *ev, void *data)
{
	struct monitor *m = data;

	(void)s;
	/* the rest of the datagram that brought the last one */
	if (m->done)
		return;
	if (m->o.json) {
		/* a fresh writer per line: each object stands alone */
		swl_json_init(&m->j, stdout);
		swl_json_event(&m->j, ev);
	} else {
		swl_text_event(stdout, ev, true);
	}
	fputc('\n', stdout);
	m->shown++;
	if (m->o.count && m->shown >= m->o.count)
		m->done = true;
}

static void on_loss(struct swl_stream *s, uint64_t lost, bool overrun, void *data)
{
	(void)data;
	fflush(stdout);
	if (lost)
		fprintf(stderr, "%s: %" PRIu64 " events lost (%s); ", swl_progname, lost,
			overrun ? "socket buffer overrun" : "not delivered by the kernel");
	else
		fprintf(stderr, "%s: events lost (socket buffer overrun); ",
			swl_progname);
	fprintf(stderr, "raise the buffer with --buffer-size (now %d bytes) or narrow the selection with -e/filters\n",
		s->rcvbuf);
}

/* while the module is away: how often to look, besides the notifications */
#define MONITOR_RETRY_MS 2000

/*
 * The module went away or came back (a reload): close the stream, and
 * open it again once the family is there, saying both on stderr.
 */
static void module_check(struct monitor *m, struct swl_stream *s,
			 unsigned int bits)
{
	int ret;

	if (m->up && swl_famwatch_stale(bits, s->nl.family_id)) {
		m->lost += s->lost;
		swl_stream_close(s);
		m->up = false;
		fflush(stdout);
		fprintf(stderr, "%s: the synwatch module went away (unloaded); waiting for it to come back\n",
			swl_progname);
	}
	if (m->up)
		return;
	ret = swl_stream_open(s, m->so);
	if (ret) {
		m->retry_ms = swl_monotonic_ms() + MONITOR_RETRY_MS;
		return;
	}
	m->up = true;
	fflush(stdout);
	fprintf(stderr, "%s: the synwatch module is back: subscribed again (events made while it was away are not known)\n",
		swl_progname);
}

static int run(struct monitor *m, struct swl_stream *s)
{
	uint64_t deadline = m->o.timeout_s ? swl_monotonic_ms() + m->o.timeout_s * 1000 : 0;

	while (!stop && !m->done) {
		struct pollfd pfd[2] = {
			{ .fd = m->up ? swl_nl_fd(&s->nl) : -1, .events = POLLIN },
			{ .fd = m->watching ? swl_famwatch_fd(&m->fw) : -1, .events = POLLIN },
		};
		uint64_t t = swl_monotonic_ms();
		/* a gap in the sequence is settled by reading again later */
		int timeout = m->up ? swl_stream_timeout(s, t) :
			      (int)(m->retry_ms > t ? m->retry_ms - t : 0);
		int n, ret;

		if (deadline) {
			if (t >= deadline)
				break;
			if (timeout < 0 || deadline - t < (uint64_t)timeout)
				timeout = (int)(deadline - t);
		}
		n = poll(pfd, 2, timeout);
		if (n < 0 && errno != EINTR)
			return -errno;
		if ((n > 0 && pfd[1].revents) ||
		    (!m->up && swl_monotonic_ms() >= m->retry_ms))
			module_check(m, s, n > 0 && pfd[1].revents ?
					   swl_famwatch_read(&m->fw) : 0);
		if (!m->up)
			continue;
		if (!(n > 0 && pfd[0].revents) &&
		    swl_stream_timeout(s, swl_monotonic_ms()))
			continue;
		ret = swl_stream_read(s);
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct cli_globals *g,
		      struct monitor_opts *mo, struct swl_stream_opts *so,
		      struct swl_filter *f)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "events", required_argument, NULL, 'e' },
		{ "multicast", no_argument, NULL, 'M' },
		{ "buffer-size", required_argument, NULL, 'b' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	char err[512];
	uint64_t v;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, CLI_COMMON_OPTS "46e:b:c:t:",
				  longopts, NULL)) != -1) {
		if (cli_common_opt(opt, g, usage))
			continue;
		ret = cli_family_opt(opt, f);
		if (ret < 0)
			return cli_usage_error("monitor", "-4 and -6 conflict with each other or with an address");
		if (ret)
			continue;
		switch (opt) {
		case 'e':
			if (swl_event_mask_parse(optarg, &so->event_mask, err, sizeof(err)))
				return cli_usage_error("monitor", "%s", err);
			if (!so->event_mask)
				return cli_usage_error("monitor", "-e selects no event type");
			break;
		case 'M':
			so->multicast = true;
			break;
		case 'b':
			if (swl_parse_size(optarg, 1U << 30, &v) || v < 4096)
				return cli_usage_error("monitor", "bad buffer size '%s' (4k to 1G)", optarg);
			so->rcvbuf = (int)v;
			break;
		case 'c':
			if (swl_parse_u64(optarg, UINT64_MAX, &mo->count) || !mo->count)
				return cli_usage_error("monitor", "bad count '%s'", optarg);
			break;
		case 't':
			if (swl_parse_duration_s(optarg, 1ULL << 32, &mo->timeout_s) ||
			    !mo->timeout_s)
				return cli_usage_error("monitor", "bad timeout '%s'", optarg);
			break;
		default:
			return cli_bad_option("monitor");
		}
	}
	return cli_parse_filter("monitor", f, argc, argv);
}

int cmd_monitor(const struct cli_globals *gin, int argc, char **argv)
{
	struct cli_globals g = *gin;
	struct monitor m = { 0 };
	struct swl_stream_opts so = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct swl_stream s;
	struct swl_filter f;
	int ret;

	swl_filter_init(&f);
	ret = parse_opts(argc, argv, &g, &m.o, &so, &f);
	if (ret)
		return ret;
	m.o.json = g.json;
	/* Subscriptions and group memberships both belong to the socket's
	 * netns (the kernel rejects NETNS_FD in SUBSCRIBE): create it there. */
	if (g.netns) {
		ret = cli_enter_netns(&g);
		if (ret)
			return ret;
	}
	so.filter = &f;
	so.on_event = on_event;
	so.on_loss = on_loss;
	so.data = &m;
	/* whole lines promptly, also into a pipe */
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* the watch first: a reload cannot fall between the two */
	ret = swl_famwatch_open(&m.fw);
	if (ret)
		swl_warn("cannot watch for module reloads (events stop at the first): %s",
			strerror(-ret));
	m.watching = !ret;
	ret = swl_stream_open(&s, &so);
	if (f.netns_fd >= 0)
		close(f.netns_fd);
	/* subscribing again after a reload takes the filter as it is now */
	f.netns_fd = -1;
	m.so = &so;
	if (ret) {
		if (m.watching)
			swl_famwatch_close(&m.fw);
		if (!strcmp(s.failed_step, "open"))
			return swl_open_error(ret);
		return swl_request_error(&s.nl, s.failed_step, ret);
	}
	m.up = true;
	ret = run(&m, &s);
	if (ret)
		ret = swl_request_error(&s.nl, "reading events", ret);
	if (m.up && s.overrun_pending)
		on_loss(&s, 0, true, &m);
	fflush(stdout);
	fprintf(stderr, "%" PRIu64 " events shown, %" PRIu64 " lost\n", m.shown,
		m.lost + (m.up ? s.lost : 0));
	if (m.up)
		swl_stream_close(&s);
	if (m.watching)
		swl_famwatch_close(&m.fw);
	return ret;
}
