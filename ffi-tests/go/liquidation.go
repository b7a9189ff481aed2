package partliq

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include <partliq.h>
*/
import "C"

import "unsafe"

// UnifiedLeg is partliq_unified_leg.
type UnifiedLeg struct {
	// Kind is a partliq_leg_kind (LegReducePerp, LegSwap, ...).
	Kind            uint32
	PositionIndex   uint32
	LiabilityAsset  uint32
	CollateralAsset uint32
	Amount          int64
}

// AssetLiquidationFees is partliq_asset_liquidation_fees.
type AssetLiquidationFees struct {
	LiquidatorBonusPPM uint32
	InsuranceFeePPM    uint32
}

// LegTerms is partliq_leg_terms.
type LegTerms struct {
	Target      Target
	PerpBandPPM uint32
	Reserved    uint32
}

// LegFlow is partliq_leg_flow.
type LegFlow struct {
	Unit          uint32
	Index         uint32
	Account       int64
	Liquidator    int64
	Counterparty  int64
	InsuranceFund int64
}

// LegSettlement is partliq_leg_settlement.
type LegSettlement struct {
	Leg             UnifiedLeg
	Flows           [2]LegFlow
	ValueLiquidated int64
	CostToAccount   int64
	HealthAfter     UnifiedHealth
}

// LegSizing is partliq_leg_sizing.
type LegSizing struct {
	Status        uint32
	HasSettlement uint32
	Leg           UnifiedLeg
	MaxAmount     int64
	Settlement    LegSettlement
}

// UnifiedPlan is partliq_unified_plan.
type UnifiedPlan struct {
	Status          uint32
	LegCount        uint32
	ValueLiquidated int64
	CostToAccount   int64
	HealthAfter     UnifiedHealth
	ProvenLeast     uint32
	Reserved        uint32
}

// InsuranceFund is partliq_insurance_fund.
type InsuranceFund struct {
	Balance      int64
	Floor        int64
	Initial      int64
	TotalCredits int64
	TotalDebits  int64
}

// WaterfallPolicy is partliq_waterfall_policy.
type WaterfallPolicy struct {
	Steps     [4]uint32
	StepCount uint32
	FundScope uint32
}

// Deficit is partliq_deficit.
type Deficit struct {
	Kind   uint32
	Index  uint32
	Amount int64
}

// Party is partliq_party.
type Party struct {
	Kind  uint32
	Index uint32
}

// LedgerUnit is partliq_ledger_unit.
type LedgerUnit struct {
	Kind  uint32
	Index uint32
}

// LedgerEntry is partliq_ledger_entry.
type LedgerEntry struct {
	From   Party
	To     Party
	Unit   LedgerUnit
	Amount int64
}

// StepUse is partliq_step_use.
type StepUse struct {
	Step     uint32
	Reserved uint32
	Absorbed int64
}

// Socialization is partliq_socialization.
type Socialization struct {
	Kind          uint32
	Reserved      uint32
	OpenInterest  int64
	Delta         int64
	Charged       int64
	Deposits      int64
	OldIndex      int64
	NewIndex      int64
	DepositsAfter int64
	Surplus       int64
}

// WaterfallOutcome is partliq_waterfall_outcome.
type WaterfallOutcome struct {
	Steps         [4]StepUse
	StepCount     uint32
	FundMarket    uint32
	FundPaid      int64
	ADLResidual   int64
	FundAfter     InsuranceFund
	Socialization Socialization
	LedgerLen     uint32
	Reserved      uint32
}

// Leg kinds, flow units, objectives, orderings, waterfall steps and parties.
const (
	NoIndex                        = C.PARTLIQ_NO_INDEX
	LegReducePerp                  = C.PARTLIQ_LEG_KIND_REDUCE_PERP
	LegSwap                        = C.PARTLIQ_LEG_KIND_SWAP_COLLATERAL_FOR_LIABILITY
	LegDepositForPerpLoss          = C.PARTLIQ_LEG_KIND_DEPOSIT_FOR_PERP_LOSS
	FlowAsset                      = C.PARTLIQ_FLOW_UNIT_ASSET
	FlowPositionSize               = C.PARTLIQ_FLOW_UNIT_POSITION_SIZE
	ObjectiveLeastCost             = C.PARTLIQ_PLAN_OBJECTIVE_LEAST_COST
	OrderingCheapest               = C.PARTLIQ_LEG_ORDERING_CHEAPEST
	StepInsuranceFund              = C.PARTLIQ_WATERFALL_STEP_INSURANCE_FUND
	StepSocializedLoss             = C.PARTLIQ_WATERFALL_STEP_SOCIALIZED_LOSS
	FundScopeGlobal                = C.PARTLIQ_FUND_SCOPE_GLOBAL
	DeficitPerp                    = C.PARTLIQ_DEFICIT_KIND_PERP
	PartyAccount                   = C.PARTLIQ_PARTY_KIND_ACCOUNT
	PartyInsuranceFund             = C.PARTLIQ_PARTY_KIND_INSURANCE_FUND
	PartySocializedPerp            = C.PARTLIQ_PARTY_KIND_SOCIALIZED_PERP
	StatusInvalidLegKind    Status = C.PARTLIQ_STATUS_INVALID_LEG_KIND
	StatusDeficitUnabsorbed Status = C.PARTLIQ_STATUS_DEFICIT_UNABSORBED
)

var (
	_ [unsafe.Sizeof(UnifiedLeg{}) - C.sizeof_partliq_unified_leg]byte
	_ [C.sizeof_partliq_unified_leg - unsafe.Sizeof(UnifiedLeg{})]byte
	_ [unsafe.Sizeof(LegTerms{}) - C.sizeof_partliq_leg_terms]byte
	_ [C.sizeof_partliq_leg_terms - unsafe.Sizeof(LegTerms{})]byte
	_ [unsafe.Sizeof(LegSettlement{}) - C.sizeof_partliq_leg_settlement]byte
	_ [C.sizeof_partliq_leg_settlement - unsafe.Sizeof(LegSettlement{})]byte
	_ [unsafe.Sizeof(LegSizing{}) - C.sizeof_partliq_leg_sizing]byte
	_ [C.sizeof_partliq_leg_sizing - unsafe.Sizeof(LegSizing{})]byte
	_ [unsafe.Sizeof(UnifiedPlan{}) - C.sizeof_partliq_unified_plan]byte
	_ [C.sizeof_partliq_unified_plan - unsafe.Sizeof(UnifiedPlan{})]byte
	_ [unsafe.Sizeof(InsuranceFund{}) - C.sizeof_partliq_insurance_fund]byte
	_ [C.sizeof_partliq_insurance_fund - unsafe.Sizeof(InsuranceFund{})]byte
	_ [unsafe.Sizeof(WaterfallPolicy{}) - C.sizeof_partliq_waterfall_policy]byte
	_ [C.sizeof_partliq_waterfall_policy - unsafe.Sizeof(WaterfallPolicy{})]byte
	_ [unsafe.Sizeof(LedgerEntry{}) - C.sizeof_partliq_ledger_entry]byte
	_ [C.sizeof_partliq_ledger_entry - unsafe.Sizeof(LedgerEntry{})]byte
	_ [unsafe.Sizeof(WaterfallOutcome{}) - C.sizeof_partliq_waterfall_outcome]byte
	_ [C.sizeof_partliq_waterfall_outcome - unsafe.Sizeof(WaterfallOutcome{})]byte
)

// SettleLeg is partliq_unified_settle_leg.
func SettleLeg(b *Book, a *UnifiedAccount, pool uint32, fees []AssetLiquidationFees, terms LegTerms, leg UnifiedLeg) (LegSettlement, error) {
	var s LegSettlement
	c := cUnified(b, a)
	err := check(C.partliq_unified_settle_leg(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk, c.nRisk,
		c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions, C.uint32_t(pool),
		(*C.partliq_asset_liquidation_fees)(first(fees)), C.size_t(len(fees)), (*C.partliq_leg_terms)(unsafe.Pointer(&terms)),
		(*C.partliq_unified_leg)(unsafe.Pointer(&leg)), (*C.partliq_leg_settlement)(unsafe.Pointer(&s))))
	return s, err
}

// SizeLeg is partliq_unified_size_leg.
func SizeLeg(b *Book, a *UnifiedAccount, pool uint32, fees []AssetLiquidationFees, terms LegTerms, leg UnifiedLeg) (LegSizing, error) {
	var s LegSizing
	c := cUnified(b, a)
	err := check(C.partliq_unified_size_leg(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk, c.nRisk,
		c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions, C.uint32_t(pool),
		(*C.partliq_asset_liquidation_fees)(first(fees)), C.size_t(len(fees)), (*C.partliq_leg_terms)(unsafe.Pointer(&terms)),
		(*C.partliq_unified_leg)(unsafe.Pointer(&leg)), (*C.partliq_leg_sizing)(unsafe.Pointer(&s))))
	return s, err
}

// PlanUnifiedLiquidation is partliq_unified_plan_liquidation with a legs
// buffer of legsLen entries; it returns the plan's legs.
func PlanUnifiedLiquidation(b *Book, a *UnifiedAccount, pool uint32, fees []AssetLiquidationFees, terms LegTerms, objective, ordering uint32,
	assetTiers, marketTiers []uint32, legsLen int) (UnifiedPlan, []UnifiedLeg, error) {
	var p UnifiedPlan
	legs := make([]UnifiedLeg, legsLen)
	c := cUnified(b, a)
	err := check(C.partliq_unified_plan_liquidation(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk, c.nRisk,
		c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions, C.uint32_t(pool),
		(*C.partliq_asset_liquidation_fees)(first(fees)), C.size_t(len(fees)), (*C.partliq_leg_terms)(unsafe.Pointer(&terms)),
		C.uint32_t(objective), C.uint32_t(ordering), (*C.uint32_t)(first(assetTiers)), C.size_t(len(assetTiers)),
		(*C.uint32_t)(first(marketTiers)), C.size_t(len(marketTiers)), (*C.partliq_unified_leg)(first(legs)), C.size_t(legsLen),
		(*C.partliq_unified_plan)(unsafe.Pointer(&p))))
	if err != nil {
		return p, nil, err
	}
	return p, legs[:p.LegCount], nil
}

// NewInsuranceFund is partliq_insurance_fund_new.
func NewInsuranceFund(balance, floor int64) (InsuranceFund, error) {
	var f InsuranceFund
	err := check(C.partliq_insurance_fund_new(C.int64_t(balance), C.int64_t(floor), (*C.partliq_insurance_fund)(unsafe.Pointer(&f))))
	return f, err
}

// ResolveDeficit is partliq_resolve_deficit with a ledger of ledgerLen
// entries (the assets and their prices matter to a spot deficit's fund
// step); the funds are updated on success only.
func ResolveDeficit(assets []Asset, assetPrices []int64, d Deficit, policy WaterfallPolicy, fund *InsuranceFund, marketFunds []InsuranceFund,
	hasOwn []uint8, backstopCapacity int64, payers []int64, depositIndex int64, ledgerLen int) (WaterfallOutcome, []LedgerEntry, error) {
	var o WaterfallOutcome
	ledger := make([]LedgerEntry, ledgerLen)
	err := check(C.partliq_resolve_deficit((*C.partliq_asset)(first(assets)), C.size_t(len(assets)), (*C.int64_t)(first(assetPrices)),
		C.size_t(len(assetPrices)), (*C.partliq_deficit)(unsafe.Pointer(&d)),
		(*C.partliq_waterfall_policy)(unsafe.Pointer(&policy)), (*C.partliq_insurance_fund)(unsafe.Pointer(fund)),
		(*C.partliq_insurance_fund)(first(marketFunds)), C.size_t(len(marketFunds)), (*C.uint8_t)(first(hasOwn)), C.size_t(len(hasOwn)),
		C.int64_t(backstopCapacity), (*C.int64_t)(first(payers)), C.size_t(len(payers)), C.int64_t(depositIndex),
		(*C.partliq_ledger_entry)(first(ledger)), C.size_t(ledgerLen), (*C.partliq_waterfall_outcome)(unsafe.Pointer(&o))))
	if err != nil {
		return o, nil, err
	}
	return o, ledger[:o.LedgerLen], nil
}

// DelistingPolicy is partliq_delisting_policy.
type DelistingPolicy struct {
	SettlementPrice int64
	FeePPM          uint32
	Reserved        uint32
}

// PositionSettlement is partliq_position_settlement.
type PositionSettlement struct {
	PositionIndex   uint32
	Reserved        uint32
	ClosedSize      int64
	Cash            int64
	Funding         int64
	Fee             int64
	QuoteDelta      int64
	NewQuoteBalance int64
}

// PoolDelisting is partliq_pool_delisting.
type PoolDelisting struct {
	Settled     uint32
	Outcome     uint32
	HealthAfter UnifiedHealth
	Deficit     Deficit
	Shortfall   int64
}

var (
	_ [unsafe.Sizeof(PositionSettlement{}) - C.sizeof_partliq_position_settlement]byte
	_ [C.sizeof_partliq_position_settlement - unsafe.Sizeof(PositionSettlement{})]byte
	_ [unsafe.Sizeof(PoolDelisting{}) - C.sizeof_partliq_pool_delisting]byte
	_ [C.sizeof_partliq_pool_delisting - unsafe.Sizeof(PoolDelisting{})]byte
)

// SettleDelisted is partliq_settle_delisted with a settlements buffer of
// settlementsLen entries; it returns the positions after and the settled
// positions' figures.
func SettleDelisted(b *Book, a *UnifiedAccount, pool, market uint32, policy DelistingPolicy, ladder MarginLadder,
	settlementsLen int) (PoolDelisting, []PerpPosition, []PositionSettlement, error) {
	var d PoolDelisting
	after := make([]PerpPosition, len(a.Positions))
	settled := make([]PositionSettlement, settlementsLen)
	c := cUnified(b, a)
	err := check(C.partliq_settle_delisted(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk, c.nRisk,
		c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions, C.uint32_t(pool),
		C.uint32_t(market), (*C.partliq_delisting_policy)(unsafe.Pointer(&policy)), (*C.partliq_margin_ladder)(unsafe.Pointer(&ladder)),
		(*C.partliq_perp_position)(first(after)), C.size_t(len(after)), (*C.partliq_position_settlement)(first(settled)),
		C.size_t(settlementsLen), (*C.partliq_pool_delisting)(unsafe.Pointer(&d))))
	if err != nil {
		return d, nil, nil, err
	}
	return d, after, settled[:d.Settled], nil
}

// SocializedDelta is partliq_socialized_delta.
func SocializedDelta(loss, openInterest int64) (int64, error) {
	var v C.int64_t
	err := check(C.partliq_socialized_delta(C.int64_t(loss), C.int64_t(openInterest), &v))
	return int64(v), err
}

// SocializedCharge is partliq_socialized_charge.
func SocializedCharge(size, delta int64) (int64, error) {
	var v C.int64_t
	err := check(C.partliq_socialized_charge(C.int64_t(size), C.int64_t(delta), &v))
	return int64(v), err
}

// HaircutIndex is partliq_haircut_index.
func HaircutIndex(index, deposits, loss int64) (int64, error) {
	var v C.int64_t
	err := check(C.partliq_haircut_index(C.int64_t(index), C.int64_t(deposits), C.int64_t(loss), &v))
	return int64(v), err
}

// HaircutBalance is partliq_haircut_balance.
func HaircutBalance(balance, oldIndex, newIndex int64) (int64, error) {
	var v C.int64_t
	err := check(C.partliq_haircut_balance(C.int64_t(balance), C.int64_t(oldIndex), C.int64_t(newIndex), &v))
	return int64(v), err
}

// UnifiedLiquidationPolicy is partliq_unified_liquidation_policy.
type UnifiedLiquidationPolicy struct {
	Terms LegTerms
	// Objective is a partliq_plan_objective, Ordering a partliq_leg_ordering.
	Objective uint32
	Ordering  uint32
	// TakeOverBankrupt is 1 to take a bankrupt pool over whole, 0 to
	// liquidate it leg by leg first.
	TakeOverBankrupt uint32
	// SearchBudgetUnits is the exact search's work units for each of its
	// orders; 0 is PARTLIQ_DEFAULT_SEARCH_BUDGET.
	SearchBudgetUnits uint32
}

// UnifiedDecision is partliq_unified_decision.
type UnifiedDecision struct {
	Action uint32
	Reason uint32
	Plan   UnifiedPlan
}

// The whole step's actions and reasons besides the engine's.
const (
	ActionTakeover       = C.PARTLIQ_ACTION_TAKEOVER
	ActionResolveDeficit = C.PARTLIQ_ACTION_RESOLVE_DEFICIT
	ReasonTargetMet      = C.PARTLIQ_REASON_TARGET_MET
	ReasonInfeasible     = C.PARTLIQ_REASON_INFEASIBLE
	ReasonBankrupt       = C.PARTLIQ_REASON_BANKRUPT
	ObjectiveLeastValue  = C.PARTLIQ_PLAN_OBJECTIVE_LEAST_VALUE
	OrderingPerpsFirst   = C.PARTLIQ_LEG_ORDERING_PERPS_FIRST
	// StatusInvalidEnum and StatusReservedNotZero are the boundary's
	// refusals of a policy's fields.
	StatusInvalidEnum     Status = C.PARTLIQ_STATUS_INVALID_ENUM
	StatusReservedNotZero Status = C.PARTLIQ_STATUS_RESERVED_NOT_ZERO
	StatusBadLength       Status = C.PARTLIQ_STATUS_BAD_LENGTH
)

var (
	_ [unsafe.Sizeof(UnifiedLiquidationPolicy{}) - C.sizeof_partliq_unified_liquidation_policy]byte
	_ [C.sizeof_partliq_unified_liquidation_policy - unsafe.Sizeof(UnifiedLiquidationPolicy{})]byte
	_ [unsafe.Sizeof(UnifiedDecision{}) - C.sizeof_partliq_unified_decision]byte
	_ [C.sizeof_partliq_unified_decision - unsafe.Sizeof(UnifiedDecision{})]byte
)

// RunUnifiedLiquidation is partliq_run_unified_liquidation: the whole step
// for pool `pool` with legs as the legs buffer (nil: none); it returns the
// decision and the plan's legs (the front of legs). A nil policy is passed
// as NULL (refused with StatusNullPointer).
func RunUnifiedLiquidation(b *Book, a *UnifiedAccount, pool uint32, fees []AssetLiquidationFees, policy *UnifiedLiquidationPolicy,
	assetTiers, marketTiers []uint32, inLiquidation uint32, legs []UnifiedLeg) (UnifiedDecision, []UnifiedLeg, error) {
	var d UnifiedDecision
	var lp *UnifiedLeg
	if len(legs) > 0 {
		lp = &legs[0]
	}
	err := runUnifiedLiquidation(b, a, pool, fees, policy, assetTiers, marketTiers, inLiquidation, lp, len(legs), &d)
	if err != nil {
		return d, nil, err
	}
	return d, legs[:d.Plan.LegCount], nil
}

// runUnifiedLiquidation passes every pointer as given (nil as NULL), for the
// tests of the boundary's refusals; legs points to at least legsLen legs or
// is nil.
func runUnifiedLiquidation(b *Book, a *UnifiedAccount, pool uint32, fees []AssetLiquidationFees, policy *UnifiedLiquidationPolicy,
	assetTiers, marketTiers []uint32, inLiquidation uint32, legs *UnifiedLeg, legsLen int, out *UnifiedDecision) error {
	c := cUnified(b, a)
	return check(C.partliq_run_unified_liquidation(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk, c.nRisk,
		c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions, C.uint32_t(pool),
		(*C.partliq_asset_liquidation_fees)(first(fees)), C.size_t(len(fees)),
		(*C.partliq_unified_liquidation_policy)(unsafe.Pointer(policy)), (*C.uint32_t)(first(assetTiers)), C.size_t(len(assetTiers)),
		(*C.uint32_t)(first(marketTiers)), C.size_t(len(marketTiers)), C.uint32_t(inLiquidation), (*C.partliq_unified_leg)(unsafe.Pointer(legs)),
		C.size_t(legsLen), (*C.partliq_unified_decision)(unsafe.Pointer(out))))
}
