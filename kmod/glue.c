// SPDX-License-Identifier: GPL-2.0
/*
 * The per-packet glue, and the module as the engine's host.
 *
 * A packet: the table finds (or makes) its entry and runs sw_track() on
 * it under the record lock, held for the tracker only, never while
 * allocating or sending (conntab.c); then, the lock let go, the engine's
 * step (engine/step.c) turns the tracker's output into
 * counters, listener accounting and events, through the sw_host_*()
 * primitives defined here. "synwatch replay" defines the same primitives
 * over its own tables: the actions, and their order, are the same code.
 *
 * In the module the host is the netns (struct sw_net embeds its struct
 * sw_host) and a connection is named by its key.
 */
#include <linux/slab.h>
#include "glue.h"
#include "listener.h"
#include "delivery.h"
#include "prof.h"

static inline struct sw_net *sw_host_net(struct sw_host *h)
{
	return container_of(h, struct sw_net, host);
}

void sw_host_count(struct sw_host *h, enum sw_stat s)
{
	sw_stat_inc(sw_host_net(h), s);
}

bool sw_host_wants(struct sw_host *h, u8 type)
{
	return sw_event_wanted(sw_host_net(h), type);
}

void sw_host_lst_packet(struct sw_host *h, const void *conn,
			const struct sw_track_out *out, u32 born, u64 now)
{
	u64 t0 = sw_prof_start();

	sw_lst_packet(sw_host_net(h), conn, out, born, now);
	sw_prof_end(SW_PROF_LST, t0);
}

void sw_host_lst_forget(struct sw_host *h, const void *conn,
			const struct sw_rec *rec)
{
	sw_lst_forget(sw_host_net(h), conn, rec);
}

bool sw_host_lst_suppress(struct sw_host *h, const void *conn,
			  const struct sw_rec *rec)
{
	return sw_lst_suppress(sw_host_net(h), conn, rec);
}

void sw_host_emit_conn(struct sw_host *h, u8 type, const void *conn,
		       const struct sw_rec *rec, u8 old_state, u8 new_state,
		       u8 tcp_flags, u8 dir, u64 now)
{
	sw_event_conn(sw_host_net(h), type, conn, rec, old_state, new_state,
		      tcp_flags, dir, now);
}

void sw_host_emit_alert(struct sw_host *h, const void *lst,
			const struct sw_lst_acct *a, enum sw_flood_event ev,
			u64 now)
{
	sw_event_alert(sw_host_net(h), lst, a, ev, now);
}

void sw_glue_retire(struct sw_net *sn, struct sw_snap *s, u8 reason,
		    bool events, u64 now)
{
	if (!sn)	/* its netns is going away: nobody to tell */
		return;
	atomic_dec(&sn->nconns);
	sw_step_retire(&sn->host, &s->key, &s->rec, reason, 0,
		       SYNWATCH_DIR_NONE, events, now);
}

void sw_glue_evicted(struct sw_net *vsn, struct sw_snap *s, u64 now)
{
	if (vsn)
		sw_stat_inc(vsn, SW_STAT_EVICT);
	sw_glue_retire(vsn, s, SYNWATCH_CLOSE_EVICTED, true, now);
}

/*
 * The tuple is reused (SW_T_REOPEN): the old connection ends where it
 * stands, its entry starts the new one. Only closed records reopen: the
 * old one keeps its FIN or RST reason.
 */
void sw_glue_reopened(struct sw_net *sn, struct sw_snap *gone,
		      const struct sw_pkt *pkt, u8 dir, u64 now)
{
	sw_stat_inc(sn, SW_STAT_CONN_NEW);
	sw_step_retire(&sn->host, &gone->key, &gone->rec, SYNWATCH_CLOSE_NONE,
		       pkt->flags, dir, true, now);
}

struct sw_remove_arg {
	u32 netns;
	sw_conn_match_t match;
	const void *arg;
};

static bool sw_pick_remove(const struct sw_conn *c, void *arg)
{
	const struct sw_remove_arg *ra = arg;
	struct sw_snap s;

	if (c->key.netns != ra->netns)
		return false;
	if (!ra->match)
		return true;
	s.key = c->key;
	s.rec = c->rec;
	return ra->match(&s, ra->arg);
}

unsigned int sw_glue_remove(struct sw_net *sn, sw_conn_match_t match,
			    const void *arg, u8 reason, bool events)
{
	struct sw_remove_arg ra = { sn->id, match, arg };
	unsigned int b, i, n, total = 0;
	struct sw_snap *s;

	s = kmalloc_array(SW_REAP_BATCH, sizeof(*s), GFP_KERNEL);
	if (!s)
		return 0;
	for (b = 0; b < sw_conntab_buckets(); b++) {
		do {
			n = sw_conntab_reap(b, sw_pick_remove, &ra, s);
			for (i = 0; i < n; i++)
				sw_glue_retire(sn, &s[i], reason, events,
					       ktime_get_ns());
			total += n;
		} while (n == SW_REAP_BATCH);
		cond_resched();
	}
	kfree(s);
	return total;
}
