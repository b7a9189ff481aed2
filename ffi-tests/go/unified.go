package partliq

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include <partliq.h>
*/
import "C"

import "unsafe"

// Asset is partliq_asset.
type Asset struct {
	ID                            uint32
	QuoteExponent                 int32
	InitialAssetWeightPPM         uint32
	MaintenanceAssetWeightPPM     uint32
	InitialLiabilityWeightPPM     uint32
	MaintenanceLiabilityWeightPPM uint32
	IMFFactorPPM                  uint32
	Reserved                      uint32
	IMFUnit                       int64
}

// AssetBalance is partliq_asset_balance.
type AssetBalance struct {
	AssetIndex uint32
	Reserved   uint32
	Amount     int64
}

// PerpPosition is partliq_perp_position.
type PerpPosition struct {
	MarketIndex uint32
	// Margin is a partliq_position_margin: MarginCross or MarginIsolated.
	Margin           uint32
	Size             int64
	QuoteBalance     int64
	LastFundingIndex int64
	OpenBids         int64
	OpenAsks         int64
}

// PerpRisk is partliq_perp_risk.
type PerpRisk struct {
	IMFFactorPPM         uint32
	InitialUpnlWeightPPM uint32
	IMFUnit              int64
}

// MarginLadder is partliq_margin_ladder.
type MarginLadder struct {
	WarningPPM     uint32
	ReduceOnlyPPM  uint32
	LiquidationPPM uint32
	BackstopPPM    uint32
}

// LevelFigures is partliq_level_figures.
type LevelFigures struct {
	Collateral  int64
	Requirement int64
}

// UnifiedHealth is partliq_unified_health.
type UnifiedHealth struct {
	Equity         int64
	Initial        LevelFigures
	LiquidationEnd LevelFigures
	Maintenance    LevelFigures
	MarginRatioPPM uint64
	State          uint32
	Rung           uint32
}

// Position margins, margin rungs, the unified pipeline's action and reason.
const (
	MarginCross         = C.PARTLIQ_POSITION_MARGIN_CROSS
	MarginIsolated      = C.PARTLIQ_POSITION_MARGIN_ISOLATED
	RungSafe            = C.PARTLIQ_MARGIN_RUNG_SAFE
	RungLiquidation     = C.PARTLIQ_MARGIN_RUNG_LIQUIDATION
	RungBackstop        = C.PARTLIQ_MARGIN_RUNG_BACKSTOP
	ActionCancelOrders  = C.PARTLIQ_ACTION_CANCEL_ORDERS
	ReasonOpenOrders    = C.PARTLIQ_REASON_OPEN_ORDERS
	StatusUnknownAsset  = C.PARTLIQ_STATUS_UNKNOWN_ASSET
	StatusInvalidLadder = C.PARTLIQ_STATUS_INVALID_MARGIN_LADDER
	StatusMissingPrice  = C.PARTLIQ_STATUS_MISSING_PRICE
)

var (
	_ [unsafe.Sizeof(Asset{}) - C.sizeof_partliq_asset]byte
	_ [C.sizeof_partliq_asset - unsafe.Sizeof(Asset{})]byte
	_ [unsafe.Sizeof(AssetBalance{}) - C.sizeof_partliq_asset_balance]byte
	_ [C.sizeof_partliq_asset_balance - unsafe.Sizeof(AssetBalance{})]byte
	_ [unsafe.Sizeof(PerpPosition{}) - C.sizeof_partliq_perp_position]byte
	_ [C.sizeof_partliq_perp_position - unsafe.Sizeof(PerpPosition{})]byte
	_ [unsafe.Sizeof(PerpRisk{}) - C.sizeof_partliq_perp_risk]byte
	_ [C.sizeof_partliq_perp_risk - unsafe.Sizeof(PerpRisk{})]byte
	_ [unsafe.Sizeof(MarginLadder{}) - C.sizeof_partliq_margin_ladder]byte
	_ [C.sizeof_partliq_margin_ladder - unsafe.Sizeof(MarginLadder{})]byte
	_ [unsafe.Sizeof(LevelFigures{}) - C.sizeof_partliq_level_figures]byte
	_ [C.sizeof_partliq_level_figures - unsafe.Sizeof(LevelFigures{})]byte
	_ [unsafe.Sizeof(UnifiedHealth{}) - C.sizeof_partliq_unified_health]byte
	_ [C.sizeof_partliq_unified_health - unsafe.Sizeof(UnifiedHealth{})]byte
)

// Book is what a unified account is valued against: markets with their
// marks, funding indexes and risk extras (each empty, or one per market),
// collateral assets with their prices. The slices are read in place by C.
type Book struct {
	Markets        []Market
	Prices         []int64
	FundingIndexes []int64
	PerpRisk       []PerpRisk
	Assets         []Asset
	AssetPrices    []int64
}

// UnifiedAccount is a unified account's balances and perp positions.
type UnifiedAccount struct {
	Balances  []AssetBalance
	Positions []PerpPosition
}

// first is a pointer to a slice's first element, nil when it is empty.
func first[T any](s []T) unsafe.Pointer {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Pointer(&s[0])
}

type cBook struct {
	markets                                                   *C.partliq_market
	prices, funding, assetPrices                              *C.int64_t
	risk                                                      *C.partliq_perp_risk
	assets                                                    *C.partliq_asset
	balances                                                  *C.partliq_asset_balance
	positions                                                 *C.partliq_perp_position
	nMarkets, nPrices, nFunding, nRisk, nAssets, nAssetPrices C.size_t
	nBalances, nPositions                                     C.size_t
}

func cUnified(b *Book, a *UnifiedAccount) cBook {
	return cBook{
		markets: (*C.partliq_market)(first(b.Markets)), nMarkets: C.size_t(len(b.Markets)),
		prices: (*C.int64_t)(first(b.Prices)), nPrices: C.size_t(len(b.Prices)),
		funding: (*C.int64_t)(first(b.FundingIndexes)), nFunding: C.size_t(len(b.FundingIndexes)),
		risk: (*C.partliq_perp_risk)(first(b.PerpRisk)), nRisk: C.size_t(len(b.PerpRisk)),
		assets: (*C.partliq_asset)(first(b.Assets)), nAssets: C.size_t(len(b.Assets)),
		assetPrices: (*C.int64_t)(first(b.AssetPrices)), nAssetPrices: C.size_t(len(b.AssetPrices)),
		balances: (*C.partliq_asset_balance)(first(a.Balances)), nBalances: C.size_t(len(a.Balances)),
		positions: (*C.partliq_perp_position)(first(a.Positions)), nPositions: C.size_t(len(a.Positions)),
	}
}

// ValidateAsset is partliq_asset_validate.
func ValidateAsset(a *Asset) error {
	return check(C.partliq_asset_validate((*C.partliq_asset)(unsafe.Pointer(a))))
}

// ValidatePerpRisk is partliq_perp_risk_validate: a market's risk extras
// (INVALID_IMF_UNIT for a unit ≤ 0, FRACTION_ABOVE_100_PERCENT for a uPnL
// weight above 10⁶ ppm).
func ValidatePerpRisk(r *PerpRisk) error {
	return check(C.partliq_perp_risk_validate((*C.partliq_perp_risk)(unsafe.Pointer(r))))
}

// ValidateMarginLadder is partliq_margin_ladder_validate.
func ValidateMarginLadder(l *MarginLadder) error {
	return check(C.partliq_margin_ladder_validate((*C.partliq_margin_ladder)(unsafe.Pointer(l))))
}

// MarginLadderStandard is partliq_margin_ladder_standard.
func MarginLadderStandard() MarginLadder {
	var l MarginLadder
	C.partliq_margin_ladder_standard((*C.partliq_margin_ladder)(unsafe.Pointer(&l)))
	return l
}

// MarginLadderBinancePortfolioMargin is partliq_margin_ladder_binance_portfolio_margin.
func MarginLadderBinancePortfolioMargin() MarginLadder {
	var l MarginLadder
	C.partliq_margin_ladder_binance_portfolio_margin((*C.partliq_margin_ladder)(unsafe.Pointer(&l)))
	return l
}

// PolicyDefault is partliq_policy_default: the core's Policy::default().
func PolicyDefault() Policy {
	var p Policy
	C.partliq_policy_default(&p)
	return p
}

// UnifiedPoolCount is partliq_unified_pool_count.
func UnifiedPoolCount(positions []PerpPosition) (int, error) {
	var n C.size_t
	err := check(C.partliq_unified_pool_count((*C.partliq_perp_position)(first(positions)), C.size_t(len(positions)), &n))
	return int(n), err
}

// UnifiedPoolHealth is partliq_unified_pool_health of pool `pool` (0 the
// cross pool, k ≥ 1 the k-th isolated position's).
func UnifiedPoolHealth(b *Book, a *UnifiedAccount, pool uint32, ladder MarginLadder) (UnifiedHealth, error) {
	var h UnifiedHealth
	c := cUnified(b, a)
	err := check(C.partliq_unified_pool_health(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk, c.nRisk,
		c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions, C.uint32_t(pool),
		(*C.partliq_margin_ladder)(unsafe.Pointer(&ladder)), (*C.partliq_unified_health)(unsafe.Pointer(&h))))
	return h, err
}

// UnifiedAccountHealth is partliq_unified_account_health.
func UnifiedAccountHealth(b *Book, a *UnifiedAccount, ladder MarginLadder) (UnifiedHealth, error) {
	var h UnifiedHealth
	c := cUnified(b, a)
	err := check(C.partliq_unified_account_health(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk, c.nRisk,
		c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions,
		(*C.partliq_margin_ladder)(unsafe.Pointer(&ladder)), (*C.partliq_unified_health)(unsafe.Pointer(&h))))
	return h, err
}

// RunUnifiedPipeline is partliq_run_unified_pipeline with a legs buffer of
// legsLen entries; st and marketStates are read and, on success only,
// updated. Legs name the account's positions.
func RunUnifiedPipeline(b *Book, a *UnifiedAccount, pool uint32, policy *Policy, st *AccountState, marketStates []MarketCapacityState,
	now, block uint64, legsLen int) (Decision, []PlanLeg, error) {
	var d Decision
	legs := make([]PlanLeg, legsLen)
	c := cUnified(b, a)
	err := check(C.partliq_run_unified_pipeline(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk, c.nRisk,
		c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions, C.uint32_t(pool),
		policy, (*C.partliq_account_liquidation_state)(unsafe.Pointer(st)),
		(*C.partliq_market_capacity_state)(first(marketStates)), C.size_t(len(marketStates)), C.uint64_t(now), C.uint64_t(block),
		(*C.partliq_plan_leg)(first(legs)), C.size_t(legsLen), (*C.partliq_decision)(unsafe.Pointer(&d))))
	if err != nil {
		return d, nil, err
	}
	return d, legs[:d.Plan.LegCount], nil
}
