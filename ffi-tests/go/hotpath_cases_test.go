package partliq

import (
	"fmt"
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
