// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "metrics.h"
#include "names.h"

static void header(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void counter(FILE *f, const struct swl_stats *st, const char *name,
		    unsigned int attr, const char *help)
{
	if (!SWL_HAS(st, attr))
		return;
	header(f, name, "counter", help);
	fprintf(f, "%s %" PRIu64 "\n", name, st->val[attr]);
}

static void gauge(FILE *f, const char *name, uint64_t v, const char *help)
{
	header(f, name, "gauge", help);
	fprintf(f, "%s %" PRIu64 "\n", name, v);
}

/* label values: backslash, double quote and newline escaped */
static void label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void listener_labels(FILE *f, const struct swl_listener *l)
{
	char addr[SWL_FMT_LEN];

	fputs("{addr=\"", f);
	label_value(f, swl_fmt_addr(addr, &l->addr));
	fprintf(f, "\",port=\"%u\"}", l->port);
}

static void listener_metrics(FILE *f, const struct swl_vec *v)
{
	static const struct {
		const char *name, *type, *help;
	} m[] = {
		{ "synwatch_listener_half_open", "gauge", "Half-open connections now." },
		{ "synwatch_listener_syn_rate", "gauge", "SYNs per second (EWMA over ~1 s)." },
		{ "synwatch_listener_completion_ratio", "gauge", "Handshakes completed per SYN received, recent window, 0..1." },
		{ "synwatch_listener_flood", "gauge", "1 while a SYN flood alert is in progress." },
		{ "synwatch_listener_backlog_full", "gauge", "1 while SYNs go unanswered from few sources." },
		{ "synwatch_listener_syns_total", "counter", "SYNs received." },
		{ "synwatch_listener_completed_total", "counter", "Handshakes completed." },
	};
	const struct swl_listener *ls = v ? v->v : NULL;
	size_t n = v ? v->n : 0;

	for (size_t k = 0; k < sizeof(m) / sizeof(m[0]); k++) {
		header(f, m[k].name, m[k].type, m[k].help);
		for (size_t i = 0; i < n; i++) {
			const struct swl_listener *l = &ls[i];

			fputs(m[k].name, f);
			listener_labels(f, l);
			/* k follows the rows of m[] above */
			switch (k) {
			case 0: fprintf(f, " %" PRIu32 "\n", l->half_open); break;
			case 1: fprintf(f, " %" PRIu32 "\n", l->syn_rate); break;
			case 2: fprintf(f, " %.2f\n", l->completion_pct / 100.0); break;
			case 3: fprintf(f, " %d\n", l->status == SYNWATCH_LISTENER_FLOOD); break;
			case 4: fprintf(f, " %d\n", l->status == SYNWATCH_LISTENER_BACKLOG); break;
			case 5: fprintf(f, " %" PRIu64 "\n", l->syn_rx); break;
			default: fprintf(f, " %" PRIu64 "\n", l->completed); break;
			}
		}
	}
}

static void stats_metrics(FILE *f, const struct swl_stats *st)
{
	static const struct { const char *dir; unsigned int attr; } pk[] = {
		{ "in", SYNWATCH_A_STATS_PKTS_IN },
		{ "out", SYNWATCH_A_STATS_PKTS_OUT },
		{ "fwd", SYNWATCH_A_STATS_PKTS_FWD },
	};

	header(f, "synwatch_packets_total", "counter", "TCP segments seen, by direction.");
	for (size_t i = 0; i < sizeof(pk) / sizeof(pk[0]); i++)
		if (SWL_HAS(st, pk[i].attr))
			fprintf(f, "synwatch_packets_total{dir=\"%s\"} %" PRIu64 "\n",
				pk[i].dir, st->val[pk[i].attr]);
	header(f, "synwatch_invalid_packets_total", "counter", "Packets ignored as invalid, by reason.");
	for (unsigned int r = 1; r <= SYNWATCH_INVALID_MAX; r++)
		if ((st->invalid_have >> r) & 1)
			fprintf(f, "synwatch_invalid_packets_total{reason=\"%s\"} %" PRIu64 "\n",
				swl_invalid_names[r].json, st->invalid[r]);
	counter(f, st, "synwatch_connections_created_total", SYNWATCH_A_STATS_CONN_NEW, "Connection records created.");
	counter(f, st, "synwatch_evictions_total", SYNWATCH_A_STATS_EVICT, "Records evicted because the table was full.");
	counter(f, st, "synwatch_insert_failures_total", SYNWATCH_A_STATS_INSERT_FAILED, "Records that could not be created.");
	counter(f, st, "synwatch_expired_total", SYNWATCH_A_STATS_EXPIRED, "Records expired by timeout.");
	counter(f, st, "synwatch_events_sent_total", SYNWATCH_A_STATS_EVENTS_SENT, "Events sent by the module.");
	counter(f, st, "synwatch_events_dropped_total", SYNWATCH_A_STATS_EVENT_DROP, "Events the module could not deliver.");
	counter(f, st, "synwatch_events_suppressed_total", SYNWATCH_A_STATS_EVENT_SUPPRESSED, "Events summarised during floods.");
	counter(f, st, "synwatch_alerts_total", SYNWATCH_A_STATS_ALERTS, "Flood alerts raised.");
	gauge(f, "synwatch_table_entries", st->val[SYNWATCH_A_STATS_CONN_COUNT_TOTAL], "Records in the table (all namespaces).");
	gauge(f, "synwatch_table_capacity", st->val[SYNWATCH_A_STATS_CONN_MAX], "Table capacity (max_conns).");
	gauge(f, "synwatch_memory_bytes", st->val[SYNWATCH_A_STATS_MEM_BYTES], "Memory used by the table.");
}

static void daemon_metrics(FILE *f, const struct metrics_daemon *d)
{
	header(f, "synwatch_daemon_events_total", "counter", "Events received by synwatchd.");
	fprintf(f, "synwatch_daemon_events_total %" PRIu64 "\n", d->events);
	header(f, "synwatch_daemon_events_lost_total", "counter", "Events lost before synwatchd read them (sequence gaps).");
	fprintf(f, "synwatch_daemon_events_lost_total %" PRIu64 "\n", d->events_lost);
	header(f, "synwatch_daemon_buffer_overruns_total", "counter", "Receive buffer overruns (ENOBUFS).");
	fprintf(f, "synwatch_daemon_buffer_overruns_total %" PRIu64 "\n", d->overruns);
	header(f, "synwatch_daemon_resyncs_total", "counter", "State resynchronisations after loss.");
	fprintf(f, "synwatch_daemon_resyncs_total %" PRIu64 "\n", d->resyncs);
	header(f, "synwatch_daemon_reconnects_total", "counter", "Times the synwatch module came back after it went away (reloads).");
	fprintf(f, "synwatch_daemon_reconnects_total %" PRIu64 "\n", d->reconnects);
	gauge(f, "synwatch_daemon_floods_active", d->floods_active, "Floods synwatchd considers in progress.");
	header(f, "synwatch_daemon_alert_commands_total", "counter", "alert_command runs, and of those the failed and the ended by alert_command_timeout.");
	fprintf(f, "synwatch_daemon_alert_commands_total{result=\"run\"} %" PRIu64 "\n", d->alert_commands);
	fprintf(f, "synwatch_daemon_alert_commands_total{result=\"failed\"} %" PRIu64 "\n", d->alert_commands_failed);
	fprintf(f, "synwatch_daemon_alert_commands_total{result=\"timeout\"} %" PRIu64 "\n", d->alert_commands_timed_out);
	header(f, "synwatch_daemon_alert_commands_skipped_total", "counter", "alert_command not run: the most that may run at once were still running.");
	fprintf(f, "synwatch_daemon_alert_commands_skipped_total %" PRIu64 "\n", d->alert_commands_busy);
}

void metrics_write(FILE *f, const struct metrics_snapshot *m)
{
	gauge(f, "synwatch_up", m->up, "1 if the synwatch module answered.");
	if (m->up) {
		header(f, "synwatch_connections", "gauge", "Tracked connections by state.");
		for (unsigned int s = 0; s <= SYNWATCH_STATE_MAX; s++)
			fprintf(f, "synwatch_connections{state=\"%s\"} %" PRIu64 "\n",
				swl_state_names[s].json, m->states[s]);
		stats_metrics(f, &m->stats);
		listener_metrics(f, m->listeners);
	}
	daemon_metrics(f, &m->daemon);
}

int metrics_write_file(const char *path, const struct metrics_snapshot *m)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd, err = 0;

	/* same directory, so that rename() is atomic */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err;
	}
	metrics_write(f, m);
	if (fflush(f) || ferror(f))
		err = errno ? -errno : -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}
