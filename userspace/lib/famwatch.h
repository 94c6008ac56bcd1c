/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Watching the synwatch module come and go: a socket in the generic
 * netlink controller's "notify" group, which tells every netns when a
 * family is registered (CTRL_CMD_NEWFAMILY) or unregistered
 * (CTRL_CMD_DELFAMILY). When the module is unloaded its subscriptions
 * and group memberships vanish without a word on the event socket, and
 * a reloaded module's family has a new id: a reader must notice, wait,
 * and open everything again (synwatchd, synwatch monitor).
 */
#ifndef SWL_FAMWATCH_H
#define SWL_FAMWATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

/* What swl_famwatch_read() saw, as bits. */
#define SWL_FAM_GONE	1U	/* the synwatch family was unregistered */
#define SWL_FAM_NEW	2U	/* ... registered (again) */
#define SWL_FAM_UNSURE	4U	/* the watch overran: a change may be missed */

struct swl_famwatch {
	struct swl_nl nl;
	unsigned int seen;
};

/* Opens the watch. 0 or a negative errno. */
int swl_famwatch_open(struct swl_famwatch *w);
void swl_famwatch_close(struct swl_famwatch *w);

static inline int swl_famwatch_fd(const struct swl_famwatch *w)
{
	return swl_nl_fd(&w->nl);
}

/* Reads every notification queued, without waiting: SWL_FAM_* bits. */
unsigned int swl_famwatch_read(struct swl_famwatch *w);

/*
 * Whether sockets opened on family id family_id are stale after what the
 * watch saw (bits): the family went (a reload: a NEWFAMILY alone is the
 * instance already connected to, see famwatch.c), or, when unsure, it is
 * no longer there under that id.
 */
bool swl_famwatch_stale(unsigned int bits, uint16_t family_id);

#endif
