//! Final settlement: closing every position of a delisted market.
//!
//! When a market is delisted, every position in it is closed at one
//! **settlement price** the venue fixes. [`settle_delisted`] does it for one
//! pool of a unified account:
//!
//! 1. each position of the market that counts in the pool is closed at the
//!    settlement price, rounding against the account: a long's proceeds
//!    `⌊size × price × 10^e⌋` (down), a short's cost `⌈|size| × price ×
//!    10^e⌉` (up);
//! 2. its unsettled funding is settled with it, `⌈(I − I_last) × size /
//!    10⁶⌉` owed (up; a position of size 0 would otherwise carry it no
//!    more), and its last funding index set to the market's;
//! 3. a fee, only if the policy sets one ([`DelistingPolicy::fee`], none by
//!    default): `⌈|notional| × fee⌉`, capped by the pool's equity after the
//!    closes (positions in order), so a fee never creates or deepens a
//!    deficit (the fee rule of [`crate::settlement`]);
//! 4. the market's resting orders in the pool are cancelled (they can no
//!    longer fill);
//! 5. the pool's health after, and what its loss is: none
//!    ([`DelistingOutcome::Solvent`]); a **deficit** when the pool has
//!    nothing more and the settled position's negative quote balance is its
//!    only debt ([`DelistingOutcome::Bankrupt`], to resolve with
//!    [`super::resolve_deficit`]); otherwise a shortfall
//!    ([`DelistingOutcome::Insolvent`]): the pool still holds something its
//!    legs must liquidate first (or owes several debts, each its own
//!    deficit), after which what is left goes down the same waterfall.
//!
//! # Which venue this follows
//!
//! **Drift v2** (`settle_expired_position`, and its delisting tests): the
//! market settles at one settlement price, each position's funding is
//! settled first, then its pnl at that price; an account that cannot pay is
//! resolved by the bankruptcy waterfall (insurance fund, then a funding-rate
//! delta over the positions still open), and its loss never sits unowned.
//! partliq follows that order. **dYdX v4** instead closes final-settlement
//! positions at the oracle price against each other through its
//! deleveraging machinery, negative-equity subaccounts first at their
//! bankruptcy price; a policy ending in [`super::WaterfallStep::AutoDeleverage`]
//! reproduces the effect for the bankrupt ones. Drift charges its taker fee
//! on the settlement; partliq charges nothing unless the policy says.
//!
//! To socialize a delisting bankruptcy over the market (Drift's funding
//! delta), pass the sizes the market held **at settlement** as the
//! waterfall's payers and take each charge off the settled quote balances:
//! after every close the market's open interest is zero, and a socialized
//! step would have nobody to charge.

use super::health::unified_pool_health;
use super::waterfall::{check_pool_exhausted, Deficit};
use super::{MarginBook, MarginLadder, PerpPosition, UnifiedAccount, UnifiedHealth};
use crate::error::{Error, Result};
use crate::market::Market;
use crate::num::{self, Ppm, Price, Quote, Rounding, Size, PPM};

/// How a delisted market is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DelistingPolicy {
    /// The settlement price (> 0), in the market's price units.
    pub settlement_price: Price,
    /// A fee on the settled notional (0: none, the default), rounded up and
    /// capped by the pool's equity.
    pub fee: Ppm,
}

impl DelistingPolicy {
    /// Settlement at `price` with no fee.
    #[must_use]
    pub fn at(price: Price) -> Self {
        DelistingPolicy { settlement_price: price, fee: Ppm::ZERO }
    }
}

/// One settled position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PositionSettlement {
    /// Index of the position in the account's positions.
    pub position_index: usize,
    /// Its size before (now 0).
    pub closed_size: Size,
    /// Close cash: a long's proceeds (> 0, rounded down), a short's cost
    /// (< 0, magnitude rounded up).
    pub cash: Quote,
    /// Funding settled: > 0 paid by the account, < 0 received (rounded
    /// against the account).
    pub funding: Quote,
    /// Fee charged (≥ 0).
    pub fee: Quote,
    /// `cash − funding − fee`: the change of the quote balance.
    pub quote_delta: Quote,
    /// The quote balance after.
    pub new_quote_balance: Quote,
}

/// What the settlement leaves a pool with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DelistingOutcome {
    /// Equity ≥ 0.
    Solvent,
    /// The pool has nothing more and owes this deficit: resolve it with the
    /// waterfall.
    Bankrupt(Deficit),
    /// Equity < 0 but the pool still holds something (or owes more than one
    /// debt): liquidate it first; `shortfall = −equity`.
    Insolvent {
        /// The negative equity's magnitude.
        shortfall: Quote,
    },
}

/// A pool's final settlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolDelisting {
    /// Positions settled: the first `settled` entries of the output.
    pub settled: usize,
    /// The pool's health after every close, funding and fee.
    pub health_after: UnifiedHealth,
    /// What its loss is.
    pub outcome: DelistingOutcome,
}

/// The close cash and the funding of one position (see the module docs).
fn close_figures(market: &Market, p: &PerpPosition, price: i128, index: Option<i64>) -> Result<(i128, i128)> {
    let size = i128::from(p.size.0);
    let cash = market.notional_i128(size, price, Rounding::Floor)?;
    let funding = match index {
        Some(i) => {
            let owed = num::mul(num::sub(i128::from(i), i128::from(p.last_funding_index))?, size)?;
            num::div_round(owed, PPM, Rounding::Ceil)?
        }
        None => 0,
    };
    Ok((cash, funding))
}

/// Settles every position of the delisted market `market_index` that counts
/// in pool `pool_index` of `account` (see the module docs), into
/// `settlements` (one entry per position of the market with a size), with
/// the pool's health after and its outcome. `scratch` (at least as long as
/// the account's positions) receives the positions after; `settlements` is
/// written only on success.
///
/// # Errors
/// [`Error::InvalidSettlementPrice`] for a price ≤ 0;
/// [`Error::FractionAbove100Percent`] for a fee above 100 %;
/// [`Error::UnknownPosition`] for a pool that is not there;
/// [`Error::UnknownMarket`]; [`Error::BufferTooSmall`] for a short
/// `scratch` or `settlements`; the pool health's errors;
/// [`Error::Overflow`].
#[allow(clippy::too_many_arguments)]
pub fn settle_delisted(
    account: &UnifiedAccount<'_>,
    pool_index: usize,
    book: &MarginBook<'_>,
    market_index: u32,
    policy: &DelistingPolicy,
    ladder: &MarginLadder,
    scratch: &mut [PerpPosition],
    settlements: &mut [PositionSettlement],
) -> Result<PoolDelisting> {
    if policy.settlement_price.0 <= 0 {
        return Err(Error::InvalidSettlementPrice);
    }
    policy.fee.at_most_one(Error::FractionAbove100Percent)?;
    let pool = account.pool(pool_index)?;
    let m = usize::try_from(market_index).map_err(|_| Error::UnknownMarket)?;
    let market = book.markets.get(m).ok_or(Error::UnknownMarket)?;
    let index = book.funding_index(market_index)?;
    let price = i128::from(policy.settlement_price.0);
    let n = account.positions.len();
    let work = scratch.get_mut(..n).ok_or(Error::BufferTooSmall)?;
    work.copy_from_slice(account.positions);
    let settles = |p: &PerpPosition| p.market_index == market_index && p.size.0 != 0;
    let count = pool.members().filter(|(_, p)| settles(p)).count();
    if settlements.len() < count {
        return Err(Error::BufferTooSmall);
    }
    // Resting orders in the market can no longer fill: cancelled.
    for (i, _) in pool.members().filter(|(_, p)| p.market_index == market_index) {
        let w = work.get_mut(i).ok_or(Error::UnknownPosition)?;
        w.open_bids = Size(0);
        w.open_asks = Size(0);
    }
    // Closes and funding.
    for (i, p) in pool.members().filter(|(_, p)| settles(p)) {
        let (cash, funding) = close_figures(market, p, price, index)?;
        let w = work.get_mut(i).ok_or(Error::UnknownPosition)?;
        w.size = Size(0);
        w.quote_balance = Quote::from_i128(num::sub(num::add(i128::from(p.quote_balance.0), cash)?, funding)?)?;
        if let Some(ix) = index {
            w.last_funding_index = ix;
        }
    }
    // Fees, capped by the equity after the closes, in position order.
    if policy.fee.0 != 0 {
        let after_closes = UnifiedAccount { balances: account.balances, positions: &*work };
        let equity = unified_pool_health(&after_closes.pool(pool_index)?, book, ladder)?.equity;
        let mut room = i128::from(equity.0).max(0);
        let den = num::mul(market.notional_denominator()?, PPM)?;
        for (i, p) in pool.members().filter(|(_, p)| settles(p)) {
            let abs = i128::from(p.size.0).checked_abs().ok_or(Error::Overflow)?;
            let nominal = num::mul_div_wide(market.scaled_notional(abs, price)?, i128::from(policy.fee.0), den, Rounding::Ceil)?;
            let fee = nominal.min(room);
            room = num::sub(room, fee)?;
            let w = work.get_mut(i).ok_or(Error::UnknownPosition)?;
            w.quote_balance = Quote::from_i128(num::sub(i128::from(w.quote_balance.0), fee)?)?;
        }
    }
    let after = UnifiedAccount { balances: account.balances, positions: &*work };
    let after_pool = after.pool(pool_index)?;
    let health_after = unified_pool_health(&after_pool, book, ladder)?;
    let outcome = if health_after.equity.0 >= 0 {
        DelistingOutcome::Solvent
    } else {
        let mut debts = after_pool.members().filter(|(_, p)| p.quote_balance.0 < 0);
        let only = match (debts.next(), debts.next()) {
            (Some((_, p)), None) if p.market_index == market_index => Some(*p),
            _ => None,
        };
        let no_borrows = after_pool.balances.iter().all(|b| b.amount >= 0);
        match only {
            Some(p) if no_borrows && check_pool_exhausted(&after_pool).is_ok() => DelistingOutcome::Bankrupt(Deficit::of_position(&p)?),
            _ => DelistingOutcome::Insolvent { shortfall: Quote(health_after.equity.0.checked_neg().ok_or(Error::Overflow)?) },
        }
    };
    // Commit the figures.
    for (slot, (i, p)) in settlements.iter_mut().zip(pool.members().filter(|(_, p)| settles(p))) {
        let (cash, funding) = close_figures(market, p, price, index)?;
        let new_qb = work.get(i).ok_or(Error::UnknownPosition)?.quote_balance;
        let delta = num::sub(i128::from(new_qb.0), i128::from(p.quote_balance.0))?;
        let fee = num::sub(num::sub(cash, funding)?, delta)?;
        *slot = PositionSettlement {
            position_index: i,
            closed_size: p.size,
            cash: Quote::from_i128(cash)?,
            funding: Quote::from_i128(funding)?,
            fee: Quote::from_i128(fee)?,
            quote_delta: Quote::from_i128(delta)?,
            new_quote_balance: new_qb,
        };
    }
    Ok(PoolDelisting { settled: count, health_after, outcome })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::asset::{Asset, AssetBalance};
    use crate::escalation::{InsuranceFundBook, InsuranceFunds};
    use crate::health::HealthState;
    use crate::unified::waterfall::{
        ledger_balances, resolve_deficit, socialized_charge, FundScope, LedgerEntry, Socialization, WaterfallContext, WaterfallPolicy,
        WaterfallStep, MAX_LEDGER_ENTRIES,
    };

    fn market(e: i32) -> Market {
        Market::single_tier(e, 1, 1, Ppm(100_000), Ppm(50_000))
    }

    fn settle(
        acct: &UnifiedAccount<'_>,
        pool: usize,
        book: &MarginBook<'_>,
        policy: &DelistingPolicy,
    ) -> Result<(PoolDelisting, [PositionSettlement; 4], [PerpPosition; 4])> {
        let mut scratch = [PerpPosition::default(); 4];
        let mut out = [PositionSettlement::default(); 4];
        let r = settle_delisted(acct, pool, book, 0, policy, &MarginLadder::STANDARD, &mut scratch, &mut out)?;
        Ok((r, out, scratch))
    }

    /// Scenario: a market with a long and a short is delisted at 110; the
    /// short is bankrupt; its deficit goes to the fund, then is socialized
    /// over the sizes the market held at settlement (the long).
    #[test]
    fn long_and_short_one_bankrupt() {
        let markets = [market(0)];
        let prices = [Price(110)];
        let book = MarginBook::perps(&markets, &prices);
        let policy = DelistingPolicy::at(Price(110));
        // Long 10 bought at 90: qb −900. Short 10 sold at 100 with 50 margin: qb 1,050.
        let long = [PerpPosition::isolated(0, Size(10), Quote(-900))];
        let short = [PerpPosition::isolated(0, Size(-10), Quote(1_050))];
        let (l, lo, _) = settle(&UnifiedAccount { balances: &[], positions: &long }, 1, &book, &policy).unwrap();
        let (s, so, _) = settle(&UnifiedAccount { balances: &[], positions: &short }, 1, &book, &policy).unwrap();
        // Long: proceeds 10 × 110 = 1,100; qb 200. Short: cost 1,100; qb −50.
        assert_eq!(
            lo[0],
            PositionSettlement {
                position_index: 0,
                closed_size: Size(10),
                cash: Quote(1_100),
                funding: Quote(0),
                fee: Quote(0),
                quote_delta: Quote(1_100),
                new_quote_balance: Quote(200)
            }
        );
        assert_eq!((l.settled, l.outcome, l.health_after.equity), (1, DelistingOutcome::Solvent, Quote(200)));
        assert_eq!((so[0].cash, so[0].new_quote_balance), (Quote(-1_100), Quote(-50)));
        assert_eq!(
            (s.outcome, s.health_after.state),
            (DelistingOutcome::Bankrupt(Deficit::Perp { market_index: 0, loss: 50 }), HealthState::Bankrupt)
        );
        // The waterfall: the fund's room is 30, the long (size 10 at settlement) pays the rest:
        // δ = ⌈20e6 / 10⌉ = 2,000,000; its charge ⌈10 × 2⌉ = 20: qb 200 − 20 = 180.
        let DelistingOutcome::Bankrupt(deficit) = s.outcome else { unreachable!() };
        let mut shared = InsuranceFundBook::new(Quote(130), Quote(100)).unwrap();
        let mut funds = InsuranceFunds { shared: &mut shared, per_market: &mut [], has_own: &[] };
        let mut ledger = [LedgerEntry::default(); MAX_LEDGER_ENTRIES];
        let payers = [10];
        let ctx = WaterfallContext { backstop_capacity: 0, payers: &payers, deposit_index: 1, book: &book };
        let policy = WaterfallPolicy::new(&[WaterfallStep::InsuranceFund, WaterfallStep::SocializedLoss], FundScope::Global).unwrap();
        let w = resolve_deficit(&deficit, &policy, &mut funds, &ctx, &mut ledger).unwrap();
        assert_eq!(w.socialization, Socialization::Perp { open_interest: 10, delta: 2_000_000, charged: 20, surplus: 0 });
        assert!(ledger_balances(&ledger[..w.ledger_len], &deficit));
        let Socialization::Perp { delta, .. } = w.socialization else { unreachable!() };
        assert_eq!(i128::from(lo[0].new_quote_balance.0) - socialized_charge(Size(10), delta).unwrap(), 180);
        // The deficit is owned whole: the fund's 30 and the long's 20.
        assert_eq!((w.fund_paid, w.used()[1].absorbed), (30, 20));
        assert_eq!(shared.balance, Quote(100));
    }

    /// Rounding against the account on both sides, and funding settled with the close.
    #[test]
    fn rounding_and_funding() {
        // e = −2: price 10,001 is 100.01.
        let markets = [market(-2)];
        let prices = [Price(10_001)];
        let funding = [333_334];
        let book = MarginBook { funding_indexes: &funding, ..MarginBook::perps(&markets, &prices) };
        let policy = DelistingPolicy::at(Price(10_001));
        let ps = [
            PerpPosition { open_bids: Size(7), ..PerpPosition::isolated(0, Size(3), Quote(0)) },
            PerpPosition::isolated(0, Size(-3), Quote(400)),
        ];
        let acct = UnifiedAccount { balances: &[], positions: &ps };
        // Long 3: proceeds ⌊300.03⌋ = 300; funding owed 3 × 333,334 / 1e6 = 1.000002 → 2 (up).
        let (r, o, scratch) = settle(&acct, 1, &book, &policy).unwrap();
        assert_eq!((o[0].cash, o[0].funding, o[0].quote_delta, o[0].new_quote_balance), (Quote(300), Quote(2), Quote(298), Quote(298)));
        assert_eq!((r.settled, scratch[0].size, scratch[0].last_funding_index, scratch[0].open_bids), (1, Size(0), 333_334, Size(0)));
        // Short 3: cost ⌈300.03⌉ = 301; funding −1.000002 → ⌈−1.000002⌉ = −1 (receives 1):
        // qb 400 − 301 + 1 = 100.
        let (r, o, _) = settle(&acct, 2, &book, &policy).unwrap();
        assert_eq!((o[0].position_index, o[0].cash, o[0].funding, o[0].new_quote_balance), (1, Quote(-301), Quote(-1), Quote(100)));
        assert_eq!(r.outcome, DelistingOutcome::Solvent);
    }

    /// A fee only when the policy sets one, capped by the pool's equity;
    /// a cross pool that still holds something is insolvent, not bankrupt.
    #[test]
    fn fee_cap_and_insolvent_cross_pool() {
        let markets = [market(0), market(0)];
        let prices = [Price(110), Price(50)];
        let assets = [Asset::at_par(0)];
        let asset_prices = [Price(1)];
        let book = MarginBook { assets: &assets, asset_prices: &asset_prices, ..MarginBook::perps(&markets, &prices) };
        let deposit = [AssetBalance { asset_index: 0, amount: 5 }];
        // Cross long 10 with qb −1,095: closed at 110 → qb 5; equity 5 + 5 = 10.
        let ps = [PerpPosition::cross(0, Size(10), Quote(-1_095))];
        let acct = UnifiedAccount { balances: &deposit, positions: &ps };
        let policy = DelistingPolicy { settlement_price: Price(110), fee: Ppm(10_000) };
        // Fee ⌈1,100 × 1 %⌉ = 11, capped at the equity 10: qb 5 − 10 = −5, equity 0.
        let (r, o, _) = settle(&acct, 0, &book, &policy).unwrap();
        assert_eq!((o[0].fee, o[0].quote_delta, o[0].new_quote_balance), (Quote(10), Quote(1_090), Quote(-5)));
        assert_eq!((r.outcome, r.health_after.equity), (DelistingOutcome::Solvent, Quote(0)));
        // Without a fee: none.
        let (_, o, _) = settle(&acct, 0, &book, &DelistingPolicy::at(Price(110))).unwrap();
        assert_eq!(o[0].fee, Quote(0));
        // At 100 the close leaves qb −95; equity 5 − 95 = −90 but the deposit is still
        // there: insolvent (its legs first), shortfall 90.
        let (r, _, _) = settle(&acct, 0, &book, &DelistingPolicy::at(Price(100))).unwrap();
        assert_eq!(r.outcome, DelistingOutcome::Insolvent { shortfall: Quote(90) });
        // Another open position: also insolvent. Market 1: long 1 at 50, qb −50 → value 0.
        let ps = [PerpPosition::cross(0, Size(10), Quote(-1_095)), PerpPosition::cross(1, Size(1), Quote(-50))];
        let acct = UnifiedAccount { balances: &[], positions: &ps };
        let (r, o, _) = settle(&acct, 0, &book, &DelistingPolicy::at(Price(100))).unwrap();
        assert_eq!((r.settled, o[0].position_index, r.outcome), (1, 0, DelistingOutcome::Insolvent { shortfall: Quote(95) }));
    }

    #[test]
    fn errors() {
        let markets = [market(0)];
        let prices = [Price(100)];
        let book = MarginBook::perps(&markets, &prices);
        let ps = [PerpPosition::cross(0, Size(1), Quote(0)), PerpPosition::cross(0, Size(-1), Quote(0))];
        let acct = UnifiedAccount { balances: &[], positions: &ps };
        assert_eq!(settle(&acct, 0, &book, &DelistingPolicy::at(Price(0))).err(), Some(Error::InvalidSettlementPrice));
        let fee = DelistingPolicy { settlement_price: Price(1), fee: Ppm(1_000_001) };
        assert_eq!(settle(&acct, 0, &book, &fee).err(), Some(Error::FractionAbove100Percent));
        assert_eq!(settle(&acct, 1, &book, &DelistingPolicy::at(Price(1))).err(), Some(Error::UnknownPosition));
        let mut scratch = [PerpPosition::default(); 1];
        let mut out = [PositionSettlement::default(); 2];
        let policy = DelistingPolicy::at(Price(1));
        let ladder = MarginLadder::STANDARD;
        assert_eq!(settle_delisted(&acct, 0, &book, 0, &policy, &ladder, &mut scratch, &mut out), Err(Error::BufferTooSmall));
        let mut scratch = [PerpPosition::default(); 2];
        let mut short_out = [PositionSettlement::default(); 1];
        assert_eq!(settle_delisted(&acct, 0, &book, 0, &policy, &ladder, &mut scratch, &mut short_out), Err(Error::BufferTooSmall));
        assert_eq!(settle_delisted(&acct, 0, &book, 7, &policy, &ladder, &mut scratch, &mut out), Err(Error::UnknownMarket));
        // Settlements untouched by the errors above, written on success: both closed
        // at 1, +1 and −1.
        assert_eq!(out, [PositionSettlement::default(); 2]);
        let r = settle_delisted(&acct, 0, &book, 0, &policy, &ladder, &mut scratch, &mut out).unwrap();
        assert_eq!((r.settled, out[0].cash, out[1].cash, out[1].position_index), (2, Quote(1), Quote(-1), 1));
    }
}
