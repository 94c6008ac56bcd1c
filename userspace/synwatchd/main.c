// SPDX-License-Identifier: GPL-2.0
/*
 * synwatchd: logs synwatch events and raises SYN flood alerts.
 *
 * One poll() loop over a signalfd (HUP reload, TERM/INT stop, CHLD reap),
 * the watch on the module (famwatch.h) and the event socket, with timers
 * for the stats line, the metrics file, loss reports and alert commands.
 * A second socket does the dumps (resync, metrics), so that replies never
 * queue behind events.
 *
 * The module may go away (rmmod, a DKMS upgrade) and come back with a new
 * family id: both sockets are then closed, the daemon waits (saying so),
 * and opens, subscribes and resyncs again when the family is back. It
 * starts the same way when the module is not loaded yet.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "alerts.h"
#include "dconf.h"
#include "dlog.h"
#include "errors.h"
#include "famwatch.h"
#include "fmt.h"
#include "json.h"
#include "logfile.h"
#include "metrics.h"
#include "names.h"
#include "render.h"
#include "requests.h"
#include "stream.h"

struct daemon {
	const char *conf_path;
	bool conf_given;
	bool foreground;
	struct dconf conf;
	struct swl_famwatch fw;
	bool up;			/* stream and req open on the module */
	bool ever_up;
	bool check_module;		/* a request found no family: look */
	uint64_t retry_ms;		/* while down: next attempt to connect */
	uint64_t down_since_ms;
	struct swl_stream stream;
	struct swl_nl req;
	struct logfile log;
	bool log_open;
	struct alerts alerts;
	int sfd;
	bool stop;
	uint64_t next_stats_ms, next_metrics_ms, next_loss_log_ms;
	uint64_t resync_due_ms;		/* 0: none pending */
	uint64_t last_resync_ms;
	uint64_t lost_unlogged, overruns_unlogged;
	uint64_t events, lost, overruns, resyncs, reconnects;
	bool log_failing;		/* log file writes failing (a full disk) */
	struct swl_json j;		/* the JSON line being made (buffer) */
};

#define RESYNC_MIN_GAP_MS 1000
/* while the module is away: how often to look, besides the notifications */
#define RECONNECT_RETRY_MS 2000

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

/* A request that finds no family: the module may have gone. */
static int req_result(struct daemon *d, int ret)
{
	if (ret == -ENOENT || ret == -EOPNOTSUPP)
		d->check_module = true;
	return ret;
}

/*
 * A full disk would otherwise log an error per event. Once per episode: a
 * message when writes start failing, another when one works again
 * (flush_log). It was once per 60 s, which repeated the message in a long
 * episode, said nothing of a second one within the minute, and never said
 * that writing had resumed.
 */
static void log_error(struct daemon *d, int ret)
{
	if (ret && !d->log_failing) {
		d->log_failing = true;
		dlog(LOG_ERR, "cannot write %s: %s; its events are not logged until it can be written again",
		     d->log.path, strerror(-ret));
	}
}

/*
 * A JSON record into the log file: built in memory, then added whole to
 * the lines that go out together after this read of the event socket
 * (flush_log), so that the line is whole or absent.
 */
static void log_json(struct daemon *d, void (*fill)(struct swl_json *, const void *),
		     const void *arg)
{
	struct swl_json *j = &d->j;

	if (!d->log_open)
		return;
	j->len = 0;
	j->oom = false;
	swl_json_init_buf(j);
	fill(j, arg);
	swl_json_raw(j, "\n", 1);
	if (j->oom) {
		log_error(d, -ENOMEM);
		return;
	}
	log_error(d, logfile_append(&d->log, j->buf, j->len));
}

static void flush_log(struct daemon *d)
{
	bool pending;
	int ret;

	if (!d->log_open)
		return;
	pending = d->log.pend_len > 0;
	/*
	 * While writes fail, a line may still fit in the slack of the file's
	 * last block: a full disk would flap between "cannot write" and
	 * "writing again". Resume only once the file system has room again
	 * (64k besides these lines); until then the lines are dropped, as a
	 * failed write drops them.
	 */
	if (pending && d->log_failing) {
		struct statvfs sv;

		if (!fstatvfs(d->log.fd, &sv) &&
		    (uint64_t)sv.f_bavail * sv.f_frsize < d->log.pend_len + 65536) {
			d->log.pend_len = 0;
			return;
		}
	}
	ret = logfile_flush(&d->log);
	log_error(d, ret);
	if (!ret && pending && d->log_failing) {
		d->log_failing = false;
		dlog(LOG_INFO, "writing %s again", d->log.path);
	}
}

static void fill_event(struct swl_json *j, const void *arg)
{
	swl_json_event(j, arg);
}

struct loss_record {
	uint64_t lost;
	bool overrun;
};

static void fill_loss(struct swl_json *j, const void *arg)
{
	const struct loss_record *r = arg;

	swl_json_obj_open(j);
	swl_json_kstr(j, "event", "lost");
	swl_json_ku64(j, "time_ns", realtime_ns());
	swl_json_ku64(j, "lost", r->lost);
	swl_json_kbool(j, "overrun", r->overrun);
	swl_json_obj_close(j);
}

/* Connection events on syslog; the severity mapping is in synwatchd(8). */
static void syslog_conn_event(const struct swl_event *ev)
{
	char line[SWL_TEXT_LINE];
	int prio = LOG_INFO;

	swl_text_event_line(line, sizeof(line), ev, false);
	if (ev->type == SYNWATCH_EVENT_DESTROY &&
	    (ev->conn.close_reason == SYNWATCH_CLOSE_REFUSED ||
	     ev->conn.close_reason == SYNWATCH_CLOSE_LOCAL_RST ||
	     ev->conn.close_reason == SYNWATCH_CLOSE_REMOTE_RST))
		prio = LOG_NOTICE;
	dlog(prio, "%s", line);
}

static void on_event(struct swl_stream *s, const struct swl_event *ev, void *data)
{
	struct daemon *d = data;

	(void)s;
	d->events++;
	log_json(d, fill_event, ev);
	if (ev->has_alert)
		alerts_event(&d->alerts, ev, swl_monotonic_ms());
	else if (ev->has_conn && d->conf.use_syslog)
		syslog_conn_event(ev);
}

static void report_losses(struct daemon *d, uint64_t now)
{
	if (!d->lost_unlogged && !d->overruns_unlogged)
		return;
	dlog(LOG_WARNING, "%" PRIu64 " events lost (%" PRIu64 " socket buffer overruns, buffer %d bytes); state resynchronised from the kernel; raise buffer_size or narrow events/filter",
	     d->lost_unlogged, d->overruns_unlogged, d->stream.rcvbuf);
	d->lost_unlogged = d->overruns_unlogged = 0;
	d->next_loss_log_ms = now + d->conf.loss_log_interval_ms;
}

/* Never silently: count, log (once per interval), and resync soon. */
static void on_loss(struct swl_stream *s, uint64_t lost, bool overrun, void *data)
{
	struct daemon *d = data;
	struct loss_record r = { lost, overrun };
	uint64_t now = swl_monotonic_ms();

	(void)s;
	d->lost += lost;
	d->lost_unlogged += lost;
	if (overrun) {
		d->overruns++;
		d->overruns_unlogged++;
	}
	log_json(d, fill_loss, &r);
	if (!d->resync_due_ms) {
		uint64_t earliest = d->last_resync_ms + RESYNC_MIN_GAP_MS;

		d->resync_due_ms = now > earliest ? now : earliest;
	}
	if (now >= d->next_loss_log_ms)
		report_losses(d, now);
}

struct resync_ctx {
	struct daemon *d;
	struct swl_config cfg;		/* for the reason of a flood found */
	uint64_t now;
	unsigned int listeners, floods;
	uint64_t half_open;
};

static int resync_listener(const struct swl_listener *l, void *data)
{
	struct resync_ctx *r = data;

	r->listeners++;
	r->floods += l->status == SYNWATCH_LISTENER_FLOOD;
	alerts_resync_listener(&r->d->alerts, l,
			       l->status == SYNWATCH_LISTENER_FLOOD ?
			       alerts_guess_reason(l, &r->cfg) : -1, r->now);
	return 0;
}

static int count_conn(const struct swl_conn *c, void *data)
{
	(void)c;
	((struct resync_ctx *)data)->half_open++;
	return 0;
}

/*
 * What was lost can be rebuilt from the kernel: the listeners (so that
 * a flood that started or ended meanwhile is reported) and the half-open
 * connections (the state a flood consists of).
 */
static void resync(struct daemon *d, const char *why)
{
	struct resync_ctx r = { .d = d, .now = swl_monotonic_ms() };
	struct swl_filter f;
	int ret;

	if (!d->up)
		return;
	d->resync_due_ms = 0;
	d->last_resync_ms = r.now;
	d->resyncs++;
	/* without it a flood found is reported with reason "unknown" */
	ret = req_result(d, swl_get_config(&d->req, &r.cfg));
	if (ret)
		dlog(LOG_ERR, "resync: reading the flood settings: %s", strerror(-ret));
	alerts_resync_begin(&d->alerts);
	ret = req_result(d, swl_dump_listeners(&d->req, resync_listener, &r));
	if (ret) {
		dlog(LOG_ERR, "resync: listing listeners: %s", strerror(-ret));
		return;
	}
	alerts_resync_end(&d->alerts, r.now);
	swl_filter_init(&f);
	swl_state_mask_parse("half-open", &f.state_mask);
	ret = swl_dump_conns(&d->req, &f, count_conn, &r);
	if (ret)
		dlog(LOG_ERR, "resync: listing half-open connections: %s", strerror(-ret));
	dlog(LOG_INFO, "resync (%s): %u listeners, %u in flood, %" PRIu64 " half-open connections",
	     why, r.listeners, r.floods, r.half_open);
}

static void stats_line(struct daemon *d)
{
	struct swl_stats st;
	int ret;

	if (!d->up)
		return;
	ret = req_result(d, swl_get_stats(&d->req, &st));
	if (ret) {
		dlog(LOG_ERR, "reading statistics: %s", strerror(-ret));
		return;
	}
	dlog(LOG_INFO, "stats: packets in %" PRIu64 " out %" PRIu64
	     ", connections %" PRIu64 "/%" PRIu64 ", new %" PRIu64
	     ", evicted %" PRIu64 ", module events sent %" PRIu64 " dropped %" PRIu64
	     ", received %" PRIu64 " lost %" PRIu64 ", floods active %u",
	     st.val[SYNWATCH_A_STATS_PKTS_IN], st.val[SYNWATCH_A_STATS_PKTS_OUT],
	     st.val[SYNWATCH_A_STATS_CONN_COUNT], st.val[SYNWATCH_A_STATS_CONN_MAX],
	     st.val[SYNWATCH_A_STATS_CONN_NEW], st.val[SYNWATCH_A_STATS_EVICT],
	     st.val[SYNWATCH_A_STATS_EVENTS_SENT], st.val[SYNWATCH_A_STATS_EVENT_DROP],
	     d->events, d->lost, alerts_active(&d->alerts));
}

static int collect_listener(const struct swl_listener *l, void *data)
{
	return swl_vec_push(data, l);
}

static int count_state(const struct swl_conn *c, void *data)
{
	uint64_t *states = data;

	if (c->state <= SYNWATCH_STATE_MAX)
		states[c->state]++;
	return 0;
}

static void write_metrics(struct daemon *d)
{
	struct swl_vec listeners = SWL_VEC_INIT(struct swl_listener);
	struct metrics_snapshot m = { .listeners = &listeners };
	int ret;

	/* the module away: synwatch_up 0 and the daemon's own counters */
	m.up = d->up &&
	       !req_result(d, swl_get_stats(&d->req, &m.stats)) &&
	       !swl_dump_listeners(&d->req, collect_listener, &listeners) &&
	       !swl_dump_conns(&d->req, NULL, count_state, m.states);
	m.daemon = (struct metrics_daemon){
		.events = d->events, .events_lost = d->lost,
		.overruns = d->overruns, .resyncs = d->resyncs,
		.reconnects = d->reconnects,
		.floods_active = alerts_active(&d->alerts),
		.alert_commands = d->alerts.commands_run,
		.alert_commands_failed = d->alerts.commands_failed,
		.alert_commands_timed_out = d->alerts.commands_timed_out,
		.alert_commands_busy = d->alerts.commands_busy,
	};
	ret = metrics_write_file(d->conf.metrics_file, &m);
	if (ret)
		dlog(LOG_ERR, "writing %s: %s", d->conf.metrics_file, strerror(-ret));
	swl_vec_free(&listeners);
}

static int open_stream(struct daemon *d)
{
	struct swl_stream_opts o = {
		.multicast = d->conf.multicast,
		.event_mask = d->conf.events,
		.filter = &d->conf.filter,
		.rcvbuf = (int)d->conf.buffer_size,
		.on_event = on_event,
		.on_loss = on_loss,
		.data = d,
	};
	int ret = swl_stream_open(&d->stream, &o);

	if (ret)
		return ret;
	if ((uint64_t)d->stream.rcvbuf < d->conf.buffer_size)
		dlog(LOG_WARNING, "receive buffer is %d bytes, not the %" PRIu64
		     " asked for (no CAP_NET_ADMIN for SO_RCVBUFFORCE?)",
		     d->stream.rcvbuf, d->conf.buffer_size);
	return 0;
}

/*
 * The request socket, then the event stream: 0 or a negative errno (and
 * *step: what failed). Events first, then the dumps: nothing falls
 * between the two.
 */
static int connect_module(struct daemon *d, const char **step)
{
	int ret;

	*step = "open";
	ret = swl_nl_open(&d->req);
	if (ret)
		return ret;
	ret = open_stream(d);
	if (ret) {
		*step = d->stream.failed_step;
		swl_nl_close(&d->req);
		return ret;
	}
	d->up = true;
	return 0;
}

static void disconnect_module(struct daemon *d)
{
	if (!d->up)
		return;
	swl_stream_close(&d->stream);
	swl_nl_close(&d->req);
	d->up = false;
	d->resync_due_ms = 0;
	d->down_since_ms = swl_monotonic_ms();
}

/* While the module is away: try again, and say so when it worked. */
/*
 * The resync's reason says what happened, not which path noticed: back
 * after being away is a reload, whether the NEWFAMILY notification or the
 * retry timer found it first; the first connection is a load.
 */
static void reconnect(struct daemon *d)
{
	char dur[SWL_FMT_LEN];
	const char *step;
	uint64_t now = swl_monotonic_ms();
	int ret = connect_module(d, &step);

	if (ret) {
		d->retry_ms = now + RECONNECT_RETRY_MS;
		/* absent is what waiting means; anything else is news */
		if (ret != -ENOENT)
			dlog(LOG_ERR, "connecting to the synwatch module (%s): %s",
			     step, strerror(-ret));
		return;
	}
	if (d->ever_up) {
		d->reconnects++;
		dlog(LOG_NOTICE, "the synwatch module is back after %s: family id %u, events resubscribed; resynchronising",
		     swl_fmt_duration_ms(dur, now - d->down_since_ms),
		     d->req.family_id);
	} else {
		dlog(LOG_NOTICE, "the synwatch module is loaded: family id %u, events subscribed",
		     d->req.family_id);
	}
	resync(d, d->ever_up ? "module reloaded" : "module loaded");
	d->ever_up = true;
}

/* The watch saw something, or a request found no family. */
static void module_check(struct daemon *d, unsigned int bits)
{
	if (d->up && swl_famwatch_stale(bits, d->req.family_id)) {
		disconnect_module(d);
		dlog(LOG_ERR, "the synwatch module went away (generic netlink family \"%s\" unregistered): no events until it is back; waiting for it",
		     SYNWATCH_GENL_NAME);
	}
	if (!d->up)
		reconnect(d);
}

static int open_log(struct daemon *d)
{
	int ret;

	if (!d->conf.log_file)
		return 0;
	ret = logfile_open(&d->log, d->conf.log_file, d->conf.log_max_bytes,
			   d->conf.log_keep);
	if (ret) {
		dlog(LOG_ERR, "cannot open %s: %s", d->conf.log_file, strerror(-ret));
		return ret;
	}
	d->log_open = true;
	return 0;
}

static void close_log(struct daemon *d)
{
	flush_log(d);
	if (d->log_open)
		logfile_close(&d->log);
	d->log_open = false;
}

static void report_conf_error(const char *msg, void *data)
{
	(void)data;
	dlog(LOG_ERR, "%s", msg);
}

static void schedule(struct daemon *d, uint64_t now)
{
	d->next_stats_ms = d->conf.stats_interval_ms ? now + d->conf.stats_interval_ms : 0;
	d->next_metrics_ms = d->conf.metrics_file ? now : 0;
}

/* SIGHUP: a bad file keeps the old configuration, whole. */
static void reload(struct daemon *d)
{
	struct dconf nc;
	bool restream;

	if (dconf_load(d->conf_path, !d->conf_given, &nc, report_conf_error, NULL)) {
		dlog(LOG_ERR, "configuration not reloaded; keeping the old one");
		dconf_free(&nc);
		return;
	}
	restream = dconf_stream_changed(&d->conf, &nc);
	dconf_free(&d->conf);
	d->conf = nc;
	dlog_setup(d->conf.use_syslog, d->conf.facility, d->foreground && isatty(STDERR_FILENO));
	d->alerts.command = d->conf.alert_command;
	d->alerts.min_interval_ms = d->conf.alert_min_interval_ms;
	d->alerts.timeout_ms = d->conf.alert_command_timeout_ms;
	/* also picks up a log file that logrotate moved away */
	close_log(d);
	open_log(d);
	if (restream && d->up) {
		swl_stream_close(&d->stream);
		if (open_stream(d)) {
			dlog(LOG_ERR, "cannot re-open the event socket; stopping");
			d->stop = true;
			return;
		}
		resync(d, "event selection changed");
	}
	schedule(d, swl_monotonic_ms());
	dlog(LOG_INFO, "configuration reloaded from %s", d->conf_path);
}

static void handle_signals(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			reload(d);
			break;
		case SIGCHLD:
			alerts_reap(&d->alerts);
			break;
		default:
			dlog(LOG_INFO, "signal %u: stopping", si.ssi_signo);
			d->stop = true;
		}
	}
}

/* The earliest timer, as a poll() timeout. */
static int next_timeout(const struct daemon *d, uint64_t now)
{
	uint64_t t[] = { d->next_stats_ms, d->next_metrics_ms, d->resync_due_ms,
			 alerts_next_tick(&d->alerts), d->up ? 0 : d->retry_ms,
			 d->lost_unlogged || d->overruns_unlogged ? d->next_loss_log_ms : 0 };
	uint64_t min = UINT64_MAX;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i] && t[i] < min)
			min = t[i];
	int stream = swl_stream_timeout(&d->stream, now);

	if (stream >= 0 && now + (uint64_t)stream < min)
		min = now + (uint64_t)stream;
	if (min == UINT64_MAX)
		return -1;
	return min <= now ? 0 : (int)(min - now > 60000 ? 60000 : min - now);
}

static void run_timers(struct daemon *d)
{
	uint64_t now = swl_monotonic_ms();

	if (!d->up && now >= d->retry_ms)
		reconnect(d);
	if (d->resync_due_ms && now >= d->resync_due_ms)
		resync(d, "events lost");
	if ((d->lost_unlogged || d->overruns_unlogged) && now >= d->next_loss_log_ms)
		report_losses(d, now);
	alerts_tick(&d->alerts, now);
	if (d->next_stats_ms && now >= d->next_stats_ms) {
		stats_line(d);
		d->next_stats_ms = now + d->conf.stats_interval_ms;
	}
	if (d->next_metrics_ms && now >= d->next_metrics_ms) {
		write_metrics(d);
		d->next_metrics_ms = now + d->conf.metrics_interval_ms;
	}
}

static int loop(struct daemon *d)
{
	while (!d->stop) {
		struct pollfd pfd[3] = {
			{ .fd = d->sfd, .events = POLLIN },
			{ .fd = swl_famwatch_fd(&d->fw), .events = POLLIN },
			/* none while the module is away */
			{ .fd = d->up ? swl_nl_fd(&d->stream.nl) : -1, .events = POLLIN },
		};
		int n = poll(pfd, 3, next_timeout(d, swl_monotonic_ms())), ret;

		if (n < 0 && errno != EINTR) {
			dlog(LOG_ERR, "poll: %s", strerror(errno));
			return SWL_EXIT_FAIL;
		}
		if (n > 0 && pfd[0].revents)
			handle_signals(d);
		if (n > 0 && pfd[1].revents && !d->stop)
			module_check(d, swl_famwatch_read(&d->fw));
		/* events, or a gap in them that is old enough to settle */
		if (d->up && ((n > 0 && pfd[2].revents) ||
			      !swl_stream_timeout(&d->stream, swl_monotonic_ms())) &&
		    !d->stop) {
			/* all that is queued, then its lines in one write */
			ret = swl_stream_read(&d->stream);
			flush_log(d);
			if (ret) {
				dlog(LOG_ERR, "reading events: %s", strerror(-ret));
				return SWL_EXIT_FAIL;
			}
		}
		run_timers(d);
		if (d->check_module && !d->stop) {
			d->check_module = false;
			module_check(d, SWL_FAM_UNSURE);
		}
		flush_log(d);
	}
	return SWL_EXIT_OK;
}

static const char usage[] =
	"Usage: synwatchd [-c FILE] [-f] [-t]\n"
	"\n"
	"Logs synwatch events (syslog and/or a JSON-lines file), raises SYN\n"
	"flood alerts, and writes Prometheus metrics; see synwatchd(8).\n"
	"\n"
	"  -c, --config FILE   configuration file (default " DCONF_DEFAULT_PATH ")\n"
	"  -f, --foreground    do not detach (use this under systemd)\n"
	"  -t, --test-config   check the configuration file and exit\n"
	"  -h, --help          this help\n"
	"\n"
	"Signals: HUP reloads the configuration (and reopens the log file),\n"
	"TERM and INT stop.\n";

static int parse_args(struct daemon *d, int argc, char **argv, bool *test)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "test-config", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "c:fth", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			d->conf_path = optarg;
			d->conf_given = true;
			break;
		case 'f':
			d->foreground = true;
			break;
		case 't':
			*test = true;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(SWL_EXIT_OK);
		default:
			fprintf(stderr, "Try 'synwatchd --help'.\n");
			return SWL_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "synwatchd: unexpected argument '%s'\nTry 'synwatchd --help'.\n",
			argv[optind]);
		return SWL_EXIT_USAGE;
	}
	return 0;
}

static int setup_signals(struct daemon *d)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	/* blocked, so that they are only ever read from the signalfd */
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	d->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return d->sfd < 0 ? -errno : 0;
}

static void print_conf_error(const char *msg, void *data)
{
	(void)data;
	fprintf(stderr, "synwatchd: %s\n", msg);
}

int main(int argc, char **argv)
{
	struct daemon d = { .conf_path = DCONF_DEFAULT_PATH, .sfd = -1 };
	bool test = false;
	const char *step;
	unsigned int n;
	int ret, err;

	swl_progname = "synwatchd";
	ret = parse_args(&d, argc, argv, &test);
	if (ret)
		return ret;
	/* the default file may be absent (defaults then); a given one not */
	if (dconf_load(d.conf_path, !d.conf_given, &d.conf, print_conf_error, NULL)) {
		dconf_free(&d.conf);
		return SWL_EXIT_USAGE;
	}
	if (test) {
		printf("%s: configuration OK\n", d.conf_path);
		dconf_free(&d.conf);
		return SWL_EXIT_OK;
	}
	dlog_setup(d.conf.use_syslog, d.conf.facility, d.foreground && isatty(STDERR_FILENO));
	alerts_init(&d.alerts);
	d.alerts.command = d.conf.alert_command;
	d.alerts.min_interval_ms = d.conf.alert_min_interval_ms;
	d.alerts.timeout_ms = d.conf.alert_command_timeout_ms;
	err = setup_signals(&d);
	if (err) {
		dlog(LOG_ERR, "signals: %s", strerror(-err));
		return SWL_EXIT_FAIL;
	}
	/* watch first: the module cannot come between a look and the watch */
	err = swl_famwatch_open(&d.fw);
	if (err) {
		dlog(LOG_ERR, "cannot watch the generic netlink controller for the synwatch module: %s",
		     strerror(-err));
		ret = SWL_EXIT_FAIL;
		goto out;
	}
	err = connect_module(&d, &step);
	if (err == -ENOENT && !strcmp(step, "open")) {
		/* under systemd too: the unit stays up, and says why */
		dlog(LOG_WARNING, "the synwatch module is not loaded (no generic netlink family \"%s\"): waiting for it (modprobe synwatch)",
		     SYNWATCH_GENL_NAME);
		d.retry_ms = swl_monotonic_ms() + RECONNECT_RETRY_MS;
		d.down_since_ms = swl_monotonic_ms();
	} else if (err) {
		ret = !strcmp(step, "open") ? swl_open_error(err) :
		      swl_request_error(&d.stream.nl, step, err);
		goto out_fw;
	} else {
		d.ever_up = true;
	}
	open_log(&d);
	if (!d.foreground && daemon(0, 0)) {
		dlog(LOG_ERR, "daemon: %s", strerror(errno));
		ret = SWL_EXIT_FAIL;
		goto out_stream;
	}
	dlog(LOG_INFO, "started: %s mode, events %s, buffer %d bytes%s",
	     d.conf.multicast ? "multicast" : "subscribe",
	     swl_event_mask_format((char[128]){ 0 }, 128, d.conf.events),
	     d.up ? d.stream.rcvbuf : 0, d.up ? "" : " (not yet: no module)");
	/* a flood already going on when we start is reported as ongoing */
	resync(&d, "startup");
	schedule(&d, swl_monotonic_ms());
	ret = loop(&d);
	/* no alert command outlives the daemon */
	n = alerts_stop(&d.alerts);
	if (n)
		dlog(LOG_INFO, "stopping: ended %u alert commands still running", n);
	if (d.conf.metrics_file)
		write_metrics(&d);
	dlog(LOG_INFO, "stopped: %" PRIu64 " events, %" PRIu64 " lost", d.events, d.lost);
out_stream:
	disconnect_module(&d);
	close_log(&d);
out_fw:
	disconnect_module(&d);
	swl_famwatch_close(&d.fw);
out:
	alerts_free(&d.alerts);
	dconf_free(&d.conf);
	free(d.j.buf);
	if (d.sfd >= 0)
		close(d.sfd);
	return ret;
}
