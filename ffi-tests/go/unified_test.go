package partliq

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unsafe"
)

// Offsets of the unified structs, as ffi/src/ pins them (sizes are
// checked at compile time in unified.go).
func TestUnifiedLayout(t *testing.T) {
	var a Asset
	var p PerpPosition
	var h UnifiedHealth
	offsets := []struct {
		name      string
		got, want uintptr
	}{
		{"asset.reserved", unsafe.Offsetof(a.Reserved), 28},
		{"asset.imf_unit", unsafe.Offsetof(a.IMFUnit), 32},
		{"perp_position.margin", unsafe.Offsetof(p.Margin), 4},
		{"perp_position.open_asks", unsafe.Offsetof(p.OpenAsks), 40},
		{"unified_health.maintenance", unsafe.Offsetof(h.Maintenance), 40},
		{"unified_health.margin_ratio_ppm", unsafe.Offsetof(h.MarginRatioPPM), 56},
		{"unified_health.rung", unsafe.Offsetof(h.Rung), 68},
	}
	for _, o := range offsets {
		if o.got != o.want {
			t.Errorf("offset of %s: %d, want %d", o.name, o.got, o.want)
		}
	}
	if unsafe.Sizeof(a) != 40 || unsafe.Sizeof(p) != 48 || unsafe.Sizeof(h) != 72 {
		t.Fatal("sizes")
	}
}

// The README's unified account: USDC at par and SOL in lamports (e = −9,
// 80 / 90 %, 120 / 110 %) at 150 USD; BTC (1e-8 BTC, cents, e = −4, lot
// 1,000, tick 100, 10 % / 5 %, no fee) at 57,000 USD, funding index 1,500;
// 40 SOL deposited, 1,000 USDC borrowed, 1 BTC long bought at 60,000, last
// settled at 1,000, with 0.5 BTC of resting asks. Quote unit µUSD.
func readmeUnified() (*Book, *UnifiedAccount) {
	btc := Market{QuoteExponent: -4, LotStep: 1000, Tick: 100, TierCount: 1}
	btc.Tiers[0] = MarginTier{InitialPPM: 100000, MaintenancePPM: 50000}
	usdc := Asset{InitialAssetWeightPPM: 1000000, MaintenanceAssetWeightPPM: 1000000, InitialLiabilityWeightPPM: 1000000,
		MaintenanceLiabilityWeightPPM: 1000000, IMFUnit: 1}
	sol := Asset{QuoteExponent: -9, InitialAssetWeightPPM: 800000, MaintenanceAssetWeightPPM: 900000, InitialLiabilityWeightPPM: 1200000,
		MaintenanceLiabilityWeightPPM: 1100000, IMFUnit: 1}
	book := &Book{Markets: []Market{btc}, Prices: []int64{5700000}, FundingIndexes: []int64{1500}, Assets: []Asset{usdc, sol},
		AssetPrices: []int64{1, 150000000}}
	account := &UnifiedAccount{
		Balances:  []AssetBalance{{AssetIndex: 1, Amount: 40000000000}, {AssetIndex: 0, Amount: -1000000000}},
		Positions: []PerpPosition{{Margin: MarginCross, Size: 100000000, QuoteBalance: -60000000000, LastFundingIndex: 1000, OpenAsks: 50000000}},
	}
	return book, account
}

func TestUnifiedHealthAndPipeline(t *testing.T) {
	book, account := readmeUnified()
	for _, a := range book.Assets {
		if err := ValidateAsset(&a); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := UnifiedPoolCount(account.Positions); err != nil || n != 1 {
		t.Fatalf("pools %d, %v", n, err)
	}
	// Equity 6,000 − 1,000 − 3,000 − 0.05 of funding = 1,999.95 USD; at
	// maintenance SOL counts 90 %: 1,399.95 against 5 % of 57,000 = 2,850.
	h, err := UnifiedPoolHealth(book, account, 0, MarginLadderBinancePortfolioMargin())
	if err != nil {
		t.Fatal(err)
	}
	if h.Equity != 1999950000 || h.Maintenance != (LevelFigures{1399950000, 2850000000}) || h.Initial != (LevelFigures{799950000, 5700000000}) ||
		h.LiquidationEnd != h.Initial || h.MarginRatioPPM != 2035787 || h.State != StateLiquidatable || h.Rung != RungBackstop {
		t.Fatalf("health %+v", h)
	}
	if a, err := UnifiedAccountHealth(book, account, MarginLadderStandard()); err != nil || a.Rung != RungLiquidation || a.Equity != h.Equity {
		t.Fatalf("account health %+v, %v", a, err)
	}
	// Cancel first: no leg, the state untouched.
	policy := PolicyDefault()
	st := AccountState{Block: 5}
	d, legs, err := RunUnifiedPipeline(book, account, 0, &policy, &st, nil, 0, 0, 1)
	if err != nil || d.Action != ActionCancelOrders || d.Reason != ReasonOpenOrders || len(legs) != 0 || st != (AccountState{Block: 5}) {
		t.Fatalf("decision %+v, state %+v, %v", d, st, err)
	}
	// Cancelled: 1,399,950,000 − 5.7x ≥ 2,850,000,000 − 28.5x ⇒ x = 63,599,000
	// (lot 1,000) sold at the 1 % band's 56,430.00.
	account.Positions[0].OpenAsks = 0
	st = AccountState{}
	d, legs, err = RunUnifiedPipeline(book, account, 0, &policy, &st, nil, 0, 0, 1)
	if err != nil || d.Action != ActionLiquidate || len(legs) != 1 || legs[0].SizeDelta != -63599000 || legs[0].LimitPrice != 5643000 ||
		legs[0].ExpectedCash != 35888915700 || d.Plan.HealthAfter.Equity != 1037435700 || st.BlockNotional != 36251430000 {
		t.Fatalf("decision %+v legs %+v state %+v, %v", d, legs, st, err)
	}
	// Errors as statuses, outputs untouched.
	book.AssetPrices = book.AssetPrices[:1]
	if _, err := UnifiedPoolHealth(book, account, 0, MarginLadderStandard()); !errors.Is(err, Status(StatusMissingPrice)) {
		t.Fatalf("want MISSING_PRICE, got %v", err)
	}
	book, account = readmeUnified()
	account.Balances[0].AssetIndex = 9
	if _, err := UnifiedPoolHealth(book, account, 0, MarginLadderStandard()); !errors.Is(err, Status(StatusUnknownAsset)) {
		t.Fatalf("want UNKNOWN_ASSET, got %v", err)
	}
	book, account = readmeUnified()
	bad := MarginLadderStandard()
	bad.LiquidationPPM = 999999
	if _, err := UnifiedAccountHealth(book, account, bad); !errors.Is(err, Status(StatusInvalidLadder)) {
		t.Fatalf("want INVALID_MARGIN_LADDER, got %v", err)
	}
	account.Positions[0].Margin = 2
	if _, err := UnifiedPoolCount(account.Positions); !errors.Is(err, Status(InvalidEnum)) {
		t.Fatalf("want INVALID_ENUM, got %v", err)
	}
	if _, err := UnifiedPoolHealth(book, account, 1, MarginLadderStandard()); !errors.Is(err, Status(InvalidEnum)) {
		t.Fatalf("want INVALID_ENUM, got %v", err)
	}
}

// runUnified runs a unified case of the table (format in gen_cases.py).
func runUnified(k *tokens, pool *Pool) (string, error) {
	rows := func(tag string, width int) [][]int64 {
		k.expect(tag)
		n := int(k.int())
		out := make([][]int64, n)
		for i := range out {
			out[i] = make([]int64, width)
			for j := range out[i] {
				out[i][j] = k.int()
			}
		}
		return out
	}
	book := &Book{Markets: pool.Markets, Prices: pool.Prices}
	for _, r := range rows("F", 1) {
		book.FundingIndexes = append(book.FundingIndexes, r[0])
	}
	for _, r := range rows("R", 3) {
		book.PerpRisk = append(book.PerpRisk, PerpRisk{IMFFactorPPM: uint32(r[0]), InitialUpnlWeightPPM: uint32(r[1]), IMFUnit: r[2]})
	}
	for _, r := range rows("X", 8) {
		book.Assets = append(book.Assets, Asset{ID: uint32(r[0]), QuoteExponent: int32(r[1]), InitialAssetWeightPPM: uint32(r[2]),
			MaintenanceAssetWeightPPM: uint32(r[3]), InitialLiabilityWeightPPM: uint32(r[4]), MaintenanceLiabilityWeightPPM: uint32(r[5]),
			IMFFactorPPM: uint32(r[6]), IMFUnit: r[7]})
	}
	for _, r := range rows("Q", 1) {
		book.AssetPrices = append(book.AssetPrices, r[0])
	}
	account := &UnifiedAccount{}
	for _, r := range rows("B", 2) {
		account.Balances = append(account.Balances, AssetBalance{AssetIndex: uint32(r[0]), Amount: r[1]})
	}
	for _, r := range rows("U", 7) {
		account.Positions = append(account.Positions, PerpPosition{MarketIndex: uint32(r[0]), Margin: uint32(r[1]), Size: r[2], QuoteBalance: r[3],
			LastFundingIndex: r[4], OpenBids: r[5], OpenAsks: r[6]})
	}
	poolIndex, what, legsLen := uint32(k.int()), k.int(), int(k.int())
	k.expect("L")
	ladder := MarginLadder{WarningPPM: uint32(k.int()), ReduceOnlyPPM: uint32(k.int()), LiquidationPPM: uint32(k.int()), BackstopPPM: uint32(k.int())}
	if what == 12 {
		return runUnifiedScan(k, book, account, ladder)
	}
	if what >= 8 {
		return runLending(k, what, book, account)
	}
	if what >= 3 {
		return runLegs(k, what, book, account, poolIndex, legsLen, ladder)
	}
	level := func(l LevelFigures) string { return fmt.Sprintf("%d %d", l.Collateral, l.Requirement) }
	if what == 0 || what == 1 {
		var h UnifiedHealth
		var err error
		if what == 0 {
			h, err = UnifiedPoolHealth(book, account, poolIndex, ladder)
		} else {
			h, err = UnifiedAccountHealth(book, account, ladder)
		}
		if err != nil {
			return "", err
		}
		pools, err := UnifiedPoolCount(account.Positions)
		if err != nil {
			k.t.Fatal(err)
		}
		return fmt.Sprintf("%d %d %s %s %s %d %d %d", pools, h.Equity, level(h.Initial), level(h.LiquidationEnd), level(h.Maintenance),
			h.MarginRatioPPM, h.State, h.Rung), nil
	}
	policy := PolicyDefault()
	d, legs, err := RunUnifiedPipeline(book, account, poolIndex, &policy, &AccountState{}, nil, 0, 0, legsLen)
	if err != nil {
		return "", err
	}
	p := d.Plan
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d %d %d %s %s %d %d", d.Action, d.Reason, p.Status, p.LegCount, health(p.HealthBefore), health(p.HealthAfter),
		p.RequiredEquityAfter, p.Shortfall)
	for _, l := range legs {
		fmt.Fprintf(&b, " | %d %d %d %d %d", l.PositionIndex, l.SizeDelta, l.LimitPrice, l.ExpectedCash, l.ExpectedFee)
	}
	return b.String(), nil
}

// The validators: both ladders pass, a liquidation threshold below 100 % or
// thresholds out of order is INVALID_MARGIN_LADDER (206); risk extras with
// a unit of 0 are INVALID_IMF_UNIT (203), a uPnL weight above 100 %
// FRACTION_ABOVE_100_PERCENT (16); NULL is NULL_POINTER.
func TestValidateLadderAndPerpRisk(t *testing.T) {
	for _, l := range []MarginLadder{MarginLadderStandard(), MarginLadderBinancePortfolioMargin()} {
		if err := ValidateMarginLadder(&l); err != nil {
			t.Fatalf("%+v: %v", l, err)
		}
	}
	bpm := MarginLadderBinancePortfolioMargin()
	low := bpm
	low.LiquidationPPM = 999_999
	swapped := bpm
	swapped.WarningPPM, swapped.ReduceOnlyPPM = bpm.ReduceOnlyPPM, bpm.WarningPPM
	for _, l := range []MarginLadder{low, swapped} {
		if err := ValidateMarginLadder(&l); !errors.Is(err, Status(206)) {
			t.Fatalf("%+v: %v", l, err)
		}
	}
	if err := ValidateMarginLadder(nil); !errors.Is(err, StatusNullPointer) {
		t.Fatalf("NULL ladder: %v", err)
	}
	ok := PerpRisk{IMFFactorPPM: 1_000, InitialUpnlWeightPPM: 1_000_000, IMFUnit: 1}
	if err := ValidatePerpRisk(&ok); err != nil {
		t.Fatal(err)
	}
	noUnit, heavy := ok, ok
	noUnit.IMFUnit = 0
	heavy.InitialUpnlWeightPPM = 1_000_001
	if err := ValidatePerpRisk(&noUnit); !errors.Is(err, Status(203)) {
		t.Fatalf("unit 0: %v", err)
	}
	if err := ValidatePerpRisk(&heavy); !errors.Is(err, Status(16)) {
		t.Fatalf("weight above 100 %%: %v", err)
	}
	if err := ValidatePerpRisk(nil); !errors.Is(err, StatusNullPointer) {
		t.Fatalf("NULL risk: %v", err)
	}
}
