//! Gives the shared library (the cdylib only) a SONAME carrying the major
//! version, `libpartliq.so.<major>`, on ELF targets: cargo writes the file as
//! `libpartliq_ffi.so` and the build (CMakeLists.txt, scripts/ffi/) installs
//! it as `libpartliq.so`, the name the SONAME's links point to.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
    let elf = matches!(os.as_str(), "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly" | "illumos" | "solaris");
    if elf && !major.is_empty() {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpartliq.so.{major}");
    }
}
