// Package partliq is a cgo binding of partliq's C ABI (include/partliq.h):
// health, sizing, planning, pricing and settlement of margin accounts, in
// the engine's own integer units.
//
// Link flags come from the environment (ctest sets them):
//
//	CGO_LDFLAGS="<target>/release/libpartliq.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc" go test ./...
//
// The structs here have exactly the C layout (checked at compile time
// below), so slices of them are passed to C without copying; they hold no
// Go pointers, as cgo requires.
package partliq

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include <partliq.h>
*/
import "C"

import (
	"unsafe"
)

// Status is a partliq_status other than PARTLIQ_STATUS_OK; it is the error
// every function returns.
type Status uint32

// A few statuses callers test for.
const (
	StatusOK              Status = C.PARTLIQ_STATUS_OK
	StatusOverflow        Status = C.PARTLIQ_STATUS_OVERFLOW
	StatusNullPointer     Status = C.PARTLIQ_STATUS_NULL_POINTER
	StatusBufferTooSmall  Status = C.PARTLIQ_STATUS_BUFFER_TOO_SMALL
	StatusUnknownPosition Status = C.PARTLIQ_STATUS_UNKNOWN_POSITION
)

func (s Status) Error() string {
	return C.GoString(C.partliq_status_str(C.partliq_status(s)))
}

func check(st C.partliq_status) error {
	if st == C.PARTLIQ_STATUS_OK {
		return nil
	}
	return Status(st)
}

// MaxTiers is PARTLIQ_MAX_TIERS.
const MaxTiers = C.PARTLIQ_MAX_TIERS

// Version is the linked library's version string.
func Version() string { return C.GoString(C.partliq_version()) }

// ABIVersion is the linked library's PARTLIQ_VERSION_NUMBER.
func ABIVersion() uint32 { return uint32(C.partliq_abi_version()) }

// HeaderVersion is the PARTLIQ_VERSION_NUMBER this package was compiled against.
const HeaderVersion = C.PARTLIQ_VERSION_NUMBER

// MarginTier is partliq_margin_tier.
type MarginTier struct {
	NotionalFloor  int64
	InitialPPM     uint32
	MaintenancePPM uint32
}

// Market is partliq_market.
type Market struct {
	ID                    uint32
	QuoteExponent         int32
	LotStep               int64
	Tick                  int64
	Tiers                 [MaxTiers]MarginTier
	TierCount             uint32
	LiquidationFeePPM     uint32
	LiquidatorFeeSharePPM uint32
	// LiquidationFeeRounding is a partliq_fee_rounding: 0 up (the default), 1 down.
	LiquidationFeeRounding uint32
	DustFloor              int64
}

// Position is partliq_position.
type Position struct {
	MarketIndex  uint32
	Reserved     uint32
	Size         int64
	QuoteBalance int64
}

// Health is partliq_health.
type Health struct {
	Equity                 int64
	InitialRequirement     int64
	MaintenanceRequirement int64
	FreeCollateral         int64
	MarginRatioPPM         uint64
	State                  uint32
	Reserved               uint32
}

// Target is partliq_target.
type Target struct {
	Kind      uint32
	BufferPPM uint32
}

// Target kinds, plan orders, outcomes.
const (
	TargetMaintenance       = C.PARTLIQ_TARGET_KIND_MAINTENANCE
	TargetInitial           = C.PARTLIQ_TARGET_KIND_INITIAL
	OrderLargestMaintenance = C.PARTLIQ_PLAN_ORDER_LARGEST_MAINTENANCE_FIRST
	OrderBestReleasePerCost = C.PARTLIQ_PLAN_ORDER_BEST_RELEASE_PER_COST_FIRST
	OrderProRata            = C.PARTLIQ_PLAN_ORDER_PRO_RATA
	OutcomeAlreadySafe      = C.PARTLIQ_OUTCOME_ALREADY_SAFE
	OutcomeRestored         = C.PARTLIQ_OUTCOME_RESTORED
	OutcomeInfeasible       = C.PARTLIQ_OUTCOME_INFEASIBLE
	StateHealthy            = C.PARTLIQ_HEALTH_STATE_HEALTHY
	StateLiquidatable       = C.PARTLIQ_HEALTH_STATE_LIQUIDATABLE
	StateBankrupt           = C.PARTLIQ_HEALTH_STATE_BANKRUPT
)

// PlanParams is partliq_plan_params.
type PlanParams struct {
	Target       Target
	PriceBandPPM uint32
	Order        uint32
}

// PlanLeg is partliq_plan_leg.
type PlanLeg struct {
	PositionIndex uint32
	Reserved      uint32
	SizeDelta     int64
	LimitPrice    int64
	ExpectedCash  int64
	ExpectedFee   int64
}

// Plan is partliq_plan.
type Plan struct {
	Status              uint32
	LegCount            uint32
	HealthBefore        Health
	HealthAfter         Health
	RequiredEquityAfter int64
	Shortfall           int64
	DustClosed          uint8
	Reserved            [7]uint8
}

// CloseRequest is partliq_close_request.
type CloseRequest struct {
	PositionIndex  uint32
	Target         Target
	Reserved       uint32
	ExecutionPrice int64
}

// CloseSizing is partliq_close_sizing.
type CloseSizing struct {
	Status              uint32
	DustClosed          uint8
	Exhaustive          uint8
	Reserved            [2]uint8
	SizeDelta           int64
	ExecutionPrice      int64
	ExpectedCash        int64
	ExpectedFee         int64
	HealthAfter         Health
	RequiredEquityAfter int64
	Shortfall           int64
}

// Bankruptcy is partliq_bankruptcy.
type Bankruptcy struct {
	Quote int64
	Price int64
}

// LiquidationPrice is partliq_liquidation_price.
type LiquidationPrice struct {
	Kind     uint32
	Reserved uint32
	Price    int64
}

// Fill is partliq_fill.
type Fill struct {
	PositionIndex uint32
	Reserved      uint32
	SizeDelta     int64
	Price         int64
}

// Settlement is partliq_settlement.
type Settlement struct {
	NewPosition        Position
	FillCash           int64
	BankruptcyQuote    int64
	NominalFee         int64
	Fee                int64
	FeeToLiquidator    int64
	FeeToInsurance     int64
	BadDebt            int64
	InsuranceFundDelta int64
	PositionQuoteDelta int64
	HealthAfter        Health
}

// Compile-time layout checks: each line fails to compile (constant
// overflow) unless the Go size equals the C size.
var (
	_ [unsafe.Sizeof(Market{}) - C.sizeof_partliq_market]byte
	_ [C.sizeof_partliq_market - unsafe.Sizeof(Market{})]byte
	_ [unsafe.Sizeof(Position{}) - C.sizeof_partliq_position]byte
	_ [C.sizeof_partliq_position - unsafe.Sizeof(Position{})]byte
	_ [unsafe.Sizeof(Health{}) - C.sizeof_partliq_health]byte
	_ [C.sizeof_partliq_health - unsafe.Sizeof(Health{})]byte
	_ [unsafe.Sizeof(PlanParams{}) - C.sizeof_partliq_plan_params]byte
	_ [C.sizeof_partliq_plan_params - unsafe.Sizeof(PlanParams{})]byte
	_ [unsafe.Sizeof(PlanLeg{}) - C.sizeof_partliq_plan_leg]byte
	_ [C.sizeof_partliq_plan_leg - unsafe.Sizeof(PlanLeg{})]byte
	_ [unsafe.Sizeof(Plan{}) - C.sizeof_partliq_plan]byte
	_ [C.sizeof_partliq_plan - unsafe.Sizeof(Plan{})]byte
	_ [unsafe.Sizeof(CloseRequest{}) - C.sizeof_partliq_close_request]byte
	_ [C.sizeof_partliq_close_request - unsafe.Sizeof(CloseRequest{})]byte
	_ [unsafe.Sizeof(CloseSizing{}) - C.sizeof_partliq_close_sizing]byte
	_ [C.sizeof_partliq_close_sizing - unsafe.Sizeof(CloseSizing{})]byte
	_ [unsafe.Sizeof(Bankruptcy{}) - C.sizeof_partliq_bankruptcy]byte
	_ [C.sizeof_partliq_bankruptcy - unsafe.Sizeof(Bankruptcy{})]byte
	_ [unsafe.Sizeof(LiquidationPrice{}) - C.sizeof_partliq_liquidation_price]byte
	_ [C.sizeof_partliq_liquidation_price - unsafe.Sizeof(LiquidationPrice{})]byte
	_ [unsafe.Sizeof(Fill{}) - C.sizeof_partliq_fill]byte
	_ [C.sizeof_partliq_fill - unsafe.Sizeof(Fill{})]byte
	_ [unsafe.Sizeof(Settlement{}) - C.sizeof_partliq_settlement]byte
	_ [C.sizeof_partliq_settlement - unsafe.Sizeof(Settlement{})]byte
)

// Pool is one margin pool: markets (prices[i] is the mark of markets[i]),
// collateral and positions. The slices are read in place by C.
type Pool struct {
	Markets    []Market
	Prices     []int64
	Collateral int64
	Positions  []Position
}

type cPool struct {
	markets    *C.partliq_market
	nMarkets   C.size_t
	prices     *C.int64_t
	nPrices    C.size_t
	collateral C.int64_t
	positions  *C.partliq_position
	nPositions C.size_t
}

func (p *Pool) c() cPool {
	var cp cPool
	if len(p.Markets) > 0 {
		cp.markets = (*C.partliq_market)(unsafe.Pointer(&p.Markets[0]))
	}
	if len(p.Prices) > 0 {
		cp.prices = (*C.int64_t)(unsafe.Pointer(&p.Prices[0]))
	}
	if len(p.Positions) > 0 {
		cp.positions = (*C.partliq_position)(unsafe.Pointer(&p.Positions[0]))
	}
	cp.nMarkets = C.size_t(len(p.Markets))
	cp.nPrices = C.size_t(len(p.Prices))
	cp.nPositions = C.size_t(len(p.Positions))
	cp.collateral = C.int64_t(p.Collateral)
	return cp
}

// ValidateMarket checks every parameter of a market.
func ValidateMarket(m *Market) error {
	return check(C.partliq_market_validate((*C.partliq_market)(unsafe.Pointer(m))))
}

// PoolHealth is partliq_pool_health.
func PoolHealth(p *Pool) (Health, error) {
	var h Health
	c := p.c()
	err := check(C.partliq_pool_health(c.markets, c.nMarkets, c.prices, c.nPrices, c.collateral, c.positions, c.nPositions,
		(*C.partliq_health)(unsafe.Pointer(&h))))
	return h, err
}

// AccountHealth is partliq_account_health (mode: 0 cross, 1 isolated).
func AccountHealth(p *Pool, mode uint32) (Health, error) {
	var h Health
	c := p.c()
	err := check(C.partliq_account_health(c.markets, c.nMarkets, c.prices, c.nPrices, c.collateral, c.positions, c.nPositions,
		C.uint32_t(mode), (*C.partliq_health)(unsafe.Pointer(&h))))
	return h, err
}

// MinimalClose is partliq_minimal_close.
func MinimalClose(p *Pool, req CloseRequest) (CloseSizing, error) {
	var s CloseSizing
	c := p.c()
	err := check(C.partliq_minimal_close(c.markets, c.nMarkets, c.prices, c.nPrices, c.collateral, c.positions, c.nPositions,
		(*C.partliq_close_request)(unsafe.Pointer(&req)), (*C.partliq_close_sizing)(unsafe.Pointer(&s))))
	return s, err
}

// PlanLiquidation is partliq_plan_liquidation with a legs buffer of
// legsLen entries (at least one per position); it returns the plan and its
// legs.
func PlanLiquidation(p *Pool, params PlanParams, legsLen int) (Plan, []PlanLeg, error) {
	var plan Plan
	legs := make([]PlanLeg, legsLen)
	var legsPtr *C.partliq_plan_leg
	if legsLen > 0 {
		legsPtr = (*C.partliq_plan_leg)(unsafe.Pointer(&legs[0]))
	}
	c := p.c()
	err := check(C.partliq_plan_liquidation(c.markets, c.nMarkets, c.prices, c.nPrices, c.collateral, c.positions, c.nPositions,
		(*C.partliq_plan_params)(unsafe.Pointer(&params)), legsPtr, C.size_t(legsLen), (*C.partliq_plan)(unsafe.Pointer(&plan))))
	if err != nil {
		return plan, nil, err
	}
	return plan, legs[:plan.LegCount], nil
}

// BankruptcyPrice is partliq_bankruptcy_price.
func BankruptcyPrice(p *Pool, positionIndex uint32, sizeDelta int64) (Bankruptcy, error) {
	var b Bankruptcy
	c := p.c()
	err := check(C.partliq_bankruptcy_price(c.markets, c.nMarkets, c.prices, c.nPrices, c.collateral, c.positions, c.nPositions,
		C.uint32_t(positionIndex), C.int64_t(sizeDelta), (*C.partliq_bankruptcy)(unsafe.Pointer(&b))))
	return b, err
}

// LimitPrice is partliq_limit_price.
func LimitPrice(p *Pool, positionIndex uint32, bandPPM uint32) (int64, error) {
	var price C.int64_t
	c := p.c()
	err := check(C.partliq_limit_price(c.markets, c.nMarkets, c.prices, c.nPrices, c.collateral, c.positions, c.nPositions,
		C.uint32_t(positionIndex), C.uint32_t(bandPPM), &price))
	return int64(price), err
}

// EstimatedLiquidationPrice is partliq_estimated_liquidation_price.
func EstimatedLiquidationPrice(p *Pool, positionIndex uint32) (LiquidationPrice, error) {
	var lp LiquidationPrice
	c := p.c()
	err := check(C.partliq_estimated_liquidation_price(c.markets, c.nMarkets, c.prices, c.nPrices, c.collateral, c.positions, c.nPositions,
		C.uint32_t(positionIndex), (*C.partliq_liquidation_price)(unsafe.Pointer(&lp))))
	return lp, err
}

// SettleFill is partliq_settle_fill.
func SettleFill(p *Pool, fill Fill) (Settlement, error) {
	var s Settlement
	c := p.c()
	err := check(C.partliq_settle_fill(c.markets, c.nMarkets, c.prices, c.nPrices, c.collateral, c.positions, c.nPositions,
		(*C.partliq_fill)(unsafe.Pointer(&fill)), (*C.partliq_settlement)(unsafe.Pointer(&s))))
	return s, err
}

// BatchAccount is partliq_batch_account: an account of a batch, the range
// [FirstPosition, FirstPosition+PositionCount) of the batch's positions.
type BatchAccount struct {
	Collateral    int64
	FirstPosition uint32
	PositionCount uint32
}

var (
	_ [unsafe.Sizeof(BatchAccount{}) - C.sizeof_partliq_batch_account]byte
	_ [C.sizeof_partliq_batch_account - unsafe.Sizeof(BatchAccount{})]byte
)

// PoolHealthBatch is partliq_pool_health_batch: the health of every
// account in one crossing. The error is the batch's (bad shared
// arguments); statuses[i] is account i's (nil: its health is health[i]).
func PoolHealthBatch(markets []Market, prices []int64, accounts []BatchAccount, positions []Position) ([]Health, []error, error) {
	health := make([]Health, len(accounts))
	statuses := make([]C.partliq_status, len(accounts))
	p := (&Pool{Markets: markets, Prices: prices, Positions: positions}).c()
	var acc *C.partliq_batch_account
	var out *C.partliq_health
	var st *C.partliq_status
	if len(accounts) > 0 {
		acc = (*C.partliq_batch_account)(unsafe.Pointer(&accounts[0]))
		out = (*C.partliq_health)(unsafe.Pointer(&health[0]))
		st = &statuses[0]
	}
	if err := check(C.partliq_pool_health_batch(p.markets, p.nMarkets, p.prices, p.nPrices, acc, C.size_t(len(accounts)),
		p.positions, p.nPositions, out, st, C.size_t(len(accounts)))); err != nil {
		return nil, nil, err
	}
	errs := make([]error, len(accounts))
	for i, s := range statuses {
		errs[i] = check(s)
	}
	return health, errs, nil
}

// PlanLiquidationBatch is partliq_plan_liquidation_batch: the liquidation
// plan of every account in one crossing, with one params for all. Account
// i's legs are legs[i][:plans[i].LegCount] (legsPerAccount slots each). The
// error is the batch's (bad shared arguments, legsPerAccount 0);
// statuses[i] is account i's (nil: its plan is plans[i]).
func PlanLiquidationBatch(markets []Market, prices []int64, accounts []BatchAccount, positions []Position, params PlanParams,
	legsPerAccount int) ([]Plan, [][]PlanLeg, []error, error) {
	plans := make([]Plan, len(accounts))
	legs := make([]PlanLeg, len(accounts)*legsPerAccount)
	statuses := make([]C.partliq_status, len(accounts))
	p := (&Pool{Markets: markets, Prices: prices, Positions: positions}).c()
	var acc *C.partliq_batch_account
	var out *C.partliq_plan
	var st *C.partliq_status
	var legsPtr *C.partliq_plan_leg
	if len(accounts) > 0 {
		acc = (*C.partliq_batch_account)(unsafe.Pointer(&accounts[0]))
		out = (*C.partliq_plan)(unsafe.Pointer(&plans[0]))
		st = &statuses[0]
	}
	if len(legs) > 0 {
		legsPtr = (*C.partliq_plan_leg)(unsafe.Pointer(&legs[0]))
	}
	if err := check(C.partliq_plan_liquidation_batch(p.markets, p.nMarkets, p.prices, p.nPrices, acc, C.size_t(len(accounts)),
		p.positions, p.nPositions, (*C.partliq_plan_params)(unsafe.Pointer(&params)), legsPtr, C.size_t(len(legs)),
		C.size_t(legsPerAccount), out, st, C.size_t(len(accounts)))); err != nil {
		return nil, nil, nil, err
	}
	errs := make([]error, len(accounts))
	accountLegs := make([][]PlanLeg, len(accounts))
	for i, s := range statuses {
		errs[i] = check(s)
		if errs[i] == nil {
			accountLegs[i] = legs[i*legsPerAccount : i*legsPerAccount+int(plans[i].LegCount)]
		}
	}
	return plans, accountLegs, errs, nil
}

// BatchDydxPosition is partliq_batch_dydx_position: a dYdX v4 perpetual
// position with its market, in 64-bit fields.
type BatchDydxPosition struct {
	PerpetualID            uint32
	AtomicResolution       int32
	OpenInterest           int64
	InitialMarginPPM       uint32
	MaintenanceFractionPPM uint32
	OpenInterestLowerCap   uint64
	OpenInterestUpperCap   uint64
	Price                  uint64
	PriceExponent          int32
	Reserved               uint32
	Quantums               int64
	QuoteBalance           int64
}

// BatchDydxRisk is partliq_batch_dydx_risk: a subaccount's margin, quote quantums.
type BatchDydxRisk struct {
	MMR          int64
	IMR          int64
	NC           int64
	Liquidatable uint32
	Reserved     uint32
}

var (
	_ [unsafe.Sizeof(BatchDydxPosition{}) - C.sizeof_partliq_batch_dydx_position]byte
	_ [C.sizeof_partliq_batch_dydx_position - unsafe.Sizeof(BatchDydxPosition{})]byte
	_ [unsafe.Sizeof(BatchDydxRisk{}) - C.sizeof_partliq_batch_dydx_risk]byte
	_ [C.sizeof_partliq_batch_dydx_risk - unsafe.Sizeof(BatchDydxRisk{})]byte
)

// DydxSubaccountRiskBatch is partliq_dydx_subaccount_risk_batch: dYdX v4
// subaccount margin (an account's Collateral is its USDC quote quantums)
// of every account in one crossing. The error is the batch's; statuses[i]
// is account i's (nil: its risk is risk[i]).
func DydxSubaccountRiskBatch(accounts []BatchAccount, positions []BatchDydxPosition) ([]BatchDydxRisk, []error, error) {
	risk := make([]BatchDydxRisk, len(accounts))
	statuses := make([]C.partliq_status, len(accounts))
	var acc *C.partliq_batch_account
	var ps *C.partliq_batch_dydx_position
	var out *C.partliq_batch_dydx_risk
	var st *C.partliq_status
	if len(accounts) > 0 {
		acc = (*C.partliq_batch_account)(unsafe.Pointer(&accounts[0]))
		out = (*C.partliq_batch_dydx_risk)(unsafe.Pointer(&risk[0]))
		st = &statuses[0]
	}
	if len(positions) > 0 {
		ps = (*C.partliq_batch_dydx_position)(unsafe.Pointer(&positions[0]))
	}
	if err := check(C.partliq_dydx_subaccount_risk_batch(acc, C.size_t(len(accounts)), ps, C.size_t(len(positions)), out, st,
		C.size_t(len(accounts)))); err != nil {
		return nil, nil, err
	}
	errs := make([]error, len(accounts))
	for i, s := range statuses {
		errs[i] = check(s)
	}
	return risk, errs, nil
}
