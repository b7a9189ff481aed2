#!/usr/bin/env python3
"""Writes ffi-tests/cases/cases.txt, the cross-language table (run by hand
when adding cases; the table itself is committed, and so is expected.txt,
which the Rust reference runner writes with PARTLIQ_BLESS=1).

One case a line, whitespace-separated tokens:

  NAME OP  M n <market>*n  P n <price>*n  C collateral  S n <mi size qb>*n  A <args>

  market = id exp lot tick fee_ppm share_ppm dust ntiers <floor im_ppm mm_ppm>*ntiers

OP and A:
  validate  market_index
  health    -
  account   margin_mode
  close     position_index execution_price target_kind buffer_ppm
  plan      target_kind buffer_ppm band_ppm order legs_len
  bankrupt  position_index size_delta
  limit     position_index band_ppm
  liqprice  position_index
  settle    position_index size_delta price
  unified   F n <funding_index>*n  R n <imf_ppm upnl_weight_ppm imf_unit>*n
            X n <asset>*n  Q n <asset_price>*n  B n <asset_index amount>*n
            U n <market_index margin size qb last_funding_index open_bids open_asks>*n
            pool what legs_len  L warning_ppm reduce_only_ppm liquidation_ppm backstop_ppm

  asset = id exp initial_asset_ppm maintenance_asset_ppm initial_liability_ppm
          maintenance_liability_ppm imf_ppm imf_unit

  unified ... pool what legs_len  L ...  then, by `what`:
            3 (settle a leg), 4 (size a leg):
              G n <bonus_ppm fund_fee_ppm>*n  T target_kind buffer_ppm band_ppm
              K kind position_index liability_asset collateral_asset amount
            5 (plan, legs_len legs, no tiers): G ...  T ...  O objective ordering
            6 (settle delisted, legs_len settlements): D market_index price fee_ppm
            7 (the whole step, legs_len legs, no tiers): G ...  T ...
              O objective ordering take_over_bankrupt in_liquidation
            8 (lending health), 9 (a lending liquidation, the flows array
              always PARTLIQ_MAX_LENDING_FLOWS long), 10 (the least debt to
              cover): H n <threshold_ppm bonus_ppm fee_ppm collateral_enabled
              base_exponent>*n, then for 9: Z collateral debt debt_to_cover
              (9223372036854775807: as much as allowed), for 10: Z collateral
              debt scan_limit; 11 (the first terms checked alone,
              partliq_lending_terms_validate): H n <terms>*n
            12 (the unified scan over the flat B and U):
              A n <first_balance balance_count first_position
              position_count>*n  S start_account start_pool hits_len
  waterfall D kind index amount  W n <step>*n scope  F balance floor
            K backstop_capacity deposit_index  Y n <payer>*n
            X n <asset>*n  Q n <asset_price>*n  N ledger_len
  social    which a b c   (0 socialized_delta(a, b), 1 socialized_charge(a, b),
                           2 haircut_index(a, b, c), 3 haircut_balance(a, b, c))

  scan      buf start n <collateral first_position position_count>*n
            (the pool's positions are the flat positions array, C unused)
  index     market capacity price start out_len n <collateral first count>*n
  ixmaint   market capacity from to start out_len rekey_account
            rekey_collateral_delta remove_account hits_len
            n <collateral first count>*n
  priority  order n <equity maintenance notional oracle fillable>*n
  dydx      atomic_resolution open_interest imf_ppm mf_ppm oi_lower oi_upper
            price price_exponent quantums quote_balance usdc delta
            step subticks_per_tick quantum_conversion_exponent
  hbatch    n <collateral first_position position_count>*n
  pbatch    target_kind buffer_ppm band_ppm order legs_per_account
            n <collateral first_position position_count>*n
  dbatch    n <atomic_resolution open_interest imf_ppm mf_ppm oi_lower
            oi_upper price price_exponent quantums quote_balance>*n
            k <usdc first_position position_count>*k
  aave      n <price decimals threshold_bps bonus_bps fee_bps liquidity_index
            variable_borrow_index scaled_collateral scaled_debt
            use_as_collateral>*n  collateral_index debt_index debt_to_cover
            receive_a_token   (an index is 10^27 + 10^9 × the value given)
  dydxmore  atomic_resolution open_interest imf_ppm mf_ppm oi_lower oi_upper
            price price_exponent quantums quote_balance usdc custom_imf_ppm
            delta oi_quote genesis step subticks_per_tick
            quantum_conversion_exponent fill_amount subticks is_buy fee_ppm
            notional_liquidated insurance_lost perpetual_id
            n <perpetual liquidated this block>*n

A scan builds a scanner for M and P and scans the accounts from `start`
with a buffer of `buf` hits: count, next, exact checks, end, error, then
each hit after a `|` (account, health). An index of `market` with
`capacity` entries a side keys accounts 0..n (bounds: the marks): each
insertion's count, then the candidates at `price` from `start` with a
buffer of `out_len`: count, next, total, each entry after a `|` (key,
account, position); the first failing insertion's status ends the case. An
ixmaint case keys accounts 0..n into an index of `market` (bounds: the
marks), re-keys rekey_account with its collateral moved by the delta,
removes remove_account, and prints each insertion's count, the re-key's
removed and inserted counts, the removal's count, the longs and shorts
held, the entries crossed by a move from `from` to `to` (from `start`, a
buffer of out_len: count, next, total, each entry after a `|`), then after a
`;` the scanner's exact confirmation of those entries at the marks with a
buffer of hits_len (count, next, exact checks, end, error, each hit after a
`|`); the first failing call's status ends the case. A
priority case sorts 0..n: the order. A dydx case (one position, the code's
default config): the subaccount's risk (MMR, IMR, NC), the fillable price
(num and den as hi lo words) and its subticks (liquidating a long when
quantums > 0); the first failing call's status. A batch (hbatch: each
account's pool health, pbatch: each account's plan with legs_per_account leg
slots, dbatch: each dYdX subaccount's margin; the accounts are ranges of the
flat positions S, or of the dbatch's own positions) prints each account
after the batch's status, the accounts separated by `|`: the account's
status, then when OK its health, its plan as a plan case prints it (each leg
after a `/`), or its MMR, IMR, NC and liquidatable flag. An aave case (its
i128 figures as hi lo words): the account (collateral, debt, average
liquidation threshold, health factor), the close factor (max liquidatable
debt, reserve debt and its value, reserve collateral and its value, rule),
the collateral quote for the cover against that reserve collateral with the
collateral reserve's bonus (to the liquidator, debt repaid, protocol fee,
bonus part, base, capped), the liquidation call (debt repaid, to the
liquidator, protocol fee, deficit, dust check, bad-debt reserves), then
each reserve after a `|` (scaled collateral, scaled debt, deficit); the
first failing call's status.

A unified case has no pool collateral or positions of its own (C 0 S 0): its
account is B and U. `what`: 0 the health of pool `pool`, 1 the account's
health (pool ignored), 2 the unified pipeline for pool `pool` with the core's
default policy, a fresh rule state, no market states, now 0, block 0 and
`legs_len` legs (the ladder ignored). Output: health — the pool count, then
equity, the initial, liquidation-end and maintenance collateral and
requirement, margin ratio, state, rung; pipeline — action, reason, plan
status, leg count, health before and after, required equity, shortfall, and
each leg after a `|`; a leg's settlement — the leg (kind, position,
liability, collateral, amount), its two flows (unit, index, account,
liquidator, counterparty, fund), value, cost, then the unified health's
figures (no pool count); a sizing — status, has settlement, max amount, the
leg, then its settlement after a `|`; a plan — status, leg count, value,
cost, health, each leg after a `|`; a delisting — settled, outcome, deficit
(kind, index, amount), shortfall, health, each settlement after a `|`
(position, closed size, cash, funding, fee, quote delta, new quote balance);
the whole step — action, reason, then the plan as above. Lending figures
the core holds as i128 are printed as their two ABI words, hi (signed) and
lo (unsigned): a lending health — collateral, debt, health factor (each
hi lo), liquidatable; a lending liquidation — collateral and debt asset,
health before and after, max liquidatable debt, debt repaid, collateral
seized, to the liquidator, protocol fee, deficit (each hi lo), close-factor
rule, dust check, flow count, each flow after a `|` (asset, account,
liquidator, protocol, deficit, each hi lo); the least debt to cover —
amount, max liquidatable debt, health factor after (each hi lo), restores,
exact; the terms checked alone print nothing but the status. A unified
scan: count, next (account, pool), resume (account, pool), exact checks,
end (0 complete, 1 buffer full, 2 failed), the failed pool's status, each
hit after a `|` (account, pool, the unified health's figures).
A waterfall: steps run and each (step, absorbed), fund market (4294967295:
the exchange-wide fund), fund paid, ADL residual, the fund after (balance,
floor, initial, credits, debits), the socialization (kind, open interest,
delta, charged, deposits, old index, new index, deposits after, surplus),
ledger length, each entry after a `|` (from kind and index, to kind and
index, unit kind and index, amount). Unused indexes are 4294967295.
"""

import os


def market(id_, exp, lot, tick, fee, share, dust, tiers):
    t = " ".join(f"{f} {im} {mm}" for f, im, mm in tiers)
    return f"{id_} {exp} {lot} {tick} {fee} {share} {dust} {len(tiers)} {t}".strip()


A = market(1, 0, 1, 1, 10_000, 400_000, 0, [(0, 100_000, 50_000)])
B = market(2, -2, 1, 1, 5_000, 500_000, 0, [(0, 200_000, 100_000)])
T = market(3, 0, 1, 1, 0, 0, 0, [(0, 8_000, 4_000), (50_000, 10_000, 5_000), (250_000, 20_000, 10_000), (1_000_000, 50_000, 25_000)])
BTC = market(4, -4, 1_000, 100, 5_000, 500_000, 10_000_000, [(0, 20_000, 10_000), (1_000_000_000_000, 40_000, 20_000)])
DUST = market(5, 0, 5, 5, 10_000, 0, 1_000, [(0, 100_000, 50_000)])
ZEROFEE = market(6, 0, 1, 1, 0, 0, 0, [(0, 200_000, 100_000)])

cases = []


def case(name, op, markets, prices, collateral, positions, args):
    m = " ".join(markets)
    p = " ".join(str(x) for x in prices)
    s = " ".join(f"{mi} {sz} {qb}" for mi, sz, qb in positions)
    a = " ".join(str(x) for x in args)
    cases.append(f"{name} {op} M {len(markets)} {m} P {len(prices)} {p} C {collateral} S {len(positions)} {s} A {a}".replace("  ", " ").strip())


# Market validation: one valid per market, and one per error.
for i, m in enumerate([A, B, T, BTC, DUST, ZEROFEE]):
    case(f"validate_ok_{i}", "validate", [m], [], 0, [], [0])
bad = {
    "lot0": market(9, 0, 0, 1, 0, 0, 0, [(0, 100_000, 50_000)]),
    "tick_neg": market(9, 0, 1, -1, 0, 0, 0, [(0, 100_000, 50_000)]),
    "exp19": market(9, 19, 1, 1, 0, 0, 0, [(0, 100_000, 50_000)]),
    "no_tiers": market(9, 0, 1, 1, 0, 0, 0, []),
    "first_not_zero": market(9, 0, 1, 1, 0, 0, 0, [(5, 100_000, 50_000)]),
    "not_ascending": market(9, 0, 1, 1, 0, 0, 0, [(0, 100_000, 50_000), (0, 200_000, 100_000)]),
    "mm_above_im": market(9, 0, 1, 1, 0, 0, 0, [(0, 50_000, 60_000)]),
    "fraction_above_1": market(9, 0, 1, 1, 0, 0, 0, [(0, 1_000_001, 50_000)]),
    "fee_above_1": market(9, 0, 1, 1, 1_000_001, 0, 0, [(0, 100_000, 50_000)]),
    "decreasing": market(9, 0, 1, 1, 0, 0, 0, [(0, 100_000, 50_000), (10, 90_000, 40_000)]),
    "dust_neg": market(9, 0, 1, 1, 0, 0, -1, [(0, 100_000, 50_000)]),
}
for k, m in bad.items():
    case(f"validate_{k}", "validate", [m], [], 0, [], [0])

# Health: cross pools at several collaterals, isolated accounts, errors.
two = [(0, 100, -9_000), (1, -3, 400)]
for coll in [100, -600, -1_200, -491, 0, 1_000_000]:
    case(f"health_two_{coll}", "health", [A, B], [100, 12_345], coll, two, [])
case("health_empty", "health", [A], [100], 5, [], [])
case("health_flat_position_no_price", "health", [A, B], [], 0, [(1, 0, 7)], [])
case("health_unknown_market", "health", [A], [100], 0, [(1, 5, 0)], [])
case("health_missing_price", "health", [A, B], [100], 0, two, [])
case("health_zero_price", "health", [A, B], [100, 0], 0, two, [])
case("health_negative_price", "health", [A, B], [-1, 5], 0, two, [])
case("health_overflow_collateral", "health", [A, B], [100, 12_345], 9_223_372_036_854_775_807, two, [])
case("health_overflow_size", "health", [A], [9_223_372_036_854_775_807], 0, [(0, -9_223_372_036_854_775_808, 0)], [])
for coll in [0, 50_000, 200_000]:
    case(f"health_tiered_{coll}", "health", [T], [1], coll, [(0, 300_000, -300_000)], [])
case("health_btc", "health", [BTC], [5_700_000], 5_000_000_000, [(0, 100_000_000, -60_000_000_000)], [])
for mode in [0, 1]:
    case(f"account_mode{mode}", "account", [A, B], [90, 12_345], 1_000, [(0, 100, -9_000), (1, -3, 500)], [mode])
# Isolated: the collateral is a pool of its own; negative, bankrupt, whatever the sums say.
for coll in [-1_000, -1]:
    case(f"account_isolated_collateral_{coll}", "account", [A, B], [100, 12_345], coll, [(0, 100, -9_000), (1, -3, 500)], [1])
# 100 % maintenance: a long's equity - maintenance is constant in the mark.
FULL = market(8, 0, 1, 1, 0, 0, 0, [(0, 1_000_000, 1_000_000)])
MIXED = market(8, 0, 1, 1, 0, 0, 0, [(0, 500_000, 500_000), (1_000, 1_000_000, 1_000_000)])
for mark in [1, 100, 1_000_000]:
    case(f"health_full_tier_{mark}", "health", [FULL], [mark], 50, [(0, 1, -100)], [])

# Sizing.
for exec_, kind, buf in [(99, 0, 0), (100, 0, 0), (99, 0, 100_000), (99, 1, 0), (96, 0, 0), (90, 0, 0)]:
    case(f"close_long_{exec_}_{kind}_{buf}", "close", [A], [100], 0, [(0, 100, -9_600)], [0, exec_, kind, buf])
case("close_short", "close", [A], [100], 0, [(0, -100, 10_400)], [0, 101, 0, 0])
case("close_already_safe", "close", [A], [100], 10_000, [(0, 100, -9_600)], [0, 99, 0, 0])
case("close_dust", "close", [DUST], [100], 0, [(0, 100, -9_600)], [0, 95, 0, 0])
case("close_bad_exec", "close", [A], [100], 0, [(0, 100, -9_600)], [0, 0, 0, 0])
case("close_bad_buffer", "close", [A], [100], 0, [(0, 100, -9_600)], [0, 99, 0, 1_000_001])
case("close_unknown_position", "close", [A], [100], 0, [(0, 100, -9_600)], [3, 99, 0, 0])
case("close_empty_position", "close", [A], [100], 0, [(0, 0, 5)], [0, 99, 0, 0])
case("close_tiered", "close", [T], [1], 0, [(0, 300_000, -298_500)], [0, 1, 0, 0])

# Planning: the three orders, targets, bands, infeasible, errors.
plan_pos = [(0, 100, -9_600), (1, -10, 480)]
for order in [0, 1, 2]:
    for kind, buf in [(0, 0), (0, 50_000), (1, 0)]:
        case(f"plan_o{order}_k{kind}_b{buf}", "plan", [ZEROFEE.replace("6 0 1 1 0 0 0 1 0 200000 100000", "6 0 1 1 0 0 0 1 0 100000 50000"), ZEROFEE], [100, 50], 0, plan_pos, [kind, buf, 0, order, 2])
case("plan_fee_band", "plan", [A, B], [100, 5_000], 0, [(0, 100, -9_600), (1, -10, 480)], [0, 50_000, 2_500, 0, 4])
case("plan_already_safe", "plan", [A, B], [100, 5_000], 1_000_000, [(0, 100, -9_600), (1, -10, 480)], [0, 0, 0, 0, 2])
case("plan_infeasible", "plan", [A, A], [100, 50], 0, plan_pos, [0, 0, 500_000, 2, 2])
case("plan_buffer_too_small", "plan", [A, A], [100, 50], 0, plan_pos, [0, 0, 0, 0, 1])
case("plan_bad_band", "plan", [A, A], [100, 50], 0, plan_pos, [0, 0, 1_000_001, 0, 2])
case("plan_btc", "plan", [BTC], [5_400_000], 10_000_000_000, [(0, 200_000_000, -120_000_000_000)], [0, 50_000, 2_500, 0, 1])

# Pricing.
for delta in [-100, -34, -1]:
    case(f"bankrupt_long_{-delta}", "bankrupt", [A], [100], 0, [(0, 100, -9_600)], [0, delta])
case("bankrupt_rounding", "bankrupt", [A], [100], 0, [(0, 3, -289)], [0, -2])
case("bankrupt_short", "bankrupt", [A], [100], 0, [(0, -3, 311)], [0, 2])
case("bankrupt_same_side", "bankrupt", [A], [100], 0, [(0, 100, -9_600)], [0, 1])
case("bankrupt_too_big", "bankrupt", [A], [100], 0, [(0, 100, -9_600)], [0, -101])
for band in [10_000, 50_000, 1_000_000]:
    case(f"limit_long_{band}", "limit", [A], [100], 0, [(0, 100, -9_600)], [0, band])
case("limit_short", "limit", [A], [100], 0, [(0, -100, 10_400)], [0, 10_000])
case("limit_tick5", "limit", [DUST], [100], 0, [(0, 100, -9_600)], [0, 10_000])
case("limit_bad_band", "limit", [A], [100], 0, [(0, 100, -9_600)], [0, 1_000_001])
for size, qb in [(100, -9_600), (-100, 10_400), (100, 0), (-100, 0)]:
    case(f"liqprice_{size}_{qb}", "liqprice", [A], [100], 0, [(0, size, qb)], [0])
for qb in [-9_300, -4_800, -4_700]:
    case(f"liqprice_tiered_{-qb}", "liqprice", [market(7, 0, 1, 1, 0, 0, 0, [(0, 100_000, 50_000), (5_000, 200_000, 100_000)])], [100], 0, [(0, 100, qb)], [0])
case("liqprice_cross", "liqprice", [A, A], [100, 50], 1_000, [(0, 100, -10_000), (1, 10, 0)], [0])
case("liqprice_full_tier_always", "liqprice", [FULL], [100], 50, [(0, 1, -100)], [0])
case("liqprice_full_tier_short", "liqprice", [FULL], [100], 0, [(0, -1, 300)], [0])
for qb in [-600, -500, -400]:
    case(f"liqprice_mixed_full_{-qb}", "liqprice", [MIXED], [100], 0, [(0, 1, qb)], [0])
case("liqprice_root_exactly_1", "liqprice", [A], [100], 0, [(0, 100, -95)], [0])

# Settlement.
for delta, price in [(-34, 99), (-34, 97), (-34, 96), (-100, 90), (-100, 100), (-1, 1)]:
    case(f"settle_long_{-delta}_{price}", "settle", [A], [100], 0, [(0, 100, -9_600)], [0, delta, price])
case("settle_short_cents", "settle", [B.replace("2 -2 1 1 5000 500000 0 1 0 200000 100000", "2 -2 1 1 10000 1000000 0 1 0 100000 50000")], [10_000], 0, [(0, -3, 320)], [0, 1, 10_001])
case("settle_bad_qty", "settle", [A], [100], 0, [(0, 100, -9_600)], [0, 0, 99])
case("settle_bad_price", "settle", [A], [100], 0, [(0, 100, -9_600)], [0, -1, 0])
case("settle_overflow", "settle", [A], [100], 0, [(0, 100, -9_600)], [0, -100, 9_223_372_036_854_775_807])
case("settle_cross_second", "settle", [A, B], [100, 12_345], -600, two, [1, 2, 12_400])

# Unified accounts. Quote unit µUSD. The README's account: USDC at par and
# SOL in lamports (e = −9; 80 / 90 %, 120 / 110 %) at 150 USD; BTC (1e-8 BTC,
# cents, e = −4, lot 1,000, tick 100, 10 % / 5 %, no fee) at 57,000 USD with
# funding index 1,500; 40 SOL deposited, 1,000 USDC borrowed, 1 BTC long
# bought at 60,000, last settled at 1,000, 0.5 BTC of resting asks.


def flat(rows):
    return [x for r in rows for x in r]


def ucase(name, markets, prices, funding, risk, assets, asset_prices, balances, positions, pool, what, legs_len, ladder):
    args = (["F", len(funding), *funding, "R", len(risk), *flat(risk), "X", len(assets), *flat(assets), "Q", len(asset_prices), *asset_prices,
             "B", len(balances), *flat(balances), "U", len(positions), *flat(positions), pool, what, legs_len, "L", *ladder])
    case(name, "unified", markets, prices, 0, [], args)


STD = (0, 0, 1_000_000, 0)
BPM = (1_500_000, 1_200_000, 1_050_000, 1_000_000)
BTCU = market(0, -4, 1_000, 100, 0, 0, 0, [(0, 100_000, 50_000)])
USDC = (0, 0, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 0, 1)
SOL = (1, -9, 800_000, 900_000, 1_200_000, 1_100_000, 0, 1)
R_BAL = [(1, 40_000_000_000), (0, -1_000_000_000)]
R_LONG = (0, 0, 100_000_000, -60_000_000_000, 1_000, 0, 50_000_000)
R_CANCELLED = (0, 0, 100_000_000, -60_000_000_000, 1_000, 0, 0)
R_ISO = (0, 1, 10_000_000, -5_000_000_000, 1_500, 0, 0)


def readme(name, positions, pool, what, legs_len, ladder, **kw):
    a = dict(markets=[BTCU], prices=[5_700_000], funding=[1_500], risk=[], assets=[USDC, SOL], asset_prices=[1, 150_000_000], balances=R_BAL)
    a.update(kw)
    ucase(name, a["markets"], a["prices"], a["funding"], a["risk"], a["assets"], a["asset_prices"], a["balances"], positions, pool, what,
          legs_len, ladder)


# Equity 6,000 − 1,000 − 3,000 − 0.05 = 1,999.95 USD; maintenance 5,400 −
# 1,000 − 3,000 − 0.05 = 1,399.95 against 2,850 (ratio ⌈2,035,786.99⌉);
# initial and liquidation end 799.95 against 5,700; liquidatable, rung
# backstop (BPM) or liquidation (standard).
readme("unified_readme_bpm", [R_LONG], 0, 0, 0, BPM)
readme("unified_readme_standard", [R_LONG], 0, 0, 0, STD)
readme("unified_readme_account", [R_LONG], 0, 1, 0, BPM)
readme("unified_readme_no_pool_1", [R_LONG], 1, 0, 0, STD)
# Cancel first (no leg needed, none written); then sell 63,599,000 at
# 56,430.00: cash 35,888,915,700, equity after 1,037,435,700 ≥ 1,037,428,500.
readme("unified_readme_cancel", [R_LONG], 0, 2, 1, STD)
readme("unified_readme_cancel_no_legs", [R_LONG], 0, 2, 0, STD)
readme("unified_readme_liquidate", [R_CANCELLED], 0, 2, 1, STD)
readme("unified_readme_liquidate_no_legs", [R_CANCELLED], 0, 2, 0, STD)
# An isolated 0.1 BTC long bought at 50,000 (settled) besides: value 700
# USD against MM 285 and IM 570; healthy, safe (245 %). The account: the
# sums, the worst state and rung. The cross pool's leg names account
# position 1.
for pool, what, nm in [(0, 0, "pool0"), (1, 0, "pool1"), (0, 1, "account"), (2, 0, "pool2")]:
    readme(f"unified_isolated_{nm}", [R_ISO, R_CANCELLED], pool, what, 0, BPM)
for pool in [0, 1, 2]:
    readme(f"unified_isolated_pipeline_pool{pool}", [R_ISO, R_CANCELLED], pool, 2, 2, STD)
# No funding indexes (none owed), no risk extras.
readme("unified_readme_no_funding", [R_LONG], 0, 0, 0, STD, funding=[])

# Today's model: the quote asset alone at par. Long 100 @ 100, qb −9,600,
# 50 USDC: equity 450, IM 1,000, MM 500 (health_* figures), and the pipeline
# as today's (fee 1 %, band 1 %).
UA = market(1, 0, 1, 1, 10_000, 400_000, 0, [(0, 100_000, 50_000)])
ucase("unified_quote_only", [UA], [100], [], [], [USDC], [1], [(0, 50)], [(0, 0, 100, -9_600, 0, 0, 0)], 0, 0, 0, STD)
ucase("unified_quote_only_pipeline", [UA], [100], [], [], [USDC], [1], [(0, 50)], [(0, 0, 100, -9_600, 0, 0, 0)], 0, 2, 1, STD)
# The core's weights, funding and orders example: SOL 2 at 100 USD (e = −9),
# USDC −50 borrowed; perp e = −6 long 1 unit at 50 USD, qb −40, last index
# 100 against 103, bids of 1 more unit: equity 159,999,997; initial
# 119,999,997 / 10,000,000; liquidation end 119,999,997 / 5,000,000;
# maintenance 139,999,997 / 2,500,000; ratio 17,858.
PERP6 = market(0, -6, 1, 1, 0, 0, 0, [(0, 100_000, 50_000)])
ucase("unified_weights_funding_orders", [PERP6], [50_000_000], [103], [], [USDC, SOL], [1, 100_000_000],
      [(1, 2_000_000_000), (0, -50_000_000)], [(0, 0, 1_000_000, -40_000_000, 100, 1_000_000, 0)], 0, 0, 0, STD)
# √size premium and uPnL weight (imf 0.1 %, weight 60 %): long 10,000 at
# 100, qb −990,000: initial 6,000 / 180,000, liquidation end 10,000 /
# 100,000; long 10,001: √ → 101, 18.1 % of 1,000,100 = 181,018.1 → 181,019.
E0 = market(0, 0, 1, 1, 0, 0, 0, [(0, 100_000, 50_000)])
for size in [10_000, 10_001]:
    ucase(f"unified_imf_premium_{size}", [E0], [100], [], [(1_000, 600_000, 1)], [], [], [], [(0, 0, size, -990_000, 0, 0, 0)], 0, 0, 0, STD)
# Drift's size discount and premium on an asset (imf 1 %, 6 decimals): 1,000
# tokens at 1 USD deposited count 835,721 ppm; borrowed, 1,196,228 ppm.
DRIFT = (0, -6, 900_000, 900_000, 1_100_000, 1_100_000, 10_000, 1_000_000)
for amount in [1_000_000_000, -1_000_000_000]:
    ucase(f"unified_asset_size_{'deposit' if amount > 0 else 'borrow'}", [], [], [], [], [DRIFT], [1_000_000], [(0, amount)], [], 0, 0, 0, BPM)
# The Binance portfolio margin ladder at its boundaries: long 100 at 100
# with qb −10,000 (value 0, MM 500) and c USDC: coverage c / 500.
for c in [750, 749, 600, 599, 525, 524, 500, 499, -1]:
    ucase(f"unified_ladder_{c}", [E0], [100], [], [], [USDC], [1], [(0, c)], [(0, 0, 100, -10_000, 0, 0, 0)], 0, 0, 0, BPM)
# Errors.
readme("unified_unknown_asset", [R_LONG], 0, 0, 0, STD, balances=[(2, 1)])
readme("unified_negative_open_orders", [(0, 0, 100_000_000, -60_000_000_000, 1_000, -1, 0)], 0, 0, 0, STD)
readme("unified_negative_open_orders_pipeline", [(0, 0, 100_000_000, -60_000_000_000, 1_000, 0, -1)], 0, 2, 1, STD)
readme("unified_invalid_ladder", [R_LONG], 0, 0, 0, (0, 0, 999_999, 0))
readme("unified_ladder_out_of_order", [R_LONG], 0, 1, 0, (1_000_000, 1_100_000, 1_050_000, 0))
readme("unified_funding_too_short", [R_LONG], 0, 0, 0, STD, markets=[BTCU, BTCU], prices=[5_700_000, 1])
readme("unified_risk_too_short", [R_LONG], 0, 0, 0, STD, markets=[BTCU, BTCU], prices=[5_700_000, 1], risk=[(0, 1_000_000, 1)])
readme("unified_too_many_balances", [], 0, 0, 0, STD, balances=[(0, 0)] * 65)
readme("unified_max_balances", [], 0, 0, 0, STD, balances=[(0, 1)] * 64)
readme("unified_invalid_imf_unit", [R_LONG], 0, 0, 0, STD, risk=[(0, 1_000_000, 0)])
readme("unified_upnl_weight_above_1", [R_LONG], 0, 0, 0, STD, risk=[(0, 1_000_001, 1)])
readme("unified_unknown_market", [(3, 0, 1, 0, 0, 0, 0)], 0, 0, 0, STD)
readme("unified_missing_asset_price", [R_LONG], 0, 0, 0, STD, asset_prices=[1])
readme("unified_negative_asset_price", [R_LONG], 0, 0, 0, STD, asset_prices=[1, -1])
readme("unified_missing_mark", [R_LONG], 0, 0, 0, STD, prices=[0])
readme("unified_overflow", [R_LONG], 0, 0, 0, STD, asset_prices=[1, 9_223_372_036_854_775_807])
# Bankrupt: 5,000 USDC borrowed instead of 1,000: equity −2,000.05 USD.
readme("unified_bankrupt", [R_CANCELLED], 0, 0, 0, BPM, balances=[(1, 40_000_000_000), (0, -5_000_000_000)])
readme("unified_bankrupt_pipeline", [R_CANCELLED], 0, 2, 1, STD, balances=[(1, 40_000_000_000), (0, -5_000_000_000)])

# --- Unified liquidation: legs, the planner, delisting, the waterfall --------
# The core's leg book: market 0 (lot and tick 1, 10 % / 5 %, a 1 % fee, none
# to the liquidator) at mark 100; asset 0 the quote asset at par, asset 1 in
# hundredths (e = −2) at price 100 — one unit worth 1 — 80 / 90 %, 120 / 110 %.
LM = market(0, 0, 1, 1, 10_000, 0, 0, [(0, 100_000, 50_000)])
PAR = (0, 0, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 0, 1)
HUND = (1, -2, 800_000, 900_000, 1_200_000, 1_100_000, 0, 1)
NO = 4_294_967_295


def lcase(name, balances, positions, what, legs_len, tail, prices=(100,), ladder=STD):
    ucase(name, [LM], list(prices), [], [], [PAR, HUND], [1, 100], balances, positions, 0 if what != 6 else tail[0], what, legs_len, ladder)
    cases[-1] = cases[-1] + " " + " ".join(str(x) for x in (tail[1:] if what == 6 else tail))


def fees(bonus=50_000, fee=0):
    return ["G", 2, 0, 0, bonus, fee]


INIT = ["T", 1, 0, 0]
MAINT = ["T", 0, 0, 0]
SWAP_BOOK = [(1, 1_000), (0, -950)]
# The swap: r = 938 least (c = ⌈984.9⌉ = 985, liquidator 984, fund 1); r = 937 falls short by 1.
lcase("legs_swap_size", SWAP_BOOK, [], 4, 0, [*fees(), *INIT, "K", 1, NO, 0, 1, 0])
lcase("legs_swap_settle_938", SWAP_BOOK, [], 3, 0, [*fees(), *INIT, "K", 1, NO, 0, 1, 938])
lcase("legs_swap_settle_937", SWAP_BOOK, [], 3, 0, [*fees(), *INIT, "K", 1, NO, 0, 1, 937])
lcase("legs_swap_size_maintenance", SWAP_BOOK, [], 4, 0, [*fees(), *MAINT, "K", 1, NO, 0, 1, 0])
lcase("legs_swap_fund_fee", SWAP_BOOK, [], 4, 0, [*fees(50_000, 10_000), *INIT, "K", 1, NO, 0, 1, 0])
# Bonus 30 %: the swap only hurts; infeasible at the most the deposit allows (769).
lcase("legs_swap_bonus_30", SWAP_BOOK, [], 4, 0, [*fees(300_000), *INIT, "K", 1, NO, 0, 1, 0])
# A deposit takes over a perp loss of 920: q = 752 (c = 790, liquidator 789, fund 1).
lcase("legs_deposit_for_loss", [(1, 1_000)], [(0, 0, 0, -920, 0, 0, 0)], 4, 0, [*fees(), *INIT, "K", 3, 0, NO, 1, 0])
# A gain of 630 repays a borrow of 600 whole.
lcase("legs_pnl_for_liability", [(1, -600)], [(0, 0, 0, 630, 0, 0, 0)], 4, 0, [*fees(), *INIT, "K", 2, 0, 1, NO, 0])
# Long 100 @ 100 with cash −10,000 and 1,000 units: close 23 (end health 7).
lcase("legs_reduce_perp", [(1, 1_000)], [(0, 0, 100, -10_000, 0, 0, 0)], 4, 0, [*fees(), *INIT, "K", 0, 0, NO, NO, 0])
lcase("legs_reduce_perp_band", [(1, 1_000)], [(0, 0, 100, -10_000, 0, 0, 0)], 4, 0, [*fees(), "T", 1, 0, 10_000, "K", 0, 0, NO, NO, 0])
lcase("legs_already_safe", [(1, 1_000), (0, -10)], [], 4, 0, [*fees(), *INIT, "K", 1, NO, 0, 1, 0])
lcase("legs_no_fees", SWAP_BOOK, [], 3, 0, ["G", 0, *INIT, "K", 1, NO, 0, 1, 100])
# Errors: a kind out of range, more than the borrow, the same asset, the
# sides swapped, a position the account does not have, an asset without fees.
lcase("legs_bad_kind", SWAP_BOOK, [], 3, 0, [*fees(), *INIT, "K", 4, NO, 0, 1, 1])
lcase("legs_amount_above_borrow", SWAP_BOOK, [], 3, 0, [*fees(), *INIT, "K", 1, NO, 0, 1, 951])
lcase("legs_amount_zero", SWAP_BOOK, [], 3, 0, [*fees(), *INIT, "K", 1, NO, 0, 1, 0])
lcase("legs_same_asset", SWAP_BOOK, [], 3, 0, [*fees(), *INIT, "K", 1, NO, 0, 0, 1])
lcase("legs_wrong_side", SWAP_BOOK, [], 3, 0, [*fees(), *INIT, "K", 1, NO, 1, 0, 1])
lcase("legs_not_in_pool", SWAP_BOOK, [], 3, 0, [*fees(), *INIT, "K", 0, 0, NO, NO, 1])
lcase("legs_no_fees_for_asset", SWAP_BOOK, [], 3, 0, ["G", 1, 0, 0, *INIT, "K", 1, NO, 0, 1, 1])
# The planner: a 700 borrow, 1,000 units, long 100 @ 100 with cash −10,000.
PLAN_BAL, PLAN_POS = [(1, 1_000), (0, -700)], [(0, 0, 100, -10_000, 0, 0, 0)]
for obj, ordering, nm in [(0, 0, "least_value"), (1, 0, "least_cost"), (0, 1, "perps_first")]:
    lcase(f"plan_unified_{nm}", PLAN_BAL, PLAN_POS, 5, 4, [*fees(), *INIT, "O", obj, ordering])
lcase("plan_unified_bonus_30", PLAN_BAL, PLAN_POS, 5, 4, [*fees(300_000), *INIT, "O", 0, 0])
lcase("plan_unified_maintenance", PLAN_BAL, PLAN_POS, 5, 4, [*fees(), *MAINT, "O", 0, 0])
lcase("plan_unified_too_few_legs", PLAN_BAL, PLAN_POS, 5, 1, [*fees(), *INIT, "O", 0, 0])
lcase("plan_unified_safe", [(1, 1_000), (0, -700)], [], 5, 0, [*fees(), *INIT, "O", 0, 0])
lcase("plan_unified_hopeless", [(0, -700)], [], 5, 4, [*fees(), *INIT, "O", 0, 0])
# Delisting at 110: an isolated long 10 (cash −900) solvent, an isolated short
# 10 (cash 1,050) bankrupt by 50; a cross long with a deposit of 5 insolvent
# at 100; a 1 % fee capped by the equity.
ISO_LS = [(0, 1, 10, -900, 0, 0, 0), (0, 1, -10, 1_050, 0, 0, 0)]
lcase("delist_long", [], ISO_LS, 6, 2, [1, "D", 0, 110, 0], prices=(110,))
lcase("delist_short_bankrupt", [], ISO_LS, 6, 2, [2, "D", 0, 110, 0], prices=(110,))
lcase("delist_insolvent", [(0, 5)], [(0, 0, 10, -1_095, 0, 0, 0)], 6, 2, [0, "D", 0, 100, 0])
lcase("delist_fee_capped", [(0, 5)], [(0, 0, 10, -1_095, 0, 0, 0)], 6, 2, [0, "D", 0, 110, 10_000], prices=(110,))
lcase("delist_bad_price", [], ISO_LS, 6, 2, [1, "D", 0, 0, 0])
lcase("delist_fee_above_1", [], ISO_LS, 6, 2, [1, "D", 0, 110, 1_000_001])
lcase("delist_unknown_market", [], ISO_LS, 6, 2, [1, "D", 7, 110, 0])
lcase("delist_too_few_settlements", [], ISO_LS, 6, 0, [1, "D", 0, 110, 0])


# The whole step (partliq_run_unified_liquidation), the planner's book: the
# mix of 9,470 in three legs (the swap of 700, 87 closed, 33 of the loss
# taken over); resting orders first; a bankrupt pool (100 units against a
# 120 borrow, equity -20) taken over whole, or liquidated first (the swap
# of 95: ceil(1.05 x 95) = 100 units); nothing left and 25 still owed: a
# deficit; a healthy pool, with and without a liquidation under way.
def rcase(name, balances, positions, legs_len, takeover, in_liquidation, obj=0, ordering=0, fee_args=None, terms=INIT):
    lcase(name, balances, positions, 7, legs_len, [*(fee_args or fees()), *terms, "O", obj, ordering, takeover, in_liquidation])


rcase("run_liq_liquidate", PLAN_BAL, PLAN_POS, 4, 1, 0)
rcase("run_liq_least_cost", PLAN_BAL, PLAN_POS, 4, 1, 0, obj=1)
rcase("run_liq_perps_first", PLAN_BAL, PLAN_POS, 4, 1, 0, ordering=1)
rcase("run_liq_cancel_orders", PLAN_BAL, [(0, 0, 100, -10_000, 0, 1, 0)], 4, 1, 0)
rcase("run_liq_takeover_bankrupt", [(1, 100), (0, -120)], [], 4, 1, 0)
rcase("run_liq_bankrupt_liquidated_first", [(1, 100), (0, -120)], [], 4, 0, 0)
rcase("run_liq_resolve_deficit", [(1, 0), (0, -25)], [], 4, 0, 1)
rcase("run_liq_healthy", [(1, 1_000), (0, -10)], [], 4, 1, 0)
rcase("run_liq_target_met", [(1, 1_000), (0, -10)], [], 4, 1, 1)
# Bad inputs: a legs array too short for the plan, a pool the account does
# not have, fees for fewer assets than the pool holds.
rcase("run_liq_too_few_legs", PLAN_BAL, PLAN_POS, 2, 1, 0)
ucase("run_liq_unknown_pool", [LM], [100], [], [], [PAR, HUND], [1, 100], PLAN_BAL, PLAN_POS, 3, 7, 4, STD)
cases[-1] = cases[-1] + " " + " ".join(str(x) for x in [*fees(), *INIT, "O", 0, 0, 1, 0])
rcase("run_liq_no_fees_for_asset", PLAN_BAL, PLAN_POS, 4, 1, 0, fee_args=["G", 1, 0, 0])

# Lending mode (Aave v3 on the account's balances), figures as in the C
# test: USDX (6 decimals) at $1 and WBTC (8 decimals) at $20,250, quote
# unit 1e-8 USD; Aave's testnet terms 8,600 / 10,500 / 1,000 bps; 20,500
# USDX borrowed against 1 WBTC: HF = 0.849512195121951219. Repaying 106
# USDX seizes 549,628 sat (547,010 to the liquidator, fee 2,618). Two $1
# assets of 8 decimals at LT 80 %: $1,000 against $2,000 seizes everything
# and writes off the rest; $20,000 against $17,000 is restored by 6,250e8 - 4.
E6, E8 = 1_000_000, 100_000_000
USDX, WBTC, DOLLAR = (0, -6, *([1_000_000] * 4), 0, 1), (1, -8, *([1_000_000] * 4), 0, 1), (0, 0, *([1_000_000] * 4), 0, 1)
TESTNET = (860_000, 1_050_000, 100_000, 1, 0)
LT80 = (800_000, 1_050_000, 100_000, 1, 0)
MAXCOVER = 9_223_372_036_854_775_807


def lend(name, what, assets, asset_prices, balances, terms, tail=()):
    ucase(name, [], [], [], [], assets, asset_prices, balances, [], 0, what, 0, STD)
    cases[-1] = cases[-1] + " " + " ".join(str(x) for x in ["H", len(terms), *flat(terms), *tail])


WU = dict(assets=[USDX, WBTC], asset_prices=[E8, 20_250 * E8], balances=[(0, -20_500 * E6), (1, E8)])


def wu(name, what, terms=(TESTNET, TESTNET), tail=(), **kw):
    a = dict(WU)
    a.update(kw)
    lend(name, what, a["assets"], a["asset_prices"], a["balances"], list(terms), tail)


def dollars(name, what, collateral, debt, tail, terms=(LT80, LT80)):
    lend(name, what, [DOLLAR, DOLLAR], [1, 1], [(0, collateral * E8), (1, -debt * E8)], list(terms), tail)


wu("lending_health_wbtc_usdx", 8)
wu("lending_plan_wbtc_usdx_106", 9, tail=["Z", 1, 0, 106 * E6])
wu("lending_plan_wbtc_usdx_max", 9, tail=["Z", 1, 0, MAXCOVER])
wu("lending_least_wbtc_usdx", 10, tail=["Z", 1, 0, 64])
dollars("lending_plan_deficit", 9, 1_000, 2_000, ["Z", 0, 1, MAXCOVER])
dollars("lending_least_exact", 10, 20_000, 17_000, ["Z", 0, 1, 21])
dollars("lending_least_not_proven", 10, 20_000, 17_000, ["Z", 0, 1, 20])
dollars("lending_health_safe", 8, 20_000, 1_000, [])
# Bad inputs: a healthy account, too few terms, terms that are not whole
# bps, threshold x bonus above 100 %, a negative
# amount, a collateral the account does not hold, a debt it does not owe,
# an asset the book does not have.
dollars("lending_not_liquidatable", 9, 20_000, 1_000, ["Z", 0, 1, MAXCOVER])
wu("lending_terms_too_short", 8, terms=(TESTNET,))
wu("lending_terms_not_whole_bps", 8, terms=(TESTNET, (860_000, 1_050_001, 100_000, 1, 0)))
wu("lending_terms_threshold_times_bonus", 10, terms=((960_000, 1_050_000, 100_000, 1, 0), TESTNET), tail=["Z", 1, 0, 0])
wu("lending_negative_cover", 9, tail=["Z", 1, 0, -1])
wu("lending_collateral_not_held", 9, tail=["Z", 0, 0, 1])
wu("lending_not_borrowed", 9, tail=["Z", 1, 1, 1])
wu("lending_unknown_asset", 10, tail=["Z", 2, 0, 0])
# The terms checked alone: Aave's testnet terms; 9,500 / 10,500 bps (9,975
# bps: allowed); a threshold, a fee above 100 %; a bonus below 100 %; not
# whole bps; 9,600 x 10,500 = 10,080 bps above 100 %; k = -38 and 39.
for nm, t in [("testnet", TESTNET), ("threshold_9500", (950_000, 1_050_000, 100_000, 1, 0)),
              ("threshold_above_1", (1_000_001, 1_050_000, 100_000, 1, 0)), ("fee_above_1", (860_000, 1_050_000, 1_000_001, 1, 0)),
              ("bonus_below_1", (860_000, 999_900, 100_000, 1, 0)), ("bonus_not_whole_bps", (860_000, 1_050_001, 100_000, 1, 0)),
              ("threshold_times_bonus", (960_000, 1_050_000, 100_000, 1, 0)), ("base_exponent_min", (860_000, 1_050_000, 100_000, 0, -38)),
              ("base_exponent_39", (860_000, 1_050_000, 100_000, 1, 39))]:
    lend(f"lending_terms_{nm}", 11, [], [], [], [t])


def wcase(name, kind, index, amount, steps, scope, fund, cap, deposit_index, payers, ledger_len=6, assets=(), asset_prices=()):
    args = ["D", kind, index, amount, "W", len(steps), *steps, scope, "F", *fund, "K", cap, deposit_index, "Y", len(payers), *payers,
            "X", len(assets), *flat(assets), "Q", len(asset_prices), *asset_prices, "N", ledger_len]
    case(name, "waterfall", [], [], 0, [], args)


# A perp loss of 1,000: the fund's 600 (700 − floor 100), then 400 over an
# open interest of 7: δ = 57,142,858, charges 172 + 229, the surplus 1 to the fund.
wcase("waterfall_fund_then_social", 0, 0, 1_000, [0, 2], 0, (700, 100), 0, 1_000_000, [3, -4])
# Fund 50, backstop 30, ADL 20.
wcase("waterfall_fund_backstop_adl", 0, 0, 100, [0, 1, 3], 0, (50, 0), 30, 1_000_000, [5])
wcase("waterfall_adl_only", 0, 3, 77, [3], 0, (0, 0), 0, 1_000_000, [-2])
# A spot deficit of 50 units of asset 1: the fund buys 30 (30 quote), 20
# socialized over 1,000 deposited at index 1,000,003.
wcase("waterfall_spot", 1, 1, 50, [0, 2], 0, (30, 0), 0, 1_000_003, [500, 300, 200], assets=[PAR, HUND], asset_prices=[1, 100])
wcase("waterfall_spot_all_deposits", 1, 1, 2_000, [2, 3], 0, (0, 0), 0, 1_000_000, [500, 500], assets=[PAR, HUND], asset_prices=[1, 100])
wcase("waterfall_unabsorbed", 0, 0, 25, [0, 2, 3], 0, (10, 0), 0, 1_000_000, [0, 0])
wcase("waterfall_ledger_too_small", 0, 0, 25, [0, 2, 3], 0, (10, 0), 0, 1_000_000, [3, -4], ledger_len=2)
wcase("waterfall_no_deficit", 0, 0, 0, [0, 2], 0, (10, 0), 0, 1_000_000, [1])
wcase("waterfall_bad_policy", 0, 0, 25, [0], 0, (10, 0), 0, 1_000_000, [1])
wcase("waterfall_negative_backstop", 0, 0, 25, [1, 3], 0, (10, 0), -1, 1_000_000, [1])
wcase("waterfall_bad_deposit_index", 1, 1, 5, [2], 0, (0, 0), 0, 0, [10], assets=[PAR, HUND], asset_prices=[1, 100])
wcase("waterfall_overflow", 0, 0, 1_000, [2], 0, (0, 0), 0, 1_000_000, [9_223_372_036_854_775_807, 9_223_372_036_854_775_807])


def scase(name, which, a, b, c=0):
    case(name, "social", [], [], 0, [], [which, a, b, c])


# Drift's case: δ = ⌈1e8 / 11⌉ = 9,090,910; the long 7 pays 64, the short 4 pays 37.
scase("social_delta", 0, 100, 11)
scase("social_charge_long", 1, 7, 9_090_910)
scase("social_charge_short", 1, -4, 9_090_910)
scase("social_delta_no_loss", 0, 0, 11)
scase("social_delta_no_interest", 0, 5, 0)
scase("social_delta_overflow", 0, 9_223_372_036_854_775_807, 1)
# I' = ⌊1,000,003 × 993 / 1,000⌋ = 993,002; 500 → 496.
scase("haircut_index", 2, 1_000_003, 1_000, 7)
scase("haircut_balance", 3, 500, 1_000_003, 993_002)
scase("haircut_index_everything", 2, 1_000_000, 5, 5)
scase("haircut_index_bad", 2, 0, 5, 1)
scase("haircut_balance_negative", 3, -1, 1, 1)
scase("haircut_balance_overflow", 3, 9_223_372_036_854_775_807, 1, 2)

# The hot path: a scan with resume, an index's candidates, priority, dYdX.
HOT = market(7, 0, 1, 1, 0, 0, 0, [(0, 100_000, 50_000)])
hot_flat = [(0, 100, -9_501 if i % 3 == 0 else -9_000) for i in range(9)] + [(5, 1, 0)]
accts = [(0, i, 1) for i in range(9)] + [(1_000, 0, 3), (0, 9, 1), (0, 8, 4)]
def acc(a):
    return [len(a)] + [x for t in a for x in t]
for buf, start in [(8, 0), (2, 0), (2, 4), (0, 0), (8, 10), (8, 99)]:
    case(f"scan_b{buf}_s{start}", "scan", [HOT], [100], 0, hot_flat, [buf, start] + acc(accts))
case("scan_at_95", "scan", [HOT], [95], 0, hot_flat, [8, 0] + acc(accts[:9]))
case("scan_missing_price", "scan", [HOT, HOT], [100], 0, [(1, 1, 0)], [4, 0] + acc([(0, 0, 1)]))
iso = [(0, 100, -9_600), (0, -100, 10_400), (0, 100, -9_000), (0, 100, 0)]
iso_acc = [(0, i, 1) for i in range(4)]
for price, start, out_len in [(100, 0, 4), (95, 0, 4), (95, 1, 1), (200, 0, 4), (1, 0, 4)]:
    case(f"index_at_{price}_s{start}_l{out_len}", "index", [HOT], [100], 0, iso, [0, 4, price, start, out_len] + acc(iso_acc))
case("index_full", "index", [HOT], [100], 0, iso, [0, 1, 100, 0, 4] + acc(iso_acc))
case("index_unknown_account", "index", [HOT], [100], 0, iso, [0, 4, 100, 0, 4] + acc([(0, 3, 5)]))
items = [(400, 500, 1, 100, 95), (-5, 0, 1, 1_000, 900), (800, 1_000, 9, 100, 110), (7, 0, 1, 10, 10), (-100, 200, 1, 2_000, 1_900)]
for order in [0, 1]:
    case(f"priority_{order}", "priority", [], [], 0, [], [order, len(items)] + [x for t in items for x in t])
case("priority_bad_order", "priority", [], [], 0, [], [2, 1, 1, 1, 1, 1, 1])
case("priority_negative_maintenance", "priority", [], [], 0, [], [0, 1, 1, -1, 1, 1, 1])
case("priority_zero_oracle", "priority", [], [], 0, [], [1, 1, 1, 1, 1, 0, 1])
# dYdX's BTC at $50,000 (20 % / 50 % of it), 0.1 BTC: −4,501 and −5,100 USDC.
for usdc, q, delta in [(-4_501_000_000, 10_000_000, -10_000_000), (5_499_000_000, -10_000_000, 10_000_000), (-5_100_000_000, 10_000_000, -5_000_000)]:
    case(f"dydx_{usdc}_{q}", "dydx", [], [], 0, [], [-8, 0, 200_000, 500_000, 0, 0, 5_000_000_000, -5, q, 0, usdc, delta, 5, 5, -8])
case("dydx_bad_delta", "dydx", [], [], 0, [], [-8, 0, 200_000, 500_000, 0, 0, 5_000_000_000, -5, 10_000_000, 0, -4_501_000_000, 1, 5, 5, -8])
case("dydx_no_margin", "dydx", [], [], 0, [], [-8, 0, 0, 0, 0, 0, 5_000_000_000, -5, 10_000_000, 0, 0, -1, 5, 5, -8])
case("dydx_oi_scaled", "dydx", [], [], 0, [], [-8, 20_000_000, 200_000, 500_000, 1_000_000_000, 20_000_000_000, 5_000_000_000, -5, 10_000_000, 0, -4_000_000_000, -10_000_000, 5, 5, -8])
case("dydx_no_tick", "dydx", [], [], 0, [], [-8, 0, 200_000, 500_000, 0, 0, 5_000_000_000, -5, 10_000_000, 0, -4_501_000_000, -10_000_000, 5, 0, -8])

# Batches: each account of a batch is its own one-account call.
MA = market(1, 0, 1, 1, 10_000, 400_000, 0, [(0, 100_000, 50_000)])
two = [(0, 100, -9_600), (0, -10, 1_100)]
case("hbatch_three", "hbatch", [MA], [100], 0, two, acc([(0, 0, 1), (7, 0, 2), (0, 1, 5)]))
case("hbatch_scan_accounts", "hbatch", [HOT], [95], 0, hot_flat, acc(accts))
case("hbatch_missing_price", "hbatch", [HOT, HOT], [100], 0, [(1, 1, 0)], acc([(0, 0, 1), (5, 0, 0)]))
case("hbatch_empty", "hbatch", [MA], [100], 0, two, [0])
for kind, buf, band, order, per in [(0, 0, 0, 0, 2), (0, 50_000, 0, 1, 2), (1, 0, 10_000, 2, 2), (0, 0, 0, 0, 1)]:
    case(f"pbatch_k{kind}_b{buf}_o{order}_l{per}", "pbatch", [MA], [100], 0, two,
         [kind, buf, band, order, per] + acc([(0, 0, 1), (200, 0, 1), (0, 0, 2), (-300, 0, 2), (0, 1, 1), (0, 2, 1)]))
case("pbatch_scan_accounts", "pbatch", [HOT], [95], 0, hot_flat, [0, 0, 0, 0, 2] + acc(accts))
BTC = [-8, 0, 200_000, 500_000, 0, 0, 5_000_000_000, -5]
dpos = [BTC + [100_000_000, -45_000_000_000], BTC + [-100_000_000, 55_000_000_000],
        [-8, 20_000_000, 200_000, 500_000, 1_000_000_000, 20_000_000_000, 5_000_000_000, -5, 10_000_000, 0]]
def dbatch(name, positions, accounts):
    case(name, "dbatch", [], [], 0, [], [len(positions)] + [x for p in positions for x in p] + acc(accounts))
dbatch("dbatch_btc", dpos, [(1_000_000_000, 0, 1), (-2_000_000_000, 0, 1), (0, 1, 1), (0, 0, 2), (-4_000_000_000, 2, 1),
                            (0, 1, 5), (7, 0, 0)])
dbatch("dbatch_overflow", [BTC + [1 << 62, 0]], [(0, 0, 1), (0, 0, 0)])
dbatch("dbatch_bad_tier", [[-8, 0, 1_100_000, 500_000, 0, 0, 5_000_000_000, -5, 1, 0]], [(0, 0, 1)])
dbatch("dbatch_empty", [], [(5, 0, 0), (0, 0, 1)])

# The unified scan: the README's book, 12 accounts of 40 SOL and (6 − i) ×
# 300 USDC with the BTC long cross, every third an isolated 0.01 BTC short
# with 10 × i USD of equity. Binance's ladder: the cross pools of i ≥ 5 and
# the isolated pool of i = 0 are hits (8 of 16 pools).
u_bal, u_pos, u_acc = [], [], []
for i in range(12):
    first_b, first_p = len(u_bal), len(u_pos)
    u_bal += [(1, 40_000_000_000), (0, (6 - i) * 300_000_000)]
    u_pos.append(R_LONG)
    if i % 3 == 0:
        u_pos.append((0, 1, -1_000_000, 570_000_000 + i * 10_000_000, 1_500, 0, 0))
    u_acc.append((first_b, 2, first_p, len(u_pos) - first_p))
def uscan(name, accounts, start, hits_len, ladder=BPM, **kw):
    readme(name, u_pos, 0, 12, 0, ladder, balances=u_bal, **kw)
    cases[-1] += " A " + " ".join(str(x) for x in [len(accounts)] + [x for a in accounts for x in a])
    cases[-1] += " S " + " ".join(str(x) for x in [*start, hits_len])
uscan("uscan_all", u_acc, (0, 0), 16)
uscan("uscan_b2", u_acc, (0, 0), 2)
uscan("uscan_b2_from_0_1", u_acc, (0, 1), 2)
uscan("uscan_b2_from_7_0", u_acc, (7, 0), 2)
uscan("uscan_b0", u_acc, (0, 0), 0)
uscan("uscan_past_the_end", u_acc, (20, 0), 4)
uscan("uscan_standard", u_acc, (0, 0), 16, ladder=STD)
uscan("uscan_malformed", u_acc[:2] + [(99, 1, 0, 0)] + u_acc[2:3], (0, 0), 16)
uscan("uscan_missing_asset_price", u_acc, (0, 0), 16, asset_prices=[1])

# Aave v3: Aave's test_partial_liquidate_variable_borrow (USDX $1, 6
# decimals; WBTC $20,250, 8 decimals; LT 86 %, bonus 105 %, fee 10 %; 1 WBTC
# supplied, 20,500 USDX borrowed) and variations.
def reserve(price, decimals, collateral=0, debt=0, use=0, lt=8_600, bonus=10_500, fee=1_000, li=0, bi=0):
    return [price, decimals, lt, bonus, fee, li, bi, collateral, debt, use]
def aave(name, reserves, ci, di, cover, receive=0):
    case(name, "aave", [], [], 0, [], [len(reserves)] + [x for r in reserves for x in r] + [ci, di, cover, receive])
USDX = reserve(100_000_000, 6, debt=20_500_000_000)
WBTC = reserve(2_025_000_000_000, 8, collateral=100_000_000, use=1)
aave("aave_partial_106", [USDX, WBTC], 1, 0, 106_000_000)
aave("aave_max", [USDX, WBTC], 1, 0, 9_223_372_036_854_775_807)
aave("aave_a_token", [USDX, WBTC], 1, 0, 106_000_000, 1)
aave("aave_half_close_factor", [reserve(100_000_000, 6, debt=18_000_000_000), WBTC], 1, 0, 9_223_372_036_854_775_807)
aave("aave_healthy", [reserve(100_000_000, 6, debt=10_000_000_000), WBTC], 1, 0, 106_000_000)
aave("aave_deficit", [USDX, reserve(2_025_000_000_000, 8, collateral=1_000_000, use=1)], 1, 0, 9_223_372_036_854_775_807)
aave("aave_indexes", [reserve(100_000_000, 6, debt=20_000_000_000, bi=50_000_000_000_000_000),
                      reserve(2_025_000_000_000, 8, collateral=100_000_000, use=1, li=20_000_000_000_000_000)], 1, 0, 500_000_000)
aave("aave_not_collateral", [USDX, reserve(2_025_000_000_000, 8, collateral=100_000_000)], 1, 0, 106_000_000)
aave("aave_unknown_reserve", [USDX, WBTC], 2, 0, 106_000_000)
aave("aave_too_few_user_reserves", [USDX], 0, 0, 1)

# dYdX v4's remaining functions on its BTC market (0.1 BTC long at $50,000,
# 10 % IMF... as the dydx cases): variations of the fill, the config, the
# block's history.
def dmore(name, quantums=10_000_000, quote=0, usdc=-4_501_000_000, custom=0, delta=-10_000_000, oi_quote=2_000_000, genesis=0,
          fill=(10_000_000, 56_100_000_000, 0), fee=5_000, block=(0, 0, 0), ids=(), tier=(200_000, 500_000, 1_000_000, 3_000_000)):
    args = [-8, 0, tier[0], tier[1], tier[2], tier[3], 5_000_000_000, -5, quantums, quote, usdc, custom, delta, oi_quote, genesis, 5, 5, -8,
            *fill, fee, *block, len(ids), *ids]
    case(name, "dydxmore", [], [], 0, [], args)
dmore("dydxmore_btc")
dmore("dydxmore_genesis", genesis=1, quantums=1_000_000_000, usdc=-45_100_000_000, delta=-100_000_000, fill=(100_000_000, 50_000_000_000, 0))
dmore("dydxmore_custom_imf", custom=500_000, oi_quote=2_500_000)
dmore("dydxmore_short", quantums=-10_000_000, usdc=5_499_000_000, delta=10_000_000, fill=(10_000_000, 44_000_000_000, 1))
dmore("dydxmore_block_used", genesis=1, block=(40_000_000_000, 100_000_000_000, 1), ids=(3,))
dmore("dydxmore_already_liquidated", ids=(0,))
dmore("dydxmore_block_exceeded", genesis=1, block=(200_000_000_000, 0, 1))
dmore("dydxmore_bad_tier", tier=(200_000, 500_000, 4_000_000, 3_000_000))
dmore("dydxmore_bad_delta", delta=1)

# Index maintenance: the iso accounts (longs keyed 102 and 95, a short at 99,
# a long with no liquidation price) re-keyed, removed, crossed and confirmed.
def ixm(name, marks, frm, to, start=0, out_len=4, rekey=(0, 0), remove=9, hits=4, capacity=4, accounts=iso_acc, market=0):
    case(name, "ixmaint", [HOT], marks, 0, iso, [market, capacity, frm, to, start, out_len, rekey[0], rekey[1], remove, hits] + acc(accounts))
ixm("ixmaint_down_to_95", [95], 100, 95)
ixm("ixmaint_up_to_100", [100], 90, 100)
ixm("ixmaint_rekey_0", [95], 100, 90, rekey=(0, 500))
ixm("ixmaint_rekey_short", [100], 90, 110, rekey=(1, -300), remove=0)
ixm("ixmaint_remove_2", [90], 100, 90, remove=2)
ixm("ixmaint_page", [90], 200, 1, start=1, out_len=1, hits=1)
ixm("ixmaint_no_hits_room", [95], 100, 95, hits=0)
ixm("ixmaint_rekey_unknown", [95], 100, 95, rekey=(7, 0))
ixm("ixmaint_rekey_full", [95], 100, 95, capacity=2, rekey=(3, -10_000))

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "cases.txt"), "w") as f:
    f.write("# Generated by gen_cases.py; see its docstring for the format.\n")
    for c in cases:
        f.write(c + "\n")
print(len(cases), "cases")
