//! Accounts (the core's `account`): positions and margin modes.

use partliq::account::{MarginMode, Position};

/// Most positions of one margin pool (the core's `MAX_POSITIONS`); also the
/// most plan legs a plan can have.
pub const PARTLIQ_MAX_POSITIONS: usize = 64;

const _: () = assert!(PARTLIQ_MAX_POSITIONS == partliq::MAX_POSITIONS);

/// How an account's positions share margin (`partliq_account_health`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum partliq_margin_mode {
    /// One pool: collateral plus all positions.
    Cross = 0,
    /// Each position its own pool (its margin in its quote balance); the
    /// collateral a pool of its own with no positions.
    Isolated = 1,
}

abi_enum!(partliq_margin_mode => MarginMode { Cross => MarginMode::Cross, Isolated => MarginMode::Isolated });

/// A position in one market.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct partliq_position {
    /// Index of the position's market in the markets array.
    pub market_index: u32,
    /// Must be 0.
    pub reserved: u32,
    /// Signed size in base units: long > 0, short < 0.
    pub size: i64,
    /// Settled cash of the position, quote units: its value at mark `P` is
    /// `size × P × 10^e + quote_balance`.
    pub quote_balance: i64,
}

pin_layout!(partliq_position, size = 24, align = i64, { market_index @ 0, reserved @ 4, size @ 8, quote_balance @ 16 });

// The caller's positions are read in place as the core's: `reserved` lies in
// the core struct's padding (its offset 4 is no field's, by the layouts
// asserted), and must be 0.
castable!(partliq_position => Position, padding |p| p.reserved, {
    market_index = market_index, size = size, quote_balance = quote_balance,
});

/// The ABI's position of a core position.
pub(crate) fn position_of(p: &Position) -> partliq_position {
    partliq_position { market_index: p.market_index, reserved: 0, size: p.size.0, quote_balance: p.quote_balance.0 }
}
