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
