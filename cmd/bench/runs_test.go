package main

import "testing"

// TestCombineRuns: a scenario's line after three runs holds each figure's median, the
// worst of each (the lowest rate, the highest latency) and every run in order.
func TestCombineRuns(t *testing.T) {
	got := combine([]any{
		result{Name: "quiz_submit", RPS: 100, P50: 3, P99: 5, Errors: 0},
		result{Name: "quiz_submit", RPS: 300, P50: 1, P99: 1, Errors: 2},
		result{Name: "quiz_submit", RPS: 200, P50: 2, P99: 9, Errors: 0},
	}).(resultRuns)
	if got.RPS != 200 || got.P50 != 2 || got.P99 != 5 || got.Errors != 2 {
		t.Errorf("median %+v, want 200 rps, p50 2, p99 5, 2 errors", got.result)
	}
	if got.Worst != (worstOf{RPS: 100, P50: 3, P99: 9, Errors: 2}) {
		t.Errorf("worst %+v", got.Worst)
	}
	if len(got.Each) != 3 || got.Each[1].RPS != 300 {
		t.Errorf("each %+v", got.Each)
	}
	spike := combine([]any{
		spikeResult{Name: "exam_spike", Students: 3000, StartP99: 900, SubmitP99: 400},
		spikeResult{Name: "exam_spike", Students: 3000, StartP99: 1100, SubmitP99: 300},
	}).(spikeRuns)
	// Of two runs the median is the lower one and the worst the higher.
	if spike.StartP99 != 900 || spike.Worst.StartP99 != 1100 || spike.Worst.SubmitP99 != 400 || spike.Students != 3000 {
		t.Errorf("spike %+v", spike)
	}
	if one := combine([]any{result{Name: "home", RPS: 5}}); one != (result{Name: "home", RPS: 5}) {
		t.Errorf("one run = %+v, want it as it is", one)
	}
}
