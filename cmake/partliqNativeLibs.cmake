# The system libraries a program linking the static libpartliq.a needs
# (Rust's std): what `cargo rustc --lib --crate-type staticlib -- --print
# native-static-libs` prints for the platform. scripts/ffi/check-native-libs.sh
# compares this list with rustc's on every test run.
if(APPLE)
  set(PARTLIQ_NATIVE_STATIC_LIBS "-framework CoreFoundation;-liconv;-lSystem;-lc;-lm")
elseif(WIN32)
  set(PARTLIQ_NATIVE_STATIC_LIBS "kernel32;ntdll;userenv;ws2_32;dbghelp")
else()
  set(PARTLIQ_NATIVE_STATIC_LIBS "gcc_s;util;rt;pthread;m;dl;c")
endif()
