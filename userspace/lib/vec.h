/* SPDX-License-Identifier: GPL-2.0 */
/* A growable array of fixed-size records, for dumps collected whole. */
#ifndef SWL_VEC_H
#define SWL_VEC_H

#include <stddef.h>

struct swl_vec {
	void *v;
	size_t n, cap, size;
};

#define SWL_VEC_INIT(type) { .size = sizeof(type) }
#define SWL_VEC_AT(vec, type, i) (&((type *)(vec)->v)[i])

/* Appends a copy of item; 0 or -ENOMEM. */
int swl_vec_push(struct swl_vec *vec, const void *item);
void swl_vec_free(struct swl_vec *vec);

#endif
