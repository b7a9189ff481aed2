//! `partliq_status_str`, `partliq_version`, `partliq_abi_version`: any code
//! gets a static NUL-terminated string (a name for every code the core can
//! return, "unknown status code" otherwise); the version strings agree.
#![no_main]
use libfuzzer_sys::fuzz_target;
use partliq_ffi::*;

fuzz_target!(|code: u32| {
    // SAFETY: partliq_status_str never returns NULL and its strings are static.
    let s = unsafe { core::ffi::CStr::from_ptr(partliq_status_str(code)) };
    let s = s.to_str().expect("ASCII status name");
    assert!(!s.is_empty());
    assert!(s.is_ascii());
    // The boundary's own codes and the core's low codes are named.
    let named = matches!(code, 0..=3 | 10..=19 | 30..=36 | 40..=43 | 1000..=1004);
    if named {
        assert_ne!(s, "unknown status code", "code {code}");
    }
    // SAFETY: static NUL-terminated string.
    let v = unsafe { core::ffi::CStr::from_ptr(partliq_version()) };
    assert_eq!(v.to_str().unwrap(), format!("{PARTLIQ_VERSION_MAJOR}.{PARTLIQ_VERSION_MINOR}.{PARTLIQ_VERSION_PATCH}"));
    assert_eq!(partliq_abi_version(), PARTLIQ_VERSION_NUMBER);
});
