/* SPDX-License-Identifier: GPL-2.0 */
/*
 * synwatchd's configuration file: "key = value" lines, '#' comments,
 * values optionally in double quotes. See synwatchd(8) for the keys.
 */
#ifndef SWD_DCONF_H
#define SWD_DCONF_H

#include <stdbool.h>
#include <stdint.h>

#include "filter.h"

#define DCONF_DEFAULT_PATH "/etc/synwatch/synwatchd.conf"

struct dconf {
	uint32_t events;		/* SYNWATCH_EVENT_* bits */
	bool multicast;			/* mode = multicast */
	struct swl_filter filter;	/* filter = conns filter words */
	bool use_syslog;
	int facility;			/* LOG_DAEMON, LOG_LOCAL0... */
	char *log_file;			/* NULL: no JSON-lines file */
	uint64_t log_max_bytes;
	unsigned int log_keep;
	char *alert_command;		/* NULL: none */
	uint64_t alert_min_interval_ms;
	uint64_t alert_command_timeout_ms;
	uint64_t stats_interval_ms;	/* 0: no stats line */
	char *metrics_file;		/* NULL: no metrics */
	uint64_t metrics_interval_ms;
	uint64_t loss_log_interval_ms;
	uint64_t buffer_size;
};

/* Called once per problem with "file:line: message". */
typedef void (*dconf_report_fn)(const char *msg, void *data);

void dconf_defaults(struct dconf *c);

/*
 * Reads path into *c (starting from the defaults). Returns the number of
 * errors, each passed to report; on errors *c is still filled but must
 * not be used. A missing file is an error unless missing_ok.
 */
int dconf_load(const char *path, bool missing_ok, struct dconf *c,
	       dconf_report_fn report, void *data);

void dconf_free(struct dconf *c);

/* Whether a change between a and b needs a new event socket. */
bool dconf_stream_changed(const struct dconf *a, const struct dconf *b);

#endif
