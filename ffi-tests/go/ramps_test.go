package partliq

import (
	"errors"
	"testing"
)

// The ramps through partliq_run_pipeline on a long of 100 at mark 100 with
// quote balance -9,600 (equity 400 < MM 500), no fee.
func TestRamps(t *testing.T) {
	m := marketA()
	m.LiquidationFeePPM = 0
	pool := &Pool{Markets: []Market{m}, Prices: []int64{100}, Positions: []Position{{MarketIndex: 0, Size: 100, QuoteBalance: -9600}}}
	// A Dutch band from 1 % to 3 % over 100: 50 in, 2 % (limit 98):
	// 400 − 2x ≥ 500 − 5x ⇒ x = 34 (33.3 rounded up).
	dutch := Ramps{Band: BandRamp{Mode: BandDutch, StartPPM: 10000, MaxPPM: 30000, Duration: 100}}
	policy := PolicyDefault()
	policy.SetRamps(dutch)
	st := AccountState{LiquidationStarted: 1, LiquidationStartTime: 1000}
	d, legs, err := RunPipeline(pool, &policy, &st, nil, 1050, 1, 1)
	if err != nil || d.Action != ActionLiquidate || len(legs) != 1 || legs[0].SizeDelta != -34 || legs[0].LimitPrice != 98 {
		t.Fatalf("decision %+v legs %+v, %v", d, legs, err)
	}
	// The legs restore: the liquidation (and its clock) ends.
	if st.LiquidationStarted != 0 || st.LiquidationStartTime != 0 {
		t.Fatalf("state %+v", st)
	}
	// A fresh state starts the clock at the call: elapsed 0, band 1 %, 25 units.
	st = AccountState{}
	policy.SetRamps(Ramps{Fraction: FractionRamp{InitialPPM: 100000, Duration: 1000}})
	d, legs, err = RunPipeline(pool, &policy, &st, nil, 7000, 1, 1)
	if err != nil || d.Reason != ReasonStepCapped || legs[0].SizeDelta != -10 || st.LiquidationStarted != 1 || st.LiquidationStartTime != 7000 {
		t.Fatalf("decision %+v legs %+v state %+v, %v", d, legs, st, err)
	}
	// Bad ramps: refused before anything is written.
	before := st
	policy.SetRamps(Ramps{Band: BandRamp{Mode: BandDutch, StartPPM: 2, MaxPPM: 1}})
	if _, _, err = RunPipeline(pool, &policy, &st, nil, 7000, 1, 1); !errors.Is(err, Status(InvalidRamp)) || st != before {
		t.Fatalf("err %v state %+v", err, st)
	}
	if err = RampsValidate(Ramps{Band: BandRamp{Mode: 3}}); !errors.Is(err, Status(InvalidEnum)) {
		t.Fatalf("err %v", err)
	}
	if err = RampsValidate(dutch); err != nil {
		t.Fatal(err)
	}
	// Drift's fee ramp: base 1 %, started at 1,000, at 2,500: 10,000 + 1,500.
	drift := Ramps{Fee: FeeRamp{MaxFeePPM: 40000, IncreasePerUnitPPM: 1, Grace: 1500}}
	fee, err := RampsFee(drift, 10000, &AccountState{LiquidationStarted: 1, LiquidationStartTime: 1000}, 2500)
	if err != nil || fee != 11500 {
		t.Fatalf("fee %d, %v", fee, err)
	}
	if _, err = RampsFee(drift, 10000, nil, 2500); !errors.Is(err, StatusNullPointer) {
		t.Fatalf("err %v", err)
	}
	// dYdX's fillable price: ABR = (500 − 400) / 500 = 0.2, SMMR 200 %:
	// (10,000 − 0.2 × 2 × 500) / 100 = 98.
	price, err := FillableLimitPrice(pool, 0, 1000000, 2000000)
	if err != nil || price != 98 {
		t.Fatalf("price %d, %v", price, err)
	}
	if _, err = FillableLimitPrice(pool, 0, 999999, 1); !errors.Is(err, Status(InvalidRamp)) {
		t.Fatalf("err %v", err)
	}
	if _, err = FillableLimitPrice(pool, 1, 1000000, 1); !errors.Is(err, StatusUnknownPosition) {
		t.Fatalf("err %v", err)
	}
}
