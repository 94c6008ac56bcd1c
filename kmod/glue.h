/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-packet glue: the table's entry, the tracker under its lock,
 * then the engine's step (engine/step.h) with no lock held; and the end
 * of records (eviction, flush, netns exit, expiry).
 */
#ifndef _SW_GLUE_H
#define _SW_GLUE_H

#include "conntab.h"

/* A TCP segment of key's connection, in direction dir (hooks.c). */
void sw_glue_packet(struct sw_net *sn, const struct sw_key *key,
		    enum sw_dir dir, const struct sw_pkt *pkt);

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
