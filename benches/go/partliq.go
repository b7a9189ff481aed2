package dydxbench

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include <partliq.h>
#include <time.h>

// The calling thread's CPU time, ns (CLOCK_THREAD_CPUTIME_ID): what a
// benchmark costs on its own thread, however many other processes share
// the machine's cores.
static long long bench_thread_cpu_ns(void) {
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}
*/
import "C"

import (
	"math/big"
	"unsafe"
)

// The C ABI's batch structs, laid out as in include/partliq.h.
type (
	cAccount  = C.partliq_batch_account
	cDydxPos  = C.partliq_batch_dydx_position
	cDydxRisk = C.partliq_batch_dydx_risk
	cMarket   = C.partliq_market
	cPosition = C.partliq_position
	cHealth   = C.partliq_health
	cStatus   = C.partliq_status
)

// cPositionOf is a Position as the C ABI's dYdX batch position.
func cPositionOf(p *Position) cDydxPos {
	return cDydxPos{
		perpetual_id:             C.uint32_t(p.Perp.ID),
		atomic_resolution:        C.int32_t(p.Perp.AtomicResolution),
		open_interest:            C.int64_t(p.Perp.OpenInterest.Int64()),
		initial_margin_ppm:       C.uint32_t(p.Perp.InitialMarginPpm),
		maintenance_fraction_ppm: C.uint32_t(p.Perp.MaintenanceFracPpm),
		open_interest_lower_cap:  C.uint64_t(p.Perp.OILowerCap),
		open_interest_upper_cap:  C.uint64_t(p.Perp.OIUpperCap),
		price:                    C.uint64_t(p.Price),
		price_exponent:           C.int32_t(p.PriceExponent),
		quantums:                 C.int64_t(p.Quantums.Int64()),
		quote_balance:            C.int64_t(p.QuoteBalance.Int64()),
	}
}

// dydxBatch calls partliq_dydx_subaccount_risk_batch.
func dydxBatch(accts []cAccount, ps []cDydxPos, out []cDydxRisk, st []cStatus) cStatus {
	return C.partliq_dydx_subaccount_risk_batch(
		(*cAccount)(unsafe.Pointer(&accts[0])), C.size_t(len(accts)),
		(*cDydxPos)(unsafe.Pointer(&ps[0])), C.size_t(len(ps)),
		(*cDydxRisk)(unsafe.Pointer(&out[0])), (*cStatus)(unsafe.Pointer(&st[0])), C.size_t(len(out)))
}

// healthBatch calls partliq_pool_health_batch.
func healthBatch(ms []cMarket, prices []int64, accts []cAccount, ps []cPosition, out []cHealth, st []cStatus) cStatus {
	return C.partliq_pool_health_batch(
		(*cMarket)(unsafe.Pointer(&ms[0])), C.size_t(len(ms)),
		(*C.int64_t)(unsafe.Pointer(&prices[0])), C.size_t(len(prices)),
		(*cAccount)(unsafe.Pointer(&accts[0])), C.size_t(len(accts)),
		(*cPosition)(unsafe.Pointer(&ps[0])), C.size_t(len(ps)),
		(*cHealth)(unsafe.Pointer(&out[0])), (*cStatus)(unsafe.Pointer(&st[0])), C.size_t(len(out)))
}

// poolHealth calls partliq_pool_health (one account, one crossing).
func poolHealth(ms []cMarket, prices []int64, coll int64, ps []cPosition, out *cHealth) cStatus {
	return C.partliq_pool_health((*cMarket)(unsafe.Pointer(&ms[0])), C.size_t(len(ms)),
		(*C.int64_t)(unsafe.Pointer(&prices[0])), C.size_t(len(prices)), C.int64_t(coll),
		(*cPosition)(unsafe.Pointer(&ps[0])), C.size_t(len(ps)), out)
}

// benchMarket is benches/common's single_tier(): quote exponent −4, lot
// 1,000, tick 100, 10 % / 5 %, fee 0.5 %.
func benchMarket(id uint32) cMarket {
	var m cMarket
	m.id = C.uint32_t(id)
	m.quote_exponent = -4
	m.lot_step = 1_000
	m.tick = 100
	m.tiers[0].notional_floor = 0
	m.tiers[0].initial_ppm = 100_000
	m.tiers[0].maintenance_ppm = 50_000
	m.tier_count = 1
	m.liquidation_fee_ppm = 5_000
	return m
}

func toBig(c cDydxRisk) Risk {
	return Risk{MMR: big.NewInt(int64(c.mmr)), IMR: big.NewInt(int64(c.imr)), NC: big.NewInt(int64(c.nc))}
}

// abiVersion calls partliq_abi_version: a C call that does no work, the
// floor of any call through cgo.
func abiVersion() uint32 { return uint32(C.partliq_abi_version()) }

// threadCPU is the calling OS thread's CPU time, ns.
func threadCPU() int64 { return int64(C.bench_thread_cpu_ns()) }

// C64 and U32 convert for the test's struct literals (cgo types stay here:
// a _test.go file cannot import "C").
func C64(v int64) C.int64_t { return C.int64_t(v) }

// U32 is C.uint32_t(v).
func U32(v int) C.uint32_t { return C.uint32_t(v) }
