package partliq

import (
	"errors"
	"fmt"
	"strings"
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
// the whole borrow repaid, 87 closed and 33 of the perp's loss taken over for
// 35 units: value 735 + 8,700 + 35 = 9,470.
func TestPlanUnifiedLiquidation(t *testing.T) {
	book := legsBook()
	account := &UnifiedAccount{
		Balances:  []AssetBalance{{AssetIndex: 1, Amount: 1000}, {AssetIndex: 0, Amount: -700}},
		Positions: []PerpPosition{{Margin: MarginCross, Size: 100, QuoteBalance: -10000}},
	}
	p, legs, err := PlanUnifiedLiquidation(book, account, 0, legFees, initial, 0, OrderingCheapest, nil, nil, 4)
	if err != nil || p.Status != OutcomeRestored || p.ValueLiquidated != 9470 || p.CostToAccount != 35+87+2 || p.ProvenLeast != 1 || len(legs) != 3 ||
		legs[0] != swapLeg(700) || legs[1] != (UnifiedLeg{Kind: LegReducePerp, PositionIndex: 0, LiabilityAsset: NoIndex, CollateralAsset: NoIndex, Amount: 87}) ||
		legs[2] != (UnifiedLeg{Kind: LegDepositForPerpLoss, PositionIndex: 0, LiabilityAsset: NoIndex, CollateralAsset: 1, Amount: 33}) {
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

// The whole step, partliq_run_unified_liquidation, on the planner's book:
// the mix of 9,470 in three legs (700 repaid, 87 closed, 33 of the loss
// taken over for ⌈1.05 × 33⌉ = 35 units); resting orders first; a bankrupt
// pool (100 units worth 100 against a 120 borrow: equity −20) taken over
// whole, or liquidated first (the swap of 95: ⌈1.05 × 95⌉ = 100 units, all
// there is); nothing left and 25 owed: a deficit for the waterfall.
func TestRunUnifiedLiquidation(t *testing.T) {
	book := legsBook()
	account := &UnifiedAccount{
		Balances:  []AssetBalance{{AssetIndex: 1, Amount: 1000}, {AssetIndex: 0, Amount: -700}},
		Positions: []PerpPosition{{Margin: MarginCross, Size: 100, QuoteBalance: -10000}},
	}
	policy := UnifiedLiquidationPolicy{Terms: initial, Objective: ObjectiveLeastValue, Ordering: OrderingCheapest, TakeOverBankrupt: 1}
	nine := UnifiedLeg{Kind: 9, PositionIndex: 9, LiabilityAsset: 9, CollateralAsset: 9, Amount: 9}
	buf := []UnifiedLeg{nine, nine, nine, nine}
	d, legs, err := RunUnifiedLiquidation(book, account, 0, legFees, &policy, nil, nil, 0, buf)
	if err != nil || d.Action != ActionLiquidate || d.Reason != ReasonTargetRestored || d.Plan.Status != OutcomeRestored ||
		d.Plan.ValueLiquidated != 735+8700+35 || d.Plan.CostToAccount != 35+87+2 || len(legs) != 3 || legs[0] != swapLeg(700) ||
		legs[1] != (UnifiedLeg{Kind: LegReducePerp, PositionIndex: 0, LiabilityAsset: NoIndex, CollateralAsset: NoIndex, Amount: 87}) ||
		legs[2] != (UnifiedLeg{Kind: LegDepositForPerpLoss, PositionIndex: 0, LiabilityAsset: NoIndex, CollateralAsset: 1, Amount: 33}) ||
		buf[3] != nine {
		t.Fatalf("decision %+v legs %+v, %v", d, legs, err)
	}
	// The same plan as partliq_unified_plan_liquidation's.
	p, _, err := PlanUnifiedLiquidation(book, account, 0, legFees, initial, 0, OrderingCheapest, nil, nil, 4)
	if err != nil || p != d.Plan {
		t.Fatalf("plan %+v, want %+v (%v)", p, d.Plan, err)
	}
	// Resting orders first: no leg written.
	orders := &UnifiedAccount{Balances: account.Balances, Positions: []PerpPosition{{Margin: MarginCross, Size: 100, QuoteBalance: -10000, OpenBids: 1}}}
	buf = []UnifiedLeg{nine, nine, nine, nine}
	d, legs, err = RunUnifiedLiquidation(book, orders, 0, legFees, &policy, nil, nil, 0, buf)
	if err != nil || d.Action != ActionCancelOrders || d.Reason != ReasonOpenOrders || len(legs) != 0 || buf[0] != nine {
		t.Fatalf("decision %+v, %v", d, err)
	}
	bankrupt := &UnifiedAccount{Balances: []AssetBalance{{AssetIndex: 1, Amount: 100}, {AssetIndex: 0, Amount: -120}}}
	d, _, err = RunUnifiedLiquidation(book, bankrupt, 0, legFees, &policy, nil, nil, 0, buf)
	if err != nil || d.Action != ActionTakeover || d.Reason != ReasonBankrupt || d.Plan.HealthAfter.Equity != -20 {
		t.Fatalf("decision %+v, %v", d, err)
	}
	first := policy
	first.TakeOverBankrupt = 0
	d, legs, err = RunUnifiedLiquidation(book, bankrupt, 0, legFees, &first, nil, nil, 0, buf)
	if err != nil || d.Action != ActionLiquidate || d.Reason != ReasonInfeasible || len(legs) != 1 || legs[0] != swapLeg(95) ||
		d.Plan.ValueLiquidated != 100 {
		t.Fatalf("decision %+v legs %+v, %v", d, legs, err)
	}
	owing := &UnifiedAccount{Balances: []AssetBalance{{AssetIndex: 1, Amount: 0}, {AssetIndex: 0, Amount: -25}}}
	d, legs, err = RunUnifiedLiquidation(book, owing, 0, legFees, &first, nil, nil, 1, buf)
	if err != nil || d.Action != ActionResolveDeficit || d.Reason != ReasonBankrupt || len(legs) != 0 {
		t.Fatalf("decision %+v, %v", d, err)
	}
	// Healthy: nothing, or the target met when a liquidation is under way.
	healthy := &UnifiedAccount{Balances: []AssetBalance{{AssetIndex: 1, Amount: 1000}, {AssetIndex: 0, Amount: -10}}}
	for inLiquidation, reason := range []uint32{ReasonHealthy, ReasonTargetMet} {
		d, _, err = RunUnifiedLiquidation(book, healthy, 0, legFees, &policy, nil, nil, uint32(inLiquidation), nil)
		if err != nil || d.Action != ActionNone || d.Reason != reason {
			t.Fatalf("healthy, in liquidation %d: %+v, %v", inLiquidation, d, err)
		}
	}
}

// Every refusal of the whole step leaves the legs and the decision as they
// were: a reserved field, enums and flags out of range, a legs buffer too
// short, NULL policy, legs (with a length) and out, an impossible length.
func TestRunUnifiedLiquidationRefusals(t *testing.T) {
	book := legsBook()
	account := &UnifiedAccount{
		Balances:  []AssetBalance{{AssetIndex: 1, Amount: 1000}, {AssetIndex: 0, Amount: -700}},
		Positions: []PerpPosition{{Margin: MarginCross, Size: 100, QuoteBalance: -10000}},
	}
	good := UnifiedLiquidationPolicy{Terms: initial, TakeOverBankrupt: 1}
	nine := UnifiedLeg{Kind: 9, PositionIndex: 9, LiabilityAsset: 9, CollateralAsset: 9, Amount: 9}
	d0 := UnifiedDecision{Action: 77}
	with := func(f func(*UnifiedLiquidationPolicy)) *UnifiedLiquidationPolicy {
		p := good
		f(&p)
		return &p
	}
	for _, c := range []struct {
		name          string
		policy        *UnifiedLiquidationPolicy
		inLiquidation uint32
		legsLen       int
		nilLegs       bool
		nilOut        bool
		want          Status
	}{
		{"terms reserved", with(func(p *UnifiedLiquidationPolicy) { p.Terms.Reserved = 1 }), 0, 4, false, false, StatusReservedNotZero},
		{"objective", with(func(p *UnifiedLiquidationPolicy) { p.Objective = 2 }), 0, 4, false, false, StatusInvalidEnum},
		{"ordering", with(func(p *UnifiedLiquidationPolicy) { p.Ordering = 4 }), 0, 4, false, false, StatusInvalidEnum},
		{"take over flag", with(func(p *UnifiedLiquidationPolicy) { p.TakeOverBankrupt = 2 }), 0, 4, false, false, StatusInvalidEnum},
		{"in liquidation flag", &good, 2, 4, false, false, StatusInvalidEnum},
		{"too few legs", &good, 0, 2, false, false, StatusBufferTooSmall},
		{"no legs", &good, 0, 0, true, false, StatusBufferTooSmall},
		{"NULL policy", nil, 0, 4, false, false, StatusNullPointer},
		{"NULL legs", &good, 0, 4, true, false, StatusNullPointer},
		{"NULL out", &good, 0, 4, false, true, StatusNullPointer},
		{"bad length", &good, 0, -1, false, false, StatusBadLength},
	} {
		legs := []UnifiedLeg{nine, nine, nine, nine}
		d := d0
		var lp *UnifiedLeg
		if !c.nilLegs {
			lp = &legs[0]
		}
		out := &d
		if c.nilOut {
			out = nil
		}
		// A length of −1 is SIZE_MAX to C: refused before any access.
		err := runUnifiedLiquidation(book, account, 0, legFees, c.policy, nil, nil, c.inLiquidation, lp, c.legsLen, out)
		if !errors.Is(err, c.want) || d != d0 || legs[0] != nine || legs[3] != nine {
			t.Errorf("%s: %v (want %v), decision %+v, legs %+v", c.name, err, c.want, d, legs)
		}
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
	o, ledger, err := ResolveDeficit(nil, nil, d, policy, &fund, nil, nil, 0, []int64{3, -4}, 1000000, 6)
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
	if _, _, err := ResolveDeficit(nil, nil, Deficit{Kind: DeficitPerp, Amount: 25}, policy, &fund, nil, nil, 0, []int64{0}, 1000000, 6); !errors.Is(err, StatusDeficitUnabsorbed) || fund != before {
		t.Fatalf("want DEFICIT_UNABSORBED with the fund untouched, got %v, %+v", err, fund)
	}
}

func uhealth(h UnifiedHealth) string {
	level := func(l LevelFigures) string { return fmt.Sprintf("%d %d", l.Collateral, l.Requirement) }
	return fmt.Sprintf("%d %s %s %s %d %d %d", h.Equity, level(h.Initial), level(h.LiquidationEnd), level(h.Maintenance), h.MarginRatioPPM,
		h.State, h.Rung)
}

func legString(l UnifiedLeg) string {
	return fmt.Sprintf("%d %d %d %d %d", l.Kind, l.PositionIndex, l.LiabilityAsset, l.CollateralAsset, l.Amount)
}

func settlementString(s LegSettlement) string {
	var b strings.Builder
	b.WriteString(legString(s.Leg))
	for _, f := range s.Flows {
		fmt.Fprintf(&b, " %d %d %d %d %d %d", f.Unit, f.Index, f.Account, f.Liquidator, f.Counterparty, f.InsuranceFund)
	}
	fmt.Fprintf(&b, " %d %d %s", s.ValueLiquidated, s.CostToAccount, uhealth(s.HealthAfter))
	return b.String()
}

// runLegs runs a unified case's legs, plan, delisting or whole step (what
// 3 to 7, format in gen_cases.py).
func runLegs(k *tokens, what int64, book *Book, account *UnifiedAccount, pool uint32, legsLen int, ladder MarginLadder) (string, error) {
	var b strings.Builder
	if what == 6 {
		k.expect("D")
		market := uint32(k.int())
		policy := DelistingPolicy{SettlementPrice: k.int(), FeePPM: uint32(k.int())}
		d, _, settled, err := SettleDelisted(book, account, pool, market, policy, ladder, legsLen)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%d %d %d %d %d %d %s", d.Settled, d.Outcome, d.Deficit.Kind, d.Deficit.Index, d.Deficit.Amount, d.Shortfall,
			uhealth(d.HealthAfter))
		for _, x := range settled {
			fmt.Fprintf(&b, " | %d %d %d %d %d %d %d", x.PositionIndex, x.ClosedSize, x.Cash, x.Funding, x.Fee, x.QuoteDelta, x.NewQuoteBalance)
		}
		return b.String(), nil
	}
	k.expect("G")
	var fees []AssetLiquidationFees
	for i, n := 0, k.int(); i < int(n); i++ {
		fees = append(fees, AssetLiquidationFees{LiquidatorBonusPPM: uint32(k.int()), InsuranceFeePPM: uint32(k.int())})
	}
	k.expect("T")
	terms := LegTerms{Target: Target{Kind: uint32(k.int()), BufferPPM: uint32(k.int())}, PerpBandPPM: uint32(k.int())}
	if what == 7 {
		k.expect("O")
		policy := UnifiedLiquidationPolicy{Terms: terms, Objective: uint32(k.int()), Ordering: uint32(k.int()), TakeOverBankrupt: uint32(k.int())}
		inLiquidation := uint32(k.int())
		d, legs, err := RunUnifiedLiquidation(book, account, pool, fees, &policy, nil, nil, inLiquidation, make([]UnifiedLeg, legsLen))
		if err != nil {
			return "", err
		}
		p := d.Plan
		fmt.Fprintf(&b, "%d %d %d %d %d %d %s", d.Action, d.Reason, p.Status, p.LegCount, p.ValueLiquidated, p.CostToAccount, uhealth(p.HealthAfter))
		for _, l := range legs {
			fmt.Fprintf(&b, " | %s", legString(l))
		}
		return b.String(), nil
	}
	if what == 5 {
		k.expect("O")
		objective, ordering := uint32(k.int()), uint32(k.int())
		p, legs, err := PlanUnifiedLiquidation(book, account, pool, fees, terms, objective, ordering, nil, nil, legsLen)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%d %d %d %d %s", p.Status, p.LegCount, p.ValueLiquidated, p.CostToAccount, uhealth(p.HealthAfter))
		for _, l := range legs {
			fmt.Fprintf(&b, " | %s", legString(l))
		}
		return b.String(), nil
	}
	k.expect("K")
	leg := UnifiedLeg{Kind: uint32(k.int()), PositionIndex: uint32(k.int()), LiabilityAsset: uint32(k.int()), CollateralAsset: uint32(k.int()),
		Amount: k.int()}
	if what == 3 {
		s, err := SettleLeg(book, account, pool, fees, terms, leg)
		if err != nil {
			return "", err
		}
		return settlementString(s), nil
	}
	z, err := SizeLeg(book, account, pool, fees, terms, leg)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "%d %d %d %s", z.Status, z.HasSettlement, z.MaxAmount, legString(z.Leg))
	if z.HasSettlement != 0 {
		fmt.Fprintf(&b, " | %s", settlementString(z.Settlement))
	}
	return b.String(), nil
}

// runWaterfall runs a waterfall case (format in gen_cases.py).
func runWaterfall(k *tokens) (string, error) {
	k.expect("D")
	d := Deficit{Kind: uint32(k.int()), Index: uint32(k.int()), Amount: k.int()}
	k.expect("W")
	var policy WaterfallPolicy
	n := int(k.int())
	for i := 0; i < n; i++ {
		policy.Steps[i] = uint32(k.int())
	}
	policy.StepCount, policy.FundScope = uint32(n), uint32(k.int())
	k.expect("F")
	balance, floor := k.int(), k.int()
	k.expect("K")
	capacity, depositIndex := k.int(), k.int()
	k.expect("Y")
	var payers []int64
	for i, n := 0, k.int(); i < int(n); i++ {
		payers = append(payers, k.int())
	}
	k.expect("X")
	var assets []Asset
	for i, n := 0, k.int(); i < int(n); i++ {
		assets = append(assets, Asset{ID: uint32(k.int()), QuoteExponent: int32(k.int()), InitialAssetWeightPPM: uint32(k.int()),
			MaintenanceAssetWeightPPM: uint32(k.int()), InitialLiabilityWeightPPM: uint32(k.int()), MaintenanceLiabilityWeightPPM: uint32(k.int()),
			IMFFactorPPM: uint32(k.int()), IMFUnit: k.int()})
	}
	k.expect("Q")
	var prices []int64
	for i, n := 0, k.int(); i < int(n); i++ {
		prices = append(prices, k.int())
	}
	k.expect("N")
	ledgerLen := int(k.int())
	fund, err := NewInsuranceFund(balance, floor)
	if err != nil {
		return "", err
	}
	o, ledger, err := ResolveDeficit(assets, prices, d, policy, &fund, nil, nil, capacity, payers, depositIndex, ledgerLen)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d", o.StepCount)
	for _, u := range o.Steps[:o.StepCount] {
		fmt.Fprintf(&b, " %d %d", u.Step, u.Absorbed)
	}
	f, x := o.FundAfter, o.Socialization
	fmt.Fprintf(&b, " %d %d %d %d %d %d %d %d", o.FundMarket, o.FundPaid, o.ADLResidual, f.Balance, f.Floor, f.Initial, f.TotalCredits, f.TotalDebits)
	fmt.Fprintf(&b, " %d %d %d %d %d %d %d %d %d %d", x.Kind, x.OpenInterest, x.Delta, x.Charged, x.Deposits, x.OldIndex, x.NewIndex,
		x.DepositsAfter, x.Surplus, o.LedgerLen)
	for _, e := range ledger {
		fmt.Fprintf(&b, " | %d %d %d %d %d %d %d", e.From.Kind, e.From.Index, e.To.Kind, e.To.Index, e.Unit.Kind, e.Unit.Index, e.Amount)
	}
	return b.String(), nil
}

// runSocial runs a socialized-loss or haircut case.
func runSocial(k *tokens) (string, error) {
	which, a, b, c := k.int(), k.int(), k.int(), k.int()
	var v int64
	var err error
	switch which {
	case 0:
		v, err = SocializedDelta(a, b)
	case 1:
		v, err = SocializedCharge(a, b)
	case 2:
		v, err = HaircutIndex(a, b, c)
	default:
		v, err = HaircutBalance(a, b, c)
	}
	return fmt.Sprintf("%d", v), err
}
