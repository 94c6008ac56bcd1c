// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vec.h"

int swl_vec_push(struct swl_vec *vec, const void *item)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 64;
		void *v = realloc(vec->v, cap * vec->size);

		if (!v)
			return -ENOMEM;
		vec->v = v;
		vec->cap = cap;
	}
	memcpy((char *)vec->v + vec->n * vec->size, item, vec->size);
	vec->n++;
	return 0;
}

void swl_vec_free(struct swl_vec *vec)
{
	free(vec->v);
	vec->v = NULL;
	vec->n = vec->cap = 0;
}
