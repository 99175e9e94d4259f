package main

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"time"
)

// machine is the report's description of what the figures were measured on, so that two
// machines' figures can be told apart: its cores, how long one durable 4 KiB write takes
// on the disk the data set's copy is on, the engine, and how many times each scenario ran.
type machine struct {
	Cores   int     `json:"cores"`
	FsyncMS float64 `json:"fsync_ms"`
	Engine  string  `json:"engine"`
	Runs    int     `json:"runs"`
}

// fsyncLatency is the median time of n 4 KiB writes each followed by fsync, in a file in dir.
func fsyncLatency(dir string, n int) (time.Duration, error) {
	f, err := os.Create(filepath.Join(dir, "fsync-probe"))
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	block := make([]byte, 4096)
	lat := make([]time.Duration, n)
	for i := range lat {
		t0 := time.Now()
		if _, err := f.WriteAt(block, int64(i%16)*4096); err != nil {
			return 0, err
		}
		if err := f.Sync(); err != nil {
			return 0, err
		}
		lat[i] = time.Since(t0)
	}
	slices.Sort(lat)
	return lat[n/2], nil
}

func newMachine(dir, engine string, runs int) (machine, error) {
	d, err := fsyncLatency(dir, 200)
	if err != nil {
		return machine{}, err
	}
	return machine{Cores: runtime.NumCPU(), FsyncMS: float64(d.Microseconds()) / 1000, Engine: engine, Runs: runs}, nil
}

// worstOf is the worst of a throughput scenario's runs: the lowest rate, the highest
// latencies, the most errors.
type worstOf struct {
	RPS    float64 `json:"rps"`
	P50    float64 `json:"p50_ms"`
	P99    float64 `json:"p99_ms"`
	Errors int64   `json:"errors"`
}

// resultRuns is a throughput scenario's line of the report after several runs: the
// contract's fields hold each figure's median over the runs (errors: their sum), worst
// the worst of each, and each every run's figures in order.
type resultRuns struct {
	result
	Worst worstOf  `json:"worst"`
	Each  []result `json:"each"`
}

// spikeWorst is the worst of the exam spike's runs.
type spikeWorst struct {
	StartP50  float64 `json:"start_p50_ms"`
	StartP99  float64 `json:"start_p99_ms"`
	SubmitP50 float64 `json:"submit_p50_ms"`
	SubmitP99 float64 `json:"submit_p99_ms"`
	Errors    int64   `json:"errors"`
}

type spikeRuns struct {
	spikeResult
	Worst spikeWorst    `json:"worst"`
	Each  []spikeResult `json:"each"`
}

// raceRuns is the sign-up race after several runs: the contract's fields are the first
// run's, each every run's (each must be exact on its own).
type raceRuns struct {
	raceResult
	Each []raceResult `json:"each"`
}

// median returns the median of the values f picks (the lower middle one of an even count).
func median[T any](runs []T, f func(T) float64) float64 {
	v := make([]float64, len(runs))
	for i, r := range runs {
		v[i] = f(r)
	}
	sort.Float64s(v)
	return v[(len(v)-1)/2]
}

func extreme[T any](runs []T, f func(T) float64, lowest bool) float64 {
	best := f(runs[0])
	for _, r := range runs[1:] {
		if x := f(r); (lowest && x < best) || (!lowest && x > best) {
			best = x
		}
	}
	return best
}

// combine turns one scenario's runs into its line of the report. A single run is
// reported as it is, as before -runs.
func combine(runs []any) any {
	if len(runs) == 1 {
		return runs[0]
	}
	switch runs[0].(type) {
	case result:
		rs := make([]result, len(runs))
		var errs int64
		for i, r := range runs {
			rs[i] = r.(result)
			errs += rs[i].Errors
		}
		rps := func(r result) float64 { return r.RPS }
		p50 := func(r result) float64 { return r.P50 }
		p99 := func(r result) float64 { return r.P99 }
		return resultRuns{
			result: result{Name: rs[0].Name, RPS: median(rs, rps), P50: median(rs, p50), P99: median(rs, p99), Errors: errs},
			Worst: worstOf{RPS: extreme(rs, rps, true), P50: extreme(rs, p50, false), P99: extreme(rs, p99, false),
				Errors: int64(extreme(rs, func(r result) float64 { return float64(r.Errors) }, false))},
			Each: rs,
		}
	case spikeResult:
		rs := make([]spikeResult, len(runs))
		var errs int64
		for i, r := range runs {
			rs[i] = r.(spikeResult)
			errs += rs[i].Errors
		}
		f := []func(spikeResult) float64{
			func(r spikeResult) float64 { return r.StartP50 }, func(r spikeResult) float64 { return r.StartP99 },
			func(r spikeResult) float64 { return r.SubmitP50 }, func(r spikeResult) float64 { return r.SubmitP99 },
		}
		return spikeRuns{
			spikeResult: spikeResult{Name: rs[0].Name, Students: rs[0].Students, StartP50: median(rs, f[0]),
				StartP99: median(rs, f[1]), SubmitP50: median(rs, f[2]), SubmitP99: median(rs, f[3]), Errors: errs},
			Worst: spikeWorst{StartP50: extreme(rs, f[0], false), StartP99: extreme(rs, f[1], false),
				SubmitP50: extreme(rs, f[2], false), SubmitP99: extreme(rs, f[3], false),
				Errors: int64(extreme(rs, func(r spikeResult) float64 { return float64(r.Errors) }, false))},
			Each: rs,
		}
	case raceResult:
		rs := make([]raceResult, len(runs))
		for i, r := range runs {
			rs[i] = r.(raceResult)
		}
		return raceRuns{raceResult: rs[0], Each: rs}
	}
	return runs[len(runs)-1]
}
