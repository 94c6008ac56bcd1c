/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A generic netlink session with the synwatch module, on libmnl.
 *
 * Requests and their replies go through swl_nl_request(); unsolicited
 * messages (events: sequence number 0) that arrive meanwhile, or through
 * swl_nl_recv_nowait() in an event loop, go to the session's on_event
 * callback.
 * Both share the one receive path in nl.c.
 */
#ifndef SWL_NL_H
#define SWL_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/synwatch.h>

/* Returns MNL_CB_OK to go on, MNL_CB_STOP or MNL_CB_ERROR (errno set). */
typedef int (*swl_msg_fn)(const struct nlmsghdr *nlh, void *data);

struct swl_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family_id;
	uint32_t version;
	uint32_t mcgrp[__SYNWATCH_MCGRP_MAX];	/* 0: not offered */

	swl_msg_fn on_event;	/* unsolicited messages; NULL drops them */
	void *event_data;
	uint64_t overruns;	/* ENOBUFS seen while in a request */

	char ext_msg[256];	/* extack message of the last error */
	char *sendbuf;
	char *recvbuf;
	size_t recvbuf_len;
};

/*
 * Opens a socket and resolves the family and its multicast groups.
 * Returns 0 or a negative errno: -ENOENT means the family is not
 * registered, i.e. the module is not loaded.
 */
int swl_nl_open(struct swl_nl *nl);
void swl_nl_close(struct swl_nl *nl);

/*
 * A socket for the generic netlink controller only (family_id is
 * GENL_ID_CTRL): what watches the synwatch family come and go.
 */
int swl_nl_open_ctrl(struct swl_nl *nl);

/* The id of the controller's multicast group of this name ("notify"). */
int swl_nl_ctrl_group(struct swl_nl *nl, const char *group, uint32_t *id);

/* Whether a controller message (a NEWFAMILY, say) is about "synwatch". */
bool swl_nl_ctrl_names_us(const struct nlmsghdr *nlh);

static inline int swl_nl_fd(const struct swl_nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

/*
 * Starts a request for cmd in the session's send buffer. NLM_F_ACK is
 * added unless flags has NLM_F_DUMP, so that every request has a clear
 * end (ACK or DONE). Append attributes with mnl_attr_put*() before sending.
 */
struct nlmsghdr *swl_nl_msg(struct swl_nl *nl, uint8_t cmd, uint16_t flags);

/*
 * Sends nlh and runs the receive loop until the kernel's ACK or DONE.
 * Replies go to cb (may be NULL). Returns 0 or a negative errno; the
 * kernel's extack message, if any, is in nl->ext_msg.
 */
int swl_nl_request(struct swl_nl *nl, struct nlmsghdr *nlh, swl_msg_fn cb,
		  void *data);

/*
 * One receive from the socket without waiting, each message passed to
 * on_event. Returns 0, or a negative errno: -EAGAIN when nothing is
 * queued, -ENOBUFS when the socket buffer overran and events were lost.
 */
int swl_nl_recv_nowait(struct swl_nl *nl);

int swl_nl_join(struct swl_nl *nl, enum synwatch_mcgrp grp);
int swl_nl_join_id(struct swl_nl *nl, uint32_t grp_id);

/*
 * Asks for a receive buffer of bytes: SO_RCVBUFFORCE (CAP_NET_ADMIN may
 * exceed net.core.rmem_max) and else SO_RCVBUF. Returns the size the
 * kernel granted, as getsockopt reports it, or a negative errno.
 */
int swl_nl_set_rcvbuf(struct swl_nl *nl, int bytes);

#endif
