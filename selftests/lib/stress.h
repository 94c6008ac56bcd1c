/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the reliability suite's tests (selftests/stress_*.c) share: the
 * STRESS_SCALE knob and a seeded PRNG. Include after lib/util.h.
 */
#ifndef ST_STRESS_H
#define ST_STRESS_H

/* STRESS_SCALE: how many times its reduced run's work a test does. */
static inline unsigned int st_stress_scale(void)
{
	const char *s = getenv("STRESS_SCALE");
	int v = s ? atoi(s) : 1;

	return v > 0 ? (unsigned int)v : 1;
}

static uint64_t st_rng;

/* xorshift64*: fast, and the same sequence from the same seed anywhere */
static inline uint32_t st_rnd(void)
{
	st_rng ^= st_rng >> 12;
	st_rng ^= st_rng << 25;
	st_rng ^= st_rng >> 27;
	return (uint32_t)((st_rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static inline uint32_t st_rnd_below(uint32_t n)
{
	return n ? st_rnd() % n : 0;
}

static inline bool st_chance(unsigned int pct)
{
	return st_rnd_below(100) < pct;
}

static inline void st_rnd_bytes(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)st_rnd();
}

/*
 * Each test seeds from STRESS_SEED if set, else from the clock, and says
 * which: the harness runs each test in its own process, so each prints its
 * own seed.
 */
static inline void st_seed_rng(struct __test_metadata *_metadata,
			    const char *test)
{
	const char *s = getenv("STRESS_SEED");
	uint64_t seed = s ? strtoull(s, NULL, 0) : st_now_us() ^ getpid();

	st_rng = seed ? seed : 1;
	TH_LOG("%s: seed %llu (STRESS_SEED=%llu replays it)", test,
	       (unsigned long long)seed, (unsigned long long)seed);
}

#endif
