/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus text exposition for node_exporter's textfile collector,
 * written atomically (temporary file + rename) so that the collector never
 * reads half a file.
 */
#ifndef SWD_METRICS_H
#define SWD_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "records.h"
#include "vec.h"

struct metrics_daemon {
	uint64_t events, events_lost, overruns, resyncs, reconnects, floods_active,
		 alert_commands, alert_commands_failed, alert_commands_timed_out,
		 alert_commands_busy;
};

struct metrics_snapshot {
	bool up;			/* the module answered */
	struct swl_stats stats;
	uint64_t states[SYNWATCH_STATE_MAX + 1];
	const struct swl_vec *listeners;	/* struct swl_listener */
	struct metrics_daemon daemon;
};

void metrics_write(FILE *f, const struct metrics_snapshot *m);

/* Writes path atomically; 0 or a negative errno. */
int metrics_write_file(const char *path, const struct metrics_snapshot *m);

#endif
