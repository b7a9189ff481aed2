// Package dydxbench compares partliq's dYdX v4 margin (its C ABI, through
// cgo) with an exact arbitrary-precision implementation written the way
// dYdX v4's chain writes it: Go's math/big (big.Int and big.Rat), notional
// as base × price × 10^(price exponent + atomic resolution + 6) in a
// big.Rat truncated toward zero, the initial requirement
// ⌈notional × IMF(open interest)⌉, the maintenance requirement rounded up
// twice, ⌈⌈notional × IMF⌉ × MF⌉, and a subaccount's net collateral
// USDC + Σ (notional + quote balance).
//
// The Go here is this repository's own; the formulas are dYdX v4's
// (protocol/lib/quantums.go, protocol/lib/big_math.go,
// protocol/x/perpetuals/lib, protocol/x/perpetuals/types/liquidity_tier.go,
// protocol/lib/margin). Run with benches/go/run.sh.
package dydxbench

import "math/big"

// quoteAtomicResolution is USDC's: a quote quantum is 10^-6 USDC.
const quoteAtomicResolution = -6

var oneMillion = big.NewInt(1_000_000)

// Perpetual is a dYdX perpetual with its liquidity tier.
type Perpetual struct {
	ID                 uint32
	AtomicResolution   int32
	OpenInterest       *big.Int
	InitialMarginPpm   uint32
	MaintenanceFracPpm uint32
	OILowerCap         uint64
	OIUpperCap         uint64
}

// Position is a perpetual position with its oracle price.
type Position struct {
	Perp          *Perpetual
	Price         uint64
	PriceExponent int32
	Quantums      *big.Int
	QuoteBalance  *big.Int
}

// Risk is margin.Risk: maintenance, initial requirement, net collateral.
type Risk struct {
	MMR, IMR, NC *big.Int
}

// pow10 holds 10^0 … 10^99, computed once (dYdX memoises its powers of
// ten the same way), so the comparison times the arithmetic, not Exp.
var pow10 = func() []*big.Int {
	t := make([]*big.Int, 100)
	t[0] = big.NewInt(1)
	for i := 1; i < len(t); i++ {
		t[i] = new(big.Int).Mul(t[i-1], big.NewInt(10))
	}
	return t
}()

// ratPow10 is 10^e as a big.Rat (e of either sign).
func ratPow10(e int32) *big.Rat {
	if e >= 0 {
		return new(big.Rat).SetInt(pow10[e])
	}
	return new(big.Rat).SetFrac(big.NewInt(1), pow10[-e])
}

// BaseToQuote is base × price × 10^(pe + ar + 6) as a big.Rat, truncated
// toward zero.
func BaseToQuote(base *big.Int, atomicResolution int32, price uint64, priceExponent int32) *big.Int {
	r := new(big.Rat).SetUint64(price)
	r.Mul(r, new(big.Rat).SetInt(base))
	r.Mul(r, ratPow10(priceExponent+atomicResolution-quoteAtomicResolution))
	return new(big.Int).Quo(r.Num(), r.Denom())
}

// ratRound rounds a big.Rat up or down (toward −∞).
func ratRound(r *big.Rat, up bool) *big.Int {
	q, m := new(big.Int).DivMod(r.Num(), r.Denom(), new(big.Int)) // Euclidean: denominator > 0, so floor
	if up && m.Sign() != 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// mulPpm is val × ppm / 10^6 rounded up or down, in big.Int.
func mulPpm(val *big.Int, ppm uint32, up bool) *big.Int {
	p := new(big.Int).Mul(val, new(big.Int).SetUint64(uint64(ppm)))
	q, m := new(big.Int).DivMod(p, oneMillion, new(big.Int))
	if up && m.Sign() != 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// adjustedIMF is the initial margin fraction at an open-interest notional.
func (p *Perpetual) adjustedIMF(oi *big.Int) *big.Rat {
	base := new(big.Rat).SetFrac(new(big.Int).SetUint64(uint64(p.InitialMarginPpm)), oneMillion)
	upper := new(big.Int).SetUint64(p.OIUpperCap)
	lower := new(big.Int).SetUint64(p.OILowerCap)
	if p.OIUpperCap == 0 || oi.Cmp(lower) <= 0 {
		return base
	}
	if oi.Cmp(upper) >= 0 {
		return big.NewRat(1, 1)
	}
	// IMF + ⌊(1e6 − IMF) × (OI − lower) / (upper − lower)⌋, in ppm.
	scale := new(big.Int).Sub(oneMillion, new(big.Int).SetUint64(uint64(p.InitialMarginPpm)))
	num := new(big.Int).Mul(scale, new(big.Int).Sub(oi, lower))
	inc := new(big.Int).Div(num, new(big.Int).Sub(upper, lower))
	inc.Add(inc, new(big.Int).SetUint64(uint64(p.InitialMarginPpm)))
	return new(big.Rat).SetFrac(inc, oneMillion)
}

// initialMargin is ⌈notional × IMF(oi)⌉.
func (p *Perpetual) initialMargin(notional, oi *big.Int) *big.Int {
	r := new(big.Rat).SetInt(notional)
	r.Mul(r, p.adjustedIMF(oi))
	return ratRound(r, true)
}

// MarginRequirements is (IMR, MMR) of a position of `quantums`.
func (p *Perpetual) MarginRequirements(quantums *big.Int, price uint64, pe int32) (*big.Int, *big.Int) {
	abs := new(big.Int).Abs(quantums)
	notional := BaseToQuote(abs, p.AtomicResolution, price, pe)
	oi := BaseToQuote(p.OpenInterest, p.AtomicResolution, price, pe)
	imr := p.initialMargin(notional, oi)
	mmr := mulPpm(p.initialMargin(notional, new(big.Int)), p.MaintenanceFracPpm, true)
	return imr, mmr
}

// Risk is the position's net collateral and margin.
func (pos *Position) Risk() Risk {
	nc := BaseToQuote(pos.Quantums, pos.Perp.AtomicResolution, pos.Price, pos.PriceExponent)
	nc.Add(nc, pos.QuoteBalance)
	imr, mmr := pos.Perp.MarginRequirements(pos.Quantums, pos.Price, pos.PriceExponent)
	return Risk{MMR: mmr, IMR: imr, NC: nc}
}

// SubaccountRisk sums the positions' risk onto the USDC balance.
func SubaccountRisk(usdc *big.Int, ps []Position) Risk {
	t := Risk{MMR: new(big.Int), IMR: new(big.Int), NC: new(big.Int).Set(usdc)}
	for i := range ps {
		r := ps[i].Risk()
		t.MMR.Add(t.MMR, r.MMR)
		t.IMR.Add(t.IMR, r.IMR)
		t.NC.Add(t.NC, r.NC)
	}
	return t
}

// IsLiquidatable is MMR > 0 && NC < MMR.
func (r Risk) IsLiquidatable() bool {
	return r.MMR.Sign() > 0 && r.NC.Cmp(r.MMR) < 0
}
