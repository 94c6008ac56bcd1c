/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An event stream: the socket that "synwatch monitor" and synwatchd read
 * events from, in one of two modes:
 *
 *   subscribe  SYNWATCH_CMD_SUBSCRIBE with a filter, so the kernel selects;
 *              loss is detected from gaps in SYNWATCH_A_EVENT_SUB_SEQ
 *   multicast  join the "conn" and/or "alert" groups, select here; loss is
 *              detected from SYNWATCH_A_EVENT_SEQ, which the kernel
 *              numbers per group: one sequence for each group joined
 *
 * Either way a large receive buffer is asked for, NETLINK_NO_ENOBUFS is
 * left off so that overruns are reported, and every loss reaches the
 * on_loss callback: nothing is lost silently.
 *
 * A gap is not yet a loss. The kernel takes a full batch (a datagram of
 * events, in sequence order) out under its lock but sends it after the
 * unlock, so two CPUs can deliver two batches of one sequence in either
 * order: a gap may fill in a moment later. A gap (a "hole") is counted as
 * lost only once it is proven:
 *  - SW_STREAM_REORDER_EVENTS later events of its sequence have been read
 *    and it is still open (no batch is ever that far overtaken), or
 *  - the socket was read empty SW_STREAM_REORDER_MS or more after the
 *    hole was seen: the batch that would fill it was sent within that
 *    time of the one that revealed it, so it would have been read.
 * An overrun (ENOBUFS) is proof that something was lost: it is told with
 * the count of the next hole proven, or alone once the socket has been
 * read empty with no hole open.
 */
#ifndef SW_STREAM_H
#define SW_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "filter.h"
#include "nl.h"
#include "records.h"

struct sw_stream;

/* A selected event. */
typedef void (*sw_event_cb)(struct sw_stream *s, const struct sw_event *ev,
			    void *data);
/*
 * Events were lost: lost is the count from the sequence gap, or 0 when
 * only the overrun is known so far (the count follows with the next
 * event). overrun: the socket buffer overran (ENOBUFS).
 */
typedef void (*sw_loss_cb)(struct sw_stream *s, uint64_t lost, bool overrun,
			   void *data);

struct sw_stream_opts {
	bool multicast;
	uint32_t event_mask;		/* 0: every type */
	const struct sw_filter *filter;	/* NULL: every connection */
	int rcvbuf;			/* bytes; 0: SW_STREAM_RCVBUF */
	sw_event_cb on_event;
	sw_loss_cb on_loss;
	void *data;
};

#define SW_STREAM_RCVBUF (8 << 20)
/* synwatchd's default buffer_size: it logs every event, in bursts too */
#define SW_DAEMON_RCVBUF (16 << 20)

/* A gap in one sequence: lo .. hi - 1 missing. */
struct sw_seq_hole {
	uint64_t lo, hi;
	uint64_t seen_at;		/* the sequence's event count then */
	uint64_t seen_ms;		/* CLOCK_MONOTONIC, when it was seen */
};

/* No batch is overtaken by this many events of its own sequence. */
#define SW_STREAM_REORDER_EVENTS 16384
/* ... nor sent this long after the batch that overtook it. */
#define SW_STREAM_REORDER_MS 1000
/* Holes kept open at most; past it the oldest is counted lost. */
#define SW_STREAM_MAX_HOLES 4096

/* One sequence: SUB_SEQ of the subscription, or SEQ of one group. */
struct sw_seq {
	bool on;			/* checked at all */
	bool have;			/* next is known */
	uint64_t next;			/* the highest number read, plus one */
	uint64_t count;			/* events read */
	struct sw_seq_hole *holes;	/* oldest first */
	size_t nholes, cap;
};

enum {
	SW_SEQ_SUB,			/* subscribe mode: SUB_SEQ */
	SW_SEQ_CONN,			/* multicast mode: SEQ of "conn" */
	SW_SEQ_ALERT,			/* multicast mode: SEQ of "alert" */
	SW_SEQ_N,
};

struct sw_stream {
	struct sw_nl nl;
	struct sw_stream_opts o;
	struct sw_filter filter;	/* copy, for multicast mode */
	struct sw_seq seq[SW_SEQ_N];
	bool overrun_pending;		/* ENOBUFS not yet told */
	int rcvbuf;			/* what the kernel granted */
	const char *failed_step;	/* set when sw_stream_open() fails */
	uint64_t events, lost, overruns;
	uint64_t late;			/* read after their hole was counted lost */
};

/*
 * Opens the socket, sizes its buffer, subscribes or joins. Returns 0 or
 * a negative errno with failed_step saying what failed ("open" means
 * sw_nl_open(): see sw_open_error()).
 */
int sw_stream_open(struct sw_stream *s, const struct sw_stream_opts *o);

/*
 * Reads what is queued, without waiting; handles ENOBUFS and EINTR
 * itself, and settles the holes when it reads the socket empty. 0 or a
 * negative errno.
 */
int sw_stream_read(struct sw_stream *s);

/*
 * Sequence accounting and selection of one decoded event, as done for
 * every event read, now_ms being sw_monotonic_ms(); separate so that it can
 * be tested without a kernel. Returns true if the event is selected.
 */
bool sw_stream_account(struct sw_stream *s, const struct sw_event *ev,
		       uint64_t now_ms);

/*
 * The socket has been read empty at now_ms: count the holes that have
 * been open SW_STREAM_REORDER_MS or more as lost, and tell an overrun
 * that no hole accounts for. sw_stream_read() calls it.
 */
void sw_stream_settle(struct sw_stream *s, uint64_t now_ms);

/*
 * When sw_stream_settle() next has something to prove (call
 * sw_stream_read() then, even without POLLIN): a poll() timeout in ms
 * from now_ms, or -1 if no hole is open.
 */
int sw_stream_timeout(const struct sw_stream *s, uint64_t now_ms);

/* Holes not yet proven either way, over every sequence. */
uint64_t sw_stream_unsettled(const struct sw_stream *s);

void sw_stream_close(struct sw_stream *s);

#endif
