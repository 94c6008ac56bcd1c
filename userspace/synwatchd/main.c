// SPDX-License-Identifier: GPL-2.0
/* synwatchd: placeholder until the daemon lands. */
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "synwatchd: not implemented yet\n");
	return 4;
}
