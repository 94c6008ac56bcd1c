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
 *  - SWL_STREAM_REORDER_EVENTS later events of its sequence have been read
 *    and it is still open (no batch is ever that far overtaken), or
 *  - the socket was read empty SWL_STREAM_REORDER_MS or more after the
 *    hole was seen: the batch that would fill it was sent within that
 *    time of the one that revealed it, so it would have been read.
 * An overrun (ENOBUFS) is proof that something was lost: it is told with
 * the count of the next hole proven, or alone once the socket has been
 * read empty with no hole open.
 */
#ifndef SWL_STREAM_H
#define SWL_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "filter.h"
#include "nl.h"
#include "records.h"

struct swl_stream;

/* A selected event. */
typedef void (*swl_event_cb)(struct swl_stream *s, const struct swl_event *ev,
			    void *data);
/*
 * Events were lost: lost is the count from the sequence gap, or 0 when
 * only the overrun is known so far (the count follows with the next
 * event). overrun: the socket buffer overran (ENOBUFS).
 */
typedef void (*swl_loss_cb)(struct swl_stream *s, uint64_t lost, bool overrun,
			   void *data);

struct swl_stream_opts {
	bool multicast;
	uint32_t event_mask;		/* 0: every type */
	const struct swl_filter *filter;	/* NULL: every connection */
	int rcvbuf;			/* bytes; 0: SWL_STREAM_RCVBUF */
	swl_event_cb on_event;
	swl_loss_cb on_loss;
	void *data;
};

#define SWL_STREAM_RCVBUF (8 << 20)
/* synwatchd's default buffer_size: it logs every event, in bursts too */
#define SWL_DAEMON_RCVBUF (16 << 20)

/* A gap in one sequence: lo .. hi - 1 missing. */
struct swl_seq_hole {
	uint64_t lo, hi;
	uint64_t seen_at;		/* the sequence's event count then */
	uint64_t seen_ms;		/* CLOCK_MONOTONIC, when it was seen */
};

/* No batch is overtaken by this many events of its own sequence. */
#define SWL_STREAM_REORDER_EVENTS 16384
/* ... nor sent this long after the batch that overtook it. */
#define SWL_STREAM_REORDER_MS 1000
/* Holes kept open at most; past it the oldest is counted lost. */
#define SWL_STREAM_MAX_HOLES 4096

/* One sequence: SUB_SEQ of the subscription, or SEQ of one group. */
struct swl_seq {
	bool on;			/* checked at all */
	bool have;			/* next is known */
	uint64_t next;			/* the highest number read, plus one */
	uint64_t count;			/* events read */
	struct swl_seq_hole *holes;	/* oldest first */
	size_t nholes, cap;
};

enum {
	SWL_SEQ_SUB,			/* subscribe mode: SUB_SEQ */
	SWL_SEQ_CONN,			/* multicast mode: SEQ of "conn" */
	SWL_SEQ_ALERT,			/* multicast mode: SEQ of "alert" */
	SWL_SEQ_N,
};

struct swl_stream {
	struct swl_nl nl;
	struct swl_stream_opts o;
	struct swl_filter filter;	/* copy, for multicast mode */
	struct swl_seq seq[SWL_SEQ_N];
	bool overrun_pending;		/* ENOBUFS not yet told */
	int rcvbuf;			/* what the kernel granted */
	const char *failed_step;	/* set when swl_stream_open() fails */
	uint64_t events, lost, overruns;
	uint64_t late;			/* read after their hole was counted lost */
};

/*
 * Opens the socket, sizes its buffer, subscribes or joins. Returns 0 or
 * a negative errno with failed_step saying what failed ("open" means
 * swl_nl_open(): see swl_open_error()).
 */
int swl_stream_open(struct swl_stream *s, const struct swl_stream_opts *o);

/*
 * Reads what is queued, without waiting; handles ENOBUFS and EINTR
 * itself, and settles the holes when it reads the socket empty. 0 or a
 * negative errno.
 */
int swl_stream_read(struct swl_stream *s);

/*
 * Sequence accounting and selection of one decoded event, as done for
 * every event read, now_ms being swl_monotonic_ms(); separate so that it can
 * be tested without a kernel. Returns true if the event is selected.
 */
bool swl_stream_account(struct swl_stream *s, const struct swl_event *ev,
		       uint64_t now_ms);

/*
 * The socket has been read empty at now_ms: count the holes that have
 * been open SWL_STREAM_REORDER_MS or more as lost, and tell an overrun
 * that no hole accounts for. swl_stream_read() calls it.
 */
void swl_stream_settle(struct swl_stream *s, uint64_t now_ms);

/*
 * When swl_stream_settle() next has something to prove (call
 * swl_stream_read() then, even without POLLIN): a poll() timeout in ms
 * from now_ms, or -1 if no hole is open.
 */
int swl_stream_timeout(const struct swl_stream *s, uint64_t now_ms);

/* Holes not yet proven either way, over every sequence. */
uint64_t swl_stream_unsettled(const struct swl_stream *s);

void swl_stream_close(struct swl_stream *s);

#endif
