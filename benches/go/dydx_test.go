package dydxbench

import (
	"fmt"
	"math/big"
	"math/rand"
	"os"
	"runtime"
	"testing"
)

// A BTC-like perpetual i of a subaccount: atomic resolution −10, price
// exponent −5, mark 57,000 + 10·i USDC, IMF 5 %, MF 60 %, open interest
// 300 BTC (17.1M USDC, below the 25M lower cap: base IMF).
func perp(i int) *Perpetual {
	return &Perpetual{ID: uint32(i), AtomicResolution: -10, OpenInterest: big.NewInt(3_000_000_000_000),
		InitialMarginPpm: 50_000, MaintenanceFracPpm: 600_000, OILowerCap: 25_000_000_000_000, OIUpperCap: 50_000_000_000_000}
}

// subaccount is n positions, alternately long and short, 0.1·(i+1) BTC
// entered at 56,000 USDC, and 200,000 USDC.
func subaccount(n int) (*big.Int, []Position) {
	ps := make([]Position, n)
	for i := range ps {
		q := int64(1_000_000_000) * int64(i+1)
		if i%2 == 1 {
			q = -q
		}
		// quote balance −q × 56,000 × 10^-10 × 10^6 = −q × 5.6, exact for q a multiple of 10.
		ps[i] = Position{Perp: perp(i), Price: 5_700_000_000 + 1_000_000*uint64(i), PriceExponent: -5,
			Quantums: big.NewInt(q), QuoteBalance: big.NewInt(-q / 10 * 56)}
	}
	return big.NewInt(200_000_000_000), ps
}

func cSubaccount(usdc *big.Int, ps []Position) ([]cAccount, []cDydxPos) {
	cps := make([]cDydxPos, len(ps))
	for i := range ps {
		cps[i] = cPositionOf(&ps[i])
	}
	return []cAccount{{collateral: C64(usdc.Int64()), first_position: 0, position_count: U32(len(ps))}}, cps
}

func TestSameRisk(t *testing.T) {
	for _, n := range []int{1, 4, 16} {
		usdc, ps := subaccount(n)
		want := SubaccountRisk(usdc, ps)
		accts, cps := cSubaccount(usdc, ps)
		out := make([]cDydxRisk, 1)
		st := make([]cStatus, 1)
		if s := dydxBatch(accts, cps, out, st); s != 0 || st[0] != 0 {
			t.Fatalf("status %d / %d", s, st[0])
		}
		got := toBig(out[0])
		if got.MMR.Cmp(want.MMR) != 0 || got.IMR.Cmp(want.IMR) != 0 || got.NC.Cmp(want.NC) != 0 || (out[0].liquidatable == 1) != want.IsLiquidatable() {
			t.Fatalf("n=%d: partliq %v/%v/%v, big %v/%v/%v", n, got.MMR, got.IMR, got.NC, want.MMR, want.IMR, want.NC)
		}
	}
	// Also across prices: a liquidatable subaccount (mark 10 % lower, little USDC).
	usdc, ps := subaccount(16)
	for i := range ps {
		ps[i].Price = ps[i].Price * 9 / 10
	}
	usdc = big.NewInt(-1_000_000_000)
	want := SubaccountRisk(usdc, ps)
	accts, cps := cSubaccount(usdc, ps)
	out, st := make([]cDydxRisk, 1), make([]cStatus, 1)
	dydxBatch(accts, cps, out, st)
	got := toBig(out[0])
	if st[0] != 0 || got.MMR.Cmp(want.MMR) != 0 || got.NC.Cmp(want.NC) != 0 || (out[0].liquidatable == 1) != want.IsLiquidatable() {
		t.Fatalf("lower mark: partliq %v/%v, big %v/%v", got.MMR, got.NC, want.MMR, want.NC)
	}
}

// TestSameRiskRandom checks partliq against math/big on 3,000 random
// subaccounts of up to 6 positions (fixed seed): exponents around dYdX's,
// sizes and open interest across int64, caps placed below, inside and
// above the open-interest notional (both of the 64-bit path's open-interest
// outcomes and the interpolating band, which takes the exact path), and
// large positions whose notional needs the exact path.
func TestSameRiskRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	r64 := func(max int64) int64 { return rng.Int63n(max) }
	pick := func(vs ...int64) int64 { return vs[rng.Intn(len(vs))] }
	checked := 0
	for c := 0; c < 3000; c++ {
		n := rng.Intn(7)
		ps := make([]Position, n)
		for i := range ps {
			ar := int32(-4 - rng.Intn(9))
			pe := int32(-3 - rng.Intn(8))
			price := uint64(1 + r64(pick(1_000, 1_000_000_000, 1_000_000_000_000)))
			oi := r64(pick(1_000, 1_000_000_000_000, 1<<62))
			// The open-interest notional, to place the caps around.
			oin := BaseToQuote(big.NewInt(oi), ar, price, pe)
			caps := []uint64{0, 1, 1 << 62}
			if oin.IsUint64() {
				v := oin.Uint64()
				caps = append(caps, v, v+1, v/2, v*2)
				if v > 0 {
					caps = append(caps, v-1)
				}
			}
			lo, hi := caps[rng.Intn(len(caps))], caps[rng.Intn(len(caps))]
			if lo > hi {
				lo, hi = hi, lo
			}
			if rng.Intn(4) == 0 {
				lo, hi = 0, 0
			}
			q := r64(pick(1_000, 1_000_000_000, 1_000_000_000_000_000, 1<<62))
			if rng.Intn(2) == 0 {
				q = -q
			}
			perp := &Perpetual{ID: uint32(i), AtomicResolution: ar, OpenInterest: big.NewInt(oi),
				InitialMarginPpm: uint32(rng.Intn(1_000_001)), MaintenanceFracPpm: uint32(rng.Intn(1_000_001)),
				OILowerCap: lo, OIUpperCap: hi}
			ps[i] = Position{Perp: perp, Price: price, PriceExponent: pe, Quantums: big.NewInt(q), QuoteBalance: big.NewInt(r64(1<<50) - 1<<49)}
		}
		usdc := big.NewInt(r64(1<<50) - 1<<49)
		want := SubaccountRisk(usdc, ps)
		accts, cps := cSubaccount(usdc, ps)
		if n == 0 {
			cps = make([]cDydxPos, 1) // a valid pointer; the account's range is empty
		}
		out, st := make([]cDydxRisk, 1), make([]cStatus, 1)
		if s := dydxBatch(accts, cps, out, st); s != 0 {
			t.Fatalf("case %d: batch status %d", c, s)
		}
		fits := want.MMR.IsInt64() && want.IMR.IsInt64() && want.NC.IsInt64()
		if st[0] != 0 {
			// Only a figure beyond int64 (or an intermediate beyond the
			// 64-bit output) may fail.
			if fits {
				t.Fatalf("case %d: status %d, big %v/%v/%v", c, st[0], want.MMR, want.IMR, want.NC)
			}
			continue
		}
		got := toBig(out[0])
		if got.MMR.Cmp(want.MMR) != 0 || got.IMR.Cmp(want.IMR) != 0 || got.NC.Cmp(want.NC) != 0 || (out[0].liquidatable == 1) != want.IsLiquidatable() {
			t.Fatalf("case %d: partliq %v/%v/%v, big %v/%v/%v", c, got.MMR, got.IMR, got.NC, want.MMR, want.IMR, want.NC)
		}
		checked++
	}
	if checked < 1500 {
		t.Fatalf("only %d of 3,000 cases compared", checked)
	}
}

// cpuStart pins the benchmark to its OS thread, resets the timer and
// returns the thread's CPU time; cpuStop reports the CPU time per op as
// "cpu-ns/op" beside Go's wall-clock ns/op. On a machine whose cores other
// processes share, wall-clock time counts the time this thread waited for
// a core, which differs between two benchmarks run at different moments;
// the thread's CPU time does not (Go's garbage collector's background
// workers run on other threads and are not counted, its assists on this
// one are).
func cpuStart(b *testing.B) int64 {
	runtime.LockOSThread()
	b.ResetTimer()
	return threadCPU()
}

func cpuStop(b *testing.B, c0 int64) {
	c := threadCPU()
	b.StopTimer()
	runtime.UnlockOSThread()
	b.ReportMetric(float64(c-c0)/float64(b.N), "cpu-ns/op")
}

func benchBig(b *testing.B, n int) {
	usdc, ps := subaccount(n)
	c0 := cpuStart(b)
	for i := 0; i < b.N; i++ {
		_ = SubaccountRisk(usdc, ps)
	}
	cpuStop(b, c0)
}

func benchC(b *testing.B, n int) {
	usdc, ps := subaccount(n)
	accts, cps := cSubaccount(usdc, ps)
	out, st := make([]cDydxRisk, 1), make([]cStatus, 1)
	c0 := cpuStart(b)
	for i := 0; i < b.N; i++ {
		dydxBatch(accts, cps, out, st)
	}
	cpuStop(b, c0)
}

// benchCBatch is 1,000 subaccounts of n positions in one call; reported
// per subaccount (ns/op ÷ 1,000).
func benchCBatch(b *testing.B, n int) {
	usdc, ps := subaccount(n)
	_, one := cSubaccount(usdc, ps)
	accts := make([]cAccount, 1000)
	cps := make([]cDydxPos, 0, 1000*n)
	for i := range accts {
		accts[i] = cAccount{collateral: C64(usdc.Int64()), first_position: U32(len(cps)), position_count: U32(n)}
		cps = append(cps, one...)
	}
	out, st := make([]cDydxRisk, 1000), make([]cStatus, 1000)
	c0 := cpuStart(b)
	for i := 0; i < b.N; i++ {
		dydxBatch(accts, cps, out, st)
	}
	cpuStop(b, c0)
}

// BenchmarkCgoCrossing is one cgo call that does no work
// (partliq_abi_version): the fixed cost every one-call figure carries.
func BenchmarkCgoCrossing(b *testing.B) {
	c0 := cpuStart(b)
	for i := 0; i < b.N; i++ {
		abiVersion()
	}
	cpuStop(b, c0)
}

func BenchmarkDydxRiskBig1(b *testing.B)           { benchBig(b, 1) }
func BenchmarkDydxRiskBig16(b *testing.B)          { benchBig(b, 16) }
func BenchmarkDydxRiskPartliq1(b *testing.B)       { benchC(b, 1) }
func BenchmarkDydxRiskPartliq16(b *testing.B)      { benchC(b, 16) }
func BenchmarkDydxRiskPartliqBatch1(b *testing.B)  { benchCBatch(b, 1) }
func BenchmarkDydxRiskPartliqBatch16(b *testing.B) { benchCBatch(b, 16) }

// The pool-health batch: 1,000 single-position accounts of benches/common's
// market (`batch_population` in benches/batch.rs builds the same ones).
func healthInputs() ([]cMarket, []int64, []cAccount, []cPosition) {
	ms := []cMarket{benchMarket(0)}
	prices := []int64{5_700_000}
	accts := make([]cAccount, 1000)
	ps := make([]cPosition, 1000)
	for i := range accts {
		size := int64(10_000_000) * int64(1+i%16)
		if i%2 == 1 {
			size = -size
		}
		ps[i] = cPosition{market_index: 0, size: C64(size), quote_balance: C64(-size * 5_600_000 / 10_000)}
		accts[i] = cAccount{collateral: C64(int64(20_000+i) * 1_000_000), first_position: U32(i), position_count: 1}
	}
	return ms, prices, accts, ps
}

func TestHealthBatchIsPerAccount(t *testing.T) {
	ms, prices, accts, ps := healthInputs()
	out, st := make([]cHealth, len(accts)), make([]cStatus, len(accts))
	if s := healthBatch(ms, prices, accts, ps, out, st); s != 0 {
		t.Fatalf("status %d", s)
	}
	sum := int64(0)
	for i := range accts {
		var one cHealth
		if s := poolHealth(ms, prices, int64(accts[i].collateral), ps[i:i+1], &one); s != 0 || st[i] != 0 || one != out[i] {
			t.Fatalf("account %d: %v vs %v", i, one, out[i])
		}
		sum += int64(one.equity)
	}
	if f := os.Getenv("PARTLIQ_BATCH_CHECKSUM"); f != "" {
		fmt.Printf("checksum equity %d\n", sum)
	}
}

func BenchmarkHealthBatch1000(b *testing.B) {
	ms, prices, accts, ps := healthInputs()
	out, st := make([]cHealth, len(accts)), make([]cStatus, len(accts))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		healthBatch(ms, prices, accts, ps, out, st)
	}
}

func BenchmarkHealthOneCallEach1000(b *testing.B) {
	ms, prices, accts, ps := healthInputs()
	var out cHealth
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range accts {
			poolHealth(ms, prices, int64(accts[j].collateral), ps[j:j+1], &out)
		}
	}
}
