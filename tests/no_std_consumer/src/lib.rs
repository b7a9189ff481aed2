//! A `no_std`, no-`alloc` consumer of partliq (build check only), with its
//! own panic handler, as a firmware image has.
#![no_std]

use partliq::{pool_health, HealthState, Market, Pool, Position, Ppm, Price, Quote, Size};

/// The firmware's panic handler: partliq has no panicking path, and defines
/// no handler of its own, so this one is the only one in the image.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}

/// Returns 1 when a fixed 10x long is liquidatable after a 6 % drop.
#[no_mangle]
pub extern "C" fn consumer_check() -> u32 {
    let market = Market::single_tier(0, 1, 1, Ppm(100_000), Ppm(50_000));
    let markets = [market];
    let positions = [Position { market_index: 0, size: Size(100), quote_balance: Quote(-9_000) }];
    let pool = Pool::new(Quote(0), &positions);
    match pool_health(&pool, &markets, &[Price(94)]) {
        Ok(h) if h.state == HealthState::Liquidatable => 1,
        _ => 0,
    }
}
