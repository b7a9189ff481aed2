package partliq

import (
	"errors"
	"testing"
	"unsafe"
)

// The core's leg and planner book: market 0 (lot and tick 1, 10 % / 5 %,
// a 1 % fee rounded up, all of it to the fund) at mark 100; asset 0 the
// quote asset at par, asset 1 in hundredths (e = −2) at price 100, weights
// 80 / 90 % and 120 / 110 %.
func legsBook() *Book {
	m := Market{LotStep: 1, Tick: 1, TierCount: 1, LiquidationFeePPM: 10000}
	m.Tiers[0] = MarginTier{InitialPPM: 100000, MaintenancePPM: 50000}
	par := Asset{InitialAssetWeightPPM: 1000000, MaintenanceAssetWeightPPM: 1000000, InitialLiabilityWeightPPM: 1000000,
		MaintenanceLiabilityWeightPPM: 1000000, IMFUnit: 1}
	hundredths := Asset{QuoteExponent: -2, InitialAssetWeightPPM: 800000, MaintenanceAssetWeightPPM: 900000,
		InitialLiabilityWeightPPM: 1200000, MaintenanceLiabilityWeightPPM: 1100000, IMFUnit: 1}
	return &Book{Markets: []Market{m}, Prices: []int64{100}, Assets: []Asset{par, hundredths}, AssetPrices: []int64{1, 100}}
}

// Asset 1's liquidator bonus 5 %.
var legFees = []AssetLiquidationFees{{}, {LiquidatorBonusPPM: 50000}}

var initial = LegTerms{Target: Target{Kind: TargetInitial}}

func swapLeg(repaid int64) UnifiedLeg {
	return UnifiedLeg{Kind: LegSwap, PositionIndex: NoIndex, LiabilityAsset: 0, CollateralAsset: 1, Amount: repaid}
}

func TestLiquidationLayout(t *testing.T) {
	var s LegSettlement
	var z LegSizing
	var o WaterfallOutcome
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"leg_settlement.flows", unsafe.Offsetof(s.Flows), 24},
		{"leg_settlement.health_after", unsafe.Offsetof(s.HealthAfter), 120},
		{"leg_sizing.settlement", unsafe.Offsetof(z.Settlement), 40},
		{"waterfall_outcome.fund_after", unsafe.Offsetof(o.FundAfter), 88},
		{"waterfall_outcome.socialization", unsafe.Offsetof(o.Socialization), 128},
		{"waterfall_outcome.ledger_len", unsafe.Offsetof(o.LedgerLen), 200},
	} {
		if c.got != c.want {
			t.Errorf("offset of %s: %d, want %d", c.name, c.got, c.want)
		}
	}
}

// 1,000 units of asset 1 against a 950 borrow: repaying r takes c =
// ⌈1.05 r⌉; r = 938 is the least that restores (c = ⌈984.9⌉ = 985, 12 − 12
// = 0); the liquidator gets ⌊984.9⌋ = 984, the fund the rounding unit.
func TestSettleAndSizeLeg(t *testing.T) {
	book := legsBook()
	account := &UnifiedAccount{Balances: []AssetBalance{{AssetIndex: 1, Amount: 1000}, {AssetIndex: 0, Amount: -950}}}
	z, err := SizeLeg(book, account, 0, legFees, initial, swapLeg(0))
	if err != nil || z.Status != OutcomeRestored || z.HasSettlement != 1 || z.Leg.Amount != 938 || z.MaxAmount != 950 {
		t.Fatalf("sizing %+v, %v", z, err)
	}
	s, err := SettleLeg(book, account, 0, legFees, initial, swapLeg(938))
	if err != nil || s != z.Settlement {
		t.Fatalf("settlement %+v, %v", s, err)
	}
	if s.Flows[0] != (LegFlow{Unit: FlowAsset, Index: 0, Account: 938, Liquidator: -938}) ||
		s.Flows[1] != (LegFlow{Unit: FlowAsset, Index: 1, Account: -985, Liquidator: 984, InsuranceFund: 1}) ||
		s.ValueLiquidated != 985 || s.CostToAccount != 47 || s.HealthAfter.LiquidationEnd.Collateral != s.HealthAfter.LiquidationEnd.Requirement {
		t.Fatalf("settlement %+v", s)
	}
	bad := swapLeg(938)
	bad.Kind = 4
	if _, err := SettleLeg(book, account, 0, legFees, initial, bad); !errors.Is(err, StatusInvalidLegKind) {
		t.Fatalf("want INVALID_LEG_KIND, got %v", err)
	}
}

// 1,000 units of asset 1, a 700 borrow, a long 100 @ 100 with cash −10,000:
// the whole borrow repaid then 88 closed, value 735 + 8,800 = 9,535.
func TestPlanUnifiedLiquidation(t *testing.T) {
	book := legsBook()
	account := &UnifiedAccount{
		Balances:  []AssetBalance{{AssetIndex: 1, Amount: 1000}, {AssetIndex: 0, Amount: -700}},
		Positions: []PerpPosition{{Margin: MarginCross, Size: 100, QuoteBalance: -10000}},
	}
	p, legs, err := PlanUnifiedLiquidation(book, account, 0, legFees, initial, 0, OrderingCheapest, nil, nil, 4)
	if err != nil || p.Status != OutcomeRestored || p.ValueLiquidated != 9535 || p.CostToAccount != 35+88 || len(legs) != 2 ||
		legs[0] != swapLeg(700) || legs[1] != (UnifiedLeg{Kind: LegReducePerp, PositionIndex: 0, LiabilityAsset: NoIndex, CollateralAsset: NoIndex, Amount: 88}) {
		t.Fatalf("plan %+v legs %+v, %v", p, legs, err)
	}
	// Least cost: the perp alone, its fee 100.
	p, legs, err = PlanUnifiedLiquidation(book, account, 0, legFees, initial, ObjectiveLeastCost, OrderingCheapest, nil, nil, 4)
	if err != nil || p.CostToAccount != 100 || len(legs) != 1 || legs[0].Amount != 100 {
		t.Fatalf("plan %+v legs %+v, %v", p, legs, err)
	}
	if _, _, err := PlanUnifiedLiquidation(book, account, 0, legFees, initial, 0, OrderingCheapest, nil, nil, 1); !errors.Is(err, StatusBufferTooSmall) {
		t.Fatalf("want BUFFER_TOO_SMALL, got %v", err)
	}
}

// A perp loss of 1,000: the fund's room 700 − 100 = 600, then 400 over an
// open interest of 3 + 4 = 7: δ = ⌈400e6 / 7⌉ = 57,142,858, charges 172 +
// 229 = 401, the surplus 1 to the fund.
func TestResolveDeficit(t *testing.T) {
	fund, err := NewInsuranceFund(700, 100)
	if err != nil {
		t.Fatal(err)
	}
	policy := WaterfallPolicy{Steps: [4]uint32{StepInsuranceFund, StepSocializedLoss}, StepCount: 2, FundScope: FundScopeGlobal}
	d := Deficit{Kind: DeficitPerp, Index: 0, Amount: 1000}
	o, ledger, err := ResolveDeficit(d, policy, &fund, nil, nil, 0, []int64{3, -4}, 1000000, 6)
	if err != nil || o.StepCount != 2 || o.Steps[0].Absorbed != 600 || o.Steps[1].Absorbed != 400 || o.FundPaid != 600 ||
		o.FundMarket != NoIndex || o.Socialization.Delta != 57142858 || o.Socialization.Charged != 401 || o.Socialization.Surplus != 1 {
		t.Fatalf("outcome %+v, %v", o, err)
	}
	g, acct, social := Party{PartyInsuranceFund, NoIndex}, Party{PartyAccount, NoIndex}, Party{PartySocializedPerp, 0}
	quote := LedgerUnit{0, NoIndex}
	want := []LedgerEntry{{g, acct, quote, 600}, {social, acct, quote, 400}, {social, g, quote, 1}}
	if len(ledger) != 3 || ledger[0] != want[0] || ledger[1] != want[1] || ledger[2] != want[2] {
		t.Fatalf("ledger %+v", ledger)
	}
	if fund.Balance != 101 || fund.TotalDebits != 600 || fund.TotalCredits != 1 || o.FundAfter != fund {
		t.Fatalf("fund %+v", fund)
	}
	// Nobody to charge: refused, the fund untouched.
	before := fund
	if _, _, err := ResolveDeficit(Deficit{Kind: DeficitPerp, Amount: 25}, policy, &fund, nil, nil, 0, []int64{0}, 1000000, 6); !errors.Is(err, StatusDeficitUnabsorbed) || fund != before {
		t.Fatalf("want DEFICIT_UNABSORBED with the fund untouched, got %v, %+v", err, fund)
	}
}
