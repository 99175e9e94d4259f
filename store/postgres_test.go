package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/storetest"
)

// Several servers starting together on an empty PostgreSQL database migrate it once:
// each migration runs in a transaction holding an advisory lock, and a server that gets
// the lock after another finds the migration applied.
func TestMigrationsOnceWhenServersStartTogether(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("PostgreSQL only: runs in the PostgreSQL half of the suite")
	}
	dsn := storetest.DSN(t)
	ctx := context.Background()
	stores := make([]*store.Store, 4)
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = store.Open(ctx, dsn, store.Options{}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("server %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	var applied, distinct int
	if err := stores[0].SQL().QueryRow(`SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_version`).Scan(&applied, &distinct); err != nil {
		t.Fatal(err)
	}
	v, err := stores[1].SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if applied != distinct || applied == 0 || v == 0 {
		t.Errorf("schema_version: %d rows, %d versions, latest %d; want each migration once", applied, distinct, v)
	}
}
