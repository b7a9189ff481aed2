package partliq

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include <partliq.h>
*/
import "C"

import "unsafe"

// Band modes (partliq_band_mode).
const (
	BandFlat         = C.PARTLIQ_BAND_MODE_FLAT
	BandDutch        = C.PARTLIQ_BAND_MODE_DUTCH
	BandDydxFillable = C.PARTLIQ_BAND_MODE_DYDX_FILLABLE
	// InvalidRamp is PARTLIQ_STATUS_INVALID_RAMP.
	InvalidRamp = C.PARTLIQ_STATUS_INVALID_RAMP
)

// FeeRamp is partliq_fee_ramp: the market's fee for Grace, then rising by
// IncreasePerUnitPPM per time unit since the start, up to MaxFeePPM.
type FeeRamp struct {
	MaxFeePPM          uint32
	IncreasePerUnitPPM uint32
	Grace              uint64
}

// FractionRamp is partliq_fraction_ramp: InitialPPM of a position per step
// at the start, rising by 100 % over Duration.
type FractionRamp struct {
	InitialPPM        uint32
	Reserved          uint32
	Duration          uint64
	FullBelowShortage int64
}

// BandRamp is partliq_band_ramp: the flat band, a Dutch auction (StartPPM
// to MaxPPM over Duration) or dYdX's fillable price.
type BandRamp struct {
	Mode                              uint32
	StartPPM                          uint32
	MaxPPM                            uint32
	BankruptcyAdjustmentPPM           uint32
	Duration                          uint64
	SpreadToMaintenanceMarginRatioPPM uint32
	Reserved                          uint32
}

// Ramps is partliq_ramps (all zeros: every ramp off).
type Ramps struct {
	Fee      FeeRamp
	Fraction FractionRamp
	Band     BandRamp
}

var (
	_ [unsafe.Sizeof(Ramps{}) - C.sizeof_partliq_ramps]byte
	_ [C.sizeof_partliq_ramps - unsafe.Sizeof(Ramps{})]byte
	_ [unsafe.Offsetof(Ramps{}.Band) - 40]byte
	_ [40 - unsafe.Offsetof(Ramps{}.Band)]byte
)

// SetRamps writes r into the policy's ramps.
func (p *Policy) SetRamps(r Ramps) { p.ramps = *(*C.partliq_ramps)(unsafe.Pointer(&r)) }

// RampsValidate is partliq_ramps_validate.
func RampsValidate(r Ramps) error {
	return check(C.partliq_ramps_validate((*C.partliq_ramps)(unsafe.Pointer(&r))))
}

// RampsFee is partliq_ramps_fee: the fee a market whose own fee is
// baseFeePPM charges in a pipeline call at now for an account whose state,
// read after the call, is st (nil is passed as NULL).
func RampsFee(r Ramps, baseFeePPM uint32, st *AccountState, now uint64) (uint32, error) {
	var fee C.uint32_t
	err := check(C.partliq_ramps_fee((*C.partliq_ramps)(unsafe.Pointer(&r)), C.uint32_t(baseFeePPM),
		(*C.partliq_account_liquidation_state)(unsafe.Pointer(st)), C.uint64_t(now), &fee))
	return uint32(fee), err
}

// FillableLimitPrice is partliq_fillable_limit_price.
func FillableLimitPrice(p *Pool, positionIndex, bankruptcyAdjustmentPPM, spreadToMaintenanceMarginRatioPPM uint32) (int64, error) {
	var price C.int64_t
	c := p.c()
	err := check(C.partliq_fillable_limit_price(c.markets, c.nMarkets, c.prices, c.nPrices, c.collateral, c.positions, c.nPositions,
		C.uint32_t(positionIndex), C.uint32_t(bankruptcyAdjustmentPPM), C.uint32_t(spreadToMaintenanceMarginRatioPPM), &price))
	return int64(price), err
}
