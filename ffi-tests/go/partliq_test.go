package partliq

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

func marketA() Market {
	m := Market{ID: 1, LotStep: 1, Tick: 1, TierCount: 1, LiquidationFeePPM: 10000, LiquidatorFeeSharePPM: 400000}
	m.Tiers[0] = MarginTier{NotionalFloor: 0, InitialPPM: 100000, MaintenancePPM: 50000}
	return m
}

func TestVersionAndLayout(t *testing.T) {
	if ABIVersion() != HeaderVersion {
		t.Fatalf("library %d, header %d", ABIVersion(), HeaderVersion)
	}
	want := fmt.Sprintf("%d.%d.%d", HeaderVersion/1000000, HeaderVersion/1000%1000, HeaderVersion%1000)
	if Version() != want {
		t.Fatalf("version %q, want %q", Version(), want)
	}
	var m Market
	var p Plan
	var s Settlement
	offsets := []struct {
		name      string
		got, want uintptr
	}{
		{"market.tiers", unsafe.Offsetof(m.Tiers), 24},
		{"market.tier_count", unsafe.Offsetof(m.TierCount), 280},
		{"market.liquidation_fee_rounding", unsafe.Offsetof(m.LiquidationFeeRounding), 292},
		{"market.dust_floor", unsafe.Offsetof(m.DustFloor), 296},
		{"plan.health_after", unsafe.Offsetof(p.HealthAfter), 56},
		{"plan.dust_closed", unsafe.Offsetof(p.DustClosed), 120},
		{"settlement.health_after", unsafe.Offsetof(s.HealthAfter), 96},
	}
	for _, o := range offsets {
		if o.got != o.want {
			t.Errorf("offset of %s: %d, want %d", o.name, o.got, o.want)
		}
	}
}

// Health, plan and settle on the hand-computed example of src/settlement.rs:
// long 100 @ mark 100 with quote balance -9,600 (equity 400 < MM 500).
func TestHealthPlanSettle(t *testing.T) {
	pool := &Pool{Markets: []Market{marketA()}, Prices: []int64{100}, Positions: []Position{{MarketIndex: 0, Size: 100, QuoteBalance: -9600}}}
	h, err := PoolHealth(pool)
	if err != nil || h.Equity != 400 || h.MaintenanceRequirement != 500 || h.State != StateLiquidatable {
		t.Fatalf("health %+v, %v", h, err)
	}
	plan, legs, err := PlanLiquidation(pool, PlanParams{Target: Target{Kind: TargetMaintenance}, Order: OrderLargestMaintenance}, 1)
	if err != nil || plan.Status != OutcomeRestored || len(legs) != 1 {
		t.Fatalf("plan %+v %+v, %v", plan, legs, err)
	}
	// Band 0 (limit = mark), fee 1 %: equity 400 − x ≥ MM 500 − 5x ⇒ x = 25.
	if legs[0].SizeDelta != -25 || legs[0].LimitPrice != 100 || legs[0].ExpectedFee != 25 {
		t.Fatalf("leg %+v", legs[0])
	}
	// Filled at the limit: cash 2,500, fee 25 (liquidator 40 % → 10, fund 15);
	// quote balance −9,600 + 2,500 − 25 = −7,125; equity 375 = MM 375.
	s, err := SettleFill(pool, Fill{PositionIndex: legs[0].PositionIndex, SizeDelta: legs[0].SizeDelta, Price: legs[0].LimitPrice})
	if err != nil {
		t.Fatal(err)
	}
	if s.FillCash != 2500 || s.Fee != 25 || s.FeeToLiquidator != 10 || s.FeeToInsurance != 15 || s.NewPosition.Size != 75 ||
		s.NewPosition.QuoteBalance != -7125 || s.HealthAfter.Equity != 375 || s.HealthAfter.State != StateHealthy {
		t.Fatalf("settlement %+v", s)
	}
	if s.PositionQuoteDelta-s.FillCash+s.FeeToLiquidator+s.InsuranceFundDelta != 0 {
		t.Fatal("not conserved")
	}
	// Errors come back as Status values, outputs stay zero.
	_, _, err = PlanLiquidation(pool, PlanParams{}, 0)
	var st Status
	if !errors.As(err, &st) || st != StatusBufferTooSmall {
		t.Fatalf("want BUFFER_TOO_SMALL, got %v", err)
	}
	if _, err := SettleFill(pool, Fill{PositionIndex: 0, SizeDelta: -100, Price: 1 << 62}); !errors.Is(err, StatusOverflow) {
		t.Fatalf("want OVERFLOW, got %v", err)
	}
	if _, err := SettleFill(pool, Fill{PositionIndex: 5, SizeDelta: -1, Price: 99}); !errors.Is(err, StatusUnknownPosition) {
		t.Fatalf("want UNKNOWN_POSITION, got %v", err)
	}
}

// The cross-language table: byte-identical output to expected.txt.
func TestCases(t *testing.T) {
	dir := filepath.Join("..", "cases")
	f, err := os.Open(filepath.Join(dir, "cases.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out strings.Builder
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out.WriteString(runCase(t, line))
		out.WriteByte('\n')
		n++
	}
	want, err := os.ReadFile(filepath.Join(dir, "expected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		os.WriteFile(filepath.Join(os.TempDir(), "partliq_cases_go.txt"), []byte(out.String()), 0o644)
		t.Fatalf("Go output differs from expected.txt (written to %s)", filepath.Join(os.TempDir(), "partliq_cases_go.txt"))
	}
	t.Logf("%d cases identical", n)
}

type tokens struct {
	t   *testing.T
	ws  []string
	pos int
}

func (k *tokens) word() string {
	if k.pos >= len(k.ws) {
		k.t.Fatal("unexpected end of case")
	}
	k.pos++
	return k.ws[k.pos-1]
}

func (k *tokens) int() int64 {
	v, err := strconv.ParseInt(k.word(), 10, 64)
	if err != nil {
		k.t.Fatal(err)
	}
	return v
}

func (k *tokens) expect(tag string) {
	if w := k.word(); w != tag {
		k.t.Fatalf("expected %s, got %s", tag, w)
	}
}

func health(h Health) string {
	return fmt.Sprintf("%d %d %d %d %d %d", h.Equity, h.InitialRequirement, h.MaintenanceRequirement, h.FreeCollateral, h.MarginRatioPPM, h.State)
}

func runCase(t *testing.T, line string) string {
	k := &tokens{t: t, ws: strings.Fields(line)}
	name, op := k.word(), k.word()
	k.expect("M")
	pool := &Pool{}
	for i, n := 0, k.int(); i < int(n); i++ {
		m := Market{ID: uint32(k.int()), QuoteExponent: int32(k.int()), LotStep: k.int(), Tick: k.int()}
		m.LiquidationFeePPM, m.LiquidatorFeeSharePPM, m.DustFloor = uint32(k.int()), uint32(k.int()), k.int()
		m.TierCount = uint32(k.int())
		for j := 0; j < int(m.TierCount); j++ {
			m.Tiers[j] = MarginTier{NotionalFloor: k.int(), InitialPPM: uint32(k.int()), MaintenancePPM: uint32(k.int())}
		}
		pool.Markets = append(pool.Markets, m)
	}
	k.expect("P")
	for i, n := 0, k.int(); i < int(n); i++ {
		pool.Prices = append(pool.Prices, k.int())
	}
	k.expect("C")
	pool.Collateral = k.int()
	k.expect("S")
	for i, n := 0, k.int(); i < int(n); i++ {
		pool.Positions = append(pool.Positions, Position{MarketIndex: uint32(k.int()), Size: k.int(), QuoteBalance: k.int()})
	}
	k.expect("A")
	var res string
	var err error
	switch op {
	case "validate":
		m := pool.Markets[k.int()]
		err = ValidateMarket(&m)
	case "health":
		var h Health
		h, err = PoolHealth(pool)
		res = health(h)
	case "account":
		var h Health
		h, err = AccountHealth(pool, uint32(k.int()))
		res = health(h)
	case "close":
		req := CloseRequest{PositionIndex: uint32(k.int()), ExecutionPrice: k.int()}
		req.Target = Target{Kind: uint32(k.int()), BufferPPM: uint32(k.int())}
		var c CloseSizing
		c, err = MinimalClose(pool, req)
		res = fmt.Sprintf("%d %d %d %d %d %d %d %s %d %d", c.Status, c.DustClosed, c.Exhaustive, c.SizeDelta, c.ExecutionPrice, c.ExpectedCash,
			c.ExpectedFee, health(c.HealthAfter), c.RequiredEquityAfter, c.Shortfall)
	case "plan":
		params := PlanParams{Target: Target{Kind: uint32(k.int()), BufferPPM: uint32(k.int())}, PriceBandPPM: uint32(k.int()), Order: uint32(k.int())}
		var p Plan
		var legs []PlanLeg
		p, legs, err = PlanLiquidation(pool, params, int(k.int()))
		res = planWords(p, legs, " | ")
	case "bankrupt":
		var b Bankruptcy
		b, err = BankruptcyPrice(pool, uint32(k.int()), k.int())
		res = fmt.Sprintf("%d %d", b.Quote, b.Price)
	case "limit":
		var p int64
		p, err = LimitPrice(pool, uint32(k.int()), uint32(k.int()))
		res = fmt.Sprintf("%d", p)
	case "liqprice":
		var lp LiquidationPrice
		lp, err = EstimatedLiquidationPrice(pool, uint32(k.int()))
		res = fmt.Sprintf("%d %d", lp.Kind, lp.Price)
	case "settle":
		var s Settlement
		s, err = SettleFill(pool, Fill{PositionIndex: uint32(k.int()), SizeDelta: k.int(), Price: k.int()})
		res = fmt.Sprintf("%d %d %d %d %d %d %d %d %d %d %d %d %s", s.NewPosition.MarketIndex, s.NewPosition.Size, s.NewPosition.QuoteBalance,
			s.FillCash, s.BankruptcyQuote, s.NominalFee, s.Fee, s.FeeToLiquidator, s.FeeToInsurance, s.BadDebt, s.InsuranceFundDelta,
			s.PositionQuoteDelta, health(s.HealthAfter))
	case "unified":
		res, err = runUnified(k, pool)
	case "waterfall":
		res, err = runWaterfall(k)
	case "social":
		res, err = runSocial(k)
	case "scan":
		res, err = runScan(k, pool)
	case "index":
		res, err = runIndex(k, pool)
	case "priority":
		res, err = runPriority(k)
	case "dydx":
		res, err = runDydx(k)
	case "hbatch":
		res, err = runHealthBatch(k, pool)
	case "pbatch":
		res, err = runPlanBatch(k, pool)
	case "dbatch":
		res, err = runDydxBatch(k)
	case "aave":
		res, err = runAave(k)
	case "dydxmore":
		res, err = runDydxMore(k)
	case "ixmaint":
		res, err = runIndexMaintenance(k, pool)
	default:
		t.Fatalf("unknown op %s", op)
	}
	if err != nil {
		var st Status
		if !errors.As(err, &st) {
			t.Fatal(err)
		}
		return fmt.Sprintf("%s %d", name, uint32(st))
	}
	if res == "" {
		return name + " 0"
	}
	return name + " 0 " + res
}

// The batch: each account's health is PoolHealth of its range; a range
// past the positions is UNKNOWN_POSITION for that account alone.
func TestPoolHealthBatch(t *testing.T) {
	ms := []Market{marketA()}
	prices := []int64{100}
	ps := []Position{{MarketIndex: 0, Size: 100, QuoteBalance: -9600}, {MarketIndex: 0, Size: -10, QuoteBalance: 1100}}
	accs := []BatchAccount{{Collateral: 0, FirstPosition: 0, PositionCount: 1}, {Collateral: 7, FirstPosition: 0, PositionCount: 2}, {FirstPosition: 1, PositionCount: 5}}
	hs, errs, err := PoolHealthBatch(ms, prices, accs, ps)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range accs[:2] {
		one, e := PoolHealth(&Pool{Markets: ms, Prices: prices, Collateral: a.Collateral, Positions: ps[a.FirstPosition : a.FirstPosition+a.PositionCount]})
		if e != nil || errs[i] != nil || one != hs[i] {
			t.Fatalf("account %d: %+v (%v) vs %+v (%v)", i, hs[i], errs[i], one, e)
		}
	}
	if hs[0].Equity != 400 || hs[0].State != StateLiquidatable {
		t.Fatalf("account 0: %+v", hs[0])
	}
	if errs[2] != StatusUnknownPosition {
		t.Fatalf("account 2: %v", errs[2])
	}
}

// The plan batch: each account's plan is PlanLiquidation of its range. On
// the example of TestHealthPlanSettle (long 100 @ 100, quote −9,600,
// equity 400 < MM 500) the leg is −25 @ 100, fee 25; the same position
// with collateral 200 (equity 600 ≥ MM 500) needs no leg; a range past the
// positions is UNKNOWN_POSITION for that account alone.
func TestPlanLiquidationBatch(t *testing.T) {
	ms := []Market{marketA()}
	prices := []int64{100}
	ps := []Position{{MarketIndex: 0, Size: 100, QuoteBalance: -9600}}
	accs := []BatchAccount{{Collateral: 0, FirstPosition: 0, PositionCount: 1}, {Collateral: 200, FirstPosition: 0, PositionCount: 1},
		{FirstPosition: 1, PositionCount: 1}}
	params := PlanParams{Target: Target{Kind: TargetMaintenance}, Order: OrderLargestMaintenance}
	plans, legs, errs, err := PlanLiquidationBatch(ms, prices, accs, ps, params, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range accs[:2] {
		pool := &Pool{Markets: ms, Prices: prices, Collateral: a.Collateral, Positions: ps[a.FirstPosition : a.FirstPosition+a.PositionCount]}
		one, oneLegs, e := PlanLiquidation(pool, params, 2)
		if e != nil || errs[i] != nil || one != plans[i] || !reflect.DeepEqual(oneLegs, legs[i]) {
			t.Fatalf("account %d: %+v %+v (%v) vs %+v %+v (%v)", i, plans[i], legs[i], errs[i], one, oneLegs, e)
		}
	}
	if plans[0].Status != OutcomeRestored || len(legs[0]) != 1 || legs[0][0].SizeDelta != -25 || legs[0][0].LimitPrice != 100 ||
		legs[0][0].ExpectedFee != 25 {
		t.Fatalf("account 0: %+v %+v", plans[0], legs[0])
	}
	if len(legs[1]) != 0 || plans[1].HealthBefore.Equity != 600 {
		t.Fatalf("account 1: %+v %+v", plans[1], legs[1])
	}
	if errs[2] != StatusUnknownPosition || legs[2] != nil {
		t.Fatalf("account 2: %v %+v", errs[2], legs[2])
	}
	// No leg slots: the whole batch is BAD_LENGTH.
	if _, _, _, err := PlanLiquidationBatch(ms, prices, accs, ps, params, 0); !errors.Is(err, StatusBadLength) {
		t.Fatalf("want BAD_LENGTH, got %v", err)
	}
	// An empty batch is fine.
	if plans, _, _, err := PlanLiquidationBatch(ms, prices, nil, ps, params, 1); err != nil || len(plans) != 0 {
		t.Fatalf("empty batch: %v", err)
	}
}

// The dYdX batch on a BTC perpetual of dYdX's tests (atomic resolution −8,
// IMF 20 %, MF 50 %, price 50,000 = 5,000,000,000 × 10^−5): 1 BTC =
// 10^8 quantums is 50,000,000,000 quote quantums; IMR 20 % =
// 10,000,000,000; MMR half = 5,000,000,000. NC = collateral + 50e9 − 45e9:
// 6e9 with 1e9 USDC (not liquidatable), 3e9 with −2e9 (liquidatable,
// NC < MMR). A position with a non-zero reserved field fails its account.
func TestDydxSubaccountRiskBatch(t *testing.T) {
	p := BatchDydxPosition{AtomicResolution: -8, InitialMarginPPM: 200_000, MaintenanceFractionPPM: 500_000, Price: 5_000_000_000,
		PriceExponent: -5, Quantums: 100_000_000, QuoteBalance: -45_000_000_000}
	bad := p
	bad.Reserved = 1
	short := p
	short.Quantums = -100_000_000
	short.QuoteBalance = 55_000_000_000
	ps := []BatchDydxPosition{p, bad, short}
	accs := []BatchAccount{{Collateral: 1_000_000_000, FirstPosition: 0, PositionCount: 1},
		{Collateral: -2_000_000_000, FirstPosition: 0, PositionCount: 1}, {FirstPosition: 1, PositionCount: 1},
		{FirstPosition: 2, PositionCount: 5}, {FirstPosition: 2, PositionCount: 1}, {Collateral: 7}}
	risk, errs, err := DydxSubaccountRiskBatch(accs, ps)
	if err != nil {
		t.Fatal(err)
	}
	want := []BatchDydxRisk{{MMR: 5_000_000_000, IMR: 10_000_000_000, NC: 6_000_000_000}, {MMR: 5_000_000_000, IMR: 10_000_000_000,
		NC: 3_000_000_000, Liquidatable: 1}}
	for i, w := range want {
		if errs[i] != nil || risk[i] != w {
			t.Fatalf("account %d: %+v (%v), want %+v", i, risk[i], errs[i], w)
		}
	}
	if errs[2] != StatusReservedNotZero || errs[3] != StatusUnknownPosition {
		t.Fatalf("accounts 2, 3: %v, %v", errs[2], errs[3])
	}
	// The short: NC = −50e9 + 55e9 = 5e9 ≥ MMR 5e9, same requirements.
	if errs[4] != nil || risk[4] != (BatchDydxRisk{MMR: 5_000_000_000, IMR: 10_000_000_000, NC: 5_000_000_000}) {
		t.Fatalf("account 4: %+v (%v)", risk[4], errs[4])
	}
	// No positions: the USDC balance alone, nothing required.
	if errs[5] != nil || risk[5] != (BatchDydxRisk{NC: 7}) {
		t.Fatalf("account 5: %+v (%v)", risk[5], errs[5])
	}
	// A figure beyond int64: 2^62 quantums at 50,000 → OVERFLOW for that account.
	huge := p
	huge.Quantums = 1 << 62
	if _, errs, err := DydxSubaccountRiskBatch([]BatchAccount{{PositionCount: 1}}, []BatchDydxPosition{huge}); err != nil ||
		!errors.Is(errs[0], StatusOverflow) {
		t.Fatalf("want OVERFLOW, got %v / %v", err, errs)
	}
	// No positions at all (NULL with length 0): an account with a range
	// is UNKNOWN_POSITION, the batch itself is fine.
	if _, errs, err := DydxSubaccountRiskBatch(accs[:1], nil); err != nil || errs[0] != StatusUnknownPosition {
		t.Fatalf("empty positions array: %v / %v", err, errs)
	}
}

// The batches refuse a length that does not match and NULL pointers with
// their boundary status, and write nothing (outputs keep their sentinels).
func TestBatchRefusalsWriteNothing(t *testing.T) {
	pool := &Pool{Markets: []Market{marketA()}, Prices: []int64{100}, Positions: []Position{{MarketIndex: 0, Size: 100, QuoteBalance: -9600}}}
	accs := []BatchAccount{{FirstPosition: 0, PositionCount: 1}, {Collateral: 200, FirstPosition: 0, PositionCount: 1}, {FirstPosition: 1, PositionCount: 1}}
	sentinel := func() ([]Health, []Status) {
		out := make([]Health, 3)
		st := make([]Status, 3)
		for i := range out {
			out[i].Equity = 42
			st[i] = 7
		}
		return out, st
	}
	untouched := func(what string, out []Health, st []Status) {
		for i := range out {
			if out[i] != (Health{Equity: 42}) || st[i] != 7 {
				t.Fatalf("%s: account %d written: %+v %d", what, i, out[i], st[i])
			}
		}
	}
	out, st := sentinel()
	if s := rawPoolHealthBatch(pool, accs, 3, out, st, 2); s != StatusBadLength {
		t.Fatalf("out_len 2 for 3 accounts: %v", s)
	}
	untouched("out_len 2", out, st)
	if s := rawPoolHealthBatch(pool, nil, 3, out, st, 3); s != StatusNullPointer {
		t.Fatalf("NULL accounts: %v", s)
	}
	untouched("NULL accounts", out, st)
	if s := rawPoolHealthBatch(pool, accs, 3, out, nil, 3); s != StatusNullPointer {
		t.Fatalf("NULL statuses: %v", s)
	}
	untouched("NULL statuses", out, st)
	if s := rawPoolHealthBatch(pool, accs, 3, out, st, 3); s != StatusOK || out[0].Equity != 400 || st[2] != StatusUnknownPosition {
		t.Fatalf("the right call: %v %+v %v", s, out[0], st)
	}

	// Plans: legs_len not accounts × legs_per_account, NULL params.
	params := PlanParams{Target: Target{Kind: TargetMaintenance}, Order: OrderLargestMaintenance}
	legs := make([]PlanLeg, 6)
	legs[0].SizeDelta = 42
	plans := make([]Plan, 3)
	plans[0].LegCount = 42
	_, st = sentinel()
	if s := rawPlanLiquidationBatch(pool, accs, &params, legs, 5, 2, plans, st, 3); s != StatusBadLength {
		t.Fatalf("legs_len 5 for 3 × 2: %v", s)
	}
	if s := rawPlanLiquidationBatch(pool, accs, nil, legs, 6, 2, plans, st, 3); s != StatusNullPointer {
		t.Fatalf("NULL params: %v", s)
	}
	if legs[0].SizeDelta != 42 || plans[0].LegCount != 42 || st[0] != 7 {
		t.Fatalf("plans written on refusal: %+v %+v %v", legs[0], plans[0], st)
	}

	// dYdX: out_len short, NULL positions with a length.
	risk := []BatchDydxRisk{{NC: 42}, {NC: 42}}
	_, st = sentinel()
	if s := rawDydxSubaccountRiskBatch(accs[:2], []BatchDydxPosition{{}}, 1, risk, st, 1); s != StatusBadLength {
		t.Fatalf("dYdX out_len 1 for 2: %v", s)
	}
	if s := rawDydxSubaccountRiskBatch(accs[:2], nil, 1, risk, st, 2); s != StatusNullPointer {
		t.Fatalf("dYdX NULL positions: %v", s)
	}
	if risk[0].NC != 42 || risk[1].NC != 42 || st[0] != 7 {
		t.Fatalf("dYdX written on refusal: %+v %v", risk, st)
	}
}

// The unified scan refuses NULL hits with a length, a NULL outcome and a
// NULL ladder, and writes nothing.
func TestUnifiedScanRefusalsWriteNothing(t *testing.T) {
	book, account := readmeUnified()
	accounts := []UnifiedScanAccount{{BalanceCount: 2, PositionCount: 1}}
	ladder := MarginLadderStandard()
	out := UnifiedScanOutcome{Count: 42}
	hits := []UnifiedScanHit{{AccountIndex: 42}, {AccountIndex: 42}}
	if s := rawUnifiedScan(book, account, accounts, 1, &ladder, nil, 2, &out); s != StatusNullPointer || out.Count != 42 {
		t.Fatalf("NULL hits: %v %+v", s, out)
	}
	if s := rawUnifiedScan(book, account, accounts, 1, &ladder, hits, 2, nil); s != StatusNullPointer || hits[0].AccountIndex != 42 {
		t.Fatalf("NULL outcome: %v %+v", s, hits[0])
	}
	if s := rawUnifiedScan(book, account, accounts, 1, nil, hits, 2, &out); s != StatusNullPointer || out.Count != 42 || hits[0].AccountIndex != 42 {
		t.Fatalf("NULL ladder: %v", s)
	}
	if s := rawUnifiedScan(book, account, nil, 1, &ladder, hits, 2, &out); s != StatusNullPointer || out.Count != 42 {
		t.Fatalf("NULL accounts: %v", s)
	}
	// The README account is liquidatable at the standard ladder's
	// liquidation rung: one hit, its cross pool.
	if s := rawUnifiedScan(book, account, accounts, 1, &ladder, hits, 2, &out); s != StatusOK || out.Count != 1 || hits[0].AccountIndex != 0 ||
		hits[0].PoolIndex != 0 || hits[0].Health.Equity != 1999950000 {
		t.Fatalf("the right call: %v %+v %+v", s, out, hits[0])
	}
}
