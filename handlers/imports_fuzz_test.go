package handlers

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/xuri/excelize/v2"
)

// FuzzParseRoster feeds the roster parser arbitrary files: it must never panic, and it
// either refuses the file with a message for the user or returns at most
// portal.MaxRosterRows rows, each with its line after the heading row.
func FuzzParseRoster(f *testing.F) {
	f.Add([]byte("年级,班级,姓名,学号\n7,七年级（1）班,王小明,1\n"))
	f.Add([]byte("\uFEFF学生名册\n\n学号,姓名,班级,年级,学年\n01,李\"小红,1班,初一,2026—2027 学年\n"))
	f.Add([]byte("年级,班级,姓名,学号\n,,,\n\"7,1班,\"\"x\"\",3\n"))
	f.Add([]byte{0xD0, 0xCF, 0x11, 0xE0})
	f.Add([]byte("PK\x03\x04garbage"))
	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"年级", "班级", "姓名", "学号"})
	x.SetSheetRow("Sheet1", "A2", &[]any{7, "1班", "张三", 12})
	x.MergeCell("Sheet1", "A2", "A4")
	var buf bytes.Buffer
	x.Write(&buf)
	x.Close()
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		type result struct {
			rows []portal.RosterRow
			err  error
		}
		done := make(chan result, 1)
		go func() {
			rows, err := parseRoster(data)
			done <- result{rows, err}
		}()
		var res result
		select {
		case res = <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("parsing %q took over 5 s", data)
		}
		rows, err := res.rows, res.err
		if err != nil {
			var pe *portal.Error
			if !errors.As(err, &pe) || pe.Code != portal.EINVALID || pe.Message == "" {
				t.Fatalf("error %v is not a message for the user", err)
			}
			if rows != nil {
				t.Fatal("rows with an error")
			}
			return
		}
		if len(rows) == 0 || len(rows) > portal.MaxRosterRows {
			t.Fatalf("%d rows", len(rows))
		}
		last := 0
		for _, r := range rows {
			if r.Line <= last || r.Line < 2 {
				t.Fatalf("line %d after %d", r.Line, last)
			}
			last = r.Line
			r.Check(portal.StageNineYear, 2026) // never panics either
		}
	})
}
