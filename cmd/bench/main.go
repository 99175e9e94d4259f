// Command bench is the portal's load benchmark. It copies a data set (made with
// `portal seed -scale city`), serves the real portal in-process on a loopback port against
// the copy, drives it with real HTTP clients at fixed concurrency, and prints one JSON
// object with every scenario of the run, so that ratios compare like with like. The data
// set itself is left as it was. See BENCHMARKS.md in the README's benchmark section.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/jinducity/portal/store"
)

func main() {
	if db := os.Getenv(serveEnv); db != "" {
		if err := serve(db); err != nil {
			fmt.Fprintln(os.Stderr, "bench server:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// report is the benchmark's JSON output (see the contract).
type report struct {
	Machine   machine `json:"machine"`
	Dataset   dataset `json:"dataset"`
	Scenarios []any   `json:"scenarios"`
	RSSMB     float64 `json:"rss_mb"`
}

type dataset struct {
	Schools      int `json:"schools"`
	Students     int `json:"students"`
	Activities   int `json:"activities"`
	QuizAttempts int `json:"quiz_attempts"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "data set to benchmark (a copy is used; the file is left as it is)")
	duration := fs.Duration("duration", 10*time.Second, "measured time of each throughput scenario")
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured time before each scenario")
	spike := fs.Int("spike", 3000, "students of the exam spike")
	runs := fs.Int("runs", 3, "times each scenario runs; the report gives the median and the worst")
	only := fs.String("only", "", "comma-separated scenarios to run (default: all; the contract's report needs all)")
	clientProfile := fs.String("clientprofile", "", "write the bench's own (clients') CPU profile to this file")
	cpuProfile := fs.String("cpuprofile", "", "write the server process's CPU profile of each scenario's measured time to this path plus .SCENARIO (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *db == "" {
		return errors.New("bench needs -db PATH (make one with: go run ./cmd/portal seed -scale city -db PATH)")
	}
	if *runs < 1 {
		return errors.New("-runs must be at least 1")
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	b, err := newBench(ctx, *db, *cpuProfile, logf)
	if err != nil {
		return err
	}
	defer b.close()
	b.spike, b.runs = *spike, *runs
	measureHook = b.measuring
	if *clientProfile != "" {
		f, err := os.Create(*clientProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	want := map[string]bool{}
	for _, n := range strings.Split(*only, ",") {
		if n = strings.TrimSpace(n); n != "" {
			want[n] = true
		}
	}
	engine := "sqlite"
	if store.IsPostgres(*db) {
		engine = "postgres"
	}
	mach, err := newMachine(b.dir, engine, *runs)
	if err != nil {
		return err
	}
	logf("%d cores, fsync of 4 KiB %.2f ms (median of 200)", mach.Cores, mach.FsyncMS)
	rep := report{Machine: mach, Dataset: b.dataset}
	for _, sc := range b.scenarios() {
		if len(want) > 0 && !want[sc.name] {
			continue
		}
		var all []any
		for r := range *runs {
			logf("scenario %s, run %d of %d …", sc.name, r+1, *runs)
			res, err := sc.run(ctx, *warmup, *duration)
			if err != nil {
				return fmt.Errorf("scenario %s: %w", sc.name, err)
			}
			logf("  %+v", res)
			all = append(all, res)
		}
		rep.Scenarios = append(rep.Scenarios, combine(all))
	}
	rep.RSSMB = b.serverRSSMB()
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
