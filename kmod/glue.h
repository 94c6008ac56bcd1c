/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-packet glue: the table's entry, the tracker under its lock,
 * then the engine's step (engine/step.h) with no lock held; and the end
 * of records (eviction, flush, netns exit, expiry).
 */
#ifndef _SW_GLUE_H
#define _SW_GLUE_H

#include "conntab.h"
#include "prof.h"

/* The tuple of gone was reused: gone ends (glue.c). */
void sw_glue_reopened(struct sw_net *sn, struct sw_snap *gone,
		      const struct sw_pkt *pkt, u8 dir, u64 now);

/*
 * A TCP segment of key's connection, in direction dir (hooks.c). Inline
 * in the hook: the table's sw_conntab_track() is the packet's one call
 * unless the step has something to do.
 */
static __always_inline void sw_glue_packet(struct sw_net *sn,
					   const struct sw_key *key,
					   enum sw_dir dir,
					   const struct sw_pkt *pkt)
{
	u8 udir = dir == SW_DIR_IN ? SYNWATCH_DIR_IN : SYNWATCH_DIR_OUT;
	struct sw_tracked t __sw_uninit;
	u64 now, t0;

	t0 = sw_prof_start();
	now = ktime_get_ns();
	sw_prof_end(SW_PROF_CLOCK, t0);
	if (!sw_conntab_track(sn, key, dir, pkt, now, &t))
		return;
	t0 = sw_prof_start();
	if (unlikely(t.reopened))
		sw_glue_reopened(sn, &t.gone, pkt, udir, now);
	if (unlikely(t.err))
		sw_stat_invalid(sn, t.out.invalid);
	else
		sw_step_packet(&sn->host, key, t.copied ? &t.copy : NULL,
			       t.born, &t.out, pkt->flags, udir, now);
	sw_prof_end(SW_PROF_AFTER, t0);
}

/* A record left the table (s: its copy); its netns is sn, or NULL. */
void sw_glue_retire(struct sw_net *sn, struct sw_snap *s, u8 reason,
		    bool events, u64 now);

/*
 * Take out, and retire, the records of a netns that match (all: match
 * NULL): FLUSH, netns exit, unload. Process context.
 */
unsigned int sw_glue_remove(struct sw_net *sn, sw_conn_match_t match,
			    const void *arg, u8 reason, bool events);

#endif /* _SW_GLUE_H */
