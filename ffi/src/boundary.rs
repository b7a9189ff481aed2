//! The boundary's machinery, written once for every entry point: the
//! caller's pointers and lengths checked and turned into references and
//! slices (shared-state memory into atomic words), the pool's flat
//! arguments, enumeration fields decoded, the ABI structs read in place as
//! the core's (the `Castable` trait, which also lets the core write the
//! caller's arrays in place), layouts pinned. Every raw pointer of the ABI
//! becomes a reference or a slice here, or is written through here
//! (`write_out!`).
//!
//! Every check returns its documented status from the enclosing entry point
//! when it fails (`check!`), in a fixed order: the arrays and structs in
//! argument order (NULL, length, alignment), then the out-pointers, then the
//! values (reserved fields, enumerations), then the core.

#[cfg(target_has_atomic = "64")]
use core::ffi::c_void;
use core::mem::MaybeUninit;
#[cfg(target_has_atomic = "64")]
use core::sync::atomic::AtomicU64;

use partliq::account::{Pool, Position};
use partliq::asset::AssetBalance;
use partliq::market::Market;
use partliq::num::{Price, Quote};
use partliq::unified::{MarginBook, UnifiedAccount, UnifiedScanAccount};

use crate::account::partliq_position;
use crate::asset::{partliq_asset, partliq_asset_balance};
use crate::market::partliq_market;
use crate::status::*;
use crate::unified::{partliq_perp_position, partliq_perp_risk, partliq_unified_scan_account, perp_positions_in};

// ---------------------------------------------------------------------------
// Results and statuses.

/// Unwraps a `Result<_, partliq_status>` or returns the status.
macro_rules! check {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(s) => return s,
        }
    };
}

/// A core result, or its error's status.
macro_rules! core_try {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return $crate::status::status_of(e),
        }
    };
}

/// The status of success.
pub(crate) const OK: partliq_status = PARTLIQ_STATUS_OK;

// ---------------------------------------------------------------------------
// Pointers and lengths.

/// Largest length an array of `T` may have: its byte size must not exceed
/// `isize::MAX` (what `core::slice::from_raw_parts` requires).
pub(crate) const fn max_len<T>() -> usize {
    match (isize::MAX as usize).checked_div(core::mem::size_of::<T>()) {
        Some(n) => n,
        None => usize::MAX,
    }
}

/// `p` is aligned for `T`.
pub(crate) fn aligned<T>(p: *const T) -> bool {
    (p as usize).checked_rem(core::mem::align_of::<T>()) == Some(0)
}

/// A caller's array as a slice: NULL allowed only with length 0; then
/// `BAD_LENGTH`, then `MISALIGNED_POINTER`.
///
/// # Safety
/// When `len > 0` and `ptr` is not NULL, `ptr` must point to `len`
/// initialised values of `T` that stay valid and unmodified for `'a`.
pub(crate) unsafe fn slice_in<'a, T>(ptr: *const T, len: usize) -> Result<&'a [T], partliq_status> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(PARTLIQ_STATUS_NULL_POINTER);
    }
    if len > max_len::<T>() {
        return Err(PARTLIQ_STATUS_BAD_LENGTH);
    }
    if !aligned(ptr) {
        return Err(PARTLIQ_STATUS_MISALIGNED_POINTER);
    }
    // SAFETY: non-NULL, aligned, byte size ≤ isize::MAX (checked above);
    // validity for `len` reads is the caller's contract.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// A caller's input struct as a reference.
///
/// # Safety
/// A non-NULL `ptr` must point to an initialised `T` valid for `'a`.
pub(crate) unsafe fn ref_in<'a, T>(ptr: *const T) -> Result<&'a T, partliq_status> {
    if ptr.is_null() {
        return Err(PARTLIQ_STATUS_NULL_POINTER);
    }
    if !aligned(ptr) {
        return Err(PARTLIQ_STATUS_MISALIGNED_POINTER);
    }
    // SAFETY: non-NULL and aligned (checked); validity is the caller's contract.
    Ok(unsafe { &*ptr })
}

/// Checks an out-pointer (it is written, never read, and only on success).
pub(crate) fn out_ok<T>(ptr: *mut T) -> Result<(), partliq_status> {
    if ptr.is_null() {
        Err(PARTLIQ_STATUS_NULL_POINTER)
    } else if !aligned(ptr.cast_const()) {
        Err(PARTLIQ_STATUS_MISALIGNED_POINTER)
    } else {
        Ok(())
    }
}

/// Checks a caller's writable array without forming a slice (it is written
/// later, element by element, only on success): with `len > 0`, the pointer
/// as `out_ok`, then `BAD_LENGTH`.
pub(crate) fn out_array_ok<T>(ptr: *mut T, len: usize) -> Result<(), partliq_status> {
    if len == 0 {
        return Ok(());
    }
    out_ok(ptr)?;
    if len > max_len::<T>() {
        return Err(PARTLIQ_STATUS_BAD_LENGTH);
    }
    Ok(())
}

/// A caller's writable array as a slice: NULL only with length 0 (checked
/// as `out_array_ok`).
///
/// # Safety
/// When `len > 0`, `ptr` must be valid for reads and writes of `len`
/// initialised values of `T` (any values, for an array the call only
/// writes: a `&mut [T]` must hold valid values all the same), accessed by
/// nothing else for `'a`.
pub(crate) unsafe fn slice_out<'a, T>(ptr: *mut T, len: usize) -> Result<&'a mut [T], partliq_status> {
    out_array_ok(ptr, len)?;
    if len == 0 {
        return Ok(&mut []);
    }
    // SAFETY: non-NULL, aligned, byte size ≤ isize::MAX (checked);
    // validity and exclusivity are the caller's contract.
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, len) })
}

/// `slice_in(ptr, len)` (or `slice_out`) would give a non-empty slice:
/// `1 ≤ len ≤ max_len::<T>()`, `ptr` non-NULL and aligned, tested without
/// branches (bitwise `&`), for a fused fast path whose slow path makes the
/// checks one by one, for their statuses and order.
#[inline(always)]
pub(crate) fn array_fast<T>(ptr: *const T, len: usize) -> bool {
    (len.wrapping_sub(1) < max_len::<T>()) & !ptr.is_null() & (ptr as usize & core::mem::align_of::<T>().wrapping_sub(1) == 0)
}

/// `out_ok(ptr)` (or `ref_in`) would pass: non-NULL and aligned, tested
/// without branches, as `array_fast`.
#[inline(always)]
pub(crate) fn ptr_fast<T>(ptr: *const T) -> bool {
    !ptr.is_null() & (ptr as usize & core::mem::align_of::<T>().wrapping_sub(1) == 0)
}

/// An input array, checked (`slice_in`).
macro_rules! array_in {
    ($ptr:expr, $len:expr) => {
        // SAFETY: the function's contract: a non-NULL array pointer points to
        // `len` initialised elements valid for the call.
        check!(unsafe { $crate::boundary::slice_in($ptr, $len) })
    };
}

/// A writable array, checked (`slice_out`).
macro_rules! array_out {
    ($ptr:expr, $len:expr) => {
        // SAFETY: the function's contract: a non-NULL writable array pointer
        // is valid for `len` elements and not accessed by anything else.
        check!(unsafe { $crate::boundary::slice_out($ptr, $len) })
    };
}

/// An input struct, checked (`ref_in`).
macro_rules! struct_in {
    ($ptr:expr) => {
        // SAFETY: the function's contract: a non-NULL struct pointer points to
        // an initialised value valid for the call.
        check!(unsafe { $crate::boundary::ref_in($ptr) })
    };
}

/// An in/out struct: checked as an out-pointer (`out_ok`), then borrowed
/// mutably for the call. Assign to it only once every check has passed.
macro_rules! struct_inout {
    ($ptr:expr) => {{
        check!($crate::boundary::out_ok($ptr));
        // SAFETY: checked non-NULL and aligned; the function's contract makes
        // it an initialised value that nothing else accesses during the call.
        unsafe { &mut *$ptr }
    }};
}

/// An out-pointer, checked (writes come later, on success only).
macro_rules! out {
    ($ptr:expr) => {
        check!($crate::boundary::out_ok($ptr))
    };
}

/// Writes `value` through a checked out-pointer.
macro_rules! write_out {
    ($ptr:expr, $value:expr) => {
        // SAFETY: `$ptr` was checked non-NULL and aligned by `out!`; the
        // contract makes it valid for one write of its type. `write` neither
        // reads nor drops the old (possibly uninitialised) contents.
        unsafe { $ptr.write($value) }
    };
}

// ---------------------------------------------------------------------------
// Staging: a core's outputs kept off the caller's arrays until the call
// succeeds.

/// Writes `values` to the front of `buf` (as many as fit) and returns that
/// front as an initialised slice; the rest of `buf` is never written. A
/// stage of `MAX_POSITIONS` entries costs what the call uses, not a
/// zeroing of all of them.
pub(crate) fn stage<T: Copy>(buf: &mut [MaybeUninit<T>], values: impl Iterator<Item = T>) -> &mut [T] {
    match stage_try(buf, values.map(Ok::<T, core::convert::Infallible>)) {
        Ok(staged) => staged,
        Err(never) => match never {},
    }
}

/// `stage` of fallible values: the first error, or the staged front.
pub(crate) fn stage_try<T: Copy, E>(buf: &mut [MaybeUninit<T>], values: impl Iterator<Item = Result<T, E>>) -> Result<&mut [T], E> {
    let mut n = 0usize;
    for (slot, v) in buf.iter_mut().zip(values) {
        slot.write(v?);
        // At most `buf.len()`: one per slot.
        n = n.wrapping_add(1);
    }
    // SAFETY: the first `n ≤ buf.len()` elements were written just above;
    // `MaybeUninit<T>` has `T`'s layout; the exclusive borrow moves to the
    // result.
    Ok(unsafe { core::slice::from_raw_parts_mut(buf.as_mut_ptr().cast::<T>(), n) })
}

// ---------------------------------------------------------------------------
// Shared-state memory: `void *mem, size_t len` as atomic words.

/// Checks the pointer and length of caller memory (`NULL_POINTER`,
/// `BAD_LENGTH`, then the core's `SHARED_MEMORY_MISALIGNED`); returns its
/// whole words.
#[cfg(target_has_atomic = "64")]
pub(crate) fn words_of(mem: *const c_void, len: usize) -> Result<usize, partliq_status> {
    if mem.is_null() {
        return Err(PARTLIQ_STATUS_NULL_POINTER);
    }
    if isize::try_from(len).is_err() {
        return Err(PARTLIQ_STATUS_BAD_LENGTH);
    }
    partliq::shared::check_raw_memory(mem as usize, len, 0).map_err(status_of)?;
    Ok(len / partliq::shared::WORD_BYTES)
}

/// Caller memory as shared words.
///
/// # Safety
/// `mem` is valid for reads and writes of `len` bytes for `'a`, and
/// accessed by others only atomically (through the `partliq_x_*` functions).
#[cfg(target_has_atomic = "64")]
pub(crate) unsafe fn shared_words<'a>(mem: *const c_void, len: usize) -> Result<&'a [AtomicU64], partliq_status> {
    let words = words_of(mem, len)?;
    // SAFETY: non-NULL, 8-byte aligned (checked), `words × 8 ≤ len ≤
    // isize::MAX` bytes valid by the contract; `AtomicU64` has interior
    // mutability, so a shared slice may be used by many threads, and every
    // bit pattern is a valid `AtomicU64`.
    Ok(unsafe { core::slice::from_raw_parts(mem.cast::<AtomicU64>(), words) })
}

/// Caller memory as words to lay an object out in.
///
/// # Safety
/// As `shared_words` (the memory initialised, any contents: a slice of
/// `AtomicU64` over it must hold valid integers), and nothing else accesses
/// the memory during the call.
#[cfg(target_has_atomic = "64")]
pub(crate) unsafe fn init_words<'a>(mem: *mut c_void, len: usize) -> Result<&'a mut [AtomicU64], partliq_status> {
    let words = words_of(mem.cast_const(), len)?;
    // SAFETY: as `shared_words`; exclusive for the call by the contract.
    Ok(unsafe { core::slice::from_raw_parts_mut(mem.cast::<AtomicU64>(), words) })
}

/// Shared-state memory, checked (`shared_words`).
#[cfg(target_has_atomic = "64")]
macro_rules! shared_mem {
    ($mem:expr, $len:expr) => {
        // SAFETY: the function's contract: `mem` is valid for `len` bytes,
        // accessed only atomically through the `partliq_x_*` functions.
        check!(unsafe { $crate::boundary::shared_words($mem, $len) })
    };
}

/// Memory to lay a shared-state object out in, checked (`init_words`).
#[cfg(target_has_atomic = "64")]
macro_rules! init_mem {
    ($mem:expr, $len:expr) => {
        // SAFETY: the function's contract: `mem` is valid for `len` bytes and
        // nothing else accesses it during init.
        check!(unsafe { $crate::boundary::init_words($mem, $len) })
    };
}

// ---------------------------------------------------------------------------
// Enumerations.

/// An enumeration field of the ABI (a `uint32_t` with named values) and
/// what each named value means to the core.
pub(crate) trait AbiEnum {
    /// The core's value.
    type Core: Copy + 'static;
    /// Every named value, with its core value.
    const VALUES: &'static [(u32, Self::Core)];
}

/// Decodes an enumeration field: its core value, or `INVALID_ENUM` for a
/// value the ABI does not name.
pub(crate) fn decode<E: AbiEnum>(value: u32) -> Result<E::Core, partliq_status> {
    E::VALUES.iter().find(|(v, _)| *v == value).map(|(_, c)| *c).ok_or(PARTLIQ_STATUS_INVALID_ENUM)
}

/// Implements [`AbiEnum`]: `abi_enum!(partliq_x => Core { Variant => core value, … })`.
macro_rules! abi_enum {
    ($abi:ident => $core:ty { $($variant:ident => $value:expr),+ $(,)? }) => {
        impl $crate::boundary::AbiEnum for $abi {
            type Core = $core;
            const VALUES: &'static [(u32, $core)] = &[$(($abi::$variant as u32, $value)),+];
        }
    };
}

/// A 0/1 flag in a `uint32_t` field (`INVALID_ENUM` otherwise).
pub(crate) enum Flag {}

impl AbiEnum for Flag {
    type Core = bool;
    const VALUES: &'static [(u32, bool)] = &[(0, false), (1, true)];
}

// ---------------------------------------------------------------------------
// Layouts.

/// Pins an ABI struct's layout: its size, alignment and field offsets,
/// asserted at compile time. The same numbers are asserted from C
/// (`ffi-tests/c/layout.c`), Go and Java (`ffi-tests/go`, `ffi-tests/java`).
macro_rules! pin_layout {
    ($t:ty, size = $size:expr, align = $align:ty, { $($field:ident @ $off:expr),* $(,)? }) => {
        const _: () = {
            assert!(core::mem::size_of::<$t>() == $size);
            assert!(core::mem::align_of::<$t>() == core::mem::align_of::<$align>());
            $( assert!(core::mem::offset_of!($t, $field) == $off); )*
        };
    };
}

/// An ABI type laid out exactly as a core type, so that the caller's memory
/// is read (and, for the states and fills the core updates, written) in
/// place, without a copy.
///
/// Why not copy into core structs on the stack? ~20 KiB of markets per
/// call, and on x86-64 a frame that large gets an inline stack probe;
/// rustc 1.95's LLVM shrink-wrapped such a probe past a register still
/// holding an argument (r11) and clobbered it (seen in the first version of
/// this ABI: a wrong status from `partliq_pool_health` in release only).
///
/// # Safety
/// Implement only with `castable!`, which asserts at compile time that both
/// types have the same size, alignment and field offsets. The implementor
/// promises that every field of `Self` is a plain integer (every bit pattern
/// valid), that its `reserved` fields lie in the core type's padding, and
/// that every value `check` accepts is a valid `RustType`, bit for bit.
pub(crate) unsafe trait Castable: Sized {
    /// The core type with this layout.
    type RustType;

    /// The boundary's own checks of one value (reserved fields, enumerations
    /// the core type holds as Rust enums).
    fn check(&self) -> Result<(), partliq_status>;

    /// The caller's array as core values, once every element passes `check`.
    fn cast_slice(s: &[Self]) -> Result<&[Self::RustType], partliq_status> {
        // Element by element over a slice pattern: no byte length to
        // compute before the first (the arrays are often of one element).
        let mut rest = s;
        while let [v, tail @ ..] = rest {
            v.check()?;
            rest = tail;
        }
        // SAFETY: the trait's contract (same layout, every checked value a
        // valid `RustType`); the length and lifetime are the input slice's.
        Ok(unsafe { core::slice::from_raw_parts(s.as_ptr().cast::<Self::RustType>(), s.len()) })
    }

    /// The caller's writable array as core values, once every element passes
    /// `check`. What the core writes is valid for `Self` too: all its fields
    /// are integers.
    fn cast_slice_mut(s: &mut [Self]) -> Result<&mut [Self::RustType], partliq_status> {
        s.iter().try_for_each(Self::check)?;
        // SAFETY: as `cast_slice`; the exclusive borrow moves to the result.
        Ok(unsafe { core::slice::from_raw_parts_mut(s.as_mut_ptr().cast::<Self::RustType>(), s.len()) })
    }

    /// One writable value as the core's, once it passes `check`.
    fn cast_mut(&mut self) -> Result<&mut Self::RustType, partliq_status> {
        self.check()?;
        // SAFETY: as `cast_slice_mut`, for one value.
        Ok(unsafe { &mut *(self as *mut Self).cast::<Self::RustType>() })
    }

    /// One value as the core's, once it passes `check`.
    fn cast_ref(&self) -> Result<&Self::RustType, partliq_status> {
        self.check()?;
        // SAFETY: as `cast_slice`, for one value.
        Ok(unsafe { &*(self as *const Self).cast::<Self::RustType>() })
    }
}

/// A [`Castable`] type whose `check` guards only fields lying in the core
/// type's padding (`reserved` fields, which must be 0): every value of it is
/// a valid `RustType` as it is, so that a large array of it (positions,
/// balances) is read in place without a pass over every element, and the
/// elements a call reads are checked on their own (`check_ranges`).
///
/// There is one rule, `reserved()`: such a type's `Castable::check` is
/// `padding_check` (`RESERVED_NOT_ZERO` exactly when `reserved()` is not
/// 0), which `castable!`'s padding form writes for it.
///
/// # Safety
/// Implement only with `castable!`'s padding form (`castable!(abi => Core,
/// padding |v| reserved, { … })`), which derives `check` from `reserved()`,
/// and only for types whose `reserved()` reads nothing but fields in the
/// core type's padding.
pub(crate) unsafe trait PaddingChecked: Castable {
    /// The reserved fields, ORed (0 when they all are).
    fn reserved(&self) -> u32;

    /// The caller's whole array as core values, no element checked: the
    /// call checks the elements it reads (`check_ranges`).
    fn cast_unchecked(s: &[Self]) -> &[Self::RustType] {
        // SAFETY: the trait's contract (every value is a valid `RustType`) and
        // `Castable`'s (same layout); the length and lifetime are the input's.
        unsafe { core::slice::from_raw_parts(s.as_ptr().cast::<Self::RustType>(), s.len()) }
    }
}

/// The status of a reserved-fields word (the ORed fields): `OK` for 0,
/// else `RESERVED_NOT_ZERO`.
pub(crate) fn reserved_status(reserved: u32) -> Result<(), partliq_status> {
    if reserved == 0 {
        Ok(())
    } else {
        Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO)
    }
}

/// `Castable::check` of a [`PaddingChecked`] type, derived from its
/// `reserved()`: `RESERVED_NOT_ZERO` exactly when that is not 0.
pub(crate) fn padding_check<T: PaddingChecked>(v: &T) -> Result<(), partliq_status> {
    reserved_status(v.reserved())
}

/// Elements `first .. first + count` of `s` (one account's range), or none
/// when that lies outside `s`: the core refuses such a range with its own
/// error (`UNKNOWN_POSITION`) when it reads it.
pub(crate) fn range_of<T>(s: &[T], first: u32, count: u32) -> &[T] {
    range_in(s, first, count).unwrap_or(&[])
}

/// Elements `first .. first + count` of `s`, if that lies within `s` (the
/// ranges of the core's `UnifiedScanAccount::view`).
pub(crate) fn range_in<T>(s: &[T], first: u32, count: u32) -> Option<&[T]> {
    let first = first as usize;
    first.checked_add(count as usize).and_then(|end| s.get(first..end))
}

/// Checks the elements of `s` in `ranges` (`(first, count)` each, the
/// ranges of the accounts a call reads; see `range_of`): `RESERVED_NOT_ZERO`
/// when a reserved field of any of them is not 0. One branch-free pass (the
/// fields ORed), no early exit: the ranges are few and short.
pub(crate) fn check_ranges<T: PaddingChecked>(s: &[T], ranges: impl Iterator<Item = (u32, u32)>) -> Result<(), partliq_status> {
    reserved_status(ranges.fold(0u32, |acc, (first, count)| range_of(s, first, count).iter().fold(acc, |acc, e| acc | e.reserved())))
}

/// Implements [`Castable`] after asserting the layouts:
/// `castable!(abi => Core, |value| check, { abi_field = core_field, … })`
/// naming every field of the core type.
///
/// The padding form, `castable!(abi => Core, padding |value| reserved, {
/// … })`, implements [`PaddingChecked`] too, `reserved` being its
/// `reserved()` (the reserved fields ORed), and `check` is derived from it
/// (`padding_check`): the one rule of such a type.
macro_rules! castable {
    ($abi:ty => $core:ty, padding |$v:ident| $reserved:expr, { $($a:ident = $c:ident),* $(,)? }) => {
        castable!($abi => $core, |v| $crate::boundary::padding_check(v), { $($a = $c),* });
        // SAFETY: `check` is `padding_check`, derived from `reserved()`; the
        // caller of this form names only fields lying in the core type's
        // padding in `reserved` (`PaddingChecked`'s contract).
        unsafe impl $crate::boundary::PaddingChecked for $abi {
            fn reserved(&self) -> u32 {
                let $v = self;
                $reserved
            }
        }
    };
    ($abi:ty => $core:ty, |$v:ident| $check:expr, { $($a:ident = $c:ident),* $(,)? }) => {
        const _: () = {
            assert!(core::mem::size_of::<$abi>() == core::mem::size_of::<$core>());
            assert!(core::mem::align_of::<$abi>() == core::mem::align_of::<$core>());
            $( assert!(core::mem::offset_of!($abi, $a) == core::mem::offset_of!($core, $c)); )*
        };
        // SAFETY: size, alignment and the offset of every field of the core
        // type asserted just above; the ABI type's fields are integers; `check`
        // rejects every value that is not a valid core value.
        unsafe impl $crate::boundary::Castable for $abi {
            type RustType = $core;
            fn check(&self) -> Result<(), $crate::status::partliq_status> {
                let $v = self;
                $check
            }
        }
    };
}

// The prices array: `Price` is `#[repr(transparent)]` over `i64`.
castable!(i64 => Price, |_p| Ok(()), {});

// ---------------------------------------------------------------------------
// The pool.

/// The flat pool arguments (`markets, markets_len, prices, prices_len,
/// collateral, positions, positions_len`), each array checked (`array_in!`),
/// as a [`PoolArgs`]; its `view()` makes the checks of the values.
macro_rules! pool_in {
    ($markets:expr, $markets_len:expr, $prices:expr, $prices_len:expr, $collateral:expr, $positions:expr, $positions_len:expr) => {
        // SAFETY: the function's contract: a non-NULL array pointer points to
        // `len` initialised elements valid for the call.
        check!(unsafe {
            $crate::boundary::pool_args($markets, $markets_len, $prices, $prices_len, $collateral, $positions, $positions_len)
        })
    };
}

/// The pool's arrays checked as `array_in!` checks each, in argument order
/// (`slice_in`: NULL, `BAD_LENGTH`, `MISALIGNED_POINTER`), with one branch
/// for the common case: every array non-empty, non-NULL, aligned and within
/// its length bound, tested together. Anything else (an empty array, a
/// refusal) takes the arrays one by one, so the statuses and their order
/// are `array_in!`'s.
///
/// # Safety
/// As `slice_in`, for each array.
#[inline(always)]
pub(crate) unsafe fn pool_args<'a>(
    markets: *const partliq_market,
    markets_len: usize,
    prices: *const i64,
    prices_len: usize,
    collateral: i64,
    positions: *const partliq_position,
    positions_len: usize,
) -> Result<PoolArgs<'a>, partliq_status> {
    // `len − 1 < max` is `1 ≤ len ≤ max`; the masks are the alignments' low bits.
    let lengths = (markets_len.wrapping_sub(1) < max_len::<partliq_market>())
        & (prices_len.wrapping_sub(1) < max_len::<i64>())
        & (positions_len.wrapping_sub(1) < max_len::<partliq_position>());
    let non_null = !markets.is_null() & !prices.is_null() & !positions.is_null();
    let low_bits = (markets as usize & (core::mem::align_of::<partliq_market>().wrapping_sub(1)))
        | (prices as usize & (core::mem::align_of::<i64>().wrapping_sub(1)))
        | (positions as usize & (core::mem::align_of::<partliq_position>().wrapping_sub(1)));
    if lengths & non_null & (low_bits == 0) {
        // SAFETY: each pointer non-NULL and aligned, each byte size ≤
        // isize::MAX (checked just above, as `slice_in` checks them);
        // validity for `len` reads is the caller's contract.
        return Ok(unsafe {
            PoolArgs {
                markets: core::slice::from_raw_parts(markets, markets_len),
                prices: core::slice::from_raw_parts(prices, prices_len),
                collateral,
                positions: core::slice::from_raw_parts(positions, positions_len),
            }
        });
    }
    // SAFETY: the caller's contract, array by array.
    unsafe {
        Ok(PoolArgs {
            markets: slice_in(markets, markets_len)?,
            prices: slice_in(prices, prices_len)?,
            collateral,
            positions: slice_in(positions, positions_len)?,
        })
    }
}

/// The caller's pool arguments, their pointers and lengths checked.
pub(crate) struct PoolArgs<'a> {
    pub(crate) markets: &'a [partliq_market],
    pub(crate) prices: &'a [i64],
    pub(crate) collateral: i64,
    pub(crate) positions: &'a [partliq_position],
}

impl<'a> PoolArgs<'a> {
    /// The pool as the core sees it, read in place, once the ABI's checks
    /// of its values pass: every position's reserved field
    /// (`RESERVED_NOT_ZERO`), then every market's fee rounding
    /// (`INVALID_ENUM`, named by a position or not).
    pub(crate) fn view(&self) -> Result<PoolRef<'a>, partliq_status> {
        let positions = Castable::cast_slice(self.positions)?;
        Ok(PoolRef {
            markets: Castable::cast_slice(self.markets)?,
            prices: Castable::cast_slice(self.prices)?,
            collateral: Quote(self.collateral),
            positions,
        })
    }
}

/// The caller's pool as the core's types, without copying.
pub(crate) struct PoolRef<'a> {
    pub(crate) markets: &'a [Market],
    pub(crate) prices: &'a [Price],
    pub(crate) collateral: Quote,
    pub(crate) positions: &'a [Position],
}

impl<'a> PoolRef<'a> {
    /// The core's pool.
    pub(crate) fn pool(&self) -> Pool<'a> {
        Pool::new(self.collateral, self.positions)
    }
}

// ---------------------------------------------------------------------------
// The unified account and its book.

/// The flat arguments of a unified account and its book, in the ABI's order
/// (the book: `markets, markets_len, prices, prices_len, funding_indexes,
/// funding_indexes_len, perp_risk, perp_risk_len, assets, assets_len,
/// asset_prices, asset_prices_len`; the account: `balances, balances_len,
/// positions, positions_len`), each array checked in that order
/// (`array_in!`), as a [`UnifiedArgs`]; its `view()` makes the checks of the
/// values. Invoked with braces (`unified_in! { … }`), so that the sixteen
/// names stay on two lines.
macro_rules! unified_in {
    (
        $markets:expr, $markets_len:expr, $prices:expr, $prices_len:expr, $funding:expr, $funding_len:expr,
        $risk:expr, $risk_len:expr, $assets:expr, $assets_len:expr, $asset_prices:expr, $asset_prices_len:expr,
        $balances:expr, $balances_len:expr, $positions:expr, $positions_len:expr $(,)?
    ) => {
        $crate::boundary::UnifiedArgs {
            book: $crate::boundary::BookArgs {
                markets: array_in!($markets, $markets_len),
                prices: array_in!($prices, $prices_len),
                funding_indexes: array_in!($funding, $funding_len),
                perp_risk: array_in!($risk, $risk_len),
                assets: array_in!($assets, $assets_len),
                asset_prices: array_in!($asset_prices, $asset_prices_len),
            },
            account: $crate::boundary::UnifiedAccountArgs {
                balances: array_in!($balances, $balances_len),
                positions: array_in!($positions, $positions_len),
            },
        }
    };
}

/// The caller's unified account and book arguments, their pointers and
/// lengths checked (`unified_in!`).
pub(crate) struct UnifiedArgs<'a> {
    pub(crate) book: BookArgs<'a>,
    pub(crate) account: UnifiedAccountArgs<'a>,
}

impl<'a> UnifiedArgs<'a> {
    /// The book and the account as the core sees them, read in place, once
    /// the ABI's checks of their values pass, in argument order: the book's
    /// (`BookArgs::view`), then the account's (`UnifiedAccountArgs::view`).
    pub(crate) fn view(&self) -> Result<(MarginBook<'a>, UnifiedAccount<'a>), partliq_status> {
        Ok((self.book.view()?, self.account.view()?))
    }

    /// As `view`, for a call that reads the account's balances only (the
    /// lending calls): the book's checks, then the balances' (reserved
    /// field, `RESERVED_NOT_ZERO`). The positions array had its pointer
    /// checks (`unified_in!`) but its values are neither checked nor read:
    /// the core is given an account with no positions.
    pub(crate) fn view_balances(&self) -> Result<(MarginBook<'a>, UnifiedAccount<'a>), partliq_status> {
        Ok((self.book.view()?, UnifiedAccount { balances: Castable::cast_slice(self.account.balances)?, positions: &[] }))
    }
}

/// The caller's book arguments, their pointers and lengths checked.
pub(crate) struct BookArgs<'a> {
    pub(crate) markets: &'a [partliq_market],
    pub(crate) prices: &'a [i64],
    pub(crate) funding_indexes: &'a [i64],
    pub(crate) perp_risk: &'a [partliq_perp_risk],
    pub(crate) assets: &'a [partliq_asset],
    pub(crate) asset_prices: &'a [i64],
}

impl<'a> BookArgs<'a> {
    /// The book as the core sees it, read in place, once the ABI's checks of
    /// its values pass, in argument order: every market's fee rounding
    /// (`INVALID_ENUM`), then every asset's reserved field
    /// (`RESERVED_NOT_ZERO`).
    pub(crate) fn view(&self) -> Result<MarginBook<'a>, partliq_status> {
        Ok(MarginBook {
            markets: Castable::cast_slice(self.markets)?,
            prices: Castable::cast_slice(self.prices)?,
            funding_indexes: self.funding_indexes,
            perp_risk: Castable::cast_slice(self.perp_risk)?,
            assets: Castable::cast_slice(self.assets)?,
            asset_prices: Castable::cast_slice(self.asset_prices)?,
        })
    }
}

/// The caller's unified account arguments, their pointers and lengths
/// checked.
pub(crate) struct UnifiedAccountArgs<'a> {
    pub(crate) balances: &'a [partliq_asset_balance],
    pub(crate) positions: &'a [partliq_perp_position],
}

impl<'a> UnifiedAccountArgs<'a> {
    /// The account as the core sees it, read in place, once the ABI's checks
    /// of its values pass: every balance's reserved field
    /// (`RESERVED_NOT_ZERO`), then every position's margin (`INVALID_ENUM`;
    /// no invalid `PositionMargin` is ever formed).
    pub(crate) fn view(&self) -> Result<UnifiedAccount<'a>, partliq_status> {
        Ok(UnifiedAccount { balances: Castable::cast_slice(self.balances)?, positions: Castable::cast_slice(self.positions)? })
    }

    /// Account `a` of the flat batch as the core sees it (the core's
    /// `UnifiedScanAccount::view`), read in place, checking its elements
    /// only: its ranges (`UNKNOWN_POSITION` when one lies outside its
    /// array), then its balances' reserved fields (`RESERVED_NOT_ZERO`), then
    /// its positions' margins (`INVALID_ENUM`). No other balance or position
    /// is read or checked.
    pub(crate) fn account_view(&self, a: &UnifiedScanAccount) -> Result<UnifiedAccount<'a>, partliq_status> {
        let balances = range_in(self.balances, a.first_balance, a.balance_count).ok_or(PARTLIQ_STATUS_UNKNOWN_POSITION)?;
        let positions = range_in(self.positions, a.first_position, a.position_count).ok_or(PARTLIQ_STATUS_UNKNOWN_POSITION)?;
        Ok(UnifiedAccount { balances: Castable::cast_slice(balances)?, positions: Castable::cast_slice(positions)? })
    }

    /// The flat account arrays for a call that reads only the accounts
    /// `reads` (indices into `accounts`; one that names no account, or a
    /// range outside its array, is left to the core: `UNKNOWN_POSITION`),
    /// once the elements of those accounts pass the ABI's checks: their
    /// balances' reserved fields (`RESERVED_NOT_ZERO`), then their
    /// positions' margins (`INVALID_ENUM`). No other balance or position is
    /// read or checked: the core reads the accounts through
    /// [`FlatReads::view`], one account's ranges at a time.
    pub(crate) fn reading(
        &self,
        accounts: &[partliq_unified_scan_account],
        reads: impl Iterator<Item = u32> + Clone,
    ) -> Result<FlatReads<'a>, partliq_status> {
        let read = reads.filter_map(|i| accounts.get(i as usize));
        check_ranges(self.balances, read.clone().map(|a| (a.first_balance, a.balance_count)))?;
        for a in read {
            perp_positions_in(range_of(self.positions, a.first_position, a.position_count))?;
        }
        Ok(FlatReads { balances: PaddingChecked::cast_unchecked(self.balances), positions: self.positions })
    }
}

/// The flat account arrays of a call that reads some accounts only
/// ([`UnifiedAccountArgs::reading`]): the balances as the core's (padding
/// checked where read), the positions as the caller's, made the core's one
/// account at a time.
pub(crate) struct FlatReads<'a> {
    balances: &'a [AssetBalance],
    positions: &'a [partliq_perp_position],
}

impl<'a> FlatReads<'a> {
    /// Account `a` as the core sees it (the core's
    /// `UnifiedScanAccount::view`): `UnknownPosition` when a range lies
    /// outside its array; its positions' margins checked again before they
    /// become the core's type, so no unnamed `PositionMargin` is ever formed
    /// (`OutOfRange` for one, which an account checked by `reading` cannot
    /// have).
    pub(crate) fn view(&self, a: &UnifiedScanAccount) -> partliq::error::Result<UnifiedAccount<'a>> {
        let balances = range_in(self.balances, a.first_balance, a.balance_count).ok_or(partliq::error::Error::UnknownPosition)?;
        let positions = range_in(self.positions, a.first_position, a.position_count).ok_or(partliq::error::Error::UnknownPosition)?;
        let positions = perp_positions_in(positions).map_err(|_| partliq::error::Error::OutOfRange)?;
        Ok(UnifiedAccount { balances, positions })
    }
}

/// A position (or pool) index of the ABI as the core's
/// (`UNKNOWN_POSITION` when it does not fit a `usize`).
pub(crate) fn index(i: u32) -> Result<usize, partliq_status> {
    usize::try_from(i).map_err(|_| PARTLIQ_STATUS_UNKNOWN_POSITION)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    //! The boundary's checks of NULL, misaligned, aliased and undersized
    //! arguments, through the helpers and through entry points. These are the
    //! tests Miri runs (`cargo +nightly miri test -p partliq-ffi boundary::`):
    //! no pointer the boundary refuses is ever dereferenced, and the ones it
    //! accepts are used within their bounds and borrows.
    use super::*;
    use crate::fixtures::{market, position, run_pipeline};
    use crate::*;
    use core::ffi::c_void;

    /// Eight-byte-aligned storage, viewed at any byte offset (to make
    /// misaligned pointers that point into valid memory).
    #[repr(C, align(8))]
    struct Aligned([u8; 512]);

    #[test]
    fn null_pointers() {
        // SAFETY: NULL with length 0 is allowed and never read.
        let s = unsafe { slice_in::<i64>(core::ptr::null(), 0) }.unwrap();
        assert!(s.is_empty());
        // SAFETY: NULL with a length is refused before any read.
        assert_eq!(unsafe { slice_in::<i64>(core::ptr::null(), 1) }, Err(PARTLIQ_STATUS_NULL_POINTER));
        // SAFETY: as above.
        assert_eq!(unsafe { ref_in::<partliq_market>(core::ptr::null()) }.err(), Some(PARTLIQ_STATUS_NULL_POINTER));
        assert_eq!(out_ok::<u64>(core::ptr::null_mut()), Err(PARTLIQ_STATUS_NULL_POINTER));
        assert_eq!(out_array_ok::<u64>(core::ptr::null_mut(), 0), Ok(()));
        assert_eq!(out_array_ok::<u64>(core::ptr::null_mut(), 3), Err(PARTLIQ_STATUS_NULL_POINTER));
        // SAFETY: as above.
        assert!(unsafe { slice_out::<u32>(core::ptr::null_mut(), 0) }.unwrap().is_empty());

        // Through the entry points: every pointer argument, NULL in turn.
        let ms = [market()];
        let ps = [position()];
        let prices = [100i64];
        let mut h = partliq_health::default();
        // SAFETY: every non-NULL pointer is valid; NULLs are refused first.
        unsafe {
            assert_eq!(
                partliq_pool_health(core::ptr::null(), 1, prices.as_ptr(), 1, 0, ps.as_ptr(), 1, &mut h),
                PARTLIQ_STATUS_NULL_POINTER
            );
            assert_eq!(partliq_pool_health(ms.as_ptr(), 1, core::ptr::null(), 1, 0, ps.as_ptr(), 1, &mut h), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(
                partliq_pool_health(ms.as_ptr(), 1, prices.as_ptr(), 1, 0, core::ptr::null(), 1, &mut h),
                PARTLIQ_STATUS_NULL_POINTER
            );
            assert_eq!(
                partliq_pool_health(ms.as_ptr(), 1, prices.as_ptr(), 1, 0, ps.as_ptr(), 1, core::ptr::null_mut()),
                PARTLIQ_STATUS_NULL_POINTER
            );
            // NULL arrays of length 0 are empty arrays: an empty pool is healthy.
            assert_eq!(partliq_pool_health(core::ptr::null(), 0, core::ptr::null(), 0, 7, core::ptr::null(), 0, &mut h), OK);
            assert_eq!((h.equity, h.maintenance_requirement, h.state), (7, 0, partliq_health_state::Healthy as u32));
            assert_eq!(partliq_market_validate(core::ptr::null()), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_policy_validate(core::ptr::null()), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_preset_bitmex(core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(partliq_insurance_fund_credit(core::ptr::null_mut(), 1), PARTLIQ_STATUS_NULL_POINTER);
            let mut legs = [partliq_plan_leg::default(); 1];
            let mut plan = partliq_plan::default();
            let params = partliq_plan_params::default();
            let plan_call = |legs: *mut partliq_plan_leg, legs_len: usize, out: *mut partliq_plan| {
                partliq_plan_liquidation(ms.as_ptr(), 1, prices.as_ptr(), 1, 0, ps.as_ptr(), 1, &params, legs, legs_len, out)
            };
            assert_eq!(plan_call(core::ptr::null_mut(), 1, &mut plan), PARTLIQ_STATUS_NULL_POINTER);
            // NULL legs with length 0: the legs are checked by the core, too few.
            assert_eq!(plan_call(core::ptr::null_mut(), 0, &mut plan), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
            assert_eq!(plan_call(legs.as_mut_ptr(), 1, core::ptr::null_mut()), PARTLIQ_STATUS_NULL_POINTER);
            assert_eq!(plan_call(legs.as_mut_ptr(), 1, &mut plan), OK);
            assert_eq!(plan.leg_count, 1);
            #[cfg(target_has_atomic = "64")]
            {
                let mut b = 0i64;
                assert_eq!(partliq_fund_credit(core::ptr::null(), 64, 1, &mut b), PARTLIQ_STATUS_NULL_POINTER);
                assert_eq!(partliq_fund_init(core::ptr::null_mut(), 0, 1, 0), PARTLIQ_STATUS_NULL_POINTER);
            }
        }
    }

    #[test]
    fn misaligned_pointers() {
        let mut buf = Aligned([0; 512]);
        let base = buf.0.as_mut_ptr();
        // SAFETY: offsets within the 512-byte buffer.
        let (at1, at4) = unsafe { (base.add(1), base.add(4)) };
        assert!(aligned(base.cast_const().cast::<u64>()));
        assert!(!aligned(at1.cast_const().cast::<u64>()));
        assert!(!aligned(at4.cast_const().cast::<i64>()));
        assert!(aligned(at4.cast_const().cast::<u32>()));
        // SAFETY: misaligned pointers are refused before any read.
        unsafe {
            assert_eq!(slice_in(at4.cast_const().cast::<i64>(), 2), Err(PARTLIQ_STATUS_MISALIGNED_POINTER));
            assert_eq!(ref_in(at1.cast_const().cast::<partliq_market>()).err(), Some(PARTLIQ_STATUS_MISALIGNED_POINTER));
            assert_eq!(slice_out(at4.cast::<u64>(), 1).err(), Some(PARTLIQ_STATUS_MISALIGNED_POINTER));
            // A `u32` array is fine at a 4-byte offset.
            assert_eq!(slice_in(at4.cast_const().cast::<u32>(), 2), Ok(&[0u32, 0][..]));
        }
        assert_eq!(out_ok(at1.cast::<u32>()), Err(PARTLIQ_STATUS_MISALIGNED_POINTER));
        assert_eq!(out_array_ok(at4.cast::<partliq_plan_leg>(), 1), Err(PARTLIQ_STATUS_MISALIGNED_POINTER));

        // Through the entry points, every output untouched.
        let ms = [market()];
        let ps = [position()];
        let prices = [100i64];
        let mut h = partliq_health { equity: 42, ..Default::default() };
        // SAFETY: valid pointers but for the misaligned ones, refused first.
        unsafe {
            let misaligned_prices = at4.cast_const().cast::<i64>();
            assert_eq!(
                partliq_pool_health(ms.as_ptr(), 1, misaligned_prices, 1, 0, ps.as_ptr(), 1, &mut h),
                PARTLIQ_STATUS_MISALIGNED_POINTER
            );
            assert_eq!(
                partliq_pool_health(ms.as_ptr(), 1, prices.as_ptr(), 1, 0, ps.as_ptr(), 1, at4.cast::<partliq_health>()),
                PARTLIQ_STATUS_MISALIGNED_POINTER
            );
            assert_eq!(h.equity, 42);
            let mut price = -1i64;
            assert_eq!(
                partliq_limit_price(ms.as_ptr(), 1, prices.as_ptr(), 1, 0, ps.as_ptr(), 1, 0, 0, at1.cast::<i64>()),
                PARTLIQ_STATUS_MISALIGNED_POINTER
            );
            // The mark 100 moved 5 % against the long is 95, below its
            // bankruptcy price 9,600 / 100 = 96: the limit stops there.
            assert_eq!(partliq_limit_price(ms.as_ptr(), 1, prices.as_ptr(), 1, 0, ps.as_ptr(), 1, 0, 50_000, &mut price), OK);
            assert_eq!(price, 96);
            #[cfg(target_has_atomic = "64")]
            {
                let mut b = 0i64;
                assert_eq!(partliq_fund_init(at4.cast::<c_void>(), 256, 1, 0), PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED);
                assert_eq!(partliq_fund_credit(at1.cast_const().cast::<c_void>(), 256, 1, &mut b), PARTLIQ_STATUS_SHARED_MEMORY_MISALIGNED);
            }
        }
        assert!(buf.0.iter().all(|b| *b == 0), "nothing was written through a misaligned pointer");
    }

    #[test]
    fn undersized_and_impossible_lengths() {
        let mut buf = Aligned([0; 512]);
        let p = buf.0.as_mut_ptr();
        // A length whose byte size exceeds isize::MAX: refused without forming
        // a slice (which would be undefined behaviour at once).
        let huge = max_len::<i64>() + 1;
        assert_eq!(max_len::<i64>(), isize::MAX as usize / 8);
        assert_eq!(max_len::<()>(), usize::MAX);
        // SAFETY: refused before any read.
        unsafe {
            assert_eq!(slice_in(p.cast_const().cast::<i64>(), huge), Err(PARTLIQ_STATUS_BAD_LENGTH));
            assert_eq!(slice_out(p.cast::<i64>(), huge).err(), Some(PARTLIQ_STATUS_BAD_LENGTH));
        }
        assert_eq!(out_array_ok(p.cast::<partliq_plan_leg>(), usize::MAX), Err(PARTLIQ_STATUS_BAD_LENGTH));

        let ms = [market()];
        let ps = [position(), partliq_position { market_index: 0, reserved: 0, size: -3, quote_balance: 300 }];
        let prices = [100i64];
        // SAFETY: valid arrays; lengths as stated.
        unsafe {
            let mut h = partliq_health::default();
            assert_eq!(partliq_pool_health(ms.as_ptr(), huge, prices.as_ptr(), 1, 0, ps.as_ptr(), 2, &mut h), PARTLIQ_STATUS_BAD_LENGTH);
            // Fewer prices than the markets the positions name.
            assert_eq!(partliq_pool_health(ms.as_ptr(), 1, prices.as_ptr(), 0, 0, ps.as_ptr(), 2, &mut h), PARTLIQ_STATUS_MISSING_PRICE);

            // Legs: fewer than the positions, untouched; an impossible length.
            let params = partliq_plan_params::default();
            let mut legs = [partliq_plan_leg { size_delta: 5, ..Default::default() }; 2];
            let mut plan = partliq_plan::default();
            let plan_call = |legs: *mut partliq_plan_leg, legs_len: usize, out: *mut partliq_plan| {
                partliq_plan_liquidation(ms.as_ptr(), 1, prices.as_ptr(), 1, 0, ps.as_ptr(), 2, &params, legs, legs_len, out)
            };
            assert_eq!(plan_call(legs.as_mut_ptr(), 1, &mut plan), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
            assert_eq!(plan_call(legs.as_mut_ptr(), usize::MAX, &mut plan), PARTLIQ_STATUS_BAD_LENGTH);
            assert_eq!(legs[0].size_delta, 5);
            // Room to spare: only the plan's legs are written.
            let mut more = [partliq_plan_leg { size_delta: 5, ..Default::default() }; 4];
            assert_eq!(plan_call(more.as_mut_ptr(), 4, &mut plan), OK);
            let n = plan.leg_count as usize;
            assert!((1..=2).contains(&n));
            assert!(more[n..].iter().all(|l| l.size_delta == 5));

            // ADL: order and fills shorter than the opposite side.
            let cs = [
                partliq_adl_candidate { account: 1, size: -5, entry_notional: 1, ..Default::default() },
                partliq_adl_candidate { account: 2, size: -5, entry_notional: 1, ..Default::default() },
            ];
            let mut order = [9u32; 2];
            let fill9 = partliq_adl_fill { candidate: 9, account: 9, size_delta: 9, price: 9 };
            let mut fills = [fill9; 2];
            let mut n = 7usize;
            assert_eq!(partliq_rank_adl(3, cs.as_ptr(), 2, order.as_mut_ptr(), 1, &mut n), PARTLIQ_STATUS_BUFFER_TOO_SMALL);
            assert_eq!((order, n), ([9, 9], 7), "rank_adl's order is its output: untouched");
            assert_eq!(
                partliq_deleverage(3, 10, 1, cs.as_ptr(), 2, 0, order.as_mut_ptr(), 2, fills.as_mut_ptr(), 1, &mut n),
                PARTLIQ_STATUS_BUFFER_TOO_SMALL
            );
            // deleverage's order is scratch (ranked into before the fills are
            // found short); its fills and count are untouched.
            assert_eq!((fills, n), ([fill9; 2], 7));
            assert_eq!(partliq_rank_adl(3, cs.as_ptr(), 2, order.as_mut_ptr(), 2, &mut n), OK);
            assert_eq!((order, n), ([0, 1], 2));

            #[cfg(target_has_atomic = "64")]
            {
                // Shared memory: too small for its layout, and an odd length
                // (its whole words only).
                let need = partliq_fund_size();
                assert_eq!(partliq_fund_init(p.cast::<c_void>(), need - 8, 1, 0), PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL);
                assert_eq!(partliq_fund_init(p.cast::<c_void>(), need + 7, 1_000, 0), OK);
                let mut b = 0i64;
                assert_eq!(
                    partliq_fund_credit(p.cast_const().cast::<c_void>(), need - 1, 1, &mut b),
                    PARTLIQ_STATUS_SHARED_MEMORY_TOO_SMALL
                );
                assert_eq!(partliq_fund_credit(p.cast_const().cast::<c_void>(), usize::MAX, 1, &mut b), PARTLIQ_STATUS_BAD_LENGTH);
                assert_eq!(partliq_fund_credit(p.cast_const().cast::<c_void>(), need, 1, &mut b), OK);
                assert_eq!(b, 1_001);
            }
        }
    }

    #[test]
    fn aliased_and_in_place_arguments() {
        // Two out-pointers to one place: each is written through its raw
        // pointer, never through a reference, so the last write wins.
        #[cfg(target_has_atomic = "64")]
        {
            let mut mem = [0u64; 64];
            let len = core::mem::size_of_val(&mem);
            let p: *mut c_void = mem.as_mut_ptr().cast();
            let limits = [partliq_capacity_limits { window_len: 10, window_budget: 100, block_budget: 50 }];
            let mut r = partliq_capacity_reservation::default();
            let mut both = u64::MAX;
            // One raw pointer for both outputs (two `&mut both` would be two
            // exclusive borrows of one place: the caller's own aliasing bug).
            let both_ptr = core::ptr::addr_of_mut!(both);
            // SAFETY: `mem` is ours, aligned, `len` bytes; valid outputs.
            unsafe {
                assert_eq!(partliq_capacity_init(p, len, limits.as_ptr(), 1, 2), OK);
                assert_eq!(partliq_capacity_reserve(p, len, 0, 30, 5, 1, 0, &mut r), OK);
                assert_eq!(partliq_capacity_used(p, len, 0, 5, 1, both_ptr, both_ptr), OK);
            }
            assert_eq!(both, 30);
        }

        // In-place arguments are read, then written, never both at once.
        let mut f = partliq_insurance_fund::default();
        let mut c = partliq_coverage::default();
        // SAFETY: valid pointers.
        unsafe {
            assert_eq!(partliq_insurance_fund_new(1_000, 100, &mut f), OK);
            assert_eq!(partliq_insurance_fund_cover(&mut f, 300, &mut c), OK);
        }
        assert_eq!((f.balance, c.covered, c.uncovered), (700, 300, 0));

        let mut preset = partliq_preset::default();
        let mut m = market();
        let mut st = partliq_account_liquidation_state { block: 3, ..Default::default() };
        // SAFETY: valid pointers.
        unsafe {
            assert_eq!(partliq_preset_perp_v2(1_000_000, 10_000, &mut preset), OK);
            assert_eq!(partliq_preset_apply(&preset, &mut m), OK);
            assert_eq!(partliq_account_state_record_insurance_loss(&mut st, 3, 40), OK);
            assert_eq!(partliq_account_state_record_insurance_loss(&mut st, 3, i64::MAX), PARTLIQ_STATUS_OVERFLOW);
        }
        assert_eq!((m.liquidation_fee_ppm, m.liquidation_fee_rounding, m.id), (25_000, partliq_fee_rounding::Down as u32, 1));
        assert_eq!((st.block, st.block_insurance_loss), (3, 40));

        // The pipeline reads and updates the caller's states in place; one
        // array of legs; the same prices array read for the one market.
        let ms = [market()];
        let ps = [position()];
        let prices = [100i64];
        let mut sx = partliq_preset::default();
        let mut states = [partliq_market_capacity_state::default(); 1];
        let mut legs = [partliq_plan_leg::default(); 1];
        let mut d = partliq_decision::default();
        let mut st = partliq_account_liquidation_state::default();
        // SAFETY: a valid out-pointer.
        assert_eq!(unsafe { partliq_preset_synthetix_v3(1_000_000, 60, &mut sx) }, OK);
        assert_eq!(run_pipeline(&ms, &prices, &ps, &sx.policy, &mut st, &mut states, 10, 1, &mut legs, &mut d), OK);
        assert_eq!((d.action, d.plan.leg_count), (partliq_action::Liquidate as u32, 1));
        assert_eq!(states[0].window_start, 10);
        assert_eq!(states[0].used, -legs[0].size_delta * 100);
        // The one step restores the target: no liquidation stays under way.
        assert_eq!((d.reason, st.in_liquidation), (partliq_reason::TargetRestored as u32, 0));
    }

    /// The casts check every value first: a reserved field or an unnamed fee
    /// rounding anywhere in the arrays refuses the whole pool.
    #[test]
    fn casts_check_every_value() {
        let mut ms = [market(), market()];
        let mut ps = [position()];
        let prices = [100i64, 1];
        let args = PoolArgs { markets: &ms, prices: &prices, collateral: 5, positions: &ps };
        let view = args.view().map_err(|_| ()).unwrap();
        assert_eq!(view.markets[1].tiers[0].maintenance.0, 50_000);
        assert_eq!((view.prices[0].0, view.collateral.0, view.positions[0].size.0), (100, 5, 100));
        ms[1].liquidation_fee_rounding = 2;
        let args = PoolArgs { markets: &ms, prices: &prices, collateral: 5, positions: &ps };
        assert_eq!(args.view().err(), Some(PARTLIQ_STATUS_INVALID_ENUM));
        ps[0].reserved = 1;
        let args = PoolArgs { markets: &ms, prices: &prices, collateral: 5, positions: &ps };
        assert_eq!(args.view().err(), Some(PARTLIQ_STATUS_RESERVED_NOT_ZERO), "positions are checked first");
        assert_eq!(decode::<Flag>(1), Ok(true));
        assert_eq!(decode::<Flag>(2), Err(PARTLIQ_STATUS_INVALID_ENUM));
        assert_eq!(decode::<partliq_fee_rounding>(u32::MAX), Err(PARTLIQ_STATUS_INVALID_ENUM));
    }

    /// A large array's elements are checked where a call reads them:
    /// `check_ranges` looks at its ranges only, and leaves a range outside
    /// the array to the core; `cast_unchecked` reads every value in place.
    #[test]
    fn ranges_check_only_what_they_cover() {
        let mut ps = [position(), position(), position()];
        ps[1].reserved = 7;
        let check = |ranges: &[(u32, u32)]| check_ranges(&ps, ranges.iter().copied());
        assert_eq!(check(&[(0, 1), (2, 1)]), Ok(()));
        assert_eq!(check(&[(1, 0)]), Ok(()), "an empty range reads nothing");
        assert_eq!(check(&[]), Ok(()));
        assert_eq!(check(&[(0, 2)]), Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO));
        assert_eq!(check(&[(2, 1), (1, 1)]), Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO), "whichever range holds it");
        // Outside the array (the core's `UNKNOWN_POSITION`), or overflowing.
        assert_eq!(check(&[(1, 3), (u32::MAX, u32::MAX), (3, 0)]), Ok(()));
        assert!(range_of(&ps, 2, 2).is_empty() && range_of(&ps, 1, 2).len() == 2);
        let core = PaddingChecked::cast_unchecked(&ps[..]);
        assert_eq!((core.len(), core[1].size.0, core[2].quote_balance.0), (3, 100, ps[2].quote_balance));
        let mut bs = [partliq_asset_balance { asset_index: 0, reserved: 0, amount: 5 }; 2];
        bs[0].reserved = 1 << 31;
        assert_eq!(check_ranges(&bs, [(1, 1)].into_iter()), Ok(()));
        assert_eq!(check_ranges(&bs, [(0, 1)].into_iter()), Err(PARTLIQ_STATUS_RESERVED_NOT_ZERO));
        assert_eq!(PaddingChecked::cast_unchecked(&bs[..])[0].amount, 5);
    }

    /// The pool's arrays, their common case tested together: the same
    /// slices and the same statuses, in argument order, as `array_in!`
    /// array by array (NULL, then length, then alignment).
    #[test]
    fn pool_arrays_are_checked_in_argument_order() {
        let ms = [market()];
        let prices = [100i64, 7];
        let ps = [position()];
        let (m, p, q) = (ms.as_ptr(), prices.as_ptr(), ps.as_ptr());
        let odd = p.cast::<u8>().wrapping_add(1).cast::<i64>();
        let huge_m = max_len::<partliq_market>() + 1;
        let call = |m, ml, p, pl, q, ql| {
            // SAFETY: valid arrays of the lengths stated, or refused first.
            unsafe { pool_args(m, ml, p, pl, 5, q, ql) }.map(|a| (a.markets.len(), a.prices.len(), a.positions.len(), a.collateral))
        };
        assert_eq!(call(m, 1, p, 2, q, 1), Ok((1, 2, 1, 5)));
        // Empty arrays (NULL or not) take the array-by-array path.
        assert_eq!(call(m, 1, core::ptr::null(), 0, q, 1), Ok((1, 0, 1, 5)));
        assert_eq!(call(core::ptr::null(), 0, p, 1, q, 0), Ok((0, 1, 0, 5)));
        assert_eq!(call(core::ptr::null(), 1, p, 2, q, 1), Err(PARTLIQ_STATUS_NULL_POINTER));
        assert_eq!(call(m, 1, p, 2, core::ptr::null(), 1), Err(PARTLIQ_STATUS_NULL_POINTER));
        assert_eq!(call(m, huge_m, p, 2, q, 1), Err(PARTLIQ_STATUS_BAD_LENGTH));
        assert_eq!(call(m, 1, odd, 1, q, 1), Err(PARTLIQ_STATUS_MISALIGNED_POINTER));
        // Argument order: the markets' length before the prices' NULL, the
        // prices' alignment before the positions' NULL.
        assert_eq!(call(m, huge_m, core::ptr::null(), 1, q, 1), Err(PARTLIQ_STATUS_BAD_LENGTH));
        assert_eq!(call(m, 1, odd, 1, core::ptr::null(), 1), Err(PARTLIQ_STATUS_MISALIGNED_POINTER));
        assert_eq!(call(m, 1, p, 2, core::ptr::null(), usize::MAX), Err(PARTLIQ_STATUS_NULL_POINTER));
    }

    /// A stage is the front its values fill, as many as fit; a failing
    /// value stops it with its error.
    #[test]
    fn stages_fill_the_front() {
        let mut buf = [MaybeUninit::<u64>::uninit(); 4];
        assert_eq!(stage(&mut buf, [7u64, 8].into_iter()), &mut [7, 8]);
        assert_eq!(stage(&mut buf, 1u64..10), &mut [1, 2, 3, 4], "as many as fit");
        assert!(stage(&mut buf, core::iter::empty::<u64>()).is_empty());
        assert_eq!(stage_try(&mut buf, [Ok::<u64, u32>(5), Ok(6)].into_iter()), Ok(&mut [5u64, 6][..]));
        assert_eq!(stage_try(&mut buf, [Ok(5u64), Err(3u32), Ok(6)].into_iter()), Err(3));
    }
}
