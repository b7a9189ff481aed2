package partliq

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include <partliq.h>
*/
import "C"

import "unsafe"

// PriceFeed is partliq_price_feed.
type PriceFeed struct {
	Oracle      int64
	PublishTime uint64
	Confidence  int64
	Index       int64
	Mark        int64
	GraceUntil  uint64
}

// PriceGuard is partliq_price_guard (all zeros: the guard off).
type PriceGuard struct {
	MaxStaleness     uint64
	MaxConfidencePPM uint32
	MaxDeviationPPM  uint32
	Trigger          uint32
	Initial          uint32
	Limit            uint32
	Reserved         uint32
}

// StablePrice is partliq_stable_price.
type StablePrice struct {
	Price      int64
	LastUpdate uint64
}

// Price sources, uses and validities; the guarded pipeline's reasons and statuses.
const (
	SourceOracle          = C.PARTLIQ_PRICE_SOURCE_ORACLE
	SourceMark            = C.PARTLIQ_PRICE_SOURCE_MARK
	SourceIndex           = C.PARTLIQ_PRICE_SOURCE_INDEX
	SourceMedian          = C.PARTLIQ_PRICE_SOURCE_MEDIAN
	UseTrigger            = C.PARTLIQ_PRICE_USE_TRIGGER
	UseInitial            = C.PARTLIQ_PRICE_USE_INITIAL
	UseLimit              = C.PARTLIQ_PRICE_USE_LIMIT
	ValidityValid         = C.PARTLIQ_VALIDITY_VALID
	ValidityStale         = C.PARTLIQ_VALIDITY_STALE
	ValidityTooUncertain  = C.PARTLIQ_VALIDITY_TOO_UNCERTAIN
	ValidityDeviating     = C.PARTLIQ_VALIDITY_DEVIATING
	ValidityNoMark        = C.PARTLIQ_VALIDITY_NO_MARK
	ReasonPriceInvalid    = C.PARTLIQ_REASON_PRICE_INVALID
	ReasonGracePeriod     = C.PARTLIQ_REASON_GRACE_PERIOD
	PriceNotGuarded       = C.PARTLIQ_STATUS_PRICE_NOT_GUARDED
	MarketDataTooShort    = C.PARTLIQ_STATUS_MARKET_DATA_TOO_SHORT
	ReservedNotZeroStatus = C.PARTLIQ_STATUS_RESERVED_NOT_ZERO
)

var (
	_ [unsafe.Sizeof(PriceFeed{}) - C.sizeof_partliq_price_feed]byte
	_ [C.sizeof_partliq_price_feed - unsafe.Sizeof(PriceFeed{})]byte
	_ [unsafe.Sizeof(PriceGuard{}) - C.sizeof_partliq_price_guard]byte
	_ [C.sizeof_partliq_price_guard - unsafe.Sizeof(PriceGuard{})]byte
	_ [unsafe.Sizeof(StablePrice{}) - C.sizeof_partliq_stable_price]byte
	_ [C.sizeof_partliq_stable_price - unsafe.Sizeof(StablePrice{})]byte
)

func (g *PriceGuard) c() *C.partliq_price_guard { return (*C.partliq_price_guard)(unsafe.Pointer(g)) }
func (f *PriceFeed) c() *C.partliq_price_feed   { return (*C.partliq_price_feed)(unsafe.Pointer(f)) }

// PriceValidity is partliq_price_validity.
func PriceValidity(g *PriceGuard, f *PriceFeed, now uint64) (uint32, error) {
	var v C.uint32_t
	err := check(C.partliq_price_validity(g.c(), f.c(), C.uint64_t(now), &v))
	return uint32(v), err
}

// GuardedPrice is partliq_guarded_price: the price and its validity.
func GuardedPrice(g *PriceGuard, f *PriceFeed, now uint64, usage uint32) (int64, uint32, error) {
	var p C.int64_t
	var v C.uint32_t
	err := check(C.partliq_guarded_price(g.c(), f.c(), C.uint64_t(now), C.uint32_t(usage), &p, &v))
	return int64(p), uint32(v), err
}

// ResolvePrices is partliq_resolve_prices: one price per feed (0 when
// refused) and how many were refused.
func ResolvePrices(g *PriceGuard, feeds []PriceFeed, now uint64, usage uint32) ([]int64, int, error) {
	out := make([]int64, len(feeds)+1)
	var fp *C.partliq_price_feed
	if len(feeds) > 0 {
		fp = feeds[0].c()
	}
	var refused C.size_t
	err := check(C.partliq_resolve_prices(g.c(), fp, C.size_t(len(feeds)), C.uint64_t(now), C.uint32_t(usage),
		(*C.int64_t)(unsafe.Pointer(&out[0])), C.size_t(len(feeds)), &refused))
	return out[:len(feeds)], int(refused), err
}

// StablePriceUpdate is partliq_stable_price_update.
func StablePriceUpdate(s *StablePrice, oracle int64, now uint64, ratePPM uint32) error {
	return check(C.partliq_stable_price_update((*C.partliq_stable_price)(unsafe.Pointer(s)), C.int64_t(oracle), C.uint64_t(now), C.uint32_t(ratePPM)))
}

// InitialPrice is partliq_initial_price (held: 1 for a long or a deposit, 0 owed).
func InitialPrice(oracle, stable int64, held uint32) (int64, error) {
	var p C.int64_t
	err := check(C.partliq_initial_price(C.int64_t(oracle), C.int64_t(stable), C.uint32_t(held), &p))
	return int64(p), err
}

// RunGuardedPipeline is partliq_run_guarded_pipeline: RunPipeline behind a
// price guard, one feed per market.
func RunGuardedPipeline(p *Pool, feeds []PriceFeed, g *PriceGuard, policy *Policy, st *AccountState, marketStates []MarketCapacityState, now, block uint64, legsLen int) (Decision, []PlanLeg, error) {
	var d Decision
	legs := make([]PlanLeg, legsLen)
	var legsPtr *C.partliq_plan_leg
	if legsLen > 0 {
		legsPtr = (*C.partliq_plan_leg)(unsafe.Pointer(&legs[0]))
	}
	var msPtr *C.partliq_market_capacity_state
	if len(marketStates) > 0 {
		msPtr = (*C.partliq_market_capacity_state)(unsafe.Pointer(&marketStates[0]))
	}
	var fp *C.partliq_price_feed
	if len(feeds) > 0 {
		fp = feeds[0].c()
	}
	c := p.c()
	err := check(C.partliq_run_guarded_pipeline(c.markets, c.nMarkets, c.prices, c.nPrices, c.collateral, c.positions, c.nPositions,
		fp, C.size_t(len(feeds)), g.c(), policy, (*C.partliq_account_liquidation_state)(unsafe.Pointer(st)), msPtr,
		C.size_t(len(marketStates)), C.uint64_t(now), C.uint64_t(block), legsPtr, C.size_t(legsLen), (*C.partliq_decision)(unsafe.Pointer(&d))))
	if err != nil {
		return d, nil, err
	}
	return d, legs[:d.Plan.LegCount], nil
}

// RunGuardedUnifiedLiquidation is partliq_run_guarded_unified_liquidation:
// RunUnifiedLiquidation behind a price guard, one feed per market
// (marketFeeds) and per asset (assetFeeds); it returns the decision and the
// plan's legs (the front of legs).
func RunGuardedUnifiedLiquidation(b *Book, a *UnifiedAccount, pool uint32, marketFeeds, assetFeeds []PriceFeed, g *PriceGuard,
	fees []AssetLiquidationFees, policy *UnifiedLiquidationPolicy, assetTiers, marketTiers []uint32, inLiquidation uint32, now uint64,
	legs []UnifiedLeg) (UnifiedDecision, []UnifiedLeg, error) {
	var d UnifiedDecision
	err := runGuardedUnifiedLiquidation(b, a, pool, marketFeeds, len(marketFeeds), assetFeeds, len(assetFeeds), g, fees, policy,
		assetTiers, marketTiers, inLiquidation, now, legs, len(legs), &d)
	if err != nil {
		return d, nil, err
	}
	return d, legs[:d.Plan.LegCount], nil
}

// runGuardedUnifiedLiquidation passes every pointer as given (nil or an
// empty slice as NULL) with the lengths as given, for the tests of the
// boundary's refusals.
func runGuardedUnifiedLiquidation(b *Book, a *UnifiedAccount, pool uint32, marketFeeds []PriceFeed, nMarketFeeds int,
	assetFeeds []PriceFeed, nAssetFeeds int, g *PriceGuard, fees []AssetLiquidationFees, policy *UnifiedLiquidationPolicy,
	assetTiers, marketTiers []uint32, inLiquidation uint32, now uint64, legs []UnifiedLeg, legsLen int, out *UnifiedDecision) error {
	c := cUnified(b, a)
	return check(C.partliq_run_guarded_unified_liquidation(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk,
		c.nRisk, c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions,
		C.uint32_t(pool), (*C.partliq_price_feed)(first(marketFeeds)), C.size_t(nMarketFeeds),
		(*C.partliq_price_feed)(first(assetFeeds)), C.size_t(nAssetFeeds), (*C.partliq_price_guard)(unsafe.Pointer(g)),
		(*C.partliq_asset_liquidation_fees)(first(fees)), C.size_t(len(fees)),
		(*C.partliq_unified_liquidation_policy)(unsafe.Pointer(policy)), (*C.uint32_t)(first(assetTiers)), C.size_t(len(assetTiers)),
		(*C.uint32_t)(first(marketTiers)), C.size_t(len(marketTiers)), C.uint32_t(inLiquidation), C.uint64_t(now),
		(*C.partliq_unified_leg)(first(legs)), C.size_t(legsLen), (*C.partliq_unified_decision)(unsafe.Pointer(out))))
}
