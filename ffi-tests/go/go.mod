module partliq.dev/ffi/go

go 1.19
