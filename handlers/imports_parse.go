package handlers

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/jinducity/portal"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Roster files: an .xlsx workbook (its first sheet) or a CSV file, in UTF-8 or in the
// GB18030 that Excel on a Chinese Windows saves CSV in. The heading row (年级, 班级,
// 姓名, 学号 and, optionally, 学年) may come after a few title rows, as in the portal's
// own template and exports; its columns may come in any order.

// Limits of a roster upload.
const (
	maxRosterUpload   = 5 << 20  // bytes of the file
	maxRosterUnzipped = 16 << 20 // bytes a workbook may unpack to (a zip bomb stops here)
	rosterHeadSearch  = 10       // rows searched for the heading row
)

var (
	errImportNotSheet = portal.Errorf(portal.EINVALID, "ImportErrNotSheet")
	errImportXLS      = portal.Errorf(portal.EINVALID, "ImportErrXLS")
	errImportNoHead   = portal.Errorf(portal.EINVALID, "ImportErrNoHead")
	errImportEmpty    = portal.Errorf(portal.EINVALID, "ImportErrEmpty")
	errImportTooLong  = portal.Errorf(portal.EINVALID, "ImportErrTooLong")
	errImportTooBig   = portal.Errorf(portal.EINVALID, "ImportErrTooBig")
)

// rosterColumns maps the headings a roster's columns may have to the field they hold.
var rosterColumns = map[string]string{
	"年级": "grade", "班级": "class", "姓名": "name", "学号": "number", "学年": "year",
	"grade": "grade", "class": "class", "name": "name", "number": "number", "schoolyear": "year",
	"学生姓名": "name", "班级名称": "class", "班号": "class",
}

// parseRoster reads a roster file's student rows. It never panics on any input (see
// FuzzParseRoster) and refuses what is not a roster with a message for the user.
func parseRoster(data []byte) ([]portal.RosterRow, error) {
	rows, err := parseTable(data, rosterColumns, []string{"grade", "class", "name", "number"}, portal.MaxRosterRows)
	if err != nil {
		return nil, err
	}
	out := make([]portal.RosterRow, len(rows))
	for i, r := range rows {
		out[i] = portal.RosterRow{Line: r.Line, Grade: r.F["grade"], Class: r.F["class"], Name: r.F["name"],
			Number: r.F["number"], Year: r.F["year"]}
	}
	return out, nil
}

// tableRow is one data row of an uploaded table: its line in the file and its fields.
type tableRow struct {
	Line int
	F    map[string]string
}

// parseTable reads an uploaded .xlsx or .csv: the heading row (naming every required
// field, within the first rows), then at most max data rows, empty ones skipped.
func parseTable(data []byte, columns map[string]string, required []string, max int) ([]tableRow, error) {
	if len(data) > maxRosterUpload {
		return nil, errImportTooBig
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return parseTableXLSX(data, columns, required, max)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, errImportXLS
	case len(bytes.TrimSpace(data)) == 0:
		return nil, errImportEmpty
	case bytes.IndexByte(data, 0) >= 0:
		return nil, errImportNotSheet
	}
	return parseTableCSV(data, columns, required, max)
}

// rowSource yields a file's rows one at a time; io.EOF ends them.
type rowSource func() ([]string, error)

func parseTableCSV(data []byte, columns map[string]string, required []string, max int) ([]tableRow, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(dec) {
			return nil, errImportNotSheet
		}
		data = dec
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	return readTable(columns, required, max, func() ([]string, error) {
		rec, err := r.Read()
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			return nil, errImportNotSheet
		}
		return rec, err
	})
}

func parseTableXLSX(data []byte, columns map[string]string, required []string, max int) ([]tableRow, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: maxRosterUnzipped, UnzipXMLSizeLimit: maxRosterUnzipped})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, errImportTooBig
		}
		return nil, errImportNotSheet
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errImportEmpty
	}
	sheet := sheets[0]
	// A merged cell (a grade written once beside its classes' rows) counts for every row
	// it covers.
	merged := map[[2]int]string{}
	if ms, err := f.GetMergeCells(sheet); err == nil {
		for _, m := range ms {
			c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
			c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
			if err1 != nil || err2 != nil || (r2-r1+1)*(c2-c1+1) > 100_000 {
				continue
			}
			for r := r1; r <= r2; r++ {
				for c := c1; c <= c2; c++ {
					merged[[2]int{r, c}] = m.GetCellValue()
				}
			}
		}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, errImportNotSheet
	}
	defer rows.Close()
	n := 0
	return readTable(columns, required, max, func() ([]string, error) {
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, errImportNotSheet
			}
			return nil, io.EOF
		}
		n++
		cols, err := rows.Columns()
		if err != nil {
			return nil, errImportNotSheet
		}
		if len(merged) > 0 {
			for c := 1; c <= 8; c++ {
				if v, ok := merged[[2]int{n, c}]; ok {
					for len(cols) < c {
						cols = append(cols, "")
					}
					if cols[c-1] == "" {
						cols[c-1] = v
					}
				}
			}
		}
		return cols, nil
	})
}

// readTable finds the heading row among the first rows, then reads the data rows after
// it, skipping empty ones; Line is the row's number in the file.
func readTable(columns map[string]string, required []string, max int, next rowSource) ([]tableRow, error) {
	var col map[string]int
	line := 0
	for col == nil {
		rec, err := next()
		if err == io.EOF {
			return nil, errImportNoHead
		} else if err != nil {
			return nil, err
		}
		line++
		col = tableHeading(rec, columns, required)
		if col == nil && line >= rosterHeadSearch {
			return nil, errImportNoHead
		}
	}
	var out []tableRow
	for {
		rec, err := next()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		line++
		r := tableRow{Line: line, F: make(map[string]string, len(col))}
		empty := true
		for f, i := range col {
			if i < len(rec) {
				if v := strings.TrimSpace(rec[i]); v != "" {
					r.F[f], empty = v, false
				}
			}
		}
		if empty {
			continue
		}
		if len(out) == max {
			return nil, errImportTooLong
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, errImportEmpty
	}
	return out, nil
}

// tableHeading returns the columns of a table's fields when rec is its heading row (every
// required field named), nil otherwise.
func tableHeading(rec []string, columns map[string]string, required []string) map[string]int {
	col := map[string]int{}
	for i, h := range rec {
		h = strings.ToLower(strings.Map(func(r rune) rune {
			switch r {
			case ' ', '\u3000', '*', '＊', '\t', '_':
				return -1
			}
			return r
		}, h))
		if f, ok := columns[h]; ok {
			if _, dup := col[f]; !dup {
				col[f] = i
			}
		}
	}
	for _, f := range required {
		if _, ok := col[f]; !ok {
			return nil
		}
	}
	return col
}
