package partliq

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include <partliq.h>
*/
import "C"

import (
	"math/big"
	"unsafe"
)

// LendingTerms is partliq_lending_terms.
type LendingTerms struct {
	LiquidationThresholdPPM uint32
	LiquidationBonusPPM     uint32
	ProtocolFeePPM          uint32
	CollateralEnabled       uint8
	Reserved                [3]uint8
	BaseExponent            int32
}

// LendingAccountHealth is partliq_lending_account_health: 128-bit figures
// as Hi × 2⁶⁴ + Lo words.
type LendingAccountHealth struct {
	TotalCollateralBaseHi int64
	TotalCollateralBaseLo uint64
	TotalDebtBaseHi       int64
	TotalDebtBaseLo       uint64
	HealthFactorHi        int64
	HealthFactorLo        uint64
	Liquidatable          uint8
	Reserved              [7]uint8
}

// AssetFlow is partliq_asset_flow.
type AssetFlow struct {
	AssetIndex   uint32
	Reserved     uint32
	AccountHi    int64
	AccountLo    uint64
	LiquidatorHi int64
	LiquidatorLo uint64
	ProtocolHi   int64
	ProtocolLo   uint64
	DeficitHi    int64
	DeficitLo    uint64
}

// LendingLiquidation is partliq_lending_liquidation.
type LendingLiquidation struct {
	CollateralAsset          uint32
	DebtAsset                uint32
	Before                   LendingAccountHealth
	After                    LendingAccountHealth
	MaxLiquidatableDebtHi    int64
	MaxLiquidatableDebtLo    uint64
	DebtRepaidHi             int64
	DebtRepaidLo             uint64
	CollateralSeizedHi       int64
	CollateralSeizedLo       uint64
	CollateralToLiquidatorHi int64
	CollateralToLiquidatorLo uint64
	ProtocolFeeHi            int64
	ProtocolFeeLo            uint64
	DeficitBaseHi            int64
	DeficitBaseLo            uint64
	CloseFactorRule          uint32
	Dust                     uint32
	FlowCount                uint32
	Reserved                 uint32
}

// Close-factor rules, dust checks and the lending statuses the tests use.
const (
	MaxLendingFlows                  = C.PARTLIQ_MAX_LENDING_FLOWS
	CloseFactorHealthFactorAtOrBelow = C.PARTLIQ_CLOSE_FACTOR_RULE_HEALTH_FACTOR_AT_OR_BELOW_THRESHOLD
	DustLeftoversAboveMinimum        = C.PARTLIQ_DUST_CHECK_LEFTOVERS_ABOVE_MINIMUM
	DustAllCollateralSeized          = C.PARTLIQ_DUST_CHECK_ALL_COLLATERAL_SEIZED
	StatusNotLiquidatable            = C.PARTLIQ_STATUS_NOT_LIQUIDATABLE
	StatusLendingTermsTooShort       = C.PARTLIQ_STATUS_LENDING_TERMS_TOO_SHORT
	StatusLendingTermNotWholeBps     = C.PARTLIQ_STATUS_LENDING_TERM_NOT_WHOLE_BPS
)

var (
	_ [unsafe.Sizeof(LendingTerms{}) - C.sizeof_partliq_lending_terms]byte
	_ [C.sizeof_partliq_lending_terms - unsafe.Sizeof(LendingTerms{})]byte
	_ [unsafe.Sizeof(LendingAccountHealth{}) - C.sizeof_partliq_lending_account_health]byte
	_ [C.sizeof_partliq_lending_account_health - unsafe.Sizeof(LendingAccountHealth{})]byte
	_ [unsafe.Sizeof(AssetFlow{}) - C.sizeof_partliq_asset_flow]byte
	_ [C.sizeof_partliq_asset_flow - unsafe.Sizeof(AssetFlow{})]byte
	_ [unsafe.Sizeof(LendingLiquidation{}) - C.sizeof_partliq_lending_liquidation]byte
	_ [C.sizeof_partliq_lending_liquidation - unsafe.Sizeof(LendingLiquidation{})]byte
)

// Wide is the 128-bit figure hi × 2⁶⁴ + lo.
func Wide(hi int64, lo uint64) *big.Int {
	v := new(big.Int).Lsh(big.NewInt(hi), 64)
	return v.Add(v, new(big.Int).SetUint64(lo))
}

// LendingHealth is partliq_lending_health; terms[i] are assets[i]'s.
func LendingHealth(b *Book, a *UnifiedAccount, terms []LendingTerms) (LendingAccountHealth, error) {
	var h LendingAccountHealth
	c := cUnified(b, a)
	err := check(C.partliq_lending_health(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk, c.nRisk,
		c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions,
		(*C.partliq_lending_terms)(first(terms)), C.size_t(len(terms)), (*C.partliq_lending_account_health)(unsafe.Pointer(&h))))
	return h, err
}

// PlanLendingLiquidation is partliq_plan_lending_liquidation with a flows
// buffer of flowsLen entries (debtToCover math.MaxInt64: as much as
// allowed); the flows returned are the FlowCount written.
func PlanLendingLiquidation(b *Book, a *UnifiedAccount, terms []LendingTerms, collateral, debt uint32, debtToCover int64,
	flowsLen int) (LendingLiquidation, []AssetFlow, error) {
	var l LendingLiquidation
	flows := make([]AssetFlow, flowsLen)
	c := cUnified(b, a)
	err := check(C.partliq_plan_lending_liquidation(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk, c.nRisk,
		c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions,
		(*C.partliq_lending_terms)(first(terms)), C.size_t(len(terms)), C.uint32_t(collateral), C.uint32_t(debt), C.int64_t(debtToCover),
		(*C.partliq_asset_flow)(first(flows)), C.size_t(flowsLen), (*C.partliq_lending_liquidation)(unsafe.Pointer(&l))))
	if err != nil {
		return l, nil, err
	}
	return l, flows[:l.FlowCount], nil
}

// DebtToCover is partliq_debt_to_cover.
type DebtToCover struct {
	DebtToCoverHi         int64
	DebtToCoverLo         uint64
	MaxLiquidatableDebtHi int64
	MaxLiquidatableDebtLo uint64
	HealthFactorAfterHi   int64
	HealthFactorAfterLo   uint64
	Restores              uint8
	Exact                 uint8
	Reserved              [6]uint8
}

var (
	_ [unsafe.Sizeof(DebtToCover{}) - C.sizeof_partliq_debt_to_cover]byte
	_ [C.sizeof_partliq_debt_to_cover - unsafe.Sizeof(DebtToCover{})]byte
)

// LeastDebtToCover is partliq_least_debt_to_cover.
func LeastDebtToCover(b *Book, a *UnifiedAccount, terms []LendingTerms, collateral, debt, scanLimit uint32) (DebtToCover, error) {
	var q DebtToCover
	c := cUnified(b, a)
	err := check(C.partliq_least_debt_to_cover(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk, c.nRisk,
		c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions,
		(*C.partliq_lending_terms)(first(terms)), C.size_t(len(terms)), C.uint32_t(collateral), C.uint32_t(debt), C.uint32_t(scanLimit),
		(*C.partliq_debt_to_cover)(unsafe.Pointer(&q))))
	return q, err
}

// LendingTermsValidate is partliq_lending_terms_validate.
func LendingTermsValidate(t LendingTerms) error {
	return check(C.partliq_lending_terms_validate((*C.partliq_lending_terms)(unsafe.Pointer(&t))))
}
