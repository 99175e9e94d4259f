package handlers

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
	"github.com/xuri/excelize/v2"
)

// Every list an office hands on is also a download: the page's own URL with
// ?format=xlsx or ?format=csv gives the same rows the viewer may see on the page (all
// pages of them, not one), as a workbook or as CSV. The rows are streamed: from the
// store, through a callback, to the response (CSV) or to excelize's stream writer, which
// keeps at most 16 MB of a sheet in memory and the rest in a temporary file (xlsx).

// colKind says how an export column's values are written.
type colKind int

const (
	colText     colKind = iota
	colInt              // an integer, written as a number
	colFloat            // a decimal number
	colPercent          // a fraction from 0 to 1, shown as a percentage
	colDate             // a time.Time shown as its date in China Standard Time
	colDateTime         // a time.Time shown to the minute in China Standard Time
)

// exportCol is one column of an export: its heading (already translated), kind and
// width in characters.
type exportCol struct {
	Head  string
	Kind  colKind
	Width float64
}

// export is one table to download. Rows calls emit once per row, in order, with one
// value per column: strings for text, ints for integers, float64 for decimals and
// percentages, time.Time for dates; nil leaves a cell empty (a figure withheld).
type export struct {
	File   string // file name without extension, e.g. 学校名单
	Title  string
	Filter string // what the rows were chosen by, for the title row; may be empty
	Cols   []exportCol
	Rows   func(emit func(row ...any) error) error
}

// errTooManyRows refuses a workbook longer than a sheet can be (Excel's 1,048,576 rows);
// the CSV of the same rows has no limit.
var errTooManyRows = portal.Errorf(portal.EINVALID, "ExportTooManyRows")

// Export formats; an unknown format is a 404, as an unknown page would be.
const (
	formatXLSX = "xlsx"
	formatCSV  = "csv"
)

// exportFormat returns the download format a request asks for, "" for the page itself.
func exportFormat(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "", formatXLSX, formatCSV:
		return f, nil
	}
	return "", errNotFound
}

// sendExport answers the request with x in the format asked for. An error before any
// byte is sent shows the error page; an error in the middle of a CSV download aborts the
// connection, so that a cut file never looks complete.
func (s *Server) sendExport(w http.ResponseWriter, r *http.Request, format string, x *export) error {
	now := s.now()
	name := x.File + "_" + now.In(portal.CST).Format("20060102_1504") + "." + format
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", contentDisposition(name))
	h.Set("X-Content-Type-Options", "nosniff")
	switch format {
	case formatCSV:
		h.Set("Content-Type", "text/csv; charset=utf-8")
		sw := &startedWriter{w: w}
		if err := writeCSV(sw, x); err != nil {
			if !sw.started {
				h.Del("Content-Disposition")
				return err
			}
			s.log.Error("export cut short", "path", r.URL.Path, "err", err)
			panic(http.ErrAbortHandler)
		}
		return nil
	case formatXLSX:
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		sw := &startedWriter{w: w}
		if err := writeXLSX(sw, x, views.T(r.Context(), "ExportedAt", "Time", views.DateTime(now)), now); err != nil {
			if !sw.started {
				h.Del("Content-Disposition")
				return err
			}
			s.log.Error("export cut short", "path", r.URL.Path, "err", err)
			panic(http.ErrAbortHandler)
		}
		return nil
	}
	return errNotFound
}

// startedWriter remembers whether anything was written.
type startedWriter struct {
	w       io.Writer
	started bool
}

func (s *startedWriter) Write(p []byte) (int, error) {
	if len(p) > 0 {
		s.started = true
	}
	return s.w.Write(p)
}

// contentDisposition names a download: an ASCII name for old clients and the real one
// (Chinese) as RFC 5987 / RFC 6266 filename*.
func contentDisposition(name string) string {
	ascii := make([]byte, 0, len(name))
	for _, c := range []byte(name) {
		if c >= 0x80 {
			continue
		}
		ascii = append(ascii, c)
	}
	fallback := strings.TrimLeft(string(ascii), "_")
	if fallback == "" || fallback[0] == '.' {
		fallback = "export" + fallback
	}
	return `attachment; filename="` + fallback + `"; filename*=UTF-8''` + rfc5987(name)
}

// rfc5987 percent-encodes every byte but RFC 5987's attr-char.
func rfc5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// writeCSV writes x as UTF-8 CSV with a byte-order mark (Excel otherwise reads it in the
// local code page): the heading row, then the rows as they come.
func writeCSV(w io.Writer, x *export) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true // what Excel writes
	heads := make([]string, len(x.Cols))
	for i, c := range x.Cols {
		heads[i] = c.Head
	}
	if err := cw.Write(heads); err != nil {
		return err
	}
	rec := make([]string, len(x.Cols))
	err := x.Rows(func(row ...any) error {
		if len(row) != len(x.Cols) {
			return fmt.Errorf("export %s: row of %d values, %d columns", x.File, len(row), len(x.Cols))
		}
		for i, v := range row {
			rec[i] = csvCell(x.Cols[i].Kind, v)
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// csvCell formats one value for CSV. Text that a spreadsheet would take for a formula
// (=, +, -, @ first) gets a leading apostrophe, so a school name cannot run as one.
func csvCell(k colKind, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		if v != "" && strings.IndexByte("=+-@\t\r", v[0]) >= 0 {
			return "'" + v
		}
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		if k == colPercent {
			return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case time.Time:
		if v.IsZero() {
			return ""
		}
		if k == colDate {
			return v.In(portal.CST).Format(time.DateOnly)
		}
		return v.In(portal.CST).Format("2006-01-02 15:04")
	}
	return fmt.Sprint(v)
}

// xlsxHeadRows is the number of rows above the data: the title, the filter and the time
// of export, and the headings.
const xlsxHeadRows = 3

// writeXLSX writes x as a workbook of one sheet: a bold title, a line with the filter and
// the time of export, a bold frozen heading row, then the rows, numbers as numbers and
// dates as dates.
func writeXLSX(w io.Writer, x *export, exportedAt string, now time.Time) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := sheetName(x.File)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	f.SetDocProps(&excelize.DocProperties{Title: x.Title, Creator: "jinducity portal", Created: now.UTC().Format(time.RFC3339)})
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	titleStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF4"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "666666", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	dateFmt, dateTimeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	styles := map[colKind]int{}
	for k, st := range map[colKind]*excelize.Style{
		colDate: {CustomNumFmt: &dateFmt}, colDateTime: {CustomNumFmt: &dateTimeFmt},
		colPercent: {NumFmt: 10}, colFloat: {NumFmt: 2}, colInt: {NumFmt: 1},
	} {
		if styles[k], err = f.NewStyle(st); err != nil {
			return err
		}
	}
	for i, c := range x.Cols {
		width := c.Width
		if width <= 0 {
			width = 12
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: xlsxHeadRows,
		TopLeftCell: "A" + strconv.Itoa(xlsxHeadRows+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: titleStyle, Value: x.Title}}, excelize.RowOpts{Height: 22}); err != nil {
		return err
	}
	sub := exportedAt
	if x.Filter != "" {
		sub = x.Filter + "　" + exportedAt
	}
	if err := sw.SetRow("A2", []any{sub}); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(max(len(x.Cols), 1), 1)
	if len(x.Cols) > 1 {
		if err := sw.MergeCell("A1", last); err != nil {
			return err
		}
		last2, _ := excelize.CoordinatesToCellName(len(x.Cols), 2)
		if err := sw.MergeCell("A2", last2); err != nil {
			return err
		}
	}
	heads := make([]any, len(x.Cols))
	for i, c := range x.Cols {
		heads[i] = excelize.Cell{StyleID: headStyle, Value: c.Head}
	}
	if err := sw.SetRow("A"+strconv.Itoa(xlsxHeadRows), heads); err != nil {
		return err
	}
	n := xlsxHeadRows
	cells := make([]any, len(x.Cols))
	err = x.Rows(func(row ...any) error {
		if len(row) != len(x.Cols) {
			return fmt.Errorf("export %s: row of %d values, %d columns", x.File, len(row), len(x.Cols))
		}
		n++
		if n > excelize.TotalRows {
			return errTooManyRows
		}
		for i, v := range row {
			cells[i] = xlsxCell(x.Cols[i].Kind, v, styles)
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	// The workbook's zip goes straight to w rather than first into a buffer of its own
	// (excelize's Write builds the whole file in memory).
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	return f.Write(io.Discard)
}

// xlsxCell turns one value into a cell with its column's style.
func xlsxCell(k colKind, v any, styles map[colKind]int) any {
	switch t := v.(type) {
	case nil:
		return nil
	case string:
		return t
	case time.Time:
		if t.IsZero() {
			return nil
		}
		// Excel has no time zones: the wall clock in China is what the office reads.
		c := t.In(portal.CST)
		v = time.Date(c.Year(), c.Month(), c.Day(), c.Hour(), c.Minute(), c.Second(), 0, time.UTC)
		if k == colDate {
			v = time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, time.UTC)
		}
	}
	if st, ok := styles[k]; ok {
		return excelize.Cell{StyleID: st, Value: v}
	}
	return v
}

// sheetName makes a valid sheet name: at most 31 characters, none of : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	if s == "" {
		return "Sheet1"
	}
	return s
}
