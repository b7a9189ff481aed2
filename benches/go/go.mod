module partliq.dev/benches/go

go 1.19
