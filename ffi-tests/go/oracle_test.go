package partliq

import (
	"errors"
	"testing"
)

// The guard's boundaries: age 30 of a 30 s guard valid, 31 stale;
// confidence 5 on 1,000 at 0.5 % valid, 6 refused; the median source.
func TestPriceGuard(t *testing.T) {
	g := PriceGuard{MaxStaleness: 30, MaxConfidencePPM: 5000, MaxDeviationPPM: 10000}
	f := PriceFeed{Oracle: 1000, PublishTime: 100, Confidence: 5, Index: 990, Mark: 1010}
	for _, c := range []struct {
		now  uint64
		conf int64
		want uint32
	}{{130, 5, ValidityValid}, {131, 5, ValidityStale}, {100, 6, ValidityTooUncertain}} {
		f.Confidence = c.conf
		v, err := PriceValidity(&g, &f, c.now)
		if err != nil || v != c.want {
			t.Fatalf("now %d conf %d: %d, %v", c.now, c.conf, v, err)
		}
	}
	f.Confidence = 5
	g.Trigger = SourceMedian
	p, v, err := GuardedPrice(&g, &f, 100, UseTrigger)
	if err != nil || p != 1000 || v != ValidityValid {
		t.Fatalf("median %d %d %v", p, v, err)
	}
	f.Mark = 0
	p, v, err = GuardedPrice(&g, &f, 100, UseTrigger)
	if err != nil || p != 0 || v != ValidityNoMark {
		t.Fatalf("no mark %d %d %v", p, v, err)
	}
	g.Trigger = 9
	if _, err := PriceValidity(&g, &f, 100); !errors.Is(err, Status(InvalidEnum)) {
		t.Fatalf("bad source: %v", err)
	}
	g = PriceGuard{MaxStaleness: 30, Reserved: 1}
	if _, err := PriceValidity(&g, &f, 100); !errors.Is(err, Status(ReservedNotZeroStatus)) {
		t.Fatalf("reserved: %v", err)
	}
	// Resolve: the second feed stale at 130.
	g = PriceGuard{MaxStaleness: 30}
	prices, refused, err := ResolvePrices(&g, []PriceFeed{{Oracle: 1000, PublishTime: 100}, {Oracle: 7, PublishTime: 0}}, 130, UseTrigger)
	if err != nil || refused != 1 || prices[0] != 1000 || prices[1] != 0 {
		t.Fatalf("resolve %v %d %v", prices, refused, err)
	}
	// Stable: 1,000 then 5 s at 0.1 %/s toward 2,000 → 1,005.
	var s StablePrice
	if err := StablePriceUpdate(&s, 1000, 10, 1000); err != nil {
		t.Fatal(err)
	}
	if err := StablePriceUpdate(&s, 2000, 15, 1000); err != nil || s != (StablePrice{1005, 15}) {
		t.Fatalf("stable %+v %v", s, err)
	}
	if err := StablePriceUpdate(&s, 0, 16, 1000); err == nil || s != (StablePrice{1005, 15}) {
		t.Fatalf("bad oracle %+v %v", s, err)
	}
	if p, err := InitialPrice(100, 90, 1); err != nil || p != 90 {
		t.Fatalf("initial %d %v", p, err)
	}
	if p, err := InitialPrice(100, 110, 0); err != nil || p != 110 {
		t.Fatalf("initial %d %v", p, err)
	}
	if _, err := InitialPrice(100, 110, 2); !errors.Is(err, Status(InvalidEnum)) {
		t.Fatalf("held 2: %v", err)
	}
}

// Long 100 at 100, quote balance −9,750: equity 250 < MM 500. Age 60 of a
// 60 s guard liquidates, 61 does not; a grace period holds it off; a mark
// that is not the guard's is refused.
func TestRunGuardedPipeline(t *testing.T) {
	m := marketA()
	m.LiquidationFeePPM = 0
	pool := &Pool{Markets: []Market{m}, Prices: []int64{100}, Positions: []Position{{MarketIndex: 0, Size: 100, QuoteBalance: -9750}}}
	def, err := PresetPartliqDefault()
	if err != nil {
		t.Fatal(err)
	}
	g := PriceGuard{MaxStaleness: 60}
	feeds := []PriceFeed{{Oracle: 100, PublishTime: 1000}}
	d, legs, err := RunGuardedPipeline(pool, feeds, &g, def.Policy(), &AccountState{}, nil, 1060, 1, 1)
	if err != nil || d.Action != ActionLiquidate || len(legs) != 1 {
		t.Fatalf("age 60: %+v %v", d, err)
	}
	var st AccountState
	d, legs, err = RunGuardedPipeline(pool, feeds, &g, def.Policy(), &st, nil, 1061, 1, 1)
	if err != nil || d.Action != ActionNone || d.Reason != ReasonPriceInvalid || len(legs) != 0 || st != (AccountState{}) {
		t.Fatalf("age 61: %+v %v", d, err)
	}
	feeds[0].GraceUntil = 1050
	d, _, err = RunGuardedPipeline(pool, feeds, &g, def.Policy(), &st, nil, 1049, 1, 1)
	if err != nil || d.Reason != ReasonGracePeriod || d.Plan.HealthBefore.Equity != 250 {
		t.Fatalf("grace: %+v %v", d, err)
	}
	feeds[0].GraceUntil = 0
	pool.Prices[0] = 101
	if _, _, err = RunGuardedPipeline(pool, feeds, &g, def.Policy(), &st, nil, 1000, 1, 1); !errors.Is(err, Status(PriceNotGuarded)) {
		t.Fatalf("not guarded: %v", err)
	}
	if _, _, err = RunGuardedPipeline(pool, nil, &g, def.Policy(), &st, nil, 1000, 1, 1); !errors.Is(err, Status(MarketDataTooShort)) {
		t.Fatalf("no feeds: %v", err)
	}
}

// The planner's mix behind a 60 s guard, every feed publishing its book
// price at 1,000: at 1,060 (age 60, the maximum) the same decision as
// unguarded (700 + 87 + 33, 9,470 liquidated); asset 1's feed published at
// 999 (61 s old) refused with no leg and every figure 0; market 0 in grace
// until 1,061 held off with the pool's health — equity 1,000 − 700 +
// (10,000 − 10,000) = 300, maintenance 1,000 × 0.9 − 700 = 200 against
// 5 % × 10,000 = 500, ratio 2,500,000 ppm.
func TestRunGuardedUnifiedLiquidation(t *testing.T) {
	book := legsBook()
	account := &UnifiedAccount{
		Balances:  []AssetBalance{{AssetIndex: 1, Amount: 1000}, {AssetIndex: 0, Amount: -700}},
		Positions: []PerpPosition{{Margin: MarginCross, Size: 100, QuoteBalance: -10000}},
	}
	policy := UnifiedLiquidationPolicy{Terms: initial, Objective: ObjectiveLeastValue, Ordering: OrderingCheapest, TakeOverBankrupt: 1}
	g := PriceGuard{MaxStaleness: 60}
	mf := []PriceFeed{{Oracle: 100, PublishTime: 1000}}
	af := []PriceFeed{{Oracle: 1, PublishTime: 1000}, {Oracle: 100, PublishTime: 1000}}
	nine := UnifiedLeg{Kind: 9, PositionIndex: 9, LiabilityAsset: 9, CollateralAsset: 9, Amount: 9}
	plain, plainLegs, err := RunUnifiedLiquidation(book, account, 0, legFees, &policy, nil, nil, 0, []UnifiedLeg{nine, nine, nine, nine})
	if err != nil {
		t.Fatal(err)
	}
	buf := []UnifiedLeg{nine, nine, nine, nine}
	d, legs, err := RunGuardedUnifiedLiquidation(book, account, 0, mf, af, &g, legFees, &policy, nil, nil, 0, 1060, buf)
	if err != nil || d != plain || len(legs) != 3 || legs[0] != plainLegs[0] || legs[1] != plainLegs[1] || legs[2] != plainLegs[2] ||
		d.Action != ActionLiquidate || d.Plan.ValueLiquidated != 9470 || legs[0] != swapLeg(700) || legs[1].Amount != 87 ||
		legs[2].Amount != 33 || buf[3] != nine {
		t.Fatalf("age 60: %+v %+v, %v", d, legs, err)
	}
	af[1].PublishTime = 999
	buf = []UnifiedLeg{nine, nine, nine, nine}
	d, legs, err = RunGuardedUnifiedLiquidation(book, account, 0, mf, af, &g, legFees, &policy, nil, nil, 0, 1060, buf)
	if err != nil || d.Action != ActionNone || d.Reason != ReasonPriceInvalid || len(legs) != 0 || d.Plan.HealthAfter != (UnifiedHealth{}) ||
		d.Plan.ValueLiquidated != 0 || buf[0] != nine {
		t.Fatalf("age 61: %+v, %v", d, err)
	}
	af[1].PublishTime = 1000
	mf[0].GraceUntil = 1061
	d, legs, err = RunGuardedUnifiedLiquidation(book, account, 0, mf, af, &g, legFees, &policy, nil, nil, 0, 1060, buf)
	h := d.Plan.HealthAfter
	if err != nil || d.Action != ActionNone || d.Reason != ReasonGracePeriod || len(legs) != 0 || h.Equity != 300 ||
		h.Maintenance.Collateral != 200 || h.Maintenance.Requirement != 500 || h.MarginRatioPPM != 2500000 || buf[0] != nine {
		t.Fatalf("grace: %+v, %v", d, err)
	}
	mf[0].GraceUntil = 0

	// Refusals: the legs and the decision untouched.
	wrong := []PriceFeed{af[0], {Oracle: 101, PublishTime: 1000}}
	badGuard := PriceGuard{MaxStaleness: 60, Reserved: 1}
	badEnum := PriceGuard{MaxStaleness: 60, Trigger: 7}
	d0 := UnifiedDecision{Action: 77}
	for _, c := range []struct {
		name    string
		mf      []PriceFeed
		nmf     int
		af      []PriceFeed
		naf     int
		g       *PriceGuard
		legsLen int
		nilOut  bool
		want    Status
	}{
		{"not guarded", mf, 1, wrong, 2, &g, 4, false, Status(PriceNotGuarded)},
		{"no market feed", nil, 0, af, 2, &g, 4, false, Status(MarketDataTooShort)},
		{"one asset feed", mf, 1, af, 1, &g, 4, false, Status(MarketDataTooShort)},
		{"NULL market feeds", nil, 1, af, 2, &g, 4, false, StatusNullPointer},
		{"NULL asset feeds", mf, 1, nil, 2, &g, 4, false, StatusNullPointer},
		{"bad market feeds length", mf, -1, af, 2, &g, 4, false, StatusBadLength},
		{"bad asset feeds length", mf, 1, af, -1, &g, 4, false, StatusBadLength},
		{"NULL guard", mf, 1, af, 2, nil, 4, false, StatusNullPointer},
		{"guard reserved", mf, 1, af, 2, &badGuard, 4, false, StatusReservedNotZero},
		{"guard source", mf, 1, af, 2, &badEnum, 4, false, StatusInvalidEnum},
		{"too few legs", mf, 1, af, 2, &g, 2, false, StatusBufferTooSmall},
		{"bad legs length", mf, 1, af, 2, &g, -1, false, StatusBadLength},
		{"NULL out", mf, 1, af, 2, &g, 4, true, StatusNullPointer},
	} {
		legs := []UnifiedLeg{nine, nine, nine, nine}
		d := d0
		out := &d
		if c.nilOut {
			out = nil
		}
		// A length of −1 is SIZE_MAX to C: refused before any access.
		err := runGuardedUnifiedLiquidation(book, account, 0, c.mf, c.nmf, c.af, c.naf, c.g, legFees, &policy, nil, nil, 0, 1060,
			legs, c.legsLen, out)
		if !errors.Is(err, c.want) || d != d0 || legs[0] != nine || legs[3] != nine {
			t.Errorf("%s: %v (want %v), decision %+v, legs %+v", c.name, err, c.want, d, legs)
		}
	}
}

// The order limit around the guard's limit source: long 100 at 100, quote
// balance −9,600 (equity 400 < MM 500, bankruptcy 96), the core's default
// policy with a 2 % band. Around
// the oracle (the trigger) ⌊98⌋ = 98 and 400 − 2x ≥ 500 − 5x ⇒ 34 units;
// around the mark 102 ⌊99.96⌋ = 99 and 400 − x ≥ 500 − 5x ⇒ 25 units;
// around the mark 95 (below the mark for a sell) held at 98, 34 units.
func TestGuardedLimitSource(t *testing.T) {
	m := marketA()
	m.LiquidationFeePPM = 0
	pool := &Pool{Markets: []Market{m}, Prices: []int64{100}, Positions: []Position{{MarketIndex: 0, Size: 100, QuoteBalance: -9600}}}
	policy := PolicyDefault()
	policy.SetPriceBand(20000)
	for _, c := range []struct {
		source uint32
		mark   int64
		units  int64
		limit  int64
	}{{SourceOracle, 102, -34, 98}, {SourceMark, 102, -25, 99}, {SourceMark, 95, -34, 98}} {
		g := PriceGuard{MaxStaleness: 60, Limit: c.source}
		feeds := []PriceFeed{{Oracle: 100, PublishTime: 1000, Mark: c.mark}}
		d, legs, err := RunGuardedPipeline(pool, feeds, &g, &policy, &AccountState{}, nil, 1000, 1, 1)
		if err != nil || d.Reason != ReasonTargetRestored || len(legs) != 1 || legs[0].SizeDelta != c.units || legs[0].LimitPrice != c.limit {
			t.Fatalf("%+v: %+v %+v %v", c, d, legs, err)
		}
	}
}
