// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "requests.h"
#include "stream.h"

static void report_loss(struct sw_stream *s, uint64_t lost)
{
	bool overrun = s->overrun_pending;

	s->overrun_pending = false;
	s->lost += lost;
	if (s->o.on_loss)
		s->o.on_loss(s, lost, overrun, s->o.data);
}

bool sw_stream_account(struct sw_stream *s, const struct sw_event *ev)
{
	unsigned int attr = s->o.multicast ? SYNWATCH_A_EVENT_SEQ
					   : SYNWATCH_A_EVENT_SUB_SEQ;
	uint64_t seq = s->o.multicast ? ev->seq : ev->sub_seq;

	if (s->check_seq && SW_HAS(ev, attr)) {
		/* seq <= last: a restarted counter (new SUBSCRIBE, module
		 * reloaded); take it as the new baseline. */
		if (s->have_last && seq > s->last + 1)
			report_loss(s, seq - s->last - 1);
		s->last = seq;
		s->have_last = true;
	}
	if (s->overrun_pending && s->check_seq && s->have_last)
		report_loss(s, 0);	/* overrun, yet no gap: tell anyway */
	if (s->o.event_mask && !(s->o.event_mask & (1U << ev->type)))
		return false;
	/* in subscribe mode the kernel has applied the filter already */
	if (s->o.multicast && ev->has_conn &&
	    !sw_filter_match(&s->filter, &ev->conn))
		return false;
	return true;
}

void sw_stream_resync(struct sw_stream *s)
{
	s->have_last = false;
}

static int event_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sw_stream *s = data;
	struct sw_event ev;

	if (nlh->nlmsg_type != s->nl.family_id)
		return MNL_CB_OK;
	if (sw_decode_event(nlh, &ev)) {
		/* one bad message is not a reason to stop watching */
		return MNL_CB_OK;
	}
	if (!sw_stream_account(s, &ev))
		return MNL_CB_OK;
	s->events++;
	if (s->o.on_event)
		s->o.on_event(s, &ev, s->o.data);
	return MNL_CB_OK;
}

static void note_overrun(struct sw_stream *s)
{
	s->overruns++;
	s->overrun_pending = true;
	/* Without sequence numbers to count with, say it now. */
	if (!s->check_seq)
		report_loss(s, 0);
}

/*
 * Everything queued, datagram after datagram, without waiting: one wakeup
 * for all that came meanwhile. At most SW_STREAM_DRAIN_MAX datagrams, so
 * that timers and signals still get their turn under a flood.
 */
#define SW_STREAM_DRAIN_MAX 256

int sw_stream_read(struct sw_stream *s)
{
	for (int i = 0; i < SW_STREAM_DRAIN_MAX; i++) {
		int ret = sw_nl_recv_nowait(&s->nl);

		if (ret == -ENOBUFS) {
			note_overrun(s);
			continue;
		}
		if (ret == -EAGAIN || ret == -EWOULDBLOCK)
			return 0;
		if (ret == -EINTR)
			continue;
		if (ret)
			return ret;
	}
	return 0;
}

static int join_groups(struct sw_stream *s)
{
	uint32_t mask = s->o.event_mask ? s->o.event_mask : SYNWATCH_EVENT_MASK_ALL;
	bool conn = mask & SW_CONN_EVENTS, alert = mask & SW_ALERT_EVENTS;
	int ret = 0;

	if (conn)
		ret = sw_nl_join(&s->nl, SYNWATCH_MCGRP_CONN);
	if (!ret && alert)
		ret = sw_nl_join(&s->nl, SYNWATCH_MCGRP_ALERT);
	/* SEQ counts the events of both groups: only then is a jump a loss */
	s->check_seq = conn && alert;
	s->failed_step = "joining the multicast groups";
	return ret;
}

int sw_stream_open(struct sw_stream *s, const struct sw_stream_opts *o)
{
	struct sw_filter f;
	int ret;

	memset(s, 0, sizeof(*s));
	s->o = *o;
	if (o->filter)
		s->filter = *o->filter;
	else
		sw_filter_init(&s->filter);
	s->failed_step = "open";
	ret = sw_nl_open(&s->nl);
	if (ret)
		return ret;
	s->nl.on_event = event_msg_cb;
	s->nl.event_data = s;
	/*
	 * Bursts (a flood, a flush) come faster than anyone prints; the
	 * buffer is what absorbs them. SO_RCVBUFFORCE passes rmem_max when
	 * we have CAP_NET_ADMIN.
	 */
	ret = sw_nl_set_rcvbuf(&s->nl, o->rcvbuf ? o->rcvbuf : SW_STREAM_RCVBUF);
	s->rcvbuf = ret > 0 ? ret : 0;
	if (o->multicast) {
		ret = join_groups(s);
	} else {
		f = s->filter;
		f.event_mask = o->event_mask ? o->event_mask : SYNWATCH_EVENT_MASK_ALL;
		/* datagrams of many events, as large as we read */
		f.batch_bytes = (uint32_t)s->nl.recvbuf_len;
		s->check_seq = true;
		s->failed_step = "subscribing";
		ret = sw_subscribe(&s->nl, &f);
	}
	if (ret) {
		sw_nl_close(&s->nl);
		return ret;
	}
	s->failed_step = NULL;
	return 0;
}

void sw_stream_close(struct sw_stream *s)
{
	sw_nl_close(&s->nl);
}
