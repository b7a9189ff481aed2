package partliq

import (
	"errors"
	"testing"
)

// The pipeline on the example of TestHealthPlanSettle without fee: long 100
// at mark 100, quote balance -9,600 (equity 400 < MM 500).
func TestRunPipeline(t *testing.T) {
	m := marketA()
	m.LiquidationFeePPM = 0
	pool := &Pool{Markets: []Market{m}, Prices: []int64{100}, Positions: []Position{{MarketIndex: 0, Size: 100, QuoteBalance: -9600}}}
	syn, err := PresetSynthetixV3(1000000, 60)
	if err != nil {
		t.Fatal(err)
	}
	var st AccountState
	ms := []MarketCapacityState{{}}
	// Band 1 % (limit 99): 400 − x ≥ 500 − 5x ⇒ x = 25.
	d, legs, err := RunPipeline(pool, syn.Policy(), &st, ms, 10, 1, 1)
	if err != nil || d.Action != ActionLiquidate || d.Reason != ReasonTargetRestored || len(legs) != 1 || legs[0].SizeDelta != -25 || legs[0].LimitPrice != 99 {
		t.Fatalf("decision %+v legs %+v, %v", d, legs, err)
	}
	if ms[0].WindowStart != 10 || ms[0].Used != 2500 || st.BlockNotional != 2500 || st.HasPartial != 1 {
		t.Fatalf("states %+v %+v", ms, st)
	}
	// Without market states the window rule cannot run: an error, states untouched.
	before := st
	_, _, err = RunPipeline(pool, syn.Policy(), &st, nil, 10, 1, 1)
	if !errors.Is(err, Status(StateTooSmall)) || st != before {
		t.Fatalf("err %v, state %+v", err, st)
	}
	// Hyperliquid: equity 300 < 2/3 × 500 → backstop.
	hl, err := PresetHyperliquid(1000000, 1000)
	if err != nil {
		t.Fatal(err)
	}
	pool.Positions[0].QuoteBalance = -9700
	d, legs, err = RunPipeline(pool, hl.Policy(), &AccountState{}, nil, 1, 1, 1)
	if err != nil || d.Action != ActionBackstop || d.Reason != ReasonBelowBackstopFraction || d.HasBackstop != 1 ||
		d.Backstop.PositionCount != 1 || d.Backstop.Health.Equity != 300 || len(legs) != 0 {
		t.Fatalf("decision %+v, %v", d, err)
	}
}

// The emergency bypass: long 100 @ 100, quote balance -9,780 (equity 220 <
// 1/2 × MM 500), whole steps, 1,000 per block. Capped: 10 units; with the
// bypass the least close at 99: 220 − x ≥ 500 − 5x ⇒ x = 70 (7,000 booked).
func TestEmergencyBypass(t *testing.T) {
	m := marketA()
	m.LiquidationFeePPM = 0
	pool := &Pool{Markets: []Market{m}, Prices: []int64{100}, Positions: []Position{{MarketIndex: 0, Size: 100, QuoteBalance: -9780}}}
	policy := PolicyDefault()
	policy.SetWholeStepsWithBlockLimit(1000)
	d, legs, err := RunPipeline(pool, &policy, &AccountState{}, nil, 5, 1, 1)
	if err != nil || d.Reason != ReasonStepCapped || len(legs) != 1 || legs[0].SizeDelta != -10 {
		t.Fatalf("capped: decision %+v legs %+v, %v", d, legs, err)
	}
	policy.SetEmergencyBypass(1, 2, 0, 0)
	var st AccountState
	d, legs, err = RunPipeline(pool, &policy, &st, nil, 5, 1, 1)
	if err != nil || d.Action != ActionLiquidate || d.Reason != ReasonEmergencyBypass || len(legs) != 1 || legs[0].SizeDelta != -70 ||
		st.BlockNotional != 7000 {
		t.Fatalf("bypass: decision %+v legs %+v state %+v, %v", d, legs, st, err)
	}
	// Bad values: refused, the state untouched.
	before := st
	for _, bad := range []struct {
		num, den, project, move uint32
		want                    Status
	}{{2, 2, 0, 0, Status(BypassFractionNotBelowOne)}, {0, 0, 2, 0, Status(InvalidEnum)}, {0, 0, 1, 1000001, Status(InvalidPolicyFraction)}} {
		policy.SetEmergencyBypass(bad.num, bad.den, bad.project, bad.move)
		if err := ValidatePolicy(&policy); !errors.Is(err, bad.want) {
			t.Fatalf("%+v: %v", bad, err)
		}
		if _, _, err := RunPipeline(pool, &policy, &st, nil, 6, 1, 1); !errors.Is(err, bad.want) || st != before {
			t.Fatalf("%+v: %v, state %+v", bad, err, st)
		}
	}
}

// Reservations: long 100 @ 100, quote balance -9,600 (Synthetix preset):
// 25 planned, 2,500 booked; the IOC fills 10 at 99: commit keeps 1,000,
// release gives back 1,500. The position is then 90 with quote balance
// -8,610: 390 − x ≥ 450 − 5x ⇒ x = 15, and the block holds 2,500.
func TestReservations(t *testing.T) {
	m := marketA()
	m.LiquidationFeePPM = 0
	pool := &Pool{Markets: []Market{m}, Prices: []int64{100}, Positions: []Position{{MarketIndex: 0, Size: 100, QuoteBalance: -9600}}}
	syn, err := PresetSynthetixV3(1000000, 60)
	if err != nil {
		t.Fatal(err)
	}
	var st AccountState
	ms := []MarketCapacityState{{}}
	res := make([]LegReservation, 1)
	d, legs, err := RunPipelineReserving(pool, syn.Policy(), &st, ms, 10, 1, 1, res)
	if err != nil || d.Reason != ReasonTargetRestored || legs[0].SizeDelta != -25 || res[0].Units != 25 || res[0].BlockReserved != 2500 ||
		res[0].WindowReserved != 2500 || st.BlockNotional != 2500 {
		t.Fatalf("decision %+v legs %+v res %+v, %v", d, legs, res, err)
	}
	if _, _, err := RunPipelineReserving(pool, syn.Policy(), &st, ms, 11, 1, 1, res); !errors.Is(err, Status(ReservationTableFull)) {
		t.Fatalf("open record: %v", err)
	}
	if err := res[0].Commit(26); !errors.Is(err, Status(CommitExceedsReservation)) {
		t.Fatalf("commit 26: %v", err)
	}
	if err := res[0].Commit(10); err != nil || res[0].BlockCommitted != 1000 {
		t.Fatalf("commit 10: %+v, %v", res[0], err)
	}
	if err := res[0].Release(&st, ms); err != nil || st.BlockNotional != 1000 || ms[0].Used != 1000 || res[0].BlockReleased != 1500 {
		t.Fatalf("release: %+v %+v %+v, %v", res[0], st, ms, err)
	}
	if err := res[0].Release(&st, ms); !errors.Is(err, Status(UnknownReservation)) {
		t.Fatalf("second release: %v", err)
	}
	pool.Positions[0] = Position{MarketIndex: 0, Size: 90, QuoteBalance: -8610}
	d, legs, err = RunPipelineReserving(pool, syn.Policy(), &st, ms, 11, 1, 1, res)
	if err != nil || legs[0].SizeDelta != -15 || st.BlockNotional != 2500 || ms[0].Used != 2500 || res[0].Units != 15 {
		t.Fatalf("next call: %+v %+v %+v %+v, %v", d, legs, st, ms, err)
	}
}

func TestDeleverage(t *testing.T) {
	c := func(account uint32, size, pnl int64) AdlCandidate {
		return AdlCandidate{Account: account, Size: size, UnrealizedPnL: pnl, EntryNotional: 1000, MarkNotional: 1000, Margin: 100}
	}
	cs := []AdlCandidate{c(1, -5, 10), c(2, 8, 50), c(3, -10, 100), c(4, -3, -5)}
	fills, err := Deleverage(12, 90, 1, cs, AdlQueue)
	if err != nil || len(fills) != 2 || fills[0].Account != 3 || fills[0].SizeDelta != 10 || fills[0].Price != 90 ||
		fills[1].Account != 1 || fills[1].SizeDelta != 2 {
		t.Fatalf("fills %+v, %v", fills, err)
	}
	fills, err = Deleverage(9, 90, 1, cs, AdlProRata)
	if err != nil || len(fills) != 3 || fills[0].SizeDelta != 6 || fills[1].SizeDelta != 2 || fills[2].SizeDelta != 1 {
		t.Fatalf("pro rata fills %+v, %v", fills, err)
	}
	if _, err = Deleverage(19, 90, 1, cs, AdlQueue); !errors.Is(err, Status(InsufficientCounterparties)) {
		t.Fatalf("err %v", err)
	}
	if _, err = Deleverage(12, 90, 1, cs, 7); !errors.Is(err, Status(InvalidEnum)) {
		t.Fatalf("err %v", err)
	}
}
