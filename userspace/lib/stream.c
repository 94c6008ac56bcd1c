// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "requests.h"
#include "stream.h"

static void report_loss(struct swl_stream *s, uint64_t lost)
{
	bool overrun = s->overrun_pending;

	s->overrun_pending = false;
	s->lost += lost;
	if (s->o.on_loss)
		s->o.on_loss(s, lost, overrun, s->o.data);
}

/* Which sequence an event counts in, or NULL if none is checked. */
static struct swl_seq *seq_of(struct swl_stream *s, const struct swl_event *ev,
			     uint64_t *nr)
{
	struct swl_seq *q;

	if (!s->o.multicast) {
		q = &s->seq[SWL_SEQ_SUB];
		if (!SWL_HAS(ev, SYNWATCH_A_EVENT_SUB_SEQ))
			return NULL;
		*nr = ev->sub_seq;
	} else {
		/* the kernel numbers each group on its own */
		bool alert = ev->type >= SYNWATCH_EVENT_FLOOD_START;

		q = &s->seq[alert ? SWL_SEQ_ALERT : SWL_SEQ_CONN];
		if (!SWL_HAS(ev, SYNWATCH_A_EVENT_SEQ))
			return NULL;
		*nr = ev->seq;
	}
	/* 0 is "not numbered" (a subscriber's copy of SEQ, say) */
	return q->on && *nr ? q : NULL;
}

/* Holes i .. i + n - 1 are gone (filled, or counted lost). */
static void drop_holes(struct swl_seq *q, size_t i, size_t n)
{
	memmove(q->holes + i, q->holes + i + n,
		(q->nholes - i - n) * sizeof(*q->holes));
	q->nholes -= n;
}

/* Room for one more hole at index i; false if there is none to be had. */
static bool make_room(struct swl_seq *q, size_t i)
{
	if (q->nholes == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		struct swl_seq_hole *h = realloc(q->holes, cap * sizeof(*h));

		if (!h)
			return false;
		q->holes = h;
		q->cap = cap;
	}
	memmove(q->holes + i + 1, q->holes + i,
		(q->nholes - i) * sizeof(*q->holes));
	q->nholes++;
	return true;
}

/* A number at or past next: the numbers skipped are a new hole. */
static uint64_t open_hole(struct swl_seq *q, uint64_t nr, uint64_t now_ms)
{
	uint64_t lost = 0;

	/*
	 * Too many holes open: the oldest is by far the most likely lost;
	 * counting it now keeps the memory bounded. Only a reader losing
	 * datagram after datagram gets here.
	 */
	if (q->nholes >= SWL_STREAM_MAX_HOLES) {
		lost = q->holes[0].hi - q->holes[0].lo;
		drop_holes(q, 0, 1);
	}
	if (!make_room(q, q->nholes))
		return lost + (nr - q->next);	/* no memory: cannot wait */
	q->holes[q->nholes - 1] = (struct swl_seq_hole){
		.lo = q->next, .hi = nr, .seen_at = q->count, .seen_ms = now_ms,
	};
	return lost;
}

/* A number below next: it fills (part of) a hole, or it comes too late. */
static bool fill_hole(struct swl_seq *q, uint64_t nr)
{
	for (size_t i = 0; i < q->nholes; i++) {
		struct swl_seq_hole *h = &q->holes[i];

		if (nr < h->lo || nr >= h->hi)
			continue;
		if (nr == h->lo) {
			h->lo++;
		} else if (nr == h->hi - 1) {
			h->hi--;
		} else {
			/* split in two, both seen when the whole was */
			if (!make_room(q, i + 1))
				return true;	/* keep it whole: counted later */
			h = &q->holes[i];
			h[1] = *h;
			h[1].lo = nr + 1;
			h->hi = nr;
		}
		if (h->lo == h->hi)
			drop_holes(q, i, 1);
		return true;
	}
	return false;
}

/* The oldest holes, while old enough to be proven lost. */
static uint64_t expire_holes(struct swl_seq *q, uint64_t now_ms, bool drained)
{
	uint64_t lost = 0;
	size_t n = 0;

	for (; n < q->nholes; n++) {
		const struct swl_seq_hole *h = &q->holes[n];

		if (q->count - h->seen_at < SWL_STREAM_REORDER_EVENTS &&
		    !(drained && now_ms - h->seen_ms >= SWL_STREAM_REORDER_MS))
			break;
		lost += h->hi - h->lo;
	}
	drop_holes(q, 0, n);
	return lost;
}

static uint64_t account_seq(struct swl_stream *s, struct swl_seq *q, uint64_t nr,
			    uint64_t now_ms)
{
	uint64_t lost = 0;

	q->count++;
	if (!q->have) {
		q->have = true;
		q->next = nr + 1;
	} else if (nr >= q->next) {
		if (nr > q->next)
			lost = open_hole(q, nr, now_ms);
		q->next = nr + 1;
	} else if (!fill_hole(q, nr)) {
		if (nr == 1) {
			/* a counter that started again: a new baseline */
			q->nholes = 0;
			q->next = 2;
		} else {
			/* its hole was counted lost: the window was short */
			s->late++;
		}
	}
	return lost + expire_holes(q, now_ms, false);
}

bool swl_stream_account(struct swl_stream *s, const struct swl_event *ev,
		       uint64_t now_ms)
{
	struct swl_seq *q;
	uint64_t nr = 0, lost;

	q = seq_of(s, ev, &nr);
	if (q) {
		lost = account_seq(s, q, nr, now_ms);
		if (lost)
			report_loss(s, lost);
	}
	if (s->o.event_mask && !(s->o.event_mask & (1U << ev->type)))
		return false;
	/* in subscribe mode the kernel has applied the filter already */
	if (s->o.multicast && ev->has_conn &&
	    !swl_filter_match(&s->filter, &ev->conn))
		return false;
	return true;
}

void swl_stream_settle(struct swl_stream *s, uint64_t now_ms)
{
	uint64_t lost = 0;
	size_t open = 0;

	for (int i = 0; i < SWL_SEQ_N; i++) {
		lost += expire_holes(&s->seq[i], now_ms, true);
		open += s->seq[i].nholes;
	}
	if (lost || (s->overrun_pending && !open))
		report_loss(s, lost);
}

int swl_stream_timeout(const struct swl_stream *s, uint64_t now_ms)
{
	uint64_t due = UINT64_MAX;

	for (int i = 0; i < SWL_SEQ_N; i++) {
		const struct swl_seq *q = &s->seq[i];

		if (q->nholes && q->holes[0].seen_ms + SWL_STREAM_REORDER_MS < due)
			due = q->holes[0].seen_ms + SWL_STREAM_REORDER_MS;
	}
	if (due == UINT64_MAX)
		return -1;
	return due <= now_ms ? 0 : (int)(due - now_ms);
}

uint64_t swl_stream_unsettled(const struct swl_stream *s)
{
	uint64_t n = 0;

	for (int i = 0; i < SWL_SEQ_N; i++)
		for (size_t j = 0; j < s->seq[i].nholes; j++)
			n += s->seq[i].holes[j].hi - s->seq[i].holes[j].lo;
	return n;
}

static int event_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct swl_stream *s = data;
	struct swl_event ev;

	if (nlh->nlmsg_type != s->nl.family_id)
		return MNL_CB_OK;
	if (swl_decode_event(nlh, &ev)) {
		/* one bad message is not a reason to stop watching */
		return MNL_CB_OK;
	}
	if (!swl_stream_account(s, &ev, swl_monotonic_ms()))
		return MNL_CB_OK;
	s->events++;
	if (s->o.on_event)
		s->o.on_event(s, &ev, s->o.data);
	return MNL_CB_OK;
}

static void note_overrun(struct swl_stream *s)
{
	s->overruns++;
	s->overrun_pending = true;
}

/*
 * Everything queued, datagram after datagram, without waiting: one wakeup
 * for all that came meanwhile. At most SWL_STREAM_DRAIN_MAX datagrams, so
 * that timers and signals still get their turn under a flood.
 */
#define SWL_STREAM_DRAIN_MAX 256

int swl_stream_read(struct swl_stream *s)
{
	for (int i = 0; i < SWL_STREAM_DRAIN_MAX; i++) {
		int ret = swl_nl_recv_nowait(&s->nl);

		if (ret == -ENOBUFS) {
			note_overrun(s);
			continue;
		}
		if (ret == -EAGAIN || ret == -EWOULDBLOCK) {
			swl_stream_settle(s, swl_monotonic_ms());
			return 0;
		}
		if (ret == -EINTR)
			continue;
		if (ret)
			return ret;
	}
	return 0;
}

static int join_groups(struct swl_stream *s)
{
	uint32_t mask = s->o.event_mask ? s->o.event_mask : SYNWATCH_EVENT_MASK_ALL;
	bool conn = mask & SWL_CONN_EVENTS, alert = mask & SWL_ALERT_EVENTS;
	int ret = 0;

	if (conn)
		ret = swl_nl_join(&s->nl, SYNWATCH_MCGRP_CONN);
	if (!ret && alert)
		ret = swl_nl_join(&s->nl, SYNWATCH_MCGRP_ALERT);
	/* each group numbers its events on its own */
	s->seq[SWL_SEQ_CONN].on = conn;
	s->seq[SWL_SEQ_ALERT].on = alert;
	s->failed_step = "joining the multicast groups";
	return ret;
}

int swl_stream_open(struct swl_stream *s, const struct swl_stream_opts *o)
{
	struct swl_filter f;
	int ret;

	memset(s, 0, sizeof(*s));
	s->o = *o;
	if (o->filter)
		s->filter = *o->filter;
	else
		swl_filter_init(&s->filter);
	s->failed_step = "open";
	ret = swl_nl_open(&s->nl);
	if (ret)
		return ret;
	s->nl.on_event = event_msg_cb;
	s->nl.event_data = s;
	/*
	 * Bursts (a flood, a flush) come faster than anyone prints; the
	 * buffer is what absorbs them. SO_RCVBUFFORCE passes rmem_max when
	 * we have CAP_NET_ADMIN.
	 */
	ret = swl_nl_set_rcvbuf(&s->nl, o->rcvbuf ? o->rcvbuf : SWL_STREAM_RCVBUF);
	s->rcvbuf = ret > 0 ? ret : 0;
	if (o->multicast) {
		ret = join_groups(s);
	} else {
		f = s->filter;
		f.event_mask = o->event_mask ? o->event_mask : SYNWATCH_EVENT_MASK_ALL;
		/* datagrams of many events, as large as we read */
		f.batch_bytes = (uint32_t)s->nl.recvbuf_len;
		/* a new subscription numbers from 1: a loss of its first
		 * batch is a hole too */
		s->seq[SWL_SEQ_SUB].on = true;
		s->seq[SWL_SEQ_SUB].have = true;
		s->seq[SWL_SEQ_SUB].next = 1;
		s->failed_step = "subscribing";
		ret = swl_subscribe(&s->nl, &f);
	}
	if (ret) {
		swl_nl_close(&s->nl);
		return ret;
	}
	s->failed_step = NULL;
	return 0;
}

void swl_stream_close(struct swl_stream *s)
{
	swl_nl_close(&s->nl);
	for (int i = 0; i < SWL_SEQ_N; i++) {
		free(s->seq[i].holes);
		s->seq[i].holes = NULL;
		s->seq[i].nholes = s->seq[i].cap = 0;
	}
}
