package store

import "context"

// HoldWriter runs fn inside a write transaction: the writer waits for fn.
func HoldWriter(s *Store, fn func()) error {
	return s.tx(context.Background(), func(*txn) error { fn(); return nil })
}
