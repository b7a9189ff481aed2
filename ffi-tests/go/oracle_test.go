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
