// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>

#include "famwatch.h"

static int ctrl_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sw_famwatch *w = data;
	const struct genlmsghdr *g;

	/* notifications of every family come here: only ours count */
	if (!sw_nl_ctrl_names_us(nlh))
		return MNL_CB_OK;
	g = mnl_nlmsg_get_payload(nlh);
	if (g->cmd == CTRL_CMD_DELFAMILY)
		w->seen |= SW_FAM_GONE;
	else if (g->cmd == CTRL_CMD_NEWFAMILY)
		w->seen |= SW_FAM_NEW;
	return MNL_CB_OK;
}

int sw_famwatch_open(struct sw_famwatch *w)
{
	uint32_t grp;
	int ret;

	memset(w, 0, sizeof(*w));
	ret = sw_nl_open_ctrl(&w->nl);
	if (ret)
		return ret;
	ret = sw_nl_ctrl_group(&w->nl, "notify", &grp);
	if (!ret)
		ret = sw_nl_join_id(&w->nl, grp);
	if (ret) {
		sw_nl_close(&w->nl);
		return ret;
	}
	w->nl.on_event = ctrl_msg_cb;
	w->nl.event_data = w;
	return 0;
}

void sw_famwatch_close(struct sw_famwatch *w)
{
	sw_nl_close(&w->nl);
}

unsigned int sw_famwatch_read(struct sw_famwatch *w)
{
	unsigned int seen;

	for (;;) {
		int ret = sw_nl_recv_nowait(&w->nl);

		if (ret == -EINTR || ret == 0)
			continue;
		if (ret == -EAGAIN || ret == -EWOULDBLOCK)
			break;
		/* ENOBUFS (other families' churn filled it) or worse */
		w->seen |= SW_FAM_UNSURE;
		if (ret != -ENOBUFS)
			break;
	}
	seen = w->seen;
	w->seen = 0;
	return seen;
}

bool sw_famwatch_stale(unsigned int bits, uint16_t family_id)
{
	struct sw_nl probe;
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
	if (bits & SW_FAM_GONE)
		return true;
	if (!(bits & SW_FAM_UNSURE))
		return false;
	/* ask afresh: gone, or back under another id */
	if (sw_nl_open(&probe))
		return true;
	stale = probe.family_id != family_id;
	sw_nl_close(&probe);
	return stale;
}
