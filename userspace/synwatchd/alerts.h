/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flood alerts: what the daemon knows of each listener's flood, the
 * start / "ongoing" / end messages, and the alert_command.
 *
 * The kernel's FLOOD_* events drive it, and so does a resync (a listener
 * dump after lost events or at startup): a FLOOD listener the daemon did
 * not know about is reported as "flood ongoing", one it knew that is no
 * longer FLOOD as ended, so that losing events or restarting never hides
 * an alert.
 */
#ifndef SWD_ALERTS_H
#define SWD_ALERTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "records.h"
#include "vec.h"

#define ALERTS_MAX_CHILDREN 8
/* after SIGTERM to its process group, a command has this long */
#define ALERTS_KILL_GRACE_MS 2000
/* one line per interval counts the commands not run (busy) */
#define ALERTS_BUSY_LOG_INTERVAL_MS 10000
#define ALERTS_DEFAULT_TIMEOUT_MS 30000

/* A running alert command: the leader of its own process group. */
struct alert_child {
	pid_t pid;
	uint64_t started_ms;
	uint64_t term_ms;		/* 0: not told to stop yet */
	bool killed;			/* SIGKILL sent */
};

struct alerts {
	struct swl_vec floods;		/* struct flood */
	const char *command;		/* alert_command or NULL */
	uint64_t min_interval_ms;
	uint64_t timeout_ms;		/* alert_command_timeout */
	unsigned int children;		/* alert commands running */
	struct alert_child child[ALERTS_MAX_CHILDREN];
	uint64_t started, ended, commands_run, commands_skipped,
		 commands_failed, commands_timed_out;
	uint64_t commands_busy;		/* not run: ALERTS_MAX_CHILDREN running */
	uint64_t busy_unlogged, next_busy_log_ms;
};

void alerts_init(struct alerts *a);
void alerts_free(struct alerts *a);

/* A FLOOD_START, FLOOD_UPDATE or FLOOD_END event. */
void alerts_event(struct alerts *a, const struct swl_event *ev, uint64_t now_ms);

/* A resync: begin, each listener of the dump, end. */
void alerts_resync_begin(struct alerts *a);
/* reason: SYNWATCH_ALERT_* (alerts_guess_reason()), or -1 if unknown */
void alerts_resync_listener(struct alerts *a, const struct swl_listener *l,
			    int reason, uint64_t now_ms);
void alerts_resync_end(struct alerts *a, uint64_t now_ms);

/*
 * Why a listener found in flood on a resync is flooded, since a listener
 * dump does not say: the test of the kernel's detector that its counters
 * meet now against the netns' flood.* settings c (the start marks first,
 * then the low marks that keep it going), as SYNWATCH_ALERT_*; -1 if
 * none does or c lacks them.
 */
int alerts_guess_reason(const struct swl_listener *l, const struct swl_config *c);

/* Floods the daemon currently knows of. */
unsigned int alerts_active(const struct alerts *a);

/* Reaps finished alert commands (on SIGCHLD); logs failures. */
void alerts_reap(struct alerts *a);

/*
 * Ends the commands that have run for timeout_ms (SIGTERM to the process
 * group, SIGKILL ALERTS_KILL_GRACE_MS later) and writes the summary of
 * the commands not run because too many were running.
 */
void alerts_tick(struct alerts *a, uint64_t now_ms);

/* When alerts_tick() next has work: a CLOCK_MONOTONIC ms, 0 for never. */
uint64_t alerts_next_tick(const struct alerts *a);

/*
 * The daemon stops: SIGTERM to every command's process group, SIGKILL to
 * those still there after ALERTS_KILL_GRACE_MS; returns when all are
 * reaped, with how many there were.
 */
unsigned int alerts_stop(struct alerts *a);

/*
 * Splits a command line on blanks, "double quotes" grouping; returns the
 * number of words (argv NULL-terminated) or -1 if more than max - 1.
 * s is modified in place.
 */
int alerts_split_command(char *s, char **argv, int max);

#endif
