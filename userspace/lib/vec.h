/* SPDX-License-Identifier: GPL-2.0 */
/* A growable array of fixed-size records, for dumps collected whole. */
#ifndef SW_VEC_H
#define SW_VEC_H

#include <stddef.h>

struct sw_vec {
	void *v;
	size_t n, cap, size;
};

#define SW_VEC_INIT(type) { .size = sizeof(type) }
#define SW_VEC_AT(vec, type, i) (&((type *)(vec)->v)[i])

/* Appends a copy of item; 0 or -ENOMEM. */
int sw_vec_push(struct sw_vec *vec, const void *item);
void sw_vec_free(struct sw_vec *vec);

#endif
