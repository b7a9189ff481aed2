package partliq

/*
#include <partliq.h>
*/
import "C"

import "unsafe"

// The raw calls below pass the caller's buffers and lengths to the batch
// entry points and the unified scan exactly as given (a nil slice is NULL),
// so that tests can check the boundary's refusals — a length that does not
// match, a NULL pointer — and that nothing is written then. The wrappers
// (PoolHealthBatch, PlanLiquidationBatch, DydxSubaccountRiskBatch,
// UnifiedScan) size their buffers themselves and never make such calls.

func rawPoolHealthBatch(p *Pool, accounts []BatchAccount, accountsLen int, out []Health, statuses []Status, outLen int) Status {
	c := p.c()
	return Status(C.partliq_pool_health_batch(c.markets, c.nMarkets, c.prices, c.nPrices, (*C.partliq_batch_account)(first(accounts)),
		C.size_t(accountsLen), c.positions, c.nPositions, (*C.partliq_health)(first(out)), (*C.partliq_status)(first(statuses)),
		C.size_t(outLen)))
}

func rawPlanLiquidationBatch(p *Pool, accounts []BatchAccount, params *PlanParams, legs []PlanLeg, legsLen, legsPerAccount int, plans []Plan,
	statuses []Status, outLen int) Status {
	c := p.c()
	return Status(C.partliq_plan_liquidation_batch(c.markets, c.nMarkets, c.prices, c.nPrices, (*C.partliq_batch_account)(first(accounts)),
		C.size_t(len(accounts)), c.positions, c.nPositions, (*C.partliq_plan_params)(unsafe.Pointer(params)),
		(*C.partliq_plan_leg)(first(legs)), C.size_t(legsLen), C.size_t(legsPerAccount), (*C.partliq_plan)(first(plans)),
		(*C.partliq_status)(first(statuses)), C.size_t(outLen)))
}

func rawDydxSubaccountRiskBatch(accounts []BatchAccount, positions []BatchDydxPosition, positionsLen int, out []BatchDydxRisk,
	statuses []Status, outLen int) Status {
	return Status(C.partliq_dydx_subaccount_risk_batch((*C.partliq_batch_account)(first(accounts)), C.size_t(len(accounts)),
		(*C.partliq_batch_dydx_position)(first(positions)), C.size_t(positionsLen), (*C.partliq_batch_dydx_risk)(first(out)),
		(*C.partliq_status)(first(statuses)), C.size_t(outLen)))
}

func rawUnifiedScan(b *Book, flat *UnifiedAccount, accounts []UnifiedScanAccount, accountsLen int, ladder *MarginLadder, hits []UnifiedScanHit,
	hitsLen int, out *UnifiedScanOutcome) Status {
	c := cUnified(b, flat)
	return Status(C.partliq_unified_scan(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk, c.nRisk, c.assets,
		c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions,
		(*C.partliq_unified_scan_account)(first(accounts)), C.size_t(accountsLen), 0, 0, (*C.partliq_margin_ladder)(unsafe.Pointer(ladder)),
		(*C.partliq_unified_scan_hit)(first(hits)), C.size_t(hitsLen), (*C.partliq_unified_scan_outcome)(unsafe.Pointer(out))))
}

// The unified index's raw calls: the outputs and lengths exactly as given
// (nil: NULL), for the refusal tests.

func rawUnifiedIndexInfo(mem unsafe.Pointer, length int, out *UnifiedIndexStats) Status {
	return Status(C.partliq_unified_index_info(mem, C.size_t(length), (*C.partliq_unified_index_stats)(unsafe.Pointer(out))))
}

func rawUnifiedIndexInsertAccount(mem unsafe.Pointer, length int, account uint32, b *Book, flat *UnifiedAccount, accounts []UnifiedScanAccount,
	accountsLen int, ladder *MarginLadder, out *uint64) Status {
	c := cUnified(b, flat)
	return Status(C.partliq_unified_index_insert_account(mem, C.size_t(length), C.uint32_t(account), c.markets, c.nMarkets, c.prices, c.nPrices,
		c.funding, c.nFunding, c.risk, c.nRisk, c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions,
		c.nPositions, (*C.partliq_unified_scan_account)(first(accounts)), C.size_t(accountsLen), (*C.partliq_margin_ladder)(unsafe.Pointer(ladder)),
		(*C.uint64_t)(unsafe.Pointer(out))))
}

func rawUnifiedIndexRemoveAccount(mem unsafe.Pointer, length int, account uint32, out *uint64) Status {
	return Status(C.partliq_unified_index_remove_account(mem, C.size_t(length), C.uint32_t(account), (*C.uint64_t)(unsafe.Pointer(out))))
}

func rawUnifiedPriceMove(reference []int64, prices []int64, pricesLen int, out *PriceMove) Status {
	return Status(C.partliq_unified_price_move((*C.int64_t)(first(reference)), C.size_t(len(reference)), (*C.int64_t)(first(prices)),
		C.size_t(pricesLen), nil, 0, nil, 0, (*C.partliq_price_move)(unsafe.Pointer(out))))
}

func rawUnifiedIndexCandidates(mem unsafe.Pointer, length int, mv *PriceMove, out []UnifiedIndexEntry, outLen int, q *IndexQuery) Status {
	return Status(C.partliq_unified_index_candidates(mem, C.size_t(length), (*C.partliq_price_move)(unsafe.Pointer(mv)), 0,
		(*C.partliq_unified_index_entry)(first(out)), C.size_t(outLen), (*C.partliq_index_query)(unsafe.Pointer(q))))
}

func rawUnifiedIndexCrossed(mem unsafe.Pointer, length int, side uint32, out []UnifiedIndexEntry, outLen int, q *IndexQuery) Status {
	return Status(C.partliq_unified_index_crossed(mem, C.size_t(length), C.partliq_move_side(side), 0, C.UINT32_MAX, 0,
		(*C.partliq_unified_index_entry)(first(out)), C.size_t(outLen), (*C.partliq_index_query)(unsafe.Pointer(q))))
}

func rawUnifiedConfirm(b *Book, flat *UnifiedAccount, accounts []UnifiedScanAccount, entries []UnifiedIndexEntry, entriesLen int,
	ladder *MarginLadder, hits []UnifiedScanHit, hitsLen int, out *ScanOutcome) Status {
	c := cUnified(b, flat)
	return Status(C.partliq_unified_confirm(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk, c.nRisk, c.assets,
		c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions,
		(*C.partliq_unified_scan_account)(first(accounts)), C.size_t(len(accounts)), (*C.partliq_unified_index_entry)(first(entries)),
		C.size_t(entriesLen), 0, (*C.partliq_margin_ladder)(unsafe.Pointer(ladder)), (*C.partliq_unified_scan_hit)(first(hits)), C.size_t(hitsLen),
		(*C.partliq_scan_outcome)(unsafe.Pointer(out))))
}
