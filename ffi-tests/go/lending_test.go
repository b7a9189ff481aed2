package partliq

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"unsafe"
)

// Offsets of the lending structs, as ffi/src/unified/lending.rs pins them
// (sizes are checked at compile time in lending.go).
func TestLendingLayout(t *testing.T) {
	var tm LendingTerms
	var h LendingAccountHealth
	var f AssetFlow
	var l LendingLiquidation
	offsets := []struct {
		name      string
		got, want uintptr
	}{
		{"lending_terms.collateral_enabled", unsafe.Offsetof(tm.CollateralEnabled), 12},
		{"lending_terms.base_exponent", unsafe.Offsetof(tm.BaseExponent), 16},
		{"lending_account_health.liquidatable", unsafe.Offsetof(h.Liquidatable), 48},
		{"asset_flow.deficit_lo", unsafe.Offsetof(f.DeficitLo), 64},
		{"lending_liquidation.after", unsafe.Offsetof(l.After), 64},
		{"lending_liquidation.close_factor_rule", unsafe.Offsetof(l.CloseFactorRule), 216},
		{"lending_liquidation.flow_count", unsafe.Offsetof(l.FlowCount), 224},
	}
	for _, o := range offsets {
		if o.got != o.want {
			t.Errorf("offset of %s: %d, want %d", o.name, o.got, o.want)
		}
	}
	if unsafe.Sizeof(tm) != 20 || unsafe.Sizeof(h) != 56 || unsafe.Sizeof(f) != 72 || unsafe.Sizeof(l) != 232 {
		t.Fatal("sizes")
	}
}

// Aave's testnet terms: 8,600 / 10,500 / 1,000 bps.
var testnetTerms = LendingTerms{LiquidationThresholdPPM: 860000, LiquidationBonusPPM: 1050000, ProtocolFeePPM: 100000, CollateralEnabled: 1}

func parAsset(e int32) Asset {
	return Asset{QuoteExponent: e, InitialAssetWeightPPM: 1000000, MaintenanceAssetWeightPPM: 1000000, InitialLiabilityWeightPPM: 1000000,
		MaintenanceLiabilityWeightPPM: 1000000, IMFUnit: 1}
}

// wantWide fails unless hi × 2⁶⁴ + lo is want.
func wantWide(t *testing.T, name string, hi int64, lo uint64, want int64) {
	t.Helper()
	if Wide(hi, lo).Int64() != want || !Wide(hi, lo).IsInt64() {
		t.Errorf("%s = %s, want %d", name, Wide(hi, lo), want)
	}
}

// Aave's test_partial_liquidate_variable_borrow: USDX (6 decimals) at $1,
// WBTC (8 decimals) at $20,250 (quote unit 10⁻⁸ USD: e = −d, price P);
// 20,500 USDX borrowed, 1 WBTC supplied; the liquidator covers 106 USDX.
func TestLendingWbtcUsdx(t *testing.T) {
	book := &Book{Assets: []Asset{parAsset(-6), parAsset(-8)}, AssetPrices: []int64{1e8, 20250e8}}
	account := &UnifiedAccount{Balances: []AssetBalance{{AssetIndex: 0, Amount: -20500e6}, {AssetIndex: 1, Amount: 1e8}}}
	terms := []LendingTerms{testnetTerms, testnetTerms}
	h, err := LendingHealth(book, account, terms)
	if err != nil {
		t.Fatal(err)
	}
	// collateral 1e8 × 20,250e8 / 1e8 = 2.025e12 base units, debt 2.05e12;
	// HF = wadDiv(2.025e12 × 8,600, 2.05e12) / 1e4.
	wantWide(t, "collateral", h.TotalCollateralBaseHi, h.TotalCollateralBaseLo, 2025000000000)
	wantWide(t, "debt", h.TotalDebtBaseHi, h.TotalDebtBaseLo, 2050000000000)
	wantWide(t, "health factor", h.HealthFactorHi, h.HealthFactorLo, 849512195121951219)
	if h.Liquidatable != 1 {
		t.Fatal("liquidatable")
	}
	l, flows, err := PlanLendingLiquidation(book, account, terms, 1, 0, 106e6, MaxLendingFlows)
	if err != nil {
		t.Fatal(err)
	}
	// base = 1e8 × 106e6 × 1e8 / (20,250e8 × 1e6) → 523,456 sat; seized
	// ⌊523,456 × 1.05⌋ = 549,628; fee ⌈(549,628 − 523,455) × 10 %⌉ = 2,618.
	wantWide(t, "debt repaid", l.DebtRepaidHi, l.DebtRepaidLo, 106000000)
	wantWide(t, "seized", l.CollateralSeizedHi, l.CollateralSeizedLo, 549628)
	wantWide(t, "to liquidator", l.CollateralToLiquidatorHi, l.CollateralToLiquidatorLo, 547010)
	wantWide(t, "protocol fee", l.ProtocolFeeHi, l.ProtocolFeeLo, 2618)
	wantWide(t, "HF after", l.After.HealthFactorHi, l.After.HealthFactorLo, 849234200441306266)
	if l.Before != h || l.CloseFactorRule != CloseFactorHealthFactorAtOrBelow || l.Dust != DustLeftoversAboveMinimum || len(flows) != 2 {
		t.Fatalf("liquidation %+v, flows %d", l, len(flows))
	}
	wantWide(t, "usdx account", flows[0].AccountHi, flows[0].AccountLo, 106000000)
	wantWide(t, "usdx liquidator", flows[0].LiquidatorHi, flows[0].LiquidatorLo, -106000000)
	wantWide(t, "wbtc account", flows[1].AccountHi, flows[1].AccountLo, -549628)
	wantWide(t, "wbtc liquidator", flows[1].LiquidatorHi, flows[1].LiquidatorLo, 547010)
	wantWide(t, "wbtc protocol", flows[1].ProtocolHi, flows[1].ProtocolLo, 2618)

	// Too small a buffer, too few terms, a healthy account.
	if _, _, err := PlanLendingLiquidation(book, account, terms, 1, 0, 106e6, 1); !errors.Is(err, Status(StatusBufferTooSmall)) {
		t.Fatalf("buffer: %v", err)
	}
	if _, err := LendingHealth(book, account, terms[:1]); !errors.Is(err, Status(StatusLendingTermsTooShort)) {
		t.Fatalf("terms: %v", err)
	}
	healthy := &UnifiedAccount{Balances: []AssetBalance{{AssetIndex: 0, Amount: -1000e6}, {AssetIndex: 1, Amount: 1e8}}}
	if _, _, err := PlanLendingLiquidation(book, healthy, terms, 1, 0, 1, 2); !errors.Is(err, Status(StatusNotLiquidatable)) {
		t.Fatalf("healthy: %v", err)
	}
}

// Two $1 assets of 8 decimals (LT 80 %): $1,000 of collateral against
// $2,000 of debt. All the collateral is seized for ⌈1,000e8 / 1.05⌉ =
// 95,238,095,239 of debt; the rest, 104,761,904,761, is written off.
func TestLendingDeficit(t *testing.T) {
	book := &Book{Assets: []Asset{parAsset(0), parAsset(0)}, AssetPrices: []int64{1, 1}}
	account := &UnifiedAccount{Balances: []AssetBalance{{AssetIndex: 0, Amount: 1000e8}, {AssetIndex: 1, Amount: -2000e8}}}
	tm := testnetTerms
	tm.LiquidationThresholdPPM = 800000
	l, flows, err := PlanLendingLiquidation(book, account, []LendingTerms{tm, tm}, 0, 1, math.MaxInt64, 2)
	if err != nil {
		t.Fatal(err)
	}
	wantWide(t, "debt repaid", l.DebtRepaidHi, l.DebtRepaidLo, 95238095239)
	wantWide(t, "deficit", l.DeficitBaseHi, l.DeficitBaseLo, 104761904761)
	wantWide(t, "debt flow deficit", flows[1].DeficitHi, flows[1].DeficitLo, -104761904761)
	if l.After.HealthFactorHi != math.MaxInt64 || l.After.HealthFactorLo != math.MaxUint64 || l.Dust != DustAllCollateralSeized {
		t.Fatalf("after %+v", l.After)
	}
}

// Two $1 assets of 8 decimals (one unit one base unit), LT 80 %, bonus
// 105 %, fee 10 %: $20,000 against $17,000, HF = 0.8 × 20,000 / 17,000 =
// 0.941. Repaying r restores once 16,000 − 1.05 × 0.8 r ≥ 17,000 − r,
// r ≥ 1,000 / 0.16 = $6,250; in units x = 6,250e8 − j restores while
// ⌈1.05 j⌉ ≥ 1.25 j, j ≤ 4: 624,999,999,996 leaves HF exactly 1.0. The
// rounding window is 22 units: 21 scanned prove it least, 20 do not.
func TestLeastDebtToCover(t *testing.T) {
	lt80 := testnetTerms
	lt80.LiquidationThresholdPPM = 800000
	terms := []LendingTerms{lt80, lt80}
	book := &Book{Assets: []Asset{parAsset(0), parAsset(0)}, AssetPrices: []int64{1, 1}}
	account := &UnifiedAccount{Balances: []AssetBalance{{AssetIndex: 0, Amount: 20000e8}, {AssetIndex: 1, Amount: -17000e8}}}
	q, err := LeastDebtToCover(book, account, terms, 0, 1, 21)
	if err != nil || q.Restores != 1 || q.Exact != 1 {
		t.Fatalf("least %+v, %v", q, err)
	}
	wantWide(t, "debt_to_cover", q.DebtToCoverHi, q.DebtToCoverLo, 625000000000-4)
	wantWide(t, "max_liquidatable_debt", q.MaxLiquidatableDebtHi, q.MaxLiquidatableDebtLo, 1700000000000)
	wantWide(t, "health_factor_after", q.HealthFactorAfterHi, q.HealthFactorAfterLo, 1000000000000000000)
	if q, err = LeastDebtToCover(book, account, terms, 0, 1, 20); err != nil || q.Exact != 0 || q.DebtToCoverLo != 625000000000-4 {
		t.Fatalf("least with a short scan %+v, %v", q, err)
	}
	// One unit less leaves HF below 1.
	l, _, err := PlanLendingLiquidation(book, account, terms, 0, 1, 625000000000-5, MaxLendingFlows)
	if err != nil || l.After.Liquidatable != 1 || l.After.HealthFactorHi != 0 || l.After.HealthFactorLo >= 1000000000000000000 {
		t.Fatalf("one less %+v, %v", l.After, err)
	}
	// Too few terms; a healthy account has nothing to cover.
	if _, err := LeastDebtToCover(book, account, terms[:1], 0, 1, 21); !errors.Is(err, Status(StatusLendingTermsTooShort)) {
		t.Fatalf("want LENDING_TERMS_TOO_SHORT, got %v", err)
	}
	healthy := &UnifiedAccount{Balances: []AssetBalance{{AssetIndex: 0, Amount: 20000e8}, {AssetIndex: 1, Amount: -1000e8}}}
	if _, err := LeastDebtToCover(book, healthy, terms, 0, 1, 21); !errors.Is(err, Status(StatusNotLiquidatable)) {
		t.Fatalf("want NOT_LIQUIDATABLE, got %v", err)
	}
	// The terms checked alone: 10,500.01 bps is not a whole number of bps.
	if err := LendingTermsValidate(testnetTerms); err != nil {
		t.Fatal(err)
	}
	bad := testnetTerms
	bad.CollateralEnabled = 2
	if err := LendingTermsValidate(bad); !errors.Is(err, StatusInvalidEnum) {
		t.Fatalf("want INVALID_ENUM, got %v", err)
	}
	bad = testnetTerms
	bad.LiquidationBonusPPM = 1050001
	if err := LendingTermsValidate(bad); !errors.Is(err, Status(StatusLendingTermNotWholeBps)) {
		t.Fatalf("want LENDING_TERM_NOT_WHOLE_BPS, got %v", err)
	}
}

// wide is the two words of a 128-bit figure as the table prints them.
func wide(hi int64, lo uint64) string {
	return fmt.Sprintf("%d %d", hi, lo)
}

func lendingHealthString(h LendingAccountHealth) string {
	return fmt.Sprintf("%s %s %s %d", wide(h.TotalCollateralBaseHi, h.TotalCollateralBaseLo), wide(h.TotalDebtBaseHi, h.TotalDebtBaseLo),
		wide(h.HealthFactorHi, h.HealthFactorLo), h.Liquidatable)
}

// runLending runs a lending case (what 8 to 11, format in gen_cases.py).
func runLending(k *tokens, what int64, book *Book, account *UnifiedAccount) (string, error) {
	k.expect("H")
	var terms []LendingTerms
	for i, n := 0, k.int(); i < int(n); i++ {
		terms = append(terms, LendingTerms{LiquidationThresholdPPM: uint32(k.int()), LiquidationBonusPPM: uint32(k.int()),
			ProtocolFeePPM: uint32(k.int()), CollateralEnabled: uint8(k.int()), BaseExponent: int32(k.int())})
	}
	if what == 11 {
		return "", LendingTermsValidate(terms[0])
	}
	if what == 8 {
		h, err := LendingHealth(book, account, terms)
		if err != nil {
			return "", err
		}
		return lendingHealthString(h), nil
	}
	k.expect("Z")
	collateral, debt, amount := uint32(k.int()), uint32(k.int()), k.int()
	if what == 10 {
		q, err := LeastDebtToCover(book, account, terms, collateral, debt, uint32(amount))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s %s %s %d %d", wide(q.DebtToCoverHi, q.DebtToCoverLo), wide(q.MaxLiquidatableDebtHi, q.MaxLiquidatableDebtLo),
			wide(q.HealthFactorAfterHi, q.HealthFactorAfterLo), q.Restores, q.Exact), nil
	}
	l, flows, err := PlanLendingLiquidation(book, account, terms, collateral, debt, amount, MaxLendingFlows)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d %s %s %s %s %s %s %s %s %d %d %d", l.CollateralAsset, l.DebtAsset, lendingHealthString(l.Before),
		lendingHealthString(l.After), wide(l.MaxLiquidatableDebtHi, l.MaxLiquidatableDebtLo), wide(l.DebtRepaidHi, l.DebtRepaidLo),
		wide(l.CollateralSeizedHi, l.CollateralSeizedLo), wide(l.CollateralToLiquidatorHi, l.CollateralToLiquidatorLo),
		wide(l.ProtocolFeeHi, l.ProtocolFeeLo), wide(l.DeficitBaseHi, l.DeficitBaseLo), l.CloseFactorRule, l.Dust, l.FlowCount)
	for _, f := range flows {
		fmt.Fprintf(&b, " | %d %s %s %s %s", f.AssetIndex, wide(f.AccountHi, f.AccountLo), wide(f.LiquidatorHi, f.LiquidatorLo),
			wide(f.ProtocolHi, f.ProtocolLo), wide(f.DeficitHi, f.DeficitLo))
	}
	return b.String(), nil
}
