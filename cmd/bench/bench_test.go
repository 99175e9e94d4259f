package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/seed"
)

// TestMain lets the test binary be the bench's server process too, as the bench binary
// is: the bench starts its own executable for the server.
func TestMain(m *testing.M) {
	if db := os.Getenv(serveEnv); db != "" {
		if err := serve(db); err != nil {
			fmt.Fprintln(os.Stderr, "bench server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestBenchOnSmallCity runs every scenario briefly, twice, on a small data set: the report
// has them all, without errors, each with both runs, their median and their worst, the
// machine it ran on, and the data set is left as it was.
func TestBenchOnSmallCity(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "city.db")
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	size := seed.CitySize{Districts: 2, Schools: 20, Classes: 60, Students: 2400, Associations: 2, Volunteers: 40}
	if err := seed.City(ctx, st, time.Now(), size, 1, nil); err != nil {
		t.Fatal(err)
	}
	st.Close()

	var out bytes.Buffer
	if err := run(ctx, []string{"-db", db, "-duration", "300ms", "-warmup", "100ms", "-spike", "100", "-runs", "2"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Machine   machine          `json:"machine"`
		Dataset   dataset          `json:"dataset"`
		Scenarios []map[string]any `json:"scenarios"`
		RSSMB     float64          `json:"rss_mb"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("output is not the report: %v\n%s", err, out.String())
	}
	if rep.Dataset.Schools != 20 || rep.Dataset.Students != 2400 || rep.RSSMB <= 0 || rep.RSSMB > 500 {
		t.Errorf("dataset %+v, rss %v", rep.Dataset, rep.RSSMB)
	}
	if rep.Machine.Cores <= 0 || rep.Machine.FsyncMS <= 0 || rep.Machine.Runs != 2 || rep.Machine.Engine != "sqlite" {
		t.Errorf("machine %+v", rep.Machine)
	}
	names := map[string]bool{}
	for _, sc := range rep.Scenarios {
		names[sc["name"].(string)] = true
		if each, _ := sc["each"].([]any); len(each) != 2 {
			t.Errorf("scenario %v: want both runs in each", sc["name"])
		}
		if _, race := sc["accepted"]; !race {
			if w, _ := sc["worst"].(map[string]any); w == nil {
				t.Errorf("scenario %v has no worst", sc["name"])
			} else if sc["name"] != "exam_spike" && w["rps"].(float64) > sc["rps"].(float64) {
				t.Errorf("scenario %v: worst rate %v above the median %v", sc["name"], w["rps"], sc["rps"])
			}
		}
		if _, race := sc["accepted"]; race {
			continue
		}
		if sc["name"] == "exam_spike" {
			if sc["students"].(float64) != 100 || sc["errors"].(float64) != 0 || sc["start_p99_ms"].(float64) <= 0 ||
				sc["submit_p99_ms"].(float64) <= 0 {
				t.Errorf("exam_spike = %v", sc)
			}
			continue
		}
		if sc["errors"].(float64) != 0 || sc["rps"].(float64) <= 0 {
			t.Errorf("scenario %v", sc)
		}
	}
	for _, sc := range rep.Scenarios {
		if sc["name"] == "signup_race" {
			// 40 volunteers in the small city for 30 places, in every run.
			for _, r := range sc["each"].([]any) {
				r := r.(map[string]any)
				if r["capacity"].(float64) != 30 || r["attempts"].(float64) != 40 || r["accepted"].(float64) != 30 ||
					r["waitlisted"].(float64) != 10 || r["errors"].(float64) != 0 {
					t.Errorf("signup_race run = %v, want 30 of 40 accepted, 10 waitlisted, no errors", r)
				}
			}
		}
	}
	for _, n := range []string{"static_ceiling", "home", "dashboard", "school_page", "insert_ceiling", "quiz_submit",
		"exam_spike", "signup_race"} {
		if !names[n] {
			t.Errorf("scenario %s missing from the report", n)
		}
	}
	// The data set itself was not written to.
	st, err = store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.InsertCeiling(ctx, 1); err == nil {
		t.Error("the bench's scratch table exists in the original data set")
	}
}
