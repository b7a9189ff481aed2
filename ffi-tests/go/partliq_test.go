package partliq

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
		var b strings.Builder
		fmt.Fprintf(&b, "%d %d %s %s %d %d %d", p.Status, p.LegCount, health(p.HealthBefore), health(p.HealthAfter), p.RequiredEquityAfter, p.Shortfall,
			p.DustClosed)
		for _, l := range legs {
			fmt.Fprintf(&b, " | %d %d %d %d %d", l.PositionIndex, l.SizeDelta, l.LimitPrice, l.ExpectedCash, l.ExpectedFee)
		}
		res = b.String()
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
