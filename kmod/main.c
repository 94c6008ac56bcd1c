// SPDX-License-Identifier: GPL-2.0
/*
 * synwatch: follow every TCP connection of the host through the local
 * endpoint's RFC 9293 states, and publish them over generic netlink.
 *
 * This file only brings the subsystems up in order and down in reverse.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include "conntab.h"
#include "gc.h"
#include "pernet.h"
#include "netlink.h"
#include "prof.h"

unsigned int sw_max_conns;
module_param_named(max_conns, sw_max_conns, uint, 0444);
MODULE_PARM_DESC(max_conns,
		 "Most connections tracked at once, all netns (default: hashsize)");

unsigned int sw_hashsize;
module_param_named(hashsize, sw_hashsize, uint, 0444);
MODULE_PARM_DESC(hashsize,
		 "Hash buckets (default: from RAM, as nf_conntrack; 64..16M)");

bool sw_track_forward;
module_param_named(track_forward, sw_track_forward, bool, 0444);
MODULE_PARM_DESC(track_forward, "Also track forwarded traffic (default: off)");

/*
 * Up in dependency order, down in exact reverse. The genl family (and the
 * netlink notifier that ends subscriptions) comes last and goes first:
 * every command and every socket release it sees finds the per-netns
 * state alive, which pernet creates before it and frees after it. With
 * the order the other way round, a request could reach a netns whose
 * state did not exist yet, and a subscriber closing during rmmod walked
 * its freed subscriber list (selftests/stress_lifecycle.c).
 */
static int __init sw_init(void)
{
	int err;

	err = sw_conntab_init();
	if (err)
		return err;
	err = sw_gc_init();
	if (err)
		goto err_gc;
	err = sw_pernet_init();
	if (err)
		goto err_pernet;
	err = sw_genl_init();
	if (err)
		goto err_genl;
	sw_prof_init();		/* SW_HOOK_PROFILE builds only, see prof.h */
	pr_info("tracking TCP: %u buckets, max %u connections, %u bytes each\n",
		sw_conntab_buckets(), sw_max_conns, sw_conntab_obj_size());
	return 0;

err_genl:
	sw_pernet_uninit();
err_pernet:
	sw_gc_uninit();
err_gc:
	sw_conntab_uninit();
	return err;
}

static void __exit sw_exit(void)
{
	sw_prof_uninit();
	sw_genl_uninit();
	sw_pernet_uninit();
	sw_gc_uninit();
	sw_conntab_uninit();
}

module_init(sw_init);
module_exit(sw_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");	/* dkms.conf's PACKAGE_VERSION */
MODULE_DESCRIPTION("Per-connection TCP state tracking with SYN flood detection");
MODULE_AUTHOR("synwatch developers");
MODULE_ALIAS_GENL_FAMILY(SYNWATCH_GENL_NAME);
