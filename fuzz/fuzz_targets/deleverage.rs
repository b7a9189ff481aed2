//! `deleverage` (Rust API): no panic; on success the fills sum exactly to
//! the deficit, each on a distinct opposite-side candidate, reducing it
//! within its position, at the bankruptcy price; on error the fills buffer
//! is untouched (as documented: "nothing is written then").
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq::*;
use partliq_fuzz::*;

#[derive(arbitrary::Arbitrary, Debug)]
struct CandidateIn {
    account: u8,
    size: I64,
    pnl: I64,
    entry: I64,
    mark: I64,
    margin: I64,
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    deficit: I64,
    price: I64,
    lot_step: I64,
    candidates: Vec<CandidateIn>,
    pro_rata: bool,
    order_short: u8,
    fills_short: u8,
}

const SENTINEL: AdlFill = AdlFill { candidate: 0xdead, account: 0xbeef, size_delta: Size(0x5a5a), price: Price(0x3c3c) };

fuzz_target!(|inp: Input| {
    let cs: Vec<AdlCandidate> = inp
        .candidates
        .iter()
        .take(80)
        .map(|c| AdlCandidate {
            account: u32::from(c.account),
            reserved: 0,
            size: Size(c.size.get()),
            unrealized_pnl: Quote(c.pnl.get()),
            entry_notional: Quote(c.entry.get()),
            mark_notional: Quote(c.mark.get()),
            margin: Quote(c.margin.get()),
        })
        .collect();
    let n = cs.len();
    let mut order = vec![0u32; n.saturating_sub(usize::from(inp.order_short % 8 == 7))];
    let mut fills = vec![SENTINEL; n.saturating_sub(usize::from(inp.fills_short % 8 == 7))];
    let deficit = Size(inp.deficit.get());
    let price = Price(inp.price.get());
    let step = Size(inp.lot_step.get());
    let mode = if inp.pro_rata { AdlMode::ProRata } else { AdlMode::Queue };
    let r = deleverage(deficit, price, step, &cs, mode, &mut order, &mut fills);
    let k = match r {
        Err(_) => {
            assert!(fills.iter().all(|f| *f == SENTINEL), "fills written on error: {r:?}");
            return;
        }
        Ok(k) => k,
    };
    assert!(k <= fills.len());
    let mut seen = vec![false; n];
    let mut total: i128 = 0;
    for f in &fills[..k] {
        let i = f.candidate as usize;
        assert!(i < n && !seen[i], "unknown or repeated candidate");
        seen[i] = true;
        let c = cs[i];
        assert_eq!(f.account, c.account);
        assert_eq!(f.price, price);
        assert!(c.size.0 != 0 && c.size.0.signum() != deficit.0.signum(), "candidate on the deficit's side");
        assert!(f.size_delta.0 != 0 && f.size_delta.0.signum() == -c.size.0.signum(), "fill does not reduce the candidate");
        assert!(f.size_delta.0.unsigned_abs() <= c.size.0.unsigned_abs(), "fill beyond the candidate's position");
        total += i128::from(f.size_delta.0).abs();
    }
    assert_eq!(total, i128::from(deficit.0).abs(), "fills do not sum to the deficit");
});
