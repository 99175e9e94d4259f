package main

import (
	"context"
	"io"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// result is one scenario's line of the report.
type result struct {
	Name   string  `json:"name"`
	RPS    float64 `json:"rps"`
	P50    float64 `json:"p50_ms"`
	P99    float64 `json:"p99_ms"`
	Errors int64   `json:"errors"`
}

// measureHook, when set, is told when drive's measured time starts (the scenario's name)
// and ends (""): the bench profiles the server over that time.
var measureHook = func(string) {}

// drive runs fn from n concurrent workers: a warm-up whose samples are dropped, then the
// measured duration. Each worker keeps its own latencies, so measuring adds no locking.
// fn returns an error for a failed request (a wrong status counts).
func drive(ctx context.Context, name string, n int, warmup, duration time.Duration, fn func(worker int) error) result {
	var errs atomic.Int64
	var measuring atomic.Bool
	lat := make([][]time.Duration, n)
	ctx, cancel := context.WithTimeout(ctx, warmup+duration)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	var measureStart time.Time
	var once sync.Once
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for ctx.Err() == nil {
				t0 := time.Now()
				err := fn(w)
				d := time.Since(t0)
				if err == errPoolEmpty {
					return // nothing left to send: this worker is done
				}
				if ctx.Err() != nil {
					return // the deadline cut this request short
				}
				if !measuring.Load() {
					if time.Since(start) < warmup {
						continue
					}
					once.Do(func() { measureHook(name); measureStart = time.Now(); measuring.Store(true) })
				}
				if err != nil {
					errs.Add(1)
					continue
				}
				lat[w] = append(lat[w], d)
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(measureStart)
	measureHook("")
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	return summarize(name, all, elapsed, errs.Load())
}

// summarize computes throughput and percentiles from raw latencies.
func summarize(name string, all []time.Duration, elapsed time.Duration, errs int64) result {
	r := result{Name: name, Errors: errs}
	if len(all) == 0 || elapsed <= 0 {
		return r
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	r.RPS = round1(float64(len(all)) / elapsed.Seconds())
	r.P50 = ms(percentile(all, 0.50))
	r.P99 = ms(percentile(all, 0.99))
	return r
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p)
	return sorted[i]
}

func ms(d time.Duration) float64 { return round1(float64(d) / float64(time.Millisecond)) }

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

// get fetches a URL and reads the body; any status other than want is an error.
func get(c *http.Client, url string, want int) error {
	res, err := c.Get(url)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	if res.StatusCode != want {
		return &statusError{got: res.StatusCode, want: want}
	}
	return nil
}

type statusError struct{ got, want int }

func (e *statusError) Error() string { return "unexpected status" }
