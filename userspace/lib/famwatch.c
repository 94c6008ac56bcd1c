// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>

#include "famwatch.h"

static int ctrl_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct swl_famwatch *w = data;
	const struct genlmsghdr *g;

	/* notifications of every family come here: only ours count */
	if (!swl_nl_ctrl_names_us(nlh))
		return MNL_CB_OK;
	g = mnl_nlmsg_get_payload(nlh);
	if (g->cmd == CTRL_CMD_DELFAMILY)
		w->seen |= SWL_FAM_GONE;
	else if (g->cmd == CTRL_CMD_NEWFAMILY)
		w->seen |= SWL_FAM_NEW;
	return MNL_CB_OK;
}

int swl_famwatch_open(struct swl_famwatch *w)
{
	uint32_t grp;
	int ret;

	memset(w, 0, sizeof(*w));
	ret = swl_nl_open_ctrl(&w->nl);
	if (ret)
		return ret;
	ret = swl_nl_ctrl_group(&w->nl, "notify", &grp);
	if (!ret)
		ret = swl_nl_join_id(&w->nl, grp);
	if (ret) {
		swl_nl_close(&w->nl);
		return ret;
	}
	w->nl.on_event = ctrl_msg_cb;
	w->nl.event_data = w;
	return 0;
}

void swl_famwatch_close(struct swl_famwatch *w)
{
	swl_nl_close(&w->nl);
}

unsigned int swl_famwatch_read(struct swl_famwatch *w)
{
	unsigned int seen;

	for (;;) {
		int ret = swl_nl_recv_nowait(&w->nl);

		if (ret == -EINTR || ret == 0)
			continue;
		if (ret == -EAGAIN || ret == -EWOULDBLOCK)
			break;
		/* ENOBUFS (other families' churn filled it) or worse */
		w->seen |= SWL_FAM_UNSURE;
		if (ret != -ENOBUFS)
			break;
	}
	seen = w->seen;
	w->seen = 0;
	return seen;
}

bool swl_famwatch_stale(unsigned int bits, uint16_t family_id)
{
	struct swl_nl probe;
	bool stale;

	/*
	 * Only a DELFAMILY ends a connection. Notifications come in order and
	 * each read takes all that are queued, so the DELFAMILY of the
	 * instance we are connected to is always read before (or with) the
	 * NEWFAMILY of the next one. A NEWFAMILY read alone while connected
	 * is that of the instance we are connected to: after a DELFAMILY we
	 * reconnect at once, and the reloaded module's family can be found
	 * (and subscribed to) before its NEWFAMILY is read, or even sent.
	 * Taking it for another reload disconnected a live module, logged a
	 * departure that never happened and counted a reconnect too many
	 * (23 to 27 for 20 reloads in stress_lifecycle).
	 */
	if (bits & SWL_FAM_GONE)
		return true;
	if (!(bits & SWL_FAM_UNSURE))
		return false;
	/* ask afresh: gone, or back under another id */
	if (swl_nl_open(&probe))
		return true;
	stale = probe.family_id != family_id;
	swl_nl_close(&probe);
	return stale;
}
