/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the reliability suite's tests (selftests/stress_*.c) share: the
 * STRESS_SCALE knob and a seeded PRNG. Include after lib_engine.h.
 */
#ifndef SW_LIB_STRESS_H
#define SW_LIB_STRESS_H

/* STRESS_SCALE: how many times its reduced run's work a test does. */
static inline unsigned int stress_scale(void)
{
	const char *s = getenv("STRESS_SCALE");
	int v = s ? atoi(s) : 1;

	return v > 0 ? (unsigned int)v : 1;
}

static uint64_t rng;

/* xorshift64*: fast, and the same sequence from the same seed anywhere */
static inline uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static inline uint32_t rnd_below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static inline bool chance(unsigned int pct)
{
	return rnd_below(100) < pct;
}

static inline void rnd_bytes(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rnd();
}

/*
 * Each test seeds from STRESS_SEED if set, else from the clock, and says
 * which: the harness runs each test in its own process, so each prints its
 * own seed.
 */
static inline void seed_rng(struct __test_metadata *_metadata,
			    const char *test)
{
	const char *s = getenv("STRESS_SEED");
	uint64_t seed = s ? strtoull(s, NULL, 0) : now_us() ^ getpid();

	rng = seed ? seed : 1;
	TH_LOG("%s: seed %llu (STRESS_SEED=%llu replays it)", test,
	       (unsigned long long)seed, (unsigned long long)seed);
}

#endif
