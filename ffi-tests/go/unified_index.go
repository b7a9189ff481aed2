package partliq

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include <partliq.h>
*/
import "C"

import "unsafe"

// UnifiedIndexEntry is partliq_unified_index_entry: one indexed pool on one
// side (its move margin key in ppm, its account, its pool).
type UnifiedIndexEntry struct {
	Key     uint32
	Account uint32
	Pool    uint32
}

// PriceMove is partliq_price_move: the largest fall and rise of any one
// price since the reference, ppm rounded up.
type PriceMove struct {
	DownPPM uint32
	UpPPM   uint32
}

// UnifiedIndexStats is partliq_unified_index_stats.
type UnifiedIndexStats struct {
	Capacity uint64
	Down     uint64
	Up       uint64
	Both     uint64
}

// The sides of a unified index (partliq_move_side) and the largest key.
const (
	MoveSideDown              uint32 = C.PARTLIQ_MOVE_SIDE_DOWN
	MoveSideUp                uint32 = C.PARTLIQ_MOVE_SIDE_UP
	MoveSideBoth              uint32 = C.PARTLIQ_MOVE_SIDE_BOTH
	UnifiedIndexKeyLimit      uint32 = C.PARTLIQ_UNIFIED_INDEX_KEY_LIMIT
	UnifiedIndexAlignConstant        = C.PARTLIQ_UNIFIED_INDEX_ALIGN
)

// The statuses of the unified index's arguments the tests use.
const (
	StatusOutOfRange         Status = C.PARTLIQ_STATUS_OUT_OF_RANGE
	StatusMarketDataTooShort Status = C.PARTLIQ_STATUS_MARKET_DATA_TOO_SHORT
	StatusNegativePrice      Status = C.PARTLIQ_STATUS_NEGATIVE_PRICE
)

var (
	_ [unsafe.Sizeof(UnifiedIndexEntry{}) - C.sizeof_partliq_unified_index_entry]byte
	_ [C.sizeof_partliq_unified_index_entry - unsafe.Sizeof(UnifiedIndexEntry{})]byte
	_ [unsafe.Sizeof(PriceMove{}) - C.sizeof_partliq_price_move]byte
	_ [C.sizeof_partliq_price_move - unsafe.Sizeof(PriceMove{})]byte
	_ [unsafe.Sizeof(UnifiedIndexStats{}) - C.sizeof_partliq_unified_index_stats]byte
	_ [C.sizeof_partliq_unified_index_stats - unsafe.Sizeof(UnifiedIndexStats{})]byte
)

// UnifiedIndexAlign is partliq_unified_index_align.
func UnifiedIndexAlign() int { return int(C.partliq_unified_index_align()) }

// UnifiedIndexSize is partliq_unified_index_size (0: capacity 0 or too
// large).
func UnifiedIndexSize(capacity int) int { return int(C.partliq_unified_index_size(C.size_t(capacity))) }

// NewUnifiedIndexTable is Go-owned memory for a unified index of capacity
// pools, aligned as partliq_unified_index_align asks (not yet initialised).
func NewUnifiedIndexTable(capacity int) *Table {
	return NewTable(UnifiedIndexSize(capacity), UnifiedIndexAlign())
}

// UnifiedIndexInit is partliq_unified_index_init over mem (length bytes).
func UnifiedIndexInit(mem unsafe.Pointer, length int, capacity int) error {
	return check(C.partliq_unified_index_init(mem, C.size_t(length), C.size_t(capacity)))
}

// UnifiedIndexInfo is partliq_unified_index_info.
func UnifiedIndexInfo(mem unsafe.Pointer, length int) (UnifiedIndexStats, error) {
	var s UnifiedIndexStats
	if err := check(C.partliq_unified_index_info(mem, C.size_t(length), (*C.partliq_unified_index_stats)(unsafe.Pointer(&s)))); err != nil {
		return UnifiedIndexStats{}, err
	}
	return s, nil
}

// UnifiedIndexInsertAccount is partliq_unified_index_insert_account: keys
// every pool of accounts[account] (ranges of flat) against the reference
// book b; the pools inserted.
func UnifiedIndexInsertAccount(mem unsafe.Pointer, length int, account uint32, b *Book, flat *UnifiedAccount, accounts []UnifiedScanAccount,
	ladder MarginLadder) (uint64, error) {
	var n uint64
	c := cUnified(b, flat)
	err := check(C.partliq_unified_index_insert_account(mem, C.size_t(length), C.uint32_t(account), c.markets, c.nMarkets, c.prices, c.nPrices,
		c.funding, c.nFunding, c.risk, c.nRisk, c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions,
		c.nPositions, (*C.partliq_unified_scan_account)(first(accounts)), C.size_t(len(accounts)),
		(*C.partliq_margin_ladder)(unsafe.Pointer(&ladder)), (*C.uint64_t)(unsafe.Pointer(&n))))
	if err != nil {
		return 0, err
	}
	return n, nil
}

// UnifiedIndexRekeyAccount is partliq_unified_index_rekey_account: the
// pools removed and inserted.
func UnifiedIndexRekeyAccount(mem unsafe.Pointer, length int, account uint32, b *Book, flat *UnifiedAccount, accounts []UnifiedScanAccount,
	ladder MarginLadder) (removed, inserted uint64, err error) {
	var r, n uint64
	c := cUnified(b, flat)
	err = check(C.partliq_unified_index_rekey_account(mem, C.size_t(length), C.uint32_t(account), c.markets, c.nMarkets, c.prices, c.nPrices,
		c.funding, c.nFunding, c.risk, c.nRisk, c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions,
		c.nPositions, (*C.partliq_unified_scan_account)(first(accounts)), C.size_t(len(accounts)),
		(*C.partliq_margin_ladder)(unsafe.Pointer(&ladder)), (*C.uint64_t)(unsafe.Pointer(&r)), (*C.uint64_t)(unsafe.Pointer(&n))))
	if err != nil {
		return 0, 0, err
	}
	return r, n, nil
}

// UnifiedIndexRemoveAccount is partliq_unified_index_remove_account: the
// pools removed.
func UnifiedIndexRemoveAccount(mem unsafe.Pointer, length int, account uint32) (uint64, error) {
	var n uint64
	if err := check(C.partliq_unified_index_remove_account(mem, C.size_t(length), C.uint32_t(account), (*C.uint64_t)(unsafe.Pointer(&n)))); err != nil {
		return 0, err
	}
	return n, nil
}

// UnifiedPriceMove is partliq_unified_price_move from the reference marks
// and asset prices to the current ones.
func UnifiedPriceMove(referencePrices, prices, referenceAssetPrices, assetPrices []int64) (PriceMove, error) {
	var m PriceMove
	err := check(C.partliq_unified_price_move((*C.int64_t)(first(referencePrices)), C.size_t(len(referencePrices)), (*C.int64_t)(first(prices)),
		C.size_t(len(prices)), (*C.int64_t)(first(referenceAssetPrices)), C.size_t(len(referenceAssetPrices)), (*C.int64_t)(first(assetPrices)),
		C.size_t(len(assetPrices)), (*C.partliq_price_move)(unsafe.Pointer(&m))))
	if err != nil {
		return PriceMove{}, err
	}
	return m, nil
}

// UnifiedIndexCandidates is partliq_unified_index_candidates of the move
// mv from start with a buffer of outLen; the entries returned are the
// Count written.
func UnifiedIndexCandidates(mem unsafe.Pointer, length int, mv PriceMove, start, outLen int) (IndexQuery, []UnifiedIndexEntry, error) {
	var q IndexQuery
	out := make([]UnifiedIndexEntry, outLen)
	err := check(C.partliq_unified_index_candidates(mem, C.size_t(length), (*C.partliq_price_move)(unsafe.Pointer(&mv)), C.size_t(start),
		(*C.partliq_unified_index_entry)(first(out)), C.size_t(outLen), (*C.partliq_index_query)(unsafe.Pointer(&q))))
	if err != nil {
		return IndexQuery{}, nil, err
	}
	return q, out[:q.Count], nil
}

// UnifiedIndexCrossed is partliq_unified_index_crossed: the entries of
// side with from < key ≤ to, from start with a buffer of outLen.
func UnifiedIndexCrossed(mem unsafe.Pointer, length int, side, from, to uint32, start, outLen int) (IndexQuery, []UnifiedIndexEntry, error) {
	var q IndexQuery
	out := make([]UnifiedIndexEntry, outLen)
	err := check(C.partliq_unified_index_crossed(mem, C.size_t(length), C.partliq_move_side(side), C.uint32_t(from), C.uint32_t(to),
		C.size_t(start), (*C.partliq_unified_index_entry)(first(out)), C.size_t(outLen), (*C.partliq_index_query)(unsafe.Pointer(&q))))
	if err != nil {
		return IndexQuery{}, nil, err
	}
	return q, out[:q.Count], nil
}

// UnifiedConfirm is partliq_unified_confirm of entries[start:] at the
// current book b with a hit buffer of hitsLen; the hits returned are the
// Count written.
func UnifiedConfirm(b *Book, flat *UnifiedAccount, accounts []UnifiedScanAccount, entries []UnifiedIndexEntry, start int, ladder MarginLadder,
	hitsLen int) (ScanOutcome, []UnifiedScanHit, error) {
	var out ScanOutcome
	hits := make([]UnifiedScanHit, hitsLen)
	c := cUnified(b, flat)
	err := check(C.partliq_unified_confirm(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk, c.nRisk, c.assets,
		c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions,
		(*C.partliq_unified_scan_account)(first(accounts)), C.size_t(len(accounts)), (*C.partliq_unified_index_entry)(first(entries)),
		C.size_t(len(entries)), C.size_t(start), (*C.partliq_margin_ladder)(unsafe.Pointer(&ladder)), (*C.partliq_unified_scan_hit)(first(hits)),
		C.size_t(hitsLen), (*C.partliq_scan_outcome)(unsafe.Pointer(&out))))
	if err != nil {
		return ScanOutcome{}, nil, err
	}
	return out, hits[:out.Count], nil
}
