package partliq

import (
	"errors"
	"reflect"
	"testing"
	"unsafe"
)

// The unified index's fixture: hotMarket (5 % maintenance) at 100, one
// asset at par (weights 100 %) priced 1, four accounts each of one deposit
// and a cross long 100 bought for 10,000: deposits 600, 690, 700, 800.
//
// A fall to lo: collateral (at lo) deposit + 100·lo − 10,000, requirement
// (at the reference, the box's high end) 5 % × 100 × 100 = 500. A fall of
// m ppm puts lo at ⌊100 × (1e6 − m) / 1e6⌋: 99 for 1 ≤ m ≤ 10,000, 98 up
// to 20,000, 97 up to 30,000, 96 beyond.
//
//	600: lo 99 → 500 ≥ 500 safe; lo 98 → 400: key 10,001
//	690: lo 98 → 490 < 500: key 10,001
//	700: lo 98 → 500 safe; lo 97 → 400: key 20,001
//	800: lo 97 → 500 safe; lo 96 → 400: key 30,001
func unifiedIndexFixture() (*Book, *UnifiedAccount, []UnifiedScanAccount, MarginLadder) {
	par := Asset{InitialAssetWeightPPM: 1000000, MaintenanceAssetWeightPPM: 1000000, InitialLiabilityWeightPPM: 1000000,
		MaintenanceLiabilityWeightPPM: 1000000, IMFUnit: 1}
	book := &Book{Markets: []Market{hotMarket()}, Prices: []int64{100}, Assets: []Asset{par}, AssetPrices: []int64{1}}
	flat := &UnifiedAccount{}
	var accounts []UnifiedScanAccount
	for i, amount := range []int64{600, 690, 700, 800} {
		flat.Balances = append(flat.Balances, AssetBalance{AssetIndex: 0, Amount: amount})
		flat.Positions = append(flat.Positions, PerpPosition{Margin: MarginCross, Size: 100, QuoteBalance: -10000})
		accounts = append(accounts, UnifiedScanAccount{FirstBalance: uint32(i), BalanceCount: 1, FirstPosition: uint32(i), PositionCount: 1})
	}
	return book, flat, accounts, MarginLadderStandard()
}

func TestUnifiedIndexByHand(t *testing.T) {
	if UnifiedIndexAlign() != 8 || UnifiedIndexAlignConstant != 8 || UnifiedIndexSize(4) != 64+36*4 || UnifiedIndexSize(0) != 0 ||
		UnifiedIndexKeyLimit != 1000000 {
		t.Fatalf("align %d, size(4) %d", UnifiedIndexAlign(), UnifiedIndexSize(4))
	}
	book, flat, accounts, ladder := unifiedIndexFixture()
	mem := NewUnifiedIndexTable(4)
	n := mem.Len
	if err := UnifiedIndexInit(mem.Ptr(), n, 4); err != nil {
		t.Fatal(err)
	}
	for a := range accounts {
		if k, err := UnifiedIndexInsertAccount(mem.Ptr(), n, uint32(a), book, flat, accounts, ladder); err != nil || k != 1 {
			t.Fatalf("insert %d: %d %v", a, k, err)
		}
	}
	if s, err := UnifiedIndexInfo(mem.Ptr(), n); err != nil || s != (UnifiedIndexStats{Capacity: 4, Down: 4, Up: 4, Both: 4}) {
		t.Fatalf("info %+v %v", s, err)
	}
	// The fall side in key order (every key, from a crossing of 0 → 10⁶).
	want := []UnifiedIndexEntry{{10001, 0, 0}, {10001, 1, 0}, {20001, 2, 0}, {30001, 3, 0}}
	if q, es, err := UnifiedIndexCrossed(mem.Ptr(), n, MoveSideDown, 0, UnifiedIndexKeyLimit, 0, 8); err != nil || q.Total != 4 ||
		!reflect.DeepEqual(es, want) {
		t.Fatalf("down side %+v %+v %v", q, es, err)
	}
	// The rise side bounds each term on its own: the long's value at the
	// reference (its low end), its requirement at hi: deposit ≥ 5 × hi, safe
	// to hi = deposit / 5: 120, 138, 140, 160 → m 200,000, 380,000, 400,000,
	// 600,000 ppm (keys one more).
	wantUp := []UnifiedIndexEntry{{200001, 0, 0}, {380001, 1, 0}, {400001, 2, 0}, {600001, 3, 0}}
	if q, es, err := UnifiedIndexCrossed(mem.Ptr(), n, MoveSideUp, 0, UnifiedIndexKeyLimit, 0, 8); err != nil || q.Total != 4 ||
		!reflect.DeepEqual(es, wantUp) {
		t.Fatalf("up side %+v %+v %v", q, es, err)
	}
	// 100 → 98: a fall of 20,000 ppm, no rise; its candidates are the
	// fall side's keys ≤ 20,000 (accounts 0 and 1), from 1 with room for 4.
	mv, err := UnifiedPriceMove(book.Prices, []int64{98}, book.AssetPrices, []int64{1})
	if err != nil || mv != (PriceMove{DownPPM: 20000}) {
		t.Fatalf("move %+v %v", mv, err)
	}
	if q, es, err := UnifiedIndexCandidates(mem.Ptr(), n, mv, 1, 4); err != nil || q != (IndexQuery{Count: 1, Next: 2, Total: 2}) ||
		es[0] != want[1] {
		t.Fatalf("candidates from 1 %+v %+v %v", q, es, err)
	}
	_, cands, _ := UnifiedIndexCandidates(mem.Ptr(), n, mv, 0, 4)
	// 100 → 103: a rise of 30,000 ppm; no rise key is that low.
	if up, err := UnifiedPriceMove(book.Prices, []int64{103}, nil, nil); err != nil || up != (PriceMove{UpPPM: 30000}) {
		t.Fatalf("rise %+v %v", up, err)
	} else if q, _, err := UnifiedIndexCandidates(mem.Ptr(), n, up, 0, 4); err != nil || q.Total != 0 {
		t.Fatalf("rise candidates %+v %v", q, err)
	}
	// Confirmed at 98: collateral deposit − 200, requirement 5 × 98 = 490:
	// account 0 (400 < 490) is a hit, account 1 (490) is not.
	now := *book
	now.Prices = []int64{98}
	out, hits, err := UnifiedConfirm(&now, flat, accounts, cands, 0, ladder, 4)
	if err != nil || out.Count != 1 || out.Next != 2 || out.ExactChecks != 2 || out.End != ScanComplete || hits[0].AccountIndex != 0 ||
		hits[0].PoolIndex != 0 || hits[0].Health.Maintenance.Collateral != 400 || hits[0].Health.Maintenance.Requirement != 490 {
		t.Fatalf("confirm %+v %+v %v", out, hits, err)
	}
	// A buffer of one hit from entry 1: account 1 is not a hit, done.
	if out, hits, err := UnifiedConfirm(&now, flat, accounts, cands, 1, ladder, 1); err != nil || out.Count != 0 || out.Next != 2 || len(hits) != 0 {
		t.Fatalf("confirm from 1 %+v %v", out, err)
	}
	// Account 1 deposits 100 more (790): lo 98 → 590 safe, lo 97 → 490: key 20,001.
	flat.Balances[1].Amount += 100
	if r, i, err := UnifiedIndexRekeyAccount(mem.Ptr(), n, 1, book, flat, accounts, ladder); err != nil || r != 1 || i != 1 {
		t.Fatalf("rekey %d %d %v", r, i, err)
	}
	if q, es, err := UnifiedIndexCrossed(mem.Ptr(), n, MoveSideDown, 10001, 20001, 0, 4); err != nil || q.Total != 2 ||
		!reflect.DeepEqual(es, []UnifiedIndexEntry{{20001, 1, 0}, {20001, 2, 0}}) {
		t.Fatalf("crossed after rekey %+v %+v %v", q, es, err)
	}
	if r, err := UnifiedIndexRemoveAccount(mem.Ptr(), n, 3); err != nil || r != 1 {
		t.Fatalf("remove %d %v", r, err)
	}
	if r, err := UnifiedIndexRemoveAccount(mem.Ptr(), n, 3); err != nil || r != 0 {
		t.Fatalf("remove again %d %v", r, err)
	}
	if s, err := UnifiedIndexInfo(mem.Ptr(), n); err != nil || s != (UnifiedIndexStats{Capacity: 4, Down: 3, Up: 3, Both: 3}) {
		t.Fatalf("info after %+v %v", s, err)
	}
}

func isStatus(err error, want Status) bool { return errors.Is(err, want) }

func TestUnifiedIndexRefusals(t *testing.T) {
	book, flat, accounts, ladder := unifiedIndexFixture()
	mem := NewUnifiedIndexTable(2)
	n := mem.Len
	// Blank memory: never initialised.
	if _, err := UnifiedIndexInfo(mem.Ptr(), n); !isStatus(err, Status(StatusTableNotInit)) {
		t.Fatalf("blank info: %v", err)
	}
	// Refused inits leave the memory blank.
	for _, c := range []struct {
		name     string
		ptr      unsafe.Pointer
		length   int
		capacity int
		want     Status
	}{
		{"NULL", nil, n, 2, StatusNullPointer},
		{"misaligned", mem.Shifted(4), n, 2, Status(StatusTableMisaligned)},
		{"header only", mem.Ptr(), 63, 2, Status(StatusTableTooSmall)},
		{"undersized", mem.Ptr(), n - 1, 2, Status(StatusTableTooSmall)},
		{"bad length", mem.Ptr(), -1, 2, StatusBadLength},
		{"capacity 0", mem.Ptr(), n, 0, StatusOutOfRange},
	} {
		if err := UnifiedIndexInit(c.ptr, c.length, c.capacity); !isStatus(err, c.want) {
			t.Errorf("init %s: %v, want %v", c.name, err, c.want)
		}
	}
	for _, w := range mem.words {
		if w != 0 {
			t.Fatal("a refused init wrote the memory")
		}
	}
	if _, _, err := UnifiedIndexCandidates(mem.Ptr(), n, PriceMove{DownPPM: 1000000}, 0, 2); !isStatus(err, Status(StatusTableNotInit)) {
		t.Fatalf("blank candidates: %v", err)
	}
	if err := UnifiedIndexInit(mem.Ptr(), n, 2); err != nil {
		t.Fatal(err)
	}
	for a := uint32(0); a < 2; a++ {
		if _, err := UnifiedIndexInsertAccount(mem.Ptr(), n, a, book, flat, accounts, ladder); err != nil {
			t.Fatal(err)
		}
	}
	// A full index, an unknown account, bad arguments: nothing inserted,
	// nothing written.
	poison := uint64(0xDEADBEEF)
	mk := func(k uint64) *uint64 { return &k }
	for _, c := range []struct {
		name    string
		ptr     unsafe.Pointer
		length  int
		account uint32
		accLen  int
		ladder  *MarginLadder
		out     *uint64
		want    Status
	}{
		{"full", mem.Ptr(), n, 2, 4, &ladder, mk(poison), StatusBufferTooSmall},
		{"unknown account", mem.Ptr(), n, 4, 4, &ladder, mk(poison), StatusUnknownPosition},
		{"NULL ladder", mem.Ptr(), n, 2, 4, nil, mk(poison), StatusNullPointer},
		{"NULL out", mem.Ptr(), n, 2, 4, &ladder, nil, StatusNullPointer},
		{"bad accounts length", mem.Ptr(), n, 2, -1, &ladder, mk(poison), StatusBadLength},
		{"NULL memory", nil, n, 2, 4, &ladder, mk(poison), StatusNullPointer},
		{"misaligned", mem.Shifted(4), n, 2, 4, &ladder, mk(poison), Status(StatusTableMisaligned)},
		{"undersized", mem.Ptr(), n - 1, 2, 4, &ladder, mk(poison), Status(StatusTableTooSmall)},
	} {
		if st := rawUnifiedIndexInsertAccount(c.ptr, c.length, c.account, book, flat, accounts, c.accLen, c.ladder, c.out); st != c.want {
			t.Errorf("insert %s: %v, want %v", c.name, st, c.want)
		}
		if c.out != nil && *c.out != poison {
			t.Errorf("insert %s wrote %d", c.name, *c.out)
		}
	}
	// The wrapper turns the status into an error and returns no count.
	if k, err := UnifiedIndexInsertAccount(mem.Ptr(), n, 2, book, flat, accounts, ladder); !isStatus(err, StatusBufferTooSmall) || k != 0 {
		t.Fatalf("full insert: %d %v", k, err)
	}
	big := PriceMove{DownPPM: 1000000}
	got := make([]UnifiedIndexEntry, 2)
	for _, c := range []struct {
		name   string
		ptr    unsafe.Pointer
		length int
		mv     *PriceMove
		out    []UnifiedIndexEntry
		outLen int
		want   Status
	}{
		{"NULL memory", nil, n, &big, got, 2, StatusNullPointer},
		{"misaligned", mem.Shifted(4), n, &big, got, 2, Status(StatusTableMisaligned)},
		{"header only", mem.Ptr(), 63, &big, got, 2, Status(StatusTableTooSmall)},
		{"undersized", mem.Ptr(), n - 1, &big, got, 2, Status(StatusTableTooSmall)},
		{"bad length", mem.Ptr(), -1, &big, got, 2, StatusBadLength},
		{"NULL move", mem.Ptr(), n, nil, got, 2, StatusNullPointer},
		{"NULL out", mem.Ptr(), n, &big, nil, 2, StatusNullPointer},
		{"bad out length", mem.Ptr(), n, &big, got, -1, StatusBadLength},
	} {
		q := IndexQuery{Count: 7, Next: 7, Total: 7}
		if st := rawUnifiedIndexCandidates(c.ptr, c.length, c.mv, c.out, c.outLen, &q); st != c.want {
			t.Errorf("candidates %s: %v, want %v", c.name, st, c.want)
		}
		if q != (IndexQuery{Count: 7, Next: 7, Total: 7}) || got[0] != (UnifiedIndexEntry{}) {
			t.Errorf("candidates %s wrote %+v %+v", c.name, q, got)
		}
	}
	q := IndexQuery{Count: 7}
	if st := rawUnifiedIndexCandidates(mem.Ptr(), n, &big, got, 2, nil); st != StatusNullPointer {
		t.Errorf("candidates NULL query: %v", st)
	}
	if st := rawUnifiedIndexCrossed(mem.Ptr(), n, 3, got, 2, &q); st != StatusInvalidEnum || q.Count != 7 || got[0] != (UnifiedIndexEntry{}) {
		t.Errorf("crossed side 3: %v %+v", st, q)
	}
	if st := rawUnifiedIndexCrossed(mem.Shifted(4), n, MoveSideDown, got, 2, &q); st != Status(StatusTableMisaligned) || q.Count != 7 {
		t.Errorf("crossed misaligned: %v", st)
	}
	if _, _, err := UnifiedIndexCrossed(mem.Ptr(), n, 3, 0, 1, 0, 2); !isStatus(err, StatusInvalidEnum) {
		t.Errorf("crossed wrapper side 3: %v", err)
	}
	var st UnifiedIndexStats
	if s := rawUnifiedIndexInfo(mem.Ptr(), n, nil); s != StatusNullPointer {
		t.Errorf("info NULL out: %v", s)
	}
	if s := rawUnifiedIndexInfo(mem.Shifted(4), n, &st); s != Status(StatusTableMisaligned) || st != (UnifiedIndexStats{}) {
		t.Errorf("info misaligned: %v", s)
	}
	r := poison
	if s := rawUnifiedIndexRemoveAccount(mem.Ptr(), n, 0, nil); s != StatusNullPointer {
		t.Errorf("remove NULL out: %v", s)
	}
	if s := rawUnifiedIndexRemoveAccount(mem.Ptr(), n-1, 0, &r); s != Status(StatusTableTooSmall) || r != poison {
		t.Errorf("remove undersized: %v %d", s, r)
	}
	// The price move's refusals.
	mv := PriceMove{DownPPM: 7, UpPPM: 7}
	for _, c := range []struct {
		name      string
		prices    []int64
		pricesLen int
		out       *PriceMove
		want      Status
	}{
		{"too short", []int64{98}, 0, &mv, StatusMarketDataTooShort},
		{"negative", []int64{-1}, 1, &mv, StatusNegativePrice},
		{"NULL prices", nil, 1, &mv, StatusNullPointer},
		{"bad length", []int64{98}, -1, &mv, StatusBadLength},
		{"NULL out", []int64{98}, 1, nil, StatusNullPointer},
	} {
		if s := rawUnifiedPriceMove([]int64{100}, c.prices, c.pricesLen, c.out); s != c.want {
			t.Errorf("move %s: %v, want %v", c.name, s, c.want)
		}
		if mv != (PriceMove{DownPPM: 7, UpPPM: 7}) {
			t.Errorf("move %s wrote %+v", c.name, mv)
		}
	}
	if m, err := UnifiedPriceMove([]int64{100}, []int64{0}, nil, nil); err == nil || m != (PriceMove{}) {
		t.Errorf("move to 0: %+v %v", m, err)
	}
	// Confirm's refusals.
	entries := []UnifiedIndexEntry{{0, 0, 0}}
	hits := make([]UnifiedScanHit, 2)
	for _, c := range []struct {
		name       string
		entries    []UnifiedIndexEntry
		entriesLen int
		ladder     *MarginLadder
		hitsLen    int
		nilOut     bool
		want       Status
	}{
		{"NULL entries", nil, 1, &ladder, 2, false, StatusNullPointer},
		{"bad entries length", entries, -1, &ladder, 2, false, StatusBadLength},
		{"NULL ladder", entries, 1, nil, 2, false, StatusNullPointer},
		{"bad hits length", entries, 1, &ladder, -1, false, StatusBadLength},
		{"NULL out", entries, 1, &ladder, 2, true, StatusNullPointer},
	} {
		out := ScanOutcome{Count: 7}
		po := &out
		if c.nilOut {
			po = nil
		}
		if s := rawUnifiedConfirm(book, flat, accounts, c.entries, c.entriesLen, c.ladder, hits, c.hitsLen, po); s != c.want {
			t.Errorf("confirm %s: %v, want %v", c.name, s, c.want)
		}
		if out != (ScanOutcome{Count: 7}) || hits[0].Health != (UnifiedHealth{}) {
			t.Errorf("confirm %s wrote %+v", c.name, out)
		}
	}
	// Nothing changed.
	if s, err := UnifiedIndexInfo(mem.Ptr(), n); err != nil || s != (UnifiedIndexStats{Capacity: 2, Down: 2, Up: 2, Both: 2}) {
		t.Fatalf("info after refusals %+v %v", s, err)
	}
}
