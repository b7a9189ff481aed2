package partliq

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// The cross-language table's hot-path cases (format in gen_cases.py).

func readAccounts(k *tokens) []ScanAccount {
	n := int(k.int())
	as := make([]ScanAccount, n)
	for i := range as {
		as[i] = ScanAccount{Collateral: k.int(), FirstPosition: uint32(k.int()), PositionCount: uint32(k.int())}
	}
	return as
}

func runScan(k *tokens, pool *Pool) (string, error) {
	buf, start := int(k.int()), int(k.int())
	accounts := readAccounts(k)
	n := ScannerSize(len(pool.Markets))
	mem := NewTable(n, 16)
	if err := ScannerInit(mem.Ptr(), n, pool); err != nil {
		return "", err
	}
	o, hits, err := ScannerScan(mem.Ptr(), n, pool, accounts, start, buf)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d %d %d %d", o.Count, o.Next, o.ExactChecks, o.End, o.Error)
	for _, h := range hits {
		fmt.Fprintf(&b, " | %d %s", h.AccountIndex, health(h.Health))
	}
	return b.String(), nil
}

func runIndex(k *tokens, pool *Pool) (string, error) {
	market, capacity, price, start, outLen := uint32(k.int()), int(k.int()), k.int(), int(k.int()), int(k.int())
	accounts := readAccounts(k)
	n := IndexSize(capacity)
	mem := NewTable(n, 8)
	if err := IndexInit(mem.Ptr(), n, market, capacity); err != nil {
		return "", err
	}
	var b strings.Builder
	for a := range accounts {
		c, err := IndexInsertAccount(mem.Ptr(), n, uint32(a), accounts, pool)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%d ", c)
	}
	q, es, err := IndexCandidates(mem.Ptr(), n, market, price, start, outLen)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "%d %d %d", q.Count, q.Next, q.Total)
	for _, e := range es {
		fmt.Fprintf(&b, " | %d %d %d", e.Key, e.Account, e.Position)
	}
	return b.String(), nil
}

func runPriority(k *tokens) (string, error) {
	order := uint32(k.int())
	n := int(k.int())
	items := make([]PriorityItem, n)
	idx := make([]uint32, n)
	for i := range items {
		items[i] = PriorityItem{Equity: k.int(), Maintenance: k.int(), Notional: k.int(), OraclePrice: k.int(), FillablePrice: k.int()}
		idx[i] = uint32(i)
	}
	if err := SortByPriority(items, order, idx); err != nil {
		return "", err
	}
	out := make([]string, n)
	for i, v := range idx {
		out[i] = fmt.Sprint(v)
	}
	return strings.Join(out, " "), nil
}

func runDydx(k *tokens) (string, error) {
	var v [15]int64
	for i := range v {
		v[i] = k.int()
	}
	p := DydxPosition{AtomicResolution: int32(v[0]), OpenInterest: v[1],
		Tier:  DydxLiquidityTier{InitialMarginPPM: uint32(v[2]), MaintenanceFractionPPM: uint32(v[3]), OpenInterestLowerCap: uint64(v[4]), OpenInterestUpperCap: uint64(v[5])},
		Price: uint64(v[6]), PriceExponent: int32(v[7]), Quantums: v[8], QuoteBalance: v[9]}
	r, err := DydxSubaccountRisk(v[10], []DydxPosition{p})
	if err != nil {
		return "", err
	}
	cfg := DydxCodeDefault()
	price, err := DydxFillablePrice(&p, &r, v[11], &cfg)
	if err != nil {
		return "", err
	}
	long := uint32(0)
	if v[8] > 0 {
		long = 1
	}
	s, err := DydxFillablePriceToSubticks(&price, long, &DydxClobPair{uint64(v[12]), uint32(v[13]), int32(v[14])})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d %d %d %d %d %d %d %d", r.MMR, r.IMR, r.NC, price.Num.Hi, price.Num.Lo, price.Den.Hi, price.Den.Lo, s), nil
}

// planWords is a plan as the table prints it, each leg after sep.
func planWords(p Plan, legs []PlanLeg, sep string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d %s %s %d %d %d", p.Status, p.LegCount, health(p.HealthBefore), health(p.HealthAfter), p.RequiredEquityAfter, p.Shortfall,
		p.DustClosed)
	for _, l := range legs {
		fmt.Fprintf(&b, "%s%d %d %d %d %d", sep, l.PositionIndex, l.SizeDelta, l.LimitPrice, l.ExpectedCash, l.ExpectedFee)
	}
	return b.String()
}

func readBatchAccounts(k *tokens) []BatchAccount {
	n := int(k.int())
	as := make([]BatchAccount, n)
	for i := range as {
		as[i] = BatchAccount{Collateral: k.int(), FirstPosition: uint32(k.int()), PositionCount: uint32(k.int())}
	}
	return as
}

// batchLine joins the accounts' parts: each its status, then its figures when OK.
func batchLine(errs []error, figures func(i int) string) (string, error) {
	parts := make([]string, len(errs))
	for i, e := range errs {
		if e == nil {
			parts[i] = "0 " + figures(i)
			continue
		}
		var st Status
		if !errors.As(e, &st) {
			return "", e
		}
		parts[i] = fmt.Sprint(uint32(st))
	}
	return strings.Join(parts, " | "), nil
}

func runHealthBatch(k *tokens, pool *Pool) (string, error) {
	accounts := readBatchAccounts(k)
	hs, errs, err := PoolHealthBatch(pool.Markets, pool.Prices, accounts, pool.Positions)
	if err != nil {
		return "", err
	}
	return batchLine(errs, func(i int) string { return health(hs[i]) })
}

func runPlanBatch(k *tokens, pool *Pool) (string, error) {
	params := PlanParams{Target: Target{Kind: uint32(k.int()), BufferPPM: uint32(k.int())}, PriceBandPPM: uint32(k.int()), Order: uint32(k.int())}
	per := int(k.int())
	accounts := readBatchAccounts(k)
	plans, legs, errs, err := PlanLiquidationBatch(pool.Markets, pool.Prices, accounts, pool.Positions, params, per)
	if err != nil {
		return "", err
	}
	return batchLine(errs, func(i int) string { return planWords(plans[i], legs[i], " / ") })
}

func runDydxBatch(k *tokens) (string, error) {
	ps := make([]BatchDydxPosition, int(k.int()))
	for i := range ps {
		ps[i] = BatchDydxPosition{AtomicResolution: int32(k.int()), OpenInterest: k.int(), InitialMarginPPM: uint32(k.int()),
			MaintenanceFractionPPM: uint32(k.int()), OpenInterestLowerCap: uint64(k.int()), OpenInterestUpperCap: uint64(k.int()),
			Price: uint64(k.int()), PriceExponent: int32(k.int()), Quantums: k.int(), QuoteBalance: k.int()}
	}
	accounts := readBatchAccounts(k)
	risk, errs, err := DydxSubaccountRiskBatch(accounts, ps)
	if err != nil {
		return "", err
	}
	return batchLine(errs, func(i int) string {
		r := risk[i]
		return fmt.Sprintf("%d %d %d %d", r.MMR, r.IMR, r.NC, r.Liquidatable)
	})
}

// runUnifiedScan is a unified case's `what` 12: the scan over the flat
// balances and positions of account.
func runUnifiedScan(k *tokens, book *Book, flat *UnifiedAccount, ladder MarginLadder) (string, error) {
	k.expect("A")
	accounts := make([]UnifiedScanAccount, int(k.int()))
	for i := range accounts {
		accounts[i] = UnifiedScanAccount{FirstBalance: uint32(k.int()), BalanceCount: uint32(k.int()), FirstPosition: uint32(k.int()),
			PositionCount: uint32(k.int())}
	}
	k.expect("S")
	sa, sp, hitsLen := uint64(k.int()), uint64(k.int()), int(k.int())
	o, hits, err := UnifiedScan(book, flat, accounts, sa, sp, ladder, hitsLen)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d %d %d %d %d %d %d", o.Count, o.NextAccount, o.NextPool, o.ResumeAccount, o.ResumePool, o.ExactChecks, o.End, o.Error)
	for _, h := range hits {
		fmt.Fprintf(&b, " | %d %d %s", h.AccountIndex, h.PoolIndex, uhealth(h.Health))
	}
	return b.String(), nil
}

// words is an I128 as the table prints it: hi (signed) and lo (unsigned).
func words(v I128) string {
	return fmt.Sprintf("%d %d", v.Hi, v.Lo)
}

func i128Of(v int64) I128 {
	hi := int64(0)
	if v < 0 {
		hi = -1
	}
	return I128{Hi: hi, Lo: uint64(v)}
}

// rayPlus is 10²⁷ + 10⁹ × v (v ≥ 0) as ABI words.
func rayPlus(v int64) I128 {
	x := new(big.Int).Exp(big.NewInt(10), big.NewInt(27), nil)
	x.Add(x, new(big.Int).Mul(big.NewInt(v), big.NewInt(1_000_000_000)))
	lo := new(big.Int).And(x, new(big.Int).SetUint64(^uint64(0)))
	return I128{Hi: new(big.Int).Rsh(x, 64).Int64(), Lo: lo.Uint64()}
}

// runAave is an Aave v3 case (format in gen_cases.py).
func runAave(k *tokens) (string, error) {
	n := int(k.int())
	rs := make([]AaveReserve, n)
	us := make([]AaveUserReserve, n)
	for i := range rs {
		rs[i] = AaveReserve{Price: i128Of(k.int()), Decimals: uint32(k.int()), LiquidationThreshold: uint32(k.int()),
			LiquidationBonus: uint32(k.int()), LiquidationProtocolFee: uint32(k.int()), LiquidityIndex: rayPlus(k.int()),
			VariableBorrowIndex: rayPlus(k.int())}
		us[i] = AaveUserReserve{ScaledCollateral: i128Of(k.int()), ScaledDebt: i128Of(k.int()), UseAsCollateral: uint32(k.int())}
	}
	call := AaveCall{CollateralIndex: uint32(k.int()), DebtIndex: uint32(k.int()), DebtToCover: i128Of(k.int()), ReceiveAToken: uint32(k.int())}
	a, err := AaveAccountData(rs, us)
	if err != nil {
		return "", err
	}
	cf, err := AaveCloseFactor(rs, us, call.CollateralIndex, call.DebtIndex)
	if err != nil {
		return "", err
	}
	col := &rs[call.CollateralIndex]
	q, err := AaveCollateralForDebt(col, &rs[call.DebtIndex], call.DebtToCover, cf.ReserveCollateral, col.LiquidationBonus)
	if err != nil {
		return "", err
	}
	l, after, deficits, err := AaveLiquidationCall(rs, us, &call)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s %s", words(a.TotalCollateralBase), words(a.TotalDebtBase), words(a.AvgLiquidationThreshold), words(a.HealthFactor))
	fmt.Fprintf(&b, " %s %s %s %s %s %d", words(cf.MaxLiquidatableDebt), words(cf.ReserveDebt), words(cf.ReserveDebtBase),
		words(cf.ReserveCollateral), words(cf.ReserveCollateralBase), cf.Rule)
	fmt.Fprintf(&b, " %s %s %s %s %s %d", words(q.CollateralToLiquidator), words(q.DebtRepaid), words(q.ProtocolFee), words(q.BonusCollateral),
		words(q.BaseCollateral), q.CappedByBalance)
	fmt.Fprintf(&b, " %s %s %s %s %d %d", words(l.DebtRepaid), words(l.CollateralToLiquidator), words(l.ProtocolFee), words(l.Deficit), l.Dust,
		l.BadDebtReserves)
	for i := range after {
		fmt.Fprintf(&b, " | %s %s %s", words(after[i].ScaledCollateral), words(after[i].ScaledDebt), words(deficits[i]))
	}
	return b.String(), nil
}

// runDydxMore is a dydxmore case (format in gen_cases.py).
func runDydxMore(k *tokens) (string, error) {
	var v [25]int64
	for i := range v {
		v[i] = k.int()
	}
	ids := make([]uint32, int(k.int()))
	for i := range ids {
		ids[i] = uint32(k.int())
	}
	p := DydxPosition{AtomicResolution: int32(v[0]), OpenInterest: v[1],
		Tier:  DydxLiquidityTier{InitialMarginPPM: uint32(v[2]), MaintenanceFractionPPM: uint32(v[3]), OpenInterestLowerCap: uint64(v[4]), OpenInterestUpperCap: uint64(v[5])},
		Price: uint64(v[6]), PriceExponent: int32(v[7]), Quantums: v[8], QuoteBalance: v[9]}
	cfg := DydxCodeDefault()
	if v[14] == 1 {
		cfg = DydxMainnetGenesis()
	}
	clob := DydxClobPair{uint64(v[15]), uint32(v[16]), int32(v[17])}
	fill := DydxFill{FillAmount: uint64(v[18]), Subticks: uint64(v[19]), IsBuy: uint32(v[20])}
	imf, err := DydxAdjustedInitialMarginPPM(&p.Tier, v[13])
	if err != nil {
		return "", err
	}
	own, err := DydxPositionRisk(&p, uint32(v[11]))
	if err != nil {
		return "", err
	}
	total, err := DydxSubaccountRisk(v[10], []DydxPosition{p})
	if err != nil {
		return "", err
	}
	bankruptcy, err := DydxBankruptcyQuote(&p, &total, v[12])
	if err != nil {
		return "", err
	}
	fund, err := DydxInsuranceFundDelta(&p, &total, &clob, uint32(v[21]), &fill)
	if err != nil {
		return "", err
	}
	lim, err := DydxPositionNotionalLimits(&p, &cfg)
	if err != nil {
		return "", err
	}
	left, err := DydxSubaccountBlockLeft(&cfg, ids, uint64(v[22]), uint64(v[23]), uint32(v[24]))
	if err != nil {
		return "", err
	}
	size, err := DydxLiquidatableSizeDelta(&p, &clob, &cfg, ids, uint64(v[22]), uint64(v[23]))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d %d %d %d %d %d %d %d %d %d %d %d %d %d", imf, own.MMR, own.IMR, own.NC, total.MMR, total.IMR, total.NC, bankruptcy, fund,
		lim.Min, lim.Max, left.Notional, left.InsuranceLost, size), nil
}

// runIndexMaintenance is an ixmaint case (format in gen_cases.py).
func runIndexMaintenance(k *tokens, pool *Pool) (string, error) {
	market, capacity, from, to, start, outLen := uint32(k.int()), int(k.int()), k.int(), k.int(), int(k.int()), int(k.int())
	rekey, delta, remove, hitsLen := uint32(k.int()), k.int(), uint32(k.int()), int(k.int())
	accounts := readAccounts(k)
	n := IndexSize(capacity)
	mem := NewTable(n, 8)
	if err := IndexInit(mem.Ptr(), n, market, capacity); err != nil {
		return "", err
	}
	var b strings.Builder
	for a := range accounts {
		c, err := IndexInsertAccount(mem.Ptr(), n, uint32(a), accounts, pool)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%d ", c)
	}
	if int(rekey) < len(accounts) {
		accounts[rekey].Collateral += delta
	}
	removed, inserted, err := IndexRekeyAccount(mem.Ptr(), n, rekey, accounts, pool)
	if err != nil {
		return "", err
	}
	gone, err := IndexRemoveAccount(mem.Ptr(), n, remove)
	if err != nil {
		return "", err
	}
	info, err := IndexInfo(mem.Ptr(), n)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "%d %d %d %d %d", removed, inserted, gone, info.Longs, info.Shorts)
	q, es, err := IndexCrossed(mem.Ptr(), n, market, from, to, start, outLen)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, " %d %d %d", q.Count, q.Next, q.Total)
	for _, e := range es {
		fmt.Fprintf(&b, " | %d %d %d", e.Key, e.Account, e.Position)
	}
	sn := ScannerSize(len(pool.Markets))
	smem := NewTable(sn, 16)
	if err := ScannerInit(smem.Ptr(), sn, pool); err != nil {
		return "", err
	}
	o, hits, err := ScannerConfirm(smem.Ptr(), sn, pool, es, accounts, 0, hitsLen)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, " ; %d %d %d %d %d", o.Count, o.Next, o.ExactChecks, o.End, o.Error)
	for _, h := range hits {
		fmt.Fprintf(&b, " | %d %s", h.AccountIndex, health(h.Health))
	}
	return b.String(), nil
}
