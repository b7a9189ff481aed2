//! The library's version: the header's `PARTLIQ_VERSION_*` macros,
//! `partliq_version`, `partliq_abi_version`.

use core::ffi::c_char;

/// Major version of the library (Cargo.toml's); the shared library's SONAME
/// carries it (`libpartliq.so.0`).
pub const PARTLIQ_VERSION_MAJOR: u32 = 0;
/// Minor version of the library (Cargo.toml's).
pub const PARTLIQ_VERSION_MINOR: u32 = 1;
/// Patch version of the library (Cargo.toml's).
pub const PARTLIQ_VERSION_PATCH: u32 = 0;
/// The three numbers combined: `MAJOR × 1,000,000 + MINOR × 1,000 + PATCH`.
/// `partliq_abi_version()` returns it for the library actually linked.
pub const PARTLIQ_VERSION_NUMBER: u32 = 1_000;

const _: () = assert!(PARTLIQ_VERSION_NUMBER == PARTLIQ_VERSION_MAJOR * 1_000_000 + PARTLIQ_VERSION_MINOR * 1_000 + PARTLIQ_VERSION_PATCH);

/// The library's version, `"MAJOR.MINOR.PATCH"` (Cargo.toml's): a static
/// NUL-terminated string; never NULL, do not free.
#[no_mangle]
pub extern "C" fn partliq_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The linked library's `PARTLIQ_VERSION_NUMBER`
/// (`MAJOR × 1,000,000 + MINOR × 1,000 + PATCH`). A program compiled against
/// the header may check at start-up that the major versions agree:
/// `partliq_abi_version() / 1000000 == PARTLIQ_VERSION_MAJOR` (and, while the
/// major version is 0, the minor versions too).
#[no_mangle]
pub extern "C" fn partliq_abi_version() -> u32 {
    PARTLIQ_VERSION_NUMBER
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The header's macros (these constants), Cargo.toml's version (the
    /// workspace's: the core's and this crate's) and `partliq_version()`
    /// agree.
    #[test]
    fn version_agrees_with_cargo_toml() {
        let parse = |s: &str| s.parse::<u32>().unwrap();
        assert_eq!(PARTLIQ_VERSION_MAJOR, parse(env!("CARGO_PKG_VERSION_MAJOR")));
        assert_eq!(PARTLIQ_VERSION_MINOR, parse(env!("CARGO_PKG_VERSION_MINOR")));
        assert_eq!(PARTLIQ_VERSION_PATCH, parse(env!("CARGO_PKG_VERSION_PATCH")));
        assert_eq!(partliq_abi_version(), PARTLIQ_VERSION_NUMBER);
        // SAFETY: partliq_version returns a static NUL-terminated string.
        let v = unsafe { core::ffi::CStr::from_ptr(partliq_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
