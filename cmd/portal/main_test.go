package main

import (
	"testing"

	"github.com/jinducity/portal/store/storetest"
)

// TestMain runs the package's tests on SQLite and, when PORTAL_TEST_POSTGRES names a
// server, again on PostgreSQL (storetest.Main).
func TestMain(m *testing.M) { storetest.Main(m) }
