package partliq

import (
	"errors"
	"testing"
	"unsafe"
)

// Offsets of the hot path's structs, as ffi/src/scan.rs, index.rs,
// priority.rs and venues/ pin them (sizes are checked at compile time in
// hotpath.go).
func TestHotPathLayout(t *testing.T) {
	var h ScanHit
	var o ScanOutcome
	var e IndexEntry
	var d DydxPosition
	var r AaveReserve
	offsets := []struct {
		name      string
		got, want uintptr
	}{
		{"scan_hit.health", unsafe.Offsetof(h.Health), 8},
		{"scan_outcome.end", unsafe.Offsetof(o.End), 24},
		{"scan_outcome.error", unsafe.Offsetof(o.Error), 28},
		{"index_entry.position", unsafe.Offsetof(e.Position), 12},
		{"dydx_position.price", unsafe.Offsetof(d.Price), 40},
		{"dydx_position.quantums", unsafe.Offsetof(d.Quantums), 56},
		{"aave_reserve.liquidity_index", unsafe.Offsetof(r.LiquidityIndex), 32},
	}
	for _, x := range offsets {
		if x.got != x.want {
			t.Errorf("offset of %s: %d, want %d", x.name, x.got, x.want)
		}
	}
}

// hotMarket: e = 0, 10 % / 5 %.
func hotMarket() Market {
	m := Market{ID: 1, LotStep: 1, Tick: 1, TierCount: 1}
	m.Tiers[0] = MarginTier{InitialPPM: 100000, MaintenancePPM: 50000}
	return m
}

// Thirty accounts of a long 100 at 100; every third has equity 499 < 500
// (liquidatable), the others 1,000. Scanned with a buffer of 4 hits.
func TestScannerResumes(t *testing.T) {
	pool := &Pool{Markets: []Market{hotMarket()}, Prices: []int64{100}}
	var accounts []ScanAccount
	for i := 0; i < 30; i++ {
		qb := int64(-9000)
		if i%3 == 0 {
			qb = -9501
		}
		pool.Positions = append(pool.Positions, Position{Size: 100, QuoteBalance: qb})
		accounts = append(accounts, ScanAccount{FirstPosition: uint32(i), PositionCount: 1})
	}
	n := ScannerSize(1)
	if n != 64+1480 {
		t.Fatalf("scanner size %d", n)
	}
	mem := NewTable(n, 16)
	if err := ScannerInit(mem.Ptr(), n, pool); err != nil {
		t.Fatal(err)
	}
	var got []uint64
	start := 0
	for calls := 0; calls < 10; calls++ {
		out, hits, err := ScannerScan(mem.Ptr(), n, pool, accounts, start, 4)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.Health.Equity != 499 || h.Health.State != StateLiquidatable {
				t.Errorf("hit %+v", h)
			}
			got = append(got, h.AccountIndex)
		}
		if out.End == ScanComplete {
			break
		}
		start = int(out.Next)
	}
	if len(got) != 10 || got[0] != 0 || got[9] != 27 {
		t.Errorf("hits %v", got)
	}
	// A changed mark: stale; misaligned and undersized memory.
	moved := &Pool{Markets: pool.Markets, Prices: []int64{99}, Positions: pool.Positions}
	if _, _, err := ScannerScan(mem.Ptr(), n, moved, accounts, 0, 4); !errors.Is(err, Status(StatusStaleScanTable)) {
		t.Errorf("stale: %v", err)
	}
	if _, _, err := ScannerScan(mem.Shifted(8), n, pool, accounts, 0, 4); !errors.Is(err, Status(StatusTableMisaligned)) {
		t.Errorf("misaligned: %v", err)
	}
	if _, _, err := ScannerScan(mem.Ptr(), n-1, pool, accounts, 0, 4); !errors.Is(err, Status(StatusTableTooSmall)) {
		t.Errorf("undersized: %v", err)
	}
	blank := NewTable(n, 16)
	if _, _, err := ScannerScan(blank.Ptr(), n, pool, accounts, 0, 4); !errors.Is(err, Status(StatusTableNotInit)) {
		t.Errorf("blank: %v", err)
	}
}

// Isolated positions keyed 102 (long), 99 (short), 95 (long); candidates
// at 100, confirmation at 95, another market refused.
func TestIndexAndConfirm(t *testing.T) {
	pool := &Pool{Markets: []Market{hotMarket()}, Prices: []int64{100},
		Positions: []Position{{Size: 100, QuoteBalance: -9600}, {Size: -100, QuoteBalance: 10400}, {Size: 100, QuoteBalance: -9000}}}
	accounts := []ScanAccount{{0, 0, 1}, {0, 1, 1}, {0, 2, 1}}
	n := IndexSize(4)
	mem := NewTable(n, 8)
	if err := IndexInit(mem.Ptr(), n, 0, 4); err != nil {
		t.Fatal(err)
	}
	for a := uint32(0); a < 3; a++ {
		if k, err := IndexInsertAccount(mem.Ptr(), n, a, accounts, pool); err != nil || k != 1 {
			t.Fatalf("insert %d: %d %v", a, k, err)
		}
	}
	q, es, err := IndexCandidates(mem.Ptr(), n, 0, 100, 0, 4)
	if err != nil || q.Total != 2 || es[0].Key != 102 || es[1].Key != 99 {
		t.Fatalf("candidates at 100: %+v %+v %v", q, es, err)
	}
	if _, _, err := IndexCandidates(mem.Ptr(), n, 1, 100, 0, 4); !errors.Is(err, Status(StatusIndexMarketMismatch)) {
		t.Errorf("another market: %v", err)
	}
	at95 := &Pool{Markets: pool.Markets, Prices: []int64{95}, Positions: pool.Positions}
	sn := ScannerSize(1)
	smem := NewTable(sn, 16)
	if err := ScannerInit(smem.Ptr(), sn, at95); err != nil {
		t.Fatal(err)
	}
	_, es, _ = IndexCandidates(mem.Ptr(), n, 0, 95, 0, 4)
	out, hits, err := ScannerConfirm(smem.Ptr(), sn, at95, es, accounts, 0, 4)
	// Account 0 at 95: 9,500 − 9,600 = −100, bankrupt; account 2: 500 ≥ 475.
	if err != nil || out.Count != 1 || hits[0].AccountIndex != 0 || hits[0].Health.State != StateBankrupt {
		t.Errorf("confirm: %+v %+v %v", out, hits, err)
	}
}

func TestSortByPriority(t *testing.T) {
	items := []PriorityItem{{400, 500, 1, 0, 0}, {-5, 0, 1, 0, 0}, {800, 1000, 9, 0, 0}, {7, 0, 1, 0, 0}, {-100, 200, 1, 0, 0}}
	idx := []uint32{0, 1, 2, 3, 4}
	if err := SortByPriority(items, PriorityMarginRatio, idx); err != nil {
		t.Fatal(err)
	}
	want := []uint32{1, 4, 2, 0, 3}
	for i := range want {
		if idx[i] != want[i] {
			t.Fatalf("order %v, want %v", idx, want)
		}
	}
	keep := []uint32{4, 5}
	if err := SortByPriority(items, PriorityMarginRatio, keep); !errors.Is(err, StatusUnknownPosition) || keep[0] != 4 || keep[1] != 5 {
		t.Errorf("unknown index: %v %v", err, keep)
	}
}

// dYdX's 0.1 BTC long at $50,000 with USDC −4,501: fillable price 49,999 /
// 100 quote quantums per base quantum, 49,999,000,000 subticks.
func TestDydxFillablePrice(t *testing.T) {
	p := DydxPosition{AtomicResolution: -8, Tier: DydxLiquidityTier{InitialMarginPPM: 200000, MaintenanceFractionPPM: 500000},
		Price: 5000000000, PriceExponent: -5, Quantums: 10000000}
	r, err := DydxSubaccountRisk(-4501000000, []DydxPosition{p})
	if err != nil || r.NC != 499000000 || r.MMR != 500000000 {
		t.Fatalf("risk %+v %v", r, err)
	}
	cfg := DydxCodeDefault()
	price, err := DydxFillablePrice(&p, &r, -10000000, &cfg)
	if err != nil || price.Num != (I128{0, 49999}) || price.Den != (I128{0, 100}) {
		t.Fatalf("price %+v %v", price, err)
	}
	s, err := DydxFillablePriceToSubticks(&price, 1, &DydxClobPair{5, 5, -8})
	if err != nil || s != 49999000000 {
		t.Errorf("subticks %d %v", s, err)
	}
}

// Aave's WBTC/USDX account: HF 0.849512195121951219.
func TestAaveAccountData(t *testing.T) {
	ray := I128{54210108, 11515845246265065472}
	r := func(price int64, decimals uint32) AaveReserve {
		return AaveReserve{Price: I128{0, uint64(price)}, Decimals: decimals, LiquidationThreshold: 8600, LiquidationBonus: 10500,
			LiquidationProtocolFee: 1000, LiquidityIndex: ray, VariableBorrowIndex: ray}
	}
	reserves := []AaveReserve{r(1e8, 6), r(20250e8, 8)}
	user := []AaveUserReserve{{ScaledDebt: I128{0, 20500e6}}, {ScaledCollateral: I128{0, 1e8}, UseAsCollateral: 1}}
	a, err := AaveAccountData(reserves, user)
	if err != nil || a.HealthFactor != (I128{0, 849512195121951219}) {
		t.Errorf("account %+v %v", a, err)
	}
	if _, err := AaveAccountData(reserves, user[:1]); !errors.Is(err, StatusBufferTooSmall) {
		t.Errorf("short user array: %v", err)
	}
}

// The index's other entry points: info, crossed, re-key, remove.
func TestIndexMaintenance(t *testing.T) {
	if ScannerAlign() != 16 || IndexAlign() != 8 {
		t.Fatal("alignments")
	}
	pool := &Pool{Markets: []Market{hotMarket()}, Prices: []int64{100},
		Positions: []Position{{Size: 100, QuoteBalance: -9600}, {Size: -100, QuoteBalance: 10400}}}
	accounts := []ScanAccount{{0, 0, 1}, {0, 1, 1}}
	n := IndexSize(2)
	mem := NewTable(n, 8)
	if err := IndexInit(mem.Ptr(), n, 0, 2); err != nil {
		t.Fatal(err)
	}
	for a := uint32(0); a < 2; a++ {
		if _, err := IndexInsertAccount(mem.Ptr(), n, a, accounts, pool); err != nil {
			t.Fatal(err)
		}
	}
	if s, err := IndexInfo(mem.Ptr(), n); err != nil || s.Longs != 1 || s.Shorts != 1 || s.Capacity != 2 {
		t.Fatalf("info %+v %v", s, err)
	}
	// A rise 98 → 100 crosses the short keyed 99.
	if q, es, err := IndexCrossed(mem.Ptr(), n, 0, 98, 100, 0, 2); err != nil || q.Total != 1 || es[0].Key != 99 {
		t.Errorf("crossed %+v %+v %v", q, es, err)
	}
	// A deposit into the long (qb −9,000): re-keyed to 95.
	pool.Positions[0].QuoteBalance = -9000
	if r, i, err := IndexRekeyAccount(mem.Ptr(), n, 0, accounts, pool); err != nil || r != 1 || i != 1 {
		t.Errorf("rekey %d %d %v", r, i, err)
	}
	if _, es, _ := IndexCandidates(mem.Ptr(), n, 0, 96, 0, 2); len(es) != 0 {
		t.Errorf("candidates at 96 after the deposit: %+v", es)
	}
	if r, err := IndexRemoveAccount(mem.Ptr(), n, 1); err != nil || r != 1 {
		t.Errorf("remove %d %v", r, err)
	}
	if _, _, err := IndexCrossed(mem.Ptr(), n, 2, 98, 100, 0, 2); !errors.Is(err, Status(StatusIndexMarketMismatch)) {
		t.Errorf("crossed, another market: %v", err)
	}
}

// dYdX's other functions on the same rows as the C and Rust tests.
func TestDydxFunctions(t *testing.T) {
	p := DydxPosition{AtomicResolution: -8, Tier: DydxLiquidityTier{InitialMarginPPM: 200000, MaintenanceFractionPPM: 500000},
		Price: 5000000000, PriceExponent: -5, Quantums: 10000000}
	if r, err := DydxPositionRisk(&p, 300000); err != nil || r.IMR != 1500000000 || r.MMR != 500000000 {
		t.Errorf("position risk %+v %v", r, err)
	}
	r, _ := DydxSubaccountRisk(-5100000000, []DydxPosition{p})
	if q, err := DydxBankruptcyQuote(&p, &r, -10000000); err != nil || q != 5100000000 {
		t.Errorf("bankruptcy %d %v", q, err)
	}
	clob := DydxClobPair{5, 5, -8}
	if d, err := DydxInsuranceFundDelta(&p, &r, &clob, 5000, &DydxFill{FillAmount: 10000000, Subticks: 56100000000}); err != nil || d != 28050000 {
		t.Errorf("insurance fund delta %d %v", d, err)
	}
	cfg := DydxMainnetGenesis()
	big := p
	big.Quantums = 1000000000
	if l, err := DydxPositionNotionalLimits(&big, &cfg); err != nil || l.Min != 1000000000 || l.Max != 50000000000 {
		t.Errorf("limits %+v %v", l, err)
	}
	if d, err := DydxLiquidatableSizeDelta(&big, &clob, &cfg, nil, 99000000000, 0); err != nil || d != -2000000 {
		t.Errorf("size delta %d %v", d, err)
	}
	if b, err := DydxSubaccountBlockLeft(&cfg, nil, 99000000000, 7, 0); err != nil || b.Notional != 1000000000 || b.InsuranceLost != 999999999993 {
		t.Errorf("block left %+v %v", b, err)
	}
	if _, err := DydxSubaccountBlockLeft(&cfg, []uint32{0}, 0, 0, 0); !errors.Is(err, Status(StatusAlreadyLiquidated)) {
		t.Errorf("already liquidated: %v", err)
	}
	tier := p.Tier
	tier.OpenInterestLowerCap, tier.OpenInterestUpperCap = 1000000, 3000000
	if v, err := DydxAdjustedInitialMarginPPM(&tier, 2000000); err != nil || v != 600000 {
		t.Errorf("adjusted IMF %d %v", v, err)
	}
}

// Aave's partial liquidation of WBTC for USDX, as the C and Rust tests.
func TestAaveLiquidation(t *testing.T) {
	ray := I128{54210108, 11515845246265065472}
	r := func(price int64, decimals uint32) AaveReserve {
		return AaveReserve{Price: I128{0, uint64(price)}, Decimals: decimals, LiquidationThreshold: 8600, LiquidationBonus: 10500,
			LiquidationProtocolFee: 1000, LiquidityIndex: ray, VariableBorrowIndex: ray}
	}
	reserves := []AaveReserve{r(1e8, 6), r(20250e8, 8)}
	user := []AaveUserReserve{{ScaledDebt: I128{0, 20500e6}}, {ScaledCollateral: I128{0, 1e8}, UseAsCollateral: 1}}
	if m, err := AaveCloseFactor(reserves, user, 1, 0); err != nil || m.MaxLiquidatableDebt != (I128{0, 20500e6}) || m.Rule != 2 {
		t.Errorf("close factor %+v %v", m, err)
	}
	if q, err := AaveCollateralForDebt(&reserves[1], &reserves[0], I128{0, 106e6}, I128{0, 1e8}, 10500); err != nil ||
		q.CollateralToLiquidator != (I128{0, 547010}) || q.ProtocolFee != (I128{0, 2618}) {
		t.Errorf("collateral quote %+v %v", q, err)
	}
	l, after, deficits, err := AaveLiquidationCall(reserves, user, &AaveCall{CollateralIndex: 1, DebtIndex: 0, DebtToCover: I128{0, 106e6}})
	if err != nil || l.DebtRepaid != (I128{0, 106e6}) || after[1].ScaledCollateral != (I128{0, 1e8 - 549628}) || deficits[0] != (I128{}) {
		t.Errorf("liquidation %+v %+v %v", l.DebtRepaid, after, err)
	}
}

// The unified scan against partliq_unified_pool_health over every pool of
// every account: the README's book, 12 accounts of 40 SOL and (6 − i) × 300
// USDC (a borrow from i = 7), the BTC long cross and, every third account,
// an isolated 0.01 BTC short with 10 × i USD of equity. With Binance's
// ladder the cross pools of i ≥ 5 (2,399.95 + 300 × (6 − i) below 105 % of
// 2,850) and the isolated pool of i = 0 (0 below 28.50) are hits: 8 of 16
// pools. Scanned with a buffer of 2 and resumed.
func TestUnifiedScanIsEveryPool(t *testing.T) {
	book, base := readmeUnified()
	flat := &UnifiedAccount{}
	var accounts []UnifiedScanAccount
	for i := 0; i < 12; i++ {
		a := UnifiedScanAccount{FirstBalance: uint32(len(flat.Balances)), BalanceCount: 2, FirstPosition: uint32(len(flat.Positions))}
		flat.Balances = append(flat.Balances, base.Balances[0], AssetBalance{AssetIndex: 0, Amount: int64(6-i) * 300000000})
		flat.Positions = append(flat.Positions, base.Positions[0])
		if i%3 == 0 {
			flat.Positions = append(flat.Positions, PerpPosition{Margin: MarginIsolated, Size: -1000000, QuoteBalance: 570000000 + int64(i)*10000000, LastFundingIndex: 1500})
		}
		a.PositionCount = uint32(len(flat.Positions)) - a.FirstPosition
		accounts = append(accounts, a)
	}
	ladder := MarginLadderBinancePortfolioMargin()
	type hit struct {
		account, pool uint64
		h             UnifiedHealth
	}
	var want []hit
	for i, a := range accounts {
		acc := &UnifiedAccount{Balances: flat.Balances[a.FirstBalance : a.FirstBalance+a.BalanceCount],
			Positions: flat.Positions[a.FirstPosition : a.FirstPosition+a.PositionCount]}
		n, err := UnifiedPoolCount(acc.Positions)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < n; k++ {
			h, err := UnifiedPoolHealth(book, acc, uint32(k), ladder)
			if err != nil {
				t.Fatal(err)
			}
			if h.State != StateHealthy || h.Rung >= RungLiquidation {
				want = append(want, hit{uint64(i), uint64(k), h})
			}
		}
	}
	var got []hit
	sa, sp := uint64(0), uint64(0)
	for calls := 0; ; calls++ {
		if calls > 100 {
			t.Fatal("the resume loop must end")
		}
		out, hits, err := UnifiedScan(book, flat, accounts, sa, sp, ladder, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			got = append(got, hit{h.AccountIndex, h.PoolIndex, h.Health})
		}
		if out.End == ScanComplete {
			break
		}
		if out.End != ScanBufferFull || out.Count != 2 {
			t.Fatalf("outcome %+v", out)
		}
		sa, sp = out.ResumeAccount, out.ResumePool
	}
	if len(got) != len(want) || len(want) != 8 {
		t.Fatalf("got %d hits, want %d (8 of 16 pools)", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("hit %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	// A malformed account fails in the outcome.
	bad := []UnifiedScanAccount{{FirstBalance: 99, BalanceCount: 1}}
	out, _, err := UnifiedScan(book, flat, bad, 0, 0, ladder, 2)
	if err != nil || out.End != ScanFailed || Status(out.Error) != StatusUnknownPosition || out.ResumeAccount != 1 {
		t.Fatalf("malformed: %+v, %v", out, err)
	}
}

// dYdX's LiquidationsConfig.Validate: both presets pass; a bankruptcy
// adjustment below 10⁶ or a zero block limit is INVALID_LIQUIDATION_CONFIG
// (64), a fee above 10⁶ ppm FRACTION_ABOVE_100_PERCENT (16).
func TestDydxConfigValidate(t *testing.T) {
	for _, cfg := range []DydxConfig{DydxCodeDefault(), DydxMainnetGenesis()} {
		if err := DydxConfigValidate(&cfg); err != nil {
			t.Fatalf("%+v: %v", cfg, err)
		}
	}
	cases := []struct {
		edit func(*DydxConfig)
		want Status
	}{
		{func(c *DydxConfig) { c.BankruptcyAdjustmentPPM = 999_999 }, 64},
		{func(c *DydxConfig) { c.MaxNotionalLiquidated = 0 }, 64},
		{func(c *DydxConfig) { c.SpreadToMaintenanceMarginRatioPPM = 0 }, 64},
		{func(c *DydxConfig) { c.MaxLiquidationFeePPM = 1_000_001 }, 16},
		{func(c *DydxConfig) { c.MaxPositionPortionLiquidatedPPM = 1_000_001 }, 16},
	}
	for i, c := range cases {
		cfg := DydxCodeDefault()
		c.edit(&cfg)
		if err := DydxConfigValidate(&cfg); !errors.Is(err, c.want) {
			t.Fatalf("case %d: %v, want %d", i, err, c.want)
		}
	}
	if err := DydxConfigValidate(nil); !errors.Is(err, StatusNullPointer) {
		t.Fatalf("NULL: %v", err)
	}
}
