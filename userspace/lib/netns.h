/* SPDX-License-Identifier: GPL-2.0 */
/* Named network namespaces, as "ip netns" makes them. */
#ifndef SWL_NETNS_H
#define SWL_NETNS_H

/*
 * Opens /run/netns/NAME (or NAME itself if it contains a '/': any nsfs
 * path such as /proc/PID/ns/net). Returns an O_CLOEXEC fd or -errno.
 */
int swl_netns_open(const char *name);

/*
 * Moves this thread into the named netns, for commands whose requests
 * have no netns attribute: a netlink socket talks to the netns it was
 * created in. Returns 0 or -errno (setns needs CAP_SYS_ADMIN).
 */
int swl_netns_enter(const char *name);

#endif
