package store

import (
	"testing"

	"github.com/jinducity/portal/store/storetest"
)

// TestMain runs the store's tests on SQLite and, when PORTAL_TEST_POSTGRES names a
// server, again on PostgreSQL.
func TestMain(m *testing.M) { storetest.Main(m) }
