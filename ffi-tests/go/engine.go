package partliq

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include <partliq.h>
*/
import "C"

import "unsafe"

// Preset is partliq_preset (policy + venue fees), used as an opaque value
// from Go: build it with a Preset* constructor.
type Preset = C.partliq_preset

// Policy is partliq_policy.
type Policy = C.partliq_policy

// Policy returns the preset's policy.
func (p *Preset) Policy() *Policy { return &p.policy }

// SetEmergencyBypass sets partliq_policy.emergency_bypass: bypass below
// belowNum / belowDen of maintenance (belowDen 0 = unset), and with project
// on a projected negative equity at an adverse move of adverseMovePPM.
// Values are checked by the library (partliq_policy_validate).
func (p *Policy) SetEmergencyBypass(belowNum, belowDen, project, adverseMovePPM uint32) {
	p.emergency_bypass = C.partliq_emergency_bypass{
		below_numerator:   C.uint32_t(belowNum),
		below_denominator: C.uint32_t(belowDen),
		project:           C.uint32_t(project),
		adverse_move_ppm:  C.uint32_t(adverseMovePPM),
	}
}

// SetWholeStepsWithBlockLimit makes the policy size steps as large as the
// rules allow (PARTLIQ_SIZING_MODE_MAX_ALLOWED), cap each account's block
// at maxNotional, and take over rather than backstop when infeasible.
func (p *Policy) SetWholeStepsWithBlockLimit(maxNotional int64) {
	p.sizing = C.PARTLIQ_SIZING_MODE_MAX_ALLOWED
	p.block_limits.max_notional = C.int64_t(maxNotional)
	p.escalation.backstop_on_infeasible = 0
}

// SetPriceBand sets partliq_policy.price_band_ppm (checked by the library).
func (p *Policy) SetPriceBand(ppm uint32) { p.price_band_ppm = C.uint32_t(ppm) }

// ValidatePolicy is partliq_policy_validate.
func ValidatePolicy(p *Policy) error { return check(C.partliq_policy_validate(p)) }

// PresetPartliqDefault is partliq_preset_partliq_default.
func PresetPartliqDefault() (Preset, error) {
	var p Preset
	return p, check(C.partliq_preset_partliq_default(&p))
}

// PresetHyperliquid is partliq_preset_hyperliquid.
func PresetHyperliquid(quotePerUSD int64, ticksPerSecond uint64) (Preset, error) {
	var p Preset
	return p, check(C.partliq_preset_hyperliquid(C.int64_t(quotePerUSD), C.uint64_t(ticksPerSecond), &p))
}

// PresetSynthetixV3 is partliq_preset_synthetix_v3.
func PresetSynthetixV3(capacity int64, window uint64) (Preset, error) {
	var p Preset
	return p, check(C.partliq_preset_synthetix_v3(C.int64_t(capacity), C.uint64_t(window), &p))
}

// Actions and reasons of a Decision; ADL modes.
const (
	ActionNone                  = C.PARTLIQ_ACTION_NONE
	ActionLiquidate             = C.PARTLIQ_ACTION_LIQUIDATE
	ActionBackstop              = C.PARTLIQ_ACTION_BACKSTOP
	ReasonHealthy               = C.PARTLIQ_REASON_HEALTHY
	ReasonTargetRestored        = C.PARTLIQ_REASON_TARGET_RESTORED
	ReasonBelowBackstopFraction = C.PARTLIQ_REASON_BELOW_BACKSTOP_FRACTION
	ReasonCapacityExhausted     = C.PARTLIQ_REASON_CAPACITY_EXHAUSTED
	ReasonStepCapped            = C.PARTLIQ_REASON_STEP_CAPPED
	ReasonEmergencyBypass       = C.PARTLIQ_REASON_EMERGENCY_BYPASS
	AdlQueue                    = C.PARTLIQ_ADL_MODE_QUEUE
	AdlProRata                  = C.PARTLIQ_ADL_MODE_PRO_RATA
)

// Statuses the pipeline and deleveraging tests look for.
const (
	StateTooSmall              = C.PARTLIQ_STATUS_STATE_TOO_SMALL
	InsufficientCounterparties = C.PARTLIQ_STATUS_INSUFFICIENT_COUNTERPARTIES
	InvalidEnum                = C.PARTLIQ_STATUS_INVALID_ENUM
	InvalidPolicyFraction      = C.PARTLIQ_STATUS_INVALID_POLICY_FRACTION
	BypassFractionNotBelowOne  = C.PARTLIQ_STATUS_BYPASS_FRACTION_NOT_BELOW_ONE
	ReservationTableFull       = C.PARTLIQ_STATUS_RESERVATION_TABLE_FULL
	CommitExceedsReservation   = C.PARTLIQ_STATUS_COMMIT_EXCEEDS_RESERVATION
	UnknownReservation         = C.PARTLIQ_STATUS_UNKNOWN_RESERVATION
)

// AccountState is partliq_account_liquidation_state.
type AccountState struct {
	LastPartialTime    uint64
	HasPartial         uint32
	InLiquidation      uint32
	Block              uint64
	BlockNotional      int64
	BlockInsuranceLoss int64
	// LiquidationStartTime and LiquidationStarted: when the liquidation
	// under way started (the ramps run from it).
	LiquidationStartTime uint64
	LiquidationStarted   uint32
	Reserved             uint32
}

// MarketCapacityState is partliq_market_capacity_state.
type MarketCapacityState struct {
	WindowStart uint64
	Used        int64
}

// Backstop is partliq_backstop.
type Backstop struct {
	Collateral    int64
	PositionCount uint32
	Reserved      uint32
	Health        Health
	Deficit       int64
}

// Decision is partliq_decision.
type Decision struct {
	Action      uint32
	Reason      uint32
	Plan        Plan
	HasBackstop uint8
	Reserved    [7]uint8
	Backstop    Backstop
}

// AdlCandidate is partliq_adl_candidate.
type AdlCandidate struct {
	Account       uint32
	Reserved      uint32
	Size          int64
	UnrealizedPnL int64
	EntryNotional int64
	MarkNotional  int64
	Margin        int64
}

// AdlFill is partliq_adl_fill.
type AdlFill struct {
	Candidate uint32
	Account   uint32
	SizeDelta int64
	Price     int64
}

var (
	_ [unsafe.Sizeof(AccountState{}) - C.sizeof_partliq_account_liquidation_state]byte
	_ [C.sizeof_partliq_account_liquidation_state - unsafe.Sizeof(AccountState{})]byte
	_ [unsafe.Sizeof(MarketCapacityState{}) - C.sizeof_partliq_market_capacity_state]byte
	_ [C.sizeof_partliq_market_capacity_state - unsafe.Sizeof(MarketCapacityState{})]byte
	_ [unsafe.Sizeof(Backstop{}) - C.sizeof_partliq_backstop]byte
	_ [C.sizeof_partliq_backstop - unsafe.Sizeof(Backstop{})]byte
	_ [unsafe.Sizeof(Decision{}) - C.sizeof_partliq_decision]byte
	_ [C.sizeof_partliq_decision - unsafe.Sizeof(Decision{})]byte
	_ [unsafe.Sizeof(AdlCandidate{}) - C.sizeof_partliq_adl_candidate]byte
	_ [C.sizeof_partliq_adl_candidate - unsafe.Sizeof(AdlCandidate{})]byte
	_ [unsafe.Sizeof(AdlFill{}) - C.sizeof_partliq_adl_fill]byte
	_ [C.sizeof_partliq_adl_fill - unsafe.Sizeof(AdlFill{})]byte
)

// RunPipeline is partliq_run_pipeline with a legs buffer of legsLen
// entries; st and marketStates are read and, on success only, updated.
func RunPipeline(p *Pool, policy *Policy, st *AccountState, marketStates []MarketCapacityState, now, block uint64, legsLen int) (Decision, []PlanLeg, error) {
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
	c := p.c()
	err := check(C.partliq_run_pipeline(c.markets, c.nMarkets, c.prices, c.nPrices, c.collateral, c.positions, c.nPositions,
		policy, (*C.partliq_account_liquidation_state)(unsafe.Pointer(st)), msPtr, C.size_t(len(marketStates)),
		C.uint64_t(now), C.uint64_t(block), legsPtr, C.size_t(legsLen), (*C.partliq_decision)(unsafe.Pointer(&d))))
	if err != nil {
		return d, nil, err
	}
	return d, legs[:d.Plan.LegCount], nil
}

// LegReservation is partliq_leg_reservation: one leg's booked notional
// until its fill is committed and the rest released.
type LegReservation struct {
	Block           uint64
	WindowStart     uint64
	PositionIndex   uint32
	MarketIndex     uint32
	Units           int64
	FilledUnits     int64
	ReleasedUnits   int64
	BlockReserved   int64
	WindowReserved  int64
	BlockCommitted  int64
	WindowCommitted int64
	BlockReleased   int64
	WindowReleased  int64
}

// RunPipelineReserving is partliq_run_pipeline_reserving: RunPipeline with
// each leg's booked notional recorded in reservations (one per leg).
func RunPipelineReserving(p *Pool, policy *Policy, st *AccountState, marketStates []MarketCapacityState, now, block uint64, legsLen int,
	reservations []LegReservation) (Decision, []PlanLeg, error) {
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
	var resPtr *C.partliq_leg_reservation
	if len(reservations) > 0 {
		resPtr = (*C.partliq_leg_reservation)(unsafe.Pointer(&reservations[0]))
	}
	c := p.c()
	err := check(C.partliq_run_pipeline_reserving(c.markets, c.nMarkets, c.prices, c.nPrices, c.collateral, c.positions, c.nPositions,
		policy, (*C.partliq_account_liquidation_state)(unsafe.Pointer(st)), msPtr, C.size_t(len(marketStates)),
		C.uint64_t(now), C.uint64_t(block), legsPtr, C.size_t(legsLen), resPtr, C.size_t(len(reservations)),
		(*C.partliq_decision)(unsafe.Pointer(&d))))
	if err != nil {
		return d, nil, err
	}
	return d, legs[:d.Plan.LegCount], nil
}

// Commit is partliq_leg_reservation_commit: units more of the leg filled.
func (r *LegReservation) Commit(units int64) error {
	return check(C.partliq_leg_reservation_commit((*C.partliq_leg_reservation)(unsafe.Pointer(r)), C.int64_t(units)))
}

// Release is partliq_leg_reservation_release: the rest given back.
func (r *LegReservation) Release(st *AccountState, marketStates []MarketCapacityState) error {
	var msPtr *C.partliq_market_capacity_state
	if len(marketStates) > 0 {
		msPtr = (*C.partliq_market_capacity_state)(unsafe.Pointer(&marketStates[0]))
	}
	return check(C.partliq_leg_reservation_release((*C.partliq_leg_reservation)(unsafe.Pointer(r)),
		(*C.partliq_account_liquidation_state)(unsafe.Pointer(st)), msPtr, C.size_t(len(marketStates))))
}

// Deleverage is partliq_deleverage (mode AdlQueue or AdlProRata).
func Deleverage(deficitSize, bankruptcyPrice, lotStep int64, candidates []AdlCandidate, mode uint32) ([]AdlFill, error) {
	n := len(candidates)
	order := make([]uint32, n+1)
	fills := make([]AdlFill, n+1)
	var cPtr *C.partliq_adl_candidate
	if n > 0 {
		cPtr = (*C.partliq_adl_candidate)(unsafe.Pointer(&candidates[0]))
	}
	var count C.size_t
	err := check(C.partliq_deleverage(C.int64_t(deficitSize), C.int64_t(bankruptcyPrice), C.int64_t(lotStep), cPtr, C.size_t(n),
		C.uint32_t(mode), (*C.uint32_t)(unsafe.Pointer(&order[0])), C.size_t(n), (*C.partliq_adl_fill)(unsafe.Pointer(&fills[0])),
		C.size_t(n), &count))
	if err != nil {
		return nil, err
	}
	return fills[:count], nil
}
