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

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "cases.txt"), "w") as f:
    f.write("# Generated by gen_cases.py; see its docstring for the format.\n")
    for c in cases:
        f.write(c + "\n")
print(len(cases), "cases")
