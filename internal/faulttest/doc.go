// Package faulttest holds crash, shutdown and soak tests of the real
// nurture binary. It has no code of its own: its tests build cmd/nurture
// once, start it on loopback addresses, drive it over HTTP, and kill,
// stop and restart it (only the processes they started, by their id).
//
//   - TestCrashDurabilitySQLite and TestCrashDurabilityPostgres: 20
//     concurrent clients post entries; the server is SIGKILLed at a random
//     moment (seeded; the seed is logged, NURTURE_FAULT_SEED replays it),
//     restarted, and every entry that got a 2xx answer must be there. On
//     SQLite the database also passes PRAGMA integrity_check.
//   - TestGracefulShutdown: SIGTERM under load; see the test for what
//     "finishes in-flight requests" means precisely.
//   - TestSoak: mixed reads and writes for NURTURE_SOAK (default 60s; the issue asks 3m) while
//     RSS, threads and open file descriptors of the server are sampled.
package faulttest
